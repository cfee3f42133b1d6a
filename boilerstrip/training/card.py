"""The model card written beside every trained model: what it learnt from and how it scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from boilerstrip.model.file import library_versions
from boilerstrip.model.site import REGION_MIN_PAGES
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


def excluded(training: dict[str, Any]) -> str:
    sites = training.get("excluded_sites") or []
    return f"\nSites left out of the page datasets ({len(sites)}): {', '.join(sites)}." if sites else ""


def weight_note(metadata: dict[str, Any]) -> str:
    """What the labeled-lines weight applied to, as it was."""
    weight = metadata.get("labeled_weight", 1.0)
    count = metadata["training"].get("labeled_file_documents", 0)
    power = metadata.get("page_weight", 0.0)
    pages = (f" Each page's lines were scaled by (the mean page's weight / its own) ** {power}, "
             "so long pages teach less each line (`--page-weight`)." if power else "")
    if not count:
        return ("No labeled-lines file was given" + (f", so the weight {weight} given for them "
                "applied to nothing." if weight != 1.0 else ".")) + pages
    return (f"Each line of the {count} documents from labeled-lines files weighs {weight} times a "
            "line of a page dataset." + pages)


def origin(metadata: dict[str, Any]) -> str:
    """Where the trees came from: fitted anew, or a base model adapted."""
    base = metadata.get("adapted_from")
    if not base:
        return ""
    learnt = ", ".join(f"{name} ({s['documents']} documents)"
                       for name, s in sorted(base["training"]["datasets"].items()))
    return (f"\n## Adapted from a base model\nThe trees of `{base['path']}` (trained "
            f"{base['trained_at']}, trees sha256 `{base['boosters_sha256'][:16]}…`, learnt from "
            f"{learnt}; site split `{base['training']['split']}`, renderings "
            f"{', '.join(base['training']['renderings'])}), kept whole, and "
            f"{base['rounds_added']} rounds added to each of its two stages (learning rate "
            f"{base['learning_rate']}, at most {base['leaves']} leaves, L2 {base['reg_lambda']}), "
            "fitted to what they get wrong on the pages below, as they are (no augmentation or "
            f"cropping){_averaged(base.get('added_weight', 1.0))}.  It remembers {base['lines_remembered']} lines of those pages (each "
            "found on two or more of them, always with one label): a line it meets again "
            f"exactly gets that label.{_remembered_regions(base.get('regions_remembered', 0), base.get('region_weight'))}"
            f"{_remembered_blocks(base.get('blocks_remembered', 0), base.get('block_weight'))}"
            "  These apply "
            "only to pages of the site: pages holding "
            f"enough of its template ({base['template_lines']} boilerplate lines of the labeled "
            f"pages){_named(base.get('site_names', []))}; any other page gets the base model's "
            "trees alone, as the base labels it.\n")


def _averaged(weight: float) -> str:
    """How an adapted model's card says that it averages its rounds with the base's (files
    adapted before that did not)."""
    if weight == 1.0:
        return ""
    return (f"; a page of the site gets the log-probabilities of all the rounds ({weight:g}) "
            f"and of the base's rounds alone ({1 - weight:g}) averaged")


def _remembered_regions(count: int, weight: float | None) -> str:
    """How an adapted model's card tells of its remembered regions (files adapted before
    them have none)."""
    if not count:
        return ""
    return (f"  It also remembers {count} regions: the lines between two remembered lines "
            f"that are on a page once (its anchors), where {REGION_MIN_PAGES} or more labeled "
            "pages put lines; a line in such a region has its odds of being content multiplied "
            f"by the region's odds on the labeled pages (one line of each kind added), to the "
            f"power {weight:g}.")


def _remembered_blocks(count: int, weight: float | None) -> str:
    """How an adapted model's card tells of its remembered HTML blocks (files adapted
    before them, and from pages without HTML, have none)."""
    if not count:
        return ""
    return (f"  It remembers {count} blocks of HTML pages (a block's XPath, where "
            f"{REGION_MIN_PAGES} or more labeled pages put lines); on an HTML page a line in "
            "such a block has its odds of being content multiplied by the block's on the "
            f"labeled pages (one line of each kind added), to the power {weight:g}.")


def _named(names: list[str]) -> str:
    """How an adapted model's card says which site names it takes pages of."""
    if not names:
        return ""
    return (f" and not named as a site other than {', '.join(f'`{n}`' for n in names)} (by "
            "a URL's host or a `site:` header)")


