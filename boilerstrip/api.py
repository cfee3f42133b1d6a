"""The library API a scraper imports: strip, strip_html, classify, load_model."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path

import numpy as np

from boilerstrip.lines import split_lines
from boilerstrip.markup import markdown_markup
from boilerstrip.model import LineClassifier
from boilerstrip.model import load_model as _load_model_file
from boilerstrip.reading import InputFormat, decode
from boilerstrip.render import render_page

# One shipped model per kind of input: HTML has markup the text renderings lack, and a
# model trained on HTML alone measures better on it than one shared with text.
DEFAULT_MODEL_NAMES: dict[str, str] = {"text": "default.json.gz", "markdown": "default.json.gz",
                                       "html": "html.json.gz"}
_cache: dict[str, LineClassifier] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class LineLabel:
    """One input line as it came in, its ending, its label (None if blank) and P(content).

    Lines rendered from HTML also carry their own markup (``html``) and the XPath of
    the block they come from (``source``).
    """

    text: str
    ending: str
    label: str | None
    probability: float | None
    html: str | None = None
    source: str | None = None


def default_model_path(input_format: InputFormat = "text") -> Path:
    """The shipped model for ``input_format``: text and Markdown share one, HTML has its own."""
    name = DEFAULT_MODEL_NAMES[input_format]
    return Path(str(resources.files("boilerstrip._models").joinpath(name)))


def load_model(path: str | Path | None = None, input_format: InputFormat = "text") -> LineClassifier:
    """Load a model file once per path and keep it: later calls, from any thread, share it.

    Without ``path``, the shipped model for ``input_format``."""
    key = str(Path(path).resolve()) if path else str(default_model_path(input_format))
    with _cache_lock:
        if key not in _cache:
            _cache[key] = _load_model_file(Path(key))[0]
        return _cache[key]


def _as_lines(text: str | list[str]) -> tuple[list[str], list[str]]:
    if isinstance(text, str):
        return split_lines(text)
    lines = list(text)
    return lines, ["\n"] * len(lines)


def classify(text: str | list[str], model: LineClassifier | str | Path | None = None,
             threshold: float | None = None, input_format: InputFormat = "text") -> list[LineLabel]:
    """Label every line of ``text`` (a string, or a list of lines) body, title or boilerplate.

    ``input_format`` says what ``text`` is: plain text and Markdown are labeled line
    by line as they are; HTML is first rendered to lines, one block a line.
    ``threshold`` overrides the model's cut on P(content); higher keeps less.  Without
    ``model``, the shipped model for ``input_format``.
    """
    classifier = model if isinstance(model, LineClassifier) else load_model(model, input_format)
    if input_format == "html":
        page = render_page(text if isinstance(text, str) else "\n".join(text))
        labeled = classify_lines(page.lines, ["\n"] * len(page.lines), classifier, threshold,
                                 page.markup)
        return [LineLabel(l.text, l.ending, l.label, l.probability, html, source)
                for l, html, source in zip(labeled, page.html, page.paths)]
    lines, endings = _as_lines(text)
    markup = markdown_markup(lines) if input_format == "markdown" else None
    return classify_lines(lines, endings, classifier, threshold, markup)


def classify_lines(lines: list[str], endings: list[str],
                   model: LineClassifier | str | Path | None = None,
                   threshold: float | None = None, markup: np.ndarray | None = None
                   ) -> list[LineLabel]:
    """``classify`` for lines already split, each with its own line ending, and their
    markup features when they come from Markdown or HTML."""
    classifier = model if isinstance(model, LineClassifier) else load_model(model)
    proba = classifier.predict_proba([lines], [markup])[0]
    rows = np.flatnonzero(~np.isnan(proba[:, 0]))
    labels: list[str | None] = [None] * len(lines)
    content: list[float | None] = [None] * len(lines)
    for r, label_id in zip(rows, classifier.labels_from_proba(proba[rows], threshold)):
        labels[r] = str(classifier.classes_[label_id])
        content[r] = float(proba[r, 1] + proba[r, 2])
    return [LineLabel(t, e, lab, p) for t, e, lab, p in zip(lines, endings, labels, content)]


def kept_lines(labeled: list[LineLabel], keep_title: bool = False) -> list[LineLabel]:
    """The lines to keep, in order: body (and title), plus blank lines between two kept lines."""
    wanted = {"body", "title"} if keep_title else {"body"}
    keep = [line.label in wanted for line in labeled]
    # A blank line is kept when the nearest labeled lines on both sides are kept.
    following = [False] * len(labeled)
    state = False
    for i in range(len(labeled) - 1, -1, -1):
        following[i] = state
        if labeled[i].label is not None:
            state = keep[i]
    state = False
    for i, line in enumerate(labeled):
        if line.label is None:
            keep[i] = state and following[i]
        else:
            state = keep[i]
    return [line for line, k in zip(labeled, keep) if k]


def strip(text: str | list[str], model: LineClassifier | str | Path | None = None,
          threshold: float | None = None, keep_title: bool = False,
          input_format: InputFormat = "text") -> str:
    """The article in ``text``: its own kept lines, verbatim, in order, with their line endings."""
    kept = kept_lines(classify(text, model, threshold, input_format), keep_title)
    return "".join(line.text + line.ending for line in kept)


def strip_html(html: str | bytes, model: LineClassifier | str | Path | None = None,
               threshold: float | None = None, keep_title: bool = False) -> str:
    """The article of an HTML page as text, one block a line.  Bytes are decoded by
    their BOM, as UTF-8, by the charset the page declares, or by detection."""
    if isinstance(html, bytes):
        html = decode(html, "<html>")
    return strip(html, model, threshold, keep_title, "html")


def kept_html(labeled: list[LineLabel]) -> str:
    """Kept lines as HTML: each in its block's tag with its links, list items in lists."""
    out: list[str] = []
    in_list = False
    for line in labeled:
        markup = line.html or f"<p>{escape(line.text.strip(), quote=False)}</p>"
        if markup.startswith("<li>") != in_list:
            out.append("<ul>" if not in_list else "</ul>")
            in_list = not in_list
        out.append(markup)
    if in_list:
        out.append("</ul>")
    return "\n".join(out)
