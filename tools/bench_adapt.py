"""`make adapt-bench`: what a few labeled pages of one's own site buy (`train --base`).

The left-out sites are the nine sites of msv-big9 and the ten daniel sites with the most
pages.  Two base models are trained as `make model` trains the shipped ones (text and HTML),
except that these sites are left out (`train --exclude-site`); they are cached in --work.
Then for each site and each base, the site's pages (those whose gold text is in the page) are
shuffled with a seed; the first ten are the pool that labeled pages are drawn from, and the
rest are scored, always the same ones:
- zero-shot: the base model;
- site memory: the base model with the memory of the site's other pages, all unlabeled (its
  memory stage, as `predict --site-memory` runs it on a crawl of the site);
- adapted with 1, 3, 5 and 10 labeled pages of the site (`train --base`, the pages written
  as `data build` writes them), with the seconds each adaptation took;
- what the adapted model (5 pages) loses elsewhere: kept-text F1 on the held-out (test) sites
  of daniel and wceb2026, against its base; and the share of the site's scored pages it
  takes as the site's (those get the added trees and the line memory): every page does, as
  every page here is named with its site, which the labeled pages are too;
- the ceiling: the F1 of the gold alignment's own labels (keep the lines it labels body),
  what a perfect line labeler gets on these pages.
Kept-text F1 is the AEB method, as `boilerstrip eval` computes it.  aeb is never used.
Run as ``python tools/bench_adapt.py`` (a tool, not part of the installed package).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from boilerstrip.evaluation import evaluate_documents
from boilerstrip.features import FEATURE_SETS
from boilerstrip.features.memory import MEMORY_NAMES
from boilerstrip.evaluation.metrics import aeb_metrics, shingle_match
from boilerstrip.evaluation.evaluate import site_memory_of
from boilerstrip.model.classifier import CONTEXT_SETS
from boilerstrip.model.file import load_model_file, read_model_document
from boilerstrip.training import TrainingOptions, train
from boilerstrip.training.corpus import label_page, passes_gold_gate, read_pages, write_labeled_page

ROOT = Path(__file__).resolve().parent.parent
TRAIN_SETS = ("wceb2026", "daniel", "msv-big9", "zh-news")
ALL_TEXT = ("scraper", "flat", "markdown", "html-text", "beautifulsoup", "resiliparse",
            "resiliparse-nobullets", "w3m", "lynx", "html2text", "markdownify")
# The shipped models' recipes (Makefile, `make model`), by the rendering each base reads.
RECIPES = {
    "text": dict(renderings=ALL_TEXT, renderings_per_page=3, feature_set=3, threshold=0.5),
    "html": dict(renderings=("html",), feature_set=1, crop=0.0),
}
SHOTS = (1, 3, 5, 10)
POOL = 10
OTHER_PAGES = 150  # held-out pages per dataset for the "loses elsewhere" check


def left_out_sites(datasets: Path) -> dict[str, str]:
    """Each left-out site and its dataset: every msv-big9 site, daniel's ten biggest."""
    sites = {page.site: "msv-big9" for page in read_pages(datasets / "msv-big9.jsonl.gz")}
    daniel = Counter(page.site for page in read_pages(datasets / "daniel.jsonl.gz"))
    sites.update({site: "daniel" for site, _ in daniel.most_common(10)})
    return sites


def off_recipe(document: dict, kind: str) -> str:
    """How a model file's training differs from RECIPES[kind] ("" if it does not)."""
    recipe = RECIPES[kind]
    if tuple(document["training"]["renderings"]) != tuple(recipe["renderings"]):
        return "it learnt other renderings"
    features = tuple(document["params"]["features"])
    if (features != FEATURE_SETS[recipe["feature_set"]]
            or tuple(document["feature_names"][len(features):]) != CONTEXT_SETS[recipe["feature_set"]]):
        return "its features are not this code's"
    return ""


def stale(path: Path, kind: str, sites: dict[str, str]) -> str:
    """Why a cached base model is not what RECIPES and this code would train now ("" if it is):
    a base from older code or another recipe would make every column wrong."""
    if not path.exists():
        return "not trained yet"
    document = read_model_document(path)
    if document["training"].get("excluded_sites") != sorted(sites):
        return "it leaves out other sites"
    if why := off_recipe(document, kind):
        return why
    if tuple(document.get("memory_feature_names") or ()) != MEMORY_NAMES:
        return "it has no memory stage, or another one"
    return ""


