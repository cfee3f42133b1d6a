"""The model file: gzip-compressed JSON holding LightGBM's own text model of both stages
(and of the memory stage, when the model has one) and the metadata that ties it to this code
(feature names, labels, threshold, training data).  Loading it parses text only: unlike a
pickle, an untrusted model file cannot run code.  What loading makes of a file is kept
(``model.cache``), so the next load of the same file takes milliseconds.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import platform
from pathlib import Path
from typing import Any

import numpy as np

from boilerstrip.errors import ModelError
from boilerstrip.features.memory import MEMORY_NAMES
from boilerstrip.io.atomic import write_atomic
from boilerstrip.io.labeled import LABELS
from boilerstrip.model import cache
from boilerstrip.model.classifier import (CONTEXT_NAMES, LineClassifier, context_columns,
                                          feature_columns)
from boilerstrip.model.site import SiteKnowledge
from boilerstrip.model.trees import Trees

FORMAT = "boilerstrip-model"
FORMAT_VERSION = 2


def library_versions() -> dict[str, str]:
    import lightgbm as lgb
    import sklearn

    return {"python": platform.python_version(), "lightgbm": lgb.__version__,
            "numpy": np.__version__, "scikit-learn": sklearn.__version__}


def save_model_file(model: LineClassifier, path: Path, metadata: dict[str, Any]) -> None:
    """Write the model atomically; ``metadata`` (training data, metrics) travels inside it."""
    boosters = [model.stage_one_.model_to_string(), model.stage_two_.model_to_string()]
    memory_stage = getattr(model, "stage_memory_", None)
    if memory_stage is not None:
        boosters.append(memory_stage.model_to_string())
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "feature_names": list(model.feature_names_in_),
        **({"memory_feature_names": list(MEMORY_NAMES)} if memory_stage is not None else {}),
        "labels": list(LABELS),
        "params": model.get_params(),
        "versions": library_versions(),
        **metadata,
        **({"site": model.site_.to_json()} if getattr(model, "site_", None) else {}),
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


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: cannot read model: {exc.strerror}") from None


def _decode(path: Path, raw: bytes) -> dict[str, Any]:
    """The document in a model file's bytes, its trees' checksum checked."""
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
    if (not isinstance(boosters, list) or len(boosters) not in (2, 3)
            or not all(isinstance(b, str) for b in boosters)
            or _digest(boosters) != document.get("boosters_sha256")):
        raise ModelError(f"{path}: model is corrupt (checksum of the trees does not match)")
    _check(path, document, len(boosters))
    return document


def read_model_document(path: Path) -> dict[str, Any]:
    """Read and check a model file without building the model: for cards and inspection."""
    return _decode(path, _read(path))


def _split_names(names: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A model's feature names as stage one's line features and stage two's context columns,
    which start with stage one's own probability (``CONTEXT_NAMES[0]``)."""
    first = names.index(CONTEXT_NAMES[0])
    return tuple(names[:first]), tuple(names[first:])


def _check(path: Path, document: dict[str, Any], stages: int) -> None:
    """That this code computes the features, memory features and labels the model reads."""
    try:
        line_features, context = _split_names(document.get("feature_names"))
        feature_columns(line_features)
        context_columns(context)
        known = bool(line_features)
    except (AttributeError, KeyError, TypeError, ValueError):
        known = False
    if not known:
        raise ModelError(f"{path}: model was trained on other features than this boilerstrip "
                         "computes: retrain it with this version")
    if stages == 3 and document.get("memory_feature_names") != list(MEMORY_NAMES):
        raise ModelError(f"{path}: model's memory stage was trained on other site-memory "
                         "features than this boilerstrip computes: retrain it with this version")
    if document.get("labels") != list(LABELS):
        raise ModelError(f"{path}: model predicts labels {document.get('labels')}, "
                         f"this boilerstrip expects {list(LABELS)}")


def _site(path: Path, value: Any) -> SiteKnowledge | None:
    """An adapted model's knowledge of its site, checked (None for other models)."""
    if value is None:
        return None
    try:
        return SiteKnowledge.from_json(value, LABELS)
    except ValueError as exc:
        raise ModelError(f"{path}: model is corrupt (what it knows of its site: {exc})") from None


class _BoosterText:
    """A stage's LightGBM text, read from its model file when asked for (trees loaded from
    the cache have only their arrays); picklable, for worker processes."""

    def __init__(self, path: Path, key: str, stage: int) -> None:
        self.path, self.key, self.stage = Path(path), key, stage

    def __call__(self) -> str:
        raw = _read(self.path)
        if hashlib.sha256(raw).hexdigest() != self.key:
            raise ModelError(f"{self.path}: the model file changed since the model was loaded")
        return _decode(self.path, raw)["boosters"][self.stage]


def _stages(path: Path, raw: bytes) -> tuple[dict[str, Any], list[Trees]]:
    """The model file's document (without its trees' text) and its stages' trees: kept ones
    when the cache has this file, else parsed and kept."""
    key = hashlib.sha256(raw).hexdigest()
    kept = cache.read(key)
    if kept is not None:
        document, arrays = kept
        try:
            if len(arrays) not in (2, 3):
                raise ModelError("a kept model has two or three stages")
            stages = [Trees.from_arrays(a, _BoosterText(path, key, i)) for i, a in enumerate(arrays)]
            _check(path, document, len(stages))
            return document, stages
        except ModelError:
            pass  # damaged, or kept by a boilerstrip that computed other features: read the file
    document = _decode(path, raw)
    try:
        stages = [Trees(text) for text in document.pop("boosters")]
    except ModelError as exc:
        raise ModelError(f"{path}: LightGBM cannot read the trees: {exc}") from None
    cache.write(key, document, [trees.to_arrays() for trees in stages])
    return document, stages


def load_model_file(path: Path) -> LineClassifier:
    """A fitted classifier from a model file; ``metadata_`` holds what was saved with it."""
    document, (stage_one, stage_two, *memory_stage) = _stages(path, _read(path))
    params = {k: v for k, v in document.get("params", {}).items()
              if k in LineClassifier().get_params()}
    names = document["feature_names"]
    params["features"], params["context"] = _split_names(names)
    if (stage_one.num_feature(), stage_two.num_feature()) != (len(params["features"]), len(names)) or (
            memory_stage and memory_stage[0].num_feature() != len(names) + len(MEMORY_NAMES)):
        raise ModelError(f"{path}: model was trained on other features than it names: "
                         "it is corrupt, or was written by another program")
    model = LineClassifier(**params)
    model.stage_one_columns_ = feature_columns(params["features"])
    model.context_columns_ = context_columns(params["context"])
    model.stage_one_, model.stage_two_ = stage_one, stage_two
    model.stage_memory_ = memory_stage[0] if memory_stage else None
    model.classes_ = np.array(LABELS)
    model.feature_names_in_ = np.array(names)
    model.site_ = _site(path, document.pop("site", None))
    model.metadata_ = document
    return model
