"""The line classifier: two LightGBM stages over document features.

Stage one tells content (body or title) from boilerplate for each line from its
own features and its neighbours'.  Stage two labels each line boilerplate, body or
title from the same features plus what stage one believes about the lines around
it (a window of content probabilities), the way a sequence model would smooth its
decisions; it is trained on out-of-fold stage-one predictions so it learns from
honest ones.  A model may also have a memory stage: stage two again, with what the site's
other pages hold (``features.memory``) as more features; it labels the pages whose site
memory knows, and stage two all others, so a page without memory is labeled as before.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np

from boilerstrip.features import FEATURE_NAMES, document_features
from boilerstrip.features._context import move_columns
from boilerstrip.features.memory import MEMORY_NAMES
from boilerstrip.model.decoding import decode_document
from boilerstrip.io.labeled import LABELS
from boilerstrip.model.trees import Trees

_LABEL_ID = {label: i for i, label in enumerate(LABELS)}
_BODY, _TITLE = _LABEL_ID["body"], _LABEL_ID["title"]
_CONTEXT_OFFSETS = (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5)
_CONTEXT_WINDOWS = (2, 5, 10, 25)
# Where a line lies against the document's main span (``context_features``): added for the
# prose kept after the article (issue 12); models trained before read the columns before them.
SPAN_NAMES = ("stage1_in_span", "stage1_past_span", "stage1_before_span", "stage1_span_share")
CONTEXT_NAMES: tuple[str, ...] = (
    ("stage1", *(f"stage1@{o:+d}" for o in _CONTEXT_OFFSETS),
     *(f"stage1~{w}" for w in _CONTEXT_WINDOWS), "stage1_doc_mean", "stage1_doc_max",
     "stage1_mass_before", *SPAN_NAMES))
# The context columns stage two learns from, by ``train --feature-set``: sets 1 and 2 as the
# models trained before the main span, set 3 all of them.
CONTEXT_SETS: dict[int, tuple[str, ...]] = {
    1: CONTEXT_NAMES[: -len(SPAN_NAMES)], 2: CONTEXT_NAMES[: -len(SPAN_NAMES)], 3: CONTEXT_NAMES}
_CONTEXT_INDEX = {name: i for i, name in enumerate(CONTEXT_NAMES)}
# The neighbour and window columns, as the compiled context pass moves them (source column 0).
_CONTEXT_MOVES = (np.zeros(1, dtype=np.intp), np.array(_CONTEXT_OFFSETS, dtype=np.intp),
                  np.arange(1, 1 + len(_CONTEXT_OFFSETS), dtype=np.intp).reshape(-1, 1),
                  np.zeros(len(_CONTEXT_WINDOWS), dtype=np.intp),
                  np.array(_CONTEXT_WINDOWS, dtype=np.intp),
                  np.arange(1 + len(_CONTEXT_OFFSETS), 1 + len(_CONTEXT_OFFSETS) + len(_CONTEXT_WINDOWS),
                            dtype=np.intp))
_FEATURE_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}
N_FOLDS = 3
# Stage two stops adding trees for a line once one label leads the next by this margin of
# raw score (e^3: twenty times as likely), checked every ten rounds.  On the held-out sites of
# wceb2026 and daniel, 3 against the former 5 walked 10-15% fewer trees and moved the label
# of 3 of 128,386 HTML lines and of 24 of 2.4 million lines of text (nine renderings);
# a margin of 1 lost 0.017 F1 on daniel.
_EARLY_STOP = {"pred_early_stop": True, "pred_early_stop_freq": 10, "pred_early_stop_margin": 3.0}


def _main_span(score: np.ndarray) -> tuple[int, int]:
    """The run of lines with the largest sum of ``score`` (first, last; last < first when no
    line scores above zero)."""
    total = np.concatenate(([0.0], np.cumsum(score)))
    lowest = np.minimum.accumulate(total[:-1])
    gain = total[1:] - lowest
    last = int(np.argmax(gain))
    if gain[last] <= 0:
        return 0, -1
    first = int(np.argmin(total[: last + 1]))
    return first, last


def context_features(content: np.ndarray, doc_sizes: Sequence[int],
                     chars: np.ndarray) -> np.ndarray:
    """Stage-one P(content) of each line, its neighbours, windows around it and its document,
    and where the line lies against the document's main span: the run of lines whose
    (P(content) - 0.5) weighted by the square root of their characters sums highest."""
    out = np.empty((len(content), len(CONTEXT_NAMES)))
    scratch = np.empty(max(doc_sizes, default=0) + 1)
    start = 0
    for size in doc_sizes:
        p = content[start : start + size]
        block = out[start : start + size]
        block[:, 0] = p
        move_columns(block, *_CONTEXT_MOVES, scratch[: size + 1])
        if size:
            before = np.cumsum(p) - p
            block[:, -7] = p.mean()
            block[:, -6] = p.max()
            block[:, -5] = before / max(p.sum(), 1e-9)
            first, last = _main_span((p - 0.5) * np.sqrt(chars[start : start + size]))
            index = np.arange(size)
            block[:, -4] = (index >= first) & (index <= last)
            block[:, -3] = np.maximum(index - last, 0) / size if last >= first else np.nan
            block[:, -2] = np.maximum(first - index, 0) / size if last >= first else np.nan
            block[:, -1] = (last - first + 1) / size
        start += size
    return out


def context_columns(names: Sequence[str]) -> np.ndarray | None:
    """Where ``names`` sit among the context columns (None: all of them, in order); a KeyError
    names one this code does not compute."""
    if tuple(names) == CONTEXT_NAMES:
        return None
    return np.array([_CONTEXT_INDEX[name] for name in names], dtype=np.intp)


def token_weights(X: np.ndarray) -> np.ndarray:
    """Weigh lines by log tokens (``X`` holds every feature): the kept-text metric counts
    tokens, not lines."""
    return 1.0 + np.log1p(X[:, _FEATURE_INDEX["tokens"]])


def feature_columns(names: Sequence[str]) -> np.ndarray | None:
    """Where ``names`` sit among the features this code computes (None: all of them, in
    order); a KeyError names a feature it does not compute."""
    if tuple(names) == FEATURE_NAMES:
        return None
    return np.array([_FEATURE_INDEX[name] for name in names])


Markups = Sequence[np.ndarray | None] | None


def documents_to_matrix(
    documents: Sequence[Sequence[str]], labels: Sequence[Sequence[str | None]] | None = None,
    markups: Markups = None,
) -> tuple[np.ndarray, np.ndarray | None, list[np.ndarray]]:
    """Stack the features of many documents; labels become class ids (blank lines dropped).

    ``markups`` gives each document's markup rows (None for plain text)."""
    blocks, targets, rows_per_doc = [], [], []
    for d, lines in enumerate(documents):
        X, rows = document_features(list(lines), None if markups is None else markups[d])
        blocks.append(X)
        rows_per_doc.append(rows)
        if labels is not None:
            doc_labels = labels[d]
            targets.append(np.array([_LABEL_ID[doc_labels[r] or "boilerplate"] for r in rows]))
    X = np.vstack(blocks) if blocks else np.zeros((0, len(FEATURE_NAMES)))
    y = np.concatenate(targets) if labels is not None and targets else None
    return X, y, rows_per_doc


