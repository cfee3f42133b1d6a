"""Site memory: the lines a site's pages repeat, and where they sit on each page.

A site's menus, footers and "related" blocks come back on every page; its articles do not.
``SiteMemory`` counts, for each site, on how many pages each line was seen and at which
relative position.  From it a page's lines get MEMORY_NAMES: the share of the site's *other*
pages that hold the line (the page itself never counts, whether it was added or not), the
same around it, and how stable its position is.  A model trained with these features
(``LineClassifier``'s memory stage) uses them when a page's site has at least MIN_PAGES other
pages in memory; any other page is labeled exactly as without memory.

A scraper keeps one ``SiteMemory`` across requests (``add`` each page, ``save`` to disk);
``predict --site-memory`` builds one from the pages of a batch first.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from boilerstrip.features.context import shift, window_mean
from boilerstrip.io.atomic import write_atomic
from boilerstrip.io.lines import is_blank, line_key

MEMORY_NAMES: tuple[str, ...] = (
    "site_share", "site_share@-1", "site_share@+1", "site_share~2", "site_share~5",
    "site_doc_share", "site_position_spread", "site_position_shift", "site_log_pages")
# A page gets memory features when its site has this many other pages in memory.
MIN_PAGES = 2
# Past this many distinct lines a site forgets those seen on a single page (mostly article
# lines), so a long crawl's memory stays bounded.
MAX_LINES_PER_SITE = 200_000
FORMAT = "boilerstrip-site-memory"


def page_lines(lines: Sequence[str]) -> dict[str, float]:
    """Each distinct line of a page (``line_key``) and its first relative position among
    the page's non-blank lines (0 first, 1 last)."""
    return _positions([key for line in lines if not is_blank(line) and (key := line_key(line))])


def _positions(keys: Sequence[str]) -> dict[str, float]:
    """``page_lines`` from the keys of a page's non-blank lines, in order."""
    last = max(len(keys) - 1, 1)
    seen: dict[str, float] = {}
    for i, key in enumerate(keys):
        seen.setdefault(key, i / last)
    return seen


def page_fingerprint(seen: dict[str, float]) -> str:
    return hashlib.sha1("\n".join(seen).encode("utf-8")).hexdigest()


@dataclass
class _Site:
    pages: int = 0
    # line key -> [pages holding it, sum of its positions, sum of their squares]
    lines: dict[str, list[float]] = field(default_factory=dict)
    fingerprints: set[str] = field(default_factory=set)

    def add(self, seen: dict[str, float]) -> None:
        """Count a page's lines, once: the same page seen again (a re-run, a re-crawl of
        an unchanged page) adds nothing."""
        fingerprint = page_fingerprint(seen)
        if fingerprint in self.fingerprints:
            return
        self.pages += 1
        self.fingerprints.add(fingerprint)
        for key, position in seen.items():
            entry = self.lines.setdefault(key, [0.0, 0.0, 0.0])
            entry[0] += 1
            entry[1] += position
            entry[2] += position * position
        if len(self.lines) > MAX_LINES_PER_SITE:
            self.lines = {k: v for k, v in self.lines.items() if v[0] > 1}


def site_of(url: str | None) -> str:
    """The site a URL belongs to: its host, named as ``site_name`` names it."""
    return site_name((urlsplit(url).hostname or "") if url else "")


def site_name(name: str) -> str:
    """A site's name as pages of it are matched: lower case, without a leading ``www.``."""
    return name.strip().lower().removeprefix("www.")


