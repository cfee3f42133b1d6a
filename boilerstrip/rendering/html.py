"""Render an HTML page into lines the way a scraper does: one block a line.

One walk of the tree gives every rendering of a line, so they stay line for line
the same: ``scraper`` text (list items bulleted and indented), ``flat`` text
(bare lines), ``markdown`` (links, headings, list and quote markers), the line's
own ``html`` (its block tag and links, for the html output format), the XPath of its
block, and its markup features (see ``markup``).
"""

from __future__ import annotations

import html as html_escaping
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from boilerstrip.rendering.markdown import block_layout, markdown_markup
from boilerstrip.rendering.markup import (MARKUP_INDEX, MARKUP_NAMES, TAG_FLAGS, TEXT_SHARES,
                                          class_flags, text_shares)
from boilerstrip.wordlists import CLASS_WORDS

# How a page becomes a document of lines: text as a scraper writes it (``scraper``: list
# items bulleted and indented), bare lines (``flat``), Markdown as crawl tools write it
# (``markdown``), or scraper text with the page's markup features (``html``).
Rendering = Literal["scraper", "flat", "markdown", "html"]
RENDERINGS: tuple[Rendering, ...] = ("scraper", "flat", "html", "markdown")

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
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_HTML_BLOCK_TAGS = frozenset(("p", "li", "pre", "blockquote", *_HEADINGS))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACES = re.compile(r"\s+")
_STREAMED_SEGMENT = re.compile(r"S:\d+$")

# Markup flags as bits of one int, so a node's context is its parent's OR its own.
_FLAG_NAMES = ("list_item", "quote", "table_cell", "code", *TAG_FLAGS, *CLASS_WORDS)
_BIT = {name: 1 << i for i, name in enumerate(_FLAG_NAMES)}
_TAG_BITS: dict[str, int] = {"li": _BIT["list_item"], "blockquote": _BIT["quote"],
                             "td": _BIT["table_cell"], "th": _BIT["table_cell"],
                             "table": _BIT["table_cell"], "pre": _BIT["code"], "code": _BIT["code"]}
for _flag, _tags in TAG_FLAGS.items():
    for _tag in _tags:
        _TAG_BITS[_tag] = _TAG_BITS.get(_tag, 0) | _BIT[_flag]
_FLAG_COLUMNS = [(MARKUP_INDEX[name], _BIT[name]) for name in _FLAG_NAMES]


@lru_cache(maxsize=4096)
def _class_bits(attribute_text: str) -> int:
    bits = 0
    for name in class_flags(attribute_text.lower()):
        bits |= _BIT[name]
    return bits


def _is_hidden(attributes: dict) -> bool:
    if "hidden" in attributes:
        # React's streaming server rendering sends content in <div hidden id="S:0"> and a
        # script moves it into the page: what a browser (and a scraper using one) shows.
        return not _STREAMED_SEGMENT.match(attributes.get("id") or "")
    if attributes.get("aria-hidden") == "true":
        return True
    style = attributes.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


# What an element passes to its content, as a plain tuple (the walk makes one per
# element): markup bits, heading level, depth, block tag, block XPath, own XPath,
# list nesting, whether inside a link.
_Context = tuple[int, int, int, str, str, str, int, bool]
_ROOT: _Context = (0, 0, 0, "p", "", "", 0, False)
_BITS, _HEADING, _DEPTH, _BLOCK_TAG, _BLOCK_PATH = range(5)
_LINK = 7

_ENTER, _LEAVE, _LEAVE_LINK = 0, 1, 2


@dataclass
class RenderedDocument:
    """A page in one rendering: its lines, their markup rows (None where the rendering has
    no markup), and the block each line shows (-1 for a blank line between blocks)."""

    lines: list[str]
    markup: np.ndarray | None
    blocks: list[int]


@dataclass
class RenderedPage:
    """A page's blocks in every rendering, block for block, with their markup features:
    ``lines`` is the scraper text, one block a line."""

    lines: list[str]
    prefixes: list[str]
    markdown: list[str]
    html: list[str]
    paths: list[str]
    markup: np.ndarray

    def document(self, rendering: Rendering = "scraper") -> RenderedDocument:
        every_block = list(range(len(self.lines)))
        if rendering == "flat":
            flat = [line[len(prefix):] for line, prefix in zip(self.lines, self.prefixes)]
            return RenderedDocument(flat, None, every_block)
        if rendering == "markdown":
            blocks = block_layout(self.prefixes)
            lines = [self.markdown[b] if b >= 0 else "" for b in blocks]
            return RenderedDocument(lines, markdown_markup(lines), blocks)
        return RenderedDocument(self.lines, self.markup if rendering == "html" else None, every_block)


