"""Many pages at once, as scraper authors and corpus builders run them: folders, JSON Lines
and WARC in; records or a mirrored folder out; worker processes, the page time limit,
resuming, and pages decoded as browsers decode them."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import textwrap
import time

import pytest
import zstandard
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import boilerstrip
from boilerstrip.cli import app

from conftest import EXAMPLES

runner = CliRunner()
PAGE = (EXAMPLES / "news_en.html").read_text(encoding="utf-8")
TEXT = (EXAMPLES / "news_en.txt").read_text(encoding="utf-8")


def aeb_pages(datasets, count: int) -> list[dict]:
    with gzip.open(datasets / "aeb.jsonl.gz", "rt", encoding="utf-8") as rows:
        return [json.loads(row) for _, row in zip(range(count), rows)]


def read_records(path) -> list[dict]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as rows:
        return [json.loads(row) for row in rows]


def write_warc(path, responses) -> None:
    """A real gzipped WARC: (url, status, content type, body bytes) responses, with a
    request record and a non-HTML response among them, as crawlers write."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, status, content_type, body in responses:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET /")))
            identified = {"WARC-Identified-Payload-Type": content_type.split(";")[0]}  # as Common Crawl
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers,
                                                          warc_headers_dict=identified))


def test_a_fork_after_predict_completes():
    """The scraper that stripped a page and then started a fork pool used to hang for ever
    in LightGBM's OpenMP pool; prediction now runs on one thread."""
    script = textwrap.dedent(f"""
        import multiprocessing, boilerstrip
        page = open({str(EXAMPLES / "news_en.html")!r}, encoding="utf-8").read()
        parent = boilerstrip.strip_html(page)
        with multiprocessing.get_context("fork").Pool(2) as pool:
            children = pool.map(boilerstrip.strip_html, [page] * 4)
        assert children == [parent] * 4 and "Marrow Island" in parent
        print("done")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "done\n"


def test_prediction_threads_is_one_by_default_and_a_setting():
    model = boilerstrip.load_model(input_format="html")
    assert model.prediction_threads == 1
    faster = boilerstrip.load_model(input_format="html").set_params(prediction_threads=2)
    try:
        assert boilerstrip.strip_html(PAGE, model=faster) == boilerstrip.strip_html(PAGE)
    finally:
        faster.set_params(prediction_threads=1)  # the cached model is shared


def test_strip_many_is_strip_html_for_each_page_in_order(datasets):
    pages = [row["html"] for row in aeb_pages(datasets, 24)]
    one_by_one = [boilerstrip.strip_html(page) for page in pages]
    assert list(boilerstrip.strip_many(pages)) == one_by_one
    assert list(boilerstrip.strip_many(pages, jobs=2)) == one_by_one
    labeled = next(boilerstrip.classify_many(pages[:1]))
    assert labeled == boilerstrip.classify(pages[0], input_format="html")


def test_strip_many_reports_a_bad_page_or_skips_it():
    pages = [PAGE, b"\x89PNG\r\n\x1a\n" + bytes(64), PAGE.encode("utf-8")]
    with pytest.raises(boilerstrip.InputError, match="a PNG image"):
        list(boilerstrip.strip_many(pages))
    kept = list(boilerstrip.strip_many(pages, errors="skip"))
    assert kept[1] is None and kept[0] == kept[2] == boilerstrip.strip_html(PAGE)


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_json_lines_in_records_out(tmp_path, suffix):
    rows = [{"id": "a", "url": "https://example.org/a", "html": PAGE},
            {"id": "b", "text": TEXT}, {"url": "https://example.org/c", "markdown": "# Hi\n\nThere."}]
    data = "".join(json.dumps(row) + "\n" for row in rows).encode("utf-8")
    data = {".jsonl": data, ".jsonl.gz": gzip.compress(data),
            ".jsonl.zst": zstandard.ZstdCompressor().compress(data)}[suffix]
    source = tmp_path / f"pages{suffix}"
    source.write_bytes(data)
    out = tmp_path / "out.jsonl.gz"
    result = runner.invoke(app, ["predict", str(source), "-o", str(out), "--with-labels"])
    assert result.exit_code == 0, result.output
    a, b, c = read_records(out)
    assert (a["id"], a["url"], a["format"]) == ("a", "https://example.org/a", "html")
    assert a["text"] == boilerstrip.strip_html(PAGE)
    assert a["title"] == "Volunteers count record number of seabirds on Marrow Island"
    assert (b["id"], b["format"], b["text"]) == ("b", "text", boilerstrip.strip(TEXT))
    assert [line[0] for line in b["lines"]] == TEXT.splitlines()  # every line, verbatim
    assert (c["id"], c["format"]) == ("https://example.org/c", "markdown")
    assert "1 job" in result.stderr or "2 jobs" in result.stderr


def test_a_broken_json_line_is_reported_and_the_rest_go_on(tmp_path):
    source = tmp_path / "pages.jsonl"
    source.write_text(json.dumps({"id": "ok", "html": PAGE}) + "\n{not json\n"
                      + json.dumps({"id": "nofield", "body": "x"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["predict", str(source), "-o", str(out), "--field", "html"])
    assert result.exit_code == 3
    ok, broken, missing = read_records(out)
    assert "Marrow Island" in ok["text"]
    assert broken["error"] == f"{source}:2: not a JSON line (Expecting property name enclosed in double quotes)"
    assert missing["error"] == f"{source}:3: no 'html' field holding text"
    assert "3 pages, 2 failed" in result.stderr


def test_a_warc_file_on_two_jobs(tmp_path, datasets):
    """Only the 2xx HTML responses are read, each in the charset its HTTP header names,
    and the records come out in the WARC's order whatever worker took them."""
    rows = aeb_pages(datasets, 40)
    russian = "<html><body><h1>Заголовок</h1>" + "<p>Это длинный абзац статьи о погоде.</p>" * 8
    responses = [(row["url"], "200 OK", "text/html; charset=utf-8", row["html"].encode("utf-8"))
                 for row in rows]
    responses[5:5] = [("https://example.org/logo.png", "200 OK", "image/png", b"\x89PNG" + bytes(50)),
                      ("https://example.org/gone", "404 Not Found", "text/html", b"<p>gone</p>"),
                      ("https://example.org/ru", "200 OK", "text/html; charset=windows-1251",
                       russian.encode("cp1251"))]
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, responses)
    out = tmp_path / "out.jsonl.gz"
    result = runner.invoke(app, ["predict", str(warc), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    records = read_records(out)
    assert [r["url"] for r in records] == [r["url"] for r in rows[:5]] + ["https://example.org/ru"] \
        + [r["url"] for r in rows[5:]]
    assert all(r["id"].startswith("<urn:uuid:") and r["format"] == "html" for r in records)
    assert "Это длинный абзац статьи о погоде." in records[5]["text"]
    assert [r["text"] for r in records if "example.org" not in r["url"]] == \
        list(boilerstrip.strip_many([row["html"] for row in rows]))
    assert "41 pages, 0 failed" in result.stderr


def test_a_folder_mirrored_and_resumed(tmp_path):
    source = tmp_path / "site"
    (source / "news").mkdir(parents=True)
    (source / "news" / "a.html").write_text(PAGE, encoding="utf-8")
    (source / "news" / "b.txt").write_text(TEXT, encoding="utf-8")
    (source / "notes.md").write_text("# Notes\n\nNothing.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["predict", str(source), "--glob", "news/*", "--output-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == \
        ["news/a.html.txt", "news/b.txt"]
    assert (out / "news" / "a.html.txt").read_text(encoding="utf-8") == boilerstrip.strip_html(PAGE)
    (out / "news" / "b.txt").unlink()
    (out / "news" / "a.html.txt").write_text("kept from the first run\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(source), "--glob", "news/*", "--output-dir", str(out),
                                 "--skip-existing"])
    assert result.exit_code == 0, result.output
    assert "1 page, 0 failed, 1 skipped (already written)" in result.stderr
    assert (out / "news" / "a.html.txt").read_text(encoding="utf-8") == "kept from the first run\n"
    assert (out / "news" / "b.txt").read_text(encoding="utf-8") == boilerstrip.strip(TEXT)


def test_records_resume_where_an_interrupted_run_stopped(tmp_path):
    source = tmp_path / "pages.jsonl"
    source.write_text("".join(json.dumps({"id": str(i), "text": TEXT}) + "\n" for i in range(5)),
                      encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"id": "0", "text": "from before"}) + "\n"
                   + json.dumps({"id": "1", "error": "failed before"}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(source), "-o", str(out), "--skip-existing"])
    assert result.exit_code == 0, result.output
    records = read_records(out)
    assert [r["id"] for r in records] == ["0", "1", "2", "3", "4"]
    assert records[0]["text"] == "from before" and "error" not in records[1]
    assert "4 pages, 0 failed, 1 skipped" in result.stderr


def test_a_page_over_the_time_limit_fails_alone(tmp_path):
    """A page that takes many seconds (a 27 MB text page) is cut at the limit and reported;
    the pages around it are stripped, and the exit code says a page failed.  The limit leaves
    the small pages room on a loaded machine."""
    source = tmp_path / "pages"
    source.mkdir()
    for name in ("a.txt", "c.txt"):
        (source / name).write_text(TEXT, encoding="utf-8")
    (source / "b.txt").write_text(TEXT * 15000, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["predict", str(source), "-o", str(out), "--page-timeout", "2",
                                 "--jobs", "2"])
    assert result.exit_code == 6, result.output
    a, b, c = read_records(out)
    assert b["error"] == f"{source / 'b.txt'}: over the page time limit of 2 s"
    assert a["text"] == c["text"] == boilerstrip.strip(TEXT)
    assert "3 pages, 1 failed" in result.stderr


def test_web_pages_decode_as_browsers_do_and_text_stays_strict(tmp_path):
    """One stray byte and one NUL in a UTF-8 page used to refuse the whole page."""
    damaged = PAGE.encode("utf-8").replace(b"counting seabirds", b"count\xffing sea\x00birds")
    page = tmp_path / "page.html"
    page.write_bytes(damaged)
    result = runner.invoke(app, ["predict", str(page), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    (record,) = read_records(tmp_path / "out.jsonl")
    assert record["replaced_bytes"] == 2
    assert "Volunteers count\ufffding sea\ufffdbirds on Marrow Island" in record["text"]
    assert runner.invoke(app, ["predict", str(page)]).exit_code == 0
    arabic = (EXAMPLES / "news_ar.txt").read_bytes()
    text = tmp_path / "page.txt"
    text.write_bytes(arabic.replace("مزارعون".encode("utf-8"), "مزارعون".encode("utf-8") + b"\xff", 1))
    strict = runner.invoke(app, ["predict", str(text)])
    assert strict.exit_code == 3 and f"{text}: cannot tell the text encoding" in strict.stderr
    lenient = runner.invoke(app, ["predict", str(text), "--lenient", "--format", "jsonl"])
    assert lenient.exit_code == 0
    lines = [json.loads(row)["text"] for row in lenient.stdout.splitlines()]
    assert len(lines) == len(arabic.splitlines()) and any("مزارعون\ufffd" in line for line in lines)


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(TEXT, encoding="utf-8")
    quiet = runner.invoke(app, ["predict", str(folder), "--output-dir", str(tmp_path / "a")])
    assert quiet.stderr.count("\n") == 1 and quiet.stderr.startswith("boilerstrip: 3 pages")
    shown = runner.invoke(app, ["predict", str(folder), "--output-dir", str(tmp_path / "b"),
                                "--progress"])
    assert "3/3" in shown.stderr and "pages/s" in shown.stderr and "0 failed" in shown.stderr


def test_batch_options_that_cannot_go_together(tmp_path):
    both = runner.invoke(app, ["predict", str(EXAMPLES), "-o", str(tmp_path / "x.jsonl"),
                               "--output-dir", str(tmp_path)])
    assert both.exit_code == 2 and "give -o or --output-dir, not both" in both.output
    resume = runner.invoke(app, ["predict", str(EXAMPLES), "--skip-existing"])
    assert resume.exit_code == 2 and "resumes --output-dir" in resume.output


def test_a_worker_killed_mid_run_loses_no_page(tmp_path):
    """A worker the kernel kills (the OOM killer, say) breaks the pool: the run starts a new
    one, retries the pages that were in flight, and every page still comes out, in order."""
    psutil = pytest.importorskip("psutil")
    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:02d}.txt").write_text(TEXT, encoding="utf-8")
    (folder / "20-big.txt").write_text(TEXT * 6000, encoding="utf-8")  # 11 MB: seconds of work
    out = tmp_path / "out.jsonl"
    run = subprocess.Popen([sys.executable, "-m", "boilerstrip.cli", "predict", str(folder), "-o",
                            str(out), "--jobs", "2"], stderr=subprocess.PIPE, text=True)
    try:
        parent = psutil.Process(run.pid)
        deadline = time.monotonic() + 60
        workers = parent.children()
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            workers = parent.children()
        assert len(workers) == 2, "the run started its two workers"
        time.sleep(0.3)  # the workers are busy now, the big page among them
        first = {worker.pid for worker in workers}
        workers[0].kill()
        replaced = False
        while run.poll() is None and not replaced:
            replaced = any(child.pid not in first for child in parent.children())
            time.sleep(0.02)
        _, stderr = run.communicate(timeout=600)
    finally:
        run.kill()
    assert replaced, "a new pool of workers took over"
    assert run.returncode == 0, stderr
    records = read_records(out)
    assert [r["id"] for r in records] == [str(p) for p in sorted(folder.iterdir())]
    small = boilerstrip.strip(TEXT)
    assert [r["text"] for r in records if "big" not in r["id"]] == [small] * 40
    (big,) = [r for r in records if "big" in r["id"]]
    assert "error" not in big and big["format"] == "text"
    assert "41 pages, 0 failed" in stderr
