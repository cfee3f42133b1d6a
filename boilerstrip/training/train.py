"""Training: labeled sources in, a saved model and its model card out."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed

from boilerstrip.errors import LabeledDataError
from boilerstrip.evaluation import evaluate_documents, threshold_scores
from boilerstrip.features import FEATURE_SETS
from boilerstrip.features.memory import MEMORY_NAMES, MIN_PAGES, SiteMemory, page_lines
from boilerstrip.io.atomic import write_atomic
from boilerstrip.io.labeled import LABELS, LabeledDocument
from boilerstrip.model import LineClassifier, documents_to_matrix, save_model_file
from boilerstrip.model.classifier import CONTEXT_SETS, token_weights
from boilerstrip.model.file import load_model_file
from boilerstrip.model.site import SiteKnowledge
from boilerstrip.model.decoding import decode_document
from boilerstrip.rendering import RENDERINGS, Rendering
from boilerstrip.rendering.tools import renderer_versions, unavailable_renderers
from boilerstrip.training.augment import augment_documents, crop_documents
from boilerstrip.training.card import card_path, model_card
from boilerstrip.training.corpus import (Page, in_rendering, is_page_dataset, iter_documents,
                                         label_page, labeled_files, load_labeled, passes_gold_gate,
                                         read_pages, refuse_evaluation_only, site_bucket)

# Cuts on P(content) tried when the threshold is chosen on validation sites.
THRESHOLD_GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))
VALIDATION_SHARE_PERCENT = 20
MIN_VALIDATION_DOCUMENTS = 20
# Rounds added to each stage of a base model when adapting it to ADAPT_FULL_PAGES or more
# pages (fewer pages, fewer rounds: ``adapt_rounds``), their learning rate, leaves and L2
# penalty; chosen on held-out sites of the shipped models, never on the adapt-bench's.
ADAPT_ROUNDS = 80
ADAPT_FULL_PAGES = 5
ADAPT_LEARNING_RATE = 0.05
ADAPT_LEAVES = 15
ADAPT_REG_LAMBDA = 10.0
# A page of the site gets the log-probabilities of every round and of the base's rounds alone
# averaged, this weight on every round's (``SiteKnowledge.averaged``).  Chosen on the dev
# sites of tools/sweep_adapt.py with 5 labeled pages, with the region memory: 0.543, 0.529,
# 0.517, 0.514, 0.524 and 0.542 of the gap to 1.0 left at 0.3, 0.35, 0.4, 0.45, 0.5 and 0.6.
ADAPT_ADDED_WEIGHT = 0.45
# In training, each page's site memory holds MIN_PAGES to this many other pages of its site.
MEMORY_MAX_PAGES = 30


@dataclass(frozen=True)
class TrainingOptions:
    """How to train.  ``split`` is the site split of page datasets to learn from (None: all);
    ``renderings`` how their pages become lines (the first is also the held-out metrics').
    ``augment`` is the share of documents that get one inserted in-article boilerplate
    block, ``crop`` the share of text documents cut to end with their article.
    ``labeled_weight`` weighs each line of the labeled-lines files given (a user's own pages)
    against the many more lines labeled from page datasets.
    ``page_weight`` evens the pages out: each page's lines are scaled so that its total weight
    (log tokens a line, ``token_weights``) moves toward the mean page's, by the ratio raised
    to this power (0: a page weighs what its lines do; 1: every page weighs the same).
    ``threshold`` is the model's cut on P(content); None chooses it on a fifth of the
    training sites (``choose_threshold``), then fits on all of them.
    ``renderings_per_page`` gives each page of a dataset the first rendering and others drawn
    at random (seeded by the page), that many in all, instead of every rendering: many
    renderers at a bounded cost, and the first (our scraper's) always learnt.
    ``feature_set`` names the features learnt from (``features.FEATURE_SETS``).
    ``jobs`` is how many processes render and label pages (None: one per core).
    ``exclude_sites`` are sites of page datasets left out (to score a model on them later).
    ``base`` adapts that model instead of starting anew: ``adapt_rounds`` more rounds in each
    stage (None: ``adapt_rounds(pages)``), fitted to what the base gets wrong on the sources
    (``LineClassifier.fit_matrix``), for pages of the sources' site (``model.site``), whose
    probabilities average every round's and the base rounds' (``adapt_added_weight``).
    ``site_memory`` also fits the memory stage (``training_memory``)."""

    split: str | None = "train"
    renderings: tuple[Rendering, ...] = RENDERINGS
    seed: int = 0
    n_estimators: int = 250
    augment: float = 0.3
    crop: float = 0.2
    page_types: tuple[str, ...] | None = None
    labeled_weight: float = 1.0
    page_weight: float = 0.0
    threshold: float | None = None
    renderings_per_page: int | None = None
    feature_set: int = max(FEATURE_SETS)
    jobs: int | None = None
    base: Path | None = None
    exclude_sites: frozenset[str] = frozenset()
    adapt_rounds: int | None = None
    adapt_learning_rate: float = ADAPT_LEARNING_RATE
    adapt_leaves: int = ADAPT_LEAVES
    adapt_reg_lambda: float = ADAPT_REG_LAMBDA
    adapt_added_weight: float = ADAPT_ADDED_WEIGHT
    site_memory: bool = True


@dataclass
class TrainingSet:
    """Training documents as fitted (augmented and cropped) and as they came, one for one,
    with the features, labels, non-blank rows, page of each document and weight of each line."""

    documents: list[LabeledDocument]
    unaltered: list[LabeledDocument]
    X: np.ndarray
    y: np.ndarray
    rows: list[np.ndarray]
    groups: list[object]
    weight: np.ndarray

    @property
    def sizes(self) -> np.ndarray:
        return np.array([len(r) for r in self.rows])


LABELED_FILE = "labeled_file"  # meta key: the labeled-lines file a training document came from


def from_labeled_file(doc: LabeledDocument) -> bool:
    return LABELED_FILE in doc.meta


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def collect(sources: Sequence[Path], options: TrainingOptions) -> list[LabeledDocument]:
    """Every document of the sources, in each rendering for page datasets (or in the first
    rendering and a drawn few of the others), less the pages whose gold text is mostly missing
    from the page (their labels would all be wrong).  Labeled-lines files count once.
    Pages are rendered and labeled on ``options.jobs`` processes."""
    renderings, split = options.renderings, options.split
    missing = unavailable_renderers(renderings)
    if missing:
        raise LabeledDataError("cannot render pages as " + "; ".join(
            f"{name} ({reason})" for name, reason in missing.items()) +
            ": pip install 'boilerstrip[renderers]', apt install w3m lynx")
    if options.renderings_per_page is None:
        documents: list[LabeledDocument] = []
        for rendering in renderings:
            for source in sources:
                if is_page_dataset(source):
                    documents.extend(_label_pages(source, options, lambda _, r=rendering: [r]))
                elif rendering == renderings[0]:
                    documents.extend(labeled_documents([source], split, rendering))
        return documents
    documents = labeled_documents([s for s in sources if not is_page_dataset(s)], split,
                                  renderings[0])
    for source in filter(is_page_dataset, sources):
        documents.extend(_label_pages(source, options, lambda page: drawn_renderings(page, options)))
    return documents


def labeled_documents(sources: Sequence[Path], split: str | None, rendering: Rendering
                      ) -> list[LabeledDocument]:
    """The documents of labeled-lines files and folders (those of ``split``, or with none),
    each tagged with its file; a labeled HTML page (one that keeps its source) comes in
    ``rendering``, the one the model learns first."""
    documents = []
    for source in sources:
        for path in labeled_files(source):
            doc, _ = load_labeled(path)
            if split is not None and doc.meta.get("split", split) != split:
                continue
            doc = in_rendering(doc, path, rendering)
            if passes_gold_gate(doc):
                doc.meta[LABELED_FILE] = str(path)
                documents.append(doc)
    return documents


def drawn_renderings(page: Page, options: TrainingOptions) -> list[Rendering]:
    """The first rendering, and ``renderings_per_page - 1`` others drawn for this page (the
    draw is seeded by the page, so it is the same every run)."""
    first, *others = options.renderings
    count = min(options.renderings_per_page or len(options.renderings), len(options.renderings))
    return [first, *random.Random(f"{options.seed}:{page.id}").sample(others, count - 1)]


def _label_pages(source: Path, options: TrainingOptions,
                 renderings_of: Callable[[Page], list[Rendering]]) -> list[LabeledDocument]:
    pages = (page for page in read_pages(source, options.split, options.page_types)
             if page.site not in options.exclude_sites)
    labeled = Parallel(n_jobs=options.jobs or -1, batch_size=8)(
        delayed(_label_in_renderings)(page, renderings_of(page)) for page in pages)
    return [doc for docs in labeled for doc in docs]


def _label_in_renderings(page: Page, renderings: list[Rendering]) -> list[LabeledDocument]:
    return [doc for doc in (label_page(page, r) for r in renderings) if passes_gold_gate(doc)]


def training_set(sources: Sequence[Path], options: TrainingOptions) -> TrainingSet:
    """The documents of ``sources`` with their features, augmented and cropped."""
    unaltered = collect(sources, options)
    documents = crop_documents(augment_documents(unaltered, options.augment, options.seed),
                               options.crop, options.seed + 1)
    if not documents:
        where = ", ".join(map(str, sources))
        only = (f"; only split '{options.split}' is read (labeled-lines files stamped with "
                "another split and the other sites of page datasets are left out): --split all "
                "reads them all" if options.split else "")
        raise LabeledDataError(f"no training documents found in {where}{only}")
    X, y, rows = documents_to_matrix([d.lines for d in documents], [d.labels for d in documents],
                                     [d.markup for d in documents])
    if len(np.unique(y)) < 2:
        only = f"every labeled line is '{LABELS[int(y[0])]}'" if len(y) else "no labeled line"
        raise LabeledDataError(f"{', '.join(map(str, sources))}: {only}; training needs both body "
                               "and boilerplate lines")
    groups = [d.meta.get("id") or i for i, d in enumerate(documents)]
    sizes = [len(r) for r in rows]
    weight = np.repeat([options.labeled_weight if from_labeled_file(d) else 1.0
                        for d in documents], sizes)
    if options.page_weight:
        weight = weight * np.repeat(page_balance(X, sizes, options.page_weight), sizes)
    return TrainingSet(documents, unaltered, X, y, rows, groups, weight)


def page_balance(X: np.ndarray, sizes: Sequence[int], power: float) -> np.ndarray:
    """Each page's factor on its lines' weights: (mean page total / its total) ** ``power``.

    The kept-text metric averages pages, so a page is worth the same whether it has 30 lines
    or 3,000; unbalanced, a shop or forum page of thousands of lines teaches the trees as
    much as a hundred articles."""
    page = np.repeat(np.arange(len(sizes)), sizes)
    total = np.bincount(page, weights=token_weights(X), minlength=len(sizes))
    return (total.mean() / np.maximum(total, 1e-9)) ** power


def training_memory(data: TrainingSet, seed: int) -> tuple[np.ndarray, int]:
    """Site-memory features of every training line, by the code prediction runs
    (``SiteMemory.features``): each page sees a memory of other pages of its site in its
    rendering, between MIN_PAGES and MEMORY_MAX_PAGES of them drawn at random (seeded), so the
    memory stage learns from small memories and large.  NaN rows for pages whose site has too
    few; returns the matrix and how many pages have memory."""
    out = np.full((len(data.y), len(MEMORY_NAMES)), np.nan)
    starts = np.concatenate([[0], np.cumsum(data.sizes)])
    sites: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for d, doc in enumerate(data.documents):
        if doc.meta.get("site"):
            sites[(doc.meta.get("dataset", ""), doc.meta["site"], doc.meta.get("render", ""))].append(d)
    rng = np.random.default_rng(seed)
    with_memory = 0
    for members in sites.values():
        if len(members) <= MIN_PAGES:
            continue
        positions = {m: page_lines(data.documents[m].lines) for m in members}
        for d in members:
            others = [m for m in members if m != d]
            count = int(rng.integers(MIN_PAGES, min(len(others), MEMORY_MAX_PAGES) + 1))
            memory = SiteMemory()
            for m in rng.choice(others, size=count, replace=False):
                memory.add_positions(positions[m])
            features = memory.features(data.documents[d].lines, data.rows[d])
            if features is not None:
                out[starts[d]:starts[d + 1]] = features
                with_memory += 1
    return out, with_memory


def validation_mask(documents: Sequence[LabeledDocument]) -> np.ndarray:
    """A fixed fifth of the training sites (of the documents, where they name no site): every
    rendering of a page and every page of a site fall on the same side."""
    keys = [d.meta.get("site") or d.meta.get("id") or str(i) for i, d in enumerate(documents)]
    return np.array([site_bucket(key, "validation:") < VALIDATION_SHARE_PERCENT for key in keys],
                    dtype=bool)


def choose_threshold(data: TrainingSet, options: TrainingOptions) -> dict[str, Any]:
    """Fit on four fifths of the training sites, then take the cut on P(content) whose kept
    text scores best on the fifth left out.  The kept-text metric weighs long paragraphs,
    so its best cut is not the 0.5 that is best line by line.

    The cut is scored on the validation documents as they came (``data.unaltered``), not as
    augmented and cropped.  Returns the choice and the F1 of each cut tried; with too few
    validation documents (a few hand-labeled pages), the default cut stays and the reason
    is recorded."""
    held = validation_mask(data.documents)
    held_lines = np.repeat(held, data.sizes)
    default = LineClassifier().threshold
    if held.sum() < MIN_VALIDATION_DOCUMENTS or len(np.unique(data.y[~held_lines] > 0)) < 2:
        return {"threshold": default, "method": f"default: fewer than {MIN_VALIDATION_DOCUMENTS} "
                "validation documents, or one class left to fit on"}
    model = LineClassifier(n_estimators=options.n_estimators, random_state=options.seed,
                           features=FEATURE_SETS[options.feature_set],
                           context=CONTEXT_SETS[options.feature_set]).fit_matrix(
        data.X[~held_lines], data.y[~held_lines], data.sizes[~held],
        [g for g, h in zip(data.groups, held) if not h], data.weight[~held_lines])
    validation = [d for d, h in zip(data.unaltered, held) if h]
    X_held, _, rows_held = documents_to_matrix([d.lines for d in validation], None,
                                               [d.markup for d in validation])
    proba = model.predict_proba_matrix(X_held, [len(r) for r in rows_held])
    probas = []
    for doc, rows, doc_proba in zip(validation, rows_held,
                                    np.split(proba, np.cumsum([len(r) for r in rows_held])[:-1])):
        every_line = np.full((len(doc.lines), proba.shape[1]), np.nan)
        every_line[rows] = doc_proba
        probas.append(decode_document(doc.lines, every_line)[rows])
    scores = threshold_scores(validation, rows_held, probas, THRESHOLD_GRID)
    best = max(scores, key=scores.__getitem__)
    return {"threshold": best, "method": "validation", "validation_documents": int(held.sum()),
            "f1_by_threshold": {f"{t:.2f}": round(f, 4) for t, f in scores.items()}}


def data_summary(sources: Sequence[Path], documents: Sequence[LabeledDocument],
                 options: TrainingOptions, matrix_sha256: str) -> dict[str, Any]:
    """What a model was trained on, for its file and card: sources, datasets, labels,
    languages, the renderers' versions and the training matrix's digest (``matrix_digest``)."""
    per_dataset: dict[str, dict[str, Any]] = defaultdict(lambda: {"documents": 0, "lines": 0})
    sites: dict[str, set] = defaultdict(set)
    labels: Counter = Counter()
    languages: Counter = Counter(doc.meta.get("lang") or "unknown" for doc in documents)
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
        "split": options.split or "all", "renderings": list(options.renderings),
        "renderings_per_page": options.renderings_per_page or "all",
        "page_types": sorted(options.page_types) if options.page_types else "all",
        "excluded_sites": sorted(options.exclude_sites),
        "datasets": dict(per_dataset), "labels": dict(labels),
        "languages": dict(languages.most_common()),
        "labeled_file_documents": sum(map(from_labeled_file, documents)),
        "renderer_versions": renderer_versions(options.renderings),
        "matrix_sha256": matrix_sha256,
    }


def train(sources: Sequence[Path], output: Path, options: TrainingOptions = TrainingOptions()
          ) -> dict[str, Any]:
    """Fit a model on ``sources`` (or adapt ``options.base`` to them) and save it with a
    model card; returns the saved metadata."""
    refuse_evaluation_only(sources)
    if options.base is not None:
        return adapt(sources, output, options)
    data = training_set(sources, options)
    choice = ({"threshold": options.threshold, "method": "given"} if options.threshold is not None
              else choose_threshold(data, options))
    memory, memory_pages = (training_memory(data, options.seed) if options.site_memory
                            else (None, 0))
    fitted_on = matrix_digest(data, memory)
    model = LineClassifier(n_estimators=options.n_estimators, random_state=options.seed,
                           threshold=choice["threshold"],
                           features=FEATURE_SETS[options.feature_set],
                           context=CONTEXT_SETS[options.feature_set]).fit_matrix(
        data.X, data.y, data.sizes, data.groups, data.weight, memory=memory)
    metadata = {
        "metrics": held_out_metrics(model, sources, options),
        "trained_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": options.seed,
        "augment": options.augment,
        "crop": options.crop,
        "labeled_weight": options.labeled_weight,
        "page_weight": options.page_weight,
        "threshold": model.threshold,
        "threshold_choice": choice,
        "site_memory": {"pages_with_memory": memory_pages,
                        "memory_pages": [MIN_PAGES, MEMORY_MAX_PAGES],
                        "fitted": model.stage_memory_ is not None},
        "training": data_summary(sources, data.documents, options, fitted_on),
    }
    return _save(model, output, metadata)


def matrix_digest(data: TrainingSet, memory: np.ndarray | None) -> str:
    """sha256 of what the trees are fitted on (features, labels, weights, site memory): two
    retrains that differ in their trees tell by it whether their data or their fit differed."""
    digest = hashlib.sha256()
    for array in (data.X, data.y, data.weight, memory):
        if array is not None:
            digest.update(memoryview(np.ascontiguousarray(array)).cast("B"))
    return digest.hexdigest()


def adapt_rounds(pages: int) -> int:
    """Rounds to add for this many labeled pages: ADAPT_ROUNDS from ADAPT_FULL_PAGES on, far
    fewer below (on one page, 80 rounds lost 0.08 on the held-out sites they were tried on, 8
    gained 0.02)."""
    return max(1, round(ADAPT_ROUNDS * min(1.0, pages / ADAPT_FULL_PAGES) ** 1.5))


def adapt(sources: Sequence[Path], output: Path, options: TrainingOptions) -> dict[str, Any]:
    """Adapt the base model to the sources' pages as they are (not augmented or cropped):
    each stage keeps the base's trees and adds ``adapt_rounds`` fitted to what they get
    wrong, so the model keeps what the base knew.  The base's cut on P(content) stays
    unless one is given: a few pages are too few to choose one on."""
    base = load_model_file(options.base)
    base_document = base.metadata_
    if base.site_ is not None:
        raise LabeledDataError(
            f"{options.base} is itself adapted to a site ({base_document['adapted_from']['path']} "
            "was its base): adapt that base, with the pages of both sites")
    base_rendering = base_document["training"]["renderings"][0]
    options = replace(options, renderings=(base_rendering,), augment=0.0, crop=0.0)
    data = training_set(sources, options)
    if base_rendering == "html" and not any(d.markup is not None for d in data.documents):
        raise LabeledDataError(
            f"{options.base} reads HTML, but no page of {', '.join(map(str, sources))} keeps its "
            "HTML: label HTML pages (boilerstrip label page.html), or build them with "
            "`data build --render html`, or adapt the text model (--base text)")
    threshold = options.threshold if options.threshold is not None else base.threshold
    rounds = options.adapt_rounds or adapt_rounds(len(data.documents))
    model = LineClassifier(**{**base.get_params(), "n_estimators": rounds,
                              "learning_rate": options.adapt_learning_rate,
                              "num_leaves": options.adapt_leaves,
                              "reg_lambda": options.adapt_reg_lambda, "random_state": options.seed,
                              "threshold": threshold, "prediction_threads": 1}).fit_matrix(
        data.X, data.y, data.sizes, data.groups, data.weight, base=base)
    model.site_ = SiteKnowledge.learn([(d.lines, d.labels) for d in data.documents],
                                      (base.stage_one_.current_iteration(),
                                       base.stage_two_.current_iteration()),
                                      [d.meta.get("site") for d in data.documents],
                                      options.adapt_added_weight,
                                      [d.sources for d in data.documents])
    metadata = {
        "metrics": {},
        "trained_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": options.seed,
        "augment": 0.0,
        "crop": 0.0,
        "labeled_weight": options.labeled_weight,
        "page_weight": options.page_weight,
        "threshold": threshold,
        "threshold_choice": {"threshold": threshold, "method": "given" if options.threshold
                             is not None else f"cut of the base model {options.base.name}"},
        "adapted_from": {"path": str(options.base), "sha256": file_digest(options.base),
                         "boosters_sha256": base_document["boosters_sha256"],
                         "trained_at": base_document.get("trained_at"),
                         "training": base_document["training"],
                         "rounds_added": rounds,
                         "learning_rate": options.adapt_learning_rate,
                         "leaves": options.adapt_leaves,
                         "reg_lambda": options.adapt_reg_lambda,
                         "added_weight": options.adapt_added_weight,
                         "template_lines": len(model.site_.template),
                         "site_names": sorted(model.site_.names),
                         "lines_remembered": len(model.site_.memory),
                         "regions_remembered": len(model.site_.regions),
                         "region_weight": model.site_.region_weight,
                         "blocks_remembered": len(model.site_.blocks),
                         "block_weight": model.site_.block_weight},
        "training": data_summary(sources, data.documents, options, matrix_digest(data, None)),
    }
    return _save(model, output, metadata)


def _save(model: LineClassifier, output: Path, metadata: dict[str, Any]) -> dict[str, Any]:
    save_model_file(model, output, metadata)
    write_atomic(card_path(output), model_card(output, metadata).encode("utf-8"))
    return metadata


def held_out_metrics(model: LineClassifier, sources: Sequence[Path], options: TrainingOptions
                     ) -> dict[str, float]:
    """Kept-text F1 on the test sites of the page datasets trained on their train sites,
    in the first rendering the model learnt from."""
    pages = [s for s in sources if is_page_dataset(s)]
    if options.split != "train" or not pages:
        return {}
    documents = iter_documents(pages, "test", options.renderings[0], options.page_types)
    report = evaluate_documents(model, documents, baselines=()).report()
    return {f"{group} (test sites)": scores["kept_text"]["boilerstrip"]["f1"]
            for group, scores in report.items() if not group.startswith("site:")}
