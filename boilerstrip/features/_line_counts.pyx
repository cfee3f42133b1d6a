# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The patterns and character classes of a document's lines, counted in one compiled pass per
pattern over the document's code points.

Each scanner finds exactly the matches that Python's ``re.finditer`` (or the ``regex``
module's, where the pattern's comment says ``regex``) finds for the regular expression in
its comment, over the lines joined by LF, with MULTILINE: leftmost first, greedy, each search
resuming where the last match ended.  A match belongs to the line it starts on (an LF to the
line it ends), so a pattern whose white space spans a line break counts where Python's did.
``tests/test_line_counts.py`` holds those expressions and checks every scanner against them.

Character classes come from a table by code point (``features.characters``), built by the
engines themselves: ``re``'s ``\\s``, ``\\w`` and ``\\d`` by ``re``, the ``regex`` module's and the
script-mix classes by ``regex``, with ranges for the code points past the table.  Sets of
punctuation are bits of the same table.  Each document's classes are looked up once, into
one word per character.
"""

import numpy as np

from cpython.unicode cimport Py_UNICODE_ISSPACE, PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t

# The table's bits, in this order (``features.characters`` fills them).
CLASS_BITS = ("letter", "upper", "cased", "lower", "digit", "eastern_digit", "number", "punct",
              "symbol", "word", "cjk_token", "latin", "arabic", "cyrillic", "cjk", "greek",
              "space", "re_space", "re_alnum", "re_digit")
SET_BITS = ("terminal", "closing", "comma", "bullet", "list_bullet", "separator", "currency",
            "copyright", "colon", "date_separator", "month_start", "boiler_start")
# The output's columns.
PATTERN_COLUMNS = ("terminal_end", "sentence_marks", "commas", "bullet_start", "heading_start",
                   "pipes", "times", "time_start", "dates", "years", "months", "urls", "handles",
                   "pictwitter", "emails", "md_links", "temperature", "price", "paren_count",
                   "separators", "boiler_words", "copyright", "list_marker", "column_gaps",
                   "date_end")
COUNT_COLUMNS = ("letter", "upper", "cased", "digit", "eastern_digit", "punct", "symbol",
                 "latin", "arabic", "cyrillic", "cjk", "greek", "tokens", "capitalised")
COLUMNS = PATTERN_COLUMNS + ("link_chars",) + COUNT_COLUMNS

cdef enum:
    LETTER = 1 << 0
    UPPER = 1 << 1
    CASED = 1 << 2
    LOWER = 1 << 3
    DIGIT = 1 << 4
    EASTERN_DIGIT = 1 << 5
    NUMBER = 1 << 6
    PUNCT = 1 << 7
    SYMBOL = 1 << 8
    WORD = 1 << 9
    CJK_TOKEN = 1 << 10
    LATIN = 1 << 11
    ARABIC = 1 << 12
    CYRILLIC = 1 << 13
    CJK = 1 << 14
    GREEK = 1 << 15
    SPACE = 1 << 16
    RE_SPACE = 1 << 17
    RE_ALNUM = 1 << 18
    RE_DIGIT = 1 << 19
    TERMINAL = 1 << 20
    CLOSING = 1 << 21
    COMMA = 1 << 22
    BULLET = 1 << 23
    LIST_BULLET = 1 << 24
    SEPARATOR = 1 << 25
    CURRENCY = 1 << 26
    COPYRIGHT = 1 << 27
    COLON = 1 << 28
    DATE_SEPARATOR = 1 << 29
    MONTH_START = 1 << 30      # the first letter of a word of the list
    BOILER_START = 1u << 31

cdef enum:
    # column indices, in COLUMNS order
    C_TERMINAL_END, C_SENTENCE_MARKS, C_COMMAS, C_BULLET_START, C_HEADING_START, C_PIPES,
    C_TIMES, C_TIME_START, C_DATES, C_YEARS, C_MONTHS, C_URLS, C_HANDLES, C_PICTWITTER,
    C_EMAILS, C_MD_LINKS, C_TEMPERATURE, C_PRICE, C_PAREN_COUNT, C_SEPARATORS,
    C_BOILER_WORDS, C_COPYRIGHT, C_LIST_MARKER, C_COLUMN_GAPS, C_DATE_END, C_LINK_CHARS,
    C_LETTER, C_UPPER, C_CASED, C_DIGIT, C_EASTERN_DIGIT, C_PUNCT, C_SYMBOL, C_LATIN,
    C_ARABIC, C_CYRILLIC, C_CJK, C_GREEK, C_TOKENS, C_CAPITALISED, N_COLUMNS

cdef enum:
    NONE = 0x110000   # what lies before or past the text: no character, in no class
    LF = 10

cdef struct Doc:
    const uint32_t* text
    uint32_t* cls             # each character's classes
    Py_ssize_t size
    const int64_t* starts
    Py_ssize_t lines
    const uint32_t* table
    Py_ssize_t table_size
    const uint32_t* high      # (first, end, bits) triples for code points past the table
    Py_ssize_t n_high
    double* out

cdef struct Trie:
    const int32_t* first_edge   # per node: its edges, sorted by character
    const int32_t* n_edges
    const uint8_t* is_word
    const uint32_t* edge_char
    const int32_t* edge_child


cdef inline uint32_t at(const Doc* d, Py_ssize_t i) noexcept nogil:
    if i < 0 or i >= d.size:
        return NONE
    return d.text[i]


cdef inline uint32_t classes(const Doc* d, uint32_t c) noexcept nogil:
    """The classes and sets of code point ``c``."""
    cdef Py_ssize_t k
    if c < <uint32_t>d.table_size:
        return d.table[c]
    for k in range(d.n_high):
        if d.high[3 * k] <= c < d.high[3 * k + 1]:
            return d.high[3 * k + 2]
    return 0


cdef void look_up_classes(Doc* d, const Doc* like) noexcept nogil:
    """Each character's classes; where ``like`` (a text of the same length, or NULL) has the
    same character, its classes are taken from there."""
    cdef Py_ssize_t i
    for i in range(d.size):
        if like != NULL and like.text[i] == d.text[i]:
            d.cls[i] = like.cls[i]
        else:
            d.cls[i] = classes(d, d.text[i])


cdef inline bint has(const Doc* d, Py_ssize_t i, uint32_t bit) noexcept nogil:
    """Whether the character at ``i`` (if any) is of class ``bit``."""
    return 0 <= i < d.size and (d.cls[i] & bit) != 0


# ``re``'s classes (the sre engine's \\s, alphanumeric, \\d and \\w)
cdef inline bint re_space(const Doc* d, Py_ssize_t i) noexcept nogil:
    return has(d, i, RE_SPACE)


cdef inline bint re_alnum(const Doc* d, Py_ssize_t i) noexcept nogil:
    return has(d, i, RE_ALNUM)


cdef inline bint re_digit(const Doc* d, Py_ssize_t i) noexcept nogil:
    return has(d, i, RE_DIGIT)


cdef inline bint re_word(const Doc* d, Py_ssize_t i) noexcept nogil:
    return at(d, i) == 95 or has(d, i, RE_ALNUM)


cdef inline bint re_letter(const Doc* d, Py_ssize_t i) noexcept nogil:
    """``[^\\W\\d_]``: a word character that is neither a digit nor the underscore."""
    return 0 <= i < d.size and (d.cls[i] & (RE_ALNUM | RE_DIGIT)) == RE_ALNUM


cdef inline bint blank(uint32_t c) noexcept nogil:
    """``[ \\t]``"""
    return c == 32 or c == 9


cdef inline Py_ssize_t line_end(const Doc* d, Py_ssize_t line) noexcept nogil:
    """Where a line's LF is (or the text's end)."""
    return d.starts[line + 1] - 1 if line + 1 < d.lines else d.size


cdef inline void count(Doc* d, Py_ssize_t* line, Py_ssize_t start, Py_ssize_t end,
                       int column, bint link) noexcept nogil:
    """One match over [start, end), counted on the line it starts on (``line`` only moves
    forward: each scanner finds its matches in order)."""
    while line[0] + 1 < d.lines and d.starts[line[0] + 1] <= start:
        line[0] += 1
    d.out[line[0] * N_COLUMNS + column] += 1
    if link:
        d.out[line[0] * N_COLUMNS + C_LINK_CHARS] += end - start


cdef inline Py_ssize_t run(const Doc* d, Py_ssize_t i, uint32_t bit) noexcept nogil:
    """How many characters of class ``bit`` start at ``i``."""
    cdef Py_ssize_t j = i
    while has(d, j, bit):
        j += 1
    return j - i


cdef inline bint literal(const Doc* d, Py_ssize_t i, const uint32_t* chars, int n) noexcept nogil:
    cdef int k
    for k in range(n):
        if at(d, i + k) != chars[k]:
            return False
    return True


# Literal strings the scanners look for, as code points.
cdef uint32_t HTTP[4]
cdef uint32_t COLON_SLASHES[3]
cdef uint32_t WWW[4]
cdef uint32_t PIC_TWITTER[16]
cdef uint32_t TLDS[5][4]
cdef int TLD_LENGTHS[5]
cdef uint32_t UNITS[4][3]
cdef int UNIT_LENGTHS[4]


cdef void fill(uint32_t* target, str text):
    cdef Py_ssize_t k
    for k in range(len(text)):
        target[k] = ord(text[k])


fill(HTTP, "http")
fill(COLON_SLASHES, "://")
fill(WWW, "www.")
fill(PIC_TWITTER, "pic.twitter.com/")
for _k, _tld in enumerate(("com", "org", "net", "html", "htm")):
    fill(TLDS[_k], _tld)
    TLD_LENGTHS[_k] = len(_tld)
for _k, _unit in enumerate(("USD", "EUR", "руб", "zł")):
    fill(UNITS[_k], _unit)
    UNIT_LENGTHS[_k] = len(_unit)


# --- patterns anchored at a line's start or end --------------------------------------------

cdef bint terminal_end(const Doc* d, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    """``[END][CLOSE]*[ \\t]*$``"""
    cdef Py_ssize_t j = end - 1
    while j >= start and blank(d.text[j]):
        j -= 1
    while j >= start and has(d, j, CLOSING):
        j -= 1
    return j >= start and has(d, j, TERMINAL)


cdef inline Py_ssize_t indent_end(const Doc* d, Py_ssize_t start) noexcept nogil:
    while blank(at(d, start)):
        start += 1
    return start


cdef inline Py_ssize_t re_digits(const Doc* d, Py_ssize_t i, Py_ssize_t most) noexcept nogil:
    """How many ``re`` digits start at ``i``, counting up to ``most``."""
    cdef Py_ssize_t k = 0
    while k < most and re_digit(d, i + k):
        k += 1
    return k


cdef inline bint dot_or_paren(uint32_t c) noexcept nogil:
    return c == 46 or c == 41


cdef bint bullet_start(const Doc* d, Py_ssize_t start, uint32_t bullets) noexcept nogil:
    """``^[ \\t]*(?:[BULLETS]|\\d{1,3}[.)])[ \\t]``"""
    cdef Py_ssize_t q = indent_end(d, start), k
    if has(d, q, bullets) and blank(at(d, q + 1)):
        return True
    k = re_digits(d, q, 4)
    return 1 <= k <= 3 and dot_or_paren(at(d, q + k)) and blank(at(d, q + k + 1))


cdef bint list_marker(const Doc* d, Py_ssize_t start) noexcept nogil:
    """``^[ \\t]*(?:[LIST_BULLETS]|\\d{1,3}[.)]|[a-zA-Z][.)]|[ivxIVX]{1,4}[.)])[ \\t]``"""
    cdef Py_ssize_t q = indent_end(d, start), k = 0
    cdef uint32_t c = at(d, q)
    if bullet_start(d, start, LIST_BULLET):
        return True
    if ((65 <= c <= 90 or 97 <= c <= 122) and dot_or_paren(at(d, q + 1))
            and blank(at(d, q + 2))):
        return True
    while k < 5 and at(d, q + k) in (105, 118, 120, 73, 86, 88):   # i v x I V X
        k += 1
    return 1 <= k <= 4 and dot_or_paren(at(d, q + k)) and blank(at(d, q + k + 1))


cdef bint heading_start(const Doc* d, Py_ssize_t start) noexcept nogil:
    """``^[ \\t]*#{1,6}[ \\t]``"""
    cdef Py_ssize_t q = indent_end(d, start), k = 0
    while k < 7 and at(d, q + k) == 35:
        k += 1
    return 1 <= k <= 6 and blank(at(d, q + k))


