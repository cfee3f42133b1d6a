"""From each line's own probabilities to the document's decisions: rules that hold for the
whole document, applied after the trees and before the cut, on every path (predict, eval,
the threshold choice in training)."""

from __future__ import annotations

import re

import numpy as np

from boilerstrip.features.wrapping import decide_paragraphs_together
from boilerstrip.io.labeled import LABELS
from boilerstrip.io.lines import line_key

_BOILERPLATE = LABELS.index("boilerplate")
# A line of nothing but Markdown images, linked or not: ![alt](src), [![alt](src)](href).
_IMAGES_ONLY = re.compile(r"^[ \t]*(?:\[?!\[[^\]\n]*\]\([^)\n]*\)(?:\]\([^)\n]*\))?[ \t]*)+$")


def decode_document(lines: list[str], proba: np.ndarray,
                    memory: dict[str, str] | None = None) -> np.ndarray:
    """``proba`` (NaN rows for blank lines) as the document's decisions need it: a wrapped
    paragraph's lines share one row, and a line that shows only images is boilerplate, as
    the same image is in HTML input, where it makes no line at all.  A line found in
    ``memory`` (an adapted model's, on a page of its site: ``model.site``) takes its label."""
    out = decide_paragraphs_together(lines, proba)
    images = [i for i, line in enumerate(lines) if "![" in line and _IMAGES_ONLY.match(line)]
    remembered = ([(i, LABELS.index(label)) for i, line in enumerate(lines)
                   if (label := memory.get(line_key(line))) is not None and not np.isnan(out[i, 0])]
                  if memory else [])
    if images or remembered:
        out = out.copy()
        out[images] = 0.0
        out[images, _BOILERPLATE] = 1.0
        for i, label_id in remembered:
            out[i] = 0.0
            out[i, label_id] = 1.0
    return out
