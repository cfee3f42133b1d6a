"""The features and decisions of 173 real pages, frozen: what a port of the features to
compiled code (or any change meant to change nothing) must reproduce.

Pages of aeb, the held-out sites of daniel (English, Russian, Chinese, Polish, Greek) and
wceb2026, and zh-news, each as our scraper text, its Markdown, its HTML and its scraper text
hard-wrapped at 76 columns.  A document is frozen as a fingerprint of its feature matrix
(four weighted sums over every value: any change to a value moves them) and as every line's
label under the shipped model.  Per rendering, each column's sum and missing count are frozen
too, so a failure names the features that moved.  No page text is stored.

    python tests/test_frozen_features.py --write   # after a change meant to change features
"""

from __future__ import annotations

import argparse
import gzip
import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

from boilerstrip.features import FEATURE_NAMES, document_features
from boilerstrip.model.shipped import load_model
from boilerstrip.rendering.html import render_page
from boilerstrip.training.corpus import read_pages

FROZEN = Path(__file__).resolve().parents[1] / "data" / "frozen" / "features.json.gz"
PAGES = (("aeb", None, {"en": 40}), ("wceb2026", "test", {"en": 40}), ("zh-news", "test", {"zh": 11}),
         ("daniel", "test", {"en": 20, "ru": 20, "zh": 20, "pl": 20, "el": 2}))
RENDERINGS = ("scraper", "markdown", "html", "wrapped")
_MISSING = -3.25  # stands in for NaN in the sums
_LABEL_CODE = {"body": "b", "title": "t", "boilerplate": "x", None: "-"}


def _weights() -> np.ndarray:
    return np.random.default_rng(20261203).uniform(0.5, 1.5, size=(4, 257, len(FEATURE_NAMES)))


def documents(datasets: Path):
    """(key, rendering, lines, markup) of every frozen document, in a fixed order."""
    for name, split, quota in PAGES:
        wanted = dict(quota)
        for page in read_pages(datasets / f"{name}.jsonl.gz", split):
            if not wanted.get(page.lang):
                continue
            wanted[page.lang] -= 1
            rendered = render_page(page.html)
            for rendering in RENDERINGS:
                if rendering == "wrapped":
                    lines = [part for line in rendered.lines
                             for part in (textwrap.wrap(line, 76) or [""])]
                    markup = None
                else:
                    document = rendered.document(rendering)
                    lines, markup = document.lines, document.markup
                yield f"{name}/{page.id}|{rendering}", rendering, lines, markup
            if not any(wanted.values()):
                break


def freeze(datasets: Path) -> dict:
    """Every frozen document's fingerprint and labels, and each rendering's column sums."""
    weights = _weights()
    models = {"text": load_model(None, "text"), "html": load_model(None, "html")}
    out: dict = {"features": list(FEATURE_NAMES), "documents": {}, "columns": {}}
    for key, rendering, lines, markup in documents(datasets):
        X, _ = document_features(lines, markup)
        filled = np.where(np.isnan(X), _MISSING, X)
        position = np.arange(len(X)) % weights.shape[1]
        fingerprint = [float((filled * w[position]).sum()) for w in weights]
        model = models["html" if rendering == "html" else "text"]
        (labels,) = model.predict([lines], markups=None if markup is None else [markup])
        out["documents"][key] = {"lines": len(lines), "fingerprint": fingerprint,
                                 "labels": "".join(_LABEL_CODE[label] for label in labels)}
        column = out["columns"].setdefault(rendering, {"sum": np.zeros(X.shape[1]),
                                                       "missing": np.zeros(X.shape[1])})
        column["sum"] += filled.sum(axis=0)
        column["missing"] += np.isnan(X).sum(axis=0)
    for column in out["columns"].values():
        column["sum"], column["missing"] = column["sum"].tolist(), column["missing"].tolist()
    return out


@pytest.fixture(scope="module")
def frozen_and_now(datasets):
    if not FROZEN.exists():
        pytest.fail(f"{FROZEN} is missing: python tests/test_frozen_features.py --write")
    return json.loads(gzip.decompress(FROZEN.read_bytes())), freeze(datasets)


def test_the_features_are_the_frozen_ones(frozen_and_now):
    frozen, now = frozen_and_now
    assert now["features"] == frozen["features"], "the feature list changed: --write, if meant"
    assert now["documents"].keys() == frozen["documents"].keys()
    assert len(frozen["documents"]) == 173 * len(RENDERINGS)
    moved = []
    for rendering, column in frozen["columns"].items():
        sums, missing = np.array(column["sum"]), np.array(column["missing"])
        here = now["columns"][rendering]
        changed = ~np.isclose(np.array(here["sum"]), sums, rtol=1e-9, atol=1e-9) | (
            np.array(here["missing"]) != missing)
        moved += [f"{rendering}: {frozen['features'][i]}" for i in np.flatnonzero(changed)]
    assert not moved, f"features that moved: {moved[:20]}"
    for key, document in frozen["documents"].items():
        assert now["documents"][key]["lines"] == document["lines"], key
        np.testing.assert_allclose(now["documents"][key]["fingerprint"], document["fingerprint"],
                                   rtol=1e-9, atol=1e-9, err_msg=key)


def test_every_line_keeps_its_frozen_label(frozen_and_now):
    frozen, now = frozen_and_now
    changed = [key for key, document in frozen["documents"].items()
               if now["documents"][key]["labels"] != document["labels"]]
    assert not changed, f"{len(changed)} documents' labels changed, e.g. {changed[:5]}"
    assert sum(document["labels"].count("b") for document in frozen["documents"].values()) > 10_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path(__file__).resolve().parents[2]
                        / "shared" / "datasets")
    parser.add_argument("--write", action="store_true", required=True)
    args = parser.parse_args()
    FROZEN.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(freeze(args.datasets), separators=(",", ":")).encode()
    FROZEN.write_bytes(gzip.compress(payload, mtime=0))
    print(f"froze {FROZEN}: {len(payload) / 1e3:.0f} kB of JSON, "
          f"{FROZEN.stat().st_size / 1e3:.0f} kB on disk")


if __name__ == "__main__":
    main()
