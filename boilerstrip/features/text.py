"""A document's non-blank lines as the feature stages read them: one joined string, each
line's start in it, and its lengths.

A line's patterns are read from its first MAX_FEATURE_CHARS characters, its length from
all of it: a 50 MB line then costs memory in proportion to that cap, not to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from boilerstrip.features.characters import line_counts

MAX_FEATURE_CHARS = 1 << 16


@dataclass(frozen=True)
class DocumentText:
    """The non-blank lines of a document (``rows`` are their indices among all its lines)."""

    sampled: list[str]      # each line's first MAX_FEATURE_CHARS characters, CR and LF as spaces
    stripped: np.ndarray    # each whole line's length without surrounding white space
    rows: np.ndarray
    blank: np.ndarray       # for every line of the document, non-blank or not

    @classmethod
    def of(cls, lines: list[str], blank: np.ndarray) -> "DocumentText":
        rows = np.flatnonzero(~blank)
        sampled = [lines[i][:MAX_FEATURE_CHARS].replace("\n", " ").replace("\r", " ") for i in rows]
        stripped = np.array([len(lines[i].strip()) for i in rows], dtype=np.float64)
        return cls(sampled, stripped, rows, blank)

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
        return np.array([len(line) for line in self.sampled], dtype=np.float64)

    @cached_property
    def starts(self) -> np.ndarray:
        """Where each line starts in ``joined``."""
        return np.concatenate(([0], np.cumsum(self.lengths[:-1] + 1))).astype(np.int64)

    @cached_property
    def sampled_chars(self) -> np.ndarray:
        """Characters the patterns read, at least 1: the denominator of every share."""
        return np.maximum(np.array([len(line.strip()) for line in self.sampled], dtype=np.float64), 1)

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
