"""Excel .xlsx/.xlsm: every visible sheet in order, each read as one table.

Merged ranges are spread over the cells they cover (see
:mod:`kg.readers.tables`); values are shown as a reader of the sheet sees them:
whole numbers without ``.0``, percentages with ``%``, dates as ``YYYY-MM-DD``.
Formulas give their cached values (``data_only``).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from ..models import Line
from .common import GridCell, LineSink, clean
from .tables import TableShaper

__all__ = ["read", "format_value"]


def read(path: Path, data: bytes) -> list[Line]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    sink = LineSink()
    shaper = TableShaper(sink)
    try:
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            _read_sheet(ws, shaper)
    finally:
        wb.close()
    return sink.lines


def _read_sheet(ws: Any, shaper: TableShaper) -> None:
    if ws.max_row < 1 or ws.max_column < 1:
        return
    min_row, min_col = ws.min_row, ws.min_column
    texts: dict[tuple[int, int], str] = {}
    for row in ws.iter_rows(min_row=min_row, max_row=ws.max_row, min_col=min_col, max_col=ws.max_column):
        for cell in row:
            if cell.value is not None:
                texts[(cell.row, cell.column)] = format_value(cell.value, cell.number_format)
    # merged ranges: the top-left value covers the whole range
    covered: dict[tuple[int, int], GridCell] = {}
    for rng in ws.merged_cells.ranges:
        value = texts.get((rng.min_row, rng.min_col), "")
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered[(r, c)] = GridCell(value, from_above=r > rng.min_row, from_left=c > rng.min_col)
    row_numbers = list(range(min_row, ws.max_row + 1))
    grid = [
        [covered.get((r, c)) or GridCell(texts.get((r, c), "")) for c in range(min_col, ws.max_column + 1)]
        for r in row_numbers
    ]
    if not any(c.text for row in grid for c in row):
        return
    # running positions follow the sheet's row numbers (empty rows are skipped but counted)
    shaper.sink.position += min_row - 1
    title = ws.title
    shaper.add(grid, lambda i: f"sheet {title} row {row_numbers[i]}")


def format_value(value: Any, number_format: str = "General") -> str:
    """A cell value as text, the way the sheet shows it (without thousands separators).

    >>> format_value(1.0), format_value(0.07, "0%"), format_value(dt.datetime(2021, 6, 30))
    ('1', '7%', '2021-06-30')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, int | float):
        fmt = number_format or "General"
        if "%" in fmt:
            return _plain_number(value * 100) + "%"
        return _plain_number(value)
    return clean(str(value))


def _plain_number(value: float) -> str:
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.10g}"
    return str(value)
