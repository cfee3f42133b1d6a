"""The line classifier: a LightGBM model over document features, and its file format.

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
from boilerstrip.features import FEATURE_NAMES, document_features
from boilerstrip.labeled import LABELS

FORMAT = "boilerstrip-model"
FORMAT_VERSION = 1
_LABEL_ID = {label: i for i, label in enumerate(LABELS)}
_BODY, _TITLE = _LABEL_ID["body"], _LABEL_ID["title"]


def documents_to_matrix(
    documents: Sequence[Sequence[str]], labels: Sequence[Sequence[str | None]] | None = None
) -> tuple[np.ndarray, np.ndarray | None, list[np.ndarray]]:
    """Stack the features of many documents; labels become class ids (blank lines dropped)."""
    blocks, targets, rows_per_doc = [], [], []
    for d, lines in enumerate(documents):
        X, rows = document_features(list(lines))
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
    lines; blank lines get no label (None) and a probability row of NaN.
    """

    def __init__(self, n_estimators: int = 500, learning_rate: float = 0.05, num_leaves: int = 63,
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

    def _lgb_params(self) -> dict[str, Any]:
        return {
            "objective": "multiclass", "num_class": len(LABELS), "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves, "min_data_in_leaf": self.min_child_samples,
            "feature_fraction": self.colsample, "bagging_fraction": self.subsample,
            "bagging_freq": 1, "lambda_l2": 1.0, "seed": self.random_state,
            "deterministic": True, "num_threads": self.n_jobs, "verbose": -1,
        }

    def fit_matrix(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
                   ) -> "LineClassifier":
        """Fit on a feature matrix already built by ``documents_to_matrix``."""
        missing = sorted(set(range(len(LABELS))) - set(np.unique(y).tolist()))
        if len(missing) == len(LABELS) - 1 or len(y) == 0:
            raise ValueError("training data holds a single class: it needs body and boilerplate lines")
        data = lgb.Dataset(X, label=y, weight=sample_weight, feature_name=list(FEATURE_NAMES),
                           free_raw_data=True)
        self.booster_ = lgb.train(self._lgb_params(), data, num_boost_round=self.n_estimators)
        self.classes_ = np.array(LABELS)
        self.feature_names_in_ = np.array(FEATURE_NAMES)
        return self

    def fit(self, documents: Sequence[Sequence[str]], labels: Sequence[Sequence[str | None]]
            ) -> "LineClassifier":
        X, y, _ = documents_to_matrix(documents, labels)
        return self.fit_matrix(X, y)

    def predict_proba_matrix(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros((0, len(LABELS)))
        return self.booster_.predict(X, num_threads=self.n_jobs)

    def labels_from_proba(self, proba: np.ndarray, threshold: float | None = None) -> np.ndarray:
        """Content when P(body)+P(title) reaches the threshold; then body or title, whichever is likelier."""
        cut = self.threshold if threshold is None else threshold
        content = proba[:, _BODY] + proba[:, _TITLE] >= cut
        kind = np.where(proba[:, _TITLE] > proba[:, _BODY], _TITLE, _BODY)
        return np.where(content, kind, _LABEL_ID["boilerplate"])

    def predict_proba(self, documents: Sequence[Sequence[str]]) -> list[np.ndarray]:
        out = []
        for lines in documents:
            X, rows = document_features(list(lines))
            proba = np.full((len(lines), len(LABELS)), np.nan)
            proba[rows] = self.predict_proba_matrix(X)
            out.append(proba)
        return out

    def predict(self, documents: Sequence[Sequence[str]]) -> list[list[str | None]]:
        out = []
        for proba in self.predict_proba(documents):
            labels: list[str | None] = [None] * len(proba)
            rows = np.flatnonzero(~np.isnan(proba[:, 0]))
            for r, label_id in zip(rows, self.labels_from_proba(proba[rows])):
                labels[r] = LABELS[label_id]
            out.append(labels)
        return out


def library_versions() -> dict[str, str]:
    import sklearn

    return {"python": platform.python_version(), "lightgbm": lgb.__version__,
            "numpy": np.__version__, "scikit-learn": sklearn.__version__}


def save_model(model: LineClassifier, path: Path, metadata: dict[str, Any]) -> None:
    """Write the model atomically; ``metadata`` (training data, metrics) travels inside it."""
    booster_text = model.booster_.model_to_string()
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "feature_names": list(FEATURE_NAMES),
        "labels": list(LABELS),
        "params": model.get_params(),
        "versions": library_versions(),
        **metadata,
        "booster_sha256": hashlib.sha256(booster_text.encode("utf-8")).hexdigest(),
        "booster": booster_text,
    }
    payload = json.dumps(document, ensure_ascii=False).encode("utf-8")
    write_atomic(Path(path), gzip.compress(payload, mtime=0))


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
    booster = document.get("booster")
    if not isinstance(booster, str) or (
        hashlib.sha256(booster.encode("utf-8")).hexdigest() != document.get("booster_sha256")
    ):
        raise ModelError(f"{path}: model is corrupt (checksum of the trees does not match)")
    if document.get("feature_names") != list(FEATURE_NAMES):
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
    try:
        model.booster_ = lgb.Booster(model_str=document.pop("booster"))
    except lgb.basic.LightGBMError as exc:
        raise ModelError(f"{path}: LightGBM cannot read the trees: {exc}") from None
    model.classes_ = np.array(LABELS)
    model.feature_names_in_ = np.array(FEATURE_NAMES)
    return model, document
