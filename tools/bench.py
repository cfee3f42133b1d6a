"""`make bench`: prediction speed on one core, model load time, peak memory.

Lines come from held-out pages of the shared datasets rendered as a scraper
would; jusText and the C4 line rules classify the same lines in the same run for comparison,
the three taking turns pass by pass (``run``).  Run as ``python tools/bench.py`` (a tool, not part of the installed package).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from itertools import islice
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from boilerstrip import api  # noqa: E402
from boilerstrip.evaluation.baselines import c4_rules, justext_lines  # noqa: E402
from boilerstrip.model import load_model_file  # noqa: E402
from boilerstrip.rendering import render_html  # noqa: E402
from boilerstrip.training.corpus import read_pages  # noqa: E402


def page_lines(datasets: Path, per_dataset: int) -> list[tuple[list[str], str]]:
    documents = []
    for name in ("wceb2026", "daniel", "zh-news"):
        for page in islice(read_pages(datasets / f"{name}.jsonl.gz", split="test"), per_dataset):
            documents.append((render_html(page.html), page.lang))
    return documents


def time_model_load(path: Path, repeats: int = 5) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        load_model_file(path)
    return (time.perf_counter() - start) / repeats


WARM_UP_DOCUMENTS = 5


def run(datasets: Path, per_dataset: int, passes: int) -> dict[str, float]:
    """Lines/s and MB/s of each system over the same documents.  Each first classifies a few
    documents untimed (its lazy set-up), then the systems take turns, a whole pass each, so
    a busy spell of the shared machine falls on all of them; each keeps its median pass."""
    documents = page_lines(datasets, per_dataset)
    n_lines = sum(len(lines) for lines, _ in documents)
    n_bytes = sum(len("\n".join(lines).encode("utf-8")) for lines, _ in documents)
    model = api.load_model()
    model.n_jobs = 1
    results = {"documents": len(documents), "lines": n_lines, "megabytes": n_bytes / 1e6,
               "model_load_s": time_model_load(api.default_model_path())}
    systems = {"boilerstrip": lambda lines, lang: api.classify(lines, model),
               "justext": justext_lines, "c4-rules": c4_rules}
    for classify in systems.values():
        for lines, lang in documents[:WARM_UP_DOCUMENTS]:
            classify(lines, lang)
    seconds: dict[str, list[float]] = {name: [] for name in systems}
    for _ in range(passes):
        for name, classify in systems.items():
            start = time.perf_counter()
            for lines, lang in documents:
                classify(lines, lang)
            seconds[name].append(time.perf_counter() - start)
    for name, taken in seconds.items():
        median = statistics.median(taken)
        results[f"{name}_lines_per_s"] = n_lines / median
        results[f"{name}_mb_per_s"] = n_bytes / 1e6 / median
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


# The CLI in a child process that reports its own peak RSS (in KiB) as its last stderr line.
_CLI_REPORTING_PEAK = """
import resource, sys
from boilerstrip.cli import app
try:
    app(sys.argv[1:], prog_name="boilerstrip")
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def huge_inputs(documents: list[tuple[list[str], str]], gigabytes: float) -> list[dict[str, float]]:
    """Run the CLI on a file of ``gigabytes`` GB and on one 50 MB line, each in a child process:
    seconds, output size and the child's peak RSS (streaming keeps it bounded)."""
    import subprocess
    import sys
    import tempfile

    page = ("\n".join(line for lines, _ in documents for line in lines) + "\n").encode("utf-8")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.txt"
        with open(big, "wb") as handle:
            for _ in range(max(1, int(gigabytes * 1e9 // len(page)))):
                handle.write(page)
        line = Path(folder) / "one-line.txt"
        words = page.replace(b"\n", b" ")
        one_line = (words * (50_000_000 // len(words) + 1))[:50_000_000]
        line.write_bytes(one_line.decode("utf-8", errors="ignore").encode("utf-8"))  # whole characters
        for path in (big, line):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", _CLI_REPORTING_PEAK, "predict", str(path),
                                   "-o", str(path) + ".out"], capture_output=True, text=True)
            seconds = time.perf_counter() - start
            peak_kb = int(done.stderr.strip().splitlines()[-1])
            results.append({"input_mb": path.stat().st_size / 1e6, "seconds": seconds,
                            "exit": done.returncode, "peak_rss_mb": peak_kb / 1024,
                            "output_mb": Path(str(path) + ".out").stat().st_size / 1e6
                            if done.returncode == 0 else 0.0})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--pages", type=int, default=100, help="held-out pages per dataset")
    parser.add_argument("--passes", type=int, default=3,
                        help="timed passes over the pages, the systems taking turns (median kept)")
    parser.add_argument("--huge-gb", type=float, default=1.0,
                        help="size of the streamed huge-file test (0 skips it)")
    args = parser.parse_args()
    r = run(args.datasets, args.pages, args.passes)
    print(f"{r['documents']} held-out pages, {r['lines']} lines, {r['megabytes']:.1f} MB of text, one core")
    print(f"{'system':<12}{'lines/s':>10}{'MB/s':>8}{'jusText':>10}   (median of {args.passes} passes in turns)")
    for name in ("boilerstrip", "justext", "c4-rules"):
        versus = r[name + "_mb_per_s"] / r["justext_mb_per_s"]
        print(f"{name:<12}{r[name + '_lines_per_s']:>10.0f}{r[name + '_mb_per_s']:>8.2f}{versus:>9.2f}x")
    print(f"model load: {r['model_load_s'] * 1000:.0f} ms; peak RSS {r['peak_rss_mb']:.0f} MB")
    if args.huge_gb:
        for h in huge_inputs(page_lines(args.datasets, 20), args.huge_gb):
            print(f"huge input {h['input_mb']:.0f} MB: exit {h['exit']}, {h['seconds']:.0f} s, "
                  f"{h['input_mb'] / h['seconds']:.2f} MB/s, output {h['output_mb']:.0f} MB, "
                  f"peak RSS of the CLI {h['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
