"""Compiled tree prediction (``boilerstrip.model.trees``) gives LightGBM's own probabilities,
bit for bit, on the shipped models and on trees that take every kind of decision."""

import lightgbm as lgb
import numpy as np
import pytest

from boilerstrip.errors import ModelError
from boilerstrip.features import FEATURE_NAMES
from boilerstrip.model.classifier import _EARLY_STOP, documents_to_matrix
from boilerstrip.model.shipped import load_model
from boilerstrip.model.trees import Trees
from boilerstrip.training.corpus import label_page, read_pages


def _same(trees: Trees, X: np.ndarray, **settings) -> None:
    expected = lgb.Booster(model_str=trees.model_to_string()).predict(X, num_threads=1, **settings)
    np.testing.assert_array_equal(trees.predict(X, **settings), expected)


@pytest.mark.parametrize("input_format, rendering", [("text", "scraper"), ("html", "html")])
def test_the_shipped_models_predict_as_lightgbm_does(datasets, input_format, rendering):
    """Held-out daniel pages: every stage, with the early stop prediction uses, without it,
    and with the first rounds only (what an adapted model gives other sites' pages)."""
    model = load_model(None, input_format)
    pages = list(read_pages(datasets / "daniel.jsonl.gz", "test"))[:40]
    docs = [label_page(page, rendering) for page in pages]
    X, _, rows = documents_to_matrix([d.lines for d in docs], [d.labels for d in docs],
                                     [d.markup for d in docs] if input_format == "html" else None)
    chars = X[:, FEATURE_NAMES.index("chars")]
    X = model._stage_one_matrix(X)
    assert len(X) > 3000
    _same(model.stage_one_, X)
    _same(model.stage_one_, X, num_iteration=40)
    stacked = np.hstack([X, model._context_matrix(model.stage_one_.predict(X),
                                                  [len(r) for r in rows], chars)])
    _same(model.stage_two_, stacked)
    _same(model.stage_two_, stacked, num_iteration=77, **_EARLY_STOP)
    _same(model.stage_two_, stacked, **_EARLY_STOP)
    memory = np.random.default_rng(0).uniform(0, 1, (len(X), model.stage_memory_.num_feature()
                                                     - stacked.shape[1]))
    _same(model.stage_memory_, np.hstack([stacked, memory]), **_EARLY_STOP)


def _awkward_rows(rng: np.random.Generator, rows: int, columns: int) -> np.ndarray:
    """Values where LightGBM's decisions have special cases: missing values, zeros (and
    values it takes for zero, ±1e-36 and the edge -1e-35), repeated values on thresholds."""
    X = rng.normal(size=(rows, columns)).round(1)
    for value, share in ((np.nan, 0.15), (0.0, 0.2), (1e-36, 0.03), (-1e-36, 0.03),
                         (-float(np.float32(1e-35)), 0.03), (np.inf, 0.01)):
        X[rng.uniform(size=X.shape) < share] = value
    return X


