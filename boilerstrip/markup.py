"""What a line's source markup says about it: HTML tags and attributes, Markdown syntax.

Plain text has none of this, so these columns are NaN there and one model serves
text, Markdown and HTML (LightGBM learns a path for missing values).  HTML fills
every column (``render`` does it while walking the tree); Markdown fills the
columns its syntax can express and leaves the HTML-only ones NaN.
"""

from __future__ import annotations

import re

import numpy as np

from boilerstrip.wordlists import prefix_tree

# Columns both HTML and Markdown fill.
SHARED = ("link_density", "links", "images", "heading_level", "list_item", "quote", "table_cell",
          "code")
# Where the line sits in the HTML tree: its own and its ancestors' tags...
TAG_FLAGS = {
    "in_p": ("p",), "in_nav": ("nav",), "in_header": ("header",), "in_footer": ("footer",),
    "in_aside": ("aside",), "in_figure": ("figure", "figcaption"), "in_form": ("form",),
    "in_button": ("button", "label"), "in_article": ("article",), "in_main": ("main",),
    "in_time": ("time",), "in_address": ("address",),
}
# ...and the words in their class and id attributes (matched at a word's start).
CLASS_WORDS: dict[str, tuple[str, ...]] = {
    name: tuple(words.split()) for name, words in {
        "cls_nav": "nav menu navbar navigation topbar header",
        "cls_footer": "foot copyright legal colophon",
        "cls_comment": "comment disqus reply replies respond discussion",
        "cls_share": "share sharing social follow facebook twitter whatsapp",
        "cls_related": "related recommend more popular trending read-next readnext also teaser "
                       "outbrain taboola",
        "cls_cookie": "cookie consent gdpr privacy",
        "cls_ad": "ad ads advert banner sponsor promo dfp gpt",
        "cls_newsletter": "newsletter subscri signup sign-up paywall register",
        "cls_breadcrumb": "breadcrumb crumb",
        "cls_sidebar": "sidebar side widget rail aside",
        "cls_meta": "author byline date time meta tag categor keyword dateline published updated",
        "cls_content": "article content post entry story body text prose detail",
        "cls_title": "title headline heading h1",
        "cls_caption": "caption credit figure photo image img media gallery",
    }.items()
}
# Where the page's running text is: the share of its paragraph text under the line's
# parent and grandparent elements, whether the line lies inside the deepest element
# holding most of that text (the article's container, found the way readability
# finds it) and how many levels below it or above it the line sits.
TEXT_SHARES = ("para_share_parent", "para_share_grandparent", "in_text_root", "text_root_steps")
HTML_ONLY = (*TAG_FLAGS, *CLASS_WORDS, "depth", *TEXT_SHARES)
MARKUP_NAMES: tuple[str, ...] = SHARED + HTML_ONLY
MARKUP_INDEX = {name: i for i, name in enumerate(MARKUP_NAMES)}

_CLASS_GROUP = {word: name for name, words in CLASS_WORDS.items() for word in words}
# No word of one group begins a word of another, so the word found at a position
# names its group whichever word the tree prefers.
CLASS_PATTERN = re.compile(r"(?<![a-z])" + prefix_tree(list(_CLASS_GROUP)))


def class_flags(attribute_text: str) -> set[str]:
    """The CLASS_WORDS groups named by an element's class and id (lower-cased)."""
    return {_CLASS_GROUP[match.group()] for match in CLASS_PATTERN.finditer(attribute_text)}


PARAGRAPH_CHARS = 60
PARAGRAPH_LINK_DENSITY = 0.25
TEXT_ROOT_SHARE = 0.5


def _parent(path: str) -> str:
    """The XPath of ``path``'s parent element; the top element is its own parent."""
    cut = path.rfind("/")
    return path[:cut] if cut > 0 else path


def text_shares(paths: list[str], chars: np.ndarray, link_density: np.ndarray) -> np.ndarray:
    """TEXT_SHARES columns of each line from its block's XPath.

    Paragraph text is the characters of lines of at least PARAGRAPH_CHARS with
    little link text (all lines with some plain text, on a page with no such line).
    """
    out = np.zeros((len(paths), len(TEXT_SHARES)))
    weight = np.where((chars >= PARAGRAPH_CHARS) & (link_density < PARAGRAPH_LINK_DENSITY), chars, 0.0)
    if not weight.any():
        weight = np.where(link_density < 0.5, chars, 0.0)
    total = weight.sum()
    if total == 0:
        return out
    under: dict[str, float] = {}
    for i in np.flatnonzero(weight):
        node = paths[i]
        while (container := _parent(node)) != node:  # the block's containers, not the block
            node = container
            under[node] = under.get(node, 0.0) + weight[i]
    root = max((node for node, w in under.items() if w >= TEXT_ROOT_SHARE * total),
               key=len, default="")
    root_depth = root.count("/")
    root_steps = root.split("/")
    for i, path in enumerate(paths):
        parent = _parent(path)
        out[i, 0] = under.get(parent, 0.0) / total
        out[i, 1] = under.get(_parent(parent), 0.0) / total
        if not root:
            continue
        if path == root or path.startswith(root + "/"):
            out[i, 2] = 1.0
            out[i, 3] = path.count("/") - root_depth
        else:  # levels from the line's nearest common ancestor with the root up to the root
            steps = path.split("/")
            shared = 0
            while shared < min(len(steps), len(root_steps)) and steps[shared] == root_steps[shared]:
                shared += 1
            out[i, 3] = shared - 1 - root_depth
    return out


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
