"""Retraining on one's own site: `data build` output that train and eval read as they are,
weights that apply to what they say, scores against the gold text, and `train --base`."""

from __future__ import annotations

import copy
import gzip
import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from boilerstrip.cli import app
from boilerstrip.io.labeled import read_labeled
from boilerstrip.model.file import load_model_file, read_model_document
from boilerstrip.training.train import ADAPT_ROUNDS

runner = CliRunner()
SITE = "bbc.co.uk"  # a daniel site in the held-out split: the shipped models never saw it


def _site_rows(datasets: Path, site: str) -> list[dict]:
    with gzip.open(datasets / "daniel.jsonl.gz", "rt", encoding="utf-8") as rows:
        return [row for row in map(json.loads, rows) if row["site"] == site]


def _write_pages(path: Path, rows: list[dict]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(row) + "\n" for row in rows)
    return path


@pytest.fixture(scope="module")
def site(datasets, tmp_path_factory) -> dict[str, Path]:
    """The site's first 5 pages built as a user builds them, and its other pages."""
    folder = tmp_path_factory.mktemp("site")
    rows = _site_rows(datasets, SITE)
    train = _write_pages(folder / "mine.jsonl.gz", rows[:5])
    rest = _write_pages(folder / "rest.jsonl.gz", rows[5:])
    built = folder / "built"
    result = runner.invoke(app, ["data", "build", str(train), "-o", str(built)])
    assert result.exit_code == 0, result.output
    return {"built": built, "rest": rest, "train": train, "folder": folder}


@pytest.fixture(scope="module")
def adapted(site) -> Path:
    """The shipped text model adapted to the site's 5 built pages."""
    model = site["folder"] / "adapted.json.gz"
    result = runner.invoke(app, ["train", str(site["built"]), "--base", "text", "-o", str(model)])
    assert result.exit_code == 0, result.output
    assert f"adapted text with {ADAPT_ROUNDS} rounds per stage" in result.stdout
    return model


@pytest.fixture(scope="module")
def html_adapted(site) -> Path:
    """The shipped HTML model adapted to the site's 5 pages, built keeping their HTML."""
    built = site["folder"] / "html"
    result = runner.invoke(app, ["data", "build", str(site["train"]), "-o", str(built),
                                 "--render", "html"])
    assert result.exit_code == 0, result.output
    model = site["folder"] / "html-adapted.json.gz"
    result = runner.invoke(app, ["train", str(built), "--base", "html", "-o", str(model)])
    assert result.exit_code == 0, result.output
    return model


def _kept_f1(result) -> float:
    row = next(line for line in result.stdout.splitlines() if line.startswith("all "))
    return float(row.split()[6])


def test_built_pages_carry_no_split_and_keep_their_gold_text(site):
    files = sorted(site["built"].rglob("*.lines"))
    assert len(files) == 5 and all(f.parent == site["built"] / "mine" for f in files)
    doc = read_labeled(files[0])
    assert "split" not in doc.meta and doc.meta["gold"].endswith(".gold.txt")
    # train and eval read them as they are, whatever split they default to
    scored = runner.invoke(app, ["eval", str(site["built"]), "--no-baselines"])
    assert scored.exit_code == 0, scored.output
    # scored against the gold text, exactly as the same pages straight from the dataset
    direct = runner.invoke(app, ["eval", str(site["train"]), "--split", "all", "--no-baselines"])
    assert _kept_f1(scored) == _kept_f1(direct)


def test_split_sites_stamps_and_files_pages_by_split(site, tmp_path):
    result = runner.invoke(app, ["data", "build", str(site["train"]), "-o", str(tmp_path),
                                 "--split-sites"])
    assert result.exit_code == 0
    files = list(tmp_path.rglob("*.lines"))
    assert files and all(read_labeled(f).meta["split"] == "test" == f.parent.name for f in files)


