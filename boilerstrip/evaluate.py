"""Evaluation: line-level precision/recall/F1 and the Article Extraction Benchmark metric.

The kept-text metric follows the benchmark's evaluate.py: case-sensitive ``\\w+``
tokens, 4-gram shingle counts, tp/fp/fn normalised per page, precision and recall
averaged over pages, F1 from the two averages.  Baselines score the same lines.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from boilerstrip.labeled import LABELS, LabeledDocument
from boilerstrip.markup import markdown_visible_text

_AEB_TOKEN = re.compile(r"\w+")
_C4_TERMINAL = re.compile(r"[.!?…。！？؟۔।][\"'”’»)\]]*\s*$")
_JUSTEXT_STOPLISTS = {"en": "English", "ru": "Russian", "el": "Greek", "pl": "Polish", "ar": "Arabic"}


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _AEB_TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def shingle_match(true: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of 4-gram shingles for one page."""
    t, p = _shingles(true), _shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def aeb_metrics(matches: Sequence[tuple[float, float, float]]) -> dict[str, float]:
    """Precision and recall averaged over pages, as the benchmark computes them."""

    def score(tp: float, other: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == other == 0 else tp / (tp + other)

    precisions = [score(tp, fp, fp, fn) for tp, fp, fn in matches if tp + fp > 0]
    recalls = [score(tp, fn, fp, fn) for tp, fp, fn in matches if tp + fn > 0]
    precision = float(np.mean(precisions)) if precisions else 0.0
    recall = float(np.mean(recalls)) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pages": len(matches)}


def keep_all(lines: Sequence[str], lang: str) -> list[bool]:
    return [bool(line.strip()) for line in lines]


def c4_rules(lines: Sequence[str], lang: str) -> list[bool]:
    """C4's line rules: ends in terminal punctuation and has at least five words."""
    return [bool(_C4_TERMINAL.search(line)) and len(line.split()) >= 5 for line in lines]


def run_justext(page_html: str, lang: str) -> list:
    """jusText's paragraphs of a page, with the stoplist of its language; a language
    without one is judged on length and links alone (stopword thresholds at zero)."""
    import justext

    name = _JUSTEXT_STOPLISTS.get(lang)
    options = {} if name else {"stopwords_low": 0, "stopwords_high": 0}
    stoplist = justext.get_stoplist(name) if name else frozenset()
    return justext.justext(page_html.encode("utf-8"), stoplist, encoding="utf-8", **options)


def justext_lines(lines: Sequence[str], lang: str) -> list[bool]:
    """jusText's classifier with each line as one paragraph."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    paragraphs = run_justext(f"<html><body>{body}</body></html>", lang)
    kept = [False] * len(lines)
    for paragraph in paragraphs:
        match = re.search(r"p\[(\d+)\]$", paragraph.xpath)
        if match and not paragraph.is_boilerplate:
            kept[int(match.group(1)) - 1] = True
    return kept


BASELINES: dict[str, Callable[[Sequence[str], str], list[bool]]] = {
    "keep-all": keep_all, "c4-rules": c4_rules, "justext": justext_lines,
}


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
    """Scores by group; every document counts in its dataset's and its language's group."""

    groups: dict[str, GroupScores] = field(default_factory=lambda: defaultdict(GroupScores))

    def add(self, keys: Sequence[str], gold_labels: Sequence[str | None],
            predicted: Sequence[str | None], kept_texts: dict[str, str], gold_text: str) -> None:
        for key in keys:
            group = self.groups[key]
            for g, p in zip(gold_labels, predicted):
                if g is not None:
                    group.confusion[(g, p or "boilerplate")] += 1
            for system, text in kept_texts.items():
                group.matches[system].append(shingle_match(gold_text, text))

    def report(self) -> dict[str, dict]:
        return {
            key: {"lines": group.line_metrics(),
                  "kept_text": {s: aeb_metrics(m) for s, m in group.matches.items()}}
            for key, group in sorted(self.groups.items())
        }


def shown_lines(doc: LabeledDocument) -> list[str]:
    """The lines as a reader sees them: Markdown is scored on link text, not its URL."""
    if doc.meta.get("render") == "markdown":
        return [markdown_visible_text(line) for line in doc.lines]
    return doc.lines


def threshold_scores(model, documents: Sequence[LabeledDocument], rows: Sequence[np.ndarray],
                     probas: Sequence[np.ndarray], thresholds: Sequence[float]) -> dict[float, float]:
    """Kept-text F1 (AEB method) at each cut on P(content), against each document's body lines.

    ``rows`` are each document's classified lines and ``probas`` their probability rows."""
    body = LABELS.index("body")
    matches: dict[float, list] = {t: [] for t in thresholds}
    for doc, doc_rows, proba in zip(documents, rows, probas):
        shown = shown_lines(doc)
        reference = "\n".join(shown[r] for r in doc_rows if doc.labels[r] == "body")
        for t in thresholds:
            kept = model.labels_from_proba(proba, t) == body
            matches[t].append(shingle_match(
                reference, "\n".join(shown[r] for r, k in zip(doc_rows, kept) if k)))
    return {t: aeb_metrics(m)["f1"] for t, m in matches.items()}


def evaluate_documents(model, documents, threshold: float | None = None,
                       baselines: Sequence[str] = tuple(BASELINES),
                       evaluation: Evaluation | None = None, suffix: str = "") -> Evaluation:
    """Score ``model`` and the named baselines on (LabeledDocument, gold text or None) pairs.

    Scores add into ``evaluation`` when given, under group names ending in ``suffix``.
    Without a gold text (labeled-lines files), the reference is the document's body lines.
    """
    evaluation = Evaluation() if evaluation is None else evaluation
    for doc, gold in documents:
        (predicted,) = model.predict([doc.lines], threshold, [doc.markup])
        reference = gold if gold is not None else "\n".join(
            line for line, label in zip(doc.lines, doc.labels) if label == "body")
        lang = doc.meta.get("lang") or "unknown"
        shown = shown_lines(doc)
        kept = {"boilerstrip": "\n".join(l for l, p in zip(shown, predicted) if p == "body")}
        for name in baselines:
            mask = BASELINES[name](doc.lines, lang)
            kept[name] = "\n".join(l for l, k in zip(shown, mask) if k)
        keys = [key + suffix for key in
                ("all", f"dataset:{doc.meta.get('dataset') or 'unknown'}", f"lang:{lang}")]
        evaluation.add(keys, doc.labels, predicted, kept, reference)
    return evaluation
