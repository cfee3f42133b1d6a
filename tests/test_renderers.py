"""Other tools' renderings of real pages: labeled against the gold text, and hard-wrapped
paragraphs decided as one."""

import numpy as np
import pytest

from boilerstrip.features.wrapping import wrap_width, wrapped_paragraphs
from boilerstrip.model.shipped import load_model
from boilerstrip.rendering import RENDERERS, writes_markdown
from boilerstrip.training.corpus import label_page, read_pages


@pytest.fixture(scope="module")
def page(datasets):
    """A held-out English news page with a long article."""
    pages = read_pages(datasets / "daniel.jsonl.gz", "test")
    return next(p for p in pages if p.lang == "en" and len(p.main_text) > 2000)


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_each_renderer_gives_lines_labeled_against_the_gold_text(page, name):
    doc = label_page(page, name)
    assert doc.meta["render"] == name
    assert float(doc.meta["gold_coverage"]) > 0.8, "the tool's text holds the article"
    body = [line for line, label in zip(doc.lines, doc.labels) if label == "body"]
    assert len(body) >= 3 and "boilerplate" in doc.labels
    assert (doc.markup is not None) == writes_markdown(name)


def test_a_text_browser_dump_is_hard_wrapped_and_each_paragraph_gets_one_decision(page):
    doc = label_page(page, "lynx")
    assert wrap_width(doc.lines) is not None and max(map(len, doc.lines)) <= 90
    runs = wrapped_paragraphs(doc.lines)
    assert runs and any(len(run) >= 3 for run in runs)
    (proba,) = load_model().predict_proba([doc.lines])
    for run in runs:
        assert np.allclose(proba[list(run)], proba[run.start])
    assert wrap_width(label_page(page, "scraper").lines) is None


def test_a_text_browser_renders_a_page_the_same_on_every_run():
    """lynx shows its temporary file's random path for a page that refreshes itself; the
    rendering names it one way, so training data (and `make model`) are the same each run."""
    html = ('<html><head><meta http-equiv="refresh" content="300"></head><body>'
            '<p>A paragraph of the article.</p></body></html>')
    first, second = (RENDERERS["lynx"].render(html) for _ in range(2))
    assert first == second
    assert "REFRESH(300 sec):" in first and "file://localhost/stdin.html" in first
    # the path holds lynx's process id: a short one stays on the REFRESH line (after the
    # process ids wrap around), a long one goes to the next; both come out as the long one
    from boilerstrip.rendering.tools import _lynx_stdin_path

    short = "   REFRESH(300 sec): file://localhost/tmp/lynxXXXXab12C3/L312-77TMP.html\n\n"
    long = "   REFRESH(300 sec):\n   file://localhost/tmp/lynxXXXXab12C3/L31245-7712TMP.html\n\n"
    assert _lynx_stdin_path(short) == _lynx_stdin_path(long) == first.split("   A paragraph")[0]
