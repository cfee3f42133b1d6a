"""``predict`` on a batch of pages: where the output goes, resuming, the progress bar, the
failures as they come and the summary at the end.  The work itself is
``boilerstrip.batch``; this is the command line's side of it."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import typer

from boilerstrip.batch import PageResult, build_site_memory, classify_pages, default_jobs
from boilerstrip.features.memory import SiteMemory
from boilerstrip.errors import InputError
from boilerstrip.io.pages import Page, is_container, iter_pages, open_compressed
from boilerstrip.output import DirectoryWriter, StreamWriter, compressed_output
from boilerstrip.pipeline import Options

SMALL_BATCH = 16  # fewer page files than this run in this process: workers would cost more


class BatchRun:
    """One ``predict`` run over many pages, counted as it goes."""

    def __init__(self, files: list[str], options: Options, output_format: str, glob: str,
                 field: str, page_timeout: float | None, skip_existing: bool,
                 with_labels: bool, site_memory: SiteMemory | None = None,
                 memory_file: Path | None = None) -> None:
        """``site_memory`` (an empty one, or one read from ``memory_file``) is given this
        batch's pages first, then labels them; it is saved back to ``memory_file``."""
        self.files, self.options, self.output_format = files, options, output_format
        self.glob, self.field, self.page_timeout = glob, field, page_timeout
        self.skip_existing, self.with_labels = skip_existing, with_labels
        self.site_memory, self.memory_file = site_memory, memory_file
        self.pages = self.failed = self.skipped = self.size = self.status = 0

    def run(self, output: Path | None, output_dir: Path | None, jobs: int | None,
            progress: bool | None) -> int:
        """Strip every page into ``output`` (standard output if None) or ``output_dir``;
        returns the exit code."""
        forced = None if self.options.input_format == "auto" else self.options.input_format
        pages = iter_pages(self.files, self.glob, self.field, forced)
        if jobs is None:
            jobs = default_jobs() if self._large() else 1
        started = time.perf_counter()
        if self.site_memory is not None:
            memory = build_site_memory(iter_pages(self.files, self.glob, self.field, forced),
                                       self.options, jobs, self.site_memory)
            self.options = replace(self.options, memory=memory)
            if self.memory_file is not None:
                try:
                    memory.save(self.memory_file)
                except OSError as exc:
                    typer.echo(f"boilerstrip: {self.memory_file}: cannot write: "
                               f"{exc.strerror or exc}", err=True)
                    return InputError.exit_code
        try:
            with ExitStack() as stack:
                if output_dir is not None:
                    writer = DirectoryWriter(output_dir, self.output_format,
                                             self.options.keep_title, self.with_labels)
                    stack.callback(writer.close)
                    if self.skip_existing:
                        pages = self._not_written(pages, lambda page: writer.target(page).exists())
                else:
                    done = self._records_done(output) if self.skip_existing and output else []
                    sink = (stack.enter_context(compressed_output(output)) if output
                            else sys.stdout.buffer)
                    for line in done:
                        sink.write(line)
                    ids = {_record_id(line) for line in done}
                    if ids:
                        pages = self._not_written(pages, lambda page: page.id in ids)
                    writer = StreamWriter(sink, self.output_format, self.options.keep_title,
                                          self.with_labels, several=True, flush=output is None)
                bar = stack.enter_context(_Progress(progress, self._total()))
                keep_lines = self.with_labels or self.output_format not in ("records", "text")
                for result in classify_pages(pages, self.options, jobs, self.page_timeout,
                                             on_result=lambda result: self._count(result, bar),
                                             keep_lines=keep_lines):
                    writer.write(result)
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as cat does
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return self.status
        except OSError as exc:
            where = output or output_dir
            typer.echo(f"boilerstrip: {where}: cannot write: {exc.strerror or exc}", err=True)
            return InputError.exit_code
        seconds = time.perf_counter() - started
        typer.echo(f"boilerstrip: {self.pages:,} page{'' if self.pages == 1 else 's'}, "
                   f"{self.failed:,} failed"
                   + (f", {self.skipped:,} skipped (already written)" if self.skip_existing else "")
                   + f"; {self.size / 1e6:,.1f} MB in {seconds:,.1f} s: "
                   f"{self.pages / max(seconds, 1e-9):,.1f} pages/s, {jobs} job"
                   + ("s" if jobs > 1 else ""), err=True)
        return self.status

    def _large(self) -> bool:
        """Whether the input is worth worker processes: a folder, a JSON Lines or WARC
        file, or many page files."""
        paths = [Path(name) for name in self.files if name != "-"]
        return (any(p.is_dir() or is_container(p) for p in paths)
                or len(self.files) >= SMALL_BATCH)

    def _total(self) -> int | None:
        """The number of pages, when the input is page files and folders of them (the
        pages of JSON Lines and WARC files are not counted ahead)."""
        total = 0
        for name in self.files:
            path = Path(name)
            files = ([p for p in path.glob(self.glob) if p.is_file()]
                     if name != "-" and path.is_dir() else [path])
            if any(is_container(p) for p in files):
                return None
            total += len(files)
        return total

    def _not_written(self, pages: Iterator[Page], written) -> Iterator[Page]:
        for page in pages:
            if page.error is None and written(page):
                self.skipped += 1
            else:
                yield page

    def _records_done(self, output: Path) -> list[bytes]:
        """The records of pages that an earlier, interrupted run already wrote to
        ``output``: kept in the new file, and their pages skipped (failed ones are retried)."""
        if not output.exists():
            return []
        done = []
        try:
            with open_compressed(output) as handle:
                for line in handle:
                    if line.strip() and b'"error":' not in line and _record_id(line):
                        done.append(line if line.endswith(b"\n") else line + b"\n")
        except (OSError, EOFError):
            pass  # a file cut short by the interruption: keep what was read
        return done

    def _count(self, result: PageResult, bar: "_Progress") -> None:
        self.pages += 1
        self.size += result.size
        if not result.ok:
            self.failed += 1
            self.status = max(self.status, result.exit_code)
            bar.echo(f"boilerstrip: {result.error}")
        bar.advance(self.failed)


