"""Readers for structured documents: Word (.docx), Excel (.xlsx/.xlsm), PDF and HTML.

:func:`read_structured` is the one entry point (called by :func:`kg.read.text.read_source`
for every suffix that is not plain text). Every reader turns its format into the same
thing the text reader produces: normalised :class:`~kg.models.Line` records in reading
order, so that the rest of the pipeline never knows which format a document came in.

* prose (a Word paragraph, an HTML block, a PDF paragraph) becomes one line;
* a table row becomes one line whose ``cells`` are the row's cells in column order and
  whose ``text`` is the cells joined with `` | `` (see :mod:`kg.read.grid` for
  headers, merged cells and the synthetic 序号 column);
* numbering that the format draws itself (Word list numbering, HTML ``<ol>``) is put
  back into the text, because the segmenter finds tasks by their numbers.

A file that cannot be read (damaged, truncated, encrypted, scanned without text) raises
:class:`~kg.errors.SourceError` with a one-line reason, never a traceback.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ..errors import SourceError
from ..models import Issue, Line
from . import docx_reader, html_reader, pdf_reader, xlsx_reader
from .common import LineSink

__all__ = ["read_structured", "StructuredText", "STRUCTURED_SUFFIXES"]

# suffix → (format label, reader); each reader imports its format's library when it
# first reads, so that a missing library only matters for the format that needs it
_READERS: dict[str, tuple[str, Callable[[Path, bytes], LineSink]]] = {
    ".docx": ("docx", docx_reader.read),
    ".docm": ("docx", docx_reader.read),
    ".xlsx": ("xlsx", xlsx_reader.read),
    ".xlsm": ("xlsx", xlsx_reader.read),
    ".pdf": ("pdf", pdf_reader.read),
    ".htm": ("html", html_reader.read),
    ".html": ("html", html_reader.read),
    ".xhtml": ("html", html_reader.read),
}
STRUCTURED_SUFFIXES = frozenset(_READERS)

_LEGACY = {
    ".doc": "an old Word binary file (save it as .docx)",
    ".xls": "an old Excel binary file (save it as .xlsx)",
    ".wps": "a WPS binary file (save it as .docx)",
    ".et": "a WPS spreadsheet (save it as .xlsx)",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# an Office file whose parts expand to more than this, and this many times its own size,
# is refused before any part is read
MAX_EXPANDED_BYTES = 1 << 30
MAX_EXPANSION = 100


class StructuredText(NamedTuple):
    """What a reader made of a document: its lines, the format label (``"docx"``,
    ``"xlsx"``, ``"pdf"``, ``"html"``: what the caller records where a text file records its
    encoding) and warnings about parts that were skipped or read differently."""

    lines: tuple[Line, ...]
    label: str
    notes: tuple[Issue, ...] = ()


def read_structured(path: Path, data: bytes) -> StructuredText:
    """Read a structured document into its lines, format label and warnings."""
    suffix = path.suffix.lower()
    entry = _READERS.get(suffix)
    if entry is None:
        hint = f" ({_LEGACY[suffix]})" if suffix in _LEGACY else ""
        raise SourceError(str(path), 0, f"unsupported file type {suffix or '(none)'}{hint}; skipped")
    label, reader = entry
    if label in ("docx", "xlsx"):
        _check_ooxml(path, data, label)
    try:
        sink = reader(path, data)
    except SourceError:
        raise
    except zipfile.BadZipFile:
        raise SourceError(str(path), 0, f"is not a valid .{label} file (damaged or truncated archive); skipped") from None
    except Exception as exc:  # noqa: BLE001 - any library failure is a broken file for the user
        raise SourceError(str(path), 0, f"cannot be read as {label}: {_one_line(exc)}; skipped") from None
    notes = tuple(Issue(str(path), position, message, "reader") for position, message in sink.notes)
    return StructuredText(tuple(sink.lines), label, notes)


def _check_ooxml(path: Path, data: bytes, label: str) -> None:
    """Office Open XML files are zip archives; say clearly what else we were given."""
    if not data:
        raise SourceError(str(path), 0, f"is an empty file, not a .{label} document; skipped")
    if data.startswith(_OLE_MAGIC):
        raise SourceError(
            str(path), 0,
            f"is an encrypted (password-protected) or old binary Office file, not .{label}; skipped",
        )
    if not data.startswith(b"PK"):
        raise SourceError(str(path), 0, f"is not a .{label} file (not a zip archive); skipped")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the reader says what is wrong with it
    # a zip never expands to more than the sizes its entries declare (reading stops there)
    if expanded > MAX_EXPANDED_BYTES and expanded > MAX_EXPANSION * len(data):
        raise SourceError(
            str(path), 0,
            f"would expand from {_size(len(data))} to {_size(expanded)} (a zip bomb?); skipped",
        )


def _size(n: int) -> str:
    """
    >>> _size(5_300), _size(3_000_000), _size(5 * 2**30)
    ('5 KB', '2.9 MB', '5.0 GB')
    """
    if n < 2**20:
        return f"{n / 2**10:,.0f} KB"
    if n < 2**30:
        return f"{n / 2**20:,.1f} MB"
    return f"{n / 2**30:,.1f} GB"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    msg = text[0] if text else ""
    name = type(exc).__name__
    msg = f"{name}: {msg}" if msg else name
    return msg[:160]