@pytest.mark.parametrize("params", [
    {"objective": "binary", "sigmoid": 2.5},
    {"objective": "binary", "zero_as_missing": True},
    {"objective": "binary", "use_missing": False},
    {"objective": "multiclass", "num_class": 4},
    {"objective": "multiclass", "num_class": 3, "zero_as_missing": True},
    {"objective": "multiclass", "num_class": 3, "min_gain_to_split": 1e9},  # single-leaf trees
])
def test_every_kind_of_decision_is_taken_as_lightgbm_takes_it(params):
    rng = np.random.default_rng(7)
    X = _awkward_rows(rng, 3000, 6)
    signal = np.nan_to_num(X[:, 0], nan=0.7, posinf=2.0) + (X[:, 1] == 0) - np.isnan(X[:, 2])
    classes = params.get("num_class", 2)
    y = np.digitize(signal + rng.normal(scale=0.5, size=len(X)),
                    np.quantile(signal, np.linspace(0, 1, classes + 1)[1:-1]))
    booster = lgb.train({**params, "num_leaves": 15, "min_data_in_leaf": 5, "verbose": -1,
                         "deterministic": True, "num_threads": 1},
                        lgb.Dataset(X, label=y), num_boost_round=60)
    trees = Trees(booster.model_to_string())
    decisions = booster.model_to_string()
    if "min_gain_to_split" not in params:
        assert "decision_type=" in decisions and "num_leaves=15" in decisions
    fresh = _awkward_rows(np.random.default_rng(8), 5000, 6)
    _same(trees, fresh)
    _same(trees, fresh, num_iteration=13)
    _same(trees, fresh, pred_early_stop=True, pred_early_stop_freq=3, pred_early_stop_margin=1.5)
    # Rows shared among threads give what one thread gives.
    np.testing.assert_array_equal(trees.predict(fresh, num_threads=2), trees.predict(fresh))


def _small_model_text() -> str:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 3))
    return lgb.train({"objective": "binary", "num_leaves": 4, "verbose": -1},
                     lgb.Dataset(X, label=X[:, 0] > 0), num_boost_round=3).model_to_string()


@pytest.mark.parametrize("change, message", [
    (lambda s: s.replace("left_child=", "left_child=0 ", 1), "do not match"),
    (lambda s: s.replace("left_child=1", "left_child=0", 1), "do not form a tree"),
    (lambda s: s.replace("split_feature=0", "split_feature=9", 1), "feature the model does not have"),
    (lambda s: s.replace("threshold=", "threshold=x", 1), "not a number"),
    (lambda s: s.replace("num_cat=0", "num_cat=1", 1), "categorical"),
    (lambda s: s.replace("objective=binary", "objective=regression", 1), "binary and multiclass"),
    (lambda s: s.replace("objective=binary sigmoid:1", "objective=", 1), "binary and multiclass"),
    (lambda s: s.replace("sigmoid:1", "sigmoid:x", 1), "not a number"),
])
def test_trees_that_would_walk_astray_are_refused(change, message):
    text = _small_model_text()
    assert change(text) != text
    with pytest.raises(ModelError, match=message):
        Trees(change(text))


def test_rows_of_the_wrong_width_are_refused():
    trees = Trees(_small_model_text())
    with pytest.raises(ModelError, match="take 3 features, the rows have 4"):
        trees.predict(np.zeros((2, 4)))


def test_numbers_are_read_as_python_reads_them_and_anything_else_is_refused():
    """The model's number reader (compiled) on numbers as LightGBM writes them, on numbers too
    large to hold, and on random bytes: a value, or a ValueError, never another error."""
    from boilerstrip.model._forest import numbers

    written = [1.0000000180025095e-35, -0.26136363636363641, 459.50000000000006, 0.0, -7.0]
    assert numbers(" ".join(repr(v) for v in written).encode()).tolist() == written
    assert numbers(b"1e999 -1e999").tolist() == [float("inf"), float("-inf")]
    rng = np.random.default_rng(3)
    # Integers are read digit by digit up to 15 digits, beyond that as floats: all exact.
    tokens = [str(int(sign) * int(rng.integers(10 ** 18)) // 10 ** int(cut)) for sign, cut in
              zip(rng.choice([-1, 1], 5000), rng.integers(0, 18, 5000))]
    tokens += [repr(float(v)) for v in rng.normal(scale=1e3, size=5000)]
    assert numbers(" ".join(tokens).encode()).tolist() == [float(t) for t in tokens]
    alphabet = np.frombuffer(b"0123456789 .-+eEinfa\x00x", dtype=np.uint8)
    for _ in range(3000):
        text = rng.choice(alphabet, size=rng.integers(0, 30)).tobytes()
        try:
            values = numbers(text)
        except ValueError:
            continue
        assert len(values) == len(text.split())
