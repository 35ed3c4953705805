"""Plain text files: bytes decoded into a :class:`~kg.models.SourceText`.

Plain text is decoded by detection, never by asking: BOMs first (UTF-8, UTF-16, UTF-32),
UTF-16 without a BOM (its NUL bytes all on one side of each byte pair), then strict UTF-8,
UTF-8 with a few bad bytes (replaced with U+FFFD, each one a warning), then GB18030 (a
superset of GBK and GB2312, the usual encoding of Chinese government files), strict and then
with a few bad bytes, then charset-normalizer's best guess. Structured formats
(.docx, .xlsx, .pdf, .html) are read by :mod:`kg.read.structured`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..models import Issue, Line, SourceText
from ..text.normalize import normalize_text

__all__ = ["text_source", "decode_bytes", "decode_text", "Decoded", "lines_from_text", "TEXT_SUFFIXES"]

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes: ``bad`` holds the line of each run of bytes that did not
    decode and was replaced with U+FFFD (empty when the whole file decoded cleanly)."""

    text: str
    encoding: str
    bad: tuple[int, ...] = ()


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``; raise :class:`SourceError` if it is
    not text or holds bytes that do not decode (see :func:`decode_text` to keep such text).

    >>> decode_bytes("任务".encode("gb18030"))
    ('任务', 'gb18030')
    >>> decode_bytes("1.任务".encode("utf-16-be"))
    ('1.任务', 'utf-16-be')
    """
    decoded = decode_text(data, path)
    if decoded.bad:
        raise SourceError(path, decoded.bad[0], f"holds bytes that are not {decoded.encoding} text; skipped")
    return decoded.text, decoded.encoding


def decode_text(data: bytes, path: str = "<bytes>") -> Decoded:
    r"""Decode ``data`` by detection; raise :class:`SourceError` if it is not text.

    A text that is clearly UTF-8 (or GB18030) apart from a few bad bytes is kept: each run
    of bad bytes becomes U+FFFD and its line is listed in :attr:`Decoded.bad`.

    >>> d = decode_text("一、任务\n".encode() * 40 + b"1.\xe4\xb8\n" + "二、任务\n".encode() * 40)
    >>> d.encoding, d.bad, d.text.splitlines()[40]
    ('utf-8', (41,), '1.\ufffd')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise SourceError(path, 0, f"starts with a {encoding} BOM but does not decode: {exc.reason}") from None
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise SourceError(path, 0, "looks like a binary file (NUL bytes, no text BOM); skipped")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            # a file cut inside its last character: keep everything before the cut
            return Decoded(data[: exc.start].decode("utf-8"), "utf-8 (truncated)")
    # UTF-8 apart from a few bad bytes (tried before GB18030, which decodes much UTF-8
    # into nonsense without an error)
    lenient = _with_few_bad_bytes(data, "utf-8")
    if lenient is not None:
        return lenient
    try:
        return Decoded(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        pass
    lenient = _with_few_bad_bytes(data, "gb18030")
    if lenient is not None:
        return lenient
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding and _mostly_text(str(best)):
        return Decoded(str(best), best.encoding)
    line = data[: utf8_error.start].count(b"\n") + 1
    raise SourceError(path, line, "is neither UTF-8, UTF-16 nor GB18030 text; skipped")


# bytes that did not decode, as ``surrogateescape`` writes them (one code point per byte)
_ESCAPED = re.compile("[\udc80-\udcff]+")
# what Chinese documents are written with: CJK ideographs and punctuation, full-width forms
_CJK_TEXT = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2010-\u206f]")
# "a few bad bytes": at most one run of them per 100 decoded characters, and at least 20
# Chinese characters (ideographs, punctuation) per run
_MAX_BAD_SHARE = 100
_MIN_GOOD_PER_BAD = 20


def _with_few_bad_bytes(data: bytes, encoding: str) -> Decoded | None:
    """``data`` decoded with its bad bytes replaced, when they are a few stray ones in a text
    that is otherwise clearly in ``encoding``; else ``None``."""
    text = data.decode(encoding, "surrogateescape")
    limit = len(text) // _MAX_BAD_SHARE
    runs: list[int] = []
    bad_chars = 0
    for m in _ESCAPED.finditer(text):
        runs.append(m.start())
        bad_chars += m.end() - m.start()
        if len(runs) > limit:
            return None  # not a few: another encoding, or not text
    if not runs:
        return None
    good = len(text) - bad_chars
    cjk = len(_CJK_TEXT.findall(text))
    non_ascii = good - len(text.encode("ascii", "ignore"))
    if len(runs) * _MAX_BAD_SHARE > good or cjk < _MIN_GOOD_PER_BAD * len(runs):
        return None
    if encoding != "utf-8" and cjk < 0.9 * non_ascii:
        return None  # GB18030 decodes almost any byte pair: demand that it reads as Chinese
    bad: list[int] = []
    line, last = 1, 0
    for pos in runs:
        line += text.count("\n", last, pos)
        last = pos
        bad.append(line)
    return Decoded(_ESCAPED.sub("\ufffd", text), encoding, tuple(bad))


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 without a BOM: the NUL bytes all fall on one side of each byte pair (the high
    byte of ASCII characters) and the text decodes to Chinese or ASCII text."""
    sample = data[:65536]
    if len(data) % 2:
        return None
    nul_even = sample[0::2].count(0)
    nul_odd = sample[1::2].count(0)
    # U+4E00, U+5200 … have a NUL low byte, so the other side may hold a few NULs too
    if nul_odd > nul_even and nul_odd >= 4 * nul_even:
        encoding = "utf-16-le"
    elif nul_even > nul_odd and nul_even >= 4 * nul_odd:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if not _mostly_text(text):
        return None
    readable = sum(1 for c in text[:32768] if c.isascii() or _CJK_TEXT.match(c))
    if readable < 0.95 * min(len(text), 32768):
        return None
    return Decoded(text, encoding)


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


def text_source(path: str | Path, data: bytes, digest: str) -> SourceText:
    """The :class:`SourceText` of a plain-text file's bytes ``data`` (SHA-256 ``digest``),
    decoded by detection; truncated endings and replaced bytes are warnings."""
    decoded = decode_text(data, str(path))
    text, encoding = decoded.text, decoded.encoding
    notes: list[Issue] = []
    if encoding.endswith("(truncated)"):
        last = text.count("\n") + 1
        notes.append(Issue(str(path), last, "file ends inside a character (truncated?); the incomplete last bytes were dropped", "truncated"))
    notes.extend(_bad_byte_notes(str(path), decoded))
    return SourceText(str(path), Path(path).stem, lines_from_text(text), encoding, digest, tuple(notes))


_MAX_BAD_NOTES = 5


def _bad_byte_notes(path: str, decoded: Decoded) -> list[Issue]:
    """One warning per run of bad bytes (the first few), then one with how many more."""
    notes = [
        Issue(path, line, f"bytes that are not {decoded.encoding} text were replaced with \ufffd", "bad-bytes")
        for line in decoded.bad[:_MAX_BAD_NOTES]
    ]
    more = decoded.bad[_MAX_BAD_NOTES:]
    if more:
        notes.append(Issue(
            path, more[0],
            f"{len(more)} more runs of bytes that are not {decoded.encoding} text were replaced with \ufffd "
            f"(on lines {', '.join(map(str, more[:10]))}{' …' if len(more) > 10 else ''})",
            "bad-bytes",
        ))
    return notes
