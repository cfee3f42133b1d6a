"""Site memory: what a site's other pages hold, as features of a memory stage that the
shipped models learnt, in the library, a batch (`predict --site-memory`) and `eval`."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import boilerstrip
from boilerstrip.cli import app
from boilerstrip.features import document_features
from boilerstrip.features.memory import MEMORY_NAMES, MIN_PAGES, SiteMemory
from boilerstrip.model.shipped import default_model_path, load_model

runner = CliRunner()
SITE = "bbc.co.uk"  # a daniel site in the held-out split: the shipped models never saw it

TEMPLATE = ["Home | News | Sport | Weather", "Most read", "Share this page",
            "© 2024 The Example Times"]


def _page(n: int) -> list[str]:
    """A made-up page of a site: its template around an article of its own."""
    return [TEMPLATE[0], f"Headline number {n} about the council budget", "",
            f"The council met on day {n} and agreed a budget that, its members said, would "
            "keep the libraries open for another year.",
            f"Residents of ward {n} had asked for the change at a meeting in the spring.",
            "", *TEMPLATE[1:]]


def test_a_page_never_counts_for_itself_and_is_counted_once():
    memory = SiteMemory()
    for n in range(3):
        memory.add(_page(n), "example.com")
    memory.add(_page(0), "example.com")  # the same page again: not a fourth page
    assert memory.pages("example.com") == 3
    page = _page(0)
    _, rows = document_features(page)
    features = memory.features(page, rows, "example.com")
    share = dict(zip((page[r] for r in rows), features[:, MEMORY_NAMES.index("site_share")]))
    assert share[TEMPLATE[0]] == 1.0  # on both other pages
    assert share[page[3]] == 0.0  # its own article line: on no other page
    assert features[0, MEMORY_NAMES.index("site_log_pages")] == pytest.approx(np.log1p(2))
    # A new page of the site sees all three; another site, or too few pages, none.
    assert memory.features(_page(9), document_features(_page(9))[1], "example.com")[
        0, MEMORY_NAMES.index("site_log_pages")] == pytest.approx(np.log1p(3))
    assert memory.features(page, rows, "other.org") is None
    small = SiteMemory()
    for n in range(MIN_PAGES):
        small.add(_page(n), "x")
    assert small.features(_page(0), rows, "x") is None  # one other page: too few


def test_a_memory_saves_and_loads_and_a_broken_file_is_refused(tmp_path):
    memory = SiteMemory()
    for n in range(4):
        memory.add(_page(n), "example.com")
    path = tmp_path / "memory.json.gz"
    memory.save(path)
    again = SiteMemory.load(path)
    page = _page(7)
    rows = document_features(page)[1]
    assert np.array_equal(memory.features(page, rows, "example.com"),
                          again.features(page, rows, "example.com"), equal_nan=True)
    (tmp_path / "broken.json").write_text('{"format": "boilerstrip-site-memory", "sites": 3}')
    with pytest.raises(ValueError, match="broken.json"):
        SiteMemory.load(tmp_path / "broken.json")
    result = runner.invoke(app, ["predict", "--memory-file", str(tmp_path / "broken.json"), "-"],
                           input="Home\n")
    assert result.exit_code == 3 and "broken.json" in result.stderr


@pytest.mark.parametrize("kind", ["text", "html"])
def test_the_shipped_models_have_a_memory_stage(kind):
    model = load_model(None, kind)
    assert model.stage_memory_ is not None
    assert model.metadata_["memory_feature_names"] == list(MEMORY_NAMES)


def test_a_model_whose_memory_features_differ_is_refused(tmp_path):
    document = json.loads(gzip.decompress(default_model_path("text").read_bytes()))
    document["memory_feature_names"] = ["site_share"]
    other = tmp_path / "other.json.gz"
    other.write_bytes(gzip.compress(json.dumps(document).encode("utf-8")))
    result = runner.invoke(app, ["predict", "--model", str(other), "-"], input="Home\n")
    assert result.exit_code == 5 and "site-memory features" in result.stderr


def test_the_library_remembers_pages_and_uses_them_from_the_third():
    """A scraper's memory across requests: the first two pages of a site are labeled as
    without memory; from the third on, the template the others share weighs in."""
    memory = boilerstrip.SiteMemory()
    for n in range(5):
        page = _page(n)
        with_memory = boilerstrip.classify(page, memory=memory, site="example.com")
        alone = boilerstrip.classify(page)
        same = [a.probability == b.probability for a, b in zip(with_memory, alone)]
        assert all(same) == (n < MIN_PAGES), n
        assert [line.text for line in with_memory] == page  # every line, verbatim, in order
    assert memory.pages("example.com") == 5


def _site_rows(datasets: Path) -> list[dict]:
    with gzip.open(datasets / "daniel.jsonl.gz", "rt", encoding="utf-8") as rows:
        return [row for row in map(json.loads, rows) if row["site"] == SITE]


@pytest.fixture(scope="module")
def site_folder(datasets, tmp_path_factory) -> Path:
    """The held-out site's pages as a crawler saves them: one HTML file each, in a folder."""
    folder = tmp_path_factory.mktemp("crawl") / SITE
    folder.mkdir()
    for n, row in enumerate(_site_rows(datasets)):
        (folder / f"{n:02d}.html").write_text(row["html"], encoding="utf-8")
    return folder


