"""`make adapt-sweep`: choose the adaptation's settings on sites the adapt-bench never scores.

The dev sites are daniel's sites with 12 or more pages that are not left-out sites of the
adapt-bench (`bench_adapt.left_out_sites`).  A base is trained as `make model` trains the
shipped text model (``--kind text``, pages in our scraper text) or HTML model (``--kind html``,
pages in the html rendering), without those sites and without a memory stage (adapting does
not use it); it is cached in --work.  For each site and each of --draws shuffles of its pages, the
first 5 pages are labeled (`data build` labels, from the gold text) and the base adapted to
them with each setting; the site's other pages are scored.  A setting's line gives the share
of the mean gap to 1.0 that is left (0.5: halved), the mean gain and the worst draw.

A setting is JSON: fields of ``TrainingOptions`` (``adapt_rounds``, ``adapt_learning_rate``,
``adapt_leaves``, ``adapt_reg_lambda``, ``adapt_added_weight``), ``"lightgbm": {...}`` for LightGBM parameters of the
added rounds (say ``{"bagging_fraction": 1.0}``), and ``"stage_two_only": true`` to keep the
base's stage one as it is.  Run as ``python tools/sweep_adapt.py`` (every setting of SETTINGS,
about 25 minutes after the base) or ``python tools/sweep_adapt.py '{}' '{"adapt_rounds": 40}'``.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np
from bench_adapt import RECIPES, ROOT, TRAIN_SETS, f1, left_out_sites, off_recipe

from boilerstrip.model.classifier import LineClassifier
from boilerstrip.model.file import read_model_document
from boilerstrip.training import TrainingOptions, train
from boilerstrip.training.corpus import label_page, passes_gold_gate, read_pages, write_labeled_page

SHOTS = 5
MIN_PAGES = 12
# The settings tried for the README's "Settings" line: the shipped ones ({}), then one change each.
SETTINGS = ('{}', '{"adapt_rounds": 40}', '{"adapt_rounds": 160}', '{"adapt_learning_rate": 0.1}',
            '{"adapt_leaves": 7}', '{"adapt_leaves": 31}', '{"adapt_reg_lambda": 1.0}',
            '{"adapt_reg_lambda": 50.0}', '{"lightgbm": {"min_data_in_leaf": 20}}',
            '{"lightgbm": {"min_data_in_leaf": 50}}', '{"lightgbm": {"min_data_in_leaf": 120}}',
            '{"lightgbm": {"bagging_fraction": 1.0, "feature_fraction": 1.0}}',
            '{"stage_two_only": true}', '{"stage_two_only": true, "adapt_rounds": 160}')


def dev_sites(datasets: Path) -> list[str]:
    """daniel's sites with MIN_PAGES pages or more, the adapt-bench's left out."""
    bench = left_out_sites(datasets)
    counts = Counter(page.site for page in read_pages(datasets / "daniel.jsonl.gz"))
    return [site for site, n in counts.most_common() if n >= MIN_PAGES and site not in bench]


def dev_base(work: Path, datasets: Path, sites: list[str], kind: str = "text") -> Path:
    """The base without the dev sites (trained once, then reused while it leaves out the
    same sites and follows the shipped recipe of its kind)."""
    path = work / f"base-{kind}.json.gz"
    if path.exists():
        document = read_model_document(path)
        if document["training"].get("excluded_sites") == sorted(sites) and not off_recipe(document, kind):
            return path
    started = time.perf_counter()
    train([datasets / f"{name}.jsonl.gz" for name in TRAIN_SETS] + [ROOT / "data" / "labeled"],
          path, TrainingOptions(split="train", seed=0, labeled_weight=50.0, site_memory=False,
                                exclude_sites=frozenset(sites), **RECIPES[kind]))
    print(f"trained {path} in {time.perf_counter() - started:.0f} s", flush=True)
    return path


@contextmanager
def lightgbm_settings(setting: dict[str, Any]) -> Iterator[None]:
    """The setting's LightGBM parameters and stage-two-only choice, for the fits inside."""
    params, train_stage = LineClassifier._lgb_params, LineClassifier._train
    overrides = setting.get("lightgbm", {})

    def patched_params(self: LineClassifier, binary: bool) -> dict[str, Any]:
        return {**params(self, binary), **overrides}

    def patched_train(self: LineClassifier, X, y, names, weight, binary=False, init=None):
        if setting.get("stage_two_only") and binary and init is not None:
            return init  # stage one stays the base's (its out-of-fold rows too)
        return train_stage(self, X, y, names, weight, binary, init)

    LineClassifier._lgb_params, LineClassifier._train = patched_params, patched_train
    try:
        yield
    finally:
        LineClassifier._lgb_params, LineClassifier._train = params, train_stage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("settings", nargs="*", default=list(SETTINGS),
                        help="JSON settings (see above; default: SETTINGS)")
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "adapt-sweep")
    parser.add_argument("--draws", type=int, default=2)
    parser.add_argument("--kind", choices=("text", "html"), default="text",
                        help="adapt the text base (scraper text) or the HTML base (default text)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sites = dev_sites(args.datasets)
    base = dev_base(args.work, args.datasets, sites, args.kind)
    rendering = "scraper" if args.kind == "text" else "html"
    pages = {}
    for page in read_pages(args.datasets / "daniel.jsonl.gz"):
        if page.site in sites and passes_gold_gate(doc := label_page(page, rendering)):
            pages.setdefault(page.site, []).append((page, doc))
    runs = {}
    for site, found in pages.items():
        for draw in range(args.draws):
            shuffled = list(found)
            random.Random(f"dev:{site}:{draw}").shuffle(shuffled)
            runs[site, draw] = (shuffled[:SHOTS], [(doc, p.main_text) for p, doc in shuffled[SHOTS:]])
    zero = {key: f1(base, scored) for key, (_, scored) in runs.items()}
    print(f"{len(sites)} sites, {args.draws} draws: zero-shot {np.mean(list(zero.values())):.4f}")
    for text in args.settings:
        setting = json.loads(text)
        options = {k: v for k, v in setting.items() if k not in ("lightgbm", "stage_two_only")}
        scores = {}
        with tempfile.TemporaryDirectory() as folder, lightgbm_settings(setting):
            for (site, draw), (labeled, scored) in runs.items():
                where = Path(folder) / f"{site}-{draw}"
                for page, _ in labeled:
                    write_labeled_page(page, rendering, where)
                model = where.with_suffix(".json.gz")
                train([where], model, TrainingOptions(split=None, base=base, **options))
                scores[site, draw] = f1(model, scored)
        gains = [scores[key] - zero[key] for key in runs]
        left = (1 - np.mean(list(scores.values()))) / (1 - np.mean(list(zero.values())))
        print(f"{text}: gap left {left:.3f}, mean gain {np.mean(gains):+.4f}, "
              f"worst draw {min(gains):+.4f}", flush=True)


if __name__ == "__main__":
    main()
