"""What a line's source markup says about it: HTML tags and attributes, Markdown syntax.

Plain text has none of this, so these columns are NaN there and one model serves
text, Markdown and HTML (LightGBM learns a path for missing values).  HTML fills
every column (``rendering.html`` does it while walking the tree); Markdown fills the
columns its syntax can express and leaves the HTML-only ones NaN.
"""

from __future__ import annotations


import numpy as np

from boilerstrip.rendering import _walk
from boilerstrip.wordlists import CLASS_WORDS

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

PARAGRAPH_CHARS = 60
PARAGRAPH_LINK_DENSITY = 0.25
TEXT_ROOT_SHARE = 0.5


def text_shares(line_elements: np.ndarray, elements: np.ndarray, chars: np.ndarray,
                link_density: np.ndarray) -> np.ndarray:
    """TEXT_SHARES columns of each line, from its block element's place in the tree (the
    walk's element table: parent, depth and XPath length of each element).

    Paragraph text is the characters of lines of at least PARAGRAPH_CHARS with
    little link text (all lines with some plain text, on a page with no such line).
    """
    weight = np.where((chars >= PARAGRAPH_CHARS) & (link_density < PARAGRAPH_LINK_DENSITY), chars, 0.0)
    if not weight.any():
        weight = np.where(link_density < 0.5, chars, 0.0)
    return _walk.text_shares(np.ascontiguousarray(weight, dtype=np.float64), float(weight.sum()),
                             TEXT_ROOT_SHARE, line_elements, elements)