def test_labeled_weight_applies_to_labeled_files_and_says_when_it_applies_to_nothing(
        datasets, site, tmp_path):
    other = _write_pages(tmp_path / "other.jsonl.gz", _site_rows(datasets, "cbc.ca")[:6])
    boosters = {}
    for weight in ("1", "50"):
        model = tmp_path / f"w{weight}.json.gz"
        result = runner.invoke(app, ["train", str(other), str(site["built"]), "--split", "all",
                                     "--trees", "20", "--threshold", "0.5", "--render", "scraper",
                                     "--labeled-weight", weight, "-o", str(model)])
        assert result.exit_code == 0, result.output
        boosters[weight] = read_model_document(model)["boosters_sha256"]
        card = (tmp_path / f"w{weight}.md").read_text(encoding="utf-8")
        assert f"Each line of the 5 documents from labeled-lines files weighs {float(weight)}" in card
    assert boosters["1"] != boosters["50"]  # built pages weigh what the option says
    alone = runner.invoke(app, ["train", str(other), "--split", "all", "--trees", "20",
                                "--render", "scraper", "--threshold", "0.5",
                                "--labeled-weight", "50", "-o", str(tmp_path / "alone.json.gz")])
    assert alone.exit_code == 0
    assert "--labeled-weight applied to nothing" in alone.stderr
    assert "applied to nothing" in (tmp_path / "alone.md").read_text(encoding="utf-8")


def test_adapting_the_text_model_to_five_pages_lifts_the_site_and_keeps_the_base(site, adapted):
    model = adapted
    base_document = read_model_document(Path(__file__).parent.parent / "models" / "default.json.gz")
    document = read_model_document(model)
    base_trees = [b.count("\nTree=") for b in base_document["boosters"]]
    trees = [b.count("\nTree=") for b in document["boosters"]]
    assert trees[0] == base_trees[0] + ADAPT_ROUNDS
    assert trees[1] == base_trees[1] + ADAPT_ROUNDS * 3  # a tree per class and round
    for stage, count in enumerate(base_trees):  # the base's trees kept whole, in order
        kept = document["boosters"][stage].split("\nTree=")[1:count]
        assert kept == base_document["boosters"][stage].split("\nTree=")[1:count]
    assert document["adapted_from"]["boosters_sha256"] == base_document["boosters_sha256"]
    card = model.with_name("adapted.md").read_text(encoding="utf-8")
    assert "## Adapted from a base model" in card and "Languages learnt from (documents): en " in card
    zero_shot = runner.invoke(app, ["eval", str(site["rest"]), "--split", "all", "--no-baselines"])
    after = runner.invoke(app, ["eval", str(site["rest"]), "--split", "all", "--no-baselines",
                                "--model", str(model)])
    assert _kept_f1(after) > _kept_f1(zero_shot)  # on the site's other 21 pages


def test_adapting_the_html_model_needs_pages_that_keep_their_html(site, html_adapted, tmp_path):
    result = runner.invoke(app, ["train", str(site["built"]), "--base", "html",
                                 "-o", str(tmp_path / "m.json.gz")])
    assert result.exit_code == 4
    assert "no page of" in result.stderr and "keeps its HTML" in result.stderr
    assert not (tmp_path / "m.json.gz").exists()
    assert load_model_file(html_adapted).site_.template  # pages built with --render html adapt


def test_eval_renders_page_datasets_as_the_model_reads_them(site, html_adapted):
    """An HTML model is scored on the html rendering of page datasets unless told otherwise:
    scored on text, its markup features and blocks are missing, and its figure says nothing."""
    scored = {render: runner.invoke(app, ["eval", str(site["rest"]), "--split", "all",
                                          "--no-baselines", "--model", str(html_adapted),
                                          *(["--render", render] if render else [])])
              for render in ("", "html", "scraper")}
    assert all(result.exit_code == 0 for result in scored.values())
    assert _kept_f1(scored[""]) == _kept_f1(scored["html"]) != _kept_f1(scored["scraper"])
    # and the shipped text model, as before, on our scraper text
    text = runner.invoke(app, ["eval", str(site["rest"]), "--split", "all", "--no-baselines"])
    scraper = runner.invoke(app, ["eval", str(site["rest"]), "--split", "all", "--no-baselines",
                                  "--render", "scraper", "--model",
                                  str(Path(__file__).parent.parent / "models" / "default.json.gz")])
    assert _kept_f1(text) == _kept_f1(scraper)


