"""Training's choice of threshold: on validation sites, never on the sites it fits."""

from importlib.metadata import version

import numpy as np
import pytest
from typer.testing import CliRunner

from boilerstrip.cli import app
from boilerstrip.training.corpus import read_pages
from boilerstrip.io.labeled import LabeledDocument
from boilerstrip.model import documents_to_matrix, load_model_file
from boilerstrip.rendering.tools import renderer_versions
from boilerstrip.training import TrainingOptions, card_path, train
from boilerstrip.model.classifier import token_weights
from boilerstrip.training.train import (THRESHOLD_GRID, VALIDATION_SHARE_PERCENT, TrainingSet,
                                        choose_threshold, collect, training_set, validation_mask)

from conftest import LABELED

runner = CliRunner()


@pytest.fixture(scope="module")
def real_sources(datasets):
    return [datasets / "msv-big9.jsonl.gz", datasets / "zh-news.jsonl.gz"]


def test_validation_takes_whole_sites_about_a_fifth_of_them(datasets):
    documents = collect([datasets / "zh-news.jsonl.gz"], TrainingOptions(renderings=("html", "flat")))
    held = validation_mask(documents)
    side_of_page: dict[str, set] = {}
    for doc, h in zip(documents, held):
        side_of_page.setdefault(doc.meta["site"], set()).add(bool(h))
    assert all(len(sides) == 1 for sides in side_of_page.values()) and held.any()
    sites = sorted({page.site for page in read_pages(datasets / "daniel.jsonl.gz", "train")})
    site_held = validation_mask([LabeledDocument([], [], {"site": site}) for site in sites])
    assert abs(site_held.mean() - VALIDATION_SHARE_PERCENT / 100) < 0.05
    assert (validation_mask(documents) == held).all()  # the same sites every run


def test_auto_threshold_is_the_best_cut_on_validation_and_the_model_keeps_it(real_sources, tmp_path):
    out = tmp_path / "m.json.gz"
    meta = train(real_sources, out, TrainingOptions(renderings=("html",), n_estimators=30, crop=0.0))
    choice = meta["threshold_choice"]
    assert choice["method"] == "validation" and choice["validation_documents"] >= 20
    scores = {float(t): f for t, f in choice["f1_by_threshold"].items()}
    assert sorted(scores) == list(THRESHOLD_GRID)
    assert 0.5 < max(scores.values()) <= 1.0
    assert scores[meta["threshold"]] == max(scores.values())
    model = load_model_file(out)
    assert model.threshold == meta["threshold"] == model.metadata_["threshold"]
    assert f"threshold on P(content) {meta['threshold']},\nchosen on a fifth" in card_path(out).read_text()


def test_the_cut_is_scored_on_the_documents_as_they_came_not_as_altered_for_training(real_sources):
    documents = collect(real_sources, TrainingOptions(renderings=("html",)))
    X, y, rows = documents_to_matrix([d.lines for d in documents], [d.labels for d in documents],
                                     [d.markup for d in documents])
    # Told that every line of the pages as they came is article, the choice must keep the most.
    everything = [LabeledDocument(d.lines, ["body" if line.strip() else None for line in d.lines],
                                  d.meta, d.markup) for d in documents]
    data = TrainingSet(documents, everything, X, y, rows, list(range(len(documents))), np.ones(len(y)))
    choice = choose_threshold(data, TrainingOptions(n_estimators=10, seed=0))
    assert choice["threshold"] == min(THRESHOLD_GRID)
    scores = list(choice["f1_by_threshold"].values())
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_a_given_threshold_is_used_and_few_documents_keep_the_default(tmp_path):
    given = train([LABELED], tmp_path / "given.json.gz", TrainingOptions(n_estimators=20, threshold=0.35))
    assert given["threshold"] == 0.35 and given["threshold_choice"]["method"] == "given"
    assert load_model_file(tmp_path / "given.json.gz").threshold == 0.35
    few = train([LABELED], tmp_path / "few.json.gz", TrainingOptions(n_estimators=20))
    assert few["threshold"] == 0.5 and few["threshold_choice"]["method"].startswith("default")


@pytest.mark.parametrize("value", ["1.5", "half", "-0.1"])
def test_train_refuses_a_threshold_that_is_not_a_cut_and_writes_nothing(tmp_path, value):
    model = tmp_path / "m.json.gz"
    result = runner.invoke(app, ["train", str(LABELED), "-o", str(model), "--threshold", value])
    assert result.exit_code == 2 and "--threshold" in result.output
    assert not model.exists()


