"""The library API on real text: the seeds, the bundled examples and arbitrary Unicode."""

from concurrent.futures import ThreadPoolExecutor

from hypothesis import given, settings, strategies as st

import boilerstrip
from boilerstrip.pipeline import kept_lines
from boilerstrip.io.lines import split_lines

from conftest import EXAMPLES


def _is_ordered_sublist(kept: list[str], lines: list[str]) -> bool:
    position = iter(lines)
    return all(any(line == candidate for candidate in position) for line in kept)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=40).map("\n".join))
def test_kept_lines_are_always_input_lines_verbatim_in_order(text):
    kept = kept_lines(boilerstrip.classify(text))
    assert _is_ordered_sublist([k.text for k in kept], split_lines(text)[0])
    assert boilerstrip.strip(text) == "".join(k.text + k.ending for k in kept)


def test_strip_returns_the_article_of_the_english_example():
    text = (EXAMPLES / "news_en.txt").read_text(encoding="utf-8")
    kept = boilerstrip.strip(text)
    for paragraph in ("Volunteers counting seabirds", "The count, carried out", "Trust ecologist",
                      "Not every species", "The island, a forty-minute"):
        assert paragraph in kept
    for junk in ("09:40City council", "11.2°C/17.8°C", "We use cookies", "Follow us on Facebook",
                 "Comments (0)", "All rights reserved", "Home | World"):
        assert junk not in kept
    assert _is_ordered_sublist([k.text for k in kept_lines(boilerstrip.classify(text))],
                               split_lines(text)[0])


def test_keep_title_adds_exactly_the_title_lines():
    text = (EXAMPLES / "news_en.txt").read_text(encoding="utf-8")
    titles = [l.text for l in boilerstrip.classify(text) if l.label == "title"]
    assert titles == ["Volunteers count record number of seabirds on Marrow Island"]
    without, with_title = boilerstrip.strip(text), boilerstrip.strip(text, keep_title=True)
    assert titles[0] not in without
    assert with_title.startswith(titles[0] + "\n")
    assert with_title.endswith(without)


def test_classify_gives_every_line_a_label_and_a_probability():
    text = (EXAMPLES / "news_ar.txt").read_text(encoding="utf-8")
    labeled = boilerstrip.classify(text)
    assert [l.text for l in labeled] == split_lines(text)[0]
    assert {l.label for l in labeled if l.text.strip()} <= {"body", "title", "boilerplate"}
    assert all(0 <= l.probability <= 1 for l in labeled if l.label)
    body = [l.text for l in labeled if l.label == "body"]
    assert any(t.startswith("بدأ مزارعون") for t in body)
    assert not any("تابعنا" in t or "°C" in t for t in body)


def test_threshold_is_the_cut_on_p_content():
    """Each cut keeps exactly the lines whose P(content) reaches it, so three cuts that fall
    between the model's own probabilities keep three different sets: a threshold that was
    ignored would keep the same set three times."""
    text = "\n".join((EXAMPLES / name).read_text(encoding="utf-8")
                     for name in ("news_en.txt", "news_ar.txt"))
    probabilities = sorted({l.probability for l in boilerstrip.classify(text) if l.label})
    cuts = []
    for quantile in (0.25, 0.5, 0.75):
        i = int(quantile * (len(probabilities) - 1))
        cuts.append((probabilities[i] + probabilities[i + 1]) / 2)
    kept_counts = []
    for cut in cuts:
        labeled = boilerstrip.classify(text, threshold=cut)
        assert [l.label in ("body", "title") for l in labeled if l.label] == \
            [l.probability >= cut for l in labeled if l.label]
        kept_counts.append(sum(l.label in ("body", "title") for l in labeled))
        expected = "".join(l.text + l.ending for l in kept_lines(labeled))
        assert boilerstrip.strip(text, threshold=cut) == expected
    assert kept_counts[0] > kept_counts[1] > kept_counts[2]


