"""The command line as a user runs it: predict, train, eval, data build."""

import json
import re

from typer.testing import CliRunner

from boilerstrip.cli import app
from boilerstrip.labeled import parse_document
from boilerstrip.reading import read_text

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
    assert len(files) == 69
    audit = result.stdout.splitlines()[0]
    coverage, purity = (float(x) for x in re.findall(r"\d\.\d{3}", audit))
    assert "pages whose gold text is mostly not in the page" in audit
    assert coverage >= 0.95 and purity >= 0.95
    doc = parse_document(files[0].read_text(encoding="utf-8"), str(files[0]))
    assert doc.meta["dataset"] == "zh-news" and doc.meta["split"] in ("train", "test")


def test_train_on_malformed_labeled_lines_names_file_and_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.lines"
    bad.write_text("body\tA fine first line.\nbodyy\tA typo in the label.\n", encoding="utf-8")
    model = tmp_path / "m.json.gz"
    result = runner.invoke(app, ["train", str(bad), "-o", str(model)])
    assert result.exit_code == 4
    assert f"{bad}:2: unknown label 'bodyy'" in result.stderr
    assert not model.exists() and not (tmp_path / "m.md").exists()
