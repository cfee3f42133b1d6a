"""The compiled walk (``rendering._walk``) against its specification: the walk it replaced,
written in Python over selectolax's node objects, kept here as the definition of every
rendering of a line, its XPath and its markup row.

They are compared on real pages of every dataset, on the bundled example, and on random
markup built from pieces that turn on every branch of the walk (hidden elements, links
around blocks, preformatted text, cells, lists, custom and skipped tags, odd white space).
``make fuzz-walk`` (``tools/fuzz_compiled.py walk``) runs the same comparison for a fixed time.
"""

from __future__ import annotations

import html as html_escaping
import re
from pathlib import Path

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from boilerstrip.rendering.html import (_BIT, _BLOCKS, _CELLS, _FLAG_NAMES, _HEADINGS,
                                        _HIDDEN_STYLE, _HTML_BLOCK_TAGS, _LISTS, _SKIPPED,
                                        _STREAMED_SEGMENT, _TAG_BITS, render_page)
from boilerstrip.rendering.markup import MARKUP_INDEX, MARKUP_NAMES, TEXT_SHARES
from specification import class_flags, text_shares

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"

# ---- the specification: the walk as it was written in Python -------------------------------

_SPACES = re.compile(r"\s+")
_FLAG_COLUMNS = [(MARKUP_INDEX[name], _BIT[name]) for name in _FLAG_NAMES]
_ROOT = (0, 0, 0, "p", "", "", 0, False)
_BITS, _HEADING, _DEPTH, _BLOCK_TAG, _BLOCK_PATH = range(5)
_LINK = 7
_ENTER, _LEAVE, _LEAVE_LINK = 0, 1, 2


def _class_bits(attribute_text: str) -> int:
    bits = 0
    for name in class_flags(attribute_text.lower()):
        bits |= _BIT[name]
    return bits


def _is_hidden(attributes: dict) -> bool:
    if "hidden" in attributes:
        return not _STREAMED_SEGMENT.match(attributes.get("id") or "")
    if attributes.get("aria-hidden") == "true":
        return True
    style = attributes.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


class _LineWriter:
    def __init__(self) -> None:
        self.lines, self.prefixes, self.markdown, self.html, self.paths = [], [], [], [], []
        self.rows: list[list[float]] = []
        self.preformatted = 0
        self.open_links: list[str] = []
        self._start_line()

    def _start_line(self) -> None:
        self.parts: list[str] = []
        self.marks = [(0, "", "[", f'<a href="{html_escaping.escape(href)}">')
                      for href in self.open_links]
        self.filled = False
        self.prefix = self.md_prefix = ""
        self.context = None
        self.chars = self.link_chars = self.links = self.images = 0
        self.bits = 0

    def text(self, value: str, context) -> None:
        if self.preformatted:
            chunks = value.split("\n")
            self.add(chunks[0], context)
            for chunk in chunks[1:]:
                self.flush()
                self.add(chunk, context)
        else:
            self.add(value, context)

    def add(self, value: str, context) -> None:
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

    def _renderings(self):
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
        if context is not None:
            for href in reversed(self.open_links):
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
            self.rows.append(row)
        self._start_line()

    def open_block(self, tag: str, list_depth: int) -> int:
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
        if tag == "pre":
            self.flush()
            self.preformatted -= 1
        if state == _LEAVE_LINK:
            href = self.open_links.pop()
            self.marks.append((len(self.parts), "", f"]({href})", "</a>"))
        if tag in _BLOCKS:
            self.flush()
        elif tag in _CELLS:
            self.marks.append((len(self.parts), " ", "", ""))
            self.filled = True


def specified_page(html: str):
    """(lines, prefixes, markdown, html, paths, markup) as the specification renders ``html``."""
    writer = _LineWriter()
    root = LexborHTMLParser(html).root
    stack = [] if root is None else [(root, root.tag or "-", _ROOT, _ENTER, 1)]
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
            writer.images += 1
            writer.marks.append((len(writer.parts), "",
                                 f"![{attributes.get('alt') or ''}]({attributes.get('src') or ''})", ""))
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
            href = attributes.get("href") or ""
            writer.links += 1
            writer.open_links.append(href)
            writer.marks.append((len(writer.parts), "", "[", f'<a href="{html_escaping.escape(href)}">'))
        stack.append((node, tag, own, _LEAVE_LINK if opens_link else _LEAVE, index))
        children, counts = [], {}
        child = node.child
        while child is not None:
            child_tag = child.tag or "-"
            if child_tag[0] == "-":
                children.append((child, child_tag, own, _ENTER, 0))
            else:
                counts[child_tag] = count = counts.get(child_tag, 0) + 1
                children.append((child, child_tag, own, _ENTER, count))
            child = child.next
        stack.extend(reversed(children))
    writer.flush()
    markup = np.array(writer.rows, dtype=np.float64).reshape(-1, len(MARKUP_NAMES))
    chars = np.array([len(line) - len(prefix) for line, prefix in zip(writer.lines, writer.prefixes)],
                     dtype=np.float64)
    markup[:, [MARKUP_INDEX[name] for name in TEXT_SHARES]] = text_shares(
        writer.paths, chars, markup[:, MARKUP_INDEX["link_density"]])
    return writer.lines, writer.prefixes, writer.markdown, writer.html, writer.paths, markup


# ---- the comparison ------------------------------------------------------------------------

