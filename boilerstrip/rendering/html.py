"""Render an HTML page into lines the way a scraper does: one block a line.

One walk of the tree gives every rendering of a line, so they stay line for line
the same: ``scraper`` text (list items bulleted and indented), ``flat`` text
(bare lines), ``markdown`` (links, headings, list and quote markers), the line's
own ``html`` (its block tag and links, for the html output format), the XPath of its
block, and its markup features (see ``markup``).

The walk itself is compiled (``_walk.pyx``); this module says what each tag and attribute
does in it (block, list, cell, skipped, hidden, the markup bits and class words) and hands it
selectolax's parsed tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from boilerstrip.rendering import _walk
from boilerstrip.rendering.markdown import block_layout, markdown_markup
from boilerstrip.rendering.markup import MARKUP_INDEX, MARKUP_NAMES, TAG_FLAGS, TEXT_SHARES, text_shares
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
# What each tag does in the walk, by role.
_ROLES = {"skipped": _SKIPPED, "block": _BLOCKS, "cell": _CELLS, "list": _LISTS,
          "list_item": {"li"}, "quote": {"blockquote"}, "preformatted": {"pre"}, "break": {"br"},
          "image": {"img"}, "anchor": {"a"}}


@dataclass
class RenderedDocument:
    """A page in one rendering: its lines, their markup rows (None where the rendering has
    no markup), the block each line shows (-1 for a blank line between blocks), and, in the
    html rendering, the XPath of each line's block (``sources``)."""

    lines: list[str]
    markup: np.ndarray | None
    blocks: list[int]
    sources: list[str] | None = None


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
        if rendering == "html":
            return RenderedDocument(self.lines, self.markup, every_block, self.paths)
        return RenderedDocument(self.lines, None, every_block)


def render_page(html: str) -> RenderedPage:
    """Render ``html``; scripts, styles and hidden elements are dropped.

    selectolax (lexbor) parses; the compiled walk (``_walk``) reads the tree and writes every
    rendering of every line in one pass.  It keeps its own stack, so pathological nesting
    cannot exhaust the interpreter's.
    """
    parser = LexborHTMLParser(html)
    root = parser.root
    lines, prefixes, markdown, html_lines, paths, markup, line_elements, elements = _walk.walk(
        0 if root is None else root.mem_id)
    chars = np.array([len(line) - len(prefix) for line, prefix in zip(lines, prefixes)],
                     dtype=np.float64)
    shares = [MARKUP_INDEX[name] for name in TEXT_SHARES]
    markup[:, shares] = text_shares(line_elements, elements, chars,
                                    markup[:, MARKUP_INDEX["link_density"]])
    return RenderedPage(lines, prefixes, markdown, html_lines, paths, markup)


def _describe_tag(tag: str) -> tuple[tuple[str, ...], int, int, str]:
    """What a tag does in the walk: its roles, heading level, markup bits, and the tag its
    lines take in the html output format."""
    roles = [role for role, tags in _ROLES.items() if tag in tags]
    return tuple(roles), _HEADINGS.get(tag, 0), _TAG_BITS.get(tag, 0), (
        tag if tag in _HTML_BLOCK_TAGS else "p")


def _is_hidden(hidden: bool, element_id: str | None, aria_hidden: str | None,
               style: str | None) -> bool:
    """Whether an element with these attributes is hidden (``hidden``: it has the attribute)."""
    if hidden:
        # React's streaming server rendering sends content in <div hidden id="S:0"> and a
        # script moves it into the page: what a browser (and a scraper using one) shows.
        return not _STREAMED_SEGMENT.match(element_id or "")
    if aria_hidden == "true":
        return True
    return bool(style and _HIDDEN_STYLE.search(style))


def _bind_walk() -> None:
    """Give the walk lexbor's functions and the rendering's tables, and check that it reads a
    parsed tree as selectolax does: lexbor's records are read in place, and another lexbor
    could lay them out otherwise."""
    import selectolax
    import selectolax.lexbor
    _walk.bind(selectolax.lexbor.__file__)
    class_words = [(word, _FLAG_NAMES.index(group)) for group, words in CLASS_WORDS.items()
                   for word in words]
    _walk.configure(_describe_tag, _is_hidden, class_words, len(MARKUP_NAMES), MARKUP_INDEX,
                    [MARKUP_INDEX[name] for name in _FLAG_NAMES])
    parser = LexborHTMLParser(_LAYOUT_CHECK)  # owns the tree: alive until the walk ends
    lines, _, markdown, _, paths, markup, _, _ = _walk.walk(parser.root.mem_id)
    read = (lines, markdown, paths, markup[:, [MARKUP_INDEX[name] for name in _LAYOUT_CHECK_COLUMNS]].tolist())
    if read != _LAYOUT_CHECK_READ:
        raise ImportError(f"boilerstrip cannot read the trees of selectolax "
                          f"{getattr(selectolax, '__version__', '?')}: its lexbor lays out nodes "
                          f"otherwise (read {read!r})")


_LAYOUT_CHECK = ('<html><body><h2 class="title" id="t">Héading</h2><!-- c --><ul><li>one '
                 '<a data-x="1" href="/a">two</a></li></ul></body></html>')
_LAYOUT_CHECK_COLUMNS = ("heading_level", "cls_title", "links", "list_item")
_LAYOUT_CHECK_READ = (["Héading", "- one two"], ["## Héading", "- one [two](/a)"],
                      ["/html[1]/body[1]/h2[1]", "/html[1]/body[1]/ul[1]/li[1]"],
                      [[2.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]])
_bind_walk()


def render_html(html: str, rendering: Rendering = "scraper") -> list[str]:
    """The page's lines in one rendering."""
    return render_page(html).document(rendering).lines
