"""`make fuzz-walk`: the compiled walk over lexbor's tree against its specification (the
Python walk it replaced, in ``tests/test_render_walk.py``), on random markup for a fixed time.

A difference stops the run and names the page and the first line that differs.  Prints one
summary line (a script, not library code).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import test_render_walk as specification  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    start, pages = time.monotonic(), 0
    while time.monotonic() - start < args.seconds:
        html = specification.random_markup(rng, int(rng.integers(1, 400)))
        specification.assert_walk_matches(html, f"page {pages} (seed {args.seed})")
        pages += 1
    print(f"compiled walk against its specification for {args.seconds:.0f} s: {pages} random "
          f"pages (seed {args.seed}), no difference")


if __name__ == "__main__":
    main()
