"""The one path from input to labels, which the API, the CLI, training data and
evaluation all take:

    input (bytes or text, and its format) → document (lines, endings, markup rows)
      → features → probabilities (stage one, stage two) → labels → output

``Options`` carries the choices a caller makes (input format, threshold, keep-title,
model, encoding, site memory) through it in one frozen object.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from boilerstrip.io.lines import iter_line_batches, split_lines
from boilerstrip.io.reading import (InputFormat, decode_web, file_blocks, iter_decoded, join_blocks,
                                    sniff_format, source_name)
from boilerstrip.features import document_features
from boilerstrip.features.memory import SiteMemory
from boilerstrip.model import LineClassifier, content_probability, labels_from_proba
from boilerstrip.model.shipped import load_model
from boilerstrip.rendering import markdown_markup, render_page

MAX_HTML_CHARS = 256 << 20  # an HTML page is parsed whole; text and Markdown stream


@dataclass(frozen=True)
class Options:
    """How to read and label an input.

    ``input_format`` is text, markdown, html, or auto (by the file's extension, else its
    content).  ``threshold`` overrides the model's cut on P(content).  ``model`` is a
    loaded classifier or a model file; None takes the shipped model for the input format.
    ``encoding`` forces how bytes are decoded.  HTML is always decoded as browsers do
    (invalid bytes become U+FFFD); ``lenient`` decodes text and Markdown that way too,
    instead of refusing a file that is not valid in its encoding.  ``memory`` holds what
    other pages of each site hold (``features.memory``): a page of a site it knows well
    enough is labeled with it.  ``remember`` adds each page labeled to ``memory`` too.
    """

    input_format: InputFormat | Literal["auto"] = "text"
    threshold: float | None = None
    keep_title: bool = False
    model: LineClassifier | str | Path | None = None
    encoding: str | None = None
    lenient: bool = False
    memory: SiteMemory | None = None
    remember: bool = False


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


@dataclass
class Document:
    """Lines to classify together, each with its ending, and their markup rows (None for
    plain text); lines rendered from HTML also have their markup and block XPath."""

    lines: list[str]
    endings: list[str]
    markup: np.ndarray | None = None
    html: list[str] | None = None
    sources: list[str] | None = None


def document_from_lines(lines: list[str], endings: list[str], input_format: InputFormat
                        ) -> Document:
    """Text or Markdown lines as a document (HTML is a page: see ``document_from_text``)."""
    return Document(lines, endings, markdown_markup(lines) if input_format == "markdown" else None)


def document_from_text(text: str | list[str], input_format: InputFormat) -> Document:
    """The one place an input format decides how input becomes lines: HTML is rendered,
    one block a line; text and Markdown are split at CR, LF and CRLF (a list is lines)."""
    if input_format == "html":
        page = render_page(text if isinstance(text, str) else "\n".join(text))
        rendered = page.document("html")
        return Document(rendered.lines, ["\n"] * len(rendered.lines), rendered.markup, page.html,
                        page.paths)
    if isinstance(text, str):
        lines, endings = split_lines(text)
    else:
        lines, endings = list(text), ["\n"] * len(text)
    return document_from_lines(lines, endings, input_format)


def classifier_for(options: Options, input_format: InputFormat) -> LineClassifier:
    """The options' classifier, loading a model file once; the shipped one by default."""
    if isinstance(options.model, LineClassifier):
        return options.model
    return load_model(options.model, input_format)


def label_document(classifier: LineClassifier, lines: list[str], markup: np.ndarray | None,
                   threshold: float | None = None, memory: SiteMemory | None = None,
                   site: str = "", name: str | None = None, sources: list[str] | None = None
                   ) -> tuple[list[str | None], np.ndarray]:
    """Each line's label (None if blank) and probability row: features, both stages (or the
    memory stage, with what ``memory`` holds of ``site``), the cut (the model's own unless
    ``threshold`` is given).  ``name`` is the page's site name where known, and ``sources``
    its lines' block XPaths where it came from HTML, for a model adapted to a site
    (``LineClassifier.predict_proba``)."""
    features = document_features(lines, markup)
    memories = None if memory is None else [memory.features(lines, features[1], site)]
    (proba,) = classifier.predict_proba_features([lines], [features], memories, [name],
                                                 [sources])
    cut = classifier.threshold if threshold is None else threshold
    return labels_from_proba(proba, cut), proba


