"""Markdown: the markup columns its syntax can express, what a reader sees of a line, and a
rendered page laid out as crawl-for-LLM tools write Markdown."""

from __future__ import annotations

import re

import numpy as np

from boilerstrip.rendering.markup import MARKUP_INDEX, MARKUP_NAMES

_MD_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(([^)\n]*)\)")
_MD_URL = re.compile(r"(?<![(<\[])\bhttps?://\S+")
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_MD_LIST = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]")
_MD_QUOTE = re.compile(r"^ {0,3}>")
_MD_TABLE = re.compile(r"^[ \t]*\|")
_MD_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")
_MD_MARKER = re.compile(r"^[ \t]*(?:[-*+>]|\d{1,9}[.)]|#{1,6})[ \t]+")


def markdown_visible_text(line: str) -> str:
    """What a reader sees of a Markdown line: link text without its URL, no images."""
    return _MD_LINK.sub(lambda m: "" if m.group(1) else m.group(2), line)


def markdown_markup(lines: list[str]) -> np.ndarray:
    """The SHARED columns from each Markdown line's own syntax; the HTML-only ones stay NaN.

    Link density counts the visible text of ``[text](url)`` links and bare URLs
    against the line's visible text (URLs inside link targets are not visible).
    """
    out = np.full((len(lines), len(MARKUP_NAMES)), np.nan)
    in_fence = False
    for i, line in enumerate(lines):
        fence = bool(_MD_FENCE.match(line))
        row = out[i]
        link_chars = links = images = 0
        visible = line
        for match in _MD_LINK.finditer(line):
            if match.group(1):
                images += 1
            else:
                links += 1
                link_chars += len(match.group(2))
        if images or links:
            visible = markdown_visible_text(line)
        for match in _MD_URL.finditer(visible):
            links += 1
            link_chars += len(match.group())
        heading = _MD_HEADING.match(line)
        size = len(_MD_MARKER.sub("", visible).strip())
        row[MARKUP_INDEX["link_density"]] = min(link_chars / size, 1.0) if size else 0.0
        row[MARKUP_INDEX["links"]] = links
        row[MARKUP_INDEX["images"]] = images
        row[MARKUP_INDEX["heading_level"]] = len(heading.group(1)) if heading else 0
        row[MARKUP_INDEX["list_item"]] = bool(_MD_LIST.match(line))
        row[MARKUP_INDEX["quote"]] = bool(_MD_QUOTE.match(line))
        row[MARKUP_INDEX["table_cell"]] = bool(_MD_TABLE.match(line))
        row[MARKUP_INDEX["code"]] = in_fence or fence
        if fence:
            in_fence = not in_fence
    return out


def block_layout(prefixes: list[str]) -> list[int]:
    """Markdown as crawl tools write it: a blank line between blocks, none inside a list.

    Returns, for each line of the Markdown document, the index of the rendered block it
    shows, or -1 for a blank separator line."""
    blocks: list[int] = []
    for i in range(len(prefixes)):
        if i and not (prefixes[i] and prefixes[i - 1]):
            blocks.append(-1)
        blocks.append(i)
    return blocks
