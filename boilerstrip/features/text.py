"""A document's non-blank lines as the feature stages read them: one joined string, each
line's start in it, and its lengths.

A line's patterns are read from its first MAX_FEATURE_CHARS characters, its length from
all of it: a 50 MB line then costs memory in proportion to that cap, not to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from boilerstrip.features._line_counts import MEASURES, line_measures
from boilerstrip.features.characters import line_counts

MAX_FEATURE_CHARS = 1 << 16
_LENGTH, _STRIPPED, _LEADING, _RIGHT_STRIPPED, _BREAKS = (MEASURES.index(name) for name in (
    "length", "stripped", "leading_space", "right_stripped", "breaks_within"))


@dataclass(frozen=True)
class DocumentText:
    """The non-blank lines of a document (``rows`` are their indices among all its lines)."""

    sampled: list[str]      # each line's first MAX_FEATURE_CHARS characters, CR and LF as spaces
    stripped: np.ndarray    # each whole line's length without surrounding white space
    rows: np.ndarray
    blank: np.ndarray       # for every line of the document, blank or not
    measures: np.ndarray    # for every line of the document, ``line_measures``' columns

    @classmethod
    def of(cls, lines: list[str]) -> "DocumentText":
        measures = line_measures(lines, MAX_FEATURE_CHARS)
        blank = measures[:, _STRIPPED] == 0
        rows = np.flatnonzero(~blank)
        whole = (measures[:, _LENGTH] <= MAX_FEATURE_CHARS) & (measures[:, _BREAKS] == 0)
        sampled = [lines[i] if whole[i] else lines[i][:MAX_FEATURE_CHARS].replace("\n", " ").replace("\r", " ")
                   for i in rows]
        return cls(sampled, measures[rows, _STRIPPED].astype(np.float64), rows, blank, measures)

    @property
    def n(self) -> int:
        return len(self.rows)

    @cached_property
    def joined(self) -> str:
        """The sampled lines joined by LF: patterns run once over it."""
        return "\n".join(self.sampled)

    @cached_property
    def lowered(self) -> str:
        """``joined`` in lower case, character for character (a few letters, such as İ,
        lower-case to two characters: those stay as they are)."""
        doc = self.joined
        lower = doc.lower()
        if len(lower) != len(doc):
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in doc)
        return lower

    @cached_property
    def lengths(self) -> np.ndarray:
        return np.minimum(self.measures[self.rows, _LENGTH], MAX_FEATURE_CHARS).astype(np.float64)

    @cached_property
    def right_stripped(self) -> np.ndarray:
        """For every line of the document, its length without white space at its end."""
        return self.measures[:, _RIGHT_STRIPPED]

    @cached_property
    def indent(self) -> np.ndarray:
        """The white space that leads each line's sampled characters."""
        return np.minimum(self.measures[self.rows, _LEADING], MAX_FEATURE_CHARS).astype(np.float64)

    @cached_property
    def starts(self) -> np.ndarray:
        """Where each line starts in ``joined``."""
        return np.concatenate(([0], np.cumsum(self.lengths[:-1] + 1))).astype(np.int64)

    @cached_property
    def sampled_chars(self) -> np.ndarray:
        """Characters the patterns read, at least 1: the denominator of every share."""
        chars = self.stripped.copy()
        for i in np.flatnonzero(self.lengths < self.measures[self.rows, _LENGTH]):  # longer lines
            chars[i] = len(self.sampled[i].strip())
        return np.maximum(chars, 1)

    @cached_property
    def counts(self) -> dict[str, np.ndarray]:
        """Per line: each pattern's matches, link characters, and characters of each class
        (``characters.line_counts``)."""
        return line_counts(self.joined, self.lowered, self.starts)


class Columns:
    """The feature matrix's columns by name, for the stages to fill and read: each a view of
    the matrix, made when a stage asks for it."""

    __slots__ = ("X", "index")

    def __init__(self, X: np.ndarray, index: dict[str, int]) -> None:
        self.X, self.index = X, index

    def __getitem__(self, name: str) -> np.ndarray:
        return self.X[:, self.index[name]]


def right_stripped_lengths(lines: list[str]) -> np.ndarray:
    """``len(line.rstrip())`` of each line."""
    return line_measures(lines, 0)[:, _RIGHT_STRIPPED]
