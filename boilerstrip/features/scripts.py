"""The script-mix stage: character classes, tokens and scripts of each line.

Each character's classes are bits of a table indexed by code point, so a line's count
of letters, digits, upper case or script characters is one numpy sum, not a regex pass.
Which script a line uses says nothing a model may generalise from (users bring scripts
it never saw); how the line's script differs from its document's does.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import regex

from boilerstrip.features.text import DocumentText

CHARACTER_CLASSES = {
    "letter": r"\p{L}", "upper": r"\p{Lu}", "cased": r"[\p{Lu}\p{Ll}]", "lower": r"\p{Ll}",
    "digit": r"\d", "eastern_digit": r"[٠-٩۰-۹]", "number": r"\p{N}", "punct": r"\p{P}",
    "symbol": r"\p{So}", "word": r"\w", "cjk_token": r"[\p{Han}\p{Hiragana}\p{Katakana}]",
    "latin": r"\p{Latin}", "arabic": r"\p{Arabic}", "cyrillic": r"\p{Cyrillic}",
    "cjk": r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]", "greek": r"\p{Greek}",
}
_CLASS_BIT = {name: 1 << i for i, name in enumerate(CHARACTER_CLASSES)}
SCRIPTS = ("latin", "arabic", "cyrillic", "cjk", "greek")
_TABLE_SIZE = 0x30000  # through the CJK extension planes; rarer code points have no class

NAMES = ("tokens", "mean_token_len", "n_scripts", "off_script", "letter_share", "digit_share",
         "eastern_digit_share", "upper_share", "punct_share", "capitalised_share", "symbol_share")


@lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    numbers = np.arange(_TABLE_SIZE, dtype=np.uint32)
    numbers[0xD800:0xE000] = ord(" ")  # surrogates are no characters
    code_points = numbers.tobytes().decode("utf-32-le")
    table = np.zeros(_TABLE_SIZE, dtype=np.uint32)
    for name, pattern in CHARACTER_CLASSES.items():
        for match in regex.finditer(pattern + "+", code_points):
            table[match.start() : match.end()] |= _CLASS_BIT[name]
    return table


def class_counts(text: DocumentText) -> dict[str, np.ndarray]:
    """Per line: characters of each class, tokens (word runs; a CJK character is one) and
    capitalised words (an upper-case letter then a lower-case one, at a word's start)."""
    codes = np.frombuffer(text.joined.encode("utf-32-le"), dtype=np.uint32)
    classes = _class_table()[np.minimum(codes, _TABLE_SIZE - 1)]
    classes[codes >= _TABLE_SIZE] = 0

    def has(name: str) -> np.ndarray:
        return (classes & _CLASS_BIT[name]) != 0

    def per_line(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask.astype(np.float64), text.starts)

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


def script_mix(col: dict[str, np.ndarray], text: DocumentText) -> None:
    """Fill the NAMES columns."""
    counts = class_counts(text)
    letters, tokens = counts["letter"], counts["tokens"]
    chars = text.sampled_chars
    col["tokens"][:] = tokens
    col["mean_token_len"][:] = letters / np.maximum(tokens, 1)
    script_chars = np.stack([counts[name] for name in SCRIPTS], axis=1)
    other = np.maximum(letters - script_chars.sum(axis=1), 0)
    all_scripts = np.column_stack([script_chars, other])
    shares = all_scripts / np.maximum(letters, 1)[:, None]
    col["n_scripts"][:] = (shares > 0.1).sum(axis=1)
    dominant = int(np.argmax(all_scripts.sum(axis=0)))
    col["off_script"][:] = np.where(letters > 0, 1 - shares[:, dominant], 0)
    col["letter_share"][:] = letters / chars
    col["digit_share"][:] = counts["digit"] / chars
    col["eastern_digit_share"][:] = counts["eastern_digit"] / chars
    col["upper_share"][:] = counts["upper"] / np.maximum(counts["cased"], 1)
    col["punct_share"][:] = counts["punct"] / chars
    col["capitalised_share"][:] = counts["capitalised"] / np.maximum(tokens, 1)
    col["symbol_share"][:] = counts["symbol"] / chars