def test_the_default_model_is_shared_and_thread_safe():
    assert boilerstrip.load_model() is boilerstrip.load_model()
    assert boilerstrip.load_model(None, "markdown") is boilerstrip.load_model()
    assert boilerstrip.load_model(None, "html") is not boilerstrip.load_model()
    texts = [(EXAMPLES / name).read_text(encoding="utf-8") for name in ("news_en.txt", "news_ar.txt")] * 8
    expected = [boilerstrip.strip(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(boilerstrip.strip, texts)) == expected


def test_strip_html_reads_bytes_in_the_declared_charset():
    page = (EXAMPLES / "news_en.html").read_text(encoding="utf-8")
    page = page.replace('charset="utf-8"', 'charset="windows-1252"').replace(
        "Puffin numbers held steady.", "Puffin numbers held steady, the trust’s café reported.")
    kept = boilerstrip.strip_html(page.encode("cp1252"))
    assert "Puffin numbers held steady, the trust’s café reported." in kept
    assert "Volunteers counting seabirds on Marrow Island" in kept
    assert "Newsletter" not in kept


def test_strip_html_on_benchmark_pages_beats_the_best_text_baseline(datasets):
    """The first 40 aeb pages (never trained or tuned on) through the HTML path; on the same
    pages the C4 line rules score 0.84 and the text path about 0.91."""
    from boilerstrip.training.corpus import read_pages
    from boilerstrip.evaluation import aeb_metrics, shingle_match

    pages = list(read_pages(datasets / "aeb.jsonl.gz"))[:40]
    matches = [shingle_match(page.main_text, boilerstrip.strip_html(page.html)) for page in pages]
    assert aeb_metrics(matches)["f1"] > 0.9


def test_markdown_paragraphs_stay_apart_when_a_line_between_them_goes():
    text = (EXAMPLES / "news_en.md").read_text(encoding="utf-8")
    source = text.splitlines()
    related = next(i for i, line in enumerate(source) if line.startswith("[Related:"))
    assert source[related - 1] == source[related + 1] == ""
    kept = boilerstrip.strip(text, input_format="markdown").splitlines()
    assert source[related] not in kept
    before, after = kept.index(source[related - 2]), kept.index(source[related + 2])
    assert kept[before + 1 : after] == [""]


def test_a_markdown_line_of_images_only_is_boilerplate_as_html_makes_it_no_line():
    """HTML input makes no line of an image alone; in Markdown input the same image is a
    line, returned verbatim, and never kept, however low the cut (above 0, which keeps all)."""
    text = (EXAMPLES / "news_en.md").read_text(encoding="utf-8")
    article = next(line for line in text.splitlines() if line.startswith("The count, carried out"))
    images = ["![Map of the ledges](/img/map.png)", "[![](/img/a.jpg)](/gallery) ![b](/b.png)"]
    text = text.replace(article, f"{article}\n\n{images[0]}\n\n{images[1]}")
    labeled = boilerstrip.classify(text, input_format="markdown", threshold=1e-6)
    by_text = {line.text: line.label for line in labeled}
    assert by_text[images[0]] == by_text[images[1]] == "boilerplate"
    assert by_text[article] == "body"
    html = '<p>Seabirds.</p><p><img src="/img/map.png" alt="Map of the ledges"></p><p>More.</p>'
    assert [line.text for line in boilerstrip.classify(html, input_format="html")] == ["Seabirds.", "More."]


def test_predict_imports_only_what_it_uses():
    """Cold start: prediction walks the trees in compiled code of its own, so neither
    LightGBM (its Python package, or its C library and OpenMP pool) nor scikit-learn, SciPy
    or pandas (over a second to import) is loaded; and the core never imports an engine's
    integration."""
    import subprocess
    import sys

    script = ("import sys, boilerstrip\n"
              "from boilerstrip.cli import app\n"
              f"print(boilerstrip.strip_html(open({str(EXAMPLES / 'news_en.html')!r}).read())[:10])\n"
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'lightgbm', 'sklearn', "
              "'scipy', 'pandas', 'datatrove', 'pyspark', 'scrapy', 'joblib'}))\n"
              "print('lib_lightgbm' in open('/proc/self/maps').read())")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout == "Volunteers\n[]\nFalse\n"
