"""The library API a scraper imports: strip, strip_html, classify, load_model.

Each function is the pipeline (``boilerstrip.pipeline``) with its options as keywords.
"""

from __future__ import annotations

from pathlib import Path

from boilerstrip import pipeline
from boilerstrip.io.reading import InputFormat, decode
from boilerstrip.model import LineClassifier
from boilerstrip.model.shipped import default_model_path, load_model
from boilerstrip.pipeline import LineLabel, Options, kept_lines

__all__ = ["LineLabel", "classify", "default_model_path", "kept_lines", "load_model",
           "strip", "strip_html"]

Model = LineClassifier | str | Path | None


def classify(text: str | list[str], model: Model = None, threshold: float | None = None,
             input_format: InputFormat = "text") -> list[LineLabel]:
    """Label every line of ``text`` (a string, or a list of lines) body, title or boilerplate.

    ``input_format`` says what ``text`` is: plain text and Markdown are labeled line
    by line as they are; HTML is first rendered to lines, one block a line.
    ``threshold`` overrides the model's cut on P(content); higher keeps less.  Without
    ``model``, the shipped model for ``input_format``.
    """
    return pipeline.classify(text, Options(input_format, threshold, model=model))


def strip(text: str | list[str], model: Model = None, threshold: float | None = None,
          keep_title: bool = False, input_format: InputFormat = "text") -> str:
    """The article in ``text``: its own kept lines, verbatim, in order, with their line endings."""
    kept = kept_lines(classify(text, model, threshold, input_format), keep_title)
    return "".join(line.text + line.ending for line in kept)


def strip_html(html: str | bytes, model: Model = None, threshold: float | None = None,
               keep_title: bool = False) -> str:
    """The article of an HTML page as text, one block a line.  Bytes are decoded by
    their BOM, as UTF-8, by the charset the page declares, or by detection."""
    if isinstance(html, bytes):
        html = decode(html, "<html>")
    return strip(html, model, threshold, keep_title, "html")