def test_an_adapted_html_model_remembers_the_blocks_of_the_sites_pages(site, html_adapted):
    """On HTML pages the template is also where a line's block sits: the XPath of the block
    of each line.  What the labeled pages held at a block (the article's paragraphs, a
    teaser list) moves the odds of the lines there on the site's other HTML pages; text
    input has no blocks and is labeled as without them."""
    from dataclasses import replace

    from boilerstrip.model.classifier import content_probability
    from boilerstrip.pipeline import classify_document, document_from_text
    from boilerstrip.training.corpus import label_page, load_labeled, read_pages

    model = load_model_file(html_adapted)
    knowledge = model.site_
    assert knowledge.blocks and model.metadata_["adapted_from"]["blocks_remembered"] == len(
        knowledge.blocks)
    assert "blocks of HTML pages" in html_adapted.with_suffix("").with_suffix(".md").read_text(
        encoding="utf-8")
    labeled = [load_labeled(p)[0] for p in sorted((site["folder"] / "html").rglob("*.lines"))]
    assert all(doc.sources is not None and len(doc.sources) == len(doc.lines) for doc in labeled)
    for path, (content, lines) in knowledge.blocks.items():  # each on two labeled pages or more
        on = [doc for doc in labeled if path in doc.sources]
        assert len(on) >= 2 and lines == sum(
            label is not None for doc in on for p, label in zip(doc.sources, doc.labels) if p == path)
    pages = list(read_pages(site["rest"]))
    rest = [(page, doc) for page in pages
            if knowledge.recognises((doc := label_page(page, "html")).lines)]
    assert len(rest) >= 10
    # a block whose lines were all one kind on three labeled pages or more points the right
    # way on the other pages
    right = moved = 0
    without = copy.copy(model)
    without.site_ = replace(knowledge, blocks={})
    for page, doc in rest:
        block_moves = knowledge.recall(doc.lines, doc.sources)[1] - knowledge.recall(doc.lines)[1]
        for gold, odds in zip(doc.labels, block_moves):
            if gold is not None and abs(odds) >= knowledge.block_weight * np.log(4):
                moved += 1
                right += (odds > 0) == (gold != "boilerplate")
        # the same page read from its HTML, as `predict` reads it: the blocks move its odds
        labeled_lines = classify_document(document_from_text(page.html, "html"), model)
        (mine,) = model.predict_proba([doc.lines], [doc.markup], sources=[doc.sources])
        assert [line.probability for line in labeled_lines if line.label is not None] == list(
            content_probability(mine)[~np.isnan(mine[:, 0])])
        (before,) = without.predict_proba([doc.lines], [doc.markup], sources=[doc.sources])
        still = (block_moves == 0) & ~np.isnan(mine[:, 0])
        np.testing.assert_array_equal(mine[still], before[still])
        # without the blocks' XPaths (lines given as text), the blocks do nothing
        (as_text,) = model.predict_proba([doc.lines], [doc.markup])
        np.testing.assert_array_equal(as_text, before)
    assert moved >= 100 and right / moved >= 0.95, (right, moved)


def test_an_adapted_model_remembers_the_sites_template_lines(site, adapted):
    model = load_model_file(adapted)
    docs = [read_labeled(p) for p in sorted(site["built"].rglob("*.lines"))]
    memory = model.site_.memory
    assert memory and model.metadata_["adapted_from"]["lines_remembered"] == len(memory)
    for line, label in memory.items():  # each on two pages or more, always with that label
        found = [lab for doc in docs for l, lab in zip(doc.lines, doc.labels)
                 if " ".join(l.split()) == line]
        assert len(found) >= 2 and set(found) == {label}
    # on a page of the site, a remembered boilerplate line is dropped even amid the article
    page = next(d for d in docs if "body" in d.labels)
    line = next(l for l, label in memory.items() if label == "boilerplate" and len(l) > 20)
    first_body = page.labels.index("body")
    lines = page.lines[: first_body + 1] + [line] + page.lines[first_body + 1 :]
    (labels,) = model.predict([lines])
    assert labels[first_body + 1] == "boilerplate"


