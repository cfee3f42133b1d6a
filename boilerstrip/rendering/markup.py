"""What a line's source markup says about it: HTML tags and attributes, Markdown syntax.

Plain text has none of this, so these columns are NaN there and one model serves
text, Markdown and HTML (LightGBM learns a path for missing values).  HTML fills
every column (``rendering.html`` does it while walking the tree); Markdown fills the
columns its syntax can express and leaves the HTML-only ones NaN.
"""

from __future__ import annotations

import re

import numpy as np

from boilerstrip.wordlists import CLASS_WORDS, prefix_tree

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
