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
    """A model records the features it learnt from and reads just those columns: a model
    trained before a feature was added predicts as it did."""
    from boilerstrip.features import FEATURE_NAMES

    docs = [doc for doc, _ in iter_documents([LABELED])]
    fewer = tuple(name for name in FEATURE_NAMES if name not in ("indent", "bullet_start"))
    model = LineClassifier(n_estimators=20, learning_rate=0.3, min_child_samples=2, n_jobs=1,
                           features=fewer).fit([d.lines for d in docs], [d.labels for d in docs])
    save_model_file(model, tmp_path / "fewer.json.gz", {"threshold": 0.5})
    loaded = load_model_file(tmp_path / "fewer.json.gz")
    assert list(loaded.feature_names_in_[: len(fewer)]) == list(fewer)
    assert loaded.stage_one_.num_feature() == len(fewer)
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
    assert tuple(load_model_file(path).features) == FEATURE_SETS[feature_set]
