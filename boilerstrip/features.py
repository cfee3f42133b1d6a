"""Line features for a whole document at once.

The document's non-blank lines are joined into one string; each pattern runs
once over it and its matches are binned to lines with ``np.searchsorted``.  This
one function serves train, eval and predict, and FEATURE_NAMES (saved inside
every model) is the contract between a model and this code.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np
import regex

from boilerstrip.lines import is_blank
from boilerstrip.markup import MARKUP_INDEX, MARKUP_NAMES
from boilerstrip.wordlists import word_list_pattern

_M = regex.V1 | regex.MULTILINE
MAX_FEATURE_CHARS = 1 << 16
_TERMINAL = ".!?…。！？؟۔।"
_CLOSERS = "\"'”’»)\\]）」』"

# Character classes, as bits of a table indexed by code point: a line's count of
# letters, digits, upper case or script characters is then one numpy sum, not a regex pass.
_CHAR_CLASSES = {
    "letter": r"\p{L}", "upper": r"\p{Lu}", "cased": r"[\p{Lu}\p{Ll}]", "lower": r"\p{Ll}",
    "digit": r"\d", "eastern_digit": r"[٠-٩۰-۹]", "number": r"\p{N}", "punct": r"\p{P}",
    "symbol": r"\p{So}", "word": r"\w", "cjk_token": r"[\p{Han}\p{Hiragana}\p{Katakana}]",
    "latin": r"\p{Latin}", "arabic": r"\p{Arabic}", "cyrillic": r"\p{Cyrillic}",
    "cjk": r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]", "greek": r"\p{Greek}",
}
_CLASS_BIT = {name: 1 << i for i, name in enumerate(_CHAR_CLASSES)}
SCRIPTS = ("latin", "arabic", "cyrillic", "cjk", "greek")
_TABLE_SIZE = 0x30000  # through the CJK extension planes; rarer code points have no class


@lru_cache(maxsize=1)
def _char_table() -> np.ndarray:
    code_points = "".join(" " if 0xD800 <= c < 0xE000 else chr(c) for c in range(_TABLE_SIZE))
    table = np.zeros(_TABLE_SIZE, dtype=np.uint32)
    for name, pattern in _CHAR_CLASSES.items():
        for match in regex.finditer(pattern + "+", code_points):
            table[match.start() : match.end()] |= _CLASS_BIT[name]
    return table


def _char_class_counts(doc: str, starts: np.ndarray) -> dict[str, np.ndarray]:
    """Per line: characters of each class, tokens (word runs; a CJK character is one) and
    capitalised words (an upper-case letter then a lower-case one, at a word's start)."""
    codes = np.frombuffer(doc.encode("utf-32-le"), dtype=np.uint32)
    classes = _char_table()[np.minimum(codes, _TABLE_SIZE - 1)]
    classes[codes >= _TABLE_SIZE] = 0

    def has(name: str) -> np.ndarray:
        return (classes & _CLASS_BIT[name]) != 0

    def per_line(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask.astype(np.float64), starts)

    counts = {name: per_line(has(name)) for name in
              ("letter", "upper", "cased", "digit", "eastern_digit", "punct", "symbol", *SCRIPTS)}
    cjk_token = has("cjk_token")
    word = has("word") & ~cjk_token
    word_start = word.copy()
    word_start[1:] &= ~word[:-1]
    counts["tokens"] = per_line(word_start | cjk_token)
    alphanumeric = has("letter") | has("number")
    capitalised = np.zeros(len(codes), dtype=bool)
    capitalised[:-1] = has("upper")[:-1] & has("lower")[1:]
    capitalised[1:] &= ~alphanumeric[:-1]
    counts["capitalised"] = per_line(capitalised)
    return counts


_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر "
    "كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين "
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря "
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia "
    "ιανουαρίου φεβρουαρίου μαρτίου απριλίου μαΐου ιουνίου ιουλίου αυγούστου σεπτεμβρίου "
    "οκτωβρίου νοεμβρίου δεκεμβρίου"
).split()
_BOILER_WORDS = (
    "cookie cookies privacy subscribe newsletter share tweet facebook twitter instagram linkedin "
    "whatsapp youtube telegram pinterest comments comment login signup copyright advertisement "
    "advertising sponsored trending popular menu search home skip loading "
    "تابعنا شارك تعليقات تعليق اشترك إعلان الرئيسية "
    "подписаться комментарии реклама поделиться главная "
    "komentarze udostępnij reklama zaloguj σχόλια διαφήμιση 版权 评论 分享 登录 注册 广告 首页 责任编辑"
).split()
_BOILER_PHRASES = (
    "follow us|sign in|sign up|log in|all rights reserved|read more|read also|related articles|"
    "related|more on this story|recommended|more news|show more|see also|more from|most read|"
    "terms of use|terms of service|contact us|about us|click here|"
    "اقرأ أيضا|اقرأ المزيد|شاهد أيضا|الأكثر قراءة|ذات الصلة|ذات صلة|المزيد من|جميع الحقوق|شارك|"
    "читайте также|смотрите также|похожие новости|по теме|все права защищены|"
    "czytaj także|zobacz też|powiązane|διαβάστε επίσης|σχετικά άρθρα|"
    "相关阅读|相关新闻|相关文章|延伸阅读|lire aussi|lesen sie auch|leer también"
)


