import pytest
from hypothesis import given, settings, strategies as st

from boilerstrip.errors import InputError
from boilerstrip.io.reading import declared_charset, decode, read_text, sniff_format

ARABIC = "قال رئيس الجمعية إن الحملة تستهدف غرس أكثر من خمسة آلاف فسيلة قبل نهاية الشتاء، مع توفير أنظمة ري.\n" * 3
RUSSIAN = "Волонтёры насчитали рекордное число морских птиц на острове этой осенью, сообщил фонд.\n" * 3
FRENCH = ("Le café crème est servi à côté de la brûlée, dit-il. Ça coûte très peu, "
          "mais la qualité reste élevée selon les habitués du marché.\n") * 3
CHINESE = "志愿者今年秋天在岛上统计到的海鸟筑巢数量创下调查开始以来的最高纪录。\n" * 3


@pytest.mark.parametrize("text, encoding", [
    (ARABIC, "utf-8"), (ARABIC, "windows-1256"), (ARABIC, "iso-8859-6"),
    (RUSSIAN, "windows-1251"), (CHINESE, "gb18030"), (FRENCH, "latin-1"), (FRENCH, "windows-1252"),
])
def test_encodings_are_detected(text, encoding):
    assert decode(text.encode(encoding), "page.txt") == text


@pytest.mark.parametrize("bom_encoding", ["utf-8-sig", "utf-16"])
def test_byte_order_marks_are_honoured_and_dropped(bom_encoding):
    assert decode(ARABIC.encode(bom_encoding), "page.txt") == ARABIC


def test_a_forced_encoding_wins_and_a_wrong_one_is_a_clear_error():
    data = RUSSIAN.encode("windows-1251")
    assert decode(data, "p.txt", encoding="windows-1251") == RUSSIAN
    with pytest.raises(InputError, match=r"p\.txt: not valid utf-8"):
        decode(data, "p.txt", encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        decode(data, "p.txt", encoding="no-such-codec")


@pytest.mark.parametrize("data, problem", [
    (b"", "empty"), (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"), (b"abc\x00def", "NUL bytes"),
])
def test_bad_bytes_are_refused_with_the_file_named(data, problem):
    with pytest.raises(InputError, match=rf"^page\.txt: .*{problem}"):
        decode(data, "page.txt")


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "absent.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_text(tmp_path)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([None, "utf-8", "windows-1256", "utf-16"]))
def test_any_bytes_decode_or_raise_input_error(data, encoding):
    try:
        text = decode(data, "fuzz.bin", encoding)
    except InputError as error:
        assert str(error).startswith("fuzz.bin: ")
    else:
        assert isinstance(text, str) and text


@pytest.mark.parametrize("name, head, expected", [
    ("page.html", "plain words", "html"),
    ("notes.md", "<html>", "markdown"),
    ("page.txt", "<!DOCTYPE html><html>", "text"),
    ("-", "  <!-- saved --> <!doctype HTML><html><body>", "html"),
    ("dump", "<div>" + "<p>para</p>" * 10 + "</div>", "html"),
    ("-", "# Title\n\nRead [the report](https://example.com/r).\n", "markdown"),
    ("-", "Home | News\n- 09:40 Headline\nA paragraph of text.\n", "text"),
])
def test_input_format_by_extension_then_content(name, head, expected):
    assert sniff_format(name, head) == expected


def test_an_html_page_is_read_in_the_charset_it_declares():
    arabic = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في المدينة"
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
            f"</head><body><p>{arabic}</p></body></html>")
    assert decode(page.encode("cp1256"), "page.html") == page
    assert declared_charset(b'<meta charset="ISO-8859-1">') == "cp1252"  # as browsers read it
    assert declared_charset(b'<meta charset="utf-16">') is None
