"""Where a page's time goes, on one core: parse, walk (the rest of rendering), features, trees.

HTML: each aeb page through the HTML model, as ``strip_html`` takes it.  Text: the same
pages' scraper text through the text model, as ``predict file.txt`` takes it.  Each step is
timed on its own, page by page, the best of ``--repeats`` runs of the whole set (the machine
is shared).  Run it on two checkouts to compare code (``PYTHONPATH=OTHER python
tools/time_split.py``).  A tool, not part of the installed package.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from boilerstrip.features import document_features  # noqa: E402
from boilerstrip.model.shipped import load_model  # noqa: E402
from boilerstrip.rendering.html import render_page  # noqa: E402
from boilerstrip.training.corpus import read_pages  # noqa: E402


def best_of(repeats: int, step, items) -> tuple[float, list]:
    """Seconds of the fastest of ``repeats`` passes of ``step`` over ``items``, and its outputs."""
    best, outputs = float("inf"), []
    for _ in range(repeats):
        start = time.perf_counter()
        outputs = [step(item) for item in items]
        best = min(best, time.perf_counter() - start)
    return best, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    pages = [page.html for page in read_pages(args.datasets / "aeb.jsonl.gz", None)]
    html_model, text_model = load_model(None, "html"), load_model(None, "text")
    parse, _ = best_of(args.repeats, LexborHTMLParser, pages)
    render, rendered = best_of(args.repeats, render_page, pages)
    html_docs = [(p.document("html").lines, p.document("html").markup) for p in rendered]
    text_docs = [(p.document("scraper").lines, None) for p in rendered]
    lines = {"html": sum(len(d[0]) for d in html_docs), "text": sum(len(d[0]) for d in text_docs)}
    print(f"{len(pages)} aeb pages; ms per page (µs per line), best of {args.repeats}")
    print(f"  parse  {parse / len(pages) * 1e3:6.2f}")
    print(f"  walk   {(render - parse) / len(pages) * 1e3:6.2f}   (rendering {render / len(pages) * 1e3:.2f} in all)")
    for name, model, docs in (("html", html_model, html_docs), ("text", text_model, text_docs)):
        features_s, features = best_of(args.repeats, lambda d: document_features(*d), docs)
        trees_s, _ = best_of(args.repeats, lambda i: model.predict_proba_features(
            [docs[i][0]], [features[i]]), range(len(docs)))
        print(f"  {name} features {features_s / len(docs) * 1e3:6.2f} ({features_s / lines[name] * 1e6:5.1f})"
              f"   trees {trees_s / len(docs) * 1e3:6.2f} ({trees_s / lines[name] * 1e6:5.1f})"
              f"   {lines[name] / len(docs):.0f} lines a page")


if __name__ == "__main__":
    main()
