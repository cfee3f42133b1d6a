"""The patterns stage: times, dates, links, handles, bullets, boilerplate vocabulary...

Each pattern runs once over the whole document and its matches are binned to lines
with ``np.searchsorted``.  Each runs on the engine measured faster for it on rendered
pages: the standard library's for the word lists, URLs and simple line-shape patterns,
``regex`` for the rest; both give the same matches for these.
"""

from __future__ import annotations

import re

import numpy as np
import regex

from boilerstrip.features.text import DocumentText
from boilerstrip.wordlists import (BOILERPLATE_PHRASES, BOILERPLATE_WORDS, CLOSING_MARKS,
                                            MONTHS, TERMINAL_PUNCTUATION, word_list_pattern)

_REGEX_LINES = regex.V1 | regex.MULTILINE
_RE_LINES = re.MULTILINE
_END, _CLOSE = TERMINAL_PUNCTUATION, CLOSING_MARKS
PATTERNS: dict[str, re.Pattern | regex.Pattern] = {
    "terminal_end": re.compile(rf"[{_END}][{_CLOSE}]*[ \t]*$", _RE_LINES),
    "sentence_marks": re.compile(rf"[{_END}](?=[{_CLOSE}]*(?:\s|$))", _RE_LINES),
    "commas": re.compile(r"[,،，、;؛]", _RE_LINES),
    "bullet_start": re.compile(r"^[ \t]*(?:[-*+•·▪►▸»›✓◦‣–—]|\d{1,3}[.)])[ \t]", _RE_LINES),
    "heading_start": regex.compile(r"^[ \t]*#{1,6}[ \t]", _REGEX_LINES),
    "pipes": regex.compile(r"\|", _REGEX_LINES),
    "times": regex.compile(r"(?<!\d)\d{1,2}[:：]\d{2}(?!\d)", _REGEX_LINES),
    "time_start": re.compile(r"^[\W_]*\d{1,2}[:：]\d{2}(?!\d)", _RE_LINES),
    "dates": regex.compile(
        r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}年\d{1,2}月)",
        _REGEX_LINES),
    "years": regex.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)", _REGEX_LINES),
    "months": word_list_pattern(MONTHS),
    "urls": re.compile(r"(?:https?://|www\.)\S+|\b\S+\.(?:com|org|net|html?)\b\S*", _RE_LINES),
    "handles": regex.compile(r"(?<![\w.])@\w+", _REGEX_LINES),
    "pictwitter": regex.compile(r"pic\.twitter\.com/\S+", _REGEX_LINES),
    "emails": regex.compile(r"(?<=[\w.+-])@[\w-]+\.[\w.]+", _REGEX_LINES),
    "md_links": regex.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)", _REGEX_LINES),
    "temperature": regex.compile(r"\d\s?°\s?[CF]?|°[CF]", _REGEX_LINES),
    "price": regex.compile(r"[$€£¥₽]\s?\d|\d\s?(?:[$€£¥₽]|USD|EUR|руб|zł)", _REGEX_LINES),
    "paren_count": regex.compile(r"\(\s*\d+\s*\)", _REGEX_LINES),
    "separators": re.compile(r"\s[|·•›»/]\s|\s[-–—]\s", _RE_LINES),
    "boiler_words": word_list_pattern(BOILERPLATE_WORDS + BOILERPLATE_PHRASES),
    "copyright": regex.compile(r"[©®™]|\([cC]\)", _REGEX_LINES),
    # A list item's marker in any style a renderer writes: dashes, stars, bullets, numbers,
    # letters and roman numerals.
    "list_marker": re.compile(
        r"^[ \t]*(?:[-*+•·▪►▸»›✓◦‣–—○●■□]|\d{1,3}[.)]|[a-zA-Z][.)]|[ivxIVX]{1,4}[.)])[ \t]", _RE_LINES),
    # Padded columns: a table rendered as text keeps its cells apart with runs of spaces.
    "column_gaps": re.compile(r"(?<=\S)[ \t]{3,}(?=\S)", _RE_LINES),
    "date_end": regex.compile(
        r"(?:(?<!\d)(?:19|20)\d{2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}[:：]\d{2})[\s.)\]]*$",
        _REGEX_LINES),
}
# Word lists match the lower-cased document: far faster than case-insensitive matching.
_LOWERCASE = frozenset({"months", "boiler_words"})
# The patterns whose matched characters are link text.
_LINK_PATTERNS = ("urls", "handles", "emails", "md_links")
NAMES = (*PATTERNS, "link_share")


def _matches_per_line(pattern: re.Pattern | regex.Pattern, doc: str, text: DocumentText
                      ) -> tuple[np.ndarray, np.ndarray]:
    """How many matches of ``pattern`` start on each line, and how many characters they span."""
    spans = np.array([m.span() for m in pattern.finditer(doc)], dtype=np.int64).reshape(-1, 2)
    owners = np.searchsorted(text.starts, spans[:, 0], side="right") - 1
    counts = np.bincount(owners, minlength=text.n).astype(np.float64)
    lengths = np.bincount(owners, weights=spans[:, 1] - spans[:, 0], minlength=text.n)
    return counts, lengths


def patterns(col: dict[str, np.ndarray], text: DocumentText) -> None:
    """Fill the NAMES columns: each pattern's count of matches, and the share of a line's
    characters inside URLs, handles, e-mail addresses and Markdown links."""
    link_chars = np.zeros(text.n)
    for name, pattern in PATTERNS.items():
        counts, spanned = _matches_per_line(
            pattern, text.lowered if name in _LOWERCASE else text.joined, text)
        col[name][:] = counts
        if name in _LINK_PATTERNS:
            link_chars = link_chars + spanned
    col["link_share"][:] = np.minimum(link_chars / text.sampled_chars, 1)
