"""Training data: pages with gold main text turned into labeled lines.

A page is rendered as a scraper would, then each line is labeled by aligning
its tokens, in order, with the gold text.  Sites are split deterministically
into train and test by a hash of the site name, so no site is on both sides.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import json
import re
import subprocess
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from boilerstrip.errors import InputError, LabeledDataError
from boilerstrip.io.atomic import write_atomic
from boilerstrip.io.labeled import SUFFIX, LabeledDocument, format_document, read_labeled
from boilerstrip.io.lines import split_lines
from boilerstrip.rendering import (RENDERERS, RENDERINGS, markdown_markup, markdown_visible_text,
                                   render_page, writes_markdown)
from boilerstrip.training.tokens import word_tokens
from boilerstrip.wordlists import CLOSING_MARKS, TERMINAL_PUNCTUATION

# Datasets kept for evaluation: never trained, tuned or chosen on.
EVALUATION_ONLY = frozenset({"aeb"})
TEST_SHARE_PERCENT = 20
MIN_ANCHOR = 3  # shorter matching runs count only if they cover a whole line
BODY_SHARE = 0.5
MIN_GOLD_COVERAGE = 0.5  # training skips pages whose gold text is mostly not in the page
MAX_TITLE_TOKENS = 30
# A headline ends in no sentence mark, nor in a colon or semicolon.
_ENDS_CLAUSE = re.compile(rf"[{TERMINAL_PUNCTUATION}:;][{re.escape(CLOSING_MARKS)}]*\s*$")


@dataclass
class Page:
    """One record of a page dataset (the format of ../shared/datasets)."""

    id: str
    dataset: str
    site: str
    lang: str
    html: str
    main_text: str
    title: str | None
    page_type: str | None = None


def site_bucket(site: str, salt: str = "") -> int:
    """A site's fixed bucket from 0 to 99, stable across runs and machines; another ``salt``
    deals the sites anew (the validation sites inside the training split)."""
    return int(hashlib.sha1((salt + site).encode("utf-8")).hexdigest(), 16) % 100


def site_split(site: str) -> str:
    """'test' for a fixed fifth of sites, 'train' for the rest."""
    return "test" if site_bucket(site) < TEST_SHARE_PERCENT else "train"


def dataset_name(path: Path) -> str:
    return path.name.removesuffix(".gz").removesuffix(".jsonl")


def is_page_dataset(path: Path) -> bool:
    """A page dataset (JSON lines of pages with gold text), not labeled-lines files."""
    return path.name.endswith((".jsonl", ".jsonl.gz"))


def refuse_evaluation_only(sources: Sequence[Path]) -> None:
    """Training on an evaluation-only dataset would void the benchmark."""
    for source in sources:
        if dataset_name(source) in EVALUATION_ONLY:
            raise InputError(f"{source}: {dataset_name(source)} is for evaluation only; "
                             "training on it would void the benchmark")


def evaluation_split(source: Path, requested: str = "auto") -> str | None:
    """The site split to evaluate ``source`` on (None: every page).  ``auto`` is every page
    of an evaluation-only dataset and the held-out (test) sites of the others."""
    if requested == "auto":
        return None if dataset_name(source) in EVALUATION_ONLY else "test"
    return None if requested == "all" else requested


def read_pages(path: Path, split: str | None = None,
               page_types: Collection[str] | None = None) -> Iterator[Page]:
    """Yield the pages of one ``.jsonl.gz`` dataset, optionally only one site split.

    ``page_types`` keeps only pages of those types; pages whose dataset gives no type are kept.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    row = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: not a JSON line ({exc.msg})") from None
                site = row.get("site") or ""
                if split and site_split(site) != split:
                    continue
                if page_types and row.get("page_type") not in (None, *page_types):
                    continue
                title = row.get("title")
                yield Page(
                    id=row.get("id", f"{dataset_name(path)}/{number}"),
                    dataset=dataset_name(path),
                    site=site,
                    lang=row.get("lang") or "",
                    html=row.get("html") or "",
                    main_text=row.get("main_text") or "",
                    title=None if title in (None, "None", "") else title,
                    page_type=row.get("page_type"),
                )
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read page dataset: {exc}") from None


