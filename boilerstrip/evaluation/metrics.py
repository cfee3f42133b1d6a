"""The Article Extraction Benchmark's kept-text metric, as its evaluate.py computes it:
case-sensitive ``\\w+`` tokens, 4-gram shingle counts, tp/fp/fn normalised per page,
precision and recall averaged over pages, F1 from the two averages."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

_AEB_TOKEN = re.compile(r"\w+")


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _AEB_TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def shingle_match(true: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of 4-gram shingles for one page."""
    t, p = _shingles(true), _shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def aeb_metrics(matches: Sequence[tuple[float, float, float]]) -> dict[str, float]:
    """Precision and recall averaged over pages, as the benchmark computes them."""

    def score(tp: float, other: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == other == 0 else tp / (tp + other)

    precisions = [score(tp, fp, fp, fn) for tp, fp, fn in matches if tp + fp > 0]
    recalls = [score(tp, fn, fp, fn) for tp, fp, fn in matches if tp + fn > 0]
    precision = float(np.mean(precisions)) if precisions else 0.0
    recall = float(np.mean(recalls)) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pages": len(matches)}