# Each pattern runs on the engine measured faster for it on rendered pages: the standard
# library's for the word lists, URLs and simple line-shape patterns, `regex` for the rest
# (and for the character classes above).  Both give the same matches for these.
_R = re.MULTILINE
PATTERNS = {
    "terminal_end": re.compile(rf"[{_TERMINAL}][{_CLOSERS}]*[ \t]*$", _R),
    "sentence_marks": re.compile(rf"[{_TERMINAL}](?=[{_CLOSERS}]*(?:\s|$))", _R),
    "commas": re.compile(r"[,،，、;؛]", _R),
    "bullet_start": re.compile(r"^[ \t]*(?:[-*+•·▪►▸»›✓◦‣–—]|\d{1,3}[.)])[ \t]", _R),
    "heading_start": regex.compile(r"^[ \t]*#{1,6}[ \t]", _M),
    "pipe": regex.compile(r"\|", _M),
    "times": regex.compile(r"(?<!\d)\d{1,2}[:：]\d{2}(?!\d)", _M),
    "time_start": re.compile(r"^[\W_]*\d{1,2}[:：]\d{2}(?!\d)", _R),
    "dates": regex.compile(
        r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}年\d{1,2}月)", _M),
    "years": regex.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)", _M),
    "months": word_list_pattern(_MONTHS),
    "urls": re.compile(r"(?:https?://|www\.)\S+|\b\S+\.(?:com|org|net|html?)\b\S*", _R),
    "handles": regex.compile(r"(?<![\w.])@\w+", _M),
    "pictwitter": regex.compile(r"pic\.twitter\.com/\S+", _M),
    "emails": regex.compile(r"(?<=[\w.+-])@[\w-]+\.[\w.]+", _M),
    "md_links": regex.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)", _M),
    "temperature": regex.compile(r"\d\s?°\s?[CF]?|°[CF]", _M),
    "price": regex.compile(r"[$€£¥₽]\s?\d|\d\s?(?:[$€£¥₽]|USD|EUR|руб|zł)", _M),
    "paren_count": regex.compile(r"\(\s*\d+\s*\)", _M),
    "separators": re.compile(r"\s[|·•›»/]\s|\s[-–—]\s", _R),
    "boiler_words": word_list_pattern(_BOILER_WORDS + _BOILER_PHRASES.split("|")),
    "copyright": regex.compile(r"[©®™]|\([cC]\)", _M),
    "date_end": regex.compile(
        r"(?:(?<!\d)(?:19|20)\d{2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}[:：]\d{2})[\s.)\]]*$", _M),
}
# Word lists match the lower-cased document: far faster than case-insensitive matching.
_LOWERCASE_PATTERNS = frozenset({"months", "boiler_words"})

_BASE = [
    "chars", "log_chars", "tokens", "mean_token_len", "n_scripts", "off_script",
    "letter_share", "digit_share", "eastern_digit_share", "upper_share", "punct_share",
    "capitalised_share", "terminal_end", "sentence_marks", "commas",
    "bullet_start", "heading_start", "indent", "pipes",
    "times", "time_start", "dates", "years", "months",
    "urls", "handles", "pictwitter", "emails", "md_links", "link_share",
    "temperature", "price", "paren_count", "separators", "boiler_words", "copyright",
    "symbol_share", "date_end", "repeats", "first_occurrence", "prose",
    "rel_position", "from_start", "from_end", "chars_before_share",
    "blank_before", "blank_after", "chars_vs_max", "chars_vs_median",
    "in_main_run", "main_run_distance", "doc_lines", "doc_log_chars",
]
_NEIGHBOUR_SOURCES = [
    "log_chars", "tokens", "terminal_end", "link_share", "times", "bullet_start", "upper_share",
    "digit_share", "prose", "capitalised_share", "boiler_words", "off_script", "dates", "date_end",
]
_OFFSETS = (-3, -2, -1, 1, 2, 3)
_WINDOWS = (("prose", 5), ("log_chars", 5), ("link_share", 5), ("bullet_start", 5))

