"""The compiled line counts (``features/_line_counts.pyx``) against their specification: the
regular expressions the features were defined by, run by ``re`` and ``regex`` as the Python
feature code ran them (``finditer`` over the lines joined by LF, each match counted on the line
it starts on).  Checked on real pages in every rendering and on random text built from the
characters each pattern turns on."""

from __future__ import annotations

import re
import textwrap

import numpy as np
import pytest
import regex

from boilerstrip.features.characters import (CHARACTER_CLASSES, TABLE_SIZE, class_table,
                                             ends_sentence_and_starts_bullet, line_counts)
from boilerstrip.features.text import DocumentText
from boilerstrip.wordlists import (BOILERPLATE_PHRASES, BOILERPLATE_WORDS, CLOSING_MARKS,
                                   MONTHS, TERMINAL_PUNCTUATION)
from specification import prefix_tree

_V1, _M = regex.V1 | regex.MULTILINE, re.MULTILINE
_END, _CLOSE = TERMINAL_PUNCTUATION, re.escape(CLOSING_MARKS)


def _words(words: list[str]) -> re.Pattern:
    letter = r"[^\W\d_]"
    return re.compile(rf"(?<!{letter}){prefix_tree(words)}(?!{letter})", _M)


SPECIFICATION = {
    "terminal_end": re.compile(rf"[{_END}][{_CLOSE}]*[ \t]*$", _M),
    "sentence_marks": re.compile(rf"[{_END}](?=[{_CLOSE}]*(?:\s|$))", _M),
    "commas": re.compile(r"[,،，、;؛]", _M),
    "bullet_start": re.compile(r"^[ \t]*(?:[-*+•·▪►▸»›✓◦‣–—]|\d{1,3}[.)])[ \t]", _M),
    "heading_start": regex.compile(r"^[ \t]*#{1,6}[ \t]", _V1),
    "pipes": regex.compile(r"\|", _V1),
    "times": regex.compile(r"(?<!\d)\d{1,2}[:：]\d{2}(?!\d)", _V1),
    "time_start": re.compile(r"^[\W_]*\d{1,2}[:：]\d{2}(?!\d)", _M),
    "dates": regex.compile(
        r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}年\d{1,2}月)", _V1),
    "years": regex.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)", _V1),
    "months": _words(MONTHS),
    "urls": re.compile(r"(?:https?://|www\.)\S+|\b\S+\.(?:com|org|net|html?)\b\S*", _M),
    "handles": regex.compile(r"(?<![\w.])@\w+", _V1),
    "pictwitter": regex.compile(r"pic\.twitter\.com/\S+", _V1),
    "emails": regex.compile(r"(?<=[\w.+-])@[\w-]+\.[\w.]+", _V1),
    "md_links": regex.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)", _V1),
    "temperature": regex.compile(r"\d\s?°\s?[CF]?|°[CF]", _V1),
    "price": regex.compile(r"[$€£¥₽]\s?\d|\d\s?(?:[$€£¥₽]|USD|EUR|руб|zł)", _V1),
    "paren_count": regex.compile(r"\(\s*\d+\s*\)", _V1),
    "separators": re.compile(r"\s[|·•›»/]\s|\s[-–—]\s", _M),
    "boiler_words": _words(BOILERPLATE_WORDS + BOILERPLATE_PHRASES),
    "copyright": regex.compile(r"[©®™]|\([cC]\)", _V1),
    "list_marker": re.compile(
        r"^[ \t]*(?:[-*+•·▪►▸»›✓◦‣–—○●■□]|\d{1,3}[.)]|[a-zA-Z][.)]|[ivxIVX]{1,4}[.)])[ \t]", _M),
    "column_gaps": re.compile(r"(?<=\S)[ \t]{3,}(?=\S)", _M),
    "date_end": regex.compile(
        r"(?:(?<!\d)(?:19|20)\d{2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}[:：]\d{2})[\s.)\]]*$", _V1),
}
_LOWER_CASE = ("months", "boiler_words")
_LINKS = ("urls", "handles", "emails", "md_links")
_CLASSES = ("letter", "upper", "cased", "digit", "eastern_digit", "punct", "symbol", "latin",
            "arabic", "cyrillic", "cjk", "greek")


