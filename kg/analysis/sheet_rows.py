"""The rows of a big worksheet as XML text, put into the workbook openpyxl saved.

openpyxl's write-only mode makes a cell object per value and writes it through lxml
(~20 µs a cell: 900,000 cells at 20,000 tasks were ~15 s). The responsibility matrix's
plan sheets and long table are written here instead, one formatted string per cell, with
the style indexes openpyxl assigned to the same fonts, fills and alignments: the cells
(values, types, styles, the text prefix of formula-like text) are those openpyxl writes
(tested cell by cell), and the text is UTF-8 instead of character references. openpyxl
still writes everything else (the sheet's settings, the styles, the summary sheet).

A value openpyxl would type otherwise (an error code such as ``#N/A``, a date, a
formula) raises :class:`Unsupported`: the caller writes the workbook with openpyxl alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import IllegalCharacterError

__all__ = ["Unsupported", "SheetRows", "PLACEHOLDER", "fill_sheets"]

# what openpyxl writes for a sheet with no rows: the rows of SheetRows go there
_EMPTY = re.compile(rb"<sheetData\s*/>|<sheetData></sheetData>")
PLACEHOLDER = "<sheetData/>"
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_SPECIAL = re.compile("[&<>\r]")


class Unsupported(Exception):
    """A value this writer does not type as openpyxl does (see the module)."""


def _letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


class SheetRows:
    """The ``<row>`` elements of one sheet, appended as openpyxl's ``ws.append`` would."""

    def __init__(self) -> None:
        self.parts: list[str] = ["<sheetData>"]
        self.row = 0
        self.columns: list[str] = [""]

    def _col(self, j: int) -> str:
        while len(self.columns) <= j:
            self.columns.append(_letters(len(self.columns)))
        return self.columns[j]

    def append(self, cells: Sequence[tuple[object, int | None]], attrs: str = "") -> None:
        """One row: ``(value, style index or None)`` per column (a ``(None, None)`` cell is
        left out, as openpyxl leaves out an empty cell with no style)."""
        self.row += 1
        r = self.row
        out = self.parts
        out.append(f'<row r="{r}"{attrs}>')
        self._col(len(cells))
        columns = self.columns
        for j, (value, sid) in enumerate(cells, start=1):
            if value is None and sid is None:
                continue
            out.append(_cell(f"{columns[j]}{r}", value, sid))
        out.append("</row>")

    def xml(self) -> bytes:
        return ("".join(self.parts) + "</sheetData>").encode("utf-8")


def _cell(ref: str, value: object, sid: int | None) -> str:
    """A cell as openpyxl's lxml writer writes it (inline strings; ``s`` when styled)."""
    s = "" if sid is None else f' s="{sid}"'
    if isinstance(value, str):
        text = value[:32767]
        if ILLEGAL_CHARACTERS_RE.search(text):
            raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
        if text in ERROR_CODES:
            raise Unsupported(text)  # (formula-like text is a text cell: the caller styles it as as_text does)
        if not text:
            return f'<c r="{ref}"{s} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if text != text.strip() else ""
        if _SPECIAL.search(text):
            text = text.translate(_ESCAPE)
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if value is None:
        return f'<c r="{ref}"{s} t="n"></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        number = "" if math.isnan(value) or math.isinf(value) else f"{value:.16g}"  # (openpyxl: "%.16g")
        return f'<c r="{ref}"{s} t="n"><v>{number}</v></c>'
    raise Unsupported(repr(value))


def fill_sheets(entries: list[tuple[Any, bytes]], rows: dict[str, SheetRows]) -> list[tuple[Any, bytes]]:
    """The zip entries of a saved workbook with the rows of ``rows`` (by entry name,
    ``xl/worksheets/sheetN.xml``) in place of those sheets' empty ``<sheetData/>``."""
    out = []
    for info, data in entries:
        sheet = rows.get(info.filename)
        if sheet is not None:
            data, n = _EMPTY.subn(lambda _m, sheet=sheet: sheet.xml(), data, count=1)  # type: ignore[misc]
            if n != 1:
                raise Unsupported(f"{info.filename}: no empty sheetData to fill")
        out.append((info, data))
    return out
