"""Reading input: bytes to text with the right encoding, or a clear error.

Order of evidence: an encoding the user forces, a byte-order mark, strict UTF-8,
then detection by charset-normalizer.  Binary data is refused, not decoded.
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

from charset_normalizer import from_bytes

from boilerstrip.errors import InputError

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


def _binary_kind(head: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    return None


def decode(data: bytes, source: str, encoding: str | None = None) -> str:
    """Decode ``data`` read from ``source`` (named in errors); a BOM is not part of the text."""
    if not data:
        raise InputError(f"{source}: file is empty")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"{source}: unknown encoding {encoding!r}") from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: not valid {encoding} ({exc.reason} at byte {exc.start})") from None
        return text.removeprefix("\ufeff")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name)
            except UnicodeDecodeError as exc:
                raise InputError(f"{source}: {name} byte-order mark but invalid {name} "
                                 f"({exc.reason} at byte {exc.start + len(bom)})") from None
    kind = _binary_kind(data[:_SNIFF])
    if kind:
        raise InputError(f"{source}: {kind}, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = detect_encoding(data[: 4 * _SNIFF])
    if encoding is None:
        raise InputError(f"{source}: cannot tell the text encoding; name it with --encoding")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: looks like {encoding} but is not valid in it "
                         f"({exc.reason} at byte {exc.start}); name the encoding with --encoding") from None


def detect_encoding(sample: bytes) -> str | None:
    """The most common web encoding among those that read ``sample`` (nearly) best.

    charset-normalizer ranks candidates by how garbled the decoded text looks; on
    short text several single-byte code pages tie, and the tie goes to the one
    the web uses most (the order of WEB_ENCODINGS).
    """
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


def read_bytes(path: str | Path) -> bytes:
    """Read a file, or standard input for '-', turning OS errors into InputError."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


def read_text(path: str | Path, encoding: str | None = None) -> str:
    return decode(read_bytes(path), "<stdin>" if str(path) == "-" else str(path), encoding)