def _record_id(line: bytes) -> str | None:
    try:
        return json.loads(line).get("id")
    except (ValueError, AttributeError):
        return None


class _Progress:
    """A progress bar on standard error (pages, pages/s, elapsed, ETA when the number of
    pages is known, failures), only when standard error is a terminal unless asked."""

    def __init__(self, wanted: bool | None, total: int | None) -> None:
        self.enabled = sys.stderr.isatty() if wanted is None else wanted
        self.total = total
        self.bar = None

    def __enter__(self) -> "_Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn,
                                       TextColumn, TimeElapsedColumn, TimeRemainingColumn)

            self.bar = Progress(TextColumn("pages"), BarColumn(), MofNCompleteColumn(),
                                TaskProgressColumn(),
                                TextColumn("{task.fields[rate]}"),
                                TimeElapsedColumn(), TimeRemainingColumn(),
                                TextColumn("{task.fields[failed]} failed"),
                                console=Console(stderr=True), transient=False)
            self.bar.__enter__()
            self.task = self.bar.add_task("pages", total=self.total, rate="", failed=0)
            self.started = time.perf_counter()
            self.done = 0
        return self

    def advance(self, failed: int) -> None:
        if self.bar is not None:
            self.done += 1
            rate = self.done / max(time.perf_counter() - self.started, 1e-9)
            self.bar.update(self.task, advance=1, rate=f"{rate:,.1f} pages/s", failed=failed)

    def echo(self, message: str) -> None:
        if self.bar is not None:
            self.bar.console.print(message, markup=False, highlight=False)
        else:
            typer.echo(message, err=True)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
