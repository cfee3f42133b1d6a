"""The engines people already run, for real: a datatrove pipeline on its local executor,
Spark in local mode, and a Scrapy crawl of pages served on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import boilerstrip

from test_batch import aeb_pages, write_warc


def test_datatrove_pipeline_from_warc_to_jsonl(tmp_path, datasets):
    """WarcReader → BoilerstripExtractor → a filter → JsonlWriter, on two tasks, as a
    FineWeb-style pipeline runs, with datatrove's own LocalPipelineExecutor."""
    pytest.importorskip("datatrove")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.filters import LambdaFilter
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter

    from boilerstrip.integrations.datatrove import BoilerstripExtractor

    rows = aeb_pages(datasets, 30)
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    for part in range(2):
        write_warc(warcs / f"part-{part}.warc.gz",
                   [(row["url"], "200 OK", "text/html; charset=utf-8", row["html"].encode("utf-8"))
                    for row in rows[part::2]])
    out = tmp_path / "out"
    LocalPipelineExecutor(pipeline=[
        WarcReader(str(warcs), glob_pattern="*.warc.gz"),
        BoilerstripExtractor(timeout=10),
        LambdaFilter(lambda doc: len(doc.text) >= 200),
        JsonlWriter(str(out)),
    ], tasks=2, workers=2, logging_dir=str(tmp_path / "logs")).run()
    written = []
    for path in sorted(out.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            written += [json.loads(line) for line in handle]
    expected = {row["url"]: boilerstrip.strip_html(row["html"]) for row in rows}
    long_enough = {url for url, text in expected.items() if len(text) >= 200}
    assert len(written) == len(long_enough) >= 25
    for doc in written:
        assert doc["text"] == expected[doc["metadata"]["url"]]
    assert sum(bool(doc["metadata"].get("title")) for doc in written) >= len(written) // 2
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    extractor = next(step for step in stats if "boilerstrip" in step["name"])
    assert extractor["stats"]["extracted"] == len(rows)


def test_spark_strips_a_column_in_local_mode(tmp_path, datasets):
    """A real Spark session (local[2], the JVM and Python workers) strips a column of HTML:
    each row's text is what strip_html gives, a null page stays null."""
    pytest.importorskip("pyspark")
    script = textwrap.dedent(f"""
        import gzip, json, os, sys
        os.environ["PYSPARK_PYTHON"] = sys.executable
        from pyspark.sql import SparkSession
        from boilerstrip.integrations.spark import strip_udf
        rows = [json.loads(line) for _, line in zip(range(20), gzip.open({str(datasets / "aeb.jsonl.gz")!r}, "rt"))]
        spark = (SparkSession.builder.master("local[2]").appName("boilerstrip-test")
                 .config("spark.ui.enabled", "false").getOrCreate())
        frame = spark.createDataFrame([(r["url"], r["html"]) for r in rows] + [("none", None)],
                                      "url string, html string").repartition(3)
        out = frame.withColumn("text", strip_udf()("html")).select("url", "text").collect()
        print(json.dumps({{row.url: row.text for row in out}}))
        spark.stop()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    texts = json.loads(done.stdout.strip().splitlines()[-1])
    rows = aeb_pages(datasets, 20)
    assert texts.pop("none") is None
    assert texts == {row["url"]: boilerstrip.strip_html(row["html"]) for row in rows}


def _crawl(tmp_path: Path, rows: list[dict], settings: dict) -> list[dict]:
    """Scrapy follows the links of an index page served by an HTTP server on 127.0.0.1 to
    the pages of ``rows``, with the pipeline and ``settings``; returns the items."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    for i, row in enumerate(rows):
        (site / f"{i}.html").write_text(row["html"], encoding="utf-8")
    (site / "index.html").write_text("".join(f'<a href="{i}.html">{i}</a>' for i in range(len(rows))),
                                     encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1",
                               "--directory", str(site)], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().split("port ")[1].split()[0])
        spider = tmp_path / "spider.py"
        spider.write_text(textwrap.dedent(f"""
            import scrapy

            class Site(scrapy.Spider):
                name = "site"
                start_urls = ["http://127.0.0.1:{port}/index.html"]
                custom_settings = {{
                    "ITEM_PIPELINES": {{"boilerstrip.integrations.scrapy.BoilerstripPipeline": 300}},
                    **{settings!r},
                }}

                def parse(self, response):
                    yield from response.follow_all(css="a", callback=self.page)

                def page(self, response):
                    yield {{"url": response.url, "html": response.text}}
        """))
        out = tmp_path / "items.jsonl"
        done = subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(spider), "-O", str(out),
                               "-s", "LOG_LEVEL=WARNING"], capture_output=True, text=True, timeout=300,
                              cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-3000:]
    finally:
        server.terminate()
        server.wait()
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_scrapy_crawl_of_a_local_site(tmp_path, datasets):
    """A real crawl, and the pipeline set in the settings gives each item its article and
    title."""
    pytest.importorskip("scrapy")
    rows = aeb_pages(datasets, 8)
    items = _crawl(tmp_path, rows, {"BOILERSTRIP_LABELS_FIELD": "lines"})
    assert len(items) == len(rows)
    for item in items:
        row = rows[int(item["url"].rsplit("/", 1)[1].split(".")[0])]
        assert "html" not in item
        assert item["text"] == boilerstrip.strip_html(row["html"])
        labeled = boilerstrip.classify(row["html"], input_format="html")
        assert item["title"] == " ".join(l.text.strip() for l in labeled if l.label == "title")
        assert [line[1] for line in item["lines"]] == [l.label for l in labeled]


def test_scrapy_crawl_keeps_a_site_memory_across_crawls(tmp_path, datasets):
    """BOILERSTRIP_SITE_MEMORY names a file: the crawl remembers each page under its host,
    saves the memory when the spider closes, and a second crawl of the same pages reads it
    and counts none of them twice.  Every item keeps lines of its own page only."""
    pytest.importorskip("scrapy")
    rows = aeb_pages(datasets, 8)
    memory_file = tmp_path / "sites.memory.json.gz"
    for _ in range(2):
        items = _crawl(tmp_path, rows, {"BOILERSTRIP_SITE_MEMORY": str(memory_file)})
        memory = boilerstrip.SiteMemory.load(memory_file)
        assert memory.sites == ["127.0.0.1"] and memory.pages("127.0.0.1") == len(rows)
    assert len(items) == len(rows)
    for item in items:
        row = rows[int(item["url"].rsplit("/", 1)[1].split(".")[0])]
        shown = [l.text for l in boilerstrip.classify(row["html"], input_format="html")]
        assert set(item["text"].splitlines()) <= set(shown)
