"""Split text into lines and put it back together, losing nothing."""

from __future__ import annotations

import re

_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> tuple[list[str], list[str]]:
    """Return the lines and the ending that followed each ('' for the last).

    Only CR, LF and CRLF end a line: str.splitlines would also split on form
    feeds and U+2028, which scraped text carries inside its lines.
    """
    lines: list[str] = []
    endings: list[str] = []
    start = 0
    for match in _LINE_END.finditer(text):
        lines.append(text[start : match.start()])
        endings.append(match.group())
        start = match.end()
    if start < len(text) or not lines:
        lines.append(text[start:])
        endings.append("")
    return lines, endings


def is_blank(line: str) -> bool:
    return not line.strip()
