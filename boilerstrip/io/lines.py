"""Split text into lines and put it back together, losing nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

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


def line_key(line: str) -> str:
    """A line as a site's template and memory look it up: its words, whatever the spacing."""
    return " ".join(line.split())


def is_blank(line: str) -> bool:
    return not line.strip()


MAX_BATCH_LINES = 50_000
MAX_BATCH_CHARS = 16 << 20


def iter_line_batches(blocks: Iterable[str], max_lines: int = MAX_BATCH_LINES,
                      max_chars: int = MAX_BATCH_CHARS) -> Iterator[tuple[list[str], list[str]]]:
    """Complete lines (and their endings) from a stream of text blocks, in bounded batches.

    A page is one batch; only inputs beyond ``max_lines`` lines or ``max_chars``
    characters are cut into several, each classified as a document of its own.  A
    trailing CR is held back until the next block, where it may be half of a CRLF.
    """
    carry = ""
    lines: list[str] = []
    endings: list[str] = []
    size = 0
    emitted = False
    for block in blocks:
        text = carry + block
        cut = len(text) - 1 if text.endswith("\r") else len(text)
        complete_end = max(text.rfind("\n", 0, cut), text.rfind("\r", 0, cut)) + 1
        new_lines, new_endings = split_lines(text[:complete_end]) if complete_end else ([], [])
        carry = text[complete_end:]
        for line, ending in zip(new_lines, new_endings):
            lines.append(line)
            endings.append(ending)
            size += len(line)
            if len(lines) >= max_lines or size >= max_chars:
                yield lines, endings
                lines, endings, size, emitted = [], [], 0, True
    if carry or not (lines or emitted):
        tail_lines, tail_endings = split_lines(carry)
        lines.extend(tail_lines)
        endings.extend(tail_endings)
    if lines:
        yield lines, endings
