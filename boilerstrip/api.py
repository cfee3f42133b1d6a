"""The library API a scraper imports: strip, strip_html, classify, load_model.

Each function is the pipeline (``boilerstrip.pipeline``) with its options as keywords.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from boilerstrip import pipeline
from boilerstrip.batch import PageResult, classify_pages, pages_from_contents
from boilerstrip.errors import BoilerstripError, InputError, PageTimeout
from boilerstrip.features.memory import SiteMemory, site_of
from boilerstrip.io.reading import InputFormat, decode_web
from boilerstrip.model import LineClassifier
from boilerstrip.model.shipped import default_model_path, load_model
from boilerstrip.pipeline import LineLabel, Options, kept_lines

__all__ = ["LineLabel", "PageResult", "SiteMemory", "classify", "classify_many", "classify_pages",
           "default_model_path", "kept_lines", "load_model", "site_of", "strip", "strip_html",
           "strip_many"]

Model = LineClassifier | str | Path | None


def classify(text: str | list[str], model: Model = None, threshold: float | None = None,
             input_format: InputFormat = "text", memory: SiteMemory | None = None,
             site: str = "") -> list[LineLabel]:
    """Label every line of ``text`` (a string, or a list of lines) body, title or boilerplate.

    ``input_format`` says what ``text`` is: plain text and Markdown are labeled line
    by line as they are; HTML is first rendered to lines, one block a line.
    ``threshold`` overrides the model's cut on P(content); higher keeps less.  Without
    ``model``, the shipped model for ``input_format``.  ``site`` names the page's site (say
    ``site_of(url)``): a model adapted to a site (``train --base``) leaves pages of other
    sites to its base by it.  With ``memory`` (a ``SiteMemory`` a scraper keeps), the page is remembered as
    a page of ``site`` and labeled with what the site's other pages hold, once it has seen two
    of them.
    """
    return pipeline.classify(text, Options(input_format, threshold, model=model, memory=memory,
                                           remember=True), site)


def strip(text: str | list[str], model: Model = None, threshold: float | None = None,
          keep_title: bool = False, input_format: InputFormat = "text",
          memory: SiteMemory | None = None, site: str = "") -> str:
    """The article in ``text``: its own kept lines, verbatim, in order, with their line endings."""
    kept = kept_lines(classify(text, model, threshold, input_format, memory, site), keep_title)
    return "".join(line.text + line.ending for line in kept)


def strip_html(html: str | bytes, model: Model = None, threshold: float | None = None,
               keep_title: bool = False, memory: SiteMemory | None = None,
               site: str = "") -> str:
    """The article of an HTML page as text, one block a line.  Bytes are decoded as a
    browser does: by their BOM, the charset the page declares, as UTF-8, or by detection;
    what does not decode becomes U+FFFD."""
    if isinstance(html, bytes):
        html = decode_web(html, "<html>").text
    return strip(html, model, threshold, keep_title, "html", memory, site)


def classify_many(pages: Iterable[str | bytes], input_format: InputFormat = "html",
                  model: Model = None, threshold: float | None = None, jobs: int = 1,
                  page_timeout: float | None = None,
                  errors: Literal["raise", "skip"] = "raise") -> Iterator[list[LineLabel] | None]:
    """``classify`` for many pages, in order: the pages' lines go through the trees in one
    call per chunk of pages, on ``jobs`` processes.  A page that fails raises its error
    (``errors="raise"``), or gives None (``errors="skip"``); ``classify_pages`` gives the
    reason with every result."""
    options = Options(input_format, threshold, model=model)
    for result in _results(pages, options, jobs, page_timeout, errors, keep_lines=True):
        yield None if result is None else result.lines


def strip_many(pages: Iterable[str | bytes], input_format: InputFormat = "html",
               model: Model = None, threshold: float | None = None, keep_title: bool = False,
               jobs: int = 1, page_timeout: float | None = None,
               errors: Literal["raise", "skip"] = "raise") -> Iterator[str | None]:
    """``strip`` (``strip_html`` for HTML) for many pages, in order, batched and on ``jobs``
    processes; bytes are decoded as a browser does."""
    options = Options(input_format, threshold, keep_title, model)
    for result in _results(pages, options, jobs, page_timeout, errors, keep_lines=False):
        yield None if result is None else result.text(keep_title)


def _results(pages: Iterable[str | bytes], options: Options, jobs: int,
             page_timeout: float | None, errors: str, keep_lines: bool
             ) -> Iterator[PageResult | None]:
    """Each page's result, None for a failed page when ``errors`` is skip (else its error)."""
    contents = pages_from_contents(pages, options.input_format)
    for result in classify_pages(contents, options, jobs, page_timeout, keep_lines=keep_lines):
        if result.ok:
            yield result
        elif errors == "skip":
            yield None
        else:
            raise _error_of(result)


def _error_of(result: PageResult) -> BoilerstripError:
    kind = next((k for k in (PageTimeout, InputError, BoilerstripError)
                 if k.exit_code == result.exit_code), BoilerstripError)
    return kind(result.error)