def _records(path: Path) -> dict[str, str]:
    with gzip.open(path, "rt", encoding="utf-8") as rows:
        return {r["id"]: r["text"] for r in map(json.loads, rows)}


def test_predict_site_memory_on_a_crawled_folder(site_folder, tmp_path):
    """A folder of a site's pages: --site-memory reads them all first, changes what is
    kept, gives every page, the same on 1 and 2 jobs, and keeps its memory in --memory-file
    for the next run, where the same pages are not counted twice."""
    plain, remembered, two_jobs = (tmp_path / f"{n}.jsonl.gz" for n in ("plain", "memory", "jobs"))
    memory_file = tmp_path / "site.memory.json.gz"
    pages = len(list(site_folder.iterdir()))
    assert runner.invoke(app, ["predict", str(site_folder), "-o", str(plain), "-j", "1"]).exit_code == 0
    result = runner.invoke(app, ["predict", str(site_folder), "-o", str(remembered), "-j", "1",
                                 "--memory-file", str(memory_file)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["predict", str(site_folder), "-o", str(two_jobs), "-j", "2",
                                 "--site-memory"])
    assert result.exit_code == 0, result.output
    without, with_memory = _records(plain), _records(remembered)
    assert len(without) == len(with_memory) == pages
    assert _records(two_jobs) == with_memory
    assert any(without[page] != with_memory[page] for page in without)  # the memory is used
    memory = SiteMemory.load(memory_file)
    assert memory.sites == [str(site_folder)] and memory.pages(str(site_folder)) == pages
    again = runner.invoke(app, ["predict", str(site_folder), "-o", str(tmp_path / "again.jsonl.gz"),
                                "-j", "1", "--memory-file", str(memory_file)])
    assert again.exit_code == 0
    assert SiteMemory.load(memory_file).pages(str(site_folder)) == pages
    assert _records(tmp_path / "again.jsonl.gz") == with_memory


def _all_f1(output: str) -> tuple[float, float]:
    """Kept-text F1 with memory and without (the 'before' column) of the 'all' row."""
    row = next(line for line in output.splitlines() if line.startswith("all "))
    numbers = re.findall(r"\d\.\d{3}", row)
    return float(numbers[5]), float(numbers[-1])


@pytest.mark.parametrize("render", ["scraper", "html"])
def test_eval_with_site_memory_does_not_lose_on_a_held_out_site(datasets, tmp_path, render):
    """On a site the models never saw, the memory of its other (unlabeled) pages does not
    lower kept-text F1 (the README's table has the figures over all held-out sites)."""
    pages = tmp_path / "site.jsonl.gz"
    with gzip.open(pages, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(row) + "\n" for row in _site_rows(datasets))
    result = runner.invoke(app, ["eval", str(pages), "--split", "all", "--render", render,
                                 "--site-memory", "--no-baselines"])
    assert result.exit_code == 0, result.output
    with_memory, without = _all_f1(result.stdout)
    assert with_memory >= without - 0.005, result.stdout
