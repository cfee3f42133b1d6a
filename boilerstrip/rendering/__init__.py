"""Rendering: pages into documents of lines, and what a line's markup says about it.

``html`` renders a page one block a line, in every rendering at once; ``markdown`` reads
the markup columns off Markdown lines; ``markup`` names the columns; ``tools`` holds other tools' renderings
(what users' scrapers write), for training and evaluation.  A new renderer goes there: a
function from a page's HTML to text or Markdown, and its entry in RENDERERS.
"""

from boilerstrip.rendering.html import (RENDERINGS, RenderedDocument, RenderedPage, Rendering,
                                        render_html, render_page)
from boilerstrip.rendering.markdown import markdown_markup, markdown_visible_text
from boilerstrip.rendering.markup import MARKUP_INDEX, MARKUP_NAMES
from boilerstrip.rendering.tools import RENDERERS

__all__ = ["RENDERINGS", "MARKUP_INDEX", "MARKUP_NAMES", "RenderedDocument", "RenderedPage",
           "Rendering", "RENDERERS", "markdown_markup", "markdown_visible_text", "render_html",
           "render_page", "writes_markdown"]


def writes_markdown(rendering: str) -> bool:
    """Whether a rendering's lines are Markdown (scored on what a reader sees of them)."""
    return rendering == "markdown" or (rendering in RENDERERS
                                       and RENDERERS[rendering].output == "markdown")
