"""The model file: round trip, and refusal of anything that is not a matching model."""

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from boilerstrip.model.shipped import default_model_path
from boilerstrip.rendering.tools import RENDERERS
from boilerstrip.training.corpus import iter_documents
from boilerstrip.errors import ModelError
from boilerstrip.model import LineClassifier, load_model_file, save_model_file
from boilerstrip.model._forest import NODE_DTYPE

from conftest import LABELED


@pytest.fixture(scope="module")
def small_model():
    docs = [doc for doc, _ in iter_documents([LABELED])]
    model = LineClassifier(n_estimators=30, learning_rate=0.3, min_child_samples=2, n_jobs=1)
    return model.fit([d.lines for d in docs], [d.labels for d in docs]), docs


def test_saved_model_predicts_exactly_like_the_fitted_one(small_model, tmp_path):
    model, docs = small_model
    save_model_file(model, tmp_path / "m.json.gz", {"threshold": 0.5})
    loaded = load_model_file(tmp_path / "m.json.gz")
    meta = loaded.metadata_
    lines = [d.lines for d in docs]
    for before, after in zip(model.predict_proba(lines), loaded.predict_proba(lines)):
        np.testing.assert_array_equal(before, after)
    assert meta["labels"] == ["boilerplate", "body", "title"]
    assert "lightgbm" in meta["versions"]


def test_fit_learns_the_hand_labels(small_model):
    """Better than always answering the majority class (boilerplate): at least half of its
    errors gone, and most body lines found."""
    model, docs = small_model
    predicted = model.predict([d.lines for d in docs])
    pairs = [(p, g) for doc, pred in zip(docs, predicted) for p, g in zip(pred, doc.labels) if g]
    majority = max(np.mean([g == label for _, g in pairs]) for label in ("boilerplate", "body"))
    accuracy = np.mean([p == g for p, g in pairs])
    assert accuracy >= majority + (1 - majority) / 2
    body = [p == "body" for p, g in pairs if g == "body"]
    assert np.mean(body) > 0.8


def test_single_class_training_data_is_refused():
    with pytest.raises(ValueError, match="single class"):
        LineClassifier(n_estimators=2).fit([["a line", "another"]], [["body", "body"]])


def _rewrite(path, change):
    document = json.loads(gzip.decompress(path.read_bytes()))
    change(document)
    path.write_bytes(gzip.compress(json.dumps(document).encode()))


@pytest.mark.parametrize("damage, message", [
    (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "truncated, corrupt"),
    (lambda p: p.write_bytes(b"\x80\x04\x95 a pickle"), "not a boilerstrip model"),
    (lambda p: p.write_text('{"hello": 1}'), "no 'boilerstrip-model' header"),
    (lambda p: _rewrite(p, lambda d: d.update(format_version=99)), "format version 99"),
    (lambda p: _rewrite(p, lambda d: d["boosters"].__setitem__(0, d["boosters"][0].replace("leaf_value=", "leaf_value=1"))),
     "checksum"),
    (lambda p: _rewrite(p, lambda d: d["feature_names"].pop()), "other features"),
    (lambda p: _rewrite(p, lambda d: d["feature_names"].insert(0, "made_up")), "other features"),
    (lambda p: _rewrite(p, lambda d: d.update(labels=["a", "b"])), "expects"),
])
def test_damaged_or_foreign_models_are_refused(small_model, tmp_path, damage, message):
    path = tmp_path / "m.json.gz"
    save_model_file(small_model[0], path, {"threshold": 0.5})
    damage(path)
    with pytest.raises(ModelError, match=message):
        load_model_file(path)


@pytest.mark.parametrize("input_format, card, styles, serves", [
    ("text", "default.md", ["scraper", "flat", "markdown", *RENDERERS], "for text and Markdown input"),
    ("html", "html.md", ["html"], "for HTML input"),
])
def test_the_shipped_models_load_and_have_cards(input_format, card, styles, serves):
    meta = load_model_file(default_model_path(input_format)).metadata_
    assert "aeb" not in json.dumps(meta["training"]["datasets"])
    assert meta["training"]["renderings"] == styles
    text = default_model_path(input_format).with_name(card).read_text()
    assert text.startswith("# Model card") and serves in text