class _LineWriter:
    """Collects a line's text and flushes it at block boundaries.

    A line's raw text pieces go to ``parts``; what Markdown and HTML add between
    them (link brackets and tags, images, the gap between table cells) goes to
    ``marks`` with the number of pieces before it, so the two renderings are built
    only for the lines that have text.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.prefixes: list[str] = []
        self.markdown: list[str] = []
        self.html: list[str] = []
        self.paths: list[str] = []
        self.rows: list[list[float]] = []
        self.preformatted = 0
        self.open_links: list[str] = []
        self._start_line()

    def _start_line(self) -> None:
        self.parts: list[str] = []
        # (pieces before it, raw text, Markdown, HTML): links still open carry over.
        self.marks: list[tuple[int, str, str, str]] = [
            (0, "", "[", f'<a href="{html_escaping.escape(href)}">') for href in self.open_links]
        self.filled = False  # whether a text piece or a cell gap came in since the last line
        self.prefix = self.md_prefix = ""
        self.context: _Context | None = None
        self.chars = self.link_chars = 0
        self.links = self.images = 0
        self.bits = 0

    def text(self, value: str, context: _Context) -> None:
        if self.preformatted:
            chunks = value.split("\n")
            self.add(chunks[0], context)
            for chunk in chunks[1:]:
                self.flush()
                self.add(chunk, context)
        else:
            self.add(value, context)

    def add(self, value: str, context: _Context) -> None:
        self.parts.append(value)
        self.filled = True
        visible = len(value.strip())
        if visible:
            if self.context is None:
                self.context = context
            self.chars += visible
            if context[_LINK]:
                self.link_chars += visible
            self.bits |= context[_BITS]

    def cell_gap(self) -> None:
        self.marks.append((len(self.parts), " ", "", ""))
        self.filled = True

    def open_link(self, href: str) -> None:
        self.links += 1
        self.open_links.append(href)
        self.marks.append((len(self.parts), "", "[", f'<a href="{html_escaping.escape(href)}">'))

    def close_link(self) -> None:
        href = self.open_links.pop()
        self.marks.append((len(self.parts), "", f"]({href})", "</a>"))

    def image(self, alt: str, src: str) -> None:
        self.images += 1
        self.marks.append((len(self.parts), "", f"![{alt}]({src})", ""))

    def _renderings(self) -> tuple[str, str, str]:
        """The line's raw text, Markdown and HTML, pieces and marks interleaved."""
        parts, marks = self.parts, self.marks
        if not marks:
            raw = "".join(parts)
            return raw, raw, html_escaping.escape(raw, quote=False)
        raw, md, inner = [], [], []
        done = 0
        for position, mark_raw, mark_md, mark_html in [*marks, (len(parts), "", "", "")]:
            if position > done:
                between = "".join(parts[done:position])
                raw.append(between)
                md.append(between)
                inner.append(html_escaping.escape(between, quote=False))
                done = position
            raw.append(mark_raw)
            md.append(mark_md)
            inner.append(mark_html)
        return "".join(raw), "".join(md), "".join(inner)

    def flush(self) -> None:
        if not self.filled:
            return
        context = self.context
        if context is not None:  # the line has visible text
            for href in reversed(self.open_links):  # a link spanning blocks closes per line
                self.marks.append((len(self.parts), "", f"]({href})", "</a>"))
            raw, md, inner = self._renderings()
            if self.preformatted:
                line = raw.rstrip()
            else:
                line = _SPACES.sub(" ", raw).strip()
                md, inner = _SPACES.sub(" ", md).strip(), _SPACES.sub(" ", inner).strip()
            self.lines.append(self.prefix + line)
            self.prefixes.append(self.prefix)
            self.markdown.append(self.md_prefix + md)
            block_tag = context[_BLOCK_TAG]
            tag = block_tag if block_tag in _HTML_BLOCK_TAGS else "p"
            self.html.append(f"<{tag}>{inner}</{tag}>")
            self.paths.append(context[_BLOCK_PATH])
            self.rows.append(self._markup_row(context))
        self._start_line()

    def open_block(self, tag: str, list_depth: int) -> int:
        """A block element starts a line, and sets its prefixes; returns the list nesting."""
        self.flush()
        if tag in _LISTS:
            return list_depth + 1
        if tag == "li":
            self.prefix = self.md_prefix = "  " * max(list_depth - 1, 0) + "- "
        elif tag in _HEADINGS:
            self.md_prefix = "#" * _HEADINGS[tag] + " "
        elif tag == "blockquote":
            self.md_prefix = "> "
        elif tag == "pre":
            self.preformatted += 1
        return list_depth

    def leave(self, tag: str, state: int) -> None:
        """An element ends: a block ends its line, a cell leaves a gap, a link closes."""
        if tag == "pre":
            self.flush()
            self.preformatted -= 1
        if state == _LEAVE_LINK:
            self.close_link()
        if tag in _BLOCKS:
            self.flush()
        elif tag in _CELLS:
            self.cell_gap()

    def page(self) -> RenderedPage:
        """The page rendered so far, with the text-share columns that need every line."""
        self.flush()
        markup = np.array(self.rows, dtype=np.float64).reshape(-1, len(MARKUP_NAMES))
        chars = np.array([len(line) - len(prefix) for line, prefix in zip(self.lines, self.prefixes)],
                         dtype=np.float64)
        shares = [MARKUP_INDEX[name] for name in TEXT_SHARES]
        markup[:, shares] = text_shares(self.paths, chars, markup[:, MARKUP_INDEX["link_density"]])
        return RenderedPage(self.lines, self.prefixes, self.markdown, self.html, self.paths, markup)

    def _markup_row(self, context: _Context) -> list[float]:
        row = [0.0] * len(MARKUP_NAMES)
        row[MARKUP_INDEX["link_density"]] = self.link_chars / self.chars if self.chars else 0.0
        row[MARKUP_INDEX["links"]] = self.links
        row[MARKUP_INDEX["images"]] = self.images
        row[MARKUP_INDEX["heading_level"]] = context[_HEADING]
        row[MARKUP_INDEX["depth"]] = context[_DEPTH]
        bits = self.bits | context[_BITS]
        for column, bit in _FLAG_COLUMNS:
            if bits & bit:
                row[column] = 1.0
        return row


