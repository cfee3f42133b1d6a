r"""What the compiled line counts (``_line_counts.pyx``) read about characters: a table of
classes and punctuation sets by code point, the word lists as prefix trees, and the call that
counts a document's patterns and character classes line by line.

The classes are computed once per process by the engines that define them: ``regex`` for
the script-mix classes and its own ``\w``, ``\d`` and ``\s``, ``re`` for its own.  Code points
past the table (the rare planes) count in no script-mix class; the scanners still see their
word, digit and space classes, from ranges computed the first time a document holds one.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import regex

from boilerstrip.features import _line_counts
from boilerstrip.wordlists import (BOILERPLATE_PHRASES, BOILERPLATE_WORDS, CLOSING_MARKS, MONTHS,
                                   TERMINAL_PUNCTUATION)

CHARACTER_CLASSES = {
    "letter": r"\p{L}", "upper": r"\p{Lu}", "cased": r"[\p{Lu}\p{Ll}]", "lower": r"\p{Ll}",
    "digit": r"\d", "eastern_digit": r"[٠-٩۰-۹]", "number": r"\p{N}", "punct": r"\p{P}",
    "symbol": r"\p{So}", "word": r"\w", "cjk_token": r"[\p{Han}\p{Hiragana}\p{Katakana}]",
    "latin": r"\p{Latin}", "arabic": r"\p{Arabic}", "cyrillic": r"\p{Cyrillic}",
    "cjk": r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]", "greek": r"\p{Greek}",
    "space": r"\s",
}
# ``re``'s classes, which the patterns that ``re`` ran read.
RE_CLASSES = {"re_space": r"\s", "re_alnum": r"[^\W_]", "re_digit": r"\d"}
# The punctuation the patterns look for (features.patterns lists the patterns).
CHARACTER_SETS = {
    "terminal": TERMINAL_PUNCTUATION, "closing": CLOSING_MARKS, "comma": ",،，、;؛",
    "bullet": "-*+•·▪►▸»›✓◦‣–—", "list_bullet": "-*+•·▪►▸»›✓◦‣–—○●■□",
    "separator": "|·•›»/-–—", "currency": "$€£¥₽", "copyright": "©®™", "colon": ":：",
    "date_separator": "-/.",
    # where a word of a list may start
    "month_start": "".join({word[0] for word in MONTHS}),
    "boiler_start": "".join({word[0] for word in BOILERPLATE_WORDS + BOILERPLATE_PHRASES}),
}
TABLE_SIZE = 0x30000  # through the CJK extension planes
_HIGH_CLASSES = ("word", "digit", "space", "re_space", "re_alnum", "re_digit")
_BIT = {name: 1 << i for i, name in enumerate(_line_counts.CLASS_BITS + _line_counts.SET_BITS)}
assert tuple(CHARACTER_CLASSES) + tuple(RE_CLASSES) == _line_counts.CLASS_BITS
assert tuple(CHARACTER_SETS) == _line_counts.SET_BITS


def _code_points(first: int, end: int) -> str:
    numbers = np.arange(first, end, dtype=np.uint32)
    numbers[(numbers >= 0xD800) & (numbers < 0xE000)] = ord(" ")  # surrogates are no characters
    return numbers.tobytes().decode("utf-32-le")


@lru_cache(maxsize=1)
def class_table() -> np.ndarray:
    """Each code point's classes and sets, as bits."""
    code_points = _code_points(0, TABLE_SIZE)
    table = np.zeros(TABLE_SIZE, dtype=np.uint32)
    for name, pattern in CHARACTER_CLASSES.items():
        for match in regex.finditer(pattern + "+", code_points):
            table[match.start() : match.end()] |= _BIT[name]
    for name, pattern in RE_CLASSES.items():
        for match in re.finditer(pattern + "+", code_points):
            table[match.start() : match.end()] |= _BIT[name]
    table[0xD800:0xE000] = 0
    for name, characters in CHARACTER_SETS.items():
        table[[ord(c) for c in characters]] |= _BIT[name]
    return table


@lru_cache(maxsize=1)
def _high_ranges() -> np.ndarray:
    """(first, end, bits) of each run of code points past the table with the same word,
    digit and space classes (and some class)."""
    bits = np.zeros(0x110000 - TABLE_SIZE, dtype=np.uint32)
    code_points = _code_points(TABLE_SIZE, 0x110000)
    for name in _HIGH_CLASSES:
        engine, pattern = (re, RE_CLASSES[name]) if name in RE_CLASSES else (regex, CHARACTER_CLASSES[name])
        for match in engine.finditer(pattern + "+", code_points):
            bits[match.start() : match.end()] |= _BIT[name]
    edges = np.flatnonzero(np.diff(bits, prepend=0, append=0)) + TABLE_SIZE
    triples = [(first, end, bits[first - TABLE_SIZE]) for first, end in zip(edges[:-1], edges[1:])]
    return np.array([t for t in triples if t[2]], dtype=np.uint32).reshape(-1)


def _prefix_tree(words: list[str]) -> tuple[np.ndarray, ...]:
    """A word list as arrays: per node its first edge, its number of edges and whether a
    word ends there; per edge (sorted by character within a node) its character and child."""
    children: list[dict[str, int]] = [{}]
    is_word = [False]
    for word in words:
        node = 0
        for char in word:
            if char not in children[node]:
                children[node][char] = len(children)
                children.append({})
                is_word.append(False)
            node = children[node][char]
        is_word[node] = True
    first_edge, n_edges, edge_char, edge_child = [], [], [], []
    for edges in children:
        first_edge.append(len(edge_char))
        n_edges.append(len(edges))
        for char in sorted(edges):
            edge_char.append(ord(char))
            edge_child.append(edges[char])
    return (np.array(first_edge, dtype=np.int32), np.array(n_edges, dtype=np.int32),
            np.array(is_word, dtype=np.uint8), np.array(edge_char, dtype=np.uint32),
            np.array(edge_child, dtype=np.int32))


_MONTHS = _prefix_tree(MONTHS)
_BOILER_WORDS = _prefix_tree(BOILERPLATE_WORDS + BOILERPLATE_PHRASES)
_NO_RANGES = np.zeros(0, dtype=np.uint32)


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _ranges_for(codes: np.ndarray) -> np.ndarray:
    return _high_ranges() if len(codes) and codes.max() >= TABLE_SIZE else _NO_RANGES


def line_counts(joined: str, lowered: str, starts: np.ndarray) -> dict[str, np.ndarray]:
    """Per line of ``joined`` (lines joined by LF, starting at ``starts``): the matches of
    each pattern (``_line_counts.PATTERN_COLUMNS``), the characters inside links, and the
    characters of each class, tokens and capitalised words."""
    codes = code_points(joined)
    out = _line_counts.line_counts(codes, code_points(lowered), np.ascontiguousarray(starts, np.int64),
                                   class_table(), _ranges_for(codes), _MONTHS, _BOILER_WORDS)
    return dict(zip(_line_counts.COLUMNS, out.T))


def ends_sentence_and_starts_bullet(line: str) -> tuple[bool, bool]:
    """Whether a sentence mark ends the line (before closing marks and blanks), and whether
    it starts with a bullet: the ``terminal_end`` and ``bullet_start`` features of one line."""
    codes = code_points(line)
    return _line_counts.ends_sentence_and_starts_bullet(codes, class_table(), _ranges_for(codes))