def test_an_adapted_model_remembers_the_regions_between_template_lines(site, adapted):
    """The lines between two anchor lines (remembered lines, once a page at most) keep what
    the labeled pages showed there: how many lines, how many of them content.  On the
    site's other pages a line in such a region has its odds moved by the region's, which
    the "related" lists and teaser blocks, whose own lines change from page to page, need."""
    from dataclasses import replace

    from boilerstrip.training.corpus import label_page, read_pages

    model = load_model_file(adapted)
    knowledge = model.site_
    assert knowledge.regions and model.metadata_["adapted_from"]["regions_remembered"] == len(
        knowledge.regions)
    assert knowledge.anchors <= set(knowledge.memory)
    labeled = [read_labeled(p) for p in sorted(site["built"].rglob("*.lines"))]
    for doc in labeled:
        keys = [" ".join(line.split()) for line in doc.lines]
        assert all(keys.count(anchor) <= 1 for anchor in knowledge.anchors)
    assert {label for content, lines in knowledge.regions.values()
            for label in (content == 0, content == lines)} == {True, False}  # both kinds
    rest = [doc for p in read_pages(site["rest"]) if knowledge.recognises((doc := label_page(p)).lines)]
    assert len(rest) >= 10  # the pages of the site the model takes as its own
    # on the other pages, a region that was nine lines of ten one kind points the right way
    right = moved = 0
    for doc in rest:
        for gold, odds in zip(doc.labels, knowledge.recall(doc.lines)[1]):
            if gold is not None and abs(odds) >= knowledge.region_weight * np.log(9):
                moved += 1
                right += (odds > 0) == (gold != "boilerplate")
    assert moved >= 200 and right / moved >= 0.95, (right, moved)
    # the odds move in remembered regions only, by what the region showed
    without = copy.copy(model)
    without.site_ = replace(knowledge, regions={})
    pages = [d.lines for d in rest]
    lowered = 0
    for lines, mine, before in zip(pages, model.predict_proba(pages), without.predict_proba(pages)):
        odds = knowledge.recall(lines)[1]
        remembered = np.array([known is not None for known in knowledge.recall(lines)[0]])
        rows = ~np.isnan(mine[:, 0]) & ~remembered
        np.testing.assert_array_equal(mine[rows & (odds == 0)], before[rows & (odds == 0)])
        content, content_before = 1 - mine[:, 0], 1 - before[:, 0]  # boilerplate first
        assert (content[rows & (odds < 0)] < content_before[rows & (odds < 0)]).all()
        assert (content[rows & (odds > 0)] > content_before[rows & (odds > 0)]).all()
        lowered += (rows & (odds < 0)).sum()
    assert lowered >= 100


def test_an_adapted_model_labels_other_sites_exactly_as_its_base(datasets, site, adapted):
    """Adapting to a site changes nothing elsewhere: pages without the site's template get
    the base's trees alone, and the same probabilities, bit for bit."""
    from boilerstrip.training.corpus import label_page, read_pages

    model = load_model_file(adapted)
    base = load_model_file(Path(__file__).parent.parent / "models" / "default.json.gz")
    others = [label_page(p) for p in read_pages(datasets / "wceb2026.jsonl.gz", "test")][:40]
    assert not any(model.site_.recognises(d.lines) for d in others)
    for mine, theirs in zip(model.predict_proba([d.lines for d in others]),
                            base.predict_proba([d.lines for d in others])):
        assert np.array_equal(mine, theirs, equal_nan=True)
    own = [read_labeled(p) for p in sorted(site["built"].rglob("*.lines"))]
    assert all(model.site_.recognises(d.lines) for d in own)  # its own pages are of the site
    changed = [not np.array_equal(a, b, equal_nan=True) for a, b in
               zip(model.predict_proba([d.lines for d in own]), base.predict_proba([d.lines for d in own]))]
    assert all(changed)


