"""Spark: a pandas UDF that strips a column of HTML, text or Markdown pages.

Spark hands the UDF the column in Arrow batches; the iterator form below loads the model
once per Python worker and labels each batch's pages with one call to the trees per chunk.
A page that fails (unreadable, over ``page_timeout``) gives null, not a failed job.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pandas as pd
from pyspark.sql.functions import pandas_udf

from boilerstrip.batch import CHUNK_PAGES, classify_chunk
from boilerstrip.io.pages import Page
from boilerstrip.pipeline import Options, classifier_for


def strip_udf(input_format: Literal["html", "text", "markdown"] = "html", keep_title: bool = False,
              threshold: float | None = None, model: str | Path | None = None,
              page_timeout: float | None = None):
    """A Spark column function: ``df.withColumn("text", strip_udf()("html"))``.  ``model``
    must be a path every executor can read (default: the shipped model)."""
    options = Options(input_format, threshold, keep_title, None if model is None else str(model))

    @pandas_udf("string")
    def strip(batches: Iterator[pd.Series]) -> Iterator[pd.Series]:
        classifier_for(options, input_format)  # load once per worker, before the first batch
        for pages in batches:
            texts: list[str | None] = []
            for start in range(0, len(pages), CHUNK_PAGES):
                chunk = [Page(str(start + i), "spark", content=page, input_format=input_format,
                              error=None if isinstance(page, (str, bytes)) else "no page (null)")
                         for i, page in enumerate(pages.iloc[start : start + CHUNK_PAGES])]
                texts += [result.text(keep_title) if result.ok else None
                          for result in classify_chunk(chunk, options, page_timeout)]
            yield pd.Series(texts, index=pages.index, dtype="object")

    return strip
