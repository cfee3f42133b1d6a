"""From each line's own probabilities to the document's decisions: rules that hold for the
whole document, applied after the trees and before the cut, on every path (predict, eval,
the threshold choice in training)."""

from __future__ import annotations

import re

import numpy as np

from boilerstrip.features.wrapping import decide_paragraphs_together
from boilerstrip.io.labeled import LABELS

_BOILERPLATE = LABELS.index("boilerplate")
# A line of nothing but Markdown images, linked or not: ![alt](src), [![alt](src)](href).
_IMAGES_ONLY = re.compile(r"^[ \t]*(?:\[?!\[[^\]\n]*\]\([^)\n]*\)(?:\]\([^)\n]*\))?[ \t]*)+$")


def decode_document(lines: list[str], proba: np.ndarray,
                    known: list[str | None] | None = None,
                    log_odds: np.ndarray | None = None) -> np.ndarray:
    """``proba`` (NaN rows for blank lines) as the document's decisions need it: a wrapped
    paragraph's lines share one row, and a line that shows only images is boilerplate, as
    the same image is in HTML input, where it makes no line at all.  On a page of an adapted
    model's site (``SiteKnowledge.recall``), a line's log-odds of content move by
    ``log_odds``, and a line whose label is ``known`` takes it."""
    if log_odds is not None and log_odds.any():
        proba = shifted(proba, log_odds)
    out = decide_paragraphs_together(lines, proba)
    images = [i for i, line in enumerate(lines) if "![" in line and _IMAGES_ONLY.match(line)]
    remembered = ([(i, LABELS.index(label)) for i, label in enumerate(known)
                   if label is not None and not np.isnan(out[i, 0])] if known else [])
    if images or remembered:
        out = out.copy()
        out[images] = 0.0
        out[images, _BOILERPLATE] = 1.0
        for i, label_id in remembered:
            out[i] = 0.0
            out[i, label_id] = 1.0
    return out


def shifted(proba: np.ndarray, log_odds: np.ndarray) -> np.ndarray:
    """``proba`` with each row's log-odds of content (body or title) moved by ``log_odds``;
    body and title keep their ratio, and rows not moved stay as they are."""
    rows = np.flatnonzero(log_odds)
    content = np.clip(1.0 - proba[rows, _BOILERPLATE], 1e-12, 1.0 - 1e-12)
    odds = content / (1.0 - content) * np.exp(log_odds[rows])
    moved = odds / (1.0 + odds)
    out = proba.copy()
    out[rows] *= (moved / content)[:, None]
    out[rows, _BOILERPLATE] = 1.0 - moved
    return out