class SiteMemory:
    """What the pages seen so far of each site hold (see the module's docstring); safe to
    share between threads.  ``strip(page, memory=memory, site=host)`` adds each page and
    labels it with what the site's other pages hold."""

    def __init__(self) -> None:
        self._sites: dict[str, _Site] = {}
        self._lock = threading.Lock()  # scrapers share one memory between threads

    def __getstate__(self) -> dict[str, Any]:
        return {"sites": self._sites}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._sites, self._lock = state["sites"], threading.Lock()

    def add(self, lines: Sequence[str], site: str = "") -> None:
        """Remember one page's lines (as the model sees them: rendered, for HTML); a page
        already remembered is not counted again."""
        self.add_positions(page_lines(lines), site)

    def add_positions(self, positions: dict[str, float], site: str = "") -> None:
        """``add`` for a page already reduced by ``page_lines`` (training adds each page to
        many memories, and reduces it once)."""
        with self._lock:
            self._sites.setdefault(site, _Site()).add(positions)

    def add_many(self, pages: Iterable[tuple[str, Sequence[str]]]) -> None:
        for site, lines in pages:
            self.add(lines, site)

    def pages(self, site: str = "") -> int:
        entry = self._sites.get(site)
        return entry.pages if entry else 0

    @property
    def sites(self) -> list[str]:
        return sorted(self._sites)

    def features(self, lines: Sequence[str], rows: np.ndarray, site: str = ""
                 ) -> np.ndarray | None:
        """MEMORY_NAMES for the non-blank ``rows`` of a page of ``site``, from the site's
        other pages; None when it has fewer than MIN_PAGES of them."""
        keys = [line_key(lines[row]) for row in rows]
        seen = _positions(keys)  # the rows are the non-blank lines: page_lines(lines)
        with self._lock:
            entry = self._sites.get(site)
            if entry is None:
                return None
            own = page_fingerprint(seen) in entry.fingerprints
            others = entry.pages - own
            if others < MIN_PAGES:
                return None
            counts = []
            for key in keys:
                stats = entry.lines.get(key)
                if stats is None:
                    counts.append((0.0, 0.0, 0.0))
                elif own and key in seen:
                    p = seen[key]
                    counts.append((stats[0] - 1, stats[1] - p, stats[2] - p * p))
                else:
                    counts.append(tuple(stats))
        return memory_matrix(np.array(counts).reshape(-1, 3), others,
                             np.array([seen.get(key, np.nan) for key in keys]))

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {"format": FORMAT, "version": 1, "sites": {
                name: {"pages": s.pages, "fingerprints": sorted(s.fingerprints),
                       "lines": [[k, *v] for k, v in s.lines.items()]}
                for name, s in sorted(self._sites.items())}}

    @classmethod
    def from_json(cls, value: Any) -> "SiteMemory":
        """Read back ``to_json``; a ValueError says what is malformed."""
        if not isinstance(value, dict) or value.get("format") != FORMAT:
            raise ValueError(f"not a site memory (no '{FORMAT}' header)")
        memory = cls()
        try:
            for name, s in value["sites"].items():
                site = _Site(int(s["pages"]), {str(k): [float(n), float(a), float(b)]
                                               for k, n, a, b in s["lines"]},
                             {str(f) for f in s["fingerprints"]})
                memory._sites[str(name)] = site
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ValueError("its sites are not pages, fingerprints and lines") from None
        return memory

    def save(self, path: str | Path) -> None:
        """Write the memory to ``path`` (gzip-compressed JSON), atomically."""
        payload = json.dumps(self.to_json(), ensure_ascii=False).encode("utf-8")
        write_atomic(Path(path), gzip.compress(payload, mtime=0))

    @classmethod
    def load(cls, path: str | Path) -> "SiteMemory":
        """Read a saved memory; a ValueError names the file and what is wrong with it."""
        try:
            raw = Path(path).read_bytes()
            value = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
            return cls.from_json(value)
        except OSError as exc:
            raise ValueError(f"{path}: cannot read site memory: {exc.strerror or exc}") from None
        except (EOFError, UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError(f"{path}: not a site memory (truncated or corrupt)") from None
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None


def memory_matrix(counts: np.ndarray, others: int, own_position: np.ndarray) -> np.ndarray:
    """MEMORY_NAMES from each line's (other pages holding it, sum and sum of squares of its
    positions there), the number of other pages, and the line's position on this page."""
    n = counts[:, 0]
    share = n / others
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, counts[:, 1] / np.maximum(n, 1), np.nan)
        variance = np.where(n > 1, counts[:, 2] / np.maximum(n, 1) - mean * mean, np.nan)
    out = np.empty((len(n), len(MEMORY_NAMES)))
    out[:, 0] = share
    out[:, 1] = shift(share, -1)
    out[:, 2] = shift(share, 1)
    out[:, 3] = window_mean(share, 2)
    out[:, 4] = window_mean(share, 5)
    out[:, 5] = share.mean() if len(share) else 0.0
    out[:, 6] = np.sqrt(np.maximum(variance, 0.0))
    out[:, 6][np.isnan(variance)] = np.nan
    out[:, 7] = np.abs(own_position - mean)
    out[:, 8] = np.log1p(others)
    return out
