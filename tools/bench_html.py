"""`make bench-html`: boilerstrip beside the HTML extractors, on whole pages, in one process.

Each system gets a page's HTML and returns its main text; the score is the
Article Extraction Benchmark metric (4-gram shingle precision, recall and F1,
per page then averaged, as the benchmark's evaluate.py), and pages per second on
one core.  aeb is all 181 benchmark pages (boilerstrip never trained or tuned on
them); wceb2026 and daniel are their held-out (test-split) sites.
Run as ``python tools/bench_html.py`` (a tool, not part of the installed package).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")

from boilerstrip import api  # noqa: E402
from boilerstrip.evaluation import aeb_metrics, run_justext, shingle_match  # noqa: E402
from boilerstrip.rendering import render_html  # noqa: E402
from boilerstrip.training.corpus import Page, read_pages  # noqa: E402

Extractor = Callable[[Page], str]


def boilerstrip_extractor(model_path: Path | None = None,
                          threshold: float | None = None) -> Extractor:
    model = api.load_model(model_path, "html")
    model.n_jobs = 1
    return lambda page: api.strip_html(page.html, model, threshold)


def trafilatura_extractor(favor_precision: bool = False) -> Extractor:
    import trafilatura

    return lambda page: trafilatura.extract(page.html, favor_precision=favor_precision) or ""


def readability_extractor() -> Extractor:
    from readability import Document

    # readability returns the article as HTML; it becomes text block by block, as ours does.
    return lambda page: "\n".join(render_html(Document(page.html).summary(html_partial=True)))


def justext_extractor() -> Extractor:
    return lambda page: "\n".join(p.text for p in run_justext(page.html, page.lang)
                                  if not p.is_boilerplate)


def boilerpy3_extractor() -> Extractor:
    import logging

    from boilerpy3 import extractors

    logging.getLogger("boilerpy3").setLevel(logging.ERROR)  # a warning per page with nested links

    extractor = extractors.ArticleExtractor(raise_on_failure=False)
    return lambda page: extractor.get_content(page.html) or ""


def resiliparse_extractor() -> Extractor:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    return lambda page: extract_plain_text(HTMLTree.parse(page.html), main_content=True)


SYSTEMS: dict[str, Callable[[], Extractor]] = {
    "boilerstrip": boilerstrip_extractor,
    "trafilatura": trafilatura_extractor,
    "trafilatura (favor_precision)": lambda: trafilatura_extractor(favor_precision=True),
    "readability-lxml": readability_extractor,
    "jusText": justext_extractor,
    "boilerpy3": boilerpy3_extractor,
    "resiliparse": resiliparse_extractor,
}


WARM_UP_PAGES = 5


def extract_all(extract: Extractor, pages: list[Page]) -> tuple[list[str], int, float]:
    """Each page's text (empty where the system raised), the failures, and the seconds taken."""
    texts, failures = [], 0
    start = time.perf_counter()
    for page in pages:
        try:
            texts.append(extract(page))
        except Exception:  # a competitor's crash on one page must not end the benchmark
            texts.append("")
            failures += 1
    return texts, failures, time.perf_counter() - start


def score(extractors: dict[str, Extractor], pages: list[Page], passes: int
          ) -> dict[str, dict[str, float]]:
    """The AEB metric and speed of each system over ``pages``.  Each system first extracts a
    few pages untimed (its lazy set-up), then the systems take turns, a whole pass each, so a
    busy spell on the shared machine falls on all of them; pages/s is each system's median
    pass.  The texts are the first pass's (every pass gives the same)."""
    for extract in extractors.values():
        extract_all(extract, pages[:WARM_UP_PAGES])
    seconds: dict[str, list[float]] = {name: [] for name in extractors}
    first: dict[str, tuple[list[str], int]] = {}
    for _ in range(passes):
        for name, extract in extractors.items():
            texts, failures, taken = extract_all(extract, pages)
            first.setdefault(name, (texts, failures))
            seconds[name].append(taken)
    rows = {}
    for name, (texts, failures) in first.items():
        matches = [shingle_match(page.main_text, text) for page, text in zip(pages, texts)]
        rows[name] = {**aeb_metrics(matches), "pages_per_s": len(pages) / float(np.median(seconds[name])),
                      "failures": failures}
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--sets", nargs="+", default=["aeb", "wceb2026", "daniel"])
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    parser.add_argument("--model", type=Path, help="boilerstrip model file (default: the shipped one).")
    parser.add_argument("--threshold", type=float,
                        help="boilerstrip's cut on P(content) (default: the model's own).")
    parser.add_argument("--passes", type=int, default=3,
                        help="timed passes over each set, the systems taking turns (median kept).")
    parser.add_argument("--json", type=Path, help="Also write the results as JSON.")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    for name in args.sets:
        split = None if name == "aeb" else "test"
        pages = list(read_pages(args.datasets / f"{name}.jsonl.gz", split=split))
        print(f"\n{name}: {len(pages)} pages" + (" (test-split sites)" if split else ""))
        print(f"{'system':<32}{'precision':>10}{'recall':>10}{'F1':>8}{'pages/s':>10}{'failures':>10}"
              + (f"{'trafilatura':>13}" if "trafilatura" in args.systems else ""))
        extractors = {system: (boilerstrip_extractor(args.model, args.threshold)
                               if system == "boilerstrip" else SYSTEMS[system]())
                      for system in args.systems}
        rows = score(extractors, pages, args.passes)
        results[name] = rows
        for system, row in rows.items():
            versus = (f"{row['pages_per_s'] / rows['trafilatura']['pages_per_s']:>12.2f}x"
                      if "trafilatura" in rows else "")
            print(f"{system:<32}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>8.3f}"
                  f"{row['pages_per_s']:>10.1f}{row['failures']:>10}{versus}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