def memory_note(metadata: dict[str, Any]) -> str:
    """What the card says of the memory stage (``features.memory``)."""
    memory = metadata.get("site_memory")
    if metadata.get("adapted_from"):
        return ("\n## Site memory\nThe base model's memory stage, if it has one, for pages not "
                "of the adapted site; that site's pages are labeled without memory.\n")
    if not memory or not memory["fitted"]:
        return ("\n## Site memory\nNone: `predict --site-memory` labels pages as without it.\n")
    low, high = memory["memory_pages"]
    return (f"\n## Site memory\nA memory stage (stage two again, with what a site's other pages "
            f"hold as more features) was fitted on every training document; the "
            f"{memory['pages_with_memory']} whose site had more than {low} pages in their "
            f"rendering had a memory of {low} to {high} other pages of the site, drawn at "
            "random.  It labels a page only when a site memory holds two or more other pages "
            "of its site "
            "(`predict --site-memory`, `SiteMemory`); other pages are labeled by stage two.\n")


def languages(metadata: dict[str, Any]) -> str:
    """The languages learnt from, the base model's too."""
    counts: dict[str, int] = dict(metadata["training"].get("languages", {}))
    base = metadata.get("adapted_from")
    for lang, n in (base["training"].get("languages", {}) if base else {}).items():
        counts[lang] = counts.get(lang, 0) + n
    if not counts:
        return "Languages learnt from: not recorded."
    return "Languages learnt from (documents): " + ", ".join(f"{k} {v}" for k, v in counts.items()) + "."


def data_origin(metadata: dict[str, Any]) -> str:
    """How the training pages were chosen, rendered, labeled and altered."""
    training = metadata["training"]
    renderings = ", ".join(training["renderings"])
    if metadata.get("adapted_from"):
        return (f"The pages below, in the rendering {renderings}, as they are: no augmentation or "
                "cropping.")
    return f"""Site split `{training['split']}` of page datasets (a fixed hash of the site name puts a fifth of
sites in `test`, never trained on); pages in the renderings {renderings}{drawn_renderings(training)}.
Page datasets are labeled by aligning each line with the page's gold main text (`boilerstrip data build`);
pages where less than {MIN_GOLD_COVERAGE} of the gold text is found in the page are left out.
Page types learnt from: {training['page_types']}.{excluded(training)}
A share of {metadata.get('augment', 0)} of documents got one in-article boilerplate block (an
embedded social post or a "read also" line) inserted between paragraphs, and a share of
{metadata.get('crop', 0)} of text documents were cut to end with their last body line, as text
saved from an article region does (`boilerstrip/training/augment.py`)."""


def model_card(model_path: Path, metadata: dict[str, Any]) -> str:
    training = metadata["training"]
    rows = "\n".join(f"| {name} | {s['documents']} | {s['sites']} | {s['lines']} |"
                     for name, s in sorted(training["datasets"].items()))
    sources = "\n".join(f"- `{s['path']}`" + (f" sha256 `{s['sha256'][:16]}…`" if "sha256" in s else "")
                        for s in training["sources"])
    versions = ", ".join(f"{k} {v}" for k, v in library_versions().items())
    if training.get("renderer_versions"):
        versions += "\n\nRenderers: " + ", ".join(
            f"{k} {v}" for k, v in training["renderer_versions"].items())
    if training.get("matrix_sha256"):
        versions += (f"\n\nFitted on a training matrix (features, labels, weights, site memory) "
                     f"of sha256 `{training['matrix_sha256'][:16]}…`.")
    metrics = metadata.get("metrics") or {}
    metric_lines = "\n".join(f"| {k} | {v:.3f} |" for k, v in sorted(metrics.items())) or "| (none) | |"
    renderings = training["renderings"]
    serves = ("HTML" if renderings == ["html"] else "text and Markdown" if "html" not in renderings
              else "text, Markdown and HTML")
    return f"""# Model card: {model_path.name}

A LightGBM line classifier (labels: boilerplate, body, title) for boilerstrip, for {serves} input.
Trained {metadata['trained_at']} with seed {metadata.get('seed', 0)}; threshold on P(content) {metadata['threshold']},
{threshold_origin(metadata.get('threshold_choice') or {})}
{origin(metadata)}
## Training data
{data_origin(metadata)}
{weight_note(metadata)}

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
{memory_note(metadata)}
## Versions
{versions}

## Limits
{languages(metadata)} Other languages and scripts rely on language-independent features (length,
punctuation, position, script mix, link and time patterns).  Retrain or adapt on your own
labeled sites for best results (`boilerstrip train --base`).
"""
