"""Bad and unusual input through the CLI: a clear error or a correct result, never a crash."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from boilerstrip.cli import app
from boilerstrip.io.reading import CHUNK_BYTES

from conftest import EXAMPLES

runner = CliRunner()
EN = EXAMPLES / "news_en.txt"


def predict(*args):
    return runner.invoke(app, ["predict", *map(str, args)])


@pytest.mark.parametrize("content, exit_code, message", [
    (b"", 3, "file is empty"),
    (b"\n\n   \n\t\n", 0, None),
    (b"GIF89a" + bytes(200), 3, "a GIF image, not text"),
    ("Добро пожаловать\n".encode("utf-16-le"), 3, "NUL bytes"),  # UTF-16 without a BOM
])
def test_odd_files(tmp_path, content, exit_code, message):
    path = tmp_path / "page.txt"
    path.write_bytes(content)
    result = predict(path)
    assert result.exit_code == exit_code
    if message:
        assert result.stderr.startswith(f"boilerstrip: {path}: ") and message in result.stderr
    assert result.stdout == ""


def test_an_empty_directory_and_a_forced_wrong_encoding(tmp_path):
    result = predict(tmp_path)
    assert result.exit_code == 3
    assert f"boilerstrip: {tmp_path}: no files matching **/* in this folder" in result.stderr
    result = runner.invoke(app, ["predict", "--encoding", "ascii", str(EN)])
    assert result.exit_code == 3
    assert f"{EN}: not valid ascii" in result.stderr


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_line_endings_come_out_as_they_went_in(tmp_path, ending):
    path = tmp_path / "page.txt"
    path.write_bytes(EN.read_text(encoding="utf-8").replace("\n", ending).encode("utf-8"))
    out = predict(path).stdout_bytes
    assert b"Volunteers counting seabirds" in out
    other_endings = out.replace(ending.encode(), b"")
    assert b"\r" not in other_endings and b"\n" not in other_endings


def test_binary_data_late_in_a_file_is_an_error_and_output_is_not_written(tmp_path):
    path = tmp_path / "late.txt"
    page = EN.read_bytes()
    path.write_bytes(page * (CHUNK_BYTES // len(page) + 2) + b"\x00\x01\x02" * 100)
    out = tmp_path / "out.txt"
    out.write_text("previous result\n")
    result = predict(path, "-o", out)
    assert result.exit_code == 3
    assert f"{path}: binary data (NUL bytes) after byte" in result.stderr
    assert out.read_text() == "previous result\n"


def test_an_input_far_larger_than_a_page_streams_in_batches(tmp_path):
    page = EN.read_text(encoding="utf-8")
    copies = 60_000 // page.count("\n") + 1  # more lines than one batch holds
    path = tmp_path / "big.txt"
    path.write_text(page * copies, encoding="utf-8")
    out = tmp_path / "out.txt"
    assert predict(path, "-o", out).exit_code == 0
    kept = out.read_text(encoding="utf-8").splitlines()
    source = iter(path.read_text(encoding="utf-8").splitlines())
    assert all(any(line == candidate for candidate in source) for line in kept)  # verbatim, in order
    assert len(kept) > copies


@pytest.mark.parametrize("markup, expected", [
    ("<div>" * 10_000 + "<p>Deep paragraph text" + "</div>" * 3, None),
    ("<html><body><p>unclosed <b>bold <i>and <a href='x'>a link<table><tr><td>cell", None),
    ("<html><head><script>var a = '<p>not text</p>';</script></head><body></body></html>", ""),
    ("<html><body>\x01 stray < and > and &bogus; entities</body></html>", None),
])
def test_malformed_html_pages_give_a_result_not_a_crash(tmp_path, markup, expected):
    path = tmp_path / "page.html"
    path.write_text(markup, encoding="utf-8")
    result = predict(path, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    if expected is not None:
        assert result.stdout == expected


def test_a_50_mb_single_line_comes_back_whole(tmp_path):
    words = EN.read_text(encoding="utf-8").replace("\n", " ")
    line = (words * (50_000_000 // len(words) + 1))[:50_000_000]
    path = tmp_path / "one-line.txt"
    path.write_text(line, encoding="utf-8")
    result = predict(path, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(row) for row in result.stdout.splitlines()]
    assert record["text"] == line and record["label"] in ("body", "boilerplate", "title")


def test_an_unreadable_file_is_reported_and_the_others_still_processed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Some private words.\n", encoding="utf-8")
    secret.chmod(0)
    command = [sys.executable, "-m", "boilerstrip.cli", "predict", str(secret), str(EN)]
    if os.geteuid() == 0:  # root reads anything: run the CLI without the capabilities that allow it
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv to drop the file-read override")
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 3
    failure, summary = done.stderr.splitlines()
    assert failure == f"boilerstrip: {secret}: permission denied"
    assert summary.startswith("boilerstrip: 2 pages, 1 failed;")
    assert "Volunteers counting seabirds" in done.stdout
