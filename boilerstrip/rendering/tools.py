"""Other tools' text of a page: what users' scrapers write, to train and evaluate on.

Each renderer turns a page's HTML into text or Markdown as a maintained tool does, with that
tool's own habits (indentation, bullets, blank lines, hard wrapping at 80 columns).  They
are optional (``pip install boilerstrip[renderers]``; ``w3m`` and ``lynx`` are programs)
and only training and evaluation use them: prediction reads whatever text it is given.
One well-known renderer is deliberately absent: it is kept for independent checks of this
work, so nothing here trains, tunes or chooses with it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

WRAP_COLUMNS = 80


@dataclass(frozen=True)
class Renderer:
    """A tool's rendering of a page: ``output`` says whether it writes text or Markdown."""

    name: str
    output: Literal["text", "markdown"]
    render: Callable[[str], str]


def _html_text(html: str) -> str:
    import html_text

    return html_text.extract_text(html)


def _beautifulsoup(html: str) -> str:
    """The scraping tutorial's idiom: drop scripts and styles, then get_text("\\n")."""
    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():  # XHTML pages: parsed as HTML, as a scraper does
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    for element in soup(["script", "style", "noscript", "template"]):
        element.decompose()
    return soup.get_text("\n")


def _resiliparse(bullets: bool) -> Callable[[str], str]:
    def render(html: str) -> str:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        return extract_plain_text(HTMLTree.parse(html), main_content=False, list_bullets=bullets)

    return render


# lynx reads standard input through a temporary file, and a page that refreshes or links to
# itself shows that file's random path ("REFRESH(300 sec): file://localhost/tmp/lynxXXXXab12/
# L1234-5678TMP.html"): one name for it, or the same page renders differently on every run.
# The path holds lynx's process id, so its length varies, and lynx puts a short one on the
# REFRESH line and a long one on the next: always the next, as with the usual 5-digit ids.
_LYNX_TEMPORARY = re.compile(r"file://localhost/tmp/lynx[^/\s]*/L[\w-]*TMP\.html")
_STDIN_URL = "file://localhost/stdin.html"
_REFRESH_ON_ONE_LINE = re.compile(r"^( *)(REFRESH\(\d+ sec\):) (" + re.escape(_STDIN_URL) + ")",
                                  re.MULTILINE)


def _lynx_stdin_path(dump: str) -> str:
    """A lynx dump with its temporary file named and laid out one way."""
    return _REFRESH_ON_ONE_LINE.sub(r"\1\2\n\1\3", _LYNX_TEMPORARY.sub(_STDIN_URL, dump))


def _program(command: list[str]) -> Callable[[str], str]:
    """A text browser's dump of the page, read from standard input."""

    def render(html: str) -> str:
        if shutil.which(command[0]) is None:
            raise OSError(f"{command[0]} is not installed")
        done = subprocess.run(command, input=html.encode("utf-8"), capture_output=True,
                              timeout=60, check=True)
        return _lynx_stdin_path(done.stdout.decode("utf-8", errors="replace"))

    return render


def _html2text(html: str) -> str:
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = 0  # no wrapping: what crawl-for-LLM tools set
    return converter.handle(html)


def _markdownify(html: str) -> str:
    import markdownify

    return markdownify.markdownify(html, heading_style="ATX")


RENDERERS: dict[str, Renderer] = {r.name: r for r in (
    Renderer("html-text", "text", _html_text),
    Renderer("beautifulsoup", "text", _beautifulsoup),
    Renderer("resiliparse", "text", _resiliparse(bullets=True)),
    Renderer("resiliparse-nobullets", "text", _resiliparse(bullets=False)),
    Renderer("w3m", "text", _program(["w3m", "-dump", "-T", "text/html", "-cols", str(WRAP_COLUMNS),
                                      "-I", "UTF-8", "-O", "UTF-8"])),
    Renderer("lynx", "text", _program(["lynx", "-dump", "-stdin", "-nolist",
                                       f"-width={WRAP_COLUMNS}", "-assume_charset=utf-8",
                                       "-display_charset=utf-8"])),
    Renderer("html2text", "markdown", _html2text),
    Renderer("markdownify", "markdown", _markdownify),
)}


# What makes each renderer's text: packages (their installed versions) or a program (its
# version line).  Our own renderings come from selectolax's parse.
_MADE_BY: dict[str, tuple[str | tuple[str, str], ...]] = {
    "html-text": ("html-text", "lxml"), "beautifulsoup": ("beautifulsoup4", "lxml"),
    "resiliparse": ("resiliparse",), "resiliparse-nobullets": ("resiliparse",),
    "w3m": (("w3m", "-version"),), "lynx": (("lynx", "-version"),),
    "html2text": ("html2text",), "markdownify": ("markdownify", "beautifulsoup4")}


def _version(maker: str | tuple[str, str]) -> str:
    """A package's installed version, or the first line a program prints; "missing" if none."""
    from importlib.metadata import PackageNotFoundError, version

    if isinstance(maker, str):
        try:
            return version(maker)
        except PackageNotFoundError:
            return "missing"
    try:
        done = subprocess.run(maker, capture_output=True, timeout=10, check=True)
        return done.stdout.decode("utf-8", errors="replace").splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "missing"


def renderer_versions(names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """The versions of what renders ``names``, for a model card: a retrain on other versions
    may see other lines."""
    makers = dict.fromkeys(maker for name in names for maker in _MADE_BY.get(name, ("selectolax",)))
    return {maker if isinstance(maker, str) else maker[0]: _version(maker) for maker in makers}


def unavailable_renderers(names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """The named tools' renderers that cannot run here, each with the reason (a package not
    installed, a program missing): training on them must stop before it starts."""
    missing = {}
    for name in names:
        if name in RENDERERS:
            try:
                RENDERERS[name].render("<p>A test.</p>")
            except (ImportError, OSError) as exc:
                missing[name] = str(exc)
    return missing
