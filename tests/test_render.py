from boilerstrip.rendering import MARKUP_NAMES, render_html, render_page

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
    assert render_html("<ul><?php echo 'x' ?><li>item</li></ul>") == ["- item"]


def test_one_walk_gives_every_rendering_line_for_line():
    page = render_page('<body><nav><ul><li><a href="/">Home</a></li></ul></nav><article>'
                       '<h2>Big <em>news</em></h2><p>See <a href="/x?a=1&amp;b=2">the report</a> &amp; more.'
                       '<br>Second line</p><a href="/card"><h3>Card</h3><p>Teaser</p></a></article></body>')
    assert page.lines == ["- Home", "Big news", "See the report & more.", "Second line", "Card", "Teaser"]
    assert page.document("flat").lines[0] == "Home"
    assert page.markdown == ["- [Home](/)", "## Big news", "See [the report](/x?a=1&b=2) & more.",
                             "Second line", "### [Card](/card)", "[Teaser](/card)"]
    assert page.html[2] == '<p>See <a href="/x?a=1&amp;b=2">the report</a> &amp; more.</p>'
    assert page.html[4] == '<h3><a href="/card">Card</a></h3>'  # a link around blocks, per line
    assert page.paths[2] == page.paths[3] == "/html[1]/body[1]/article[1]/p[1]"
    assert page.paths[5] == "/html[1]/body[1]/article[1]/a[1]/p[1]"
    assert page.markup.shape == (6, len(MARKUP_NAMES))
