"""The patterns stage: times, dates, links, handles, bullets, boilerplate vocabulary...

Each pattern's matches are counted line by line by compiled scanners, one pass over the
document each (``features/_line_counts.pyx``).  The regular expressions that define them are
in the scanners' comments, and ``tests/test_line_counts.py`` checks every count against them,
as ``re`` and ``regex`` find them.
"""

from __future__ import annotations

import numpy as np

from boilerstrip.features._line_counts import PATTERN_COLUMNS
from boilerstrip.features.text import Columns, DocumentText

NAMES = (*PATTERN_COLUMNS, "link_share")


def patterns(col: Columns, text: DocumentText) -> None:
    """Fill the NAMES columns: each pattern's count of matches, and the share of a line's
    characters inside URLs, handles, e-mail addresses and Markdown links."""
    counts = text.counts
    for name in PATTERN_COLUMNS:
        col[name][:] = counts[name]
    col["link_share"][:] = np.minimum(counts["link_chars"] / text.sampled_chars, 1)
