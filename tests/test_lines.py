from hypothesis import given, strategies as st

from boilerstrip.lines import split_lines


def test_every_kind_of_line_ending_is_kept():
    lines, endings = split_lines("a\r\nb\rc\nd")
    assert lines == ["a", "b", "c", "d"]
    assert endings == ["\r\n", "\r", "\n", ""]


def test_form_feed_and_line_separator_stay_inside_a_line():
    lines, _ = split_lines("a\x0cb\u2028c\x85d\n")
    assert lines == ["a\x0cb\u2028c\x85d"]


@given(st.text())
def test_lines_and_endings_rebuild_the_text_exactly(text):
    lines, endings = split_lines(text)
    assert "".join(l + e for l, e in zip(lines, endings)) == text
