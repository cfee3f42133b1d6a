"""Output formats: what ``predict`` writes of a document's labeled lines.

A new output format is one function here from (labeled lines, ``Batch``) to text, and
one entry in FORMATTERS.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from boilerstrip.io.labeled import LabeledDocument, format_document
from boilerstrip.pipeline import LineLabel, kept_lines

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
    if kept and not kept.endswith(("\n", "\r")):
        kept += "\n"
    return f"==> {batch.name} <==\n{kept}" if batch.several and batch.first else kept


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
