"""Word tokens shared by labeling and evaluation: CJK characters count one each."""

from __future__ import annotations

import regex

_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}"
WORD = regex.compile(rf"[{_CJK}]|[^\W{_CJK}]+", regex.V1)


def word_tokens(text: str) -> list[str]:
    """Case-folded word tokens; Chinese and Japanese have no spaces, so each character is one."""
    return [t.casefold() for t in WORD.findall(text)]
