"""The shipped models, and models loaded once per path and shared by every thread."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path

from boilerstrip.io.reading import InputFormat
from boilerstrip.model.classifier import LineClassifier
from boilerstrip.model.file import load_model_file

# One shipped model per input format: HTML has markup the text renderings lack, and a
# model trained on HTML alone measures better on it than one shared with text.
SHIPPED_MODEL_NAMES: dict[str, str] = {"text": "default.json.gz", "markdown": "default.json.gz",
                                       "html": "html.json.gz"}
_cache: dict[str, LineClassifier] = {}
_cache_lock = threading.Lock()


def default_model_path(input_format: InputFormat = "text") -> Path:
    """The shipped model for ``input_format``: text and Markdown share one, HTML has its own."""
    name = SHIPPED_MODEL_NAMES[input_format]
    return Path(str(resources.files("boilerstrip._models").joinpath(name)))


def load_model(path: str | Path | None = None, input_format: InputFormat = "text") -> LineClassifier:
    """Load a model file once per path and keep it: later calls, from any thread, share it.

    Without ``path``, the shipped model for ``input_format``."""
    key = str(Path(path).resolve()) if path else str(default_model_path(input_format))
    with _cache_lock:
        if key not in _cache:
            _cache[key] = load_model_file(Path(key))
        return _cache[key]
