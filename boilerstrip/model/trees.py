"""A loaded model's trees, predicted through LightGBM's C library directly.

LightGBM's Python package imports scikit-learn, SciPy and pandas when they are installed:
over a second before the first page, and prediction uses none of them.  This calls the
same library (``lib_lightgbm`` inside the installed lightgbm package) through ctypes, with
the same entry point the Python package uses (``LGBM_BoosterPredictForMat``), so every
probability is the same.  Training still uses the Python package.
"""

from __future__ import annotations

import ctypes
import importlib.util
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

from boilerstrip.errors import ModelError

_C_API_DTYPE_FLOAT64 = 1
_C_API_PREDICT_NORMAL = 0
_library: ctypes.CDLL | None = None
_library_lock = threading.Lock()


def _lightgbm_library() -> ctypes.CDLL:
    """``lib_lightgbm`` from the installed lightgbm package, found without importing it."""
    global _library
    with _library_lock:
        if _library is None:
            spec = importlib.util.find_spec("lightgbm")
            if spec is None or not spec.submodule_search_locations:
                raise ModelError("LightGBM is not installed: pip install lightgbm")
            name = {"win32": "lib_lightgbm.dll", "darwin": "lib_lightgbm.dylib"}.get(
                sys.platform, "lib_lightgbm.so")
            folder = Path(next(iter(spec.submodule_search_locations)))
            found = [p for p in (folder / "lib" / name, folder / "bin" / name, folder.parent / name)
                     if p.is_file()]
            if not found:
                raise ModelError(f"no {name} in the lightgbm package at {folder}")
            library = ctypes.cdll.LoadLibrary(str(found[0]))
            library.LGBM_GetLastError.restype = ctypes.c_char_p
            _library = library
        return _library


def _check(library: ctypes.CDLL, status: int) -> None:
    if status != 0:
        raise ModelError(f"LightGBM: {library.LGBM_GetLastError().decode('utf-8', 'replace')}")


class Trees:
    """A booster loaded from LightGBM's text model format, for prediction only.

    ``predict`` takes what ``lightgbm.Booster.predict`` takes for a dense matrix
    (``num_threads``, early-stopping settings) and returns the same probabilities.
    Pickles as its model text, so worker processes can receive it.
    """

    def __init__(self, model_str: str) -> None:
        self._model_str = model_str
        library = _lightgbm_library()
        handle = ctypes.c_void_p()
        iterations = ctypes.c_int(0)
        _check(library, library.LGBM_BoosterLoadModelFromString(
            model_str.encode("utf-8"), ctypes.byref(iterations), ctypes.byref(handle)))
        self._handle = handle
        classes = ctypes.c_int(0)
        _check(library, library.LGBM_BoosterGetNumClasses(handle, ctypes.byref(classes)))
        self.num_classes = classes.value

    def model_to_string(self) -> str:
        return self._model_str

    def num_feature(self) -> int:
        count = ctypes.c_int(0)
        library = _lightgbm_library()
        _check(library, library.LGBM_BoosterGetNumFeature(self._handle, ctypes.byref(count)))
        return count.value

    def current_iteration(self) -> int:
        """Boosting rounds in the model (``lightgbm.Booster.current_iteration``)."""
        count = ctypes.c_int(0)
        library = _lightgbm_library()
        _check(library, library.LGBM_BoosterGetCurrentIteration(self._handle, ctypes.byref(count)))
        return count.value

    def predict(self, X: np.ndarray, num_threads: int = 1, num_iteration: int = -1,
                **settings: Any) -> np.ndarray:
        """P(class) for each row of ``X``: a vector for a binary model, rows of one column a
        class otherwise.  ``num_iteration`` > 0 uses only the first that many rounds."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        rows, columns = X.shape
        out = np.empty(rows * self.num_classes, dtype=np.float64)
        if rows == 0:
            return out if self.num_classes == 1 else out.reshape(0, self.num_classes)
        parameters = " ".join([f"num_threads={num_threads}"] + [
            f"{key}={str(value).lower() if isinstance(value, bool) else value}"
            for key, value in settings.items()])
        written = ctypes.c_int64(0)
        library = _lightgbm_library()
        _check(library, library.LGBM_BoosterPredictForMat(
            self._handle, X.ctypes.data_as(ctypes.c_void_p), ctypes.c_int(_C_API_DTYPE_FLOAT64),
            ctypes.c_int32(rows), ctypes.c_int32(columns), ctypes.c_int(1),
            ctypes.c_int(_C_API_PREDICT_NORMAL), ctypes.c_int(0), ctypes.c_int(num_iteration),
            parameters.encode("utf-8"), ctypes.byref(written),
            out.ctypes.data_as(ctypes.POINTER(ctypes.c_double))))
        if written.value != len(out):
            raise ModelError(f"LightGBM wrote {written.value} predictions, {len(out)} expected")
        return out if self.num_classes == 1 else out.reshape(rows, self.num_classes)

    def __getstate__(self) -> dict[str, Any]:
        return {"model_str": self._model_str}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["model_str"])  # type: ignore[misc]

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle is not None and _library is not None:
            _library.LGBM_BoosterFree(handle)
            self._handle = None
