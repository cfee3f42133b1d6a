"""The eval report: one HTML page with plots a person can read at a glance (kept-text F1 by
dataset, language and site; precision and recall over the cut on P(content), the model's
cut marked; a model before and after when two are given), and the tables under them.

Plots are drawn with matplotlib's object API (``Figure``), never pyplot: no global state
and no display backend, so a report can be written from any thread or server.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boilerstrip.errors import BoilerstripError
from boilerstrip.evaluation.evaluate import Evaluation
from boilerstrip.io.atomic import write_atomic

CURVE_THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))
MOST_SITES = 30  # the site chart shows the sites with the most pages
KINDS = (("dataset", "dataset"), ("lang", "language"), ("site", "site"))
BEFORE, AFTER = "#9aa5b1", "#1f8a4c"


@dataclass
class ReportInput:
    """What the report shows: the model's evaluation (``after``), optionally another
    model's on the same documents (``before``), their names, and the model's cut."""

    after: Evaluation
    after_name: str
    threshold: float
    before: Evaluation | None = None
    before_name: str = ""
    sources: Sequence[str] = ()


def _figure(width: float, height: float):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise BoilerstripError("eval --report draws with matplotlib: "
                               "pip install 'boilerstrip[report]'") from None
    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _groups(report: dict[str, dict], kind: str) -> dict[str, dict]:
    prefix = f"{kind}:"
    return {key[len(prefix):]: scores for key, scores in report.items() if key.startswith(prefix)}


def _f1(scores: dict | None) -> float | None:
    return None if scores is None else scores["kept_text"]["boilerstrip"]["f1"]


def _bars(data: ReportInput, after: dict, before: dict, kind: str, label: str, path: Path) -> None:
    """Kept-text F1 of each group, worst first; the before model's bar beside it."""
    names = list(after)
    if kind == "site":
        names = sorted(names, key=lambda n: -after[n]["kept_text"]["boilerstrip"]["pages"])[:MOST_SITES]
    names.sort(key=lambda n: _f1(after[n]))
    figure = _figure(8, 1.0 + 0.32 * len(names) * (2 if before else 1))
    axes = figure.subplots()
    height = 0.4 if before else 0.7
    positions = range(len(names))
    axes.barh([p + (height / 2 if before else 0) for p in positions],
              [_f1(after[n]) for n in names], height, color=AFTER, label=data.after_name)
    if before:
        axes.barh([p - height / 2 for p in positions], [_f1(before.get(n)) or 0 for n in names],
                  height, color=BEFORE, label=data.before_name)
    for p, n in zip(positions, names):
        axes.text(_f1(after[n]) + 0.005, p + (height / 2 if before else 0), f"{_f1(after[n]):.3f}",
                  va="center", fontsize=8)
    axes.set_yticks(list(positions), [f"{n} ({after[n]['kept_text']['boilerstrip']['pages']})"
                                      for n in names], fontsize=8)
    axes.set_xlim(0, 1.08)
    axes.set_ylim(-0.6, len(names) - 0.4)
    axes.set_xlabel("kept-text F1 (pages in brackets)")
    axes.set_title(f"Kept-text F1 by {label}" + (f", the {MOST_SITES} sites with most pages"
                                                  if kind == "site" and len(after) > MOST_SITES else ""),
                   loc="left")
    axes.grid(axis="x", alpha=0.3)
    if before:
        figure.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    figure.savefig(path)


def _curve(data: ReportInput, path: Path) -> dict[float, dict[str, float]]:
    """Precision and recall as the cut moves, and F1 over the cut; the model's cut marked."""
    curve = data.after.threshold_curve(CURVE_THRESHOLDS)
    cuts = list(curve)
    at_cut = data.after.threshold_curve([data.threshold])[data.threshold]
    figure = _figure(10, 4)
    left, right = figure.subplots(1, 2)
    left.plot([curve[t]["recall"] for t in cuts], [curve[t]["precision"] for t in cuts],
              marker=".", color=AFTER)
    for t in cuts[::3]:
        left.annotate(f"{t:.2f}", (curve[t]["recall"], curve[t]["precision"]), fontsize=7,
                      xytext=(3, 3), textcoords="offset points")
    left.plot([at_cut["recall"]], [at_cut["precision"]], marker="o", markersize=9,
              color="#b3261e", label=f"the model's cut {data.threshold:.2f}")
    left.set_xlabel("recall")
    left.set_ylabel("precision")
    left.set_title("Precision against recall as the cut moves")
    left.legend(fontsize=8)
    left.grid(alpha=0.3)
    for key, color in (("precision", "#1f5fbf"), ("recall", "#e0a100"), ("f1", AFTER)):
        right.plot(cuts, [curve[t][key] for t in cuts], label=key, color=color)
    right.axvline(data.threshold, color="#b3261e", linestyle="--", label="the model's cut")
    right.set_xlabel("cut on P(content)")
    right.set_title("Kept-text precision, recall and F1 by cut")
    right.legend(fontsize=8)
    right.grid(alpha=0.3)
    figure.savefig(path)
    return curve


