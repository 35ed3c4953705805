"""Excel .xlsx/.xlsm: every visible sheet in order, each read as one table.

Merged ranges are spread over the cells they cover (see
:mod:`kg.read.grid`); values are shown as a reader of the sheet sees them:
whole numbers without ``.0``, percentages with ``%``, dates as ``YYYY-MM-DD``.
Formulas give their cached values (``data_only``).

Sheets are streamed (openpyxl's read-only parser) and only the cells the file holds are
read: a stray cell at ``XFD1048576`` or a merged range over 200,000 rows costs what the
file holds, not what the sheet declares. The grid of a sheet has the rows and columns
that hold text; merged ranges are spread only over those. A sheet that declares far more
cells than it holds gets a warning; one whose few cells are scattered so widely that they
form no table is skipped with a warning.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .common import GridCell, LineSink, clean
from .grid import TableShaper

__all__ = ["read", "format_value", "ABSURD_SHEET_CELLS", "MAX_SPARSE_GRID_CELLS"]

# a sheet whose extent (rows × columns) is above this, and 100 times the cells it holds,
# declares an absurd size: warned
ABSURD_SHEET_CELLS = 1_000_000
# rows × columns that hold text, above which a sheet must be dense enough to be a table
MAX_SPARSE_GRID_CELLS = 1_000_000
_MIN_DENSITY = 1 / 20
_EMPTY = GridCell("")


def read(path: Path, data: bytes) -> LineSink:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sink = LineSink()
    shaper = TableShaper(sink)
    try:
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            _read_sheet(ws, shaper)
    finally:
        wb.close()
    return sink


@dataclass
class _Sheet:
    """The cells a sheet holds: text by ``(row, column)``, its merged ranges and extent."""

    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    cells: int = 0  # cell elements, with or without a value
    last_row: int = 0  # last row with a cell element
    extent: tuple[int, int, int, int] | None = None  # declared, cells and merged ranges together
    bad_ranges: list[str] = field(default_factory=list)
    overlapping: bool = False  # merged ranges overlap so much that the rest were not spread


def _parse_sheet(ws: Any) -> _Sheet:
    """Stream one read-only sheet: only the cells present in its XML."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import WorkSheetParser

    sheet = _Sheet()
    box = [ws.min_row or 1, ws.min_column or 1, ws.max_row or 1, ws.max_column or 1]
    wb = ws.parent
    # what ReadOnlyWorksheet._cells_by_row does, without padding every row to the
    # sheet's declared width and every gap between rows with empty rows
    with ws._get_source() as src:
        parser = WorkSheetParser(
            src, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
            date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats,
        )
        for _row, cells in parser.parse():
            for c in cells:
                r, col = c["row"], c["column"]
                sheet.cells += 1
                sheet.last_row = max(sheet.last_row, r)
                _grow(box, r, col, r, col)
                if c["value"] is None:
                    continue
                cell = ReadOnlyCell(ws, **c)
                text = format_value(cell.value, cell.number_format)
                if text:
                    sheet.texts[(r, col)] = text
        for ref in _merge_refs(parser):
            try:
                min_col, min_row, max_col, max_row = range_boundaries(ref)
            except (TypeError, ValueError):
                sheet.bad_ranges.append(str(ref))
                continue
            if None in (min_col, min_row, max_col, max_row):
                sheet.bad_ranges.append(str(ref))
                continue
            sheet.merged.append((min_row, min_col, max_row, max_col))
            _grow(box, min_row, min_col, max_row, max_col)
    sheet.extent = (box[0], box[1], box[2], box[3])
    return sheet


def _merge_refs(parser: Any) -> Iterator[str]:
    merged = getattr(parser, "merged_cells", None)
    for cr in getattr(merged, "mergeCell", None) or ():
        yield cr.ref


def _grow(box: list[int], r0: int, c0: int, r1: int, c1: int) -> None:
    box[0], box[1] = min(box[0], r0), min(box[1], c0)
    box[2], box[3] = max(box[2], r1), max(box[3], c1)


def _read_sheet(ws: Any, shaper: TableShaper) -> None:
    sheet = _parse_sheet(ws)
    sink = shaper.sink
    base = sink.position
    title = ws.title
    rows = sorted({r for r, _ in sheet.texts})
    cols = sorted({c for _, c in sheet.texts})
    first = base + (rows[0] if rows else 1)
    assert sheet.extent is not None
    r0, c0, r1, c1 = sheet.extent
    n_rows, n_cols = r1 - r0 + 1, c1 - c0 + 1
    for ref in sheet.bad_ranges[:3]:
        sink.warn(first, f"sheet {title}: merged range {ref!r} is not a cell range; ignored")
    grid_cells = len(rows) * len(cols)
    if grid_cells > MAX_SPARSE_GRID_CELLS and len(sheet.texts) < _MIN_DENSITY * grid_cells:
        sink.warn(first, (
            f"sheet {title}: its {len(sheet.texts):,} cells with text are scattered over {len(rows):,} rows "
            f"× {len(cols):,} columns and form no table; sheet skipped"
        ))
        sink.position = base + max(sheet.last_row, rows[-1])
        return
    if n_rows * n_cols > ABSURD_SHEET_CELLS and n_rows * n_cols > 100 * (sheet.cells + 1):
        sink.warn(first, (
            f"sheet {title} spans {_ref(r0, c0, r1, c1)} ({n_rows:,} rows × {n_cols:,} columns) but only "
            f"{len(sheet.texts):,} cells hold text; only those were read"
        ))
    if not rows:
        return
    covered = _spread_merged(sheet, rows, cols)
    if sheet.overlapping:
        sink.warn(first, f"sheet {title}: its merged ranges overlap; those past the overlap were not spread")
    texts = sheet.texts
    grid = [
        [covered.get((r, c)) or (GridCell(texts[(r, c)]) if (r, c) in texts else _EMPTY) for c in cols]
        for r in rows
    ]
    # running positions follow the sheet's row numbers (rows without text are skipped but counted)
    shaper.add(grid, lambda i: f"sheet {title} row {rows[i]}", numbers=[base + r for r in rows])
    sink.position = base + max(sheet.last_row, rows[-1])


def _spread_merged(sheet: _Sheet, rows: list[int], cols: list[int]) -> dict[tuple[int, int], GridCell]:
    """The cells that merged ranges cover, among the rows and columns that hold text: the
    top-left value covers the whole range."""
    covered: dict[tuple[int, int], GridCell] = {}
    # ranges of a sound sheet do not overlap, so together they cover at most the grid
    budget = len(rows) * len(cols) + len(sheet.merged)
    for min_row, min_col, max_row, max_col in sheet.merged:
        value = sheet.texts.get((min_row, min_col), "")
        in_rows = rows[bisect.bisect_left(rows, min_row): bisect.bisect_right(rows, max_row)]
        in_cols = cols[bisect.bisect_left(cols, min_col): bisect.bisect_right(cols, max_col)]
        budget -= len(in_rows) * len(in_cols)
        if budget < 0:
            sheet.overlapping = True
            break
        for r in in_rows:
            for c in in_cols:
                if (r, c) != (min_row, min_col) and (r, c) not in covered:
                    covered[(r, c)] = GridCell(value, from_above=r > min_row, from_left=c > min_col)
    return covered


def _ref(r0: int, c0: int, r1: int, c1: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"


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
