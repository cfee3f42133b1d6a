"""`make bench-batch`: boilerstrip on a crawl, as corpus builders run it.

Builds, in a temporary folder (never committed), a WARC of real pages from the shared
datasets, then in one run:
- ``boilerstrip predict crawl.warc.gz -o out.jsonl.gz`` with 1 and 2 jobs: pages/s, and the
  peak RSS of the parent and of each worker (polled with psutil);
- trafilatura on the same WARC in the same shape of work (read, decode, extract, write
  JSON Lines), in 1 process and in a pool of 2;
- ``strip_many`` against a loop of ``strip_html`` on the same pages, in this process;
- a folder of small text files through ``predict --output-dir --progress``: its summary line;
- the cold start of ``boilerstrip predict`` on one seed file, with hyperfine if installed.
Run as ``python tools/bench_batch.py`` (a tool, not part of the installed package).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

DATASETS = ("daniel", "wceb2026", "msv-big9", "zh-news")  # never aeb: it is for accuracy
BIN = Path(sys.executable).parent


def dataset_rows(datasets: Path, count: int) -> list[dict]:
    """``count`` pages taken in turn from each dataset."""
    readers = [(json.loads(line) for line in gzip.open(datasets / f"{name}.jsonl.gz", "rt",
                                                       encoding="utf-8")) for name in DATASETS]
    rows: list[dict] = []
    while len(rows) < count and readers:
        for reader in list(readers):
            row = next(reader, None)
            if row is None:
                readers.remove(reader)
            else:
                rows.append(row)
    return rows[:count]


def write_warc(path: Path, rows: list[dict]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for row in rows:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                row["url"], "response", payload=io.BytesIO(row["html"].encode("utf-8")),
                http_headers=headers, warc_headers_dict={"WARC-Identified-Payload-Type": "text/html"}))


def run_measured(command: list[str]) -> tuple[float, dict[int, int], str]:
    """Run a command; its wall time, the peak RSS of each process in its tree, its stderr."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(process.pid)
    peaks: dict[int, int] = {}
    while process.poll() is None:
        try:
            for each in [root, *root.children(recursive=True)]:
                peaks[each.pid] = max(peaks.get(each.pid, 0), each.memory_info().rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr}")
    return seconds, {pid: rss for pid, rss in peaks.items() if pid != process.pid} | \
        {-1: peaks.get(process.pid, 0)}, stderr


