"""Line features for a whole document at once, in named stages (as jusText names its passes).

    shape → script mix → patterns → repetition → position → main run → text layout
      → context → markup

Each stage fills its columns of one matrix for all the document's non-blank lines;
later stages may read earlier columns.  ``document_features`` is the one code path for
train, eval and predict, and FEATURE_NAMES (saved inside every model) is the contract
between a model and this code: a model reads the columns it names, so features can be
added without retraining the models that do not use them.
"""

from __future__ import annotations

import numpy as np

from boilerstrip.features import context, layout, patterns, scripts
from boilerstrip.features.text import MAX_FEATURE_CHARS, Columns, DocumentText

# Each line's own features.
LINE_FEATURES = (
    "chars", "log_chars", "tokens", "mean_token_len", "n_scripts", "off_script",
    "letter_share", "digit_share", "eastern_digit_share", "upper_share", "punct_share",
    "capitalised_share", "terminal_end", "sentence_marks", "commas",
    "bullet_start", "heading_start", "indent", "pipes",
    "times", "time_start", "dates", "years", "months",
    "urls", "handles", "pictwitter", "emails", "md_links", "link_share",
    "temperature", "price", "paren_count", "separators", "boiler_words", "copyright",
    "symbol_share", "date_end", "repeats", "first_occurrence", "prose",
    "rel_position", "from_start", "from_end", "chars_before_share",
    "blank_before", "blank_after", "chars_vs_max", "chars_vs_median",
    "in_main_run", "main_run_distance", "doc_lines", "doc_log_chars",
    # Added for text from other tools' renderers (issue 12); older models do without them.
    "list_marker", "column_gaps", "indent_level", "indent_rank", "doc_blank_share",
    "blank_vs_doc", "wrapped_doc", "reaches_wrap",
)
# The stage that fills each of them (a test checks that every one has exactly one).
STAGE_NAMES = {"shape": layout.SHAPE, "script mix": scripts.NAMES, "patterns": patterns.NAMES,
               "repetition": layout.REPETITION, "position": layout.POSITION,
               "main run": layout.MAIN_RUN, "text layout": layout.TEXT_LAYOUT}

FEATURE_NAMES: tuple[str, ...] = LINE_FEATURES + context.NEIGHBOURS + context.MARKUP
_TEXT_LAYOUT_ADDED = ("list_marker", "column_gaps", *layout.TEXT_LAYOUT)
# Named sets of features a model can be trained on: 1 is what the HTML model learnt (so that
# `make model` reproduces it), 2 adds the text-layout features of issue 12, and 3 the same
# line features with stage two also reading the main span (``model.classifier.CONTEXT_SETS``).
FEATURE_SETS: dict[int, tuple[str, ...]] = {
    1: tuple(name for name in FEATURE_NAMES if name not in _TEXT_LAYOUT_ADDED),
    2: FEATURE_NAMES,
    3: FEATURE_NAMES,
}
_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}

__all__ = ["FEATURE_NAMES", "FEATURE_SETS", "LINE_FEATURES", "MAX_FEATURE_CHARS", "document_features"]


def document_features(lines: list[str], markup: np.ndarray | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Features of a document's non-blank lines.

    ``markup`` holds one row of MARKUP_NAMES per line, from the page's HTML or
    Markdown; without it (plain text) the markup columns are NaN.
    Returns ``(X, rows)``: X has one row per non-blank line, in FEATURE_NAMES
    order, and ``rows`` holds those lines' indices in ``lines``.
    """
    text = DocumentText.of(lines)
    X = np.zeros((text.n, len(FEATURE_NAMES)), dtype=np.float64)
    if text.n == 0:
        return X, text.rows
    col = Columns(X, _INDEX)
    layout.shape(col, text)
    scripts.script_mix(col, text)
    patterns.patterns(col, text)
    layout.repetition(col, text)
    layout.position(col, text)
    layout.main_run(col, text)
    layout.text_layout(col, text, lines)
    context.neighbours(X, _INDEX)
    context.markup(X, _INDEX, None if markup is None else markup[text.rows])
    return X, text.rows
