"""Turn an HTML page into lines the way a scraper does: one block a line.

One walk of the tree gives every rendering of a line, so they stay line for line
the same: ``scraper`` text (list items bulleted and indented), ``flat`` text
(bare lines), ``markdown`` (links, headings, list and quote markers), the line's
own ``html`` (its block tag and links, for ``--format html``), the XPath of its
block, and its markup features (see ``markup``).
"""

from __future__ import annotations

import html as html_escaping
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from boilerstrip.markup import (CLASS_WORDS, MARKUP_INDEX, MARKUP_NAMES, TAG_FLAGS, TEXT_SHARES,
                                class_flags, text_shares)

RenderStyle = Literal["scraper", "flat", "markdown", "html"]

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


class _Context(NamedTuple):
    """What an element passes to its content: markup bits, heading, depth, block, list nesting."""

    bits: int = 0
    heading: int = 0
    depth: int = 0
    block_tag: str = "p"
    block_path: str = ""
    path: str = ""
    list_depth: int = 0
    link: bool = False


_ENTER, _LEAVE, _LEAVE_LINK = 0, 1, 2


@dataclass
class RenderedPage:
    """A page's lines in every rendering, line for line, with their markup features."""

    lines: list[str]
    prefixes: list[str]
    markdown: list[str]
    html: list[str]
    paths: list[str]
    markup: np.ndarray

    def text(self, style: RenderStyle = "scraper") -> list[str]:
        if style == "flat":
            return [line[len(prefix):] for line, prefix in zip(self.lines, self.prefixes)]
        if style == "markdown":
            return self.markdown
        return self.lines


class _LineWriter:
    """Collects a line's text (and its Markdown and HTML) and flushes it at block boundaries."""

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
        self.md_parts: list[str] = ["[" for _ in self.open_links]
        self.html_parts: list[str] = [f'<a href="{html_escaping.escape(h)}">' for h in self.open_links]
        self.prefix = self.md_prefix = ""
        self.context: _Context | None = None
        self.chars = self.link_chars = 0
        self.links = self.images = 0
        self.bits = 0

    def text(self, value: str, context: _Context) -> None:
        if self.preformatted:
            chunks = value.split("\n")
            self._add(chunks[0], context)
            for chunk in chunks[1:]:
                self.flush()
                self._add(chunk, context)
        else:
            self._add(value, context)

    def _add(self, value: str, context: _Context) -> None:
        visible = len(value.strip())
        if visible and self.context is None:
            self.context = context
        self.parts.append(value)
        self.md_parts.append(value)
        self.html_parts.append(html_escaping.escape(value, quote=False))
        self.chars += visible
        if context.link:
            self.link_chars += visible
        if visible:
            self.bits |= context.bits

    def open_link(self, href: str) -> None:
        self.links += 1
        self.open_links.append(href)
        self.md_parts.append("[")
        self.html_parts.append(f'<a href="{html_escaping.escape(href)}">')

    def close_link(self) -> None:
        href = self.open_links.pop()
        self.md_parts.append(f"]({href})")
        self.html_parts.append("</a>")

    def image(self, alt: str, src: str) -> None:
        self.images += 1
        self.md_parts.append(f"![{alt}]({src})")

    def flush(self) -> None:
        if not self.parts:
            return
        raw = "".join(self.parts)
        line = raw.rstrip() if self.preformatted else _SPACES.sub(" ", raw).strip()
        if line and self.context is not None:
            context = self.context
            for href in reversed(self.open_links):  # a link spanning blocks closes per line
                self.md_parts.append(f"]({href})")
                self.html_parts.append("</a>")
            md = "".join(self.md_parts)
            inner = "".join(self.html_parts)
            if not self.preformatted:
                md, inner = _SPACES.sub(" ", md).strip(), _SPACES.sub(" ", inner).strip()
            self.lines.append(self.prefix + line)
            self.prefixes.append(self.prefix)
            self.markdown.append(self.md_prefix + md)
            tag = context.block_tag if context.block_tag in _HTML_BLOCK_TAGS else "p"
            self.html.append(f"<{tag}>{inner}</{tag}>")
            self.paths.append(context.block_path)
            self.rows.append(self._markup_row(context))
        self._start_line()

    def _markup_row(self, context: _Context) -> list[float]:
        row = [0.0] * len(MARKUP_NAMES)
        row[MARKUP_INDEX["link_density"]] = self.link_chars / self.chars if self.chars else 0.0
        row[MARKUP_INDEX["links"]] = self.links
        row[MARKUP_INDEX["images"]] = self.images
        row[MARKUP_INDEX["heading_level"]] = context.heading
        row[MARKUP_INDEX["depth"]] = context.depth
        bits = self.bits | context.bits
        for column, bit in _FLAG_COLUMNS:
            if bits & bit:
                row[column] = 1.0
        return row


