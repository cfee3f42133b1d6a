"""A datatrove extractor step: a drop-in for datatrove's ``Trafilatura`` in a FineWeb-style
pipeline (WarcReader → BoilerstripExtractor → filters → JsonlWriter).

datatrove's own extractors send each page to a forked child through a pipe, to survive a
page that hangs.  This step takes the documents in chunks instead: every page is prepared
under the time limit in the task's own process (``boilerstrip.batch``), and a chunk's
lines go through the trees in one call.  Documents whose article is empty are dropped,
as datatrove's extractors drop them.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Literal

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.extractors.base import BaseExtractor
from datatrove.utils.typeshelper import StatHints

from boilerstrip.batch import CHUNK_PAGES, classify_chunk
from boilerstrip.errors import PageTimeout
from boilerstrip.io.pages import Page
from boilerstrip.pipeline import Options


class BoilerstripExtractor(BaseExtractor):
    """Replace each document's HTML (``doc.text``) by its article text.

    ``timeout`` is seconds per page, as in datatrove's extractors; ``keep_title`` keeps the
    headline; the title also goes to ``doc.metadata["title"]``.  ``input_format`` is html for
    WARC records, or text / markdown for documents that already are text.
    """

    name = "⛏ boilerstrip"
    _requires_dependencies = ["boilerstrip"]

    def __init__(self, timeout: float = 1, keep_title: bool = False,
                 threshold: float | None = None, model: str | Path | None = None,
                 input_format: Literal["html", "text", "markdown"] = "html",
                 batch_size: int = CHUNK_PAGES) -> None:
        super().__init__(timeout)
        self.options = Options(input_format, threshold, keep_title, model)
        self.batch_size = batch_size

    def extract(self, text: str) -> str:
        """One page's article (datatrove's extractor interface)."""
        (result,) = classify_chunk([self._page("", text)], self.options, self.timeout)
        if not result.ok:
            raise TimeoutError(result.error) if result.exit_code == PageTimeout.exit_code \
                else ValueError(result.error)
        return result.text(self.options.keep_title)

    def _page(self, doc_id: str, text: str, url: str | None = None) -> Page:
        """A document as a batch page; its URL names its site for a model adapted to one."""
        return Page(doc_id, "datatrove", url=url, content=text,
                    input_format=self.options.input_format)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        documents = iter(data)
        while chunk := list(islice(documents, self.batch_size)):
            with self.track_time(unit="batch"):
                results = classify_chunk([self._page(doc.id, doc.text, doc.metadata.get("url"))
                                          for doc in chunk], self.options, self.timeout)
            for doc, result in zip(chunk, results):
                self.stat_update(StatHints.total)
                if not result.ok:
                    self.stat_update("timeout" if result.exit_code == PageTimeout.exit_code
                                     else "clean_error")
                    continue
                self.stat_update("extracted")
                doc.text = result.text(self.options.keep_title)
                if result.title:
                    doc.metadata["title"] = result.title
                if doc.text:
                    self.stat_update(StatHints.forwarded)
                    self.update_doc_stats(doc)
                    yield doc
                else:
                    self.stat_update(StatHints.dropped)
