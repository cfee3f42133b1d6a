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
    """``values`` moved by ``offset`` lines (value of line i+offset at i), NaN past the ends."""
    out = np.full(len(values), np.nan)
    if offset > 0:
        out[:-offset] = values[offset:]
    else:
        out[-offset:] = values[:offset]
    return out


def window_mean(values: np.ndarray, width: int) -> np.ndarray:
    """Mean over the ``width`` lines either side, the window clipped at the document's ends."""
    cumulative = np.concatenate(([0.0], np.cumsum(values)))
    index = np.arange(len(values))
    low = np.maximum(index - width, 0)
    high = np.minimum(index + width + 1, len(values))
    return (cumulative[high] - cumulative[low]) / (high - low)


def neighbours(col: dict[str, np.ndarray]) -> None:
    """Fill the NEIGHBOURS columns from the line columns already filled."""
    for name in NEIGHBOUR_SOURCES:
        for offset in OFFSETS:
            col[f"{name}@{offset:+d}"][:] = shift(col[name], offset)
    for name, width in WINDOWS:
        col[f"{name}~{width}"][:] = window_mean(col[name], width)


def markup(col: dict[str, np.ndarray], rows: np.ndarray | None) -> None:
    """Fill the MARKUP columns from the lines' markup rows (None: plain text, all NaN)."""
    for name, i in MARKUP_INDEX.items():
        col[f"markup.{name}"][:] = np.nan if rows is None else rows[:, i]
    for name in MARKUP_NEIGHBOUR_SOURCES:
        for offset in MARKUP_OFFSETS:
            col[f"markup.{name}@{offset:+d}"][:] = shift(col[f"markup.{name}"], offset)
    for name, width in MARKUP_WINDOWS:
        col[f"markup.{name}~{width}"][:] = window_mean(col[f"markup.{name}"], width)
