"""Where a batch's pages come from: page files, directories of them, JSON Lines of records
and WARC files, each page with an id, its URL where known, and the file it came from.

A page is read lazily: a page file by the worker that strips it, a record's content as
the reader reaches it, so memory holds a bounded number of pages whatever the input's
size.  A record that cannot be read (a broken JSON line, a record without the field) is
yielded as a page with an ``error``, so the batch reports it and goes on.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from boilerstrip.errors import InputError
from boilerstrip.io.reading import InputFormat

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz", ".ndjson.zst")
WARC_SUFFIXES = (".warc", ".warc.gz", ".warc.zst")
# The fields a JSON Lines record's page is looked for in, by input format, in this order.
CONTENT_FIELDS: dict[str, InputFormat] = {"html": "html", "text": "text", "markdown": "markdown",
                                          "content": "text", "raw_content": "text"}
ID_FIELDS = ("id", "url", "warc_record_id")
Field = Literal["auto", "html", "text", "markdown"]


@dataclass(frozen=True)
class Page:
    """One page of a batch.  ``path`` is a page file to read; otherwise ``content`` holds
    the page (bytes as crawled, or text from a JSON record).  ``input_format`` None means
    sniff it; ``encoding`` is the charset its HTTP response named; ``relative`` is the
    page file's path under the folder it was found in (for ``--output-dir``)."""

    id: str
    source: str
    url: str | None = None
    path: Path | None = None
    content: bytes | str | None = None
    input_format: InputFormat | None = None
    encoding: str | None = None
    relative: Path | None = None
    error: str | None = None


def is_container(path: Path) -> bool:
    """Whether a file holds many pages (JSON Lines or WARC) rather than being one page."""
    return path.name.lower().endswith(JSONL_SUFFIXES + WARC_SUFFIXES)


def iter_pages(inputs: Sequence[str | Path], glob: str = "**/*", field: Field = "auto",
               input_format: InputFormat | None = None) -> Iterator[Page]:
    """Every page of ``inputs`` in order: files, directories (the files matching ``glob``
    under them, sorted), JSON Lines records and WARC HTML responses; '-' is standard input."""
    for name in inputs:
        path = Path(name)
        try:
            if str(name) != "-" and path.is_dir():
                files = sorted(p for p in path.glob(glob)
                               if p.is_file() and not p.name.startswith("."))
                if not files:
                    raise InputError(f"{path}: no files matching {glob} in this folder")
                for file in files:
                    yield from _pages_of_file(file, file.relative_to(path), field, input_format)
            else:
                yield from _pages_of_file(path, Path(path.name), field, input_format)
        except InputError as error:  # an unreadable JSON Lines or WARC file: the rest go on
            yield Page(str(name), str(name), error=str(error))


def _pages_of_file(path: Path, relative: Path, field: Field, input_format: InputFormat | None
                   ) -> Iterator[Page]:
    lower = path.name.lower()
    if lower.endswith(JSONL_SUFFIXES):
        yield from _jsonl_pages(path, field, input_format)
    elif lower.endswith(WARC_SUFFIXES):
        yield from _warc_pages(path)
    else:
        yield Page(str(path), str(path), path=path, input_format=input_format, relative=relative)


def open_compressed(path: Path, mode: str = "rb") -> IO[bytes]:
    """A file, decompressed by its suffix (.gz, .zst) as it is read or written."""
    lower = path.name.lower()
    if lower.endswith(".gz"):
        return gzip.open(path, mode)  # type: ignore[return-value]
    if lower.endswith(".zst"):
        import zstandard

        handle = open(path, mode)
        context = zstandard.ZstdDecompressor() if "r" in mode else zstandard.ZstdCompressor()
        return (context.stream_reader(handle, closefd=True) if "r" in mode  # type: ignore[return-value]
                else context.stream_writer(handle, closefd=True))
    return open(path, mode)


def _jsonl_pages(path: Path, field: Field, input_format: InputFormat | None) -> Iterator[Page]:
    try:
        with open_compressed(path) as raw:
            for number, line in enumerate(io.TextIOWrapper(raw, "utf-8", errors="replace"), 1):
                if line.strip():
                    yield _record_page(path, number, line, field, input_format)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, EOFError) as exc:  # a truncated or corrupt gzip or zstd stream
        raise InputError(f"{path}: cannot read JSON Lines: {exc}") from None


def _record_page(path: Path, number: int, line: str, field: Field,
                 input_format: InputFormat | None) -> Page:
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Page(where, str(path), error=f"{where}: not a JSON line ({exc.msg})")
    if not isinstance(record, dict):
        return Page(where, str(path), error=f"{where}: not a JSON object")
    names = list(CONTENT_FIELDS) if field == "auto" else [field]
    name = next((n for n in names if isinstance(record.get(n), str)), None)
    page_id = next((str(record[k]) for k in ID_FIELDS if record.get(k) not in (None, "")), where)
    url = record.get("url") if isinstance(record.get("url"), str) else None
    if name is None:
        wanted = " or ".join(f"'{n}'" for n in names)
        return Page(page_id, str(path), url, error=f"{where}: no {wanted} field holding text")
    return Page(page_id, str(path), url, content=record[name],
                input_format=input_format or CONTENT_FIELDS[name])


def _warc_pages(path: Path) -> Iterator[Page]:
    """The HTML responses of a WARC file (2xx, text/html or XHTML), payload decoded from
    its transfer and content encodings, with the charset the HTTP headers name."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle, record_types=WarcRecordType.response,
                                          parse_http=True, auto_decode="all"):
                content_type = (record.http_content_type or "").lower()
                status = record.http_headers.status_code if record.http_headers else None
                if content_type not in ("text/html", "application/xhtml+xml") or \
                        not (status and 200 <= status < 300):
                    continue
                url = record.headers.get("WARC-Target-URI")
                yield Page(record.record_id or url or f"{path}@{record.stream_pos}", str(path),
                           url, content=record.reader.read(), input_format="html",
                           encoding=record.http_charset)
    except OSError as exc:
        raise InputError(f"{path}: cannot read WARC: {exc}") from None