def align_labels(lines: list[str], gold: str, title: str | None) -> tuple[list[str | None], float]:
    """Label each line body, title or boilerplate by in-order token alignment with ``gold``.

    A line is body when at least half its tokens fall in runs it shares with the gold
    text (runs of MIN_ANCHOR tokens or more, or shorter runs covering the whole line).
    The title is the line nearest before the first body line whose tokens equal the
    gold headline's.  Also returns the share of gold tokens found in the page: where
    it is low the gold text is not in the HTML (rendered by scripts) and the labels say nothing.
    """
    line_tokens = [word_tokens(line) for line in lines]
    flat = [t for tokens in line_tokens for t in tokens]
    owner = [i for i, tokens in enumerate(line_tokens) for _ in tokens]
    matched = [0] * len(lines)
    gold_tokens = word_tokens(gold)
    found = 0
    matcher = difflib.SequenceMatcher(None, flat, gold_tokens, autojunk=False)
    for start, _, size in matcher.get_matching_blocks():
        if size == 0:
            continue
        first, last = owner[start], owner[start + size - 1]
        whole_line = first == last and size == len(line_tokens[first])
        if size >= MIN_ANCHOR or whole_line:
            found += size
            for position in range(start, start + size):
                matched[owner[position]] += 1
    labels: list[str | None] = []
    for tokens, hits in zip(line_tokens, matched):
        if not tokens:
            labels.append(None if not lines[len(labels)].strip() else "boilerplate")
        else:
            labels.append("body" if hits >= BODY_SHARE * len(tokens) else "boilerplate")
    if title:
        _mark_title(line_tokens, labels, word_tokens(title))
    else:
        _infer_title(lines, line_tokens, labels)
    return labels, found / len(gold_tokens) if gold_tokens else 0.0


def _mark_title(line_tokens: list[list[str]], labels: list[str | None], title: list[str]) -> None:
    if not title:
        return
    first_body = next((i for i, label in enumerate(labels) if label == "body"), len(labels))
    candidates = [i for i, tokens in enumerate(line_tokens) if tokens == title]
    before = [i for i in candidates if i <= first_body]
    chosen = before[-1] if before else (candidates[0] if candidates else None)
    if chosen is not None:
        labels[chosen] = "title"


def _infer_title(lines: list[str], line_tokens: list[list[str]], labels: list[str | None]) -> None:
    """Where the gold text opens with its headline, label that line title, not body.

    Datasets differ: some give the headline apart, some put it at the top of the
    main text.  One convention (the headline is the title) keeps the labels consistent.
    """
    labeled = [i for i, label in enumerate(labels) if label is not None]
    body = [i for i in labeled if labels[i] == "body"]
    if len(body) < 2:
        return
    first = body[0]
    following = [i for i in labeled if i > first][:3]
    heading_like = len(line_tokens[first]) <= MAX_TITLE_TOKENS and not _ENDS_CLAUSE.search(lines[first])
    if heading_like and any(labels[i] == "body" for i in following):
        labels[first] = "title"


def passes_gold_gate(doc: LabeledDocument) -> bool:
    """False for a page whose gold text is mostly not in it: its labels say nothing."""
    return float(doc.meta.get("gold_coverage", 1)) >= MIN_GOLD_COVERAGE


