"""`make fuzz`: generated and mangled markup through the HTML path for a fixed time.

Each case, from a seeded generator, is rendered to lines and classified; an
exception or a kept line that is not the input's stops the run and names the
case's seed.  Prints one summary line (like bench, a script, not library code).
"""

from __future__ import annotations

import argparse
import random
import time

from boilerstrip import api
from boilerstrip.render import render_html

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


def run(seconds: float, seed: int) -> int:
    """Check cases until the time is up; an exception or a lost line stops the run, naming its seed."""
    deadline = time.monotonic() + seconds
    case = 0
    while time.monotonic() < deadline:
        rng = random.Random(f"{seed}-{case}")
        lines = render_html(markup(rng))
        kept = api.kept_lines(api.classify(lines))
        source = iter(lines)
        if not all(any(k.text == line for line in source) for k in kept):
            raise AssertionError(f"case {seed}-{case}: kept lines are not the input's lines in order")
        case += 1
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.monotonic()
    cases = run(args.seconds, args.seed)
    print(f"fuzzed the HTML path for {time.monotonic() - start:.0f} s: {cases} generated pages "
          f"(seed {args.seed}), no exception and no lost line")


if __name__ == "__main__":
    main()