TRAFILATURA = """
import gzip, json, sys
from multiprocessing import Pool
from fastwarc.warc import ArchiveIterator, WarcRecordType
from trafilatura import extract

def pages(path):
    for record in ArchiveIterator(open(path, "rb"), record_types=WarcRecordType.response,
                                  parse_http=True, auto_decode="all"):
        yield record.headers.get("WARC-Target-URI"), record.reader.read().decode("utf-8", "replace")

def work(item):
    url, html = item
    return {"url": url, "text": extract(html, favor_precision=True, deduplicate=True) or ""}

if __name__ == "__main__":
    path, out, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with gzip.open(out, "wt", encoding="utf-8") as sink:
        results = map(work, pages(path)) if jobs == 1 else Pool(jobs).imap(work, pages(path), 8)
        for record in results:
            sink.write(json.dumps(record, ensure_ascii=False) + "\\n")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="boilerstrip-bench-"))
    try:
        rows = dataset_rows(args.datasets, args.pages)
        warc = work / "crawl.warc.gz"
        write_warc(warc, rows)
        megabytes = sum(len(r["html"].encode("utf-8")) for r in rows) / 1e6
        print(f"WARC of {len(rows)} HTML pages ({megabytes:.1f} MB of HTML) from "
              f"{', '.join(DATASETS)}\n")
        print(f"Each run {args.repeats} times in turn; the best wall time of each (the machine is "
              "shared: the best run is the one least disturbed), the highest peak RSS.\n")
        print("| run | best wall s | median wall s | pages/s (best) | speed-up | "
              "peak RSS parent MB | peak RSS per worker MB |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        runs = [
            ("boilerstrip predict --jobs 1", [str(BIN / "boilerstrip"), "predict", str(warc),
                                              "--jobs", "1", "-o", str(work / "b1.jsonl.gz")]),
            ("boilerstrip predict --jobs 2", [str(BIN / "boilerstrip"), "predict", str(warc),
                                              "--jobs", "2", "-o", str(work / "b2.jsonl.gz")]),
            ("trafilatura, 1 process", [sys.executable, "-c", TRAFILATURA, str(warc),
                                        str(work / "t1.jsonl.gz"), "1"]),
            ("trafilatura, pool of 2", [sys.executable, "-c", TRAFILATURA, str(warc),
                                        str(work / "t2.jsonl.gz"), "2"]),
        ]
        measured: dict[str, list] = {name: [] for name, _ in runs}
        for _ in range(args.repeats):  # interleaved, so a slow spell of the machine hits all
            for name, command in runs:
                measured[name].append(run_measured(command))
        base = {}
        for name, _ in runs:
            walls = sorted(seconds for seconds, _, _ in measured[name])
            best = walls[0]
            parent = max(peaks[-1] for _, peaks, _ in measured[name])
            workers = [rss for _, peaks, _ in measured[name] for pid, rss in peaks.items() if pid != -1]
            tool = name.split(",")[0].split(" predict")[0]
            base.setdefault(tool, best)
            print(f"| {name} | {best:.1f} | {walls[len(walls) // 2]:.1f} | {len(rows) / best:.1f} | "
                  f"{base[tool] / best:.2f}× | {parent / 1e6:.0f} | "
                  + (f"{max(workers) / 1e6:.0f} |" if workers else "- |"))
        same = [json.loads(l)["text"] for l in gzip.open(work / "b1.jsonl.gz", "rt")] == \
            [json.loads(l)["text"] for l in gzip.open(work / "b2.jsonl.gz", "rt")]
        print(f"\n1 job and 2 jobs wrote the same records: {same}")

        import boilerstrip

        pages = [r["html"] for r in rows[:300]]
        boilerstrip.strip_html(pages[0])
        started = time.perf_counter()
        looped = [boilerstrip.strip_html(page) for page in pages]
        loop = time.perf_counter() - started
        started = time.perf_counter()
        batched = list(boilerstrip.strip_many(pages))
        many = time.perf_counter() - started
        print(f"\nstrip_html in a loop: {len(pages) / loop:.1f} pages/s; strip_many: "
              f"{len(pages) / many:.1f} pages/s ({loop / many:.2f}×), same text: {looped == batched}")

        folder = work / "texts"
        folder.mkdir()
        texts = [r["main_text"] for r in rows if r.get("main_text")]
        for i in range(args.files):
            (folder / f"{i:05d}.txt").write_text(texts[i % len(texts)][:2000] + "\n", encoding="utf-8")
        _, _, stderr = run_measured([str(BIN / "boilerstrip"), "predict", str(folder),
                                     "--output-dir", str(work / "texts-out"), "--progress"])
        print(f"\n{args.files:,} small text files, predict --output-dir --progress, last line:\n"
              f"    {stderr.strip().splitlines()[-1]}")

        seed = sorted((args.datasets.parent / "seeds").glob("*.txt"))[0]
        if shutil.which("hyperfine"):
            report = work / "cold.json"
            subprocess.run(["hyperfine", "-N", "-w", "3", "-r", "30", "--export-json", str(report),
                            f"{BIN / 'boilerstrip'} predict {seed}"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            result = json.loads(report.read_text())["results"][0]
            print(f"\ncold start, boilerstrip predict {seed.name} (hyperfine, 30 runs): "
                  f"min {result['min']:.3f} s, median {result['median']:.3f} s")
        else:
            print("\ncold start: hyperfine is not installed (apt-get install hyperfine)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
