"""`make fuzz-line-counts`: the compiled line counts against their regular expressions, on
random documents, for a fixed time.

The expressions and the comparison are those of ``tests/test_line_counts.py``; here the
documents are more and longer, and some are built from code points drawn anywhere in Unicode.
A difference stops the run and names the document and the line.  Prints one summary line (a
script, not library code).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import test_line_counts as specification  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    anywhere = [chr(c) for c in rng.integers(0, 0x110000, 4000) if not 0xD800 <= c < 0xE000]
    specification._PIECES = (*specification._PIECES, *anywhere[:400])
    start, documents = time.monotonic(), 0
    while time.monotonic() - start < args.seconds:
        lines = specification.random_lines(rng, int(rng.integers(1, 30)))
        specification.assert_counts_match(lines, f"document {documents} (seed {args.seed})")
        documents += 1
    print(f"line counts against their expressions for {args.seconds:.0f} s: {documents} random "
          f"documents (seed {args.seed}), no difference")


if __name__ == "__main__":
    main()