def label_page(page: Page, rendering: str = "scraper") -> LabeledDocument:
    """Render a page and label its lines against the gold text.

    Our own renderings align the scraper text (the flat text, for the flat rendering) with
    the gold text; the others show the same blocks, so each of their lines takes its
    block's label.  Another tool's rendering (``rendering.tools``) is aligned as it comes,
    Markdown on its visible text."""
    meta = {"id": page.id, "dataset": page.dataset, "site": page.site, "lang": page.lang,
            "split": site_split(page.site), "render": rendering}
    if rendering in RENDERERS:
        return _label_tool_rendering(page, rendering, meta)
    if rendering not in RENDERINGS:
        raise InputError(f"unknown rendering {rendering!r}")
    rendered = render_page(page.html)
    aligned = rendered.document("flat" if rendering == "flat" else "scraper")
    labels, coverage = align_labels(aligned.lines, page.main_text, page.title)
    meta["gold_coverage"] = f"{coverage:.3f}"
    document = rendered.document(rendering)
    block_labels = [labels[block] if block >= 0 else None for block in document.blocks]
    return LabeledDocument(document.lines, block_labels, meta, document.markup, document.sources)


def write_labeled_page(page: Page, rendering: str, output: Path, split_sites: bool = False,
                       keep_source: bool = False) -> LabeledDocument:
    """Label a page and write it as OUTPUT/DATASET/[SPLIT/]NAME.lines, with its gold text beside
    it (NAME.gold.txt) and, for ``keep_source`` or the html rendering, its HTML (NAME.html).
    ``split_sites`` stamps the page with its site's split and files it under it; without
    it, the page carries no split and ``train`` and ``eval`` read it whatever the split."""
    doc = label_page(page, rendering)
    folder = output / page.dataset
    if split_sites:
        folder = folder / doc.meta["split"]
    else:
        del doc.meta["split"]
    name = page.id.split("/", 1)[-1].replace("/", "_").replace(" ", "_")
    if rendering != "scraper":
        name += f".{rendering}"
    doc.meta["gold"] = f"{name}.gold.txt"
    write_atomic(folder / doc.meta["gold"], page.main_text.encode("utf-8"))
    if (keep_source and rendering in RENDERINGS) or rendering == "html":
        doc.meta["source"] = f"{name}.html"
        write_atomic(folder / doc.meta["source"], page.html.encode("utf-8"))
    write_atomic(folder / f"{name}{SUFFIX}", format_document(doc).encode("utf-8"))
    return doc


def _label_tool_rendering(page: Page, rendering: str, meta: dict[str, str]) -> LabeledDocument:
    renderer = RENDERERS[rendering]
    try:
        text = renderer.render(page.html)
    except (subprocess.SubprocessError, ValueError, RecursionError):
        text = ""  # the tool fails on this page: an empty document, as its user would get
    lines = split_lines(text)[0]
    markdown = renderer.output == "markdown"
    shown = [markdown_visible_text(line) for line in lines] if markdown else lines
    labels, coverage = align_labels(shown, page.main_text, page.title)
    meta["gold_coverage"] = f"{coverage:.3f}"
    return LabeledDocument(lines, labels, meta, markdown_markup(lines) if markdown else None)


@dataclass
class Audit:
    """How well body-labeled lines reproduce the gold text, over the pages that pass the
    coverage gate (the others are counted apart: their gold text is not in the page)."""

    pages: int = 0
    below_gate: int = 0
    gold_tokens: int = 0
    gold_covered: int = 0
    body_tokens: int = 0
    body_in_gold: int = 0

    def add(self, doc: LabeledDocument, gold: str) -> float:
        """Count one page; returns its worse score of coverage and purity (to rank pages)."""
        gold_tokens, covered, body, in_gold = audit_page(doc, gold)
        self.pages += 1
        if not passes_gold_gate(doc):
            self.below_gate += 1
        else:
            self.gold_tokens += gold_tokens
            self.gold_covered += covered
            self.body_tokens += body
            self.body_in_gold += in_gold
        return min(covered / max(gold_tokens, 1), in_gold / max(body, 1))

    @property
    def coverage(self) -> float:
        return self.gold_covered / self.gold_tokens if self.gold_tokens else 0.0

    @property
    def purity(self) -> float:
        return self.body_in_gold / self.body_tokens if self.body_tokens else 0.0


