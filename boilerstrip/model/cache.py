"""Model files read once and kept ready to load: each model's parsed trees and its metadata,
in the user's cache directory, under the sha256 of the model file's bytes.

Reading a model file means decompressing it, parsing JSON and turning LightGBM's text into
arrays: about 200 ms for the shipped text model, most of a cold start.  The kept arrays load
in a few milliseconds.  They are NumPy arrays in an ``.npz`` read without pickle, so a cache
file runs no code either, and the trees are checked again as they load
(``Trees.from_arrays``): a damaged cache file is read from the model file again.  A model
file that changes has another hash, so its old entry is never used.

Where: ``$BOILERSTRIP_CACHE_DIR``, else ``$XDG_CACHE_HOME/boilerstrip``, else
``~/.cache/boilerstrip``; ``BOILERSTRIP_CACHE_DIR=off`` keeps nothing.  The directory keeps
the most recently written ``KEEP`` models.  A directory that cannot be written is not an
error: the model is then read from its file each time.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from boilerstrip.io.atomic import atomic_output

# The layout of a kept model: a change to it (or to the trees' arrays) takes a new version.
CACHE_VERSION = 1
KEEP = 16


def cache_directory() -> Path | None:
    """Where models are kept, or None when keeping is off."""
    chosen = os.environ.get("BOILERSTRIP_CACHE_DIR")
    if chosen is not None:
        return None if chosen in ("", "off") else Path(chosen) / "models"
    try:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except RuntimeError:  # no home directory to be found: keep nothing
        return None
    return Path(base) / "boilerstrip" / "models"


def _entry(key: str) -> Path | None:
    directory = cache_directory()
    return None if directory is None else directory / f"{key}.v{CACHE_VERSION}.npz"


def read(key: str) -> tuple[dict[str, Any], list[dict[str, np.ndarray]]] | None:
    """The kept metadata document and each stage's arrays for the model file of hash
    ``key``, or None when there are none or they cannot be read."""
    path = _entry(key)
    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        document = json.loads(arrays.pop("document").tobytes().decode("utf-8"))
        stages: list[dict[str, np.ndarray]] = [{} for _ in range(int(arrays.pop("stages")))]
        for name, values in arrays.items():
            stage, _, field = name.partition(".")
            stages[int(stage)][field] = values
    except (OSError, ValueError, KeyError, IndexError, EOFError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    return (document, stages) if isinstance(document, dict) else None


def write(key: str, document: dict[str, Any], stages: list[dict[str, np.ndarray]]) -> None:
    """Keep a model (best effort: a directory that cannot be written keeps nothing)."""
    path = _entry(key)
    if path is None:
        return
    arrays = {f"{i}.{field}": values for i, stage in enumerate(stages) for field, values in stage.items()}
    arrays["document"] = np.frombuffer(json.dumps(document).encode("utf-8"), dtype=np.uint8)
    arrays["stages"] = np.array(len(stages))
    try:
        with atomic_output(path) as handle:
            np.savez(handle, **arrays)
        kept = sorted(path.parent.glob(f"*.v{CACHE_VERSION}.npz"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
