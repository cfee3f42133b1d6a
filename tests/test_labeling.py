"""The labeling page end to end: a real server on 127.0.0.1, driven in headless Chromium;
what it saves trains an adapted model."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from boilerstrip.io.labeled import read_labeled
from boilerstrip.training.corpus import load_labeled

BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture()
def site_pages(datasets, tmp_path) -> list[Path]:
    """Three pages of one daniel site the shipped models never trained on, as HTML files."""
    with gzip.open(datasets / "daniel.jsonl.gz", "rt", encoding="utf-8") as rows:
        pages = [row for row in map(json.loads, rows) if row["site"] == "bbc.co.uk"][:3]
    paths = []
    for n, row in enumerate(pages):
        path = tmp_path / f"bbc-{n}.html"
        path.write_text(row["html"], encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture()
def label_server(site_pages, tmp_path):
    out = tmp_path / "labeled"
    server = subprocess.Popen([str(BIN / "boilerstrip"), "label", *map(str, site_pages), "-o",
                               str(out), "--site", "bbc.co.uk", "--lang", "en"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline()
        assert "http://127.0.0.1:" in first, server.stderr.read()
        yield first.split(" at ")[1].split()[0], out
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_page_refuses_requests_without_the_session_token(label_server):
    url, _ = label_server
    bare = url.split("?")[0]
    for address in (bare, bare + "api/pages", bare + "api/pages/0"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(address, timeout=10)
        assert refused.value.code == 403
    request = urllib.request.Request(bare + "api/pages/0", data=b'{"labels": []}', method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    with urllib.request.urlopen(url, timeout=10) as page:  # with it, the page
        assert b"boilerstrip label" in page.read()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_relabel_three_lines_in_chromium_save_and_adapt_on_them(label_server, site_pages, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, out = label_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(url)
        page.wait_for_selector(".line .chip")
        before = page.evaluate("page.lines.map((l) => l.label)")
        labeled = [i for i, label in enumerate(before) if label is not None]
        first, second, body = labeled[0], labeled[1], before.index("body")
        rows = page.locator(".line")
        rows.nth(first).click()  # a range by shift-click, labeled from the keyboard
        rows.nth(second).click(modifiers=["Shift"])
        page.keyboard.press("b")
        rows.nth(body).locator(".chip").click()  # a chip cycles: body -> title
        expect(page.locator("#counts")).to_contain_text("changed")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#status")).to_contain_text("saved")
        page.keyboard.press("n")  # the next page, saved from the keyboard as the model labels it
        expect(page.locator("#pages")).to_have_value("1")
        page.keyboard.press("s")
        expect(page.locator("#status")).to_contain_text("saved")
        browser.close()

    saved = out / "bbc-0.lines"
    doc = read_labeled(saved)
    expected = list(before)
    expected[first] = expected[second] = "body"
    expected[body] = "title"
    assert doc.labels == expected
    assert doc.meta["site"] == "bbc.co.uk" and doc.meta["render"] == "html"
    assert (out / "bbc-0.html").read_text(encoding="utf-8") == site_pages[0].read_text(encoding="utf-8")
    with_markup, _ = load_labeled(saved)  # the source gives the lines their markup rows back
    assert with_markup.markup is not None and len(with_markup.markup) == len(doc.lines)
    assert (out / "bbc-1.lines").exists() and not (out / "bbc-2.lines").exists()

    model = tmp_path / "mine.json.gz"
    trained = subprocess.run([str(BIN / "boilerstrip"), "train", str(out), "--base", "html",
                              "-o", str(model)], capture_output=True, text=True)
    assert trained.returncode == 0, trained.stderr
    assert "adapted html with 20 rounds per stage" in trained.stdout  # 2 pages: fewer rounds
    card = (tmp_path / "mine.md").read_text(encoding="utf-8")
    assert "## Adapted from a base model" in card and "| labeled | 2 | 1 |" in card
    assert "Each line of the 2 documents from labeled-lines files" in card
    scored = subprocess.run([str(BIN / "boilerstrip"), "eval", str(out), "--model", str(model),
                             "--no-baselines", "--by-site"], capture_output=True, text=True)
    assert scored.returncode == 0, scored.stderr
    assert "site:bbc.co.uk" in scored.stdout
