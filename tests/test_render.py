from boilerstrip.render import render_html

PAGE = """<html><head><title>T</title><style>p{}</style></head><body>
<nav><ul><li>Home</li><li>News<ul><li>World</li></ul></li></ul></nav>
<script>var x = 1;</script><div hidden>secret</div><div style="display: none">gone</div>
<article><h1>Headline</h1><p>First <b>bold</b>   paragraph<br>after break.</p>
<table><tr><td>a</td><td>b</td></tr></table><pre>code  line 1
code line 2</pre></article></body></html>"""


def test_scraper_style_bullets_and_indents_lists():
    assert render_html(PAGE, "scraper") == [
        "- Home", "- News", "  - World", "Headline", "First bold paragraph", "after break.",
        "a b", "code  line 1", "code line 2"]


def test_flat_style_has_bare_lines():
    assert render_html(PAGE, "flat")[:3] == ["Home", "News", "World"]


def test_pathological_nesting_and_broken_markup_do_not_crash():
    deep = "<div>" * 10000 + "deep text" + "</div>" * 10
    assert render_html(deep) == ["deep text"]
    assert render_html("<p>unclosed <b>bold <i>text") == ["unclosed bold text"]
    assert render_html("") == []
