"""Spreadsheet safety and reproducibility, shared by every file kg writes for Excel (the workload
exports, the responsibility matrix, `kg query --format xlsx`): formula-like text kept as text
(OWASP "CSV injection"), and fixed workbook dates so that the same input gives the same bytes."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path
from typing import Any

__all__ = [
    "FORMULA_START", "WORKBOOK_DATE", "formula_like", "neutralise_csv", "neutralise_csv_cell", "as_text",
    "fix_workbook_dates",
]

# Text a spreadsheet reads as a formula when it starts a cell (OWASP, "CSV injection"):
# unit names are taken from the documents as written.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def formula_like(value: object) -> bool:
    """Whether ``value`` is text a spreadsheet would take for a formula (not a number)."""
    return isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value)


def neutralise_csv_cell(value: str) -> str:
    """``value`` for a CSV file: formula-like text gets a ``'`` in front, as OWASP
    recommends, so that a spreadsheet shows it as text; anything else (numbers too) as is."""
    return f"'{value}" if formula_like(value) else value


def neutralise_csv(text: str) -> str:
    """CSV text (``\n`` line ends) with every cell passed through :func:`neutralise_csv_cell`."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([neutralise_csv_cell(c) for c in row])
    return out.getvalue()


def as_text(cell: Any) -> Any:
    """A workbook cell holding formula-like text: a text cell (never a formula), with the
    quote prefix set, so that editing it in a spreadsheet keeps it text (the workbook
    form of OWASP's leading ``'``: the text itself is unchanged)."""
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


# The workbook's dates: fixed, so that the same input gives the same bytes (a build has no
# date of its own); 1980-01-01 is also the earliest date a zip entry can carry.
WORKBOOK_DATE = datetime.datetime(1980, 1, 1)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def fix_workbook_dates(path: Path) -> None:
    """Rewrite the .xlsx (a zip) with :data:`WORKBOOK_DATE` as its created and modified
    dates (openpyxl sets ``modified`` to the time of saving) and on every zip entry."""
    import zipfile

    stamp = WORKBOOK_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    tmp = path.with_name(f".{path.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)", rb"\g<1>" + stamp + rb"\g<3>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    os.replace(tmp, path)