def assert_walk_matches(html: str, where: str) -> None:
    page = render_page(html)
    lines, prefixes, markdown, html_lines, paths, markup = specified_page(html)
    for name, got, expected in (("lines", page.lines, lines), ("prefixes", page.prefixes, prefixes),
                                ("markdown", page.markdown, markdown), ("html", page.html, html_lines),
                                ("paths", page.paths, paths)):
        if got != expected:
            first = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b),
                         min(len(got), len(expected)))
            raise AssertionError(f"{where}: {name} differ first at line {first} "
                                 f"(got {got[first:first + 2]!r}, specified {expected[first:first + 2]!r}; "
                                 f"{len(got)} against {len(expected)} lines)")
    if not np.array_equal(page.markup, markup):
        row, column = np.argwhere(page.markup != markup)[0]
        raise AssertionError(f"{where}: markup differs at line {row}, {MARKUP_NAMES[column]}: "
                             f"{page.markup[row, column]} against {markup[row, column]}")


_TAGS = ("div", "p", "span", "a", "b", "em", "li", "ul", "ol", "menu", "table", "tr", "td", "th",
         "tbody", "pre", "code", "h1", "h2", "h4", "h6", "blockquote", "nav", "footer", "header",
         "aside", "figure", "figcaption", "article", "main", "section", "form", "button", "label",
         "time", "address", "dl", "dt", "dd", "details", "summary", "br", "img", "script", "style",
         "noscript", "template", "svg", "math", "iframe", "select", "option", "title", "head",
         "x-card", "fb:like", "my-widget", "font", "center", "hr", "caption", "html", "body")
_ATTRIBUTES = ('class="article-content"', 'class="nav menu"', 'class="share-buttons social"',
               'class=""', "class", 'id="main"', 'id="S:3"', 'id="S:x"', "hidden", 'hidden=""',
               'aria-hidden="true"', 'aria-hidden="false"', 'style="display: none"',
               'style="visibility:hidden"', 'style="color: red"', "style", 'href="/a?x=1&amp;y=<2>"',
               'href=""', "href", 'alt="a picture"', 'src="/i.png"', "alt", 'data-x="1"',
               'CLASS="Related"', 'class="cookie" class="content"', 'ID="Footer"', 'xlink:href="/x"')
_TEXTS = ("word", "Two words.", "  spaced   out  ", "\n", "\n\n", "\t", "\xa0", "\u2003", "\x1c",
          "\u200b", "&amp;", "&lt;tag&gt;", "&nbsp;", "ÄÖÜ é", "Привет", "新闻", "مرحبا", "😀",
          "a\nb", "line one\nline two\n", "x" * 30, "", "<!-- comment -->", "<!doctype html>",
          "<?php x ?>", "]]>", "<![CDATA[x]]>", "\r\n", "&#0;", "\u0085", "\u2028")


def random_markup(rng: np.random.Generator, size: int) -> str:
    """Markup from random pieces: open and close tags (not always in order), text, comments."""
    out = []
    open_tags: list[str] = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.4:
            tag = _TAGS[rng.integers(len(_TAGS))]
            attributes = " ".join(_ATTRIBUTES[i] for i in
                                  rng.integers(0, len(_ATTRIBUTES), int(rng.integers(0, 4))))
            out.append(f"<{tag} {attributes}>" if attributes else f"<{tag}>")
            open_tags.append(tag)
        elif roll < 0.6 and open_tags:
            tag = open_tags.pop(int(rng.integers(len(open_tags)))) if rng.random() < 0.2 else open_tags.pop()
            out.append(f"</{tag}>")
        else:
            out.append(_TEXTS[rng.integers(len(_TEXTS))])
    return "".join(out)


def test_random_markup_renders_as_specified():
    rng = np.random.default_rng(3)
    for number in range(1500):
        assert_walk_matches(random_markup(rng, int(rng.integers(1, 120))), f"random page {number}")


def test_edge_pages_render_as_specified():
    for number, html in enumerate(("", "x", "<html>", "<p>", "<div>" * 3000 + "deep" + "</div>" * 5,
                                   "<a href='/x'><div><p>one</p><a href='/y'>two</a></div></a>",
                                   "<pre>a\n\nb</pre><pre><pre>c\nd</pre></pre>",
                                   "<ul>" + "<li>item" * 500 + "</ul>",
                                   "".join(f"<x-{i}>t</x-{i}>" for i in range(3000)),
                                   "<table>" + "<tr><td>c<td>d" * 300 + "</table>")):
        assert_walk_matches(html, f"edge page {number}")


def test_example_page_renders_as_specified():
    assert_walk_matches((EXAMPLES / "news_en.html").read_text(encoding="utf-8"), "news_en.html")


def test_threads_render_as_one_thread_does():
    """Walks in threads share the table of tag names; pages that invent thousands of names
    make walks start new tables while others run."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(4)
    pages = []
    for number in range(40):
        names = [f"x-{number}-{i}" for i in range(int(rng.integers(100, 1500)))]
        pages.append("".join(f"<{name} class='nav'><p>text {i} <a href='/{i}'>link</a></p></{name}>"
                             for i, name in enumerate(names)) + random_markup(rng, 100))
    alone = [render_page(page) for page in pages]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(render_page, pages * 3))
    for number, (page, expected) in enumerate(zip(together, alone * 3)):
        assert (page.lines, page.markdown, page.paths) == (expected.lines, expected.markdown, expected.paths), number
        assert np.array_equal(page.markup, expected.markup), number


def test_real_pages_render_as_specified(datasets):
    from boilerstrip.training.corpus import read_pages

    for name, quota in (("aeb", 60), ("daniel", 120), ("wceb2026", 60), ("zh-news", 20),
                        ("msv-big9", 40)):
        for number, page in enumerate(read_pages(datasets / f"{name}.jsonl.gz")):
            if number == quota:
                break
            assert_walk_matches(page.html, f"{name}/{page.id}")