def audit_page(doc: LabeledDocument, gold: str) -> tuple[int, int, int, int]:
    """Gold tokens, gold tokens covered by body lines, body tokens, body tokens in gold."""
    kept = " ".join(l for l, lab in zip(doc.lines, doc.labels) if lab in ("body", "title"))
    kept_tokens, gold_tokens = word_tokens(kept), word_tokens(gold)
    matcher = difflib.SequenceMatcher(None, kept_tokens, gold_tokens, autojunk=False)
    common = sum(size for _, _, size in matcher.get_matching_blocks())
    return len(gold_tokens), common, len(kept_tokens), common


def companion(path: Path, doc: LabeledDocument, key: str) -> Path | None:
    """The file a labeled-lines file names in its header (``gold:`` its page's gold text,
    ``source:`` its page's HTML), relative to the labeled file."""
    name = doc.meta.get(key)
    return path.parent / name if name else None


def load_labeled(path: Path) -> tuple[LabeledDocument, str | None]:
    """A labeled-lines file with what its header points to: the gold text it was labeled
    from (``gold:``), which eval scores against, and the HTML page (``source:``) whose
    rendering its lines are, which gives them their markup rows.  Markdown lines carry
    their own markup."""
    doc = read_labeled(path)
    gold = source = None
    try:
        if (gold_path := companion(path, doc, "gold")) is not None:
            gold = gold_path.read_text(encoding="utf-8")
        if (source_path := companion(path, doc, "source")) is not None:
            source = source_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LabeledDataError(f"{path}: cannot read the file its header names: {exc}") from None
    rendering = doc.meta.get("render", "")
    if source is not None:
        rendered = render_page(source).document(rendering if rendering in RENDERINGS else "html")
        if rendered.lines != doc.lines:
            raise LabeledDataError(
                f"{path}: its lines are not {companion(path, doc, 'source')} as this boilerstrip "
                "renders it (the page or the renderer changed): label the page again")
        doc.markup, doc.sources = rendered.markup, rendered.sources
    elif writes_markdown(rendering):
        doc.markup = markdown_markup(doc.lines)
    return doc, gold


def in_rendering(doc: LabeledDocument, path: Path, rendering: str) -> LabeledDocument:
    """A labeled HTML page (one with a ``source:``) in another of our renderings: each
    line takes the label of the block it shows, so one labeled page teaches every model."""
    source_path = companion(path, doc, "source")
    own = doc.meta.get("render", "")
    own = own if own in RENDERINGS else "html"
    if source_path is None or rendering == own or rendering not in RENDERINGS:
        return doc
    page = render_page(source_path.read_text(encoding="utf-8"))
    block_labels: dict[int, str | None] = {}
    for block, label in zip(page.document(own).blocks, doc.labels):
        if block >= 0:
            block_labels.setdefault(block, label)
    rendered = page.document(rendering)
    labels = [block_labels.get(b) if b >= 0 else None for b in rendered.blocks]
    return LabeledDocument(rendered.lines, labels, {**doc.meta, "render": rendering}, rendered.markup,
                           rendered.sources)


def labeled_files(source: Path) -> list[Path]:
    """The labeled-lines files of a file or folder argument."""
    if source.is_dir():
        return sorted(source.rglob(f"*{SUFFIX}"))
    if source.exists():
        return [source]
    raise InputError(f"{source}: no such file or folder")


def iter_documents(sources: Iterable[Path], split: str | None = None,
                   rendering: str = "scraper",
                   page_types: Collection[str] | None = None
                   ) -> Iterator[tuple[LabeledDocument, str | None]]:
    """Documents from labeled-lines files or folders, or page datasets labeled on the fly.

    Yields each document with its gold text: the page's for page datasets and for
    labeled-lines files that keep it (``data build`` writes it beside them), else None
    (the reference is then the text of their body lines).  Labeled-lines files count
    when they carry no split, or ``split``.
    """
    for source in sources:
        if is_page_dataset(source):
            for page in read_pages(source, split, page_types):
                yield label_page(page, rendering), page.main_text
            continue
        for path in labeled_files(source):
            doc, gold = load_labeled(path)
            if split is None or doc.meta.get("split", split) == split:
                yield doc, gold