def specified_counts(lines: list[str]) -> dict[str, np.ndarray]:
    """What the specification counts per line."""
    text = DocumentText.of(lines)
    out = {}
    link_chars = np.zeros(text.n)
    for name, pattern in SPECIFICATION.items():
        doc = text.lowered if name in _LOWER_CASE else text.joined
        spans = np.array([m.span() for m in pattern.finditer(doc)], dtype=np.int64).reshape(-1, 2)
        owners = np.searchsorted(text.starts, spans[:, 0], side="right") - 1
        out[name] = np.bincount(owners, minlength=text.n).astype(np.float64)
        if name in _LINKS:
            link_chars += np.bincount(owners, weights=spans[:, 1] - spans[:, 0], minlength=text.n)
    out["link_chars"] = link_chars
    # Character classes, tokens and capitalised words, as numpy over the whole text.
    bit = {name: 1 << i for i, name in enumerate(CHARACTER_CLASSES)}
    codes = np.frombuffer(text.joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    classes = class_table()[np.minimum(codes, TABLE_SIZE - 1)]
    classes[codes >= TABLE_SIZE] = 0

    def has(name: str) -> np.ndarray:
        return (classes & bit[name]) != 0

    def per_line(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask.astype(np.float64), text.starts)

    for name in _CLASSES:
        out[name] = per_line(has(name))
    cjk_token = has("cjk_token")
    word = has("word") & ~cjk_token
    word_start = word.copy()
    word_start[1:] &= ~word[:-1]
    out["tokens"] = per_line(word_start | cjk_token)
    alphanumeric = has("letter") | has("number")
    capitalised = np.zeros(len(codes), dtype=bool)
    capitalised[:-1] = has("upper")[:-1] & has("lower")[1:]
    capitalised[1:] &= ~alphanumeric[:-1]
    out["capitalised"] = per_line(capitalised)
    return out


def assert_counts_match(lines: list[str], where: str) -> None:
    text = DocumentText.of(lines)
    if text.n == 0:
        return
    got = line_counts(text.joined, text.lowered, text.starts)
    expected = specified_counts(lines)
    for name, values in expected.items():
        wrong = np.flatnonzero(got[name] != values)
        if len(wrong):
            i = wrong[0]
            pytest.fail(f"{where}: {name} on line {i} {text.sampled[i]!r}: "
                        f"{got[name][i]} instead of {values[i]}")


# Pieces of text that the patterns turn on, random text is built from.
_PIECES = (
    list("aAbCFxivxIVX_é9٣۵０１²½") + list(".!?…。！？؟۔।\"')]»’”」』）\\[(") +
    list(",،，、;؛|·•›»/-–—*+▪►▸✓◦‣○●■□#@°©®™$€£¥₽:：年月") +
    [" ", " ", " ", "\t", "   ", "\x0b", "\x1c", "\xa0", "\u2028", "\u3000", "\u0301", "\u0660",
     "\U00030001", "\U000e0100", "\U0001d7ce", "\ud800"] +
    ["1", "2", "12", "19", "20", "2024", "123", "05", "1999", "12:30", "9:05", "2024-01-05",
     "1.2.2024", "03/04/24", "2024年3月", "http://", "https://", "www.", "x.com", ".org", ".html",
     ".htm", "pic.twitter.com/", "USD", "EUR", "руб", "zł", "(c)", "(C)", "![", "](", "[a](b)",
     "user@mail.com", "@name", "January", "MAY", "Mar", "Σχόλια", "ΕΠΊΣΗΣ", "διαβάστε επίσης",
     "Read more", "follow us", "Cookie", "cookies", "Подписаться", "责任编辑", "İstanbul",
     "1.", "2)", "a.", "iv)", "(12)", "( 3 )", "(7\t)", "- ", "• ", "## ", "####### ", "°C", "5 °F"]
)


def random_lines(rng: np.random.Generator, n_lines: int) -> list[str]:
    lines = []
    for _ in range(n_lines):
        size = int(rng.integers(0, 12))
        lines.append("".join(_PIECES[i] for i in rng.integers(0, len(_PIECES), size)))
    return lines


def test_random_text_counts_as_specified():
    rng = np.random.default_rng(5)
    for doc in range(3000):
        lines = random_lines(rng, int(rng.integers(1, 12)))
        assert_counts_match(lines, f"random document {doc}")


def test_real_pages_count_as_specified(datasets):
    from boilerstrip.rendering.html import render_page
    from boilerstrip.training.corpus import read_pages

    for name, split, quota in (("aeb", None, 60), ("daniel", "test", 60), ("wceb2026", "test", 30)):
        for page in list(read_pages(datasets / f"{name}.jsonl.gz", split))[:quota]:
            rendered = render_page(page.html)
            for rendering in ("scraper", "markdown", "html"):
                assert_counts_match(rendered.document(rendering).lines, f"{name}/{page.id}|{rendering}")
            wrapped = [part for line in rendered.lines for part in (textwrap.wrap(line, 76) or [""])]
            assert_counts_match(wrapped, f"{name}/{page.id}|wrapped")


def test_one_line_flags_as_specified():
    rng = np.random.default_rng(11)
    ends, bullet = SPECIFICATION["terminal_end"], SPECIFICATION["bullet_start"]
    for lines in (random_lines(rng, 4) for _ in range(3000)):
        line = "\n".join(lines) if rng.random() < 0.2 else lines[0]
        expected = (bool(ends.search(line)), bool(bullet.match(line)))
        assert ends_sentence_and_starts_bullet(line) == expected, repr(line)


def test_a_long_line_of_brackets():
    """Each "[" looks for its "]" from where the last one stopped (linear, not quadratic)."""
    line = "![" * 30000
    assert line_counts(line, line, np.array([0]))["md_links"][0] == 0


def test_text_and_starts_that_do_not_fit_are_refused():
    """The scanners read the text through ``starts`` and the lower-cased text beside it: what
    would make them read past either is refused before they run."""
    from boilerstrip.features import _line_counts
    from boilerstrip.features.characters import _BOILER_WORDS, _MONTHS, _NO_RANGES, code_points

    text = code_points("abc\ndef")
    for lowered, starts in ((code_points("ab"), [0, 4]), (text, [0, 9]), (text, [4, 0]), (text, [-1, 4])):
        with pytest.raises(ValueError):
            _line_counts.line_counts(text, lowered, np.array(starts, dtype=np.int64), class_table(),
                                     _NO_RANGES, _MONTHS, _BOILER_WORDS)
