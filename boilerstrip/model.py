"""The line classifier: two LightGBM stages over document features, and its file format.

Stage one tells content (body or title) from boilerplate for each line from its
own features and its neighbours'.  Stage two labels each line boilerplate, body or
title from the same features plus what stage one believes about the lines around
it (a window of content probabilities), the way a sequence model would smooth its
decisions; it is trained on out-of-fold stage-one predictions so it learns from
honest ones.

A model file is gzip-compressed JSON holding LightGBM's own text model and the
metadata that ties it to this code (feature names, labels, threshold).  Loading
it parses text only: unlike a pickle, an untrusted model file cannot run code.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from boilerstrip.atomic import write_atomic
from boilerstrip.errors import ModelError
from boilerstrip.features import FEATURE_NAMES, document_features, shift, window_mean
from boilerstrip.labeled import LABELS

FORMAT = "boilerstrip-model"
FORMAT_VERSION = 2
_LABEL_ID = {label: i for i, label in enumerate(LABELS)}
_BODY, _TITLE = _LABEL_ID["body"], _LABEL_ID["title"]
_CONTEXT_OFFSETS = (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5)
_CONTEXT_WINDOWS = (2, 5, 10, 25)
CONTEXT_NAMES: tuple[str, ...] = (
    ("stage1", *(f"stage1@{o:+d}" for o in _CONTEXT_OFFSETS),
     *(f"stage1~{w}" for w in _CONTEXT_WINDOWS), "stage1_doc_mean", "stage1_doc_max",
     "stage1_mass_before"))
MODEL_FEATURES = FEATURE_NAMES + CONTEXT_NAMES
N_FOLDS = 3
# Stage two stops adding trees for a line once one label leads the next by this margin
# of raw score (P > 0.99): half its prediction time; on 289 held-out daniel pages (49,920
# lines) not one decision moved, with either shipped model.
_EARLY_STOP = {"pred_early_stop": True, "pred_early_stop_freq": 10, "pred_early_stop_margin": 5.0}


def context_features(content: np.ndarray, doc_sizes: Sequence[int]) -> np.ndarray:
    """Stage-one P(content) of each line, its neighbours, windows around it and its document."""
    out = np.empty((len(content), len(CONTEXT_NAMES)))
    start = 0
    for size in doc_sizes:
        p = content[start : start + size]
        block = out[start : start + size]
        block[:, 0] = p
        for j, offset in enumerate(_CONTEXT_OFFSETS, start=1):
            block[:, j] = shift(p, offset)
        for j, width in enumerate(_CONTEXT_WINDOWS, start=1 + len(_CONTEXT_OFFSETS)):
            block[:, j] = window_mean(p, width)
        if size:
            before = np.cumsum(p) - p
            block[:, -3] = p.mean()
            block[:, -2] = p.max()
            block[:, -1] = before / max(p.sum(), 1e-9)
        start += size
    return out


def token_weights(X: np.ndarray) -> np.ndarray:
    """Weigh lines by log tokens: the kept-text metric counts tokens, not lines."""
    return 1.0 + np.log1p(X[:, FEATURE_NAMES.index("tokens")])


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


class LineClassifier(ClassifierMixin, BaseEstimator):
    """Labels every line of a document boilerplate, body or title.

    ``fit``/``predict``/``predict_proba`` take a list of documents, each a list of
    lines, and optionally each document's markup rows (from HTML or Markdown);
    blank lines get no label (None) and a probability row of NaN.
    """

    def __init__(self, n_estimators: int = 250, learning_rate: float = 0.08, num_leaves: int = 63,
                 min_child_samples: int = 40, colsample: float = 0.8, subsample: float = 0.8,
                 threshold: float = 0.5, random_state: int = 0, n_jobs: int = 2) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.colsample = colsample
        self.subsample = subsample
        self.threshold = threshold
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _lgb_params(self, binary: bool) -> dict[str, Any]:
        objective = {"objective": "binary"} if binary else {"objective": "multiclass",
                                                             "num_class": len(LABELS)}
        return {
            **objective, "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves, "min_data_in_leaf": self.min_child_samples,
            "feature_fraction": self.colsample, "bagging_fraction": self.subsample,
            "bagging_freq": 1, "lambda_l2": 1.0, "seed": self.random_state,
            "deterministic": True, "num_threads": self.n_jobs, "verbose": -1,
        }

    def _train(self, X: np.ndarray, y: np.ndarray, names: Sequence[str], weight: np.ndarray,
               binary: bool = False) -> lgb.Booster:
        """One LightGBM fit (``binary``: content or not, for stage one).  A few hand-labeled
        pages get smaller leaves so they still teach."""
        params = self._lgb_params(binary)
        params["min_data_in_leaf"] = min(self.min_child_samples, max(2, len(y) // 100))
        data = lgb.Dataset(X, label=y, weight=weight, feature_name=list(names),
                           free_raw_data=True, params={"min_data_in_bin": 1} if len(y) < 1000 else None)
        return lgb.train(params, data, num_boost_round=self.n_estimators)

    def fit_matrix(self, X: np.ndarray, y: np.ndarray, doc_sizes: Sequence[int],
                   groups: Sequence[object] | None = None, sample_weight: np.ndarray | None = None
                   ) -> "LineClassifier":
        """Fit on a feature matrix built by ``documents_to_matrix``.

        ``groups`` names each document's page: copies of one page (other
        renderings) share a fold, so no out-of-fold prediction has seen its page.
        ``sample_weight`` multiplies each line's weight (its log token count).
        """
        content = (y != _LABEL_ID["boilerplate"]).astype(np.float64)
        if len(y) == 0 or len(np.unique(content)) < 2:
            raise ValueError("training data holds a single class: it needs body and boilerplate lines")
        groups = list(range(len(doc_sizes))) if groups is None else list(groups)
        fold_of_group = {g: i % N_FOLDS for i, g in enumerate(dict.fromkeys(groups))}
        fold = np.repeat([fold_of_group[g] for g in groups], doc_sizes)
        weight = token_weights(X) * (1.0 if sample_weight is None else sample_weight)
        out_of_fold = np.full(len(y), 0.5)
        for k in range(N_FOLDS):
            held = fold == k
            if held.all() or not held.any() or len(np.unique(content[~held])) < 2:
                continue
            out_of_fold[held] = self._train(X[~held], content[~held], FEATURE_NAMES, weight[~held],
                                            binary=True).predict(X[held], num_threads=self.n_jobs)
        self.booster_ = self._train(X, content, FEATURE_NAMES, weight, binary=True)
        stacked = np.hstack([X, context_features(out_of_fold, doc_sizes)])
        self.context_booster_ = self._train(stacked, y, MODEL_FEATURES, weight)
        self.classes_ = np.array(LABELS)
        self.feature_names_in_ = np.array(MODEL_FEATURES)
        return self

    def fit(self, documents: Sequence[Sequence[str]], labels: Sequence[Sequence[str | None]],
            markups: Markups = None) -> "LineClassifier":
        X, y, rows = documents_to_matrix(documents, labels, markups)
        return self.fit_matrix(X, y, [len(r) for r in rows])

    def predict_proba_matrix(self, X: np.ndarray, doc_sizes: Sequence[int]) -> np.ndarray:
        if len(X) == 0:
            return np.zeros((0, len(LABELS)))
        first = self.booster_.predict(X, num_threads=self.n_jobs)
        context = context_features(first, doc_sizes)
        return self.context_booster_.predict(np.hstack([X, context]), num_threads=self.n_jobs,
                                             **_EARLY_STOP)

    def labels_from_proba(self, proba: np.ndarray, threshold: float | None = None) -> np.ndarray:
        """Content when P(body)+P(title) reaches the threshold; then body or title, whichever is likelier."""
        cut = self.threshold if threshold is None else threshold
        content = proba[:, _BODY] + proba[:, _TITLE] >= cut
        kind = np.where(proba[:, _TITLE] > proba[:, _BODY], _TITLE, _BODY)
        return np.where(content, kind, _LABEL_ID["boilerplate"])

    def predict_proba(self, documents: Sequence[Sequence[str]], markups: Markups = None
                      ) -> list[np.ndarray]:
        out = []
        for d, lines in enumerate(documents):
            X, rows = document_features(list(lines), None if markups is None else markups[d])
            proba = np.full((len(lines), len(LABELS)), np.nan)
            proba[rows] = self.predict_proba_matrix(X, [len(rows)])
            out.append(proba)
        return out

    def predict(self, documents: Sequence[Sequence[str]], threshold: float | None = None,
                markups: Markups = None) -> list[list[str | None]]:
        out = []
        for proba in self.predict_proba(documents, markups):
            labels: list[str | None] = [None] * len(proba)
            rows = np.flatnonzero(~np.isnan(proba[:, 0]))
            for r, label_id in zip(rows, self.labels_from_proba(proba[rows], threshold)):
                labels[r] = LABELS[label_id]
            out.append(labels)
        return out


def library_versions() -> dict[str, str]:
    import sklearn

    return {"python": platform.python_version(), "lightgbm": lgb.__version__,
            "numpy": np.__version__, "scikit-learn": sklearn.__version__}


def save_model(model: LineClassifier, path: Path, metadata: dict[str, Any]) -> None:
    """Write the model atomically; ``metadata`` (training data, metrics) travels inside it."""
    boosters = [model.booster_.model_to_string(), model.context_booster_.model_to_string()]
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "feature_names": list(MODEL_FEATURES),
        "labels": list(LABELS),
        "params": model.get_params(),
        "versions": library_versions(),
        **metadata,
        "boosters_sha256": _digest(boosters),
        "boosters": boosters,
    }
    payload = json.dumps(document, ensure_ascii=False).encode("utf-8")
    write_atomic(Path(path), gzip.compress(payload, mtime=0))


def _digest(boosters: list[str]) -> str:
    digest = hashlib.sha256()
    for text in boosters:
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()


def read_model_document(path: Path) -> dict[str, Any]:
    """Read and check a model file without building the model: for cards and inspection."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: cannot read model: {exc.strerror}") from None
    try:
        document = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    except (OSError, EOFError, ValueError, UnicodeDecodeError):
        raise ModelError(f"{path}: not a boilerstrip model (truncated, corrupt or another format)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelError(f"{path}: not a boilerstrip model (no '{FORMAT}' header)")
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(f"{path}: model format version {version}, this boilerstrip reads "
                         f"version {FORMAT_VERSION}: retrain it with this version")
    boosters = document.get("boosters")
    if (not isinstance(boosters, list) or len(boosters) != 2
            or not all(isinstance(b, str) for b in boosters)
            or _digest(boosters) != document.get("boosters_sha256")):
        raise ModelError(f"{path}: model is corrupt (checksum of the trees does not match)")
    if document.get("feature_names") != list(MODEL_FEATURES):
        raise ModelError(f"{path}: model was trained on other features than this boilerstrip "
                         "computes: retrain it with this version")
    if document.get("labels") != list(LABELS):
        raise ModelError(f"{path}: model predicts labels {document.get('labels')}, "
                         f"this boilerstrip expects {list(LABELS)}")
    return document


def load_model(path: Path) -> tuple[LineClassifier, dict[str, Any]]:
    """Load a model file; returns the classifier and the metadata saved with it."""
    document = read_model_document(path)
    params = {k: v for k, v in document.get("params", {}).items()
              if k in LineClassifier().get_params()}
    model = LineClassifier(**params)
    first, context = document.pop("boosters")
    try:
        model.booster_ = lgb.Booster(model_str=first)
        model.context_booster_ = lgb.Booster(model_str=context)
    except lgb.basic.LightGBMError as exc:
        raise ModelError(f"{path}: LightGBM cannot read the trees: {exc}") from None
    model.classes_ = np.array(LABELS)
    model.feature_names_in_ = np.array(MODEL_FEATURES)
    return model, document