@pytest.mark.parametrize("part, broken_value", [("memory", [["Home", "menu"]]),
                                               ("names", "bbc.co.uk"), ("added_weight", 2.0),
                                               ("added_weight", "half"),
                                               ("regions", [["Home", None, 5, 2]]),
                                               ("region_weight", -1.0),
                                               ("blocks", [["/html[1]/body[1]", 5, 2]]),
                                               ("block_weight", "half")])
def test_a_model_file_with_a_broken_site_memory_is_refused(site, adapted, tmp_path, part,
                                                           broken_value):
    document = json.loads(gzip.decompress(adapted.read_bytes()))
    document["site"][part] = broken_value
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(gzip.compress(json.dumps(document).encode("utf-8")))
    result = runner.invoke(app, ["predict", "--model", str(broken), "-"], input="Home\n")
    assert result.exit_code == 5 and "what it knows of its site" in result.stderr


def test_a_page_of_the_site_averages_every_round_with_the_bases_rounds(site, adapted, tmp_path):
    """On the site's pages the adapted model's probabilities are the normalised geometric
    mean of every round's and of the base's rounds' (the softmax of their raw scores
    averaged), before the line and region memory; a file adapted before the weight existed
    keeps every round's alone."""
    model = load_model_file(adapted)
    weight = model.site_.added_weight
    assert weight == 0.45
    assert "of the base's rounds alone (0.55) averaged" in adapted.with_name("adapted.md").read_text()
    base = load_model_file(Path(__file__).parent.parent / "models" / "default.json.gz")
    document = json.loads(gzip.decompress(adapted.read_bytes()))
    del document["site"]["added_weight"]
    older = tmp_path / "older.json.gz"
    older.write_bytes(gzip.compress(json.dumps(document).encode("utf-8")))
    every_round = load_model_file(older)
    assert every_round.site_.added_weight == 1.0
    from boilerstrip.training.corpus import label_page, read_pages

    lines = [doc.lines for p in read_pages(site["rest"])
             if model.site_.recognises((doc := label_page(p)).lines)]  # the site's other pages
    averaged_rows = compared = 0
    for page, mine, every, bases in zip(lines, model.predict_proba(lines),
                                        every_round.predict_proba(lines), base.predict_proba(lines)):
        expected = every**weight * bases ** (1 - weight)
        expected /= expected.sum(axis=1, keepdims=True)
        for known, moved, row, want, full in zip(*model.site_.recall(page), mine, expected, every):
            if np.isnan(row).all() or known is not None or moved:  # the line or region remembered
                continue
            np.testing.assert_allclose(row, want, rtol=1e-9, atol=1e-12)
            compared += 1
            averaged_rows += not np.allclose(row, full)
    assert compared > 100 and averaged_rows > compared // 2


def test_an_adapted_model_is_not_adapted_again(site, adapted, tmp_path):
    result = runner.invoke(app, ["train", str(site["built"]), "--base", str(adapted),
                                 "-o", str(tmp_path / "again.json.gz")])
    assert result.exit_code == 4 and "is itself adapted to a site" in result.stderr