def test_a_model_of_fewer_features_keeps_working_beside_code_that_computes_more(tmp_path):
    """A model records the features and context columns it learnt from and reads just those
    columns: a model trained before a feature was added predicts as it did."""
    from boilerstrip.features import FEATURE_NAMES
    from boilerstrip.model.classifier import CONTEXT_SETS

    docs = [doc for doc, _ in iter_documents([LABELED])]
    fewer = tuple(name for name in FEATURE_NAMES if name not in ("indent", "bullet_start"))
    model = LineClassifier(n_estimators=20, learning_rate=0.3, min_child_samples=2, n_jobs=1,
                           features=fewer, context=CONTEXT_SETS[2]
                           ).fit([d.lines for d in docs], [d.labels for d in docs])
    save_model_file(model, tmp_path / "fewer.json.gz", {"threshold": 0.5})
    loaded = load_model_file(tmp_path / "fewer.json.gz")
    assert list(loaded.feature_names_in_) == list(fewer + CONTEXT_SETS[2])
    assert loaded.stage_one_.num_feature() == len(fewer)
    assert loaded.stage_two_.num_feature() == len(fewer) + len(CONTEXT_SETS[2])
    lines = [d.lines for d in docs]
    for before, after in zip(model.predict_proba(lines), loaded.predict_proba(lines)):
        np.testing.assert_array_equal(before, after)
    _rewrite(tmp_path / "fewer.json.gz", lambda d: d["feature_names"].__setitem__(0, "made_up"))
    with pytest.raises(ModelError, match="other features"):
        load_model_file(tmp_path / "fewer.json.gz")


@pytest.mark.parametrize("input_format", ["text", "html"])
def test_the_shipped_models_learnt_the_feature_set_make_model_trains_them_on(input_format):
    import re

    from boilerstrip.features import FEATURE_SETS

    path = default_model_path(input_format)
    makefile = (Path(__file__).parents[1] / "Makefile").read_text().replace("\\\n", " ")
    command = next(line for line in makefile.splitlines() if f"-o models/{path.name}" in line)
    feature_set = int(re.search(r"--feature-set (\d)", command).group(1))
    from boilerstrip.model.classifier import CONTEXT_SETS

    model = load_model_file(path)
    assert tuple(model.features) == FEATURE_SETS[feature_set]
    assert tuple(model.context) == CONTEXT_SETS[feature_set]


# --- models kept ready to load (model.cache) ---------------------------------------------

def _kept(directory: Path) -> list[Path]:
    return sorted((directory / "models").glob("*.npz"))


def _shipped_copy(tmp_path: Path) -> Path:
    """The shipped text model under a name of the test's own, so no other test has kept it."""
    path = tmp_path / "text.json.gz"
    path.write_bytes(default_model_path("text").read_bytes())
    return path


def test_a_kept_model_loads_without_parsing_and_predicts_as_its_file(small_model, tmp_path, monkeypatch):
    from boilerstrip.model import trees

    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    path = _shipped_copy(tmp_path)
    parsed = load_model_file(path)
    assert len(_kept(tmp_path / "cache")) == 1

    def no_parsing(self, model_str):
        raise AssertionError("the kept model was parsed again")

    monkeypatch.setattr(trees.Trees, "__init__", no_parsing)
    kept = load_model_file(path)
    lines = [d.lines for d in small_model[1]]
    for before, after in zip(parsed.predict_proba(lines), kept.predict_proba(lines)):
        np.testing.assert_array_equal(before, after)
    assert kept.metadata_ == parsed.metadata_
    document = json.loads(gzip.decompress(path.read_bytes()))
    assert kept.stage_two_.model_to_string() == document["boosters"][1]


