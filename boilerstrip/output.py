"""Output formats: what ``predict`` writes of a document's labeled lines.

A new output format is one function here from (labeled lines, ``Batch``) to text, and
one entry in FORMATTERS.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from boilerstrip.io.atomic import atomic_output, write_atomic
from boilerstrip.io.labeled import SUFFIX, LabeledDocument, format_document
from boilerstrip.pipeline import LineLabel, kept_lines

if TYPE_CHECKING:
    from boilerstrip.batch import PageResult
    from boilerstrip.io.pages import Page

@dataclass(frozen=True)
class Batch:
    """Where a batch of labeled lines stands in the output: its file's name, whether the
    output holds several files (each then gets a header), the number of the batch's first
    line in its file, and whether the headline is kept."""

    name: str
    several: bool
    first_line: int
    keep_title: bool = False

    @property
    def first(self) -> bool:
        return self.first_line == 1


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


def as_text(labeled: list[LineLabel], batch: Batch) -> str:
    """The kept lines, verbatim with their endings."""
    kept = "".join(l.text + l.ending for l in kept_lines(labeled, batch.keep_title))
    return _text_output(kept, batch.name, batch.several and batch.first)


def _text_output(kept: str, name: str, header: bool) -> str:
    """Kept text ending with a line break, under a ``==> NAME <==`` header if asked."""
    if kept and not kept.endswith(("\n", "\r")):
        kept += "\n"
    return f"==> {name} <==\n{kept}" if header else kept


def as_html(labeled: list[LineLabel], batch: Batch) -> str:
    """The kept blocks in their tags."""
    kept = kept_html([l for l in kept_lines(labeled, batch.keep_title) if l.label])
    return (f"<!-- {batch.name} -->\n" if batch.several and batch.first else "") + (
        kept + "\n" if kept else "")


def as_labels(labeled: list[LineLabel], batch: Batch) -> str:
    """Every line labeled, in the labeled-lines format (its header with the first batch)."""
    text = format_document(LabeledDocument([l.text for l in labeled], [l.label for l in labeled],
                                           {"source": batch.name}))
    return text if batch.first else text.split("\n", 2)[2]


def as_jsonl(labeled: list[LineLabel], batch: Batch) -> str:
    """One JSON record per line: number, label, P(content), text (and for HTML its XPath)."""
    return "".join(
        json.dumps({"file": batch.name, "line": i, "label": l.label,
                    "probability": None if l.probability is None else round(l.probability, 4),
                    "text": l.text, **({"source": l.source} if l.source else {})},
                   ensure_ascii=False) + "\n"
        for i, l in enumerate(labeled, start=batch.first_line))


FORMATTERS: dict[str, Callable[[list[LineLabel], Batch], str]] = {
    "text": as_text, "labels": as_labels, "jsonl": as_jsonl, "html": as_html,
}


# --- a batch of pages: one record a page, or a folder mirroring the input files ----------

FILE_SUFFIXES = {"text": ".txt", "labels": SUFFIX, "jsonl": ".jsonl", "html": ".html"}


def page_record(result: PageResult, keep_title: bool = False, with_labels: bool = False
                ) -> dict[str, Any]:
    """One page's record in a JSON Lines output: id, url, source, title, kept text, the
    input format read, bytes decoded as U+FFFD; a failed page has ``error`` instead of
    text.  ``with_labels`` adds each line's text, label and P(content)."""
    page = result.page
    record: dict[str, Any] = {"id": page.id, "url": page.url, "source": page.source}
    if not result.ok:
        return {**record, "error": result.error}
    record.update(title=result.title, text=result.text(keep_title), format=result.input_format,
                  replaced_bytes=result.replaced_bytes)
    if with_labels:
        record["lines"] = [[line.text, line.label,
                            None if line.probability is None else round(line.probability, 4)]
                           for line in result.lines or []]
    return record