def _table(data: ReportInput, after: dict, before: dict, label: str) -> str:
    systems = [s for s in next(iter(after.values()))["kept_text"] if s != "boilerstrip"]
    head = ["<th>" + html.escape(label) + "</th><th>pages</th><th>precision</th><th>recall</th>"
            f"<th>F1 {html.escape(data.after_name)}</th>"]
    if before:
        head.append(f"<th>F1 {html.escape(data.before_name)}</th><th>change</th>")
    head.extend(f"<th>F1 {html.escape(s)}</th>" for s in systems)
    rows = []
    for name, scores in sorted(after.items(), key=lambda item: _f1(item[1])):
        kept = scores["kept_text"]["boilerstrip"]
        cells = [html.escape(name), str(kept["pages"]), f"{kept['precision']:.3f}",
                 f"{kept['recall']:.3f}", f"{kept['f1']:.3f}"]
        if before:
            old = _f1(before.get(name))
            cells += ["-", "-"] if old is None else [f"{old:.3f}", f"{kept['f1'] - old:+.3f}"]
        cells += [f"{scores['kept_text'][s]['f1']:.3f}" for s in systems]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><tr>{''.join(head)}</tr>{''.join(rows)}</table>"


def _changes(data: ReportInput, after: dict, before: dict) -> str:
    """The groups whose F1 moved most between the two models, largest first."""
    if not before:
        return ""
    moved = sorted(((_f1(after[n]) - _f1(before[n]), n) for n in after if n in before),
                   key=lambda change: -abs(change[0]))
    moved = [(change, name) for change, name in moved[:5] if abs(change) >= 0.0005]
    if not moved:
        return f"<p>No change of 0.0005 or more from {html.escape(data.before_name)}.</p>"
    return ("<p>Largest changes from " + html.escape(data.before_name) + ": " + ", ".join(
        f"{html.escape(name)} {change:+.3f} ({_f1(before[name]):.3f} to {_f1(after[name]):.3f})"
        for change, name in moved) + ".</p>")


def write_report(folder: Path, data: ReportInput) -> Path:
    """Write FOLDER/index.html, its plots and report.json; returns the page's path."""
    folder.mkdir(parents=True, exist_ok=True)
    after = data.after.report()
    before = data.before.report() if data.before else {}
    overall = after["all"]["kept_text"]["boilerstrip"]
    sections = []
    for kind, label in KINDS:
        groups, old = _groups(after, kind), _groups(before, kind)
        if not groups:
            continue
        _bars(data, groups, old, kind, label, folder / f"f1-by-{kind}.png")
        table = _table(data, groups, old, label)
        if len(groups) > MOST_SITES:
            table = f"<details><summary>All {len(groups)} {label}s</summary>{table}</details>"
        sections.append(f"<h2>By {label}</h2>{_changes(data, groups, old)}<img src='f1-by-{kind}.png' "
                        f"alt='kept-text F1 by {label}'>{table}")
    curve = _curve(data, folder / "threshold.png")
    best = max(curve, key=lambda t: curve[t]["f1"])
    summary = (f"Kept-text F1 {overall['f1']:.3f} (precision {overall['precision']:.3f}, recall "
               f"{overall['recall']:.3f}) on {overall['pages']} pages with {html.escape(data.after_name)}"
               f" at its cut {data.threshold:.2f}")
    if before:
        summary += (f"; {html.escape(data.before_name)} {_f1(before['all']):.3f} on the same pages "
                    f"({overall['f1'] - _f1(before['all']):+.3f})")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>boilerstrip eval report</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; color: #1d2330; margin: 24px auto; max-width: 1100px; padding: 0 16px; }}
img {{ max-width: 100%; border: 1px solid #e3e6ea; margin: 8px 0; }}
table {{ border-collapse: collapse; font-size: 13px; margin: 8px 0 24px; }}
td, th {{ border-bottom: 1px solid #e3e6ea; padding: 3px 10px; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
.meta {{ color: #555; }}
</style></head><body>
<h1>boilerstrip eval report</h1>
<p><strong>{summary}.</strong></p>
<p class="meta">Kept-text F1 is the Article Extraction Benchmark's method: 4-gram shingles of
the kept text against the gold text (or, for hand-labeled pages, the text of their body lines),
precision and recall averaged over pages. Written {dt.datetime.now().isoformat(timespec="seconds")}
from {html.escape(", ".join(data.sources))}.</p>
<h2>The cut on P(content)</h2>
<img src="threshold.png" alt="precision and recall over the cut">
<p>The best cut on these pages would be {best:.2f} (F1 {curve[best]['f1']:.3f}, against
{curve[min(curve, key=lambda t: abs(t - data.threshold))]['f1']:.3f} near the model's cut).
Choose a cut on pages you will not report on: on these same pages it flatters.</p>
{''.join(sections)}
</body></html>
"""
    report: dict[str, Any] = {"after": {"model": data.after_name, "threshold": data.threshold,
                                        "groups": after,
                                        "threshold_curve": {f"{t:.2f}": v for t, v in curve.items()}}}
    if before:
        report["before"] = {"model": data.before_name, "groups": before}
    write_atomic(folder / "report.json", json.dumps(report, indent=1).encode("utf-8"))
    target = folder / "index.html"
    write_atomic(target, page.encode("utf-8"))
    return target
