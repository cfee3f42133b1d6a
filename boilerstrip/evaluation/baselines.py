"""Baselines scored on the same lines as boilerstrip: keep everything, C4's line rules, and
jusText's classifier with each line as one paragraph."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from boilerstrip.wordlists import CLOSING_MARKS, TERMINAL_PUNCTUATION

_C4_TERMINAL = re.compile(rf"[{TERMINAL_PUNCTUATION}][{re.escape(CLOSING_MARKS)}]*\s*$")
_JUSTEXT_STOPLISTS = {"en": "English", "ru": "Russian", "el": "Greek", "pl": "Polish", "ar": "Arabic"}


def keep_all(lines: Sequence[str], lang: str) -> list[bool]:
    return [bool(line.strip()) for line in lines]


def c4_rules(lines: Sequence[str], lang: str) -> list[bool]:
    """C4's line rules: ends in terminal punctuation and has at least five words."""
    return [bool(_C4_TERMINAL.search(line)) and len(line.split()) >= 5 for line in lines]


def run_justext(page_html: str, lang: str) -> list:
    """jusText's paragraphs of a page, with the stoplist of its language; a language
    without one is judged on length and links alone (stopword thresholds at zero)."""
    import justext

    name = _JUSTEXT_STOPLISTS.get(lang)
    options = {} if name else {"stopwords_low": 0, "stopwords_high": 0}
    stoplist = justext.get_stoplist(name) if name else frozenset()
    return justext.justext(page_html.encode("utf-8"), stoplist, encoding="utf-8", **options)


def justext_lines(lines: Sequence[str], lang: str) -> list[bool]:
    """jusText's classifier with each line as one paragraph."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    paragraphs = run_justext(f"<html><body>{body}</body></html>", lang)
    kept = [False] * len(lines)
    for paragraph in paragraphs:
        match = re.search(r"p\[(\d+)\]$", paragraph.xpath)
        if match and not paragraph.is_boilerplate:
            kept[int(match.group(1)) - 1] = True
    return kept


BASELINES: dict[str, Callable[[Sequence[str], str], list[bool]]] = {
    "keep-all": keep_all, "c4-rules": c4_rules, "justext": justext_lines,
}
