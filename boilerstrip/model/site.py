"""What a model adapted to one site knows of it, and how it tells that site's pages.

``train --base`` adds trees to a base model and learns the site's template: its boilerplate
lines found on more than one labeled page (on the one page, when only one is labeled), and the
site's name when the labeled pages carry one.  A page that holds enough of the template, and
is not named as another site (by its URL's host, or its ``site:`` header), is a page of the
site: it gets the added trees, averaged with the base's trees alone (``added_weight``), the
region memory (what the labeled pages held between two of the site's anchor lines: a "most
read" list whose own lines change from page to page moves toward boilerplate), the block
memory of an HTML page (what the labeled pages held in the block at each XPath: the
article's paragraphs sit at the same places in the site's template, its teasers at others),
and the line memory (lines the labeled pages always gave one label).  Any other page gets the
base model's trees alone (they are the first rounds of each stage), so adapting to a site
never changes what the model does elsewhere.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from boilerstrip.features.memory import site_name
from boilerstrip.io.lines import line_key

# A page is of the site when it holds this share of the template's lines, and at least
# SITE_MIN_LINES of them (generic lines such as "Home" are on every site).
SITE_SHARE = 0.2
SITE_MIN_LINES = 3
# A labeled line is remembered when it is on this many of the labeled pages.
MEMORY_MIN_PAGES = 2
# A region (the lines between two of the site's anchor lines) is remembered when the labeled
# pages show it on this many pages; its lines' log-odds of content move by its own (smoothed)
# times REGION_WEIGHT (chosen on the dev sites of tools/sweep_adapt.py: README, "Settings").
REGION_MIN_PAGES = 2
REGION_WEIGHT = 0.5
# A block of an HTML page (its XPath) is remembered when the labeled pages show it on
# REGION_MIN_PAGES pages; its lines' log-odds move as a region's do, times BLOCK_WEIGHT
# (chosen on the HTML dev sites of tools/sweep_adapt.py: README, "Settings").
BLOCK_WEIGHT = 0.5
Region = tuple["str | None", "str | None"]  # the anchor lines before and after a line
_TINY = 1e-300  # a probability that underflowed to zero, for its logarithm


@dataclass(frozen=True)
class SiteKnowledge:
    """An adapted model's knowledge of its site: the rounds of each stage that came from
    the base (``base_iterations``), the site's ``template`` lines, the ``memory`` of lines
    whose label the labeled pages agree on, the site ``names`` the labeled pages carry, and
    ``added_weight``: a page of the site gets its probabilities with every round and with the
    base's rounds alone, averaged as log-probabilities with this weight on every round's (1:
    every round's alone, as files adapted before it did); the ``anchors`` (remembered lines
    once a page at most) and the ``regions`` between two of them (or a page's start or end)
    that two labeled pages or more show, each with its content and labeled lines there, and
    the ``region_weight`` their log-odds count with; the same for the ``blocks`` of HTML
    pages (a block's XPath: its content and labeled lines) and their ``block_weight``."""

    base_iterations: tuple[int, int]
    template: frozenset[str]
    memory: dict[str, str]
    names: frozenset[str] = frozenset()
    added_weight: float = 1.0
    anchors: frozenset[str] = frozenset()
    regions: dict[Region, tuple[int, int]] = field(default_factory=dict)
    region_weight: float = REGION_WEIGHT
    blocks: dict[str, tuple[int, int]] = field(default_factory=dict)
    block_weight: float = BLOCK_WEIGHT

    @classmethod
    def learn(cls, documents: Sequence[tuple[Sequence[str], Sequence[str | None]]],
              base_iterations: tuple[int, int], names: Sequence[str | None] = (),
              added_weight: float = 1.0,
              sources: Sequence[Sequence[str] | None] = ()) -> "SiteKnowledge":
        """From the labeled pages (lines and labels) adapted to, their site names, and the
        XPath of each line's block where a page came from HTML (``sources``)."""
        pages: dict[str, set[int]] = defaultdict(set)
        labels: dict[str, set[str]] = defaultdict(set)
        for number, (lines, page_labels) in enumerate(documents):
            for line, label in zip(lines, page_labels):
                if label is not None and (key := line_key(line)):
                    pages[key].add(number)
                    labels[key].add(label)
        recurring = min(MEMORY_MIN_PAGES, len(documents))
        template = frozenset(key for key in pages if len(pages[key]) >= recurring
                             and labels[key] == {"boilerplate"})
        memory = {key: next(iter(labels[key])) for key in pages
                  if len(pages[key]) >= MEMORY_MIN_PAGES and len(labels[key]) == 1}
        # Anchors: remembered lines that are on a page once at most ("Most read", not "Reply").
        per_page = [Counter(key for line in lines if (key := line_key(line))) for lines, _ in documents]
        anchors = frozenset(key for key in memory if all(c[key] <= 1 for c in per_page))
        regions = _content_counts(
            (_regions([line_key(line) for line in lines], anchors), page_labels)
            for lines, page_labels in documents)
        blocks = _content_counts((paths, page_labels) for paths, (_, page_labels)
                                 in zip(sources, documents) if paths is not None)
        return cls(base_iterations, template, memory,
                   frozenset(site_name(name) for name in names if name and site_name(name)),
                   added_weight, anchors, regions, REGION_WEIGHT, blocks, BLOCK_WEIGHT)

    def recognises(self, lines: Sequence[str], name: str | None = None) -> bool:
        """Whether a page is of the site: it holds enough of the template, and is not named
        as another site (when both its ``name`` and the site's ``names`` are known).  A name
        alone is not enough: on pages of the site in a template the labeled pages do not show,
        the added rounds lost more than they gained (tools/sweep_adapt.py)."""
        if name and self.names and site_name(name) not in self.names:
            return False
        found = {key for line in lines if (key := line_key(line)) in self.template}
        return len(found) >= max(SITE_MIN_LINES, SITE_SHARE * len(self.template))

    def recall(self, lines: Sequence[str], sources: Sequence[str] | None = None
               ) -> tuple[list[str | None], np.ndarray]:
        """What the labeled pages say of each line of a page of the site: the label they
        agree on for the line itself (``memory``; None if none), and how far its log-odds
        of content move by its region's on them (one more line of each kind, so a region
        seen little moves little; times ``region_weight``; 0 outside remembered regions),
        plus, for lines rendered from HTML with their blocks' XPaths (``sources``), by
        their block's (times ``block_weight``)."""
        keys = [line_key(line) for line in lines]
        known = [self.memory.get(key) for key in keys]
        moves = np.zeros(len(lines))
        for i, region in enumerate(_regions(keys, self.anchors)):
            if region is not None and (counts := self.regions.get(region)) is not None:
                moves[i] = self.region_weight * _log_odds(*counts)
        if sources is not None and self.blocks:
            for i, path in enumerate(sources):
                if (counts := self.blocks.get(path)) is not None:
                    moves[i] += self.block_weight * _log_odds(*counts)
        return known, moves

    def to_json(self) -> dict[str, Any]:
        return {"base_iterations": list(self.base_iterations), "template": sorted(self.template),
                "memory": sorted(self.memory.items()), "names": sorted(self.names),
                "added_weight": self.added_weight,
                "anchors": sorted(self.anchors), "region_weight": self.region_weight,
                "regions": sorted(([*region, *counts] for region, counts in self.regions.items()),
                                  key=lambda row: (row[0] or "", row[1] or "")),
                "blocks": sorted([path, *counts] for path, counts in self.blocks.items()),
                "block_weight": self.block_weight}

    @classmethod
    def from_json(cls, value: Any, labels: Sequence[str]) -> "SiteKnowledge":
        """Read back ``to_json``; a ValueError says what is malformed."""
        try:
            iterations = tuple(int(n) for n in value["base_iterations"])
            template = frozenset(value["template"])
            memory = dict(value["memory"])
            listed = value.get("names", [])  # absent from files adapted before names
            if not isinstance(listed, list):
                raise TypeError
            names = frozenset(listed)
            weight = value.get("added_weight", 1.0)  # absent from files adapted before it
            if isinstance(weight, bool) or not isinstance(weight, (int, float)):
                raise TypeError
            anchors = frozenset(value.get("anchors", []))  # absent from files adapted before them
            regions = {(before, after): (int(content), int(labeled))
                       for before, after, content, labeled in value.get("regions", [])}
            region_weight = value.get("region_weight", REGION_WEIGHT)
            blocks = {path: (int(content), int(labeled))  # absent from files adapted before them
                      for path, content, labeled in value.get("blocks", [])}
            block_weight = value.get("block_weight", BLOCK_WEIGHT)
            if any(isinstance(w, bool) or not isinstance(w, (int, float))
                   for w in (region_weight, block_weight)):
                raise TypeError
        except (KeyError, TypeError, ValueError):
            raise ValueError("not base_iterations, template, memory, names, added_weight, anchors, "
                             "regions, region_weight, blocks and block_weight") from None
        if (len(iterations) != 2 or min(iterations) < 1
                or not all(isinstance(key, str) for key in (*template, *memory, *names, *anchors))
                or not all(key is None or key in anchors for region in regions for key in region)
                or not all(isinstance(path, str) for path in blocks)
                or not all(label in labels for label in memory.values())
                or not all(0 <= content <= labeled
                           for content, labeled in (*regions.values(), *blocks.values()))):
            raise ValueError("its rounds, lines or labels are not what they must be")
        if not 0.0 < weight <= 1.0:
            raise ValueError(f"its added_weight {weight!r} is not in (0, 1]")
        for name, setting in (("region_weight", region_weight), ("block_weight", block_weight)):
            if not 0.0 <= setting <= 10.0:
                raise ValueError(f"its {name} {setting!r} is not in [0, 10]")
        return cls((iterations[0], iterations[1]), template, memory, names, float(weight), anchors,
                   regions, float(region_weight), blocks, float(block_weight))

    def averaged(self, every_round: np.ndarray, base_rounds: np.ndarray) -> np.ndarray:
        """The probability rows of a page of the site: its rows with every round and with the
        base's rounds alone, averaged as log-probabilities (``added_weight`` on every round's)
        and normalised.  For softmax outputs this is the softmax of the raw scores averaged."""
        logs = (self.added_weight * np.log(np.maximum(every_round, _TINY))
                + (1.0 - self.added_weight) * np.log(np.maximum(base_rounds, _TINY)))
        rows = np.exp(logs - logs.max(axis=1, keepdims=True))
        return rows / rows.sum(axis=1, keepdims=True)


def _content_counts(pages: Iterable[tuple[Sequence[Any], Sequence[str | None]]]
                    ) -> dict[Any, tuple[int, int]]:
    """For each place (a region, a block's XPath) that REGION_MIN_PAGES or more labeled pages
    show with a labeled line: how many of its labeled lines were content, and how many
    were labeled.  ``pages`` gives each labeled page's place of every line (None: none)
    and the lines' labels."""
    seen_on: dict[Any, set[int]] = defaultdict(set)
    counts: dict[Any, Counter] = defaultdict(Counter)
    for number, (places, labels) in enumerate(pages):
        for place, label in zip(places, labels):
            if place is not None and label is not None:
                seen_on[place].add(number)
                counts[place][label] += 1
    return {place: (c["body"] + c["title"], sum(c.values())) for place, c in counts.items()
            if len(seen_on[place]) >= REGION_MIN_PAGES}


def _log_odds(content: int, labeled: int) -> float:
    """A remembered place's log-odds of content, one line of each kind added."""
    return float(np.log((content + 1) / (labeled - content + 1)))


def _regions(keys: Sequence[str], anchors: frozenset[str]) -> list[Region | None]:
    """Each line's region, from the lines' ``line_key``: the anchor lines before and after
    it (None where there is none; an anchor line itself has no region)."""
    after: list[str | None] = [None] * len(keys)
    following = None
    for i in range(len(keys) - 1, -1, -1):
        after[i] = following
        if keys[i] in anchors:
            following = keys[i]
    out: list[Region | None] = []
    before = None
    for key, following in zip(keys, after):
        if key in anchors:
            out.append(None)
            before = key
        else:
            out.append((before, following))
    return out
