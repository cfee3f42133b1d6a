"""The context stage: what the lines around a line look like, and the markup columns (a
line's own and its neighbours')."""

from __future__ import annotations

import numpy as np

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


def _moved_together(X: np.ndarray, column: dict[str, int], sources: tuple[str, ...],
                    offsets: tuple[int, ...], windows: tuple[tuple[str, int], ...], prefix: str) -> None:
    """Fill the neighbour and window columns of ``sources``, all sources at once per offset."""
    values = X[:, [column[prefix + name] for name in sources]]
    for offset in offsets:
        X[:, [column[f"{prefix}{name}@{offset:+d}"] for name in sources]] = shift(values, offset)
    for width in sorted({width for _, width in windows}):
        names = [name for name, w in windows if w == width]
        X[:, [column[f"{prefix}{name}~{width}"] for name in names]] = window_mean(
            X[:, [column[prefix + name] for name in names]], width)


def neighbours(X: np.ndarray, column: dict[str, int]) -> None:
    """Fill the NEIGHBOURS columns of X from the line columns already filled (``column``:
    each feature's column)."""
    _moved_together(X, column, NEIGHBOUR_SOURCES, OFFSETS, WINDOWS, "")


def markup(X: np.ndarray, column: dict[str, int], rows: np.ndarray | None) -> None:
    """Fill the MARKUP columns from the lines' markup rows (None: plain text, all NaN)."""
    X[:, [column[f"markup.{name}"] for name in MARKUP_INDEX]] = (
        np.nan if rows is None else rows[:, list(MARKUP_INDEX.values())])
    _moved_together(X, column, MARKUP_NEIGHBOUR_SOURCES, MARKUP_OFFSETS, MARKUP_WINDOWS, "markup.")
