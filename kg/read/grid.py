"""From a table grid to lines the segmenter understands.

Every reader spreads merged cells out into a rectangular grid of
:class:`~kg.read.common.GridCell` and hands it to a :class:`TableShaper` (one per
document, so that a table continued on the next page or sheet keeps its columns).
The shaper

* finds the header row through :func:`kg.text.numbering.column_meaning` (a title row above it
  becomes prose; a second header row under a spanning 责任单位 gives the real names);
* puts the 序号 column first, and invents one (``序号`` and the row ordinal) when the
  table numbers nothing but has a task column and a unit column;
* keeps the number of a vertically merged 序号 cell only on its first row, and blanks
  the other merged cells on such continuation rows, so that the rows join into one task
  without repeating its units; a merged cell that covers several *tasks* is repeated
  into each of them;
* turns a row that is one merged cell across the table (``一、关于……``) into prose, so
  that it reads as a section heading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..text.numbering import column_meaning, number_of
from .common import GridCell, LineSink

__all__ = ["TableShaper", "header_meanings"]

_UNIT_MEANINGS = {"lead", "co_lead", "responsible"}
_NUMBER_CELL = re.compile(r"^(\d{1,4})\s*[.、．)）]?$")
_SECTION_STYLES = {"chapter", "cn_dun", "cn_paren"}


def header_meanings(cells: Sequence[str]) -> tuple[str | None, ...] | None:
    """Column meanings when ``cells`` is a task-table header row, else ``None``.

    Same test as the segmenter's: a unit column and a task or number column, and at
    least two cells that mean something.

    >>> header_meanings(["序号", "工作任务", "牵头单位", "完成时限"])
    ('number', 'task', 'lead', 'deadline')
    >>> header_meanings(["1", "推进硅巷建设", "区科技局"]) is None
    True
    """
    if len([c for c in cells if c]) < 2:
        return None
    meanings = tuple(column_meaning(c) if c and len(c) <= 12 else None for c in cells)
    if (
        _UNIT_MEANINGS & set(meanings)
        and ("task" in meanings or "number" in meanings)
        and sum(m is not None for m in meanings) >= 2
    ):
        return meanings
    return None


@dataclass
class _Layout:
    """How the rows of a table are turned into cells (kept for continued tables)."""

    width: int  # grid columns of the source table
    order: list[int]  # source columns in output order (number column first)
    number_col: int | None  # source column of 序号 (None: synthetic or none)
    synthetic: bool
    task_col: int | None
    header: tuple[str, ...]  # output header cells
    counter: int = 0  # last synthetic number given


class TableShaper:
    """Turns table grids into header and data lines; one instance per document."""

    def __init__(self, sink: LineSink) -> None:
        self.sink = sink
        self.tables = 0
        self._last: _Layout | None = None

    def add(
        self,
        grid: Sequence[Sequence[GridCell]],
        location: Callable[[int], str],
        skip_repeated_header: bool = False,
        numbers: Sequence[int] | None = None,
    ) -> None:
        """Emit the lines of one table. ``location(i)`` names row ``i`` (0-based).

        With ``skip_repeated_header`` (a table continued on the next PDF page) a header
        row equal to the previous table's header is not emitted again. ``numbers`` (rising)
        are the running positions of the rows when the grid leaves rows out (a sheet read
        sparsely); without it, row ``i`` takes the next position.
        """
        self.tables += 1
        grid = _drop_empty_columns(grid)
        if not grid or not grid[0]:
            return

        def seat(i: int) -> None:
            if numbers is not None:
                self.sink.position = numbers[i] - 1

        width = len(grid[0])
        if width == 1:
            for i, row in enumerate(grid):  # one column: prose, not a table
                seat(i)
                self.sink.prose(row[0].text, location(i))
            return
        start = 0
        layout: _Layout | None = None
        # the header is among the first rows; rows above it are titles
        first_rows = [i for i, row in enumerate(grid) if any(c.text for c in row)][:6]
        for i in first_rows:
            row = grid[i]
            texts = [c.text for c in row]
            if _number_of_cell(texts[0]) is not None:
                break  # a data row: this table has no header
            meanings = header_meanings(texts)
            if meanings is None:
                continue
            merged, meanings = _merge_subheader(grid, i, texts, meanings)
            header_rows = [i] if merged == texts else [i, i + 1]
            layout = _layout(merged, meanings)
            start = header_rows[-1] + 1
            last = self._last
            if skip_repeated_header and last is not None and last.header == layout.header:
                layout = last  # the header repeated on a new page: same table
                for t in range(start):
                    seat(t)
                    self.sink.advance()
            else:
                for t in range(i):
                    seat(t)
                    self._prose_row(grid[t], location(t))
                seat(i)
                self.sink.row(layout.header, location(i))
                for t in header_rows[1:]:
                    seat(t)
                    self.sink.advance()
            break
        if layout is None:
            last = self._last
            if last is not None and last.width == width:
                layout = last  # a table continued without repeating its header
            else:
                layout = _headerless_layout(grid)
        self._last = layout
        for i in range(start, len(grid)):
            seat(i)
            self._data_row(grid[i], layout, location(i))

    # -- rows -------------------------------------------------------------------

    def _prose_row(self, row: Sequence[GridCell], location: str) -> None:
        values: list[str] = []
        for c in row:
            if c.text and (not values or values[-1] != c.text):
                values.append(c.text)
        self.sink.prose(" ".join(values), location)

    def _data_row(self, row: Sequence[GridCell], layout: _Layout, location: str) -> None:
        texts = [c.text for c in row]
        filled = [t for t in texts if t]
        if not filled:
            self.sink.advance()
            return
        if _is_banner(row, layout):
            self._prose_row(row, location)
            return
        # does this row start a task, or continue the one above?
        if layout.synthetic:
            task = row[layout.task_col] if layout.task_col is not None else None
            starts = task is not None and bool(task.text) and not task.from_above
            if starts:
                layout.counter += 1
            number = str(layout.counter) if starts else ""
        elif layout.number_col is not None:
            cell = row[layout.number_col]
            number = "" if cell.from_above else cell.text
            m = _NUMBER_CELL.match(number)
            if m:
                number = m.group(1)
            starts = bool(number)
        else:
            number, starts = "", True
        cells: list[str] = [number] if (layout.synthetic or layout.number_col is not None) else []
        for col in layout.order:
            if col == layout.number_col:
                continue
            cell = row[col]
            # a merged cell's text is given once per task, not once per row of a task
            cells.append("" if (cell.from_above and not starts) else cell.text)
        self.sink.row(cells, location)


def _number_of_cell(text: str) -> str | None:
    m = _NUMBER_CELL.match(text.strip())
    return m.group(1) if m else None


def _is_banner(row: Sequence[GridCell], layout: _Layout) -> bool:
    """A row that is a heading, not a task: one value across the row, or a section
    number (一、…) alone in the first or task column."""
    values = [c.text for c in row if c.text]
    if len(set(values)) == 1 and len(values) >= 2 and not any(c.from_above for c in row if c.text):
        return _number_of_cell(values[0]) is None
    if len(values) == 1:
        only = next(c for c in row if c.text)
        n = number_of(only.text)
        idx = list(row).index(only)
        first = layout.number_col if layout.number_col is not None else 0
        heading = n is not None and n[0] in _SECTION_STYLES and len(only.text) <= 40
        if heading and idx in (first, layout.task_col) and not only.text.endswith(("。", "；")):
            return True
        if idx == first and layout.number_col is not None and _number_of_cell(only.text) is None:
            return not only.from_above
    return False


def _merge_subheader(
    grid: Sequence[Sequence[GridCell]], i: int, texts: list[str], meanings: tuple[str | None, ...]
) -> tuple[list[str], tuple[str | None, ...] | None]:
    """Two-row headers: 责任单位 spanning 牵头单位 | 配合单位 in the row below."""
    if i + 1 >= len(grid):
        return texts, meanings
    sub = grid[i + 1]
    sub_texts = [c.text for c in sub]
    if _number_of_cell(sub_texts[0]) is not None:
        return texts, meanings
    fresh = [c for c in sub if c.text and not c.from_above]
    if not fresh or not all(column_meaning(c.text) and len(c.text) <= 12 for c in fresh):
        return texts, meanings
    merged = [
        s.text if (s.text and not s.from_above and column_meaning(s.text)) else t
        for t, s in zip(texts, sub, strict=False)
    ]
    return merged, header_meanings(merged) or meanings


def _layout(texts: list[str], meanings: tuple[str | None, ...]) -> _Layout:
    width = len(texts)
    number_col = meanings.index("number") if "number" in meanings else None
    task_col = meanings.index("task") if "task" in meanings else None
    has_units = bool(_UNIT_MEANINGS & set(meanings))
    synthetic = number_col is None and task_col is not None and has_units
    order = list(range(width))
    if number_col is not None:
        order.remove(number_col)
        order.insert(0, number_col)
        header = tuple(texts[c] for c in order)
    elif synthetic:
        header = ("序号", *texts)
    else:
        header = tuple(texts)
    return _Layout(width, order, number_col, synthetic, task_col, header)


def _headerless_layout(grid: Sequence[Sequence[GridCell]]) -> _Layout:
    """No header: the first column numbers the rows when it mostly holds numbers."""
    width = len(grid[0])
    firsts = [r[0].text for r in grid if r[0].text and not r[0].from_above]
    numbered = sum(1 for t in firsts if _number_of_cell(t) is not None)
    number_col = 0 if firsts and numbered * 2 >= len(firsts) else None
    return _Layout(width, list(range(width)), number_col, False, None, ())


def _drop_empty_columns(grid: Sequence[Sequence[GridCell]]) -> list[list[GridCell]]:
    rows = [list(r) for r in grid]
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return []
    for r in rows:
        r.extend(GridCell("") for _ in range(width - len(r)))
    keep = [j for j in range(width) if any(r[j].text for r in rows)]
    return [[r[j] for j in keep] for r in rows]
