"""`make memory-bench`: what site memory buys on sites the shipped models never saw.

For each shipped model and rendering, the held-out (test) sites of daniel, wceb2026, msv-big9
and zh-news with at least --min-pages pages are scored twice: without memory, and with the
memory of the site's other pages, all unlabeled (`eval --site-memory`, as `predict
--site-memory` runs on a crawl).  Prints the mean kept-text F1 over sites (each site counts
once) and over pages, the sites that gain or lose most, and writes the rows as JSON.
aeb is never used: its pages are one per site.  Run as ``python tools/bench_memory.py``.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from boilerstrip.evaluation import evaluate_documents
from boilerstrip.evaluation.evaluate import memory_site, site_memory_of
from boilerstrip.model.shipped import load_model
from boilerstrip.training.corpus import iter_documents

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ("daniel", "wceb2026", "msv-big9", "zh-news")


def site_documents(datasets: Path, rendering: str, min_pages: int) -> dict[str, list]:
    by_site: dict[str, list] = defaultdict(list)
    for name in DATASETS:
        for doc, gold in iter_documents([datasets / f"{name}.jsonl.gz"], "test", rendering):
            by_site[memory_site(doc)].append((doc, gold))
    return {site: docs for site, docs in by_site.items() if len(docs) >= min_pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--renderings", nargs="+", default=["scraper", "markdown", "w3m", "html"])
    parser.add_argument("--min-pages", type=int, default=4)
    parser.add_argument("--text-model", type=Path, help="default: the shipped one")
    parser.add_argument("--html-model", type=Path, help="default: the shipped one")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "memory-bench.json")
    args = parser.parse_args()
    results = {}
    for rendering in args.renderings:
        kind = "html" if rendering == "html" else "text"
        model = load_model(getattr(args, f"{kind}_model"), kind)
        sites = site_documents(args.datasets, rendering, args.min_pages)
        every = [pair for docs in sites.values() for pair in docs]
        memory = site_memory_of(every)
        rows = []
        for site, docs in sites.items():
            scores = [evaluate_documents(model, docs, baselines=(), memory=m).report()["all"]
                      ["kept_text"]["boilerstrip"]["f1"] for m in (None, memory)]
            rows.append({"site": site.split("\t")[1], "dataset": site.split("\t")[0],
                         "pages": len(docs), "without": scores[0], "with": scores[1]})
        pages = [evaluate_documents(model, every, baselines=(), memory=m).report()["all"]
                 ["kept_text"]["boilerstrip"]["f1"] for m in (None, memory)]
        results[rendering] = rows
        without, with_memory = (np.mean([r[k] for r in rows]) for k in ("without", "with"))
        changes = sorted(rows, key=lambda r: r["with"] - r["without"])
        print(f"{rendering}: {len(rows)} sites, {len(every)} pages; mean over sites "
              f"{without:.4f} -> {with_memory:.4f} ({with_memory - without:+.4f}); over pages "
              f"{pages[0]:.4f} -> {pages[1]:.4f} ({pages[1] - pages[0]:+.4f}); worst "
              f"{changes[0]['site']} {changes[0]['with'] - changes[0]['without']:+.3f}, best "
              f"{changes[-1]['site']} {changes[-1]['with'] - changes[-1]['without']:+.3f}",
              flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