def test_eval_report_before_and_after(site, adapted, tmp_path):
    model_path = adapted
    report_dir = tmp_path / "report"
    result = runner.invoke(app, ["eval", str(site["rest"]), "--split", "all", "--model",
                                 str(model_path), "--compare", "text", "--report", str(report_dir)])
    assert result.exit_code == 0, result.output
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    images = re.findall(r"src='?\"?([\w.-]+\.png)", page)
    assert {"threshold.png", "f1-by-dataset.png", "f1-by-lang.png", "f1-by-site.png"} <= set(images)
    assert all((report_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for name in images)
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    after = report["after"]["groups"]["all"]["kept_text"]["boilerstrip"]["f1"]
    before = report["before"]["groups"]["all"]["kept_text"]["boilerstrip"]["f1"]
    row = next(line.split() for line in result.stdout.splitlines() if line.startswith("all "))
    assert float(row[6]) == round(after, 3) and float(row[-1]) == round(before, 3)
    assert f"{after:.3f}" in page and f"{before:.3f}" in page
    curve = report["after"]["threshold_curve"]
    cuts = sorted(curve)
    assert curve[cuts[0]]["recall"] > curve[cuts[-1]]["recall"]  # a higher cut keeps less
    assert curve[cuts[0]]["precision"] < curve[cuts[-1]]["precision"]


def test_a_page_kept_with_its_source_teaches_our_other_renderings(site, tmp_path):
    """A page labeled in one of our renderings, with its HTML kept, comes into another
    rendering block by block: the labels `data build` gives it there, line for line."""
    from boilerstrip.training.corpus import (in_rendering, label_page, load_labeled, read_pages,
                                             write_labeled_page)

    for page in list(read_pages(site["train"]))[:3]:
        write_labeled_page(page, "markdown", tmp_path / page.id.replace("/", "_"), keep_source=True)
        (path,) = (tmp_path / page.id.replace("/", "_")).rglob("*.lines")
        loaded, _ = load_labeled(path)
        assert loaded.markup is not None  # Markdown lines carry their markup rows
        for rendering in ("scraper", "html"):
            moved, direct = in_rendering(loaded, path, rendering), label_page(page, rendering)
            assert moved.lines == direct.lines and moved.labels == direct.labels


def test_an_adapted_model_leaves_pages_named_as_other_sites_to_its_base(datasets, site, adapted,
                                                                         tmp_path):
    """Where a page's site is known (a URL's host, a `site:` header), a page named as another
    site gets the base's labels even if it holds the template; a page named as the site still
    needs the template.  Without a name, the template decides, as before."""
    from boilerstrip.features.memory import site_name
    from boilerstrip.training.corpus import label_page, read_pages

    model = load_model_file(adapted)
    shipped = Path(__file__).parent.parent / "models" / "default.json.gz"
    base = load_model_file(shipped)
    assert model.site_.names == {site_name(SITE)}
    assert f"other than `{SITE}`" in adapted.with_name("adapted.md").read_text(encoding="utf-8")
    other = [label_page(p) for p in read_pages(datasets / "wceb2026.jsonl.gz", "test")][:5]
    own = [read_labeled(p) for p in sorted(site["built"].rglob("*.lines"))]
    lines = [d.lines for d in other + own]
    as_base = base.predict_proba(lines)
    for names in ([f"www.{SITE.upper()}"] * len(lines), [None] * len(lines)):
        for k, (b, n) in enumerate(zip(as_base, model.predict_proba(lines, sites=names))):
            # the name of the site is not enough: other pages lack the template
            assert np.array_equal(n, b, equal_nan=True) == (k < len(other))
    for b, n in zip(as_base[len(other):], model.predict_proba(lines[len(other):],
                                                              sites=["example.org"] * len(own))):
        assert np.array_equal(n, b, equal_nan=True)  # its own pages, named as another site
    # A batch names a page by its URL's host.
    records = tmp_path / "pages.jsonl"
    urls = [f"https://www.{SITE}/news/1", "https://example.org/1"]
    records.write_text("".join(json.dumps({"id": str(n), "url": url, "text": "\n".join(
        own[0].lines)}) + "\n" for n, url in enumerate(urls)), encoding="utf-8")
    outputs = {}
    for name, path in (("adapted", adapted), ("base", shipped)):
        out = tmp_path / f"{name}.jsonl"
        result = runner.invoke(app, ["predict", str(records), "--model", str(path), "-o", str(out),
                                     "--with-labels", "-j", "1"])
        assert result.exit_code == 0, result.output
        outputs[name] = [json.loads(line)["lines"]
                         for line in out.read_text(encoding="utf-8").splitlines()]
    assert outputs["adapted"][0] != outputs["base"][0]  # the site's host: the adapted rounds
    assert outputs["adapted"][1] == outputs["base"][1]  # example.org: the base's labels
