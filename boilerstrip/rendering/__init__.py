"""Rendering: pages into documents of lines, and what a line's markup says about it.

``html`` renders a page one block a line, in every rendering at once; ``markdown`` reads
the markup columns off Markdown lines; ``markup`` names the columns.  A new renderer
(another tool's text of a page) goes here, as a function from a page to a
``RenderedDocument``.
"""

from boilerstrip.rendering.html import (RENDERINGS, RenderedDocument, RenderedPage, Rendering,
                                        render_html, render_page)
from boilerstrip.rendering.markdown import markdown_markup, markdown_visible_text
from boilerstrip.rendering.markup import MARKUP_INDEX, MARKUP_NAMES

__all__ = ["RENDERINGS", "MARKUP_INDEX", "MARKUP_NAMES", "RenderedDocument", "RenderedPage",
           "Rendering", "markdown_markup", "markdown_visible_text", "render_html", "render_page"]