class LineClassifier:
    """Labels every line of a document boilerplate, body or title.

    ``fit``/``predict``/``predict_proba`` take a list of documents, each a list of
    lines, and optionally each document's markup rows (from HTML or Markdown);
    blank lines get no label (None) and a probability row of NaN.  The lines of a hard-wrapped
    paragraph share one probability row (``features.wrapping``).  ``threshold`` is the
    cut on P(content) = P(body) + P(title) at which a line is kept.  ``min_child_samples``
    is the leaf size; on fewer than a hundred times as many lines, leaves are smaller
    (``leaf_size_``); ``reg_lambda`` LightGBM's L2 penalty on leaf values (larger: leaves
    that few lines support move the score less).  ``features`` names the line features
    stage one learns from, ``context`` the context columns stage two adds (``CONTEXT_NAMES``)
    (None: every one this code computes); a model keeps working when later code computes more.
    ``n_jobs`` is LightGBM's threads for fitting; ``prediction_threads`` the threads that
    predict (``model.trees``), one by default: a document's lines gain nothing from more.
    After fitting, ``stage_one_`` and ``stage_two_`` hold the boosters, ``stage_memory_``
    the memory stage's (None when it was fitted without site memory), and ``site_`` what
    a model adapted to one site knows of it (``model.site``; None otherwise).

    It follows scikit-learn's estimator conventions (parameters in ``__init__``,
    ``get_params``/``set_params``, fitted attributes ending in ``_``) without importing
    scikit-learn, which prediction does not need and which takes a second to import.
    """

    _estimator_type = "classifier"

    def __init__(self, n_estimators: int = 250, learning_rate: float = 0.08, num_leaves: int = 63,
                 min_child_samples: int = 40, colsample: float = 0.8, subsample: float = 0.8,
                 threshold: float = 0.5, random_state: int = 0, n_jobs: int = 2,
                 features: Sequence[str] | None = None, prediction_threads: int = 1,
                 reg_lambda: float = 1.0, context: Sequence[str] | None = None) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.colsample = colsample
        self.subsample = subsample
        self.threshold = threshold
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.features = features
        self.prediction_threads = prediction_threads
        self.reg_lambda = reg_lambda
        self.context = context

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The ``__init__`` parameters and their values (scikit-learn's convention)."""
        names = inspect.signature(type(self).__init__).parameters
        return {name: getattr(self, name) for name in names if name != "self"}

    def set_params(self, **params: Any) -> "LineClassifier":
        valid = self.get_params()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for LineClassifier; "
                                 f"valid ones: {', '.join(valid)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = type(self)().get_params()
        changed = {k: v for k, v in self.get_params().items() if v != defaults[k]
                   and k != "features"}
        return f"LineClassifier({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    def score(self, documents: Sequence[Sequence[str]], labels: Sequence[Sequence[str | None]],
              markups: Markups = None) -> float:
        """Share of non-blank lines labeled right (``ClassifierMixin.score``'s accuracy)."""
        predicted = [p for doc in self.predict(documents, markups) for p in doc]
        truth = [t for doc in labels for t in doc]
        pairs = [(p, t) for p, t in zip(predicted, truth) if p is not None]
        return sum(p == (t or "boilerplate") for p, t in pairs) / max(len(pairs), 1)

    def _lgb_params(self, binary: bool) -> dict[str, Any]:
        objective = {"objective": "binary"} if binary else {"objective": "multiclass",
                                                             "num_class": len(LABELS)}
        return {
            **objective, "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves, "min_data_in_leaf": self.leaf_size_,
            "feature_fraction": self.colsample, "bagging_fraction": self.subsample,
            "bagging_freq": 1, "lambda_l2": self.reg_lambda, "seed": self.random_state,
            "deterministic": True, "force_col_wise": True, "num_threads": self.n_jobs,
            "verbose": -1,
        }

    def _train(self, X: np.ndarray, y: np.ndarray, names: Sequence[str], weight: np.ndarray,
               binary: bool = False, init: Any = None) -> Trees:
        """One LightGBM fit (``binary``: content or not, for stage one), with leaves of
        ``leaf_size_`` lines; ``init`` (trees of the same stage) is boosted further instead.
        Histograms are built column-wise in every stage (``_lgb_params``): left to itself,
        LightGBM times row-wise against column-wise and keeps the faster, and the two round
        differently, so two runs of ``make model`` grew different trees.  The trees still
        depend on ``n_jobs`` (one thread and two differ), which is why it is fixed, not the
        machine's core count.
        The trees come back as a loaded model's do, so a fitted model predicts by the same
        code (``model.trees``)."""
        import lightgbm as lgb  # training only

        data = lgb.Dataset(X, label=y, weight=weight, feature_name=list(names),
                           free_raw_data=True, params={"min_data_in_bin": 1} if len(y) < 1000 else None)
        start = None if init is None else lgb.Booster(model_str=init.model_to_string())
        booster = lgb.train(self._lgb_params(binary), data, num_boost_round=self.n_estimators, init_model=start)
        return Trees(booster.model_to_string())

    def fit_matrix(self, X: np.ndarray, y: np.ndarray, doc_sizes: Sequence[int],
                   groups: Sequence[object] | None = None, sample_weight: np.ndarray | None = None,
                   base: "LineClassifier | None" = None, memory: np.ndarray | None = None
                   ) -> "LineClassifier":
        """Fit on a feature matrix built by ``documents_to_matrix``.

        ``groups`` names each document's page: copies of one page (other
        renderings) share a fold, so no out-of-fold prediction has seen its page.
        ``sample_weight`` multiplies each line's weight (its log token count).
        ``base``, a fitted model, is adapted instead of starting anew: each stage (and each
        out-of-fold stage one) starts from the base's trees of that stage and adds
        ``n_estimators`` trees fitted to what they get wrong, on the base's features.
        ``memory`` (MEMORY_NAMES of each line, NaN rows where its page had no site memory)
        also fits the memory stage; an adapted model keeps the base's, for pages not of its
        site.
        """
        weight = token_weights(X) * (1.0 if sample_weight is None else sample_weight)
        if base is not None:
            self.features, self.context = base.features, base.context
        names = FEATURE_NAMES if self.features is None else tuple(self.features)
        context = CONTEXT_NAMES if self.context is None else tuple(self.context)
        self.context_columns_ = context_columns(context)
        init_one, init_two = (None, None) if base is None else (base.stage_one_, base.stage_two_)
        self.stage_one_columns_ = feature_columns(names)
        chars = X[:, _FEATURE_INDEX["chars"]]
        X = self._stage_one_matrix(X)
        content = (y != _LABEL_ID["boilerplate"]).astype(np.float64)
        if len(y) == 0 or len(np.unique(content)) < 2:
            raise ValueError("training data holds a single class: it needs body and boilerplate lines")
        # A few hand-labeled pages have too few lines for leaves of min_child_samples:
        # leaves hold at most a hundredth of the lines (at least 2), so the pages still teach.
        self.leaf_size_ = min(self.min_child_samples, max(2, len(y) // 100))
        groups = list(range(len(doc_sizes))) if groups is None else list(groups)
        fold_of_group = {g: i % N_FOLDS for i, g in enumerate(dict.fromkeys(groups))}
        fold = np.repeat([fold_of_group[g] for g in groups], doc_sizes)
        # A base never saw these pages: its stage one is honest where a fold cannot be held out.
        out_of_fold = (np.full(len(y), 0.5) if init_one is None
                       else init_one.predict(X, num_threads=self.n_jobs))
        for k in range(N_FOLDS):
            held = fold == k
            if held.all() or not held.any() or len(np.unique(content[~held])) < 2:
                continue
            out_of_fold[held] = self._train(X[~held], content[~held], names, weight[~held],
                                            binary=True, init=init_one
                                            ).predict(X[held], num_threads=self.n_jobs)
        self.stage_one_ = self._train(X, content, names, weight, binary=True, init=init_one)
        stacked = np.hstack([X, self._context_matrix(out_of_fold, doc_sizes, chars)])
        self.stage_two_ = self._train(stacked, y, names + context, weight, init=init_two)
        # An adapted model keeps its base's memory stage, for pages not of its site.
        self.stage_memory_ = None if base is None else getattr(base, "stage_memory_", None)
        if memory is not None and base is None and (~np.isnan(memory[:, 0])).any():
            # Every line, those without memory too (NaN), so the stage learns all that stage
            # two does and what memory adds where there is some.
            self.stage_memory_ = self._train(np.hstack([stacked, memory]), y,
                                             names + context + MEMORY_NAMES, weight)
        self.classes_ = np.array(LABELS)
        self.feature_names_in_ = np.array(names + context)
        self.site_ = None  # what an adaptation knows of its site: ``model.site``
        return self

    def _stage_one_matrix(self, X: np.ndarray) -> np.ndarray:
        """The columns of the features stage one learnt from, out of every computed one."""
        return X if self.stage_one_columns_ is None else X[:, self.stage_one_columns_]

    def _context_matrix(self, content: np.ndarray, doc_sizes: Sequence[int], chars: np.ndarray
                        ) -> np.ndarray:
        """The context columns stage two learnt from (``context_features``)."""
        columns = context_features(content, doc_sizes, chars)
        return columns if self.context_columns_ is None else columns[:, self.context_columns_]

    def fit(self, documents: Sequence[Sequence[str]], labels: Sequence[Sequence[str | None]],
            markups: Markups = None) -> "LineClassifier":
        X, y, rows = documents_to_matrix(documents, labels, markups)
        return self.fit_matrix(X, y, [len(r) for r in rows])

    def predict_proba_matrix(self, X: np.ndarray, doc_sizes: Sequence[int],
                             iterations: tuple[int, int] = (-1, -1),
                             memory: np.ndarray | None = None) -> np.ndarray:
        """Probability rows for a matrix of every computed feature (``documents_to_matrix``);
        ``iterations`` > 0 uses only that many first rounds of stage one and stage two.
        Lines with ``memory`` (MEMORY_NAMES; NaN rows for pages without) go through the
        memory stage instead of stage two, when the model has one."""
        if len(X) == 0:
            return np.zeros((0, len(LABELS)))
        chars = X[:, _FEATURE_INDEX["chars"]]
        X = self._stage_one_matrix(X)
        first = self.stage_one_.predict(X, num_threads=self.prediction_threads,
                                        num_iteration=iterations[0])
        stacked = np.hstack([X, self._context_matrix(first, doc_sizes, chars)])
        memory_stage = getattr(self, "stage_memory_", None)
        known = (np.zeros(len(X), dtype=bool) if memory is None or memory_stage is None
                 else ~np.isnan(memory[:, 0]))
        if not known.any():  # no memory: every line through stage two, without copying rows
            return self.stage_two_.predict(stacked, num_threads=self.prediction_threads,
                                           num_iteration=iterations[1], **_EARLY_STOP)
        out = np.empty((len(X), len(LABELS)))
        if not known.all():
            out[~known] = self.stage_two_.predict(
                stacked[~known], num_threads=self.prediction_threads,
                num_iteration=iterations[1], **_EARLY_STOP)
        if known.any():
            out[known] = memory_stage.predict(
                np.hstack([stacked[known], memory[known]]),
                num_threads=self.prediction_threads, **_EARLY_STOP)
        return out

    def predict_proba(self, documents: Sequence[Sequence[str]], markups: Markups = None,
                      memories: Sequence[np.ndarray | None] | None = None,
                      sites: Sequence[str | None] | None = None,
                      sources: Sequence[Sequence[str] | None] | None = None) -> list[np.ndarray]:
        """One probability row per line of each document (NaN for blank lines); the
        documents' lines go through the trees in one call.  ``memories`` gives each
        document's site-memory features (``SiteMemory.features``; None: no memory), ``sites``
        the name of each document's site where known (a URL's host; None: not known),
        ``sources`` the XPath of each line's block for documents rendered from HTML (None:
        not from HTML)."""
        features = [document_features(list(lines), None if markups is None else markups[d])
                    for d, lines in enumerate(documents)]
        return self.predict_proba_features(documents, features, memories, sites, sources)

    def predict_proba_features(self, documents: Sequence[Sequence[str]],
                               features: Sequence[tuple[np.ndarray, np.ndarray]],
                               memories: Sequence[np.ndarray | None] | None = None,
                               sites: Sequence[str | None] | None = None,
                               sources: Sequence[Sequence[str] | None] | None = None
                               ) -> list[np.ndarray]:
        """``predict_proba`` from each document's ``document_features`` already computed:
        a batch computes them page by page (under a time limit) and predicts them at once.
        A model adapted to a site gives its pages (by template, unless ``sites`` names
        another site) every round, averaged with the base's rounds alone
        (``SiteKnowledge.averaged``), and its line, region and block memory (``sources``,
        as in ``predict_proba``), and other pages the base model's
        rounds alone (``model.site``)."""
        if not documents:
            return []
        memories = [None] * len(documents) if memories is None else memories
        sites = [None] * len(documents) if sites is None else sites
        sources = [None] * len(documents) if sources is None else sources
        site = getattr(self, "site_", None)
        of_site = [site is None or site.recognises(lines, name)
                   for lines, name in zip(documents, sites)]
        out: list[np.ndarray] = [np.empty(0)] * len(documents)
        for own in (True, False):
            chosen = [d for d, mine in enumerate(of_site) if mine == own]
            if not chosen:
                continue
            sizes = [len(features[d][1]) for d in chosen]
            chosen_memory = None  # a site's adapted rounds know its template: no memory there
            if (site is None or not own) and any(memories[d] is not None for d in chosen):
                chosen_memory = np.vstack([
                    np.full((size, len(MEMORY_NAMES)), np.nan) if memories[d] is None
                    else memories[d] for d, size in zip(chosen, sizes)])
            matrix = np.vstack([features[d][0] for d in chosen])
            stacked = self.predict_proba_matrix(
                matrix, sizes, (-1, -1) if own else site.base_iterations, chosen_memory)
            if site is not None and own and site.added_weight != 1.0:
                stacked = site.averaged(stacked, self.predict_proba_matrix(
                    matrix, sizes, site.base_iterations))
            learnt = site if site is not None and own else None
            start = 0
            for d, size in zip(chosen, sizes):
                lines, rows = documents[d], features[d][1]
                proba = np.full((len(lines), len(LABELS)), np.nan)
                proba[rows] = stacked[start : start + size]
                start += size
                out[d] = decode_document(list(lines), proba,
                                         *(() if learnt is None else learnt.recall(lines, sources[d])))
        return out

    def predict(self, documents: Sequence[Sequence[str]], markups: Markups = None
                ) -> list[list[str | None]]:
        return [labels_from_proba(proba, self.threshold)
                for proba in self.predict_proba(documents, markups)]


def label_ids(proba: np.ndarray, threshold: float) -> np.ndarray:
    """Content when P(body)+P(title) reaches ``threshold``; then body or title, whichever
    is likelier.  ``proba`` holds rows of non-blank lines only."""
    content = proba[:, _BODY] + proba[:, _TITLE] >= threshold
    kind = np.where(proba[:, _TITLE] > proba[:, _BODY], _TITLE, _BODY)
    return np.where(content, kind, _LABEL_ID["boilerplate"])


def labels_from_proba(proba: np.ndarray, threshold: float) -> list[str | None]:
    """Each line's label from its probability row; None for a blank line (a NaN row)."""
    labels: list[str | None] = [None] * len(proba)
    rows = np.flatnonzero(~np.isnan(proba[:, 0]))
    for r, label_id in zip(rows, label_ids(proba[rows], threshold)):
        labels[r] = LABELS[label_id]
    return labels


def content_probability(proba: np.ndarray) -> np.ndarray:
    """P(content) = P(body) + P(title) of each row."""
    return proba[:, _BODY] + proba[:, _TITLE]
