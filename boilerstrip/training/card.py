"""The model card written beside every trained model: what it learnt from and how it scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from boilerstrip.model.file import library_versions
from boilerstrip.training.corpus import MIN_GOLD_COVERAGE


def card_path(model_path: Path) -> Path:
    name = model_path.name
    for suffix in (".json.gz", ".json"):
        name = name.removesuffix(suffix)
    return model_path.with_name(name + ".md")


def threshold_origin(choice: dict[str, Any]) -> str:
    """How the model's threshold was set, for its card."""
    method = choice.get("method", "default")
    if method == "given":
        return "given when training, not chosen on validation sites."
    if method != "validation":
        return f"the {method}."
    scores = ", ".join(f"{t} {f:.3f}" for t, f in choice["f1_by_threshold"].items())
    return (f"chosen on a fifth of the training sites held out for it "
            f"({choice['validation_documents']} documents; kept-text F1 by threshold: {scores}); "
            "the model was then fit on all of them.")


def drawn_renderings(training: dict[str, Any]) -> str:
    """How many renderings each page was learnt in, when not all of them."""
    count = training.get("renderings_per_page", "all")
    if count == "all" or count >= len(training["renderings"]):
        return ""
    return (f"; each page in {training['renderings'][0]} and {count - 1} of the others, drawn at "
            "random for it (seeded by the page).\nOther tools' renderings are their own output "
            "(`rendering/tools.py`); one well-known renderer is left out on purpose, for\n"
            "independent checks")


def model_card(model_path: Path, metadata: dict[str, Any]) -> str:
    training = metadata["training"]
    rows = "\n".join(f"| {name} | {s['documents']} | {s['sites']} | {s['lines']} |"
                     for name, s in sorted(training["datasets"].items()))
    sources = "\n".join(f"- `{s['path']}`" + (f" sha256 `{s['sha256'][:16]}…`" if "sha256" in s else "")
                        for s in training["sources"])
    versions = ", ".join(f"{k} {v}" for k, v in library_versions().items())
    metrics = metadata.get("metrics") or {}
    metric_lines = "\n".join(f"| {k} | {v:.3f} |" for k, v in sorted(metrics.items())) or "| (none) | |"
    renderings = training["renderings"]
    serves = ("HTML" if renderings == ["html"] else "text and Markdown" if "html" not in renderings
              else "text, Markdown and HTML")
    return f"""# Model card: {model_path.name}

A LightGBM line classifier (labels: boilerplate, body, title) for boilerstrip, for {serves} input.
Trained {metadata['trained_at']} with seed {metadata.get('seed', 0)}; threshold on P(content) {metadata['threshold']},
{threshold_origin(metadata.get('threshold_choice') or {})}

## Training data
Site split `{training['split']}` (a fixed hash of the site name puts a fifth of sites in `test`,
never trained on); pages in the renderings {', '.join(renderings)}{drawn_renderings(training)}.
Labels come from aligning each line with the page's gold main text (`boilerstrip data build`);
pages where less than {MIN_GOLD_COVERAGE} of the gold text is found in the page are left out.
Page types learnt from: {training['page_types']}.
A share of {metadata.get('augment', 0)} of documents got one in-article boilerplate block (an
embedded social post or a "read also" line) inserted between paragraphs, and a share of
{metadata.get('crop', 0)} of text documents were cut to end with their last body line, as text
saved from an article region does (`boilerstrip/training/augment.py`).
Each line of a hand-labeled file (the `examples` rows below) weighs {metadata.get('hand_labeled_weight', 1.0)}
times a line labeled from gold text.

| dataset | documents | sites | labeled lines |
|---|---|---|---|
{rows}

Sources (data versions):
{sources}

Never trained or tuned on: the Article Extraction Benchmark (aeb), kept for evaluation.

## Held-out metrics (kept-text F1, 4-gram shingles, pages in the rendering {renderings[0]})
| evaluation | F1 |
|---|---|
{metric_lines}

## Versions
{versions}

## Limits
Learnt from news, blogs and 2026 web pages in English, Chinese, Russian, Greek and Polish;
other languages and scripts rely on language-independent features (length, punctuation,
position, script mix, link and time patterns).  Retrain on your own labeled sites for best results.
"""
