"""The command line as a user runs it: predict, train, eval, data build."""

import json
import re

from typer.testing import CliRunner

from boilerstrip.api import default_model_path
from boilerstrip.cli import app
from boilerstrip.io.labeled import parse_document
from boilerstrip.io.reading import read_text

from conftest import EXAMPLES, LABELED

runner = CliRunner()
EN = str(EXAMPLES / "news_en.txt")
AR = str(EXAMPLES / "news_ar.txt")


def test_predict_prints_the_article_lines():
    result = runner.invoke(app, ["predict", EN])
    assert result.exit_code == 0, result.output
    assert "Volunteers counting seabirds on Marrow Island this autumn" in result.stdout
    assert "Follow us on Facebook" not in result.stdout
    assert "==>" not in result.stdout


def test_predict_several_files_and_stdin():
    result = runner.invoke(app, ["predict", EN, "-"], input=read_text(AR))
    assert result.exit_code == 0
    assert f"==> {EN} <==" in result.stdout and "==> - <==" in result.stdout
    assert "بدأ مزارعون في الواحات الجنوبية" in result.stdout


def test_labels_format_is_a_labeled_lines_file_a_user_can_edit_and_train_on():
    result = runner.invoke(app, ["predict", "--format", "labels", EN])
    doc = parse_document(result.stdout, "stdout")
    assert doc.lines == read_text(EN).splitlines()
    assert doc.labels[doc.lines.index("Follow us on Facebook")] == "boilerplate"


def test_jsonl_format_has_label_and_probability_for_every_line():
    result = runner.invoke(app, ["predict", "--format", "jsonl", AR])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == read_text(AR).splitlines()
    assert all(r["label"] in ("body", "title", "boilerplate") for r in records)
    assert all(0 <= r["probability"] <= 1 for r in records)


def test_a_bad_file_is_reported_and_the_others_still_processed(tmp_path):
    missing = tmp_path / "missing.txt"
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = runner.invoke(app, ["predict", str(missing), EN, str(binary)])
    assert result.exit_code == 3
    assert f"boilerstrip: {missing}: no such file" in result.stderr
    assert f"boilerstrip: {binary}: a PNG image, not text" in result.stderr
    assert "Volunteers counting seabirds" in result.stdout


def test_output_file_and_a_corrupt_model(tmp_path):
    out = tmp_path / "kept.txt"
    assert runner.invoke(app, ["predict", EN, "-o", str(out)]).exit_code == 0
    assert "Trust ecologist Maarten Okafor" in out.read_text(encoding="utf-8")
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(b"garbage")
    result = runner.invoke(app, ["predict", EN, "--model", str(bad)])
    assert result.exit_code == 5
    assert f"{bad}: not a boilerstrip model" in result.stderr


