"""The script-mix stage: character classes, tokens and scripts of each line.

A line's letters, digits, upper-case and script characters are counted by compiled code
from a table of classes by code point (``features.characters``), not by a regex pass.
Which script a line uses says nothing a model may generalise from (users bring scripts
it never saw); how the line's script differs from its document's does.
"""

from __future__ import annotations

import numpy as np

from boilerstrip.features.text import Columns, DocumentText

SCRIPTS = ("latin", "arabic", "cyrillic", "cjk", "greek")
NAMES = ("tokens", "mean_token_len", "n_scripts", "off_script", "letter_share", "digit_share",
         "eastern_digit_share", "upper_share", "punct_share", "capitalised_share", "symbol_share")


def script_mix(col: Columns, text: DocumentText) -> None:
    """Fill the NAMES columns."""
    counts = text.counts
    letters, tokens = counts["letter"], counts["tokens"]
    chars = text.sampled_chars
    col["tokens"][:] = tokens
    col["mean_token_len"][:] = letters / np.maximum(tokens, 1)
    script_chars = np.stack([counts[name] for name in SCRIPTS], axis=1)
    other = np.maximum(letters - script_chars.sum(axis=1), 0)
    all_scripts = np.column_stack([script_chars, other])
    shares = all_scripts / np.maximum(letters, 1)[:, None]
    col["n_scripts"][:] = (shares > 0.1).sum(axis=1)
    dominant = int(np.argmax(all_scripts.sum(axis=0)))
    col["off_script"][:] = np.where(letters > 0, 1 - shares[:, dominant], 0)
    col["letter_share"][:] = letters / chars
    col["digit_share"][:] = counts["digit"] / chars
    col["eastern_digit_share"][:] = counts["eastern_digit"] / chars
    col["upper_share"][:] = counts["upper"] / np.maximum(counts["cased"], 1)
    col["punct_share"][:] = counts["punct"] / chars
    col["capitalised_share"][:] = counts["capitalised"] / np.maximum(tokens, 1)
    col["symbol_share"][:] = counts["symbol"] / chars