def render_page(html: str) -> RenderedPage:
    """Render ``html``; scripts, styles and hidden elements are dropped.

    The walk is iterative so that pathological nesting cannot exhaust the stack, and
    what it does per element is inline: it runs for each of a page's thousands of nodes.
    """
    writer = _LineWriter()
    root = LexborHTMLParser(html).root
    # Stack of (node, tag, context, state, index among same-tag siblings); an element is
    # pushed twice, to enter (state _ENTER) and to leave it (_LEAVE, or _LEAVE_LINK to
    # close a link).
    stack: list[tuple[object, str, _Context, int, int]] = (
        [] if root is None else [(root, root.tag or "-", _ROOT, _ENTER, 1)])
    while stack:
        node, tag, context, state, index = stack.pop()
        if state != _ENTER:
            writer.leave(tag, state)
            continue
        if tag == "-text":
            writer.text(node.text_content or "", context)
            continue
        if tag in _SKIPPED or tag[0] == "-":
            continue
        attributes = node.attributes
        if attributes and _is_hidden(attributes):
            continue
        if tag == "br":
            writer.flush()
            continue
        if tag == "img":
            writer.image(attributes.get("alt") or "", attributes.get("src") or "")
            continue
        bits, heading, depth, block_tag, block_path, path, list_depth, link = context
        bits |= _TAG_BITS.get(tag, 0)
        if attributes:
            names = " ".join(filter(None, (attributes.get("class"), attributes.get("id"))))
            if names:
                bits |= _class_bits(names)
        path = f"{path}/{tag}[{index}]"
        opens_link = not link and tag == "a" and "href" in attributes
        if tag in _BLOCKS:
            block_tag, block_path = tag, path
            list_depth = writer.open_block(tag, list_depth)
        own = (bits, _HEADINGS.get(tag, heading), depth + 1, block_tag, block_path, path, list_depth,
               link or opens_link)
        if opens_link:
            writer.open_link(attributes.get("href") or "")
        stack.append((node, tag, own, _LEAVE_LINK if opens_link else _LEAVE, index))
        stack.extend(_children_to_enter(node, own))
    return writer.page()


def _children_to_enter(node, context: _Context) -> list[tuple[object, str, _Context, int, int]]:
    """Stack entries for ``node``'s children, last child first (so the first pops first),
    each element with its index among same-tag siblings (its XPath step)."""
    children = []
    counts: dict[str, int] = {}
    child = node.child
    while child is not None:
        child_tag = child.tag or "-"
        if child_tag[0] == "-":  # text and comments: no place in an XPath
            children.append((child, child_tag, context, _ENTER, 0))
        else:
            counts[child_tag] = count = counts.get(child_tag, 0) + 1
            children.append((child, child_tag, context, _ENTER, count))
        child = child.next
    children.reverse()
    return children


def render_html(html: str, rendering: Rendering = "scraper") -> list[str]:
    """The page's lines in one rendering."""
    return render_page(html).document(rendering).lines
