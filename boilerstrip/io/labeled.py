"""The labeled-lines format: one record per input line, editable in any text editor.

    # boilerstrip labeled lines v1
    # id: wceb2026/0001
    # site: example.com
    # lang: en
    boilerplate<TAB>Follow us on Facebook
    title<TAB>Putin Orders Military Push
    body<TAB>President Vladimir Putin visited ...
    <TAB>

A record is ``LABEL<TAB>LINE``: the line verbatim after the first tab.  Blank input
lines carry no label (an empty label, or an empty record).  ``# key: value``
lines before the first record hold the document's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from boilerstrip.errors import LabeledDataError
from boilerstrip.io.lines import is_blank

LABELS = ("boilerplate", "body", "title")
MAGIC = "# boilerstrip labeled lines v1"
SUFFIX = ".lines"


@dataclass
class LabeledDocument:
    """A page as lines, the label of each line (None for blank lines) and its metadata;
    ``markup`` holds each line's markup features when the page came from HTML or Markdown,
    ``sources`` the XPath of each line's block when its lines are our html rendering."""

    lines: list[str]
    labels: list[str | None]
    meta: dict[str, str] = field(default_factory=dict)
    markup: np.ndarray | None = None
    sources: list[str] | None = None

    @property
    def doc_id(self) -> str:
        return self.meta.get("id", "")


def format_document(doc: LabeledDocument) -> str:
    header = [MAGIC] + [f"# {k}: {v}" for k, v in doc.meta.items()]
    records = [f"{label or ''}\t{line}" for line, label in zip(doc.lines, doc.labels)]
    return "\n".join(header + records) + "\n"


def parse_document(text: str, source: str) -> LabeledDocument:
    """Parse one labeled-lines file; every problem names ``source`` and the line number."""
    meta: dict[str, str] = {}
    lines: list[str] = []
    labels: list[str | None] = []
    in_header = True
    for number, record in enumerate(text.split("\n"), start=1):
        record = record.removesuffix("\r")
        if in_header and record.startswith("#") and "\t" not in record:
            key, sep, value = record[1:].partition(":")
            if sep:
                meta[key.strip()] = value.strip()
            continue
        in_header = False
        if record == "":
            lines.append("")
            labels.append(None)
            continue
        label, sep, line = record.partition("\t")
        if not sep:
            raise LabeledDataError(
                f"{source}:{number}: missing tab between label and line: {record[:60]!r}"
            )
        label = label.strip()
        if label and label not in LABELS:
            raise LabeledDataError(
                f"{source}:{number}: unknown label {label!r} (expected one of {', '.join(LABELS)})"
            )
        if not label and not is_blank(line):
            raise LabeledDataError(f"{source}:{number}: a non-blank line needs a label")
        lines.append(line)
        labels.append(label if not is_blank(line) else None)
    # The file's final newline ends the last record; it is not an extra blank line.
    if lines and lines[-1] == "" and text.endswith("\n"):
        lines.pop()
        labels.pop()
    if not any(label is not None for label in labels):
        raise LabeledDataError(f"{source}: no labeled lines")
    return LabeledDocument(lines, labels, meta)


def read_labeled(path: Path) -> LabeledDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LabeledDataError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise LabeledDataError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_document(text, str(path))
