"""Many pages at once: on all cores, in input order, one page's failure never stopping
the rest.

Pages go in chunks to worker processes (``jobs``), each of which loads the model once.
In a chunk, each page is read, decoded, rendered and given its features under the page
time limit; then the chunk's lines go through the trees in one call.  A page that fails
(unreadable, over the time limit, a crash of its own) comes back as a ``PageResult``
with the reason, and the run goes on.  A process with one thread forks its workers:
they start at once, with the model already loaded, and prediction's single LightGBM
thread leaves no OpenMP pool to deadlock them.  A process with threads (a fork would
copy locks other threads hold) starts them from a forkserver, which re-imports the
caller's main module: there, guard the script with ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice

from boilerstrip.errors import BoilerstripError, InputError, PageTimeout
from boilerstrip.features import document_features
from boilerstrip.features.memory import SiteMemory, site_of
from boilerstrip.io.pages import Page
from boilerstrip.io.reading import decode_web, file_blocks, iter_decoded, join_blocks
from boilerstrip.pipeline import (MAX_HTML_CHARS, Document, LineLabel, Options, classifier_for,
                                  classify_documents, document_from_text, file_format, kept_lines)

CHUNK_PAGES = 16  # pages a worker takes at a time: enough to batch the trees, few to wait on
CHUNK_CHARS = 8 << 20  # ...and a chunk closes sooner once its pages hold this many characters


@dataclass
class PageResult:
    """What became of one page: its labeled lines, or the reason it failed (``error``,
    with the exit code the CLI gives it).  ``size`` is the page's input in bytes (text
    pages from JSON: in UTF-8); ``replaced_bytes`` counts bytes decoded as U+FFFD."""

    page: Page
    lines: list[LineLabel] | None = None
    article: str | None = None  # the kept text, when the lines were not kept (``keep_lines``)
    headline: str | None = None
    input_format: str | None = None
    size: int = 0
    replaced_bytes: int = 0
    error: str | None = None
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    def text(self, keep_title: bool = False) -> str:
        """The kept lines, verbatim, each with its line ending."""
        if self.lines is None and self.article is not None:
            return self.article
        return "".join(line.text + line.ending for line in kept_lines(self.lines or [], keep_title))

    @property
    def title(self) -> str:
        """The lines labeled title, joined by spaces (without Markdown's heading marks)."""
        if self.lines is None and self.headline is not None:
            return self.headline
        titles = [line.text.strip() for line in self.lines or [] if line.label == "title"]
        if self.input_format == "markdown":
            titles = [title.lstrip("#").strip() for title in titles]
        return " ".join(titles)


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def classify_pages(pages: Iterable[Page], options: Options = Options("auto"), jobs: int = 1,
                   page_timeout: float | None = None,
                   on_result: Callable[[PageResult], None] | None = None,
                   keep_lines: bool = True) -> Iterator[PageResult]:
    """Each page's ``PageResult``, in input order.  ``jobs`` worker processes (1: this
    process); ``page_timeout`` seconds per page (read, render, features), enforced in the
    main thread of the process that runs the page; ``on_result`` sees each result as it is
    yielded (a progress bar).  Without ``keep_lines``, a result holds only its kept text
    and title: what a worker sends back is then a fraction of the labeled lines."""
    chunks = _chunks(iter(pages))
    job = _Job(options, page_timeout, keep_lines)
    results = _run_here(chunks, job) if jobs <= 1 else _run_in_workers(chunks, job, jobs)
    for result in results:
        if on_result is not None:
            on_result(result)
        yield result


def page_site(page: Page) -> str:
    """The site a page of a batch belongs to, for site memory: its URL's host, else the
    folder its file is in."""
    if page.url:
        return site_of(page.url)
    return str(page.path.parent) if page.path is not None else ""


def build_site_memory(pages: Iterable[Page], options: Options, jobs: int = 1,
                      memory: SiteMemory | None = None) -> SiteMemory:
    """A first pass over a batch: every readable page's lines, as the model will see them,
    added to ``memory`` (a new one if None) under its site (``page_site``).  Pages that
    cannot be read are left out here; the labeling pass reports them."""
    memory = SiteMemory() if memory is None else memory
    chunks = _chunks(iter(pages))
    if jobs <= 1:
        for chunk in chunks:
            memory.add_many(_page_lines(chunk, options))
        return memory
    pool = _pool(_Job(options, None), jobs)
    pending: deque[Future] = deque()
    try:
        for chunk in chain(chunks, [None]):
            if chunk is not None:
                pending.append(pool.submit(_page_lines_in_worker, chunk))
            while pending and (chunk is None or len(pending) >= 2 * jobs):
                try:
                    memory.add_many(pending.popleft().result())
                except BrokenProcessPool:  # a page killed its worker: the labeling pass says
                    pending.clear()  # lost with the pool: their pages go without memory
                    pool.shutdown(cancel_futures=True)
                    pool = _pool(_Job(options, None), jobs)
    finally:
        pool.shutdown(cancel_futures=True)
    return memory


def _chunks(pages: Iterator[Page]) -> Iterator[list[Page]]:
    while True:
        chunk, chars = [], 0
        for page in pages:
            chunk.append(page)
            chars += len(page.content) if page.content is not None else 0
            if len(chunk) >= CHUNK_PAGES or chars >= CHUNK_CHARS:
                break
        if not chunk:
            return
        yield chunk


# --- in a worker (or in this process, for jobs=1) ------------------------------------------

@dataclass(frozen=True)
class _Job:
    """What every chunk of a run is classified with."""

    options: Options
    page_timeout: float | None
    keep_lines: bool = True


_worker: dict[str, _Job] = {}


def _start_worker(job: _Job) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker["job"] = job


def _run_here(chunks: Iterator[list[Page]], job: _Job) -> Iterator[PageResult]:
    for chunk in chunks:
        yield from classify_chunk(chunk, job.options, job.page_timeout, job.keep_lines)


def _classify_in_worker(chunk: list[Page]) -> list[PageResult]:
    job = _worker["job"]
    return classify_chunk(chunk, job.options, job.page_timeout, job.keep_lines)


def _page_lines_in_worker(chunk: list[Page]) -> list[tuple[str, list[str]]]:
    return _page_lines(chunk, _worker["job"].options)


def _page_lines(chunk: list[Page], options: Options) -> list[tuple[str, list[str]]]:
    found = []
    for page in chunk:
        try:
            found.append((page_site(page), _page_document(page, options)[0].lines))
        except Exception:  # noqa: BLE001 - the labeling pass reports what fails
            continue
    return found


def classify_chunk(chunk: list[Page], options: Options, page_timeout: float | None,
                   keep_lines: bool = True) -> list[PageResult]:
    """Read and prepare each page under the time limit, then label the chunk's pages with
    one call to the trees per model (``keep_lines``: see ``classify_pages``)."""
    results: list[PageResult] = []
    # id of the classifier: [(result, document, features, memory site, site name or None)]
    prepared: dict[int, list] = {}
    classifiers = {}
    for page in chunk:
        result = PageResult(page)
        results.append(result)
        try:
            with time_limit(page_timeout, page.id):
                document, result.input_format, result.size, result.replaced_bytes = \
                    _page_document(page, options)
                features = document_features(document.lines, document.markup)
            classifier = classifier_for(options, result.input_format)
        except BoilerstripError as error:
            result.error, result.exit_code = str(error), error.exit_code
        except Exception as error:  # noqa: BLE001 - whatever breaks on one page fails it alone
            result.error, result.exit_code = f"{page.id}: cannot process: {error!r}", 1
        else:
            classifiers[id(classifier)] = classifier
            prepared.setdefault(id(classifier), []).append(
                (result, document, features, page_site(page), site_of(page.url) or None))
    for key, group in prepared.items():
        group_results, documents, page_features, memory_sites, names = map(list, zip(*group))
        labeled = classify_documents(documents, classifiers[key], options.threshold, page_features,
                                     options.memory, memory_sites, options.remember, names)
        for result, lines in zip(group_results, labeled):
            result.lines = lines
            if not keep_lines:
                result.article, result.headline = result.text(options.keep_title), result.title
                result.lines = None
    return results


def _page_document(page: Page, options: Options) -> tuple[Document, str, int, int]:
    """The page as a document, its input format, its size in bytes, and how many of its
    bytes were decoded as U+FFFD."""
    if page.error:
        raise InputError(page.error)
    if page.path is not None:
        data = join_blocks(file_blocks(page.path), page.source, MAX_HTML_CHARS)
    else:
        data = page.content
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    input_format = page.input_format or (options.input_format if options.input_format != "auto"
                                         else None)
    if isinstance(data, bytes):
        input_format = input_format or file_format(page.source if page.path else "",
                                                   data[:65536], options)
        if input_format == "html" or page.path is None or options.lenient:
            decoded = decode_web(data, page.id, page.encoding or options.encoding)
            text, replaced = decoded.text, decoded.replaced_bytes
        else:
            text, replaced = "".join(iter_decoded(iter([data]), page.id, options.encoding)), 0
    else:
        input_format = input_format or "text"
        text, replaced = data, 0
    return document_from_text(text, input_format), input_format, size, replaced


@contextmanager
def time_limit(seconds: float | None, page_id: str) -> Iterator[None]:
    """Raise PageTimeout in this block after ``seconds``: a SIGALRM timer, which only the
    main thread of a process can set (elsewhere the block runs unlimited).  The cut comes
    when control is back in Python, between two calls into compiled code."""
    if not seconds or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise PageTimeout(f"{page_id}: over the page time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- in the parent: workers, order, and a worker that dies ---------------------------------

def _pool(job: _Job, jobs: int) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    method = ("fork" if "fork" in methods and threading.active_count() == 1 else
              "forkserver" if "forkserver" in methods else "spawn")
    context = multiprocessing.get_context(method)
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                               initargs=(job,))


def _run_in_workers(chunks: Iterator[list[Page]], job: _Job, jobs: int) -> Iterator[PageResult]:
    """Chunks on ``jobs`` workers, results in input order.  Two chunks a worker are queued
    at any time, so no worker waits while a slow chunk holds the head of the line; at
    most eight a worker are held, done or not (bounded memory).  When a worker dies, its
    chunk's pages are retried one by one in a new pool, the page that kills a worker again
    is failed, and the chunks in flight resume."""
    pool = _pool(job, jobs)
    pending: deque[tuple[list[Page], Future]] = deque()
    try:
        while True:
            running = sum(not future.done() for _, future in pending)
            room = min(2 * jobs - running, 8 * jobs - len(pending))
            for chunk in islice(chunks, max(room, 0)):
                pending.append((chunk, pool.submit(_classify_in_worker, chunk)))
            if not pending:
                return
            chunk, future = pending[0]
            if not future.done():
                wait([f for _, f in pending if not f.done()], return_when=FIRST_COMPLETED)
                continue
            pending.popleft()
            try:
                yield from future.result()
                continue
            except BrokenProcessPool:
                pass
            pool.shutdown(wait=True, cancel_futures=True)
            pool = _pool(job, jobs)
            for page in chunk:
                try:
                    yield from pool.submit(_classify_in_worker, [page]).result()
                except BrokenProcessPool:
                    yield PageResult(page, error=f"{page.id}: the worker process died on this "
                                                 "page (a crash, or out of memory)", exit_code=1)
                    pool.shutdown(wait=True)
                    pool = _pool(job, jobs)
            pending = deque((c, pool.submit(_classify_in_worker, c)) for c, _ in pending)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def pages_from_contents(contents: Iterable[str | bytes], input_format: str) -> Iterator[Page]:
    """Pages from strings or bytes, each with its index as id."""
    for index, content in enumerate(contents):
        yield Page(str(index), "<pages>", content=content, input_format=input_format)