def base_model(kind: str, work: Path, datasets: Path, sites: dict[str, str]) -> Path:
    path = work / f"base-{kind}.json.gz"
    if why := stale(path, kind, sites):
        print(f"training {path}: {why}", flush=True)
        started = time.perf_counter()
        options = TrainingOptions(split="train", seed=0, labeled_weight=50.0,
                                  exclude_sites=frozenset(sites), **RECIPES[kind])
        train([datasets / f"{name}.jsonl.gz" for name in TRAIN_SETS] + [ROOT / "data" / "labeled"],
              path, options)
        print(f"trained {path} in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def f1(model_path: Path, documents: list, memory=None) -> float:
    model = load_model_file(model_path)
    report = evaluate_documents(model, documents, baselines=(), memory=memory).report()
    return report["all"]["kept_text"]["boilerstrip"]["f1"]


def ceiling(documents: list) -> float:
    """Kept-text F1 of keeping exactly the lines the gold alignment labels body."""
    return aeb_metrics([shingle_match(gold, "\n".join(
        line for line, label in zip(doc.lines, doc.labels) if label == "body"))
        for doc, gold in documents])["f1"]


def site_pages(datasets: Path, dataset: str, site: str, rendering: str) -> list:
    pages = [p for p in read_pages(datasets / f"{dataset}.jsonl.gz") if p.site == site]
    labeled = [(page, label_page(page, rendering)) for page in pages]
    kept = [(page, doc) for page, doc in labeled if passes_gold_gate(doc)]
    random.Random(f"adapt-bench:{site}").shuffle(kept)
    return kept


def held_out_documents(datasets: Path, rendering: str) -> list:
    documents = []
    for name in ("daniel", "wceb2026"):
        pages = list(read_pages(datasets / f"{name}.jsonl.gz", "test"))[:OTHER_PAGES]
        documents += [(label_page(page, rendering), page.main_text) for page in pages]
    return documents


def adapt(base: Path, pool: list, shots: int, folder: Path) -> tuple[Path, float]:
    pages = folder / f"pages-{shots}"
    for page, _ in pool[:shots]:
        write_labeled_page(page, rendering_of(base), pages)
    output = folder / f"adapted-{shots}.json.gz"
    started = time.perf_counter()
    train([pages], output, TrainingOptions(split=None, base=base))
    return output, time.perf_counter() - started


def rendering_of(model: Path) -> str:
    return load_model_file(model).metadata_["training"]["renderings"][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "adapt-bench")
    parser.add_argument("--kinds", nargs="+", default=["html", "text"], choices=sorted(RECIPES))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sites = left_out_sites(args.datasets)
    results: dict = {}
    for kind in args.kinds:
        base = base_model(kind, args.work, args.datasets, sites)
        rendering = rendering_of(base)
        elsewhere = held_out_documents(args.datasets, rendering)
        base_elsewhere = f1(base, elsewhere)
        rows = results[kind] = []
        for site, dataset in sites.items():
            pages = site_pages(args.datasets, dataset, site, rendering)
            pool, scored = pages[:POOL], [(doc, page.main_text) for page, doc in pages[POOL:]]
            memory = site_memory_of([(doc, None) for _, doc in pages])
            row = {"site": site, "dataset": dataset, "scored_pages": len(scored),
                   "zero_shot": f1(base, scored), "memory": f1(base, scored, memory),
                   "ceiling": ceiling(scored)}
            with tempfile.TemporaryDirectory() as folder:
                for shots in SHOTS:
                    model, seconds = adapt(base, pool, shots, Path(folder))
                    row[f"adapted_{shots}"] = f1(model, scored)
                    row[f"seconds_{shots}"] = seconds
                    if shots == 5:
                        row["elsewhere_loss_5"] = base_elsewhere - f1(model, elsewhere)
                        site = load_model_file(model).site_
                        row["recognised_5"] = np.mean([site.recognises(d.lines, d.meta["site"])
                                                       for d, _ in scored])
                        row["recognised_elsewhere_5"] = int(sum(
                            site.recognises(d.lines, d.meta["site"]) for d, _ in elsewhere))
            rows.append(row)
            print(kind, json.dumps(row), flush=True)
        print_table(kind, rows, base_elsewhere)
    (args.work / "results.json").write_text(json.dumps(results, indent=1))


def print_table(kind: str, rows: list[dict], base_elsewhere: float) -> None:
    print(f"\n{kind}: kept-text F1 on each left-out site's scored pages")
    print("| site | dataset | scored pages | zero-shot | site memory | " +
          " | ".join(f"{k} page{'s' * (k > 1)}" for k in SHOTS)
          + " | ceiling | recognised (5) | loss elsewhere (5) |")
    print("|---|---|---:|---:|---:|" + "---:|" * len(SHOTS) + "---:|---:|---:|")
    for row in rows:
        print(f"| {row['site']} | {row['dataset']} | {row['scored_pages']} | {row['zero_shot']:.3f} | "
              f"{row['memory']:.3f} | "
              + " | ".join(f"{row[f'adapted_{k}']:.3f}" for k in SHOTS)
              + f" | {row['ceiling']:.3f} | {row['recognised_5']:.0%} | "
              f"{row['elsewhere_loss_5']:+.4f} |")
    mean = {key: np.mean([row[key] for row in rows]) for key in
            ["zero_shot", "memory", *(f"adapted_{k}" for k in SHOTS), "ceiling",
             "elsewhere_loss_5"]}
    print(f"| mean | | | {mean['zero_shot']:.3f} | {mean['memory']:.3f} | "
          + " | ".join(f"{mean[f'adapted_{k}']:.3f}" for k in SHOTS)
          + f" | {mean['ceiling']:.3f} | | {mean['elsewhere_loss_5']:+.4f} |")
    gap0 = 1 - mean["zero_shot"]
    gap5 = 1 - mean["adapted_5"]
    worst = min(row["adapted_5"] - row["zero_shot"] for row in rows)
    seconds = max(row[f"seconds_{k}"] for row in rows for k in SHOTS)
    reach0, reach5 = mean["ceiling"] - mean["zero_shot"], mean["ceiling"] - mean["adapted_5"]
    print(f"gap to 1.0: zero-shot {gap0:.4f}, 5 pages {gap5:.4f} ({gap5 / gap0:.2f} of it); "
          f"gap to the ceiling: zero-shot {reach0:.4f}, 5 pages {reach5:.4f} "
          f"({reach5 / reach0:.2f} of it); "
          f"worst site change with 5 pages {worst:+.4f}; held-out elsewhere: base "
          f"{base_elsewhere:.4f}, largest loss {max(r['elsewhere_loss_5'] for r in rows):+.4f}, "
          f"pages taken for the site's {sum(r['recognised_elsewhere_5'] for r in rows)} of "
          f"{len(rows)} x {2 * OTHER_PAGES}; "
          f"slowest adaptation {seconds:.1f} s")


if __name__ == "__main__":
    main()
