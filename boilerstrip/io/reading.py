"""Reading input: bytes to text with the right encoding, and which format the text is in.

Order of evidence for the encoding: one the user forces, a byte-order mark,
strict UTF-8, the charset an HTML page declares, then detection by
charset-normalizer.  Binary data is refused, not decoded.  The format (text,
Markdown, HTML) comes from the file's extension, else from its first characters.

Plain text is decoded strictly by default: its promise is the input's own lines.  Web
pages (HTML, and every page read from WARC or JSON Lines) are decoded as browsers do
(``decode_web``): invalid sequences and NUL become U+FFFD, and the count is kept.
"""

from __future__ import annotations

import codecs
import itertools
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import AnyStr, Literal

from boilerstrip.errors import EncodingError, InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"), (b"\x1f\x8b", "gzip data"),
    (b"RIFF", "a RIFF media file"), (b"\x7fELF", "an executable"),
)
_SNIFF = 65536
# The encodings the WHATWG Encoding Standard lets web pages use (latin-1 is read as
# cp1252): detection chooses among these, never among DOS or EBCDIC code pages.
WEB_ENCODINGS = [
    "utf_8", "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "cp874", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6",
    "iso8859_7", "iso8859_8", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
    "iso8859_16", "koi8_r", "koi8_u", "cp866", "mac_roman", "mac_cyrillic", "gb18030", "big5",
    "euc_jp", "iso2022_jp", "shift_jis", "euc_kr",
]


