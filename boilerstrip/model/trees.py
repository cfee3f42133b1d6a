"""A model's trees, read from LightGBM's text model format and predicted by compiled code.

Prediction needs neither LightGBM's Python package (which imports scikit-learn, SciPy and
pandas: over a second before the first page) nor its C library and OpenMP pool (a process
that forks after a prediction used to hang).  The trees are flattened into a few arrays and
evaluated by ``_forest``, which takes every decision as LightGBM's predictor does: the same
probabilities to the last bit (``tests/test_trees.py`` checks it against LightGBM itself).
Training still uses LightGBM.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from boilerstrip.errors import ModelError
from boilerstrip.model import _forest

# A thread predicts at least this many rows: fewer are not worth a thread's start.
_ROWS_PER_THREAD = 2048
_MISSING_NONE, _MISSING_ZERO = 0, 1  # LightGBM's missing types (decision_type bits 2-3)
_NODE_KEYS = ("split_feature", "threshold", "decision_type", "left_child", "right_child")
_TREE_KEYS = ("num_leaves", "num_cat", "is_linear", *_NODE_KEYS, "leaf_value")


def _header_value(header: dict[str, str], key: str) -> str:
    if key not in header:
        raise ModelError(f"not a LightGBM text model: no {key}")
    return header[key]


class Trees:
    """A booster in LightGBM's text model format, for prediction only.

    ``predict`` takes what ``lightgbm.Booster.predict`` takes for a dense matrix
    (``num_threads``, ``num_iteration``, ``pred_early_stop`` settings) and returns the same
    probabilities.  Its arrays (``to_arrays``) can be kept and built on again without the
    text (``from_arrays``, which checks them as the text is checked); it pickles as them, so
    worker processes receive it ready to predict.
    """

    def __init__(self, model_str: str) -> None:
        self._model_str: str | None = model_str
        self._text: Callable[[], str] | None = None
        head, _, body = model_str.partition("\nTree=")
        body = body.partition("\nend of trees")[0]
        header = dict(line.split("=", 1) for line in head.splitlines() if "=" in line)
        objective = _header_value(header, "objective").split() or [""]
        settings = dict(part.split(":", 1) for part in objective[1:] if ":" in part)
        try:
            self.num_classes = int(_header_value(header, "num_tree_per_iteration"))
            self._num_features = int(_header_value(header, "max_feature_idx")) + 1
            self._sigmoid = float(settings.get("sigmoid", 1.0))
        except ValueError:
            raise ModelError("not a LightGBM text model: a header value is not a number") from None
        if self.num_classes < 1 or self._num_features < 1:
            raise ModelError("not a LightGBM text model: no classes or no features")
        binary = objective[0] == "binary" and self.num_classes == 1
        softmax = objective[0] in ("multiclass", "softmax") and self.num_classes > 1
        if not (binary or softmax):
            raise ModelError(f"trees for objective {' '.join(objective)!r}: boilerstrip predicts "
                             "binary and multiclass trees")
        self._flatten(body.partition("\n")[2])

    def _flatten(self, body: str) -> None:
        """One node record per decision of every tree, then one per leaf, as ``_forest``
        walks them: children and roots numbered across the forest, and a leaf's record its
        own child both ways."""
        values: dict[str, list[str]] = {key: [] for key in _TREE_KEYS}
        for line in body.splitlines():
            key, _, value = line.partition("=")
            if key in values:
                values[key].append(value)
        if any(v.strip() not in ("", "0") for v in values["num_cat"] + values["is_linear"]):
            raise ModelError("categorical or linear trees: boilerstrip predicts numerical trees")
        try:
            counts = np.array(values["num_leaves"], dtype=np.int64)
            arrays = {key: _forest.numbers(" ".join(values[key]).encode("ascii"))
                      for key in (*_NODE_KEYS, "leaf_value")}
        except (ValueError, UnicodeEncodeError):
            raise ModelError("a tree holds something that is not a number") from None
        decisions, leaves = int((counts - 1).sum()), int(counts.sum())
        if (not len(counts) or len(counts) % self.num_classes or counts.min() < 1
                or len(arrays["leaf_value"]) != leaves
                or any(len(arrays[key]) != decisions for key in _NODE_KEYS)):
            raise ModelError(f"{len(counts)} trees whose arrays do not match their leaves, "
                             f"for {self.num_classes} per round")
        first_decision, first_leaf = np.cumsum(counts - 1) - (counts - 1), np.cumsum(counts) - counts
        node_offset = np.repeat(first_decision, counts - 1)
        leaf_offset = np.repeat(first_leaf, counts - 1)

        # LightGBM numbers a tree's decisions in the order they were made, so a decision's
        # children come after it: checked, so a walk always ends inside its own tree.
        local = {key: arrays[key].astype(np.int64) for key in ("left_child", "right_child")}
        parent = np.arange(decisions) - node_offset
        tree_size = np.repeat(counts, counts - 1)
        for child in local.values():
            inner_ok = (child > parent) & (child < tree_size - 1)
            leaf_ok = (~child >= 0) & (~child < tree_size)
            if not np.where(child >= 0, inner_ok, leaf_ok).all():
                raise ModelError("a tree's children do not form a tree")

        def children(key: str) -> np.ndarray:
            child = local[key]
            return np.where(child >= 0, child + node_offset, decisions + ~child + leaf_offset)

        decision = arrays["decision_type"].astype(np.uint8)
        missing, default_left = (decision >> 2) & 3, (decision & 2) != 0
        nodes = np.zeros(decisions + leaves, dtype=_forest.NODE_DTYPE)
        inner, leaf_nodes = nodes[:decisions], nodes[decisions:]
        inner["threshold"] = arrays["threshold"]
        inner["feature"] = arrays["split_feature"]
        inner["left"], inner["right"] = children("left_child"), children("right_child")
        # LightGBM sends a missing value the default way when missing values have one
        # (missing type NaN, or zero, to which a missing value is first made); else it
        # compares zero with the threshold.
        inner["nan_right"] = np.where(missing == _MISSING_NONE, ~(0.0 <= inner["threshold"]),
                                      ~default_left)
        inner["zero_missing"] = missing == _MISSING_ZERO
        inner["zero_right"] = ~default_left
        leaf_nodes["left"] = leaf_nodes["right"] = np.arange(decisions, decisions + leaves)
        if decisions and not (0 <= inner["feature"].min() <= inner["feature"].max()
                              < self._num_features):
            raise ModelError("a tree splits on a feature the model does not have")
        self._use_arrays({
            "roots": np.where(counts > 1, first_decision, decisions + first_leaf).astype(np.int32),
            "nodes": nodes.view(np.uint8), "leaf": arrays["leaf_value"],
            "sizes": np.array([self.num_classes, self._num_features, decisions], dtype=np.int64),
            "sigmoid": np.array([self._sigmoid], dtype=np.float64)})

    def to_arrays(self) -> dict[str, np.ndarray]:
        """What prediction needs, as arrays of numbers (for ``from_arrays``)."""
        return {"roots": self._roots, "nodes": self._nodes, "leaf": self._leaf,
                "sizes": np.array([self.num_classes, self._num_features, self._leaf_start], dtype=np.int64),
                "sigmoid": np.array([self._sigmoid], dtype=np.float64)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], text: Callable[[], str] | None = None) -> Trees:
        """Trees from ``to_arrays``' arrays, checked so that no walk can leave them or loop;
        ``text`` gives the model text when ``model_to_string`` asks for it."""
        trees = cls.__new__(cls)
        trees._use_arrays(arrays)
        trees._model_str, trees._text = None, text
        return trees

    def _use_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        try:
            roots, nodes, leaf, sizes, sigmoid = (np.asarray(arrays[key]) for key in
                                                  ("roots", "nodes", "leaf", "sizes", "sigmoid"))
        except KeyError as exc:
            raise ModelError(f"the trees' arrays lack {exc}") from None
        if (roots.dtype != np.int32 or nodes.dtype != np.uint8 or leaf.dtype != np.float64
                or sizes.dtype != np.int64 or sigmoid.dtype != np.float64
                or roots.ndim != 1 or nodes.ndim != 1 or leaf.ndim != 1 or sizes.shape != (3,)
                or sigmoid.shape != (1,) or len(nodes) % _forest.NODE_DTYPE.itemsize):
            raise ModelError("the trees' arrays are not of the expected types and shapes")
        num_classes, num_features, leaf_start = (int(v) for v in sizes)
        records = nodes.view(_forest.NODE_DTYPE)
        index = np.arange(len(records))
        inner, leaves = records[:leaf_start], records[leaf_start:]
        inside = (0 <= leaf_start <= len(records) and len(leaves) == len(leaf) and num_classes >= 1
                  and num_features >= 1 and len(roots) and len(roots) % num_classes == 0
                  and 0 <= roots.min() and roots.max() < len(records))
        if inside:
            for child in (inner["left"], inner["right"]):
                # a decision's children come after it, or are leaves: every walk ends
                inside &= bool((((child > index[:leaf_start]) & (child < leaf_start))
                                | ((child >= leaf_start) & (child < len(records)))).all())
            inside &= bool((leaves["left"] == index[leaf_start:]).all()
                           and (leaves["right"] == index[leaf_start:]).all()
                           and ((inner["feature"] >= 0) & (inner["feature"] < num_features)).all()
                           and (inner["nan_right"] <= 1).all() and (inner["zero_right"] <= 1).all())
        if not inside:
            raise ModelError("the trees' arrays do not form trees")
        self.num_classes, self._num_features, self._leaf_start = num_classes, num_features, leaf_start
        self._sigmoid = float(sigmoid[0])
        self._roots, self._nodes, self._leaf = roots, nodes, leaf
        self._zero_missing = bool(inner["zero_missing"].any())

    def model_to_string(self) -> str:
        if self._model_str is None:
            if self._text is None:
                raise ModelError("these trees were built from arrays without their model text")
            self._model_str = self._text()
        return self._model_str

    def num_feature(self) -> int:
        return self._num_features

    def current_iteration(self) -> int:
        """Boosting rounds in the model (``lightgbm.Booster.current_iteration``)."""
        return len(self._roots) // self.num_classes

    def predict(self, X: np.ndarray, num_threads: int = 1, num_iteration: int = -1,
                pred_early_stop: bool = False, pred_early_stop_freq: int = 10,
                pred_early_stop_margin: float = 10.0) -> np.ndarray:
        """P(class) for each row of ``X``: a vector for a binary model, rows of one column a
        class otherwise.  ``num_iteration`` > 0 uses only the first that many rounds;
        ``pred_early_stop`` stops adding a row's rounds once its best raw score leads by
        ``pred_early_stop_margin``, checked every ``pred_early_stop_freq`` rounds."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self._num_features:
            raise ModelError(f"the trees take {self._num_features} features, "
                             f"the rows have {X.shape[-1] if X.ndim else 0}")
        rounds = self.current_iteration()
        rounds = min(num_iteration, rounds) if num_iteration > 0 else rounds
        out = np.empty((len(X), self.num_classes))
        settings = (self._roots, self._nodes, self._leaf, self._leaf_start, self.num_classes, rounds, self._sigmoid,
                    pred_early_stop_freq if pred_early_stop else 0, pred_early_stop_margin,
                    self._zero_missing)
        threads = min(max(1, num_threads), len(X) // _ROWS_PER_THREAD)
        if threads <= 1:
            _forest.predict(X, *settings, out)
        else:
            bounds = np.linspace(0, len(X), threads + 1).astype(int)
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(lambda a, b: _forest.predict(X[a:b], *settings, out[a:b]),
                              bounds[:-1], bounds[1:]))
        return out[:, 0] if self.num_classes == 1 else out

    def __getstate__(self) -> dict[str, Any]:
        return {"arrays": self.to_arrays(), "model_str": self._model_str, "text": self._text}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._use_arrays(state["arrays"])
        self._model_str, self._text = state["model_str"], state["text"]
