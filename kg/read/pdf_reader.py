"""PDF with a text layer: paragraphs and ruled tables, top to bottom, page after page.

pdfplumber finds the ruled tables of a page; their cells become table rows (a cell
covered by a merged cell gets its text, see :mod:`kg.read.grid`). The characters
outside the tables are grouped into visual lines, and the lines into paragraphs: a line
that runs to the right margin continues in the next line unless that one is indented
or starts a new numbered item — also across a page break, so that a task split over
two pages stays one task. Page numbers (``- 3 -``, ``第3页``) are dropped. A table
continued on the next page, with or without its header repeated, keeps its columns.
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..text.normalize import normalize_text
from ..text.numbering import number_of
from .common import GridCell, LineSink, join_pieces, join_wrapped
from .grid import TableShaper

__all__ = ["read"]

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+"
    r"|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.I,
)
_SENTENCE_END = tuple("。；！？：）)】”")


@dataclass
class _TextLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    index: int  # visual line on its page (1-based)
    number: int  # running position
    first_width: float = 0.0  # width of the first character


@dataclass
class _Page:
    number: int
    left: float
    right: float
    items: list[tuple[float, str, Any]] = field(default_factory=list)


def read(path: Path, data: bytes) -> LineSink:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pdfplumber wraps pdfminer's errors
        if _is_password_error(exc):
            raise SourceError(str(path), 0, "is password-protected; skipped") from None
        raise SourceError(str(path), 0, f"is not a valid PDF (damaged or truncated: {_cause_name(exc)}); skipped") from None
    sink = LineSink()
    with pdf:
        pages = [_read_page(page, k + 1) for k, page in enumerate(pdf.pages)]
        if not any(p.items for p in pages):
            raise SourceError(str(path), 0, "no text layer (scanned PDF?); skipped")
        _emit(pages, sink)
    return sink


def _causes(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    todo: list[object] = [exc]
    while todo:
        e = todo.pop()
        if isinstance(e, BaseException) and all(e is not o for o in out):
            out.append(e)
            todo.extend([*e.args, e.__cause__, e.__context__])
    return out


def _is_password_error(exc: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    return any(isinstance(e, PDFPasswordIncorrect | PDFEncryptionError) for e in _causes(exc))


def _cause_name(exc: BaseException) -> str:
    return type(_causes(exc)[-1]).__name__


def _read_page(page: Any, number: int) -> _Page:
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 and max(len(r.cells) for r in t.rows) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_lines = page.filter(outside).extract_text_lines(return_chars=True)
    out = _Page(number, left=0.0, right=0.0)
    lines: list[_TextLine] = []
    for k, ln in enumerate(text_lines, start=1):
        text = ln["text"]
        if not text.strip():
            continue
        chars = ln.get("chars", [])
        size = statistics.median([c.get("size", 0) for c in chars] or [10.0])
        lines.append(_TextLine(
            text, ln["x0"], ln["x1"], ln["top"], ln["bottom"], size, number, k, 0, _first_width(chars, size)
        ))
    if lines:
        out.left = min(ln.x0 for ln in lines)
        out.right = max(ln.x1 for ln in lines)
        # a lone page number at the top or bottom of the page is furniture
        lines = [
            ln for ln in lines
            if not (_PAGE_NUMBER.match(ln.text.strip()) and (ln is lines[0] or ln is lines[-1]))
        ]
    for ln in lines:
        out.items.append((ln.top, "text", ln))
    for t in tables:
        out.items.append((t.bbox[1], "table", (t, page)))
    out.items.sort(key=lambda item: item[0])
    return out


def _emit(pages: list[_Page], sink: LineSink) -> None:
    shaper = TableShaper(sink)
    paragraph: list[_TextLine] = []
    previous_page: _Page | None = None

    def flush() -> None:
        if paragraph:
            first = paragraph[0]
            text = join_wrapped([ln.text for ln in paragraph])
            sink.prose(text, f"page {first.page} line {first.index}", number=first.number)
            paragraph.clear()

    for page in pages:
        tables_on_page = 0
        for _top, kind, obj in page.items:
            if kind == "table":
                flush()
                tables_on_page += 1
                table, pdf_page = obj
                grid = _grid(table, pdf_page)
                label = f"page {page.number} table {tables_on_page}"
                shaper.add(grid, lambda i, label=label: f"{label} row {i + 1}", skip_repeated_header=True)
                previous_page = page
                continue
            ln: _TextLine = obj
            ln.number = sink.advance()
            if paragraph and not _continues(paragraph[-1], ln, previous_page, page):
                flush()
            paragraph.append(ln)
            previous_page = page
        # a paragraph may go on over the page break: keep it open
    flush()


def _continues(prev: _TextLine, ln: _TextLine, prev_page: _Page | None, page: _Page) -> bool:
    """Whether visual line ``ln`` goes on with the paragraph that ended in ``prev``."""
    size = prev.size or 10.0
    if abs(ln.size - prev.size) > 0.15 * size:
        return False  # a heading or a note in another size
    if prev.page == ln.page and ln.top - prev.bottom > 1.2 * size:
        return False  # a blank line between
    left, right = page.left, (prev_page or page).right
    centre = (left + right) / 2
    if (
        prev.page == ln.page
        and abs((prev.x0 + prev.x1) / 2 - centre) < size
        and abs((ln.x0 + ln.x1) / 2 - centre) < size
        and ln.x0 > left + 2.5 * size
    ):
        return True  # a centred title over two lines
    if not _wrapped(prev.x1, ln.first_width, right):
        return False  # the previous line stops short of the margin: its paragraph ended
    if ln.x0 > left + 0.8 * size:
        return False  # indented: a new paragraph
    if number_of(normalize_text(ln.text)) is not None and prev.text.rstrip().endswith(_SENTENCE_END):
        return False
    return True


def _wrapped(x1: float, next_width: float, right: float) -> bool:
    """A line was wrapped when the next line's first character would not have fitted."""
    return x1 + next_width >= right - 1.0


