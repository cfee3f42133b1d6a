"""`make fuzz`: generated and mangled markup through `predict page.html` for a fixed time.

Each case, from a seeded generator, is written to a ``.html`` file and goes the
way ``boilerstrip predict`` takes it: read and decoded, sniffed, rendered,
classified, and formatted as text, HTML and JSON lines.  An exception other than
a clear InputError naming the file, or a kept line that is not one of the page's
lines, stops the run and names the case's seed.  Prints one summary line (like
bench, a script, not library code).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from boilerstrip.errors import InputError
from boilerstrip.output import FORMATTERS, Batch
from boilerstrip.pipeline import Options, classify_file, kept_lines

TAGS = ["div", "p", "span", "a", "li", "ul", "ol", "table", "tr", "td", "pre", "script", "style",
        "br", "h1", "article", "nav", "template", "svg", "select", "option", "iframe", "b", "i"]
ATTRIBUTES = ["", " hidden", ' style="display:none"', ' aria-hidden="true"', ' class="nav"',
              " href='x'", ' data-x="<p>"', " =", " style"]
ODDITIES = ["<!--", "-->", "<![CDATA[", "&amp", "&#0;", "&#x110000;", "<", ">", "\x00", "\r\n",
            "\u2028", "<!DOCTYPE html>", "\ufeff", "\ud7ff"]


def markup(rng: random.Random) -> str:
    """A page of random tags, attributes, text in any script, deep nesting and broken syntax."""
    pieces = []
    for _ in range(rng.randint(0, 60)):
        kind = rng.randint(0, 5)
        tag = rng.choice(TAGS)
        if kind == 0:
            pieces.append(f"<{tag}{rng.choice(ATTRIBUTES)}>")
        elif kind == 1:
            pieces.append(f"</{tag}>")
        elif kind == 2:
            pieces.append("".join(chr(rng.randint(32, 0x2FFFF)) for _ in range(rng.randint(0, 40)))
                          .encode("utf-8", "replace").decode("utf-8"))
        elif kind == 3:
            pieces.append(rng.choice(ODDITIES))
        elif kind == 4:
            pieces.append(f"<{tag}>" * rng.randint(0, 3000))
        else:
            pieces.append("".join(rng.choice("<>/=\"' a\n") for _ in range(30)))
    return "".join(pieces)


def check_case(path: Path, data: bytes, case: str) -> bool:
    """One page through the predict path; False when it was refused with a clear error."""
    path.write_bytes(data)
    try:
        batches = list(classify_file(path, Options(input_format="auto")))
    except InputError as error:
        if not str(error).startswith(f"{path}: "):
            raise AssertionError(f"case {case}: an error that does not name the file: {error}")
        return False
    for labeled in batches:
        kept = kept_lines(labeled)
        source = iter(labeled)
        if not all(any(k is line for line in source) for k in kept):
            raise AssertionError(f"case {case}: kept lines are not the page's lines in order")
        for formatter in FORMATTERS.values():
            formatter(labeled, Batch(str(path), several=False, first_line=1))
    return True


def run(seconds: float, seed: int) -> tuple[int, int]:
    """Check cases until the time is up; returns (cases, cases refused with a clear error)."""
    deadline = time.monotonic() + seconds
    case = refused = 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.html"
        while time.monotonic() < deadline:
            rng = random.Random(f"{seed}-{case}")
            encoding = rng.choice(("utf-8", "utf-8", "utf-16", "cp1252", "gb18030"))
            data = markup(rng).encode(encoding, "replace")
            refused += not check_case(path, data, f"{seed}-{case}")
            case += 1
    return case, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.monotonic()
    cases, refused = run(args.seconds, args.seed)
    print(f"fuzzed `predict page.html` for {time.monotonic() - start:.0f} s: {cases} generated pages "
          f"(seed {args.seed}), {refused} refused with a clear error naming the file (empty, binary, "
          "undecodable), no other exception and no lost line")


if __name__ == "__main__":
    main()
