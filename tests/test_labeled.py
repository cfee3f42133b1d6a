import pytest

from boilerstrip.errors import LabeledDataError
from boilerstrip.io.labeled import LabeledDocument, format_document, parse_document


def test_format_and_parse_round_trip_keeps_lines_verbatim():
    doc = LabeledDocument(["  - Home\t|", "", "Title here", "A body line.  "],
                          ["boilerplate", None, "title", "body"], {"id": "x/1", "lang": "en"})
    back = parse_document(format_document(doc), "x.lines")
    assert back.lines == doc.lines
    assert back.labels == doc.labels
    assert back.meta == doc.meta


@pytest.mark.parametrize("text, message", [
    ("body\tok\nno tab here\n", r"x\.lines:2: missing tab"),
    ("body\tok\nbodyy\tbad\n", r"x\.lines:2: unknown label 'bodyy'"),
    ("\tnot blank\n", r"x\.lines:1: a non-blank line needs a label"),
    ("", r"x\.lines: no labeled lines"),
])
def test_malformed_files_name_file_and_line(text, message):
    with pytest.raises(LabeledDataError, match=message):
        parse_document(text, "x.lines")
