"""The labeling page's server: a person corrects the model's labels in the browser and the
pages are saved as labeled-lines files that ``train`` reads.

It listens on 127.0.0.1 only, and every request must carry the session's random token
(in the page address, then in a header): another web page open in the same browser can
neither read the pages nor write files.  Saves are atomic.  An HTML page is saved with
its source beside it (``NAME.html``, named in the header as ``source:``), so its lines
keep their markup features and can be re-rendered in our other renderings for training.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from boilerstrip.errors import BoilerstripError, InputError, LabeledDataError
from boilerstrip.io.atomic import write_atomic
from boilerstrip.io.labeled import LABELS, SUFFIX, LabeledDocument, format_document, read_labeled
from boilerstrip.io.reading import decode_web, file_blocks, join_blocks, source_name
from boilerstrip.pipeline import MAX_HTML_CHARS, Options, classify_file, file_format

MAX_REQUEST_BYTES = 64 << 20


@dataclass
class LabelingPage:
    """One page to label: its lines, the model's labels and P(content), and, for HTML, the
    decoded source the lines were rendered from."""

    path: Path
    name: str
    input_format: str
    lines: list[str]
    predicted: list[str | None]
    probability: list[float | None]
    source: str | None = None
    labels: list[str | None] = field(default_factory=list)  # as last saved, else predicted

    @property
    def output_name(self) -> str:
        return self.name + SUFFIX


def page_name(path: Path, taken: set[str]) -> str:
    """A file name for the page's labels: its own stem, made unique among the session's."""
    stem = re.sub(r"[^\w.-]+", "_", path.stem).strip("._") or "page"
    name, n = stem, 2
    while name in taken:
        name, n = f"{stem}-{n}", n + 1
    taken.add(name)
    return name


def load_page(path: Path, name: str, options: Options, output: Path) -> LabelingPage:
    """A page read and pre-labeled as ``predict`` reads it; labels saved before in
    ``output`` are taken up again when the page's lines are unchanged."""
    head = next(file_blocks(path), b"")
    input_format = file_format(str(path), head, options)
    labeled = [line for batch in classify_file(path, options) for line in batch]
    source = None
    if input_format == "html":
        raw = join_blocks(file_blocks(path), source_name(path), MAX_HTML_CHARS)
        source = decode_web(raw, source_name(path), options.encoding).text
    page = LabelingPage(path, name, input_format, [l.text for l in labeled],
                        [l.label for l in labeled], [l.probability for l in labeled], source)
    page.labels = list(page.predicted)
    saved = output / page.output_name
    if saved.exists():
        doc = read_labeled(saved)
        if doc.lines == page.lines:
            page.labels = doc.labels
    return page


PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".txt", ".md", ".markdown")


def page_files(paths: list[Path]) -> list[Path]:
    """The files to label: files as given, and the pages in folders (by their extension)."""
    files = []
    for path in paths:
        if path.is_dir():
            found = sorted(f for f in path.rglob("*") if f.suffix.lower() in PAGE_SUFFIXES)
            if not found:
                raise InputError(f"{path}: no page files ({', '.join(PAGE_SUFFIXES)}) in this folder")
            files.extend(found)
        else:
            files.append(path)
    return files


