"""The context stage: what the lines around a line look like, and the markup columns (a
line's own and its neighbours')."""

from __future__ import annotations

from functools import partial

import numpy as np

from boilerstrip.features._context import move_columns
from boilerstrip.rendering.markup import MARKUP_INDEX, MARKUP_NAMES

# Line features whose values at the three lines either side, and means over windows of
# lines, are features too.
NEIGHBOUR_SOURCES = (
    "log_chars", "tokens", "terminal_end", "link_share", "times", "bullet_start", "upper_share",
    "digit_share", "prose", "capitalised_share", "boiler_words", "off_script", "dates", "date_end",
)
OFFSETS = (-3, -2, -1, 1, 2, 3)
WINDOWS = (("prose", 5), ("log_chars", 5), ("link_share", 5), ("bullet_start", 5))
NEIGHBOURS = (tuple(f"{name}@{offset:+d}" for name in NEIGHBOUR_SOURCES for offset in OFFSETS)
              + tuple(f"{name}~{width}" for name, width in WINDOWS))

# Markup columns (NaN for plain text) and the markup of the lines around.
MARKUP_NEIGHBOUR_SOURCES = ("link_density", "heading_level", "in_p", "list_item")
MARKUP_OFFSETS = (-2, -1, 1, 2)
MARKUP_WINDOWS = (("link_density", 5), ("in_p", 5), ("cls_content", 5))
MARKUP = (tuple(f"markup.{name}" for name in MARKUP_NAMES)
          + tuple(f"markup.{name}@{offset:+d}" for name in MARKUP_NEIGHBOUR_SOURCES
                  for offset in MARKUP_OFFSETS)
          + tuple(f"markup.{name}~{width}" for name, width in MARKUP_WINDOWS))


def shift(values: np.ndarray, offset: int) -> np.ndarray:
    """``values`` (a column, or columns side by side) moved by ``offset`` lines (value of line
    i+offset at i), NaN past the ends."""
    out = np.full(values.shape, np.nan)
    if offset > 0:
        out[:-offset] = values[offset:]
    else:
        out[-offset:] = values[:offset]
    return out


def window_mean(values: np.ndarray, width: int) -> np.ndarray:
    """Mean over the ``width`` lines either side, the window clipped at the document's ends
    (of a column, or of columns side by side)."""
    cumulative = np.concatenate((np.zeros((1, *values.shape[1:])), np.cumsum(values, axis=0)))
    index = np.arange(len(values))
    low = np.maximum(index - width, 0)
    high = np.minimum(index + width + 1, len(values))
    size = (high - low).reshape(-1, *([1] * (values.ndim - 1)))
    return (cumulative[high] - cumulative[low]) / size


class _Moves:
    """The column numbers one call of the compiled pass needs, for a group of sources."""

    def __init__(self, column: dict[str, int], sources: tuple[str, ...], offsets: tuple[int, ...],
                 windows: tuple[tuple[str, int], ...], prefix: str) -> None:
        index = partial(np.array, dtype=np.intp)
        self.sources = index([column[prefix + name] for name in sources])
        self.offsets = index(offsets)
        self.shifted = index([[column[f"{prefix}{name}@{offset:+d}"] for name in sources]
                              for offset in offsets]).reshape(len(offsets), len(sources))
        self.window_sources = index([column[prefix + name] for name, _ in windows])
        self.window_widths = index([width for _, width in windows])
        self.window_targets = index([column[f"{prefix}{name}~{width}"] for name, width in windows])

    def __call__(self, X: np.ndarray) -> None:
        move_columns(X, self.sources, self.offsets, self.shifted, self.window_sources,
                     self.window_widths, self.window_targets, np.empty(len(X) + 1))


# Per column mapping (the features' own, in practice one): the mapping, kept so that its id
# stays its own, and its moves for the line and the markup columns.
_MOVES: dict[int, tuple[dict[str, int], _Moves, _Moves]] = {}


def _moves(column: dict[str, int]) -> tuple[dict[str, int], _Moves, _Moves]:
    kept = _MOVES.get(id(column))
    if kept is None or kept[0] is not column:
        kept = _MOVES[id(column)] = (
            column, _Moves(column, NEIGHBOUR_SOURCES, OFFSETS, WINDOWS, ""),
            _Moves(column, MARKUP_NEIGHBOUR_SOURCES, MARKUP_OFFSETS, MARKUP_WINDOWS, "markup."))
    return kept


def neighbours(X: np.ndarray, column: dict[str, int]) -> None:
    """Fill the NEIGHBOURS columns of X from the line columns already filled (``column``:
    each feature's column): the value of line i+k at line i (NaN past the ends), and the mean
    over the lines within a window's width either side (the window clipped at the ends)."""
    _moves(column)[1](X)


def markup(X: np.ndarray, column: dict[str, int], rows: np.ndarray | None) -> None:
    """Fill the MARKUP columns from the lines' markup rows (None: plain text, all NaN)."""
    X[:, [column[f"markup.{name}"] for name in MARKUP_INDEX]] = (
        np.nan if rows is None else rows[:, list(MARKUP_INDEX.values())])
    _moves(column)[2](X)