def test_train_then_eval_on_hand_labeled_lines(tmp_path):
    model = tmp_path / "mine.json.gz"
    result = runner.invoke(app, ["train", str(LABELED), "-o", str(model), "--trees", "100"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mine.md").read_text().startswith("# Model card: mine.json.gz")
    result = runner.invoke(app, ["eval", str(LABELED), "--model", str(model), "--split", "all"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[2:]}
    assert set(rows) == {"all", "dataset:examples", "lang:ar", "lang:en"}
    assert float(rows["all"][4]) > 0.5  # body F1 on its own training lines


def test_train_refuses_the_evaluation_benchmark(datasets, tmp_path):
    result = runner.invoke(app, ["train", str(datasets / "aeb.jsonl.gz"), "-o", str(tmp_path / "m.json.gz")])
    assert result.exit_code == 3
    assert "evaluation only" in result.stderr
    assert not (tmp_path / "m.json.gz").exists()


def test_data_build_labels_pages_and_audits_them(datasets, tmp_path):
    result = runner.invoke(app, ["data", "build", str(datasets / "zh-news.jsonl.gz"), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.rglob("*.lines"))
    assert len(files) == 69 and len(list(tmp_path.rglob("*.gold.txt"))) == 69
    audit = result.stdout.splitlines()[0]
    coverage, purity = (float(x) for x in re.findall(r"\d\.\d{3}", audit))
    assert "pages whose gold text is mostly not in the page" in audit
    assert coverage >= 0.95 and purity >= 0.95
    doc = parse_document(files[0].read_text(encoding="utf-8"), str(files[0]))
    assert doc.meta["dataset"] == "zh-news" and "split" not in doc.meta
    gold = (files[0].parent / doc.meta["gold"]).read_text(encoding="utf-8")
    assert any(line in gold for line, label in zip(doc.lines, doc.labels) if label == "body")


def test_train_on_malformed_labeled_lines_names_file_and_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.lines"
    bad.write_text("body\tA fine first line.\nbodyy\tA typo in the label.\n", encoding="utf-8")
    model = tmp_path / "m.json.gz"
    result = runner.invoke(app, ["train", str(bad), "-o", str(model)])
    assert result.exit_code == 4
    assert f"{bad}:2: unknown label 'bodyy'" in result.stderr
    assert not model.exists() and not (tmp_path / "m.md").exists()


HTML = str(EXAMPLES / "news_en.html")
MARKDOWN = str(EXAMPLES / "news_en.md")
PARAGRAPHS = ("Volunteers counting seabirds on Marrow Island", "The count, carried out over six",
              "Trust ecologist Maarten Okafor", "Not every species did as well",
              "The island, a forty-minute boat ride")
BOILERPLATE = ("Home", "City council approves", "We use cookies", "Share on Facebook", "Most read",
               "Ferry timetable", "Newsletter", "All rights reserved", "Tracking pixel")


def _assert_article(text: str) -> None:
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    for boilerplate in BOILERPLATE:
        assert boilerplate not in text


def test_predict_an_html_page_keeps_its_article_blocks_as_text():
    result = runner.invoke(app, ["predict", HTML])
    assert result.exit_code == 0, result.output
    _assert_article(result.stdout)
    assert "<p>" not in result.stdout and "<" not in result.stdout.replace('"', "")


def test_predict_html_output_keeps_markup_and_jsonl_names_each_block():
    result = runner.invoke(app, ["predict", "--format", "html", HTML])
    _assert_article(result.stdout)
    assert "<p>Volunteers counting seabirds" in result.stdout
    assert "<nav" not in result.stdout and "<script" not in result.stdout
    records = [json.loads(line) for line in
               runner.invoke(app, ["predict", "-f", "jsonl", HTML]).stdout.splitlines()]
    body = [r for r in records if r["label"] == "body"]
    assert body and all(r["source"].startswith("/html[1]/body[1]/main[1]/article[1]") for r in body)


def test_html_on_stdin_is_sniffed_and_the_input_format_can_be_forced():
    page = read_text(HTML)
    _assert_article(runner.invoke(app, ["predict", "-"], input=page).stdout)
    as_text = runner.invoke(app, ["predict", "--input-format", "text", HTML])
    assert as_text.exit_code == 0
    page_lines = page.splitlines()
    assert all(line in page_lines for line in as_text.stdout.splitlines())  # the file's own lines


def test_predict_markdown_keeps_the_article_lines_verbatim():
    result = runner.invoke(app, ["predict", MARKDOWN])
    assert result.exit_code == 0, result.output
    _assert_article(result.stdout)
    source = read_text(MARKDOWN).splitlines()
    assert all(line in source for line in result.stdout.splitlines())


def test_train_on_a_single_class_names_the_data_and_writes_nothing(tmp_path):
    only_body = tmp_path / "only-body.lines"
    only_body.write_text("body\tA first line of the article.\nbody\tA second line of it.\n",
                         encoding="utf-8")
    model = tmp_path / "m.json.gz"
    result = runner.invoke(app, ["train", str(only_body), "-o", str(model)])
    assert result.exit_code == 4
    assert f"{only_body}: every labeled line is 'body'" in result.stderr
    assert not model.exists() and not (tmp_path / "m.md").exists()


def test_each_input_kind_gets_its_own_shipped_model():
    def probabilities(*args):
        result = runner.invoke(app, ["predict", "-f", "jsonl", *args])
        assert result.exit_code == 0, result.output
        return [json.loads(line)["probability"] for line in result.stdout.splitlines()]

    html_model, text_model = default_model_path("html"), default_model_path("text")
    assert probabilities(HTML) == probabilities("--model", str(html_model), HTML)
    assert probabilities(HTML) != probabilities("--model", str(text_model), HTML)
    assert probabilities(MARKDOWN) == probabilities("--model", str(text_model), MARKDOWN)


def test_eval_or_train_that_finds_no_document_fails_and_says_why(datasets, tmp_path):
    """Pages built by `data build --split-sites` are stamped with their site's split; an eval
    of the held-out split that finds none used to print an empty table and exit 0."""
    import gzip

    pages = tmp_path / "site.jsonl.gz"
    with gzip.open(datasets / "daniel.jsonl.gz", "rt", encoding="utf-8") as rows:
        first = [json.loads(row) for _, row in zip(range(40), rows)]
    site = first[0]["site"]
    with gzip.open(pages, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(row) + "\n" for row in first if row["site"] == site)
    built = tmp_path / "built"
    assert runner.invoke(app, ["data", "build", str(pages), "-o", str(built),
                               "--split-sites"]).exit_code == 0
    stamped = {doc.split("split: ")[1].split("\n")[0] for doc in
               (p.read_text(encoding="utf-8") for p in built.rglob("*.lines"))}
    other = ({"train", "test"} - stamped).pop()
    nothing = runner.invoke(app, ["eval", str(built), "--split", other, "--no-baselines"])
    assert nothing.exit_code == 4
    assert f"{built}: no document to evaluate" in nothing.stderr and "--split all" in nothing.stderr
    scored = runner.invoke(app, ["eval", str(built), "--split", "all", "--no-baselines"])
    assert scored.exit_code == 0 and "dataset:site" in scored.stdout
    untrained = runner.invoke(app, ["train", str(built), "--split", other, "-o",
                                    str(tmp_path / "m.json.gz")])
    assert untrained.exit_code == 4 and "--split all reads them all" in untrained.stderr
    assert not (tmp_path / "m.json.gz").exists()
