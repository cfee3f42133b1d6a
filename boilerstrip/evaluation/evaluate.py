"""Scoring a model and the baselines on labeled documents, by dataset, language and site: line-level
precision, recall and F1, and the kept-text metric (``metrics``) against the gold text."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from boilerstrip.evaluation.baselines import BASELINES
from boilerstrip.evaluation.metrics import aeb_metrics, shingle_match
from boilerstrip.features.memory import SiteMemory
from boilerstrip.io.labeled import LABELS, LabeledDocument
from boilerstrip.model import LineClassifier
from boilerstrip.model.classifier import label_ids
from boilerstrip.pipeline import label_document
from boilerstrip.rendering import markdown_visible_text, writes_markdown


@dataclass
class GroupScores:
    """Accumulates one group's (a dataset's, a language's) scores."""

    confusion: Counter = field(default_factory=Counter)
    matches: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def line_metrics(self) -> dict[str, dict[str, float]]:
        out = {}
        for label in LABELS:
            tp = self.confusion[(label, label)]
            predicted = sum(v for (g, p), v in self.confusion.items() if p == label)
            actual = sum(v for (g, p), v in self.confusion.items() if g == label)
            precision = tp / predicted if predicted else 0.0
            recall = tp / actual if actual else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            out[label] = {"precision": precision, "recall": recall, "f1": f1, "support": actual}
        return out


@dataclass
class Evaluation:
    """Scores by group; every document counts in its dataset's, its language's and its
    site's group."""

    groups: dict[str, GroupScores] = field(default_factory=lambda: defaultdict(GroupScores))
    # With ``keep_probabilities``, each document's (shown lines, P rows of its non-blank lines,
    # their line numbers, reference text): to score other cuts afterwards (``threshold_curve``).
    keep_probabilities: bool = False
    scored: list[tuple[list[str], np.ndarray, np.ndarray, str]] = field(default_factory=list)

    def add(self, keys: Sequence[str], gold_labels: Sequence[str | None],
            predicted: Sequence[str | None], kept_texts: dict[str, str], gold_text: str) -> None:
        for key in keys:
            group = self.groups[key]
            for g, p in zip(gold_labels, predicted):
                if g is not None:
                    group.confusion[(g, p or "boilerplate")] += 1
            for system, text in kept_texts.items():
                group.matches[system].append(shingle_match(gold_text, text))

    def threshold_curve(self, thresholds: Sequence[float]) -> dict[float, dict[str, float]]:
        """Kept-text precision, recall and F1 over all documents at each cut on P(content)."""
        body = LABELS.index("body")
        matches: dict[float, list] = {t: [] for t in thresholds}
        for shown, proba, rows, reference in self.scored:
            for t in thresholds:
                kept = rows[label_ids(proba, t) == body]
                matches[t].append(shingle_match(reference, "\n".join(shown[r] for r in kept)))
        return {t: aeb_metrics(m) for t, m in matches.items()}

    def report(self) -> dict[str, dict]:
        return {
            key: {"lines": group.line_metrics(),
                  "kept_text": {s: aeb_metrics(m) for s, m in group.matches.items()}}
            for key, group in sorted(self.groups.items())
        }


def memory_site(doc: LabeledDocument) -> str:
    """The site memory key of an evaluated document: its dataset and site, in its rendering."""
    return "\t".join(doc.meta.get(key, "") for key in ("dataset", "site", "render"))


def site_memory_of(documents: Iterable[tuple[LabeledDocument, str | None]]) -> SiteMemory:
    """A memory of every document's lines under its site (``memory_site``): each page is
    then labeled with what the other evaluated pages of its site hold, as ``predict
    --site-memory`` does on a batch.  Only the lines are read, never the labels."""
    memory = SiteMemory()
    for doc, _ in documents:
        if doc.meta.get("site"):
            memory.add(doc.lines, memory_site(doc))
    return memory


def shown_lines(doc: LabeledDocument) -> list[str]:
    """The lines as a reader sees them: Markdown is scored on link text, not its URL."""
    if writes_markdown(doc.meta.get("render", "")):
        return [markdown_visible_text(line) for line in doc.lines]
    return doc.lines


def threshold_scores(documents: Sequence[LabeledDocument], rows: Sequence[np.ndarray],
                     probas: Sequence[np.ndarray], thresholds: Sequence[float]) -> dict[float, float]:
    """Kept-text F1 (AEB method) at each cut on P(content), against each document's body lines.

    ``rows`` are each document's classified lines and ``probas`` their probability rows."""
    body = LABELS.index("body")
    matches: dict[float, list] = {t: [] for t in thresholds}
    for doc, doc_rows, proba in zip(documents, rows, probas):
        shown = shown_lines(doc)
        reference = "\n".join(shown[r] for r in doc_rows if doc.labels[r] == "body")
        for t in thresholds:
            kept = label_ids(proba, t) == body
            matches[t].append(shingle_match(
                reference, "\n".join(shown[r] for r, k in zip(doc_rows, kept) if k)))
    return {t: aeb_metrics(m)["f1"] for t, m in matches.items()}


def evaluate_documents(model: LineClassifier,
                       documents: Iterable[tuple[LabeledDocument, str | None]],
                       threshold: float | None = None, baselines: Sequence[str] = tuple(BASELINES),
                       evaluation: Evaluation | None = None, suffix: str = "",
                       memory: SiteMemory | None = None) -> Evaluation:
    """Score ``model`` and the named baselines on (LabeledDocument, gold text or None) pairs.

    Scores add into ``evaluation`` when given, under group names ending in ``suffix``.
    Without a gold text (labeled-lines files), the reference is the document's body lines.
    With ``memory``, each document is labeled with what it holds of the document's site
    (``site_memory_of``).
    """
    evaluation = Evaluation() if evaluation is None else evaluation
    for doc, gold in documents:
        predicted, proba = label_document(model, doc.lines, doc.markup, threshold, memory,
                                          memory_site(doc), doc.meta.get("site") or None,
                                          doc.sources)
        reference = gold if gold is not None else "\n".join(
            line for line, label in zip(doc.lines, doc.labels) if label == "body")
        lang = doc.meta.get("lang") or "unknown"
        shown = shown_lines(doc)
        kept = {"boilerstrip": "\n".join(l for l, p in zip(shown, predicted) if p == "body")}
        for name in baselines:
            mask = BASELINES[name](doc.lines, lang)
            kept[name] = "\n".join(l for l, k in zip(shown, mask) if k)
        keys = [key + suffix for key in
                ("all", f"dataset:{doc.meta.get('dataset') or 'labeled'}", f"lang:{lang}",
                 f"site:{doc.meta.get('site') or 'unknown'}")]
        evaluation.add(keys, doc.labels, predicted, kept, reference)
        if evaluation.keep_probabilities:
            rows = np.flatnonzero(~np.isnan(proba[:, 0]))
            evaluation.scored.append((shown, proba[rows], rows, reference))
    return evaluation