def test_a_damaged_kept_model_is_read_from_its_file_again(small_model, tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    path = _shipped_copy(tmp_path)
    expected = load_model_file(path).predict_proba([small_model[1][0].lines])[0]
    entry = _kept(tmp_path / "cache")[0]
    with np.load(entry) as stored:
        arrays = {name: stored[name] for name in stored.files}
    records = arrays["0.nodes"].view(NODE_DTYPE)
    records["left"][0] = 10**9  # a child far outside the trees: a walk would read anywhere
    np.savez(entry, **arrays)
    for damage in (None, b"not an npz at all"):
        if damage:
            entry.write_bytes(damage)
        model = load_model_file(path)
        np.testing.assert_array_equal(model.predict_proba([small_model[1][0].lines])[0], expected)
        with np.load(entry) as stored:  # kept again, whole
            assert stored["0.nodes"].view(records.dtype)["left"][0] != 10**9


def test_trees_from_arrays_that_do_not_form_trees_are_refused():
    from boilerstrip.model.trees import Trees

    arrays = load_model_file(default_model_path("text")).stage_one_.to_arrays()
    features, leaf_start = int(arrays["sizes"][1]), int(arrays["sizes"][2])
    assert Trees.from_arrays(arrays).predict(np.zeros((2, features))).shape == (2,)
    for field, index, value in (("left", 0, 0), ("right", 5, leaf_start + len(arrays["leaf"])),
                                ("feature", 3, features), ("left", leaf_start, leaf_start + 1)):
        damaged = dict(arrays, nodes=arrays["nodes"].copy())
        records = damaged["nodes"].view(NODE_DTYPE)
        records[field][index] = value
        with pytest.raises(ModelError, match="do not form trees"):
            Trees.from_arrays(damaged)
    with pytest.raises(ModelError, match="types and shapes"):
        Trees.from_arrays(dict(arrays, roots=arrays["roots"].astype(np.int64)))


def test_a_kept_model_pickles_ready_and_finds_its_text_while_its_file_is_unchanged(tmp_path, monkeypatch):
    import pickle

    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    path = _shipped_copy(tmp_path)
    load_model_file(path)
    model = pickle.loads(pickle.dumps(load_model_file(path)))
    document = json.loads(gzip.decompress(path.read_bytes()))
    assert model.stage_one_.model_to_string() == document["boosters"][0]
    path.write_bytes(default_model_path("html").read_bytes())
    with pytest.raises(ModelError, match="changed since the model was loaded"):
        model.stage_two_.model_to_string()


def test_keeping_models_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_model_file(_shipped_copy(tmp_path))
    assert not (tmp_path / "xdg").exists()


# --- the main span (stage two's context) --------------------------------------------------

def test_the_main_span_columns_place_each_line_against_the_best_run():
    """Lines 1 to 3 sum highest (a short doubtful line inside is a hole); the line kept after
    the long boilerplate line lies past the span, by its distance as a share of the lines."""
    from boilerstrip.model.classifier import CONTEXT_NAMES, context_features

    content = np.array([0.1, 0.9, 0.3, 0.95, 0.1, 0.6])
    chars = np.array([10, 100, 5, 200, 50, 20], dtype=float)
    columns = context_features(content, [6], chars)
    span = {name: columns[:, CONTEXT_NAMES.index(name)].tolist() for name in
            ("stage1_in_span", "stage1_past_span", "stage1_before_span", "stage1_span_share")}
    assert span["stage1_in_span"] == [0, 1, 1, 1, 0, 0]
    assert span["stage1_past_span"] == pytest.approx([0, 0, 0, 0, 1 / 6, 2 / 6])
    assert span["stage1_before_span"] == pytest.approx([1 / 6, 0, 0, 0, 0, 0])
    assert span["stage1_span_share"] == [0.5] * 6
    nothing = context_features(np.array([0.2, 0.4]), [2], np.array([10.0, 10.0]))
    assert np.isnan(nothing[:, CONTEXT_NAMES.index("stage1_past_span")]).all()


def test_on_held_out_pages_what_stage_one_keeps_past_the_main_span_is_mostly_boilerplate(datasets):
    """Why stage two reads the span: on 40 held-out daniel pages (our scraper text), the span
    holds most of the article, and of the lines stage one would keep past it, few are article
    (ad hoc on 2026-12-03: 95% of the article inside, 11% of those lines' characters)."""
    from boilerstrip.features import FEATURE_NAMES
    from boilerstrip.io.labeled import LABELS
    from boilerstrip.model.classifier import CONTEXT_NAMES, context_features, documents_to_matrix
    from boilerstrip.model.shipped import load_model
    from boilerstrip.training.corpus import label_page, read_pages

    model = load_model(None, "text")
    docs = [label_page(page, "scraper")
            for page in list(read_pages(datasets / "daniel.jsonl.gz", "test"))[:40]]
    X, y, rows = documents_to_matrix([d.lines for d in docs], [d.labels for d in docs])
    chars = X[:, FEATURE_NAMES.index("chars")]
    first = model.stage_one_.predict(model._stage_one_matrix(X))
    columns = context_features(first, [len(r) for r in rows], chars)
    inside = columns[:, CONTEXT_NAMES.index("stage1_in_span")] == 1
    kept_past = (columns[:, CONTEXT_NAMES.index("stage1_past_span")] > 0) & (first >= 0.5)
    article = y != LABELS.index("boilerplate")
    assert chars[article & inside].sum() / chars[article].sum() > 0.9
    assert chars[article & kept_past].sum() / chars[kept_past].sum() < 0.25