cdef inline Py_ssize_t rx_digits_before(const Doc* d, Py_ssize_t end) noexcept nogil:
    """How many ``regex`` digits end just before ``end``."""
    cdef Py_ssize_t k = 0
    while has(d, end - 1 - k, DIGIT):
        k += 1
    return k


cdef bint date_end(const Doc* d, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    """``(?:(?<!\\d)(?:19|20)\\d{2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}|\\d{1,2}[:：]\\d{2})[\\s.)\\]]*$``
    (regex): the date, year or time that ends the line, before closing marks and spaces."""
    cdef Py_ssize_t e = end, f, m, sep
    cdef uint32_t c
    while e > start:
        c = d.text[e - 1]
        if not (has(d, e - 1, SPACE) or c == 46 or c == 41 or c == 93):
            break
        e -= 1
    if not has(d, e - 1, DIGIT):
        return False
    f = rx_digits_before(d, e)
    # a year of its own
    if (f == 4 and ((at(d, e - 4) == 49 and at(d, e - 3) == 57)
                    or (at(d, e - 4) == 50 and at(d, e - 3) == 48))):
        return True
    # day, month and year
    if 2 <= f <= 4 and has(d, e - f - 1, DATE_SEPARATOR):
        sep = e - f - 1
        m = rx_digits_before(d, sep)
        if 1 <= m <= 2 and has(d, sep - m - 1, DATE_SEPARATOR) and has(d, sep - m - 2, DIGIT):
            return True
    # a time
    return f == 2 and has(d, e - 3, COLON) and has(d, e - 4, DIGIT)


# --- patterns found anywhere --------------------------------------------------------------

cdef void sentence_marks(Doc* d) noexcept nogil:
    """``[END](?=[CLOSE]*(?:\\s|$))``"""
    cdef Py_ssize_t i, q, line = 0
    cdef uint32_t c
    for i in range(d.size):
        if has(d, i, TERMINAL):
            q = i + 1
            while has(d, q, CLOSING):
                q += 1
            c = at(d, q)
            if c == NONE or re_space(d, q):
                count(d, &line, i, i + 1, C_SENTENCE_MARKS, False)


cdef void single_characters(Doc* d) noexcept nogil:
    """``[,،，、;؛]``, ``\\|`` and ``[©®™]|\\([cC]\\)``"""
    cdef Py_ssize_t i = 0, commas = 0, pipes = 0, marks = 0
    cdef uint32_t c
    while i < d.size:
        c = d.text[i]
        if has(d, i, COMMA):
            count(d, &commas, i, i + 1, C_COMMAS, False)
        elif c == 124:
            count(d, &pipes, i, i + 1, C_PIPES, False)
        elif has(d, i, COPYRIGHT):
            count(d, &marks, i, i + 1, C_COPYRIGHT, False)
        elif c == 40 and (at(d, i + 1) == 99 or at(d, i + 1) == 67) and at(d, i + 2) == 41:
            count(d, &marks, i, i + 3, C_COPYRIGHT, False)
            i += 3
            continue
        i += 1


cdef Py_ssize_t time_at(const Doc* d, Py_ssize_t i, bint regex_digits) noexcept nogil:
    """Where ``\\d{1,2}[:：]\\d{2}(?!\\d)`` matching at ``i`` ends, or -1."""
    cdef int k
    cdef bint digits
    for k in range(2, 0, -1):
        if regex_digits:
            digits = (run(d, i, DIGIT) >= k and has(d, i + k, COLON) and has(d, i + k + 1, DIGIT)
                      and has(d, i + k + 2, DIGIT) and not has(d, i + k + 3, DIGIT))
        else:
            digits = (re_digits(d, i, k) == k and has(d, i + k, COLON)
                      and re_digit(d, i + k + 1) and re_digit(d, i + k + 2)
                      and not re_digit(d, i + k + 3))
        if digits:
            return i + k + 3
    return -1


cdef void times(Doc* d) noexcept nogil:
    """``(?<!\\d)\\d{1,2}[:：]\\d{2}(?!\\d)`` (regex)"""
    cdef Py_ssize_t i = 0, end, line = 0
    while i < d.size:
        if has(d, i, DIGIT) and not has(d, i - 1, DIGIT):
            end = time_at(d, i, True)
            if end >= 0:
                count(d, &line, i, end, C_TIMES, False)
                i = end
                continue
        i += 1


cdef void time_start(Doc* d) noexcept nogil:
    """``^[\\W_]*\\d{1,2}[:：]\\d{2}(?!\\d)``: the run of non-word characters may cross line
    breaks, and a match covers the lines it crosses."""
    cdef Py_ssize_t line, q = -1, searched = 0, end
    for line in range(d.lines):
        if d.starts[line] < searched:
            continue
        if q < d.starts[line]:
            q = d.starts[line]
            while q < d.size and not re_alnum(d, q):
                q += 1
        end = time_at(d, q, False)
        if end >= 0:
            d.out[line * N_COLUMNS + C_TIME_START] += 1
            searched = end


cdef void dates_and_years(Doc* d) noexcept nogil:
    """``(?<!\\d)(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}|\\d{4}年\\d{1,2}月)``
    and ``(?<!\\d)(?:19|20)\\d{2}(?!\\d)`` (regex): both start at a run of digits."""
    cdef Py_ssize_t i = 0, r, m, f, end, dates = 0, years = 0, resume = 0
    while i < d.size:
        if not has(d, i, DIGIT) or has(d, i - 1, DIGIT):
            i += 1
            continue
        r = run(d, i, DIGIT)
        if (r == 4 and ((d.text[i] == 49 and at(d, i + 1) == 57)
                        or (d.text[i] == 50 and at(d, i + 1) == 48))):
            count(d, &years, i, i + 4, C_YEARS, False)
        end = -1
        if i >= resume:
            if r == 4 and has(d, i + 4, DATE_SEPARATOR):
                m = run(d, i + 5, DIGIT)
                if 1 <= m <= 2 and has(d, i + 5 + m, DATE_SEPARATOR):
                    f = run(d, i + 6 + m, DIGIT)
                    if f >= 1:
                        end = i + 6 + m + min(f, 2)
            elif 1 <= r <= 2 and has(d, i + r, DATE_SEPARATOR):
                m = run(d, i + r + 1, DIGIT)
                if 1 <= m <= 2 and has(d, i + r + 1 + m, DATE_SEPARATOR):
                    f = run(d, i + r + 2 + m, DIGIT)
                    if f >= 2:
                        end = i + r + 2 + m + min(f, 4)
            if end < 0 and r == 4 and at(d, i + 4) == 0x5E74:   # 年
                m = run(d, i + 5, DIGIT)
                if 1 <= m <= 2 and at(d, i + 5 + m) == 0x6708:    # 月
                    end = i + 6 + m
            if end >= 0:
                count(d, &dates, i, end, C_DATES, False)
                resume = end
        i += r


cdef Py_ssize_t word_at(const Doc* d, const Trie* trie, Py_ssize_t i) noexcept nogil:
    """Where the longest word of ``trie`` that starts at ``i`` and is not followed by a letter
    ends, or -1 (the prefix tree's regex tries longer words first)."""
    cdef Py_ssize_t best = -1, low, high, middle
    cdef int32_t node = 0
    cdef uint32_t c
    while True:
        if trie.is_word[node] and not re_letter(d, i):
            best = i
        c = at(d, i)
        low = trie.first_edge[node]
        high = low + trie.n_edges[node]
        while low < high:
            middle = (low + high) // 2
            if trie.edge_char[middle] < c:
                low = middle + 1
            else:
                high = middle
        if low == trie.first_edge[node] + trie.n_edges[node] or trie.edge_char[low] != c:
            return best
        node = trie.edge_child[low]
        i += 1


cdef void words(Doc* d, const Trie* trie, uint32_t first_letter, int column) noexcept nogil:
    """``(?<![^\\W\\d_])(?:WORDS)(?![^\\W\\d_])`` over the lower-cased text."""
    cdef Py_ssize_t i = 0, end, line = 0
    while i < d.size:
        if (d.cls[i] & first_letter) and not re_letter(d, i - 1):
            end = word_at(d, trie, i)
            if end > i:
                count(d, &line, i, end, column, False)
                i = end
                continue
        i += 1


cdef inline bint re_boundary(const Doc* d, Py_ssize_t i) noexcept nogil:
    return re_word(d, i - 1) != re_word(d, i)


cdef void urls(Doc* d) noexcept nogil:
    """``(?:https?://|www\\.)\\S+|\\b\\S+\\.(?:com|org|net|html?)\\b\\S*``: at most one match
    in a run of non-space characters, from where it starts to the run's end."""
    cdef Py_ssize_t i = 0, start, end, last_dot, k, p, q, line = 0
    cdef int t
    while i < d.size:
        if re_space(d, i):
            i += 1
            continue
        start = i
        while i < d.size and not re_space(d, i):
            i += 1
        end = i
        # the last dot that a domain ending and a word boundary follow
        last_dot = -1
        k = end - 1
        while k > start and last_dot < 0:
            if d.text[k] == 46:
                for t in range(5):
                    if (literal(d, k + 1, TLDS[t], TLD_LENGTHS[t])
                            and not re_word(d, k + 1 + TLD_LENGTHS[t])):
                        last_dot = k
                        break
            k -= 1
        for p in range(start, end):
            q = -1
            if literal(d, p, HTTP, 4):
                q = p + 4 + (at(d, p + 4) == 115)
                q = q + 3 if literal(d, q, COLON_SLASHES, 3) else -1
            elif literal(d, p, WWW, 4):
                q = p + 4
            if (0 <= q < end) or (p < last_dot and re_boundary(d, p)):
                count(d, &line, p, end, C_URLS, True)
                break


cdef void at_signs(Doc* d) noexcept nogil:
    """``(?<![\\w.])@\\w+`` and ``(?<=[\\w.+-])@[\\w-]+\\.[\\w.]+`` (regex)."""
    cdef Py_ssize_t i, q, r, handles_line = 0, emails_line = 0, handle_end = 0, email_end = 0
    cdef uint32_t before
    for i in range(d.size):
        if d.text[i] != 64:
            continue
        before = at(d, i - 1)
        if i >= handle_end and not (has(d, i - 1, WORD) or before == 46) and has(d, i + 1, WORD):
            q = i + 1 + run(d, i + 1, WORD)
            count(d, &handles_line, i, q, C_HANDLES, True)
            handle_end = q
        if i >= email_end and (has(d, i - 1, WORD) or before == 46 or before == 43 or before == 45):
            q = i + 1
            while has(d, q, WORD) or at(d, q) == 45:
                q += 1
            if q > i + 1 and at(d, q) == 46:
                r = q + 1
                while has(d, r, WORD) or at(d, r) == 46:
                    r += 1
                if r > q + 1:
                    count(d, &emails_line, i, r, C_EMAILS, True)
                    email_end = r


cdef void pictwitter(Doc* d) noexcept nogil:
    """``pic\\.twitter\\.com/\\S+`` (regex)"""
    cdef Py_ssize_t i = 0, q, line = 0
    while i < d.size:
        if d.text[i] == 112 and literal(d, i, PIC_TWITTER, 16) and at(d, i + 16) != NONE \
                and not has(d, i + 16, SPACE):
            q = i + 16
            while at(d, q) != NONE and not has(d, q, SPACE):
                q += 1
            count(d, &line, i, q, C_PICTWITTER, False)
            i = q
            continue
        i += 1


cdef void md_links(Doc* d) noexcept nogil:
    """``!?\\[[^\\]\\n]*\\]\\([^)\\n]*\\)`` (regex).  The closing marks are looked for from
    positions that only move forward, so a line of brackets takes linear time."""
    cdef Py_ssize_t i = 0, q, close_bracket = -1, close_paren = -1, line = 0
    cdef uint32_t c
    while i < d.size:
        c = d.text[i]
        q = i + 1 if c == 33 and at(d, i + 1) == 91 else (i if c == 91 else -1)
        if q >= 0:
            if close_bracket <= q:
                close_bracket = q + 1
                while at(d, close_bracket) not in (93, LF, NONE):
                    close_bracket += 1
            if at(d, close_bracket) == 93 and at(d, close_bracket + 1) == 40:
                if close_paren < close_bracket + 2:
                    close_paren = close_bracket + 2
                    while at(d, close_paren) not in (41, LF, NONE):
                        close_paren += 1
                if at(d, close_paren) == 41:
                    count(d, &line, i, close_paren + 1, C_MD_LINKS, True)
                    i = close_paren + 1
                    continue
        i += 1


cdef void temperature(Doc* d) noexcept nogil:
    """``\\d\\s?°\\s?[CF]?|°[CF]`` (regex)"""
    cdef Py_ssize_t i = 0, degree, end, line = 0
    while i < d.size:
        end = -1
        if has(d, i, DIGIT):
            degree = i + 2 if has(d, i + 1, SPACE) and at(d, i + 2) == 0xB0 else (
                i + 1 if at(d, i + 1) == 0xB0 else -1)
            if degree >= 0:
                end = degree + 1
                if has(d, end, SPACE):
                    end += 1
                if at(d, end) == 67 or at(d, end) == 70:
                    end += 1
        elif d.text[i] == 0xB0 and (at(d, i + 1) == 67 or at(d, i + 1) == 70):
            end = i + 2
        if end >= 0:
            count(d, &line, i, end, C_TEMPERATURE, False)
            i = end
        else:
            i += 1


cdef inline int unit_at(const Doc* d, Py_ssize_t i) noexcept nogil:
    """The length of ``[$€£¥₽]|USD|EUR|руб|zł`` at ``i``, or 0."""
    cdef int k
    if has(d, i, CURRENCY):
        return 1
    for k in range(4):
        if literal(d, i, UNITS[k], UNIT_LENGTHS[k]):
            return UNIT_LENGTHS[k]
    return 0


cdef void price(Doc* d) noexcept nogil:
    """``[$€£¥₽]\\s?\\d|\\d\\s?(?:[$€£¥₽]|USD|EUR|руб|zł)`` (regex)"""
    cdef Py_ssize_t i = 0, end, q, line = 0
    cdef int unit
    while i < d.size:
        end = -1
        if has(d, i, CURRENCY):
            if has(d, i + 1, SPACE) and has(d, i + 2, DIGIT):
                end = i + 3
            elif has(d, i + 1, DIGIT):
                end = i + 2
        if end < 0 and has(d, i, DIGIT):
            q = i + 1 + has(d, i + 1, SPACE)
            unit = unit_at(d, q)
            if unit:
                end = q + unit
        if end >= 0:
            count(d, &line, i, end, C_PRICE, False)
            i = end
        else:
            i += 1


cdef void paren_count(Doc* d) noexcept nogil:
    """``\\(\\s*\\d+\\s*\\)`` (regex)"""
    cdef Py_ssize_t i = 0, q, digits, line = 0
    while i < d.size:
        if d.text[i] == 40:
            q = i + 1
            while has(d, q, SPACE):
                q += 1
            digits = run(d, q, DIGIT)
            q += digits
            while has(d, q, SPACE):
                q += 1
            if digits and at(d, q) == 41:
                count(d, &line, i, q + 1, C_PAREN_COUNT, False)
                i = q + 1
                continue
        i += 1


cdef void separators(Doc* d) noexcept nogil:
    """``\\s[|·•›»/]\\s|\\s[-–—]\\s``"""
    cdef Py_ssize_t i = 0, line = 0
    while i < d.size:
        if re_space(d, i) and has(d, i + 1, SEPARATOR) and re_space(d, i + 2):
            count(d, &line, i, i + 3, C_SEPARATORS, False)
            i += 3
        else:
            i += 1


cdef void column_gaps(Doc* d) noexcept nogil:
    """``(?<=\\S)[ \\t]{3,}(?=\\S)``"""
    cdef Py_ssize_t i = 0, start, line = 0
    while i < d.size:
        if not blank(d.text[i]):
            i += 1
            continue
        start = i
        while i < d.size and blank(d.text[i]):
            i += 1
        if (i - start >= 3 and start > 0 and not re_space(d, start - 1)
                and i < d.size and not re_space(d, i)):
            count(d, &line, start, i, C_COLUMN_GAPS, False)


# The classes counted, in COUNT_COLUMNS order from C_LETTER.
cdef uint32_t COUNTED_CLASSES[12]
COUNTED_CLASSES[:] = [LETTER, UPPER, CASED, DIGIT, EASTERN_DIGIT, PUNCT, SYMBOL, LATIN, ARABIC,
                      CYRILLIC, CJK, GREEK]


cdef void character_counts(Doc* d) noexcept nogil:
    """Each line's characters of each script-mix class, its tokens (runs of word characters;
    a CJK character is one) and capitalised words (an upper-case letter then a lower-case
    one, at a word's start), over the line and its LF."""
    cdef Py_ssize_t i, line = 0
    cdef uint32_t c, previous = 0
    cdef double* row
    cdef int k
    for i in range(d.size):
        while line + 1 < d.lines and d.starts[line + 1] <= i:
            line += 1
        row = d.out + line * N_COLUMNS
        c = d.cls[i] if d.text[i] < <uint32_t>d.table_size else 0
        for k in range(12):
            row[C_LETTER + k] += (c & COUNTED_CLASSES[k]) != 0
        if (c & CJK_TOKEN) or ((c & WORD) and not ((previous & WORD) and not (previous & CJK_TOKEN))):
            row[C_TOKENS] += 1
        if (c & UPPER) and i + 1 < d.size and not (previous & (LETTER | NUMBER)):
            if d.text[i + 1] < <uint32_t>d.table_size and d.cls[i + 1] & LOWER:
                row[C_CAPITALISED] += 1
        previous = c


def line_counts(const uint32_t[::1] text, const uint32_t[::1] lowered, const int64_t[::1] starts,
                const uint32_t[::1] table, const uint32_t[::1] high,
                months, boiler_words):
    """Per line (starting at ``starts`` in ``text``, the lines joined by LF, as code points):
    COLUMNS, as floats.  ``lowered`` is the same text lower-cased character for character,
    for the word lists; ``months`` and ``boiler_words`` are their prefix trees (see
    ``features.characters``)."""
    cdef Py_ssize_t n = starts.shape[0], line, start, end
    out = np.zeros((n, N_COLUMNS), dtype=np.float64)
    cdef double[:, ::1] out_view = out
    cdef uint32_t[::1] text_classes = np.empty(max(text.shape[0], 1), dtype=np.uint32)
    cdef uint32_t[::1] lowered_classes = np.empty(max(text.shape[0], 1), dtype=np.uint32)
    cdef Doc d
    cdef Doc low
    cdef Trie month_trie, boiler_trie
    if n == 0:
        return out
    if lowered.shape[0] != text.shape[0]:
        raise ValueError("the lower-cased text is not as long as the text")
    for line in range(n):
        if not 0 <= starts[line] <= text.shape[0] or (line and starts[line] < starts[line - 1]):
            raise ValueError("the lines' starts are out of order or outside the text")
    d.text = &text[0] if text.shape[0] else NULL
    d.size = text.shape[0]
    d.starts = &starts[0]
    d.lines = n
    d.table = &table[0]
    d.table_size = table.shape[0]
    d.high = &high[0] if high.shape[0] else NULL
    d.n_high = high.shape[0] // 3
    d.out = &out_view[0, 0]
    d.cls = &text_classes[0]
    low = d
    low.text = &lowered[0] if lowered.shape[0] else NULL
    low.cls = &lowered_classes[0]
    _trie(&month_trie, months)
    _trie(&boiler_trie, boiler_words)
    with nogil:
        look_up_classes(&d, NULL)
        look_up_classes(&low, &d)  # the lower-cased text differs only at capitals
        for line in range(n):
            start = d.starts[line]
            end = line_end(&d, line)
            d.out[line * N_COLUMNS + C_TERMINAL_END] = terminal_end(&d, start, end)
            d.out[line * N_COLUMNS + C_BULLET_START] = bullet_start(&d, start, BULLET)
            d.out[line * N_COLUMNS + C_LIST_MARKER] = list_marker(&d, start)
            d.out[line * N_COLUMNS + C_HEADING_START] = heading_start(&d, start)
            d.out[line * N_COLUMNS + C_DATE_END] = date_end(&d, start, end)
        sentence_marks(&d)
        single_characters(&d)
        times(&d)
        time_start(&d)
        dates_and_years(&d)
        words(&low, &month_trie, MONTH_START, C_MONTHS)
        words(&low, &boiler_trie, BOILER_START, C_BOILER_WORDS)
        urls(&d)
        at_signs(&d)
        pictwitter(&d)
        md_links(&d)
        temperature(&d)
        price(&d)
        paren_count(&d)
        separators(&d)
        column_gaps(&d)
        character_counts(&d)
    return out


def ends_sentence_and_starts_bullet(const uint32_t[::1] text, const uint32_t[::1] table,
                                    const uint32_t[::1] high):
    """For one line: ``terminal_end`` searched in it (a line holding LFs is read as ``re``
    reads it, each LF ending a line) and ``bullet_start`` matched at its start."""
    cdef Doc d
    cdef Py_ssize_t i, start = 0
    cdef bint ends = False
    cdef uint32_t[::1] text_classes = np.empty(max(text.shape[0], 1), dtype=np.uint32)
    d.text = &text[0] if text.shape[0] else NULL
    d.cls = &text_classes[0]
    d.size = text.shape[0]
    d.table = &table[0]
    d.table_size = table.shape[0]
    d.high = &high[0] if high.shape[0] else NULL
    d.n_high = high.shape[0] // 3
    look_up_classes(&d, NULL)
    for i in range(d.size + 1):
        if i == d.size or d.text[i] == LF:
            ends = ends or terminal_end(&d, start, i)
            start = i + 1
    return bool(ends), bool(bullet_start(&d, 0, BULLET))


cdef void _trie(Trie* trie, tuple arrays):
    """``arrays``: (first_edge, n_edges, is_word, edge_char, edge_child), kept alive by the
    caller."""
    cdef const int32_t[::1] first_edge = arrays[0]
    cdef const int32_t[::1] n_edges = arrays[1]
    cdef const uint8_t[::1] is_word = arrays[2]
    cdef const uint32_t[::1] edge_char = arrays[3]
    cdef const int32_t[::1] edge_child = arrays[4]
    trie.first_edge = &first_edge[0]
    trie.n_edges = &n_edges[0]
    trie.is_word = &is_word[0]
    trie.edge_char = &edge_char[0]
    trie.edge_child = &edge_child[0]


# Columns of ``line_measures``.
MEASURES = ("length", "stripped", "leading_space", "right_stripped", "breaks_within")


def line_measures(list lines, Py_ssize_t sample):
    """Per line: its length, its length without surrounding white space (``len(line.strip())``),
    how much white space leads it, its length without white space at the end
    (``len(line.rstrip())``), and whether a CR or LF lies within its first ``sample``
    characters.  White space is ``str.strip``'s (``Py_UNICODE_ISSPACE``)."""
    cdef Py_ssize_t n = len(lines), i, j, size, first, last
    cdef int kind
    cdef void *data
    cdef Py_UCS4 c
    cdef bint breaks
    out = np.zeros((n, len(MEASURES)), dtype=np.int64)
    cdef int64_t[:, ::1] view = out
    cdef str line
    for i in range(n):
        line = <str> lines[i]
        size = len(line)
        kind, data = PyUnicode_KIND(line), PyUnicode_DATA(line)
        first = 0
        while first < size and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, first)):
            first += 1
        last = size
        while last > first and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, last - 1)):
            last -= 1
        breaks = False
        for j in range(min(size, sample)):
            c = PyUnicode_READ(kind, data, j)
            if c == 10 or c == 13:
                breaks = True
                break
        view[i, 0] = size
        view[i, 1] = last - first
        view[i, 2] = first
        view[i, 3] = last if last > first else 0
        view[i, 4] = breaks
    return out