def record_line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def formatted_page(result: PageResult, output_format: str, several: bool,
                   keep_title: bool = False) -> bytes:
    """A page's output in one of FORMATTERS' formats (its header when ``several``); text
    needs only the kept text, which a result may hold without its lines."""
    if output_format == "text":
        return _text_output(result.text(keep_title), result.page.id, several).encode("utf-8")
    batch = Batch(result.page.id, several, 1, keep_title)
    return FORMATTERS[output_format](result.lines or [], batch).encode("utf-8")


def mirrored_path(root: Path, page: Page, output_format: str) -> Path:
    """Where ``--output-dir`` writes a page file's output: its path under the input folder,
    with the format's suffix added unless it already ends so (a.html → a.html.txt)."""
    relative = page.relative or Path(Path(page.id).name)
    suffix = FILE_SUFFIXES[output_format]
    return root / (relative if relative.name.endswith(suffix) else
                   relative.with_name(relative.name + suffix))


def container_output_path(root: Path, source: str) -> Path:
    """Where ``--output-dir`` writes the records of a JSON Lines or WARC file's pages."""
    name = Path(source).name
    for suffix in (".gz", ".zst", ".jsonl", ".ndjson", ".warc"):
        name = name.removesuffix(suffix)
    return root / f"{name}.jsonl.gz"


@contextmanager
def compressed_output(path: Path) -> Iterator[BinaryIO]:
    """A file written atomically, compressed by its suffix (.gz, .zst) as it is written."""
    with atomic_output(path) as handle:
        lower = path.name.lower()
        if lower.endswith(".gz"):
            with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, compresslevel=6) as packed:
                yield packed  # type: ignore[misc]
        elif lower.endswith(".zst"):
            import zstandard

            with zstandard.ZstdCompressor().stream_writer(handle, closefd=False) as packed:
                yield packed  # type: ignore[misc]
        else:
            yield handle


class StreamWriter:
    """Each page's output into one stream, in order: a record a page (``records``), or the
    page in an output format, with a header per page when there are several; ``flush``
    passes each page on at once (a pipe's reader sees it as it comes)."""

    def __init__(self, sink: BinaryIO, output_format: str, keep_title: bool = False,
                 with_labels: bool = False, several: bool = True, flush: bool = True) -> None:
        self.sink, self.output_format, self.flush = sink, output_format, flush
        self.keep_title, self.with_labels, self.several = keep_title, with_labels, several

    def write(self, result: PageResult) -> None:
        if self.output_format == "records":
            self.sink.write(record_line(page_record(result, self.keep_title, self.with_labels)))
        elif result.ok:
            self.sink.write(formatted_page(result, self.output_format, self.several,
                                           self.keep_title))
        if self.flush:
            self.sink.flush()

    def close(self) -> None:
        pass


class DirectoryWriter:
    """``--output-dir``: each page file's output mirrored under ``root``, each file written
    atomically; the pages of a JSON Lines or WARC file as records in one file of its own."""

    def __init__(self, root: Path, output_format: str, keep_title: bool = False,
                 with_labels: bool = False) -> None:
        self.root, self.output_format = root, output_format
        self.keep_title, self.with_labels = keep_title, with_labels
        self._container: tuple[str, ExitStack, BinaryIO] | None = None

    def target(self, page: Page) -> Path:
        """The file a page's output goes to."""
        if page.path is None:
            return container_output_path(self.root, page.source)
        return mirrored_path(self.root, page, "text" if self.output_format == "records"
                             else self.output_format)

    def write(self, result: PageResult) -> None:
        page = result.page
        if page.path is None:
            if self._container is None or self._container[0] != page.source:
                self.close()
                stack = ExitStack()
                sink = stack.enter_context(compressed_output(self.target(page)))
                self._container = (page.source, stack, sink)
            self._container[2].write(record_line(page_record(result, self.keep_title,
                                                             self.with_labels)))
        elif result.ok:
            data = (record_line(page_record(result, self.keep_title, self.with_labels))
                    if self.output_format == "records" else
                    formatted_page(result, self.output_format, False, self.keep_title))
            write_atomic(self.target(page), data)

    def close(self) -> None:
        if self._container is not None:
            self._container[1].close()
            self._container = None
