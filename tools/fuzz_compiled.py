"""`make fuzz-line-counts`, `make fuzz-walk`: compiled code against the specification it
replaced, on random input for a fixed time.

- ``line-counts``: the compiled line counts against their regular expressions
  (``tests/test_line_counts.py``), on random documents, some built from code points drawn
  anywhere in Unicode;
- ``walk``: the compiled walk over lexbor's tree against the Python walk it replaced
  (``tests/test_render_walk.py``), on random markup.

A difference stops the run and names the input.  Prints one summary line (a script, not
library code).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def line_counts(rng: np.random.Generator):
    import test_line_counts as specification

    anywhere = [chr(c) for c in rng.integers(0, 0x110000, 4000) if not 0xD800 <= c < 0xE000]
    specification._PIECES = (*specification._PIECES, *anywhere[:400])
    return "documents", lambda where: specification.assert_counts_match(
        specification.random_lines(rng, int(rng.integers(1, 30))), where)


def walk(rng: np.random.Generator):
    import test_render_walk as specification

    return "pages", lambda where: specification.assert_walk_matches(
        specification.random_markup(rng, int(rng.integers(1, 400))), where)


TARGETS = {"line-counts": line_counts, "walk": walk}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    unit, check_one = TARGETS[args.target](np.random.default_rng(args.seed))
    start, done = time.monotonic(), 0
    while time.monotonic() - start < args.seconds:
        check_one(f"random input {done} (seed {args.seed})")
        done += 1
    print(f"{args.target} against its specification for {args.seconds:.0f} s: {done} random "
          f"{unit} (seed {args.seed}), no difference")


if __name__ == "__main__":
    main()