def _enter(tag: str, attributes: dict, parent: _Context, index: int) -> _Context:
    bits = parent.bits | _TAG_BITS.get(tag, 0)
    names = " ".join(filter(None, (attributes.get("class"), attributes.get("id"))))
    if names:
        bits |= _class_bits(names)
    path = f"{parent.path}/{tag}[{index}]"
    block = tag in _BLOCKS
    return _Context(bits=bits, heading=_HEADINGS.get(tag, parent.heading), depth=parent.depth + 1,
                    block_tag=tag if block else parent.block_tag,
                    block_path=path if block else parent.block_path, path=path,
                    list_depth=parent.list_depth + (tag in _LISTS),
                    link=parent.link or (tag == "a" and "href" in attributes))


def render_page(html: str) -> RenderedPage:
    """Render ``html``; scripts, styles and hidden elements are dropped.

    The walk is iterative so that pathological nesting cannot exhaust the stack.
    """
    writer = _LineWriter()
    root = LexborHTMLParser(html).root
    # Stack of (node, context, state, index among same-tag siblings); a node is pushed
    # twice, to enter (state _ENTER) and to leave it (_LEAVE, or _LEAVE_LINK to close a link).
    stack: list[tuple[object, _Context, int, int]] = (
        [] if root is None else [(root, _Context(), _ENTER, 1)])
    while stack:
        node, context, state, index = stack.pop()
        tag = node.tag or "-"  # lexbor gives processing instructions (<?x ?>) no tag
        if state != _ENTER:
            if tag == "pre":
                writer.flush()
                writer.preformatted -= 1
            if state == _LEAVE_LINK:
                writer.close_link()
            if tag in _BLOCKS:
                writer.flush()
            elif tag in _CELLS:
                writer.parts.append(" ")
            continue
        if tag == "-text":
            writer.text(node.text_content or "", context)
            continue
        if tag in _SKIPPED or tag.startswith("-"):
            continue
        attributes = node.attributes
        if _is_hidden(attributes):
            continue
        if tag == "br":
            writer.flush()
            continue
        if tag == "img":
            writer.image(attributes.get("alt") or "", attributes.get("src") or "")
            continue
        own = _enter(tag, attributes, context, index)
        if tag in _BLOCKS:
            writer.flush()
            if tag == "li":
                writer.prefix = writer.md_prefix = "  " * max(own.list_depth - 1, 0) + "- "
            elif tag in _HEADINGS:
                writer.md_prefix = "#" * _HEADINGS[tag] + " "
            elif tag == "blockquote":
                writer.md_prefix = "> "
            elif tag == "pre":
                writer.preformatted += 1
        leave = _LEAVE
        if own.link and not context.link:
            writer.open_link(attributes.get("href") or "")
            leave = _LEAVE_LINK
        stack.append((node, own, leave, index))
        children = []
        counts: dict[str, int] = {}
        child = node.child
        while child is not None:
            child_tag = child.tag or "-"
            counts[child_tag] = counts.get(child_tag, 0) + 1
            children.append((child, own, _ENTER, counts[child_tag]))
            child = child.next
        stack.extend(reversed(children))
    writer.flush()
    markup = np.array(writer.rows, dtype=np.float64).reshape(-1, len(MARKUP_NAMES))
    chars = np.array([len(line) - len(prefix) for line, prefix in zip(writer.lines, writer.prefixes)],
                     dtype=np.float64)
    shares = [MARKUP_INDEX[name] for name in TEXT_SHARES]
    markup[:, shares] = text_shares(writer.paths, chars, markup[:, MARKUP_INDEX["link_density"]])
    return RenderedPage(writer.lines, writer.prefixes, writer.markdown, writer.html, writer.paths,
                        markup)


def render_html(html: str, style: RenderStyle = "scraper") -> list[str]:
    """The page's text lines in one style (``html`` style is ``scraper`` text plus markup)."""
    return render_page(html).text(style)
