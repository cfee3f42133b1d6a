"""The layout stages: a line's shape, its repetition, its position in the document, and the
document's main run of prose (where the article most likely is) with the line's place
relative to it."""

from __future__ import annotations

from collections import Counter

import numpy as np

from boilerstrip.features.text import Columns, DocumentText
from boilerstrip.features.wrapping import WORD_ROOM, wrap_width

SHAPE = ("chars", "log_chars", "indent")
REPETITION = ("repeats", "first_occurrence")
POSITION = ("rel_position", "from_start", "from_end", "chars_before_share", "blank_before",
            "blank_after", "chars_vs_max", "chars_vs_median", "doc_lines", "doc_log_chars")
MAIN_RUN = ("prose", "in_main_run", "main_run_distance")
# Layout measured against the document's own habits, so that one renderer's indentation and
# blank-line convention mean no more than another's.
TEXT_LAYOUT = ("indent_level", "indent_rank", "doc_blank_share", "blank_vs_doc", "wrapped_doc",
               "reaches_wrap")
MAX_INDENT_LEVELS = 8


def shape(col: Columns, text: DocumentText) -> None:
    col["chars"][:] = text.stripped
    col["log_chars"][:] = np.log1p(text.stripped)
    col["indent"][:] = text.indent


def repetition(col: Columns, text: DocumentText) -> None:
    """How often a line's text recurs in the document, and whether this is its first time."""
    keys = [line.strip().casefold() for line in text.sampled]
    seen = Counter(keys)
    col["repeats"][:] = [seen[k] - 1 for k in keys]
    first: dict[str, int] = {}
    col["first_occurrence"][:] = [first.setdefault(k, i) == i for i, k in enumerate(keys)]


def position(col: Columns, text: DocumentText) -> None:
    n, stripped, blank = text.n, text.stripped, text.blank
    index = np.arange(n, dtype=np.float64)
    col["rel_position"][:] = index / max(n - 1, 1)
    col["from_start"][:] = index
    col["from_end"][:] = n - 1 - index
    col["chars_before_share"][:] = (np.cumsum(stripped) - stripped) / max(stripped.sum(), 1)
    col["blank_before"][:] = np.concatenate(([False], blank[:-1]))[text.rows]
    col["blank_after"][:] = np.concatenate((blank[1:], [False]))[text.rows]
    col["chars_vs_max"][:] = stripped / max(stripped.max(), 1)
    col["chars_vs_median"][:] = stripped / max(float(np.median(stripped)), 1)
    col["doc_lines"][:] = np.log1p(n)
    col["doc_log_chars"][:] = np.log1p(stripped.sum())


def _longest_prose_run(prose: np.ndarray, chars: np.ndarray, max_gap: int = 2) -> tuple[int, int]:
    """The run of prose lines (gaps of up to ``max_gap`` other lines allowed) with the most text."""
    best = (0, -1, 0.0)
    start = last = -1
    total = 0.0
    for i in np.flatnonzero(prose):
        if start < 0 or i - last - 1 > max_gap:
            start, total = i, 0.0
        total += chars[i]
        last = i
        if total > best[2]:
            best = (start, last, total)
    return best[0], best[1]


def main_run(col: Columns, text: DocumentText) -> None:
    """Prose lines (eight tokens or more, a sentence mark, little link text) and where each
    line lies against the longest run of them.  Reads the script-mix and pattern columns."""
    prose = ((col["tokens"] >= 8) & (col["sentence_marks"] + col["terminal_end"] > 0)
             & (col["link_share"] < 0.5))
    col["prose"][:] = prose
    index = np.arange(text.n, dtype=np.float64)
    run_start, run_end = _longest_prose_run(prose, text.stripped)
    col["in_main_run"][:] = (index >= run_start) & (index <= run_end)
    col["main_run_distance"][:] = np.where(
        index < run_start, index - run_start, np.where(index > run_end, index - run_end, 0))


def text_layout(col: Columns, text: DocumentText, lines: list[str]) -> None:
    """Indentation in the document's own steps from its usual indentation, and as a rank;
    blank lines against how often the document has them; whether it is hard-wrapped and
    whether a line reaches the wrap width (its paragraph goes on).  Reads the shape columns."""
    indent = col["indent"]
    usual = np.bincount(indent.astype(np.int64)).argmax()
    steps = np.diff(np.unique(indent))
    step = max(float(steps.min()), 1.0) if len(steps) else 1.0
    col["indent_level"][:] = np.clip((indent - usual) / step, -MAX_INDENT_LEVELS, MAX_INDENT_LEVELS)
    order = np.sort(indent)
    col["indent_rank"][:] = np.searchsorted(order, indent, side="left") / text.n
    blank_share = float(text.blank.mean())
    col["doc_blank_share"][:] = blank_share
    col["blank_vs_doc"][:] = (col["blank_before"] + col["blank_after"]) / 2 - blank_share
    widths = text.right_stripped
    width = wrap_width(lines, widths)
    col["wrapped_doc"][:] = width is not None
    if width is not None:
        col["reaches_wrap"][:] = widths[text.rows] >= width - WORD_ROOM