def _grid(table: Any, page: Any) -> list[list[GridCell]]:
    """The table's cells on a grid; merged cells repeated into the cells they cover."""
    rows = table.rows
    width = max(len(r.cells) for r in rows)
    col_x0: list[float] = []
    for j in range(width):
        xs = [r.cells[j][0] for r in rows if j < len(r.cells) and r.cells[j] is not None]
        col_x0.append(min(xs) if xs else 0.0)
    row_top = [min((c[1] for c in r.cells if c is not None), default=0.0) for r in rows]
    owners: list[list[tuple[Any, str] | None]] = []
    grid: list[list[GridCell]] = []
    for i, r in enumerate(rows):
        owner_row: list[tuple[Any, str] | None] = []
        cells: list[GridCell] = []
        for j in range(width):
            bbox = r.cells[j] if j < len(r.cells) else None
            if bbox is not None:
                text = _cell_text(page, bbox)
                owner_row.append((bbox, text))
                cells.append(GridCell(text))
                continue
            left = owner_row[j - 1] if j > 0 else None
            above = owners[i - 1][j] if i > 0 else None
            if left is not None and left[0][2] > col_x0[j] + 1:
                owner_row.append(left)
                cells.append(GridCell(left[1], from_left=True))
            elif above is not None and above[0][3] > row_top[i] + 1:
                owner_row.append(above)
                cells.append(GridCell(above[1], from_above=True))
            else:
                owner_row.append(None)
                cells.append(GridCell(""))
        owners.append(owner_row)
        grid.append(cells)
    return grid


def _cell_text(page: Any, bbox: tuple[float, float, float, float]) -> str:
    """A cell's text, its visual lines joined back where they were wrapped."""
    try:
        region = page.within_bbox(bbox)
    except ValueError:
        return ""
    lines = [ln for ln in region.extract_text_lines(return_chars=True) if ln["text"].strip()]
    if not lines:
        return ""
    # the cell's padding, taken as the same on both sides
    pad = max(0.0, min(ln["x0"] for ln in lines) - bbox[0])
    right = bbox[2] - pad
    paragraphs: list[list[str]] = [[lines[0]["text"]]]
    for prev, ln in zip(lines, lines[1:], strict=False):
        size = statistics.median([c.get("size", 0) for c in ln.get("chars", [])] or [10.0])
        if _wrapped(prev["x1"], _first_width(ln.get("chars", []), size), right):
            paragraphs[-1].append(ln["text"])  # wrapped at the cell's edge
        else:
            paragraphs.append([ln["text"]])
    return join_pieces([join_wrapped(p) for p in paragraphs])


def _first_width(chars: list[dict[str, Any]], size: float) -> float:
    visible = [c for c in chars if c.get("text", "").strip()]
    if not visible:
        return size
    return max(visible[0]["x1"] - visible[0]["x0"], 0.5 * size)
