"""Query results as files for spreadsheets: ``.xlsx`` (openpyxl) and CSV/TSV with a BOM.

``kg query NAME --format xlsx -o FILE`` and ``--format csv -o FILE`` write through here:

* **xlsx**: one sheet named after the query, a bold header row of the query's column
  headers (``单位 unit``), frozen and filterable; numbers are numbers (integers and decimals
  as the SPARQL result types them, so 10 sorts after 9), booleans are booleans, IRIs are
  compacted (``id:nanjing-gulou/unit/区发改委``), everything else is text. Text that looks
  like a formula (``=…``, ``+…``, ``-…``, ``@…``) stays text. The file's dates are fixed
  (1980-01-01), so the same result gives the same bytes.
* **CSV / TSV files** start with a UTF-8 byte order mark, so that Excel on a Chinese
  Windows reads them as UTF-8; on stdout the text stays plain (no BOM).
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import UsageError
from kg.spreadsheet import as_text, fix_workbook_dates, formula_like
from kg.store import QueryResult, Term

from .format import compact_iri, format_result, with_headers
from .library import CannedQuery

__all__ = ["write_xlsx", "write_result"]

BOM = "\ufeff"
_MAX_WIDTH = 60


def _cell_value(t: Term | None) -> object:
    """A term as a workbook value: numbers and booleans typed, IRIs compacted, the rest text."""
    if t is None:
        return None
    if t.kind == "uri":
        return compact_iri(t.value)
    if t.kind == "bnode":
        return f"_:{t.value}"
    v = t.python
    if isinstance(v, bool | int | float):
        return v
    return t.value


def _width(value: object) -> int:
    text = str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_xlsx(result: QueryResult, path: str | Path, query: CannedQuery | None = None) -> None:
    """Write a SELECT result as a one-sheet workbook (see the module doc)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if result.kind != "select":
        raise UsageError("--format xlsx writes SELECT results only (use table, csv, tsv or json)")
    table = with_headers(result, query)
    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\]", "_", (query.name if query else "query"))[:31] or "query"
    ws.append(list(table.variables))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [_width(h) for h in table.variables]
    for row in table.rows:
        values = [_cell_value(t) for t in row]
        ws.append(values)
        for i, v in enumerate(values):
            widths[i] = max(widths[i], min(_width(v), _MAX_WIDTH) if v is not None else 0)
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            if formula_like(cell.value):
                as_text(cell)  # text, never a formula
    for i, w in enumerate(widths):
        ws.column_dimensions[ws.cell(1, i + 1).column_letter].width = w + 2
    ws.freeze_panes = "A2"
    if table.variables:
        ws.auto_filter.ref = ws.dimensions
    target = Path(path)
    try:
        wb.save(target)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from None
    fix_workbook_dates(target)


def write_result(result: QueryResult, fmt: str, path: str | Path, query: CannedQuery | None = None) -> None:
    """Write a result to a file in ``fmt``: xlsx as a workbook, csv and tsv with a BOM,
    table and json as plain UTF-8."""
    if fmt == "xlsx":
        write_xlsx(result, path, query)
        return
    text = format_result(result, fmt, query)
    if fmt in ("csv", "tsv"):
        text = BOM + text
    try:
        # newline="" keeps the formatter's line endings as they are
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from None
