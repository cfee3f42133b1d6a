"""Hard-wrapped text: text browsers (w3m, lynx) and e-mail-style dumps break a paragraph over
lines of at most 72 to 80 columns.  Such a document is recognised by its width, and each
wrapped paragraph's lines are then decided together: the model should never keep half a
paragraph."""

from __future__ import annotations

import math

import numpy as np

from boilerstrip.features.characters import ends_sentence_and_starts_bullet
from boilerstrip.features.text import right_stripped_lengths

MIN_WIDTH, MAX_WIDTH = 50, 100
# A line ends within this many columns of the width when the next word did not fit.
WORD_ROOM = 20
MIN_WRAPPED_LINES, MIN_WRAPPED_SHARE = 5, 0.15
MAX_CLOSED_SHARE = 0.5


def wrap_width(lines: list[str], widths: np.ndarray | None = None) -> int | None:
    """The column a hard-wrapped document is wrapped at, or None for text that is not
    (``widths``: each line's length without white space at its end, if known)."""
    if widths is None:
        widths = right_stripped_lengths(lines)
    filled = np.sort(widths[widths > 0]).tolist()
    if len(filled) < MIN_WRAPPED_LINES:
        return None
    width = int(_percentile_98(filled))
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        return None
    continued = (widths[:-1] >= width - WORD_ROOM) & (widths[1:] > 0)
    if continued.sum() < max(MIN_WRAPPED_LINES, MIN_WRAPPED_SHARE * len(filled)):
        return None
    # Wrapping breaks sentences: most lines that reach the width end mid-sentence.  Lines of
    # one paragraph each (short paragraphs, CJK text) mostly end with a sentence mark.
    closed = sum(ends_sentence_and_starts_bullet(lines[i])[0] for i in np.flatnonzero(continued))
    if closed > MAX_CLOSED_SHARE * continued.sum():
        return None
    return width


def _percentile_98(ordered: list[int]) -> float:
    """``np.percentile(ordered, 98)`` of sorted integers, as numpy computes it (linear
    interpolation, from the upper neighbour when nearer it), without numpy's per-call cost."""
    virtual = (len(ordered) - 1) * 0.98
    below = math.floor(virtual)
    fraction = virtual - below
    low, high = ordered[below], ordered[min(below + 1, len(ordered) - 1)]
    step = high - low
    return high - step * (1 - fraction) if fraction >= 0.5 else low + step * fraction


def wrapped_paragraphs(lines: list[str]) -> list[range]:
    """The runs of two or more lines that make one wrapped paragraph (none if the document is
    not hard-wrapped): a line that reaches the wrap width continues on the next line when
    that one is not blank, not less indented and does not start a list item."""
    width = wrap_width(lines)
    if width is None:
        return []
    indents = [len(line) - len(line.lstrip()) for line in lines]
    runs, start = [], 0
    for i in range(1, len(lines) + 1):
        joins = (i < len(lines) and lines[i].strip() and len(lines[i - 1].rstrip()) >= width - WORD_ROOM
                 and indents[i] >= indents[i - 1] and not ends_sentence_and_starts_bullet(lines[i])[1])
        if not joins:
            if i - start > 1:
                runs.append(range(start, i))
            start = i
    return runs


def decide_paragraphs_together(lines: list[str], proba: np.ndarray) -> np.ndarray:
    """``proba`` with each wrapped paragraph's rows replaced by their mean weighted by line
    length, so its lines share one label."""
    runs = wrapped_paragraphs(lines)
    if not runs:
        return proba
    out = proba.copy()
    for run in runs:
        rows = np.array(run)
        weights = np.array([len(lines[r].strip()) for r in rows], dtype=np.float64)
        out[rows] = (proba[rows] * weights[:, None]).sum(axis=0) / weights.sum()
    return out
