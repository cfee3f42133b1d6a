"""Scrapy: an item pipeline that adds each item's article text from the page it carries.

In ``settings.py``::

    ITEM_PIPELINES = {"boilerstrip.integrations.scrapy.BoilerstripPipeline": 300}
    BOILERSTRIP_SOURCE_FIELD = "html"   # where the spider put response.text (or .body)
    BOILERSTRIP_TEXT_FIELD = "text"     # where the article goes
    BOILERSTRIP_TITLE_FIELD = "title"   # the headline (None: not added)
    BOILERSTRIP_LABELS_FIELD = None     # e.g. "lines": every line's [text, label, P(content)]
    BOILERSTRIP_DROP_SOURCE = True      # remove the page's HTML from the item once stripped
    BOILERSTRIP_INPUT_FORMAT = "html"   # or text, markdown
    BOILERSTRIP_MODEL = None            # a model file (default: the shipped one)
    BOILERSTRIP_KEEP_TITLE = False      # keep the headline in the text too
    BOILERSTRIP_SITE_MEMORY = None      # True, or a file kept across crawls: remember each
                                        # page under its URL's host, and label the pages of a
                                        # site with what its other pages hold (SiteMemory)

Stripping runs in Twisted's thread pool, so the crawl's reactor never waits on it; a page
that cannot be read (bytes are decoded as a browser does) drops its item with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from twisted.internet.threads import deferToThread

from boilerstrip.batch import classify_chunk
from boilerstrip.features.memory import SiteMemory
from boilerstrip.io.pages import Page
from boilerstrip.pipeline import Options, classifier_for


class BoilerstripPipeline:
    """Adds the article (and title, and if asked every line's label) to each item."""

    def __init__(self, settings: Any) -> None:
        self.source = settings.get("BOILERSTRIP_SOURCE_FIELD", "html")
        self.text_field = settings.get("BOILERSTRIP_TEXT_FIELD", "text")
        self.title_field = settings.get("BOILERSTRIP_TITLE_FIELD", "title")
        self.labels_field = settings.get("BOILERSTRIP_LABELS_FIELD")
        self.drop_source = settings.getbool("BOILERSTRIP_DROP_SOURCE", True)
        self.keep_title = settings.getbool("BOILERSTRIP_KEEP_TITLE", False)
        input_format = settings.get("BOILERSTRIP_INPUT_FORMAT", "html")
        memory = settings.get("BOILERSTRIP_SITE_MEMORY")
        is_path = isinstance(memory, str) and memory.lower() not in ("1", "true", "0", "false", "")
        self.memory_file = Path(memory) if is_path else None
        self.memory = None
        if self.memory_file is not None and self.memory_file.exists():
            self.memory = SiteMemory.load(self.memory_file)
        elif is_path or settings.getbool("BOILERSTRIP_SITE_MEMORY", False):
            self.memory = SiteMemory()
        self.options = Options(input_format, settings.getfloat("BOILERSTRIP_THRESHOLD") or None,
                               self.keep_title, settings.get("BOILERSTRIP_MODEL"),
                               memory=self.memory, remember=self.memory is not None)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "BoilerstripPipeline":
        return cls(crawler.settings)

    def open_spider(self, spider: Any = None) -> None:
        classifier_for(self.options, self.options.input_format)  # load the model once, up front

    def close_spider(self, spider: Any = None) -> None:
        if self.memory is not None and self.memory_file is not None:
            self.memory.save(self.memory_file)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        return deferToThread(self._strip, item)

    def _strip(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        page = adapter.get(self.source)
        if page is None:
            raise DropItem(f"no '{self.source}' field to strip")
        name = str(adapter.get("url") or self.source)
        (result,) = classify_chunk([Page(name, "scrapy", url=adapter.get("url"), content=page,
                                         input_format=self.options.input_format)],
                                   self.options, None)
        if not result.ok:
            raise DropItem(f"boilerstrip: {result.error}")
        adapter[self.text_field] = result.text(self.keep_title)
        if self.title_field:
            adapter[self.title_field] = result.title
        if self.labels_field:
            adapter[self.labels_field] = [[l.text, l.label, l.probability] for l in result.lines]
        if self.drop_source:
            del adapter[self.source]
        return item
