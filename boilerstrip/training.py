"""Training: labeled sources in, a saved model and its model card out."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from boilerstrip.atomic import write_atomic
from boilerstrip.augment import augment_documents, crop_documents
from boilerstrip.corpus import (EVALUATION_ONLY, MIN_GOLD_COVERAGE, dataset_name, iter_documents,
                                passes_gold_gate, site_bucket)
from boilerstrip.errors import InputError, LabeledDataError
from boilerstrip.evaluate import evaluate_documents, threshold_scores
from boilerstrip.labeled import LABELS, LabeledDocument
from boilerstrip.model import LineClassifier, documents_to_matrix, library_versions, save_model
from boilerstrip.render import RenderStyle


# Cuts on P(content) tried when the threshold is chosen on validation sites.
THRESHOLD_GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))
VALIDATION_SHARE_PERCENT = 20
MIN_VALIDATION_DOCUMENTS = 20


def refuse_evaluation_only(sources: Sequence[Path]) -> None:
    for source in sources:
        if dataset_name(source) in EVALUATION_ONLY:
            raise InputError(f"{source}: {dataset_name(source)} is for evaluation only; "
                             "training on it would void the benchmark")


def is_hand_labeled(doc: LabeledDocument) -> bool:
    """Labeled by a person: documents labeled from gold text record its coverage."""
    return "gold_coverage" not in doc.meta


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def collect(sources: Sequence[Path], split: str | None, styles: Sequence[RenderStyle],
            page_types: Collection[str] | None = None) -> list[LabeledDocument]:
    """Every document of the sources, once per render style for page datasets, less the pages
    whose gold text is mostly missing from the page (their labels would all be wrong)."""
    documents: list[LabeledDocument] = []
    for style in styles:
        pages_only = [s for s in sources if s.name.endswith((".jsonl", ".jsonl.gz"))]
        chosen = sources if style == styles[0] else pages_only
        documents.extend(doc for doc, _ in iter_documents(chosen, split, style, page_types)
                         if passes_gold_gate(doc))
    return documents


def validation_mask(documents: Sequence[LabeledDocument]) -> np.ndarray:
    """A fixed fifth of the training sites (of the documents, where they name no site): every
    rendering of a page and every page of a site fall on the same side."""
    keys = [d.meta.get("site") or d.meta.get("id") or str(i) for i, d in enumerate(documents)]
    return np.array([site_bucket(key, "validation:") < VALIDATION_SHARE_PERCENT for key in keys],
                    dtype=bool)


def choose_threshold(documents: Sequence[LabeledDocument], unaltered: Sequence[LabeledDocument],
                     X: np.ndarray, y: np.ndarray, rows: Sequence[np.ndarray],
                     groups: Sequence[object], weight: np.ndarray, n_estimators: int, seed: int
                     ) -> dict[str, Any]:
    """Fit on four fifths of the training sites, then take the cut on P(content) whose kept
    text scores best on the fifth left out.  The kept-text metric weighs long paragraphs,
    so its best cut is not the 0.5 that is best line by line.

    ``documents`` are the training documents as augmented and cropped (``X``, ``y``,
    ``rows`` are theirs); ``unaltered`` the same documents before, one for one: the cut is
    scored on those, as the pages come.  Returns the choice and the F1 of each cut tried;
    with too few validation documents (a few hand-labeled pages), the default cut stays and
    the reason is recorded."""
    held = validation_mask(documents)
    sizes = np.array([len(r) for r in rows])
    held_lines = np.repeat(held, sizes)
    default = LineClassifier().threshold
    if held.sum() < MIN_VALIDATION_DOCUMENTS or len(np.unique(y[~held_lines] > 0)) < 2:
        return {"threshold": default, "method": f"default: fewer than {MIN_VALIDATION_DOCUMENTS} "
                "validation documents, or one class left to fit on"}
    model = LineClassifier(n_estimators=n_estimators, random_state=seed).fit_matrix(
        X[~held_lines], y[~held_lines], sizes[~held],
        [g for g, h in zip(groups, held) if not h], weight[~held_lines])
    validation = [d for d, h in zip(unaltered, held) if h]
    X_held, _, rows_held = documents_to_matrix([d.lines for d in validation], None,
                                               [d.markup for d in validation])
    proba = model.predict_proba_matrix(X_held, [len(r) for r in rows_held])
    scores = threshold_scores(model, validation, rows_held,
                              np.split(proba, np.cumsum([len(r) for r in rows_held])[:-1]),
                              THRESHOLD_GRID)
    best = max(scores, key=scores.__getitem__)
    return {"threshold": best, "method": "validation", "validation_documents": int(held.sum()),
            "f1_by_threshold": {f"{t:.2f}": round(f, 4) for t, f in scores.items()}}


def data_summary(sources: Sequence[Path], documents: Sequence[LabeledDocument],
                 split: str | None, styles: Sequence[str],
                 page_types: Collection[str] | None) -> dict[str, Any]:
    per_dataset: dict[str, dict[str, Any]] = defaultdict(lambda: {"documents": 0, "lines": 0})
    sites: dict[str, set] = defaultdict(set)
    labels: Counter = Counter()
    for doc in documents:
        name = doc.meta.get("dataset", "labeled")
        per_dataset[name]["documents"] += 1
        per_dataset[name]["lines"] += sum(label is not None for label in doc.labels)
        sites[name].add(doc.meta.get("site", ""))
        labels.update(label for label in doc.labels if label)
    for name, stats in per_dataset.items():
        stats["sites"] = len(sites[name])
    return {
        "sources": [{"path": str(s), "sha256": file_digest(s)} if s.is_file() else {"path": str(s)}
                    for s in sources],
        "split": split or "all", "render_styles": list(styles),
        "page_types": sorted(page_types) if page_types else "all",
        "datasets": dict(per_dataset), "labels": dict(labels),
    }


def train(sources: Sequence[Path], output: Path, split: str | None = "train",
          styles: Sequence[RenderStyle] = ("scraper", "flat", "html", "markdown"), seed: int = 0,
          n_estimators: int = 250, augment: float = 0.3,
          page_types: Collection[str] | None = None, hand_labeled_weight: float = 1.0,
          crop: float = 0.2, threshold: float | None = None) -> dict[str, Any]:
    """Fit a model on ``sources`` and save it with a model card; returns the saved metadata.

    ``threshold`` is the model's cut on P(content); None chooses it on a fifth of the
    training sites (``choose_threshold``), then fits on all of them.

    ``augment`` is the share of documents that get one inserted in-article boilerplate block;
    ``crop`` the share of text documents cut to end with their article.
    ``hand_labeled_weight`` weighs the lines of hand-labeled files (labeled-lines files not
    built from gold text) against the many more lines labeled from page datasets.
    """
    refuse_evaluation_only(sources)
    unaltered = collect(sources, split, styles, page_types)
    documents = crop_documents(augment_documents(unaltered, augment, seed), crop, seed + 1)
    if not documents:
        raise LabeledDataError("no training documents found in " + ", ".join(map(str, sources)))
    X, y, rows = documents_to_matrix([d.lines for d in documents], [d.labels for d in documents],
                                     [d.markup for d in documents])
    if len(np.unique(y)) < 2:
        only = f"every labeled line is '{LABELS[int(y[0])]}'" if len(y) else "no labeled line"
        raise LabeledDataError(f"{', '.join(map(str, sources))}: {only}; training needs both body "
                               "and boilerplate lines")
    groups = [d.meta.get("id") or i for i, d in enumerate(documents)]
    weight = np.repeat([hand_labeled_weight if is_hand_labeled(d) else 1.0 for d in documents],
                       [len(r) for r in rows])
    choice = ({"threshold": threshold, "method": "given"} if threshold is not None else
              choose_threshold(documents, unaltered, X, y, rows, groups, weight, n_estimators,
                               seed))
    model = LineClassifier(n_estimators=n_estimators, random_state=seed,
                           threshold=choice["threshold"]).fit_matrix(
        X, y, [len(r) for r in rows], groups, weight)
    metadata = {
        "metrics": held_out_metrics(model, sources, split, page_types, styles[0]),
        "trained_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
        "augment": augment,
        "crop": crop,
        "hand_labeled_weight": hand_labeled_weight,
        "threshold": model.threshold,
        "threshold_choice": choice,
        "training": data_summary(sources, documents, split, styles, page_types),
    }
    save_model(model, output, metadata)
    write_atomic(card_path(output), model_card(output, metadata).encode("utf-8"))
    return metadata


def held_out_metrics(model: LineClassifier, sources: Sequence[Path], split: str | None,
                     page_types: Collection[str] | None, style: RenderStyle) -> dict[str, float]:
    """Kept-text F1 on the test sites of the page datasets trained on their train sites,
    rendered in ``style`` (the first the model learnt from)."""
    pages = [s for s in sources if s.name.endswith((".jsonl", ".jsonl.gz"))]
    if split != "train" or not pages:
        return {}
    report = evaluate_documents(model, iter_documents(pages, "test", style, page_types),
                                baselines=()).report()
    return {f"{group} (test sites)": scores["kept_text"]["boilerstrip"]["f1"]
            for group, scores in report.items()}


def card_path(model_path: Path) -> Path:
    name = model_path.name
    for suffix in (".json.gz", ".json"):
        name = name.removesuffix(suffix)
    return model_path.with_name(name + ".md")


def threshold_origin(choice: dict[str, Any]) -> str:
    """How the model's threshold was set, for its card."""
    method = choice.get("method", "default")
    if method == "given":
        return "given with `--threshold`."
    if method != "validation":
        return f"the {method}."
    scores = ", ".join(f"{t} {f:.3f}" for t, f in choice["f1_by_threshold"].items())
    return (f"chosen on a fifth of the training sites held out for it "
            f"({choice['validation_documents']} documents; kept-text F1 by threshold: {scores}); "
            "the model was then fit on all of them.")