# Markup columns (NaN for plain text) and the markup of the lines around.
_MARKUP_NEIGHBOURS = ("link_density", "heading_level", "in_p", "list_item")
_MARKUP_OFFSETS = (-2, -1, 1, 2)
_MARKUP_WINDOWS = (("link_density", 5), ("in_p", 5), ("cls_content", 5))

FEATURE_NAMES: tuple[str, ...] = tuple(
    _BASE
    + [f"{name}@{offset:+d}" for name in _NEIGHBOUR_SOURCES for offset in _OFFSETS]
    + [f"{name}~{width}" for name, width in _WINDOWS]
    + [f"markup.{name}" for name in MARKUP_NAMES]
    + [f"markup.{name}@{offset:+d}" for name in _MARKUP_NEIGHBOURS for offset in _MARKUP_OFFSETS]
    + [f"markup.{name}~{width}" for name, width in _MARKUP_WINDOWS]
)
_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


def _binner(starts: np.ndarray, n: int):
    """Return (count, chars) functions that bin a pattern's matches to lines."""

    def matches(pattern: re.Pattern | regex.Pattern, doc: str) -> tuple[np.ndarray, np.ndarray]:
        spans = np.array([m.span() for m in pattern.finditer(doc)], dtype=np.int64).reshape(-1, 2)
        owners = np.searchsorted(starts, spans[:, 0], side="right") - 1
        counts = np.bincount(owners, minlength=n).astype(np.float64)
        lengths = np.bincount(owners, weights=spans[:, 1] - spans[:, 0], minlength=n)
        return counts, lengths

    return matches


def _main_run(prose: np.ndarray, chars: np.ndarray, max_gap: int = 2) -> tuple[int, int]:
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