def classify_documents(documents: list[Document], classifier: LineClassifier,
                       threshold: float | None = None,
                       features: list[tuple[np.ndarray, np.ndarray]] | None = None,
                       memory: SiteMemory | None = None, sites: list[str] | None = None,
                       remember: bool = False, names: list[str | None] | None = None
                       ) -> list[list[LineLabel]]:
    """Every line of each document labeled, the documents' trees run in one call.
    ``features`` are the documents' ``document_features`` if already computed.  With
    ``memory``, each document (of its site in ``sites``) gets site-memory features; with
    ``remember``, it is added to the memory first (it never counts for itself).  ``names``
    are the documents' site names where known (URL hosts), for a model adapted to a site."""
    if features is None:
        features = [document_features(d.lines, d.markup) for d in documents]
    memories = None
    if memory is not None:
        sites = sites or [""] * len(documents)
        if remember:
            for document, site in zip(documents, sites):
                memory.add(document.lines, site)
        memories = [memory.features(d.lines, f[1], site)
                    for d, f, site in zip(documents, features, sites)]
    probas = classifier.predict_proba_features([d.lines for d in documents], features, memories,
                                               names, [d.sources for d in documents])
    cut = classifier.threshold if threshold is None else threshold
    return [_line_labels(d, labels_from_proba(p, cut), p) for d, p in zip(documents, probas)]


def classify_document(document: Document, classifier: LineClassifier,
                      threshold: float | None = None, options: Options | None = None,
                      site: str = "") -> list[LineLabel]:
    """One document labeled as a page of ``site`` (a site name, or ""), with the options'
    site memory."""
    memory, remember = (None, False) if options is None else (options.memory, options.remember)
    return classify_documents([document], classifier, threshold, None, memory, [site],
                              remember, [site or None])[0]


def _line_labels(document: Document, labels: list[str | None], proba: np.ndarray
                 ) -> list[LineLabel]:
    content = content_probability(proba)
    html = document.html or [None] * len(labels)
    sources = document.sources or [None] * len(labels)
    return [LineLabel(line, ending, label, None if label is None else float(p), h, s)
            for line, ending, label, p, h, s in zip(document.lines, document.endings, labels,
                                                    content, html, sources)]


def classify(text: str | list[str], options: Options, site: str = "") -> list[LineLabel]:
    """Every line of ``text`` labeled (``options.input_format`` must not be auto), as a
    page of ``site`` for the options' site memory."""
    input_format = "text" if options.input_format == "auto" else options.input_format
    document = document_from_text(text, input_format)
    return classify_document(document, classifier_for(options, input_format), options.threshold,
                             options, site)


def file_format(name: str, head: bytes, options: Options) -> InputFormat:
    """The options' input format, or the file's by its name, else its first bytes."""
    if options.input_format != "auto":
        return options.input_format
    sample = decode_web(head[:65536], name, options.encoding).text if head else ""
    return sniff_format(name, sample)


def classify_file(path: str | Path, options: Options) -> Iterator[list[LineLabel]]:
    """A file's labeled lines ('-' is standard input): text and Markdown stream in bounded
    batches, each classified as a document; an HTML page is read whole."""
    name = source_name(path)
    blocks = file_blocks(path)
    head = next(blocks, b"")
    input_format = file_format(str(path), head, options)
    blocks = itertools.chain([head], blocks)
    classifier = classifier_for(options, input_format)
    if input_format == "html":
        page = decode_web(join_blocks(blocks, name, MAX_HTML_CHARS), name, options.encoding)
        yield classify_document(document_from_text(page.text, "html"), classifier,
                                options.threshold)
        return
    text = iter_decoded(blocks, name, options.encoding, options.lenient)
    for lines, endings in iter_line_batches(text):
        yield classify_document(document_from_lines(lines, endings, input_format), classifier,
                                options.threshold)


def kept_lines(labeled: list[LineLabel], keep_title: bool = False) -> list[LineLabel]:
    """The lines to keep, in order: body (and title), and between two kept lines the first
    run of blank lines that separated them, so paragraphs stay apart when a dropped line
    (a "Related" link between two paragraphs) stood between them with its own blank lines."""
    wanted = {"body", "title"} if keep_title else {"body"}
    kept: list[LineLabel] = []
    gap_blanks: list[LineLabel] = []  # the first blank run since the last kept line
    run_closed = False
    for line in labeled:
        if line.label in wanted:
            if kept:
                kept.extend(gap_blanks)
            kept.append(line)
            gap_blanks, run_closed = [], False
        elif line.label is None:
            if not run_closed:
                gap_blanks.append(line)
        elif gap_blanks:
            run_closed = True
    return kept
