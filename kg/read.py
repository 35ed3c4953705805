"""Stage 1: read a file from disk into a :class:`~kg.models.SourceText`.

Plain text is decoded by detection, never by asking: BOMs first (UTF-8, UTF-16, UTF-32),
then strict UTF-8, then GB18030 (a superset of GBK and GB2312, the usual encoding of
Chinese government files), then charset-normalizer's best guess. Structured formats
(.docx, .xlsx, .pdf, .html) are read by :mod:`kg.readers`.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from .errors import SourceError
from .models import Issue, Line, SourceText
from .normalize import normalize_text

__all__ = ["read_source", "decode_bytes", "lines_from_text", "TEXT_SUFFIXES"]

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``; raise :class:`SourceError` if binary.

    >>> decode_bytes("任务".encode("gb18030"))
    ('任务', 'gb18030')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise SourceError(path, 0, f"starts with a {encoding} BOM but does not decode: {exc.reason}") from None
    if b"\x00" in data[:4096]:
        raise SourceError(path, 0, "looks like a binary file (NUL bytes, no text BOM); skipped")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            # a file cut inside its last character: keep everything before the cut
            return data[: exc.start].decode("utf-8"), "utf-8 (truncated)"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding and _mostly_text(str(best)):
        return str(best), best.encoding
    line = data[: utf8_error.start].count(b"\n") + 1
    raise SourceError(path, line, "is neither UTF-8, UTF-16 nor GB18030 text; skipped")


def _mostly_text(text: str) -> bool:
    if not text:
        return True
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\r\n\t\f") or c == "\ufffd")
    return bad / len(text) < 0.01


def lines_from_text(text: str) -> tuple[Line, ...]:
    """Split decoded text into normalised :class:`Line` records, numbered from 1."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        norm = normalize_text(raw)
        if norm:
            out.append(Line(number=number, text=norm, location=f"line {number}"))
    return tuple(out)


def read_source(path: str | Path) -> SourceText:
    """Read one document. Text files are decoded here; other formats go to their reader."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise SourceError(str(path), 0, "no such file") from None
    except IsADirectoryError:
        raise SourceError(str(path), 0, "is a folder, not a document") from None
    except OSError as exc:
        raise SourceError(str(path), 0, f"cannot be read: {exc.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    suffix = p.suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        from .readers import read_structured

        lines, encoding = read_structured(p, data)
        return SourceText(str(path), p.stem, lines, encoding, digest)
    text, encoding = decode_bytes(data, str(path))
    notes: tuple[Issue, ...] = ()
    if encoding.endswith("(truncated)"):
        last = text.count("\n") + 1
        notes = (Issue(str(path), last, "file ends inside a character (truncated?); the incomplete last bytes were dropped", "truncated"),)
    return SourceText(str(path), p.stem, lines_from_text(text), encoding, digest, notes)