class LabelingSession:
    """The pages of one ``boilerstrip label`` run and where their labels go."""

    def __init__(self, paths: list[Path], output: Path, options: Options,
                 site: str | None = None, lang: str | None = None) -> None:
        self.output, self.site, self.lang = output, site, lang
        self.token = secrets.token_urlsafe(24)
        taken: set[str] = set()
        self.pages = [load_page(path, page_name(path, taken), options, output)
                      for path in page_files(paths)]
        self._lock = threading.Lock()

    def listing(self) -> list[dict[str, Any]]:
        return [{"name": p.name, "file": str(p.path), "format": p.input_format,
                 "lines": len(p.lines), "saved": (self.output / p.output_name).exists()}
                for p in self.pages]

    def page(self, index: int) -> dict[str, Any]:
        p = self.pages[index]
        return {"name": p.name, "file": str(p.path), "format": p.input_format,
                "lines": [{"text": t, "label": l, "predicted": q, "p": pr}
                          for t, l, q, pr in zip(p.lines, p.labels, p.predicted, p.probability)],
                "saved": (self.output / p.output_name).exists()}

    def save(self, index: int, labels: list[Any]) -> Path:
        """Write one page's labels (one per line; None for blank lines) atomically."""
        page = self.pages[index]
        if len(labels) != len(page.lines):
            raise LabeledDataError(f"{page.name}: {len(labels)} labels for {len(page.lines)} lines")
        checked: list[str | None] = []
        for number, (line, label) in enumerate(zip(page.lines, labels), start=1):
            if not line.strip():
                checked.append(None)
            elif label not in LABELS:
                raise LabeledDataError(f"{page.name}: line {number} needs one of "
                                       f"{', '.join(LABELS)}, not {label!r}")
            else:
                checked.append(label)
        meta = {"id": page.name, "labeled_from": str(page.path)}
        meta.update({k: v for k, v in (("site", self.site), ("lang", self.lang)) if v})
        if page.input_format == "markdown":
            meta["render"] = "markdown"
        with self._lock:
            if page.source is not None:
                meta["render"], meta["source"] = "html", f"{page.name}.html"
                write_atomic(self.output / meta["source"], page.source.encode("utf-8"))
            target = self.output / page.output_name
            write_atomic(target, format_document(LabeledDocument(page.lines, checked, meta))
                         .encode("utf-8"))
            page.labels = checked
        return target


def labeling_page_html() -> bytes:
    return resources.files("boilerstrip.labeling").joinpath("page.html").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    session: LabelingSession  # set on the subclass made for each server
    server_version = "boilerstrip-label"

    def log_message(self, format: str, *args: Any) -> None:  # the library never prints
        pass

    def _authorised(self) -> bool:
        query = parse_qs(urlsplit(self.path).query)
        given = self.headers.get("X-Boilerstrip-Token") or (query.get("token") or [""])[0]
        return secrets.compare_digest(given, self.session.token)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value: Any) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"),
                   "application/json; charset=utf-8")

    def _page_index(self, route: str) -> int | None:
        match = re.fullmatch(r"/api/pages/(\d+)", route)
        if match and int(match.group(1)) < len(self.session.pages):
            return int(match.group(1))
        return None

    def do_GET(self) -> None:
        if not self._authorised():
            return self._send(HTTPStatus.FORBIDDEN, b"open the address boilerstrip label printed "
                              b"(it carries the session's token)\n", "text/plain; charset=utf-8")
        route = urlsplit(self.path).path
        if route == "/":
            return self._send(HTTPStatus.OK, labeling_page_html(), "text/html; charset=utf-8")
        if route == "/api/pages":
            return self._json(HTTPStatus.OK, self.session.listing())
        index = self._page_index(route)
        if index is None:
            return self._json(HTTPStatus.NOT_FOUND, {"error": f"no such page: {route}"})
        return self._json(HTTPStatus.OK, self.session.page(index))

    def do_POST(self) -> None:
        if not self._authorised():
            return self._json(HTTPStatus.FORBIDDEN, {"error": "wrong or missing session token"})
        index = self._page_index(urlsplit(self.path).path)
        if index is None:
            return self._json(HTTPStatus.NOT_FOUND, {"error": "no such page"})
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            return self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "request too large"})
        try:
            labels = json.loads(self.rfile.read(length))["labels"]
            target = self.session.save(index, labels)
        except (ValueError, KeyError, TypeError):
            return self._json(HTTPStatus.BAD_REQUEST, {"error": "expected {\"labels\": [...]}"})
        except BoilerstripError as error:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": str(error)})
        except OSError as exc:
            return self._json(HTTPStatus.INTERNAL_SERVER_ERROR,
                              {"error": f"cannot write: {exc.strerror}"})
        return self._json(HTTPStatus.OK, {"saved": str(target)})


def make_server(session: LabelingSession, port: int = 0) -> ThreadingHTTPServer:
    """A server for ``session`` on 127.0.0.1 (``port`` 0: a free one); call
    ``serve_forever`` on it.  Its address is ``labeling_url(server, session)``."""
    handler = type("LabelingHandler", (_Handler,), {"session": session})
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def labeling_url(server: ThreadingHTTPServer, session: LabelingSession) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/?token={session.token}"
