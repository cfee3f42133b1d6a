"""Markup features: what HTML and Markdown say about a line, and plain text saying nothing."""

import html

import numpy as np

from boilerstrip.features import FEATURE_NAMES, document_features
from boilerstrip.rendering import markdown_markup, markdown_visible_text, render_page
from boilerstrip.rendering.markup import MARKUP_INDEX, TEXT_SHARES
from boilerstrip.wordlists import CLASS_WORDS

from conftest import EXAMPLES
from specification import class_flags

MARKDOWN = [
    "# Storm closes harbour",
    "",
    "- [Home](/) [World](/world)",
    "The harbour closed after a storm [damaged](/s) two piers, see https://example.com/x for more.",
    "> A quoted line",
    "![photo](/a.jpg) Caption under the photo",
    "```",
    "code inside a fence",
    "```",
    "| a | b |",
]


def column(markup, name):
    return list(markup[:, MARKUP_INDEX[name]])


def test_markdown_syntax_fills_the_shared_columns():
    markup = markdown_markup(MARKDOWN)
    assert column(markup, "heading_level")[0] == 1
    assert column(markup, "link_density")[2] == 9 / 10 and column(markup, "links")[2] == 2
    density = column(markup, "link_density")[3]
    assert 0.2 < density < 0.5 and column(markup, "links")[3] == 2  # a link and a bare URL
    assert column(markup, "quote")[4] == 1 and column(markup, "images")[5] == 1
    assert column(markup, "code")[6:9] == [1, 1, 1] and column(markup, "code")[9] == 0
    assert column(markup, "table_cell")[9] == 1 and column(markup, "list_item")[2] == 1
    assert np.isnan(markup[:, MARKUP_INDEX["in_nav"]]).all()  # HTML-only columns stay missing


def test_markdown_visible_text_drops_urls_and_images():
    assert markdown_visible_text(MARKDOWN[3]).startswith("The harbour closed after a storm damaged two")
    assert markdown_visible_text(MARKDOWN[5]) == " Caption under the photo"


def test_class_words_are_found_at_word_starts_whatever_the_group():
    # One prefix tree holds every group's words; that is only sound while no word of
    # one group begins a word of another.
    group_of = {word: name for name, words in CLASS_WORDS.items() for word in words}
    for word, name in group_of.items():
        for longer, other in group_of.items():
            assert not (longer.startswith(word) and other != name), (word, longer)
    assert class_groups("main-nav navbar__item") == {"cls_nav"}
    assert class_groups("article-body js-sticky-sidebar") == {"cls_content", "cls_sidebar"}
    assert class_groups("header read-next shared") == {"cls_nav", "cls_related", "cls_share"}
    assert class_groups("unread download headroom") == set()  # never inside a word
    assert class_groups("x", element_id="Main-NAV") == {"cls_nav"}


def class_groups(class_value: str, element_id: str = "") -> set[str]:
    """The class-word columns set on a paragraph with this class and id."""
    page = render_page(f'<p class="{html.escape(class_value)}" id="{html.escape(element_id)}">text</p>')
    return {name for name in CLASS_WORDS if page.markup[0, MARKUP_INDEX[name]]}


def test_class_words_as_their_regular_expression_finds_them():
    rng = np.random.default_rng(8)
    words = [word for group in CLASS_WORDS.values() for word in group]
    pieces = words + ["-", "_", " ", "un", "x", "9", "İ", "Ä", "é", "NAV", "Ad", "z", "--", "ß"]
    for _ in range(3000):
        value = "".join(pieces[i] for i in rng.integers(0, len(pieces), int(rng.integers(1, 8))))
        assert class_groups(value) == class_flags(value.lower()), value


def test_html_markup_of_the_example_page():
    page = render_page((EXAMPLES / "news_en.html").read_text(encoding="utf-8"))
    row = {line: dict(zip(MARKUP_INDEX, page.markup[i])) for i, line in enumerate(page.lines)}
    nav = row["- Home"]
    assert nav["in_nav"] == 1 and nav["cls_nav"] == 1 and nav["link_density"] == 1
    body = row[next(line for line in page.lines if line.startswith("Volunteers counting"))]
    assert body["in_p"] == 1 and body["in_article"] == 1 and body["in_main"] == 1
    assert body["cls_content"] == 1 and body["link_density"] == 0 and body["in_nav"] == 0
    assert row["Be the first to comment."]["cls_comment"] == 1
    assert row["© 2026 Coastline Gazette. All rights reserved."]["in_footer"] == 1
    cookie = row[next(line for line in page.lines if line.startswith("We use cookies"))]
    assert cookie["cls_cookie"] == 1 and 0 < cookie["link_density"] < 0.2
    headline = row["Volunteers count record number of seabirds on Marrow Island"]
    assert headline["heading_level"] == 1 and headline["cls_title"] == 1
    assert "Tracking pixel fallback text" not in page.lines


def test_the_article_container_is_where_the_paragraph_text_is():
    page = render_page((EXAMPLES / "news_en.html").read_text(encoding="utf-8"))
    row = {line: dict(zip(MARKUP_INDEX, page.markup[i])) for i, line in enumerate(page.lines)}
    paragraphs = [row[line] for line in page.lines
                  if line.startswith(("Volunteers counting", "The count,", "Not every species"))]
    # The five paragraphs sit in one div of the article: it holds the page's paragraph text.
    assert all(p["in_text_root"] == 1 and p["text_root_steps"] == 1 for p in paragraphs)
    assert all(p["para_share_parent"] > 0.9 for p in paragraphs)
    caption = row[next(line for line in page.lines if line.startswith("Guillemots on"))]
    assert caption["in_text_root"] == 1 and caption["text_root_steps"] == 2
    for outside in ("- Home", "Comments (0)", "© 2026 Coastline Gazette. All rights reserved."):
        assert row[outside]["in_text_root"] == 0 and row[outside]["text_root_steps"] < 0
        assert row[outside]["para_share_parent"] < 0.1
    markdown = markdown_markup(["# Title", "Some text"])
    assert np.isnan(markdown[:, MARKUP_INDEX["in_text_root"]]).all()


def test_text_shares_without_paragraphs_fall_back_to_plain_text_lines():
    page = render_page('<div><p>Short line one</p><p>Short line two</p></div>'
                       '<nav><p><a href="/">A link</a></p></nav>')
    shares = page.markup[:, [MARKUP_INDEX[name] for name in TEXT_SHARES]]
    assert list(shares[:, 0]) == [1.0, 1.0, 0.0]  # short lines, but the only plain text there is
    assert list(shares[:, 2]) == [1.0, 1.0, 0.0]
    assert not render_page('<nav><a href="/">Only</a> <a href="/b">links</a></nav>').markup[
        :, [MARKUP_INDEX[name] for name in TEXT_SHARES]].any()  # no plain text at all


def test_plain_text_has_missing_markup_and_html_has_it():
    page = render_page((EXAMPLES / "news_en.html").read_text(encoding="utf-8"))
    markup_columns = [i for i, name in enumerate(FEATURE_NAMES) if name.startswith("markup.")]
    text_X, _ = document_features(page.lines)
    html_X, _ = document_features(page.lines, page.markup)
    assert np.isnan(text_X[:, markup_columns]).all()
    assert not np.isnan(html_X[:, markup_columns[:5]]).any()
    text_columns = [i for i in range(len(FEATURE_NAMES)) if i not in markup_columns]
    assert np.array_equal(text_X[:, text_columns], html_X[:, text_columns], equal_nan=True)
