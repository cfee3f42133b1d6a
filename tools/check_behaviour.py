"""Record, or compare against a record, every label and probability the shipped models give.

For each page of aeb and of the held-out (test-split) sites of daniel and wceb2026, in every
rendering (scraper, flat, html, markdown), the document's lines, the gold labels from
alignment, and the labels and P(label) rows of its shipped model (text and Markdown: the text
model; html: the HTML model).  The HTML page also goes through the public API
(``classify(html, input_format="html")``) and each text rendering through ``classify`` with
its input format, so the library's own path is checked too.

    python tools/check_behaviour.py --save before.npz      # on the old code
    python tools/check_behaviour.py --compare before.npz   # on the new: exit 1 on any change
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

import boilerstrip
from boilerstrip.model.shipped import load_model
from boilerstrip.rendering import RENDERINGS
from boilerstrip.training.corpus import label_page, read_pages

SETS = (("aeb", None), ("daniel", "test"), ("wceb2026", "test"))


def digest(items) -> str:
    return hashlib.sha256("\x00".join("" if i is None else str(i) for i in items).encode()).hexdigest()


def snapshot(datasets: Path) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, split in SETS:
        for page in read_pages(datasets / f"{name}.jsonl.gz", split):
            for rendering in RENDERINGS:
                doc = label_page(page, rendering)
                model = load_model(None, "html" if rendering == "html" else "text")
                (proba,) = model.predict_proba([doc.lines], [doc.markup])
                (labels,) = model.predict([doc.lines], markups=[doc.markup])
                key = f"{page.id}|{rendering}"
                out[key + "|lines"] = np.array([digest(doc.lines), digest(doc.labels),
                                                digest(labels)])
                out[key + "|proba"] = proba
                input_format = {"html": "html", "markdown": "markdown"}.get(rendering, "text")
                source = page.html if rendering == "html" else "\n".join(doc.lines)
                api = boilerstrip.classify(source, input_format=input_format)
                out[key + "|api"] = np.array([np.nan if l.probability is None else l.probability
                                              for l in api])
                out[key + "|api_labels"] = np.array([digest([l.label for l in api]),
                                                     digest([l.text for l in api])])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args()
    now = snapshot(args.datasets)
    if args.save:
        np.savez_compressed(args.save, **now)
        print(f"saved {len(now) // 4} documents to {args.save}")
        return 0
    before = dict(np.load(args.compare))
    changed = sorted(k for k in before.keys() | now.keys()
                     if k not in before or k not in now
                     or not np.array_equal(before[k], now[k], equal_nan=before[k].dtype.kind == "f"))
    print(f"{len(now) // 4} documents compared with {args.compare}: {len(changed)} arrays differ")
    for key in changed[:20]:
        print("  changed:", key)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
