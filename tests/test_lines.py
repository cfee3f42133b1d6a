from hypothesis import given, strategies as st

from boilerstrip.io.lines import iter_line_batches, split_lines


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


@given(st.text(alphabet="ab\r\n", max_size=60), st.lists(st.integers(0, 60), max_size=5),
       st.integers(1, 4))
def test_batches_rebuild_the_text_whatever_the_block_boundaries(text, cuts, max_lines):
    bounds = sorted({0, len(text), *(min(c, len(text)) for c in cuts)})
    blocks = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    batches = list(iter_line_batches(blocks, max_lines=max_lines))
    assert "".join(l + e for lines, endings in batches for l, e in zip(lines, endings)) == text
    assert [l for lines, _ in batches for l in lines] == split_lines(text)[0]
    assert all(len(lines) <= max_lines for lines, _ in batches[:-1])