def _binary_kind(head: bytes, lenient: bool = False) -> str | None:
    """What binary data ``head`` starts, if it does.  A lenient reader takes a few NUL
    bytes as damage to replace; more than 16 that are also one byte in a hundred are
    binary data."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    nuls = head.count(b"\x00")
    if nuls and (not lenient or nuls > max(16, len(head) // 100)):
        return "binary data (NUL bytes)"
    return None


_replaced = threading.local()


def _replace_and_count(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: one U+FFFD for each invalid sequence, as the WHATWG decoders
    do, counting the bytes it stands for (per thread)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    _replaced.count = getattr(_replaced, "count", 0) + error.end - error.start
    return "\ufffd", error.end


codecs.register_error("boilerstrip-replace", _replace_and_count)


CHUNK_BYTES = 1 << 23  # read and decode 8 MiB at a time: memory stays bounded for any file
_WIDE = ("utf-16", "utf-32", "utf_16", "utf_32")  # NUL bytes are normal in these


def _choose_encoding(head: bytes, source: str, encoding: str | None, complete: bool,
                     lenient: bool = False) -> tuple[str, int]:
    """The codec for a stream that starts with ``head``, and how many BOM bytes to skip."""
    if not head:
        raise InputError(f"{source}: file is empty")
    if encoding:
        try:
            return codecs.lookup(encoding).name, 0
        except LookupError:
            raise InputError(f"{source}: unknown encoding {encoding!r}") from None
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    kind = _binary_kind(head[:_SNIFF], lenient)
    if kind:
        raise InputError(f"{source}: {kind}, not text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return "utf-8", 0
    except UnicodeDecodeError:
        pass
    declared = declared_charset(head)
    if declared:
        return declared, 0
    if lenient and _mostly_utf8(head):
        return "utf-8", 0
    detected = detect_encoding(head[: 4 * _SNIFF])
    if detected is None:
        if lenient:  # a browser's last resort: windows-1252, what undeclared pages mostly are
            return "cp1252", 0
        raise EncodingError(f"{source}: cannot tell the text encoding")
    return detected, 0


def _mostly_utf8(head: bytes) -> bool:
    """UTF-8 with a few damaged bytes: at least ten valid multi-byte characters for each
    invalid byte (a page with one stray byte is still a UTF-8 page)."""
    _replaced.count = 0
    text = head.decode("utf-8", errors="boilerstrip-replace")
    multibyte = sum(1 for char in text if char > "\x7f") - text.count("\ufffd")
    return multibyte >= 10 * max(_replaced.count, 1)


def iter_decoded(blocks: Iterator[bytes], source: str, encoding: str | None = None,
                 lenient: bool = False) -> Iterator[str]:
    """Decode a stream of byte blocks; the first block decides the encoding.

    Errors name ``source`` and the byte offset; a BOM is not part of the text.  ``lenient``
    decodes as a browser does: invalid sequences and NUL bytes become U+FFFD, counted in
    ``replaced_bytes()`` (per thread), instead of being refused.
    """
    _replaced.count = 0
    head = next(blocks, b"")
    following = next(blocks, None)
    codec, skip = _choose_encoding(head, source, encoding, complete=following is None,
                                   lenient=lenient)
    decoder = codecs.getincrementaldecoder(codec)("boilerstrip-replace" if lenient else "strict")
    _replaced.count = 0
    offset = 0
    first = True
    pending = [head[skip:]] + ([following] if following is not None else [])
    for block in itertools.chain(pending, blocks):
        if not lenient and offset and not codec.startswith(_WIDE) and b"\x00" in block:
            raise InputError(f"{source}: binary data (NUL bytes) after byte {offset}, not text")
        try:
            text = decoder.decode(block)
        except UnicodeError as exc:  # UTF-16 without a BOM raises a bare UnicodeError
            where = f" at byte {offset + skip + exc.start}" if hasattr(exc, "start") else ""
            raise EncodingError(f"{source}: not valid {codec} ({getattr(exc, 'reason', exc)}{where})"
                                ) from None
        offset += len(block)
        if first and text:
            text = text.removeprefix("\ufeff")  # a forced codec may leave the BOM in
            first = False
        if lenient and "\x00" in text:
            _replaced.count += text.count("\x00")
            text = text.replace("\x00", "\ufffd")
        if text:
            yield text
    try:
        tail = decoder.decode(b"", final=True)
    except UnicodeError as exc:
        raise EncodingError(f"{source}: not valid {codec} (truncated at the end: "
                            f"{getattr(exc, 'reason', exc)})") from None
    if tail:
        yield tail


def decode(data: bytes, source: str, encoding: str | None = None) -> str:
    """Decode ``data`` read from ``source`` (named in errors)."""
    return "".join(iter_decoded(iter([data]), source, encoding))


@dataclass(frozen=True)
class WebText:
    """A web page's decoded text, the codec it was read with, and how many bytes
    (invalid sequences and NULs) became U+FFFD."""

    text: str
    encoding: str
    replaced_bytes: int


def decode_web(data: bytes, source: str, encoding: str | None = None) -> WebText:
    """Decode a web page as a browser does (WHATWG Encoding Standard): a BOM, else the
    encoding the transport names (``encoding``, the HTTP charset), else the page's own
    ``<meta>`` declaration, else UTF-8 if it reads as UTF-8, else detection; what does not
    decode, and NUL, becomes U+FFFD.  Raises InputError only for binary data or nothing."""
    codec = encoding
    if codec:
        try:
            codec = codecs.lookup(codec).name
        except LookupError:
            codec = None  # an HTTP header naming an unknown charset: read as if it named none
        else:
            codec = _CHARSET_ALIASES.get(codec.replace("_", "-"), codec)
    if codec and any(data.startswith(bom) for bom, _ in _BOMS):
        codec = None  # the BOM wins over the transport
    if codec is None or not data:
        codec = _choose_encoding(data, source, None, complete=True, lenient=True)[0]
    elif kind := _binary_kind(data[:_SNIFF], lenient=True):
        raise InputError(f"{source}: {kind}, not text")
    text = "".join(iter_decoded(iter([data]), source, codec, lenient=True))
    return WebText(text, codec, replaced_bytes())


def replaced_bytes() -> int:
    """Bytes the last lenient decode in this thread turned into U+FFFD."""
    return getattr(_replaced, "count", 0)


def file_blocks(path: str | Path) -> Iterator[bytes]:
    """The bytes of a file ('-' for standard input), a block at a time; errors name it."""
    if str(path) == "-":
        yield from iter(lambda: sys.stdin.buffer.read(CHUNK_BYTES), b"")
        return
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            yield from iter(lambda: handle.read(CHUNK_BYTES), b"")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


def source_name(path: str | Path) -> str:
    return "<stdin>" if str(path) == "-" else str(path)


def iter_text(path: str | Path, encoding: str | None = None) -> Iterator[str]:
    """The decoded text of a file ('-' for standard input), a block at a time."""
    return iter_decoded(file_blocks(path), source_name(path), encoding)


def read_text(path: str | Path, encoding: str | None = None, max_chars: int | None = None) -> str:
    """The whole decoded text of a file; an InputError past ``max_chars`` characters."""
    return join_blocks(iter_text(path, encoding), source_name(path), max_chars)


def join_blocks(blocks: Iterator[AnyStr], source: str, max_chars: int | None = None) -> AnyStr:
    """The blocks (text or bytes) joined; an InputError past ``max_chars`` of them."""
    parts: list = []
    size = 0
    for block in blocks:
        size += len(block)
        if max_chars is not None and size > max_chars:
            raise InputError(f"{source}: larger than {max_chars:,} characters, the limit for a "
                             "page read whole (HTML); as text or Markdown it would stream")
        parts.append(block)
    return parts[0][:0].join(parts) if parts else ""


_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# What the WHATWG Encoding Standard reads these labels as.
_CHARSET_ALIASES = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
                    "iso8859-9": "cp1254", "iso8859-11": "cp874", "gb2312": "gb18030",
                    "gbk": "gb18030"}


def declared_charset(head: bytes) -> str | None:
    """The charset a page's ``<meta>`` declares in its first 4 KiB, if Python knows it.

    A UTF-16 declaration is ignored: a page that can be read to find it is not UTF-16.
    """
    match = _META_CHARSET.search(head[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    name = _CHARSET_ALIASES.get(name.replace("_", "-"), name)
    return None if name.startswith(("utf-16", "utf-32")) else name


InputFormat = Literal["text", "markdown", "html"]
_EXTENSIONS: dict[str, InputFormat] = {
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown",
    ".txt": "text", ".text": "text",
}
_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_HTML_TAG = re.compile(r"</?(?:p|div|span|a|br|li|ul|ol|td|tr|h[1-6]|article|section|table|img|meta)\b[^>]*>",
                       re.I)
_MARKDOWN_SYNTAX = re.compile(r"^ {0,3}#{1,6} \S|\[[^\]\n]+\]\([^)\s]+\)|^ {0,3}```", re.M)


def sniff_format(name: str, head: str) -> InputFormat:
    """The format of an input: by its extension, else by its first 64 KiB of text.

    HTML: starts with a doctype or html/head/body tag, or carries ten tags.  Markdown:
    two or more headings, links or code fences.  Anything else is text.
    """
    by_extension = _EXTENSIONS.get(Path(name).suffix.lower())
    if by_extension:
        return by_extension
    sample = head[:_SNIFF]
    if _HTML_START.match(sample) or len(_HTML_TAG.findall(sample)) >= 10:
        return "html"
    if len(_MARKDOWN_SYNTAX.findall(sample)) >= 2:
        return "markdown"
    return "text"


def detect_encoding(sample: bytes) -> str | None:
    """The most common web encoding among those that read ``sample`` (nearly) best.

    charset-normalizer ranks candidates by how garbled the decoded text looks; on
    short text several single-byte code pages tie, and the tie goes to the one
    the web uses most (the order of WEB_ENCODINGS).  Imported here: most input is UTF-8
    and never needs it (0.02 s of a cold start).
    """
    from charset_normalizer import from_bytes

    results = list(from_bytes(sample, cp_isolation=WEB_ENCODINGS, threshold=0.5))
    # charset-normalizer folds code pages it deems alike into one result and may
    # drop cp1252, the web's most common legacy encoding: score it on its own too.
    results += list(from_bytes(sample, cp_isolation=["cp1252"], threshold=0.5))
    if not results:
        return None
    least_chaos = min(match.chaos for match in results)
    clean = [match for match in results if match.chaos <= least_chaos + 0.02]
    most_coherent = max(match.coherence for match in clean)
    plausible = set()
    for match in clean:
        if match.coherence >= most_coherent - 0.05:
            plausible.update(match.could_be_from_charset)
    return next((name for name in WEB_ENCODINGS if name in plausible), clean[0].encoding)
