"""Turn an HTML page into text lines the way a scraper does: one block a line.

Two styles, because users' scrapers differ and the model must serve both:
``scraper`` marks list items with a bullet and indents nested lists;
``flat`` writes every block as a bare line.
"""

from __future__ import annotations

import re
from typing import Literal

from selectolax.lexbor import LexborHTMLParser

RenderStyle = Literal["scraper", "flat"]

_SKIPPED = frozenset(
    "head script style noscript template svg math iframe object embed canvas "
    "select option datalist map audio video source track meta link title".split()
)
_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend "
    "li main menu nav ol p pre section summary table tbody thead tfoot tr ul".split()
)
_CELLS = frozenset(("td", "th"))
_LISTS = frozenset(("ul", "ol", "menu", "dir"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACES = re.compile(r"\s+")


_STREAMED_SEGMENT = re.compile(r"S:\d+$")


def _is_hidden(attributes: dict) -> bool:
    if "hidden" in attributes:
        # React's streaming server rendering sends content in <div hidden id="S:0"> and a
        # script moves it into the page: what a browser (and a scraper using one) shows.
        return not _STREAMED_SEGMENT.match(attributes.get("id") or "")
    if attributes.get("aria-hidden") == "true":
        return True
    style = attributes.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


class _LineWriter:
    """Collects inline text and flushes it as a line at block boundaries."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.prefix = ""
        self.preformatted = 0

    def text(self, value: str) -> None:
        if self.preformatted:
            chunks = value.split("\n")
            self.parts.append(chunks[0])
            for chunk in chunks[1:]:
                self.flush()
                self.parts.append(chunk)
        else:
            self.parts.append(value)

    def flush(self) -> None:
        raw = "".join(self.parts)
        self.parts = []
        line = raw.rstrip() if self.preformatted else _SPACES.sub(" ", raw).strip()
        if line:
            self.lines.append(self.prefix + line)
            self.prefix = ""


def render_html(html: str, style: RenderStyle = "scraper") -> list[str]:
    """Render ``html`` to text lines; scripts, styles and hidden elements are dropped.

    The walk is iterative so that pathological nesting cannot exhaust the stack.
    """
    tree = LexborHTMLParser(html)
    root = tree.root
    writer = _LineWriter()
    if root is None:
        return writer.lines
    list_depth = 0
    # Stack of (node, leaving): a node is pushed twice, to enter and to leave it.
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            if tag in _LISTS:
                list_depth -= 1
            elif tag == "pre":
                writer.flush()
                writer.preformatted -= 1
            if tag in _BLOCKS:
                writer.flush()
            elif tag in _CELLS:
                writer.parts.append(" ")
            continue
        if tag == "-text":
            writer.text(node.text_content or "")
            continue
        if tag in _SKIPPED or tag.startswith("-") or _is_hidden(node.attributes):
            continue
        if tag == "br":
            writer.flush()
            continue
        if tag in _BLOCKS:
            writer.flush()
            if tag == "li" and style == "scraper":
                writer.prefix = "  " * max(list_depth - 1, 0) + "- "
            elif tag == "pre":
                writer.preformatted += 1
        if tag in _LISTS:
            list_depth += 1
        stack.append((node, True))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    writer.flush()
    return writer.lines