def test_each_page_gets_its_drawn_renderings_the_same_every_run(datasets):
    options = TrainingOptions(renderings=("scraper", "flat", "markdown", "html-text", "lynx"),
                              renderings_per_page=2)
    documents = collect([datasets / "zh-news.jsonl.gz"], options)
    per_page: dict[str, list[str]] = {}
    for doc in documents:
        per_page.setdefault(doc.meta["id"], []).append(doc.meta["render"])
    assert all(len(drawn) <= 2 and len(set(drawn)) == len(drawn) for drawn in per_page.values())
    assert all(drawn[0] == "scraper" for drawn in per_page.values())  # the first, always
    assert len({r for drawn in per_page.values() for r in drawn}) == 5  # every rendering is used
    again = collect([datasets / "zh-news.jsonl.gz"], options)
    assert [d.meta["render"] for d in again] == [d.meta["render"] for d in documents]


def test_leave_out_trains_without_a_renderer_and_the_card_says_so(tmp_path):
    model = tmp_path / "m.json.gz"
    result = runner.invoke(app, ["train", str(LABELED), "-o", str(model), "--threshold", "0.5",
                                 "--render", "text", "--leave-out", "flat", "--trees", "20"])
    assert result.exit_code == 0, result.output
    assert load_model_file(model).metadata_["training"]["renderings"] == ["scraper", "markdown"]
    assert "scraper, markdown" in card_path(model).read_text(encoding="utf-8")
    result = runner.invoke(app, ["train", str(LABELED), "-o", str(tmp_path / "n.json.gz"),
                                 "--render", "w3m", "--leave-out", "tools"])
    assert result.exit_code == 2 and "--leave-out" in result.output
    assert not (tmp_path / "n.json.gz").exists()


def test_training_on_a_renderer_that_cannot_run_here_stops_before_it_starts(tmp_path):
    model = tmp_path / "m.json.gz"
    result = runner.invoke(app, ["train", str(LABELED), "-o", str(model), "--render", "w3m"],
                           env={"PATH": str(tmp_path)})
    assert result.exit_code == 4, result.output
    assert "w3m (w3m is not installed)" in result.output and "apt install" in result.output
    assert not model.exists()


def test_the_card_records_the_renderers_versions_and_the_training_matrix(tmp_path):
    """Two retrains whose trees differ tell by the card whether their data differed."""

    options = TrainingOptions(n_estimators=5, threshold=0.5, renderings=("scraper", "markdown"))
    first = train([LABELED], tmp_path / "a.json.gz", options)["training"]
    again = train([LABELED], tmp_path / "b.json.gz", options)["training"]
    other = train([LABELED], tmp_path / "c.json.gz",  # the same lines, weighed otherwise
                  TrainingOptions(n_estimators=5, threshold=0.5, renderings=("scraper", "markdown"),
                                  labeled_weight=50.0))["training"]
    assert first["renderer_versions"] == {"selectolax": version("selectolax")}
    assert first["matrix_sha256"] == again["matrix_sha256"] != other["matrix_sha256"]
    card = card_path(tmp_path / "a.json.gz").read_text(encoding="utf-8")
    assert f"selectolax {version('selectolax')}" in card
    assert f"sha256 `{first['matrix_sha256'][:16]}…`" in card
    assert load_model_file(tmp_path / "a.json.gz").metadata_["training"]["matrix_sha256"] == first["matrix_sha256"]
    tools = renderer_versions(("lynx", "markdownify", "beautifulsoup"))
    assert list(tools) == ["lynx", "markdownify", "beautifulsoup4", "lxml"]
    assert tools["lynx"].startswith("Lynx Version") and tools["lxml"] == version("lxml")


def test_page_weight_evens_the_pages_out_and_the_card_says_so(datasets, tmp_path):
    """Power 1 gives every real page the same total weight, 0.5 halves the log of their
    spread, 0 changes nothing; the model file and card record the power."""
    sources = [datasets / "zh-news.jsonl.gz"]
    data = {power: training_set(sources, TrainingOptions(renderings=("scraper",), page_weight=power))
            for power in (0.0, 0.5, 1.0)}
    sizes = data[0.0].sizes
    page = np.repeat(np.arange(len(sizes)), sizes)
    lines = token_weights(data[0.0].X)
    totals = {p: np.bincount(page, weights=lines * d.weight) for p, d in data.items()}
    assert (data[0.0].weight == 1.0).all() and totals[0.0].max() > 5 * totals[0.0].min()
    assert np.allclose(totals[1.0], totals[1.0][0])
    spread = {p: np.log(t.max() / t.min()) for p, t in totals.items()}
    assert spread[0.5] == pytest.approx(spread[0.0] / 2)
    out = tmp_path / "m.json.gz"
    result = runner.invoke(app, ["train", str(LABELED), "-o", str(out), "--threshold", "0.5",
                                 "--trees", "5", "--page-weight", "0.5"])
    assert result.exit_code == 0, result.output
    assert load_model_file(out).metadata_["page_weight"] == 0.5
    assert "** 0.5, so long pages teach less" in card_path(out).read_text(encoding="utf-8")