def model_card(model_path: Path, metadata: dict[str, Any]) -> str:
    training = metadata["training"]
    rows = "\n".join(f"| {name} | {s['documents']} | {s['sites']} | {s['lines']} |"
                     for name, s in sorted(training["datasets"].items()))
    sources = "\n".join(f"- `{s['path']}`" + (f" sha256 `{s['sha256'][:16]}…`" if "sha256" in s else "")
                        for s in training["sources"])
    versions = ", ".join(f"{k} {v}" for k, v in library_versions().items())
    metrics = metadata.get("metrics") or {}
    metric_lines = "\n".join(f"| {k} | {v:.3f} |" for k, v in sorted(metrics.items())) or "| (none) | |"
    styles = training["render_styles"]
    serves = ("HTML" if styles == ["html"] else "text and Markdown" if "html" not in styles
              else "text, Markdown and HTML")
    return f"""# Model card: {model_path.name}

A LightGBM line classifier (labels: boilerplate, body, title) for boilerstrip, for {serves} input.
Trained {metadata['trained_at']} with seed {metadata.get('seed', 0)}; threshold on P(content) {metadata['threshold']},
{threshold_origin(metadata.get('threshold_choice') or {})}

## Training data
Site split `{training['split']}` (a fixed hash of the site name puts a fifth of sites in `test`,
never trained on); pages rendered in styles {', '.join(training['render_styles'])}.
Labels come from aligning each line with the page's gold main text (`boilerstrip data build`);
pages where less than {MIN_GOLD_COVERAGE} of the gold text is found in the page are left out.
Page types learnt from: {training['page_types']}.
A share of {metadata.get('augment', 0)} of documents got one in-article boilerplate block (an
embedded social post or a "read also" line) inserted between paragraphs, and a share of
{metadata.get('crop', 0)} of text documents were cut to end with their last body line, as text
saved from an article region does (`boilerstrip/augment.py`).
Each line of a hand-labeled file (the `examples` rows below) weighs {metadata.get('hand_labeled_weight', 1.0)}
times a line labeled from gold text.

| dataset | documents | sites | labeled lines |
|---|---|---|---|
{rows}

Sources (data versions):
{sources}

Never trained or tuned on: the Article Extraction Benchmark (aeb), kept for evaluation.

## Held-out metrics (kept-text F1, 4-gram shingles, pages rendered {training['render_styles'][0]})
| evaluation | F1 |
|---|---|
{metric_lines}

## Versions
{versions}

## Limits
Learnt from news, blogs and 2026 web pages in English, Chinese, Russian, Greek and Polish;
other languages and scripts rely on language-independent features (length, punctuation,
position, script mix, link and time patterns).  Retrain on your own labeled sites for best results.
"""
