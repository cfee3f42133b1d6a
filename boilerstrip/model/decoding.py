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


def decode_document(lines: list[str], proba: np.ndarray) -> np.ndarray:
    """``proba`` (NaN rows for blank lines) as the document's decisions need it: a wrapped
    paragraph's lines share one row, and a line that shows only images is boilerplate, as
    the same image is in HTML input, where it makes no line at all."""
    out = decide_paragraphs_together(lines, proba)
    images = [i for i, line in enumerate(lines) if "![" in line and _IMAGES_ONLY.match(line)]
    if images:
        out = out.copy()
        out[images] = 0.0
        out[images, _BOILERPLATE] = 1.0
    return out