def document_features(lines: list[str], markup: np.ndarray | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Features of a document's non-blank lines.

    ``markup`` holds one row of MARKUP_NAMES per line, from the page's HTML or
    Markdown; without it (plain text) the markup columns are NaN.
    Returns ``(X, rows)``: X has one row per non-blank line, in FEATURE_NAMES
    order, and ``rows`` holds those lines' indices in ``lines``.
    """
    blank = np.array([is_blank(line) for line in lines], dtype=bool)
    rows = np.flatnonzero(~blank)
    n = len(rows)
    X = np.zeros((n, len(FEATURE_NAMES)), dtype=np.float64)
    if n == 0:
        return X, rows
    # A line's patterns are read from its first MAX_FEATURE_CHARS characters, its length
    # from all of it: a 50 MB line then costs memory in proportion to that cap, not to it.
    text = [lines[i][:MAX_FEATURE_CHARS].replace("\n", " ").replace("\r", " ") for i in rows]
    doc = "\n".join(text)
    lengths = np.array([len(line) for line in text], dtype=np.float64)
    starts = np.concatenate(([0], np.cumsum(lengths[:-1] + 1))).astype(np.int64)
    matches = _binner(starts, n)
    col = {name: X[:, i] for name, i in _INDEX.items()}

    stripped = np.array([len(lines[i].strip()) for i in rows], dtype=np.float64)
    col["chars"][:] = stripped
    col["log_chars"][:] = np.log1p(stripped)
    col["indent"][:] = lengths - np.array([len(line.lstrip()) for line in text])

    lower = doc.lower()
    if len(lower) != len(doc):  # a few letters (İ) lower-case to two characters
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in doc)
    found = {name: matches(pattern, lower if name in _LOWERCASE_PATTERNS else doc)
             for name, pattern in PATTERNS.items()}
    chars = _char_class_counts(doc, starts)
    letters = chars["letter"]
    safe_letters = np.maximum(letters, 1)
    sampled = np.array([len(line.strip()) for line in text], dtype=np.float64)
    safe_chars = np.maximum(sampled, 1)  # shares are of the characters the patterns read
    tokens = chars["tokens"]
    col["tokens"][:] = tokens
    col["mean_token_len"][:] = letters / np.maximum(tokens, 1)

    script_chars = np.stack([chars[name] for name in SCRIPTS], axis=1)
    other = np.maximum(letters - script_chars.sum(axis=1), 0)
    all_scripts = np.column_stack([script_chars, other])
    # Which script a line uses says nothing the model may generalise from (users bring
    # scripts it never saw); how the line's script differs from its document's does.
    shares = all_scripts / safe_letters[:, None]
    col["n_scripts"][:] = (shares > 0.1).sum(axis=1)
    dominant = int(np.argmax(all_scripts.sum(axis=0)))
    col["off_script"][:] = np.where(letters > 0, 1 - shares[:, dominant], 0)

    col["letter_share"][:] = letters / safe_chars
    col["digit_share"][:] = chars["digit"] / safe_chars
    col["eastern_digit_share"][:] = chars["eastern_digit"] / safe_chars
    col["upper_share"][:] = chars["upper"] / np.maximum(chars["cased"], 1)
    col["punct_share"][:] = chars["punct"] / safe_chars
    col["capitalised_share"][:] = chars["capitalised"] / np.maximum(tokens, 1)
    for name in ("terminal_end", "sentence_marks", "commas", "bullet_start", "heading_start",
                 "times", "time_start", "dates", "years", "months", "urls", "handles",
                 "pictwitter", "emails", "md_links", "temperature", "price", "paren_count",
                 "separators", "boiler_words", "copyright", "date_end"):
        col[name][:] = found[name][0]
    col["pipes"][:] = found["pipe"][0]
    col["symbol_share"][:] = chars["symbol"] / safe_chars
    link_chars = found["urls"][1] + found["handles"][1] + found["emails"][1] + found["md_links"][1]
    col["link_share"][:] = np.minimum(link_chars / safe_chars, 1)

    keys = [line.strip().casefold() for line in text]
    seen = Counter(keys)
    col["repeats"][:] = [seen[k] - 1 for k in keys]
    first: dict[str, int] = {}
    col["first_occurrence"][:] = [first.setdefault(k, i) == i for i, k in enumerate(keys)]

    prose = (tokens >= 8) & (col["sentence_marks"] + col["terminal_end"] > 0) & (col["link_share"] < 0.5)
    col["prose"][:] = prose

    index = np.arange(n, dtype=np.float64)
    col["rel_position"][:] = index / max(n - 1, 1)
    col["from_start"][:] = index
    col["from_end"][:] = n - 1 - index
    col["chars_before_share"][:] = (np.cumsum(stripped) - stripped) / max(stripped.sum(), 1)
    col["blank_before"][:] = [r > 0 and blank[r - 1] for r in rows]
    col["blank_after"][:] = [r + 1 < len(lines) and blank[r + 1] for r in rows]
    col["chars_vs_max"][:] = stripped / max(stripped.max(), 1)
    col["chars_vs_median"][:] = stripped / max(float(np.median(stripped)), 1)
    run_start, run_end = _main_run(prose, stripped)
    col["in_main_run"][:] = (index >= run_start) & (index <= run_end)
    col["main_run_distance"][:] = np.where(
        index < run_start, index - run_start, np.where(index > run_end, index - run_end, 0))
    col["doc_lines"][:] = np.log1p(n)
    col["doc_log_chars"][:] = np.log1p(stripped.sum())

    for name in _NEIGHBOUR_SOURCES:
        for offset in _OFFSETS:
            col[f"{name}@{offset:+d}"][:] = shift(col[name], offset)
    for name, width in _WINDOWS:
        col[f"{name}~{width}"][:] = window_mean(col[name], width)
    _markup_columns(col, None if markup is None else markup[rows])
    return X, rows


def _markup_columns(col: dict[str, np.ndarray], markup: np.ndarray | None) -> None:
    for name, i in MARKUP_INDEX.items():
        col[f"markup.{name}"][:] = np.nan if markup is None else markup[:, i]
    for name in _MARKUP_NEIGHBOURS:
        for offset in _MARKUP_OFFSETS:
            col[f"markup.{name}@{offset:+d}"][:] = shift(col[f"markup.{name}"], offset)
    for name, width in _MARKUP_WINDOWS:
        col[f"markup.{name}~{width}"][:] = window_mean(col[f"markup.{name}"], width)
