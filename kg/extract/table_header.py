"""The cells of a table row flattened to text, and the table headers of a plan: the
meaning of each column (from its header words, ``ontology/columns.json``), sub-headers
that split a column, and the cells a table merges over several rows, carried down to each
row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..models import Line
from ..text.numbering import column_meaning, column_words
from .responsibility_words import find_deadline

__all__ = [
    "split_cells", "CELL_SEPARATOR", "TableHeader", "header_words", "detect_header", "sub_header",
    "UNIT_COLUMNS", "carried_down",
]


def split_cells(text: str) -> list[str]:
    """Cells of a table row flattened to text (``|`` or tab separated).

    >>> split_cells("| 序号 | 任务 |\t牵头单位 "), split_cells(" 推进改革 ")
    (['序号', '任务', '牵头单位'], ['推进改革'])
    """
    text = text.strip(" |｜")
    if not CELL_SEPARATOR.search(text):
        return [text.strip()]  # most lines: no separator, one cell (asked of every line)
    return [c.strip() for c in _CELL_SPLIT.split(text)]


_CELL_SPLIT = re.compile(r" *(?:[|｜]\t?|\t) *")


CELL_SEPARATOR = re.compile(r"[\t|｜]")


@dataclass(frozen=True)
class TableHeader:
    meanings: tuple[str | None, ...]
    line: int


@cache
def _header_vocabulary() -> tuple[str, ...]:
    return tuple(sorted({w for ws in column_words().values() for w in ws if len(w) >= 2}, key=len, reverse=True))


def header_words(text: str) -> list[str] | None:
    """A header line whose separators were lost (序号工作任务牵头单位…), cut into header words."""
    words = _header_vocabulary()
    out, pos = [], 0
    while pos < len(text):
        if not text.startswith(words, pos):
            return None  # asked about short lines everywhere: most fail here, in one call
        w = next(w for w in words if text.startswith(w, pos))  # the longest
        out.append(w)
        pos += len(w)
    return out


def detect_header(line: Line) -> TableHeader | None:
    cells = list(line.cells) if line.cells else split_cells(line.text)
    if len(cells) < 2:
        cells = [c for c in re.split(r"\s+", line.text) if c]
    if len(cells) < 2 and len(line.text) <= 40:
        cells = header_words(line.text) or []
    if len(cells) < 2:
        return None
    meanings = tuple(column_meaning(c) if len(c) <= 12 else None for c in cells)
    unit_cols = {"lead", "co_lead", "responsible"} & set(meanings)
    if unit_cols and ("task" in meanings or "number" in meanings) and sum(m is not None for m in meanings) >= 2:
        return TableHeader(meanings, line.number)
    return None


_SUB_MEANINGS = {"lead", "co_lead", "responsible", "leader"}


def sub_header(header: TableHeader, line: Line, nxt: Line) -> TableHeader | None:
    """A header of two rows: ``责任单位`` spans two columns that the row below names
    (``牵头单位`` / ``配合单位``). The row below gives those columns their meaning, by
    position when it keeps its empty cells, else over the spanning cell and the empty
    cells after it."""
    if nxt.cells or not CELL_SEPARATOR.search(nxt.text):
        return None
    sub = list(nxt.cells) if nxt.cells else split_cells(nxt.text)
    words = [w for w in sub if w]
    meanings = [column_meaning(w) if len(w) <= 12 else None for w in words]
    if len(words) < 2 or not all(m in _SUB_MEANINGS for m in meanings):
        return None
    top = list(header.meanings)
    cells = list(line.cells) if line.cells else split_cells(line.text)
    if len(sub) == len(top):
        merged = [column_meaning(w) if w else t for w, t in zip(sub, top, strict=True)]
        return TableHeader(tuple(merged), header.line)
    # the spanning cell: a unit or leader column followed by empty cells, as wide as the row below
    for k, m in enumerate(top):
        span = 1
        while k + span < len(cells) and not cells[k + span]:
            span += 1
        if m in _SUB_MEANINGS and span == len(words):
            return TableHeader((*top[:k], *meanings, *top[k + span :]), header.line)
    return None


_CARRIED = {"lead", "co_lead", "responsible", "leader", "deadline"}


UNIT_COLUMNS = {"lead", "co_lead", "responsible"}


def carried_down(row: list[str], prev: list[str], header: TableHeader, last: bool) -> list[str]:
    """Cells merged over several rows keep their text in the first row only. A row shorter
    than its header takes the missing unit, leader and deadline cells from the row above:
    when the row's last cell is its deadline, the merged cells are those after the task (a
    merged 主办单位 cell); otherwise they are the last ones. A row whose unit cells are all
    empty takes them, and its other empty unit, leader and deadline cells, from the row
    above; a row naming any unit of its own keeps its empty cells empty. The last row of a
    document cut off mid-sentence takes nothing."""
    meanings = header.meanings[1:] if header.meanings and header.meanings[0] == "number" else header.meanings
    if not row or len(prev) < len(meanings):
        return row
    filled = row
    gap = len(meanings) - len(row)
    if gap > 0:
        if (len(row) >= 2 and meanings[-1] == "deadline" and find_deadline(row[-1]) == row[-1]
                and all(m in _CARRIED for m in meanings[1 : 1 + gap])):
            # the row keeps its own last (deadline) cell: the merged cells are the ones
            # after the task, and the cells the row has fill the columns before its deadline
            return [row[0], *prev[1 : 1 + gap], *row[1:]]
        if last and not re.search(r"[。；！？）]$", row[-1]):
            return row
        if not all(m in _CARRIED for m in meanings[len(row) :]):
            return row
        filled = [*row, *prev[len(row) : len(meanings)]]
    units = [i for i, m in enumerate(meanings) if m in UNIT_COLUMNS and i < len(row)]
    if units and not any(row[i].strip() for i in units):
        filled = [prev[i] if i < len(meanings) and meanings[i] in _CARRIED and not c.strip() else c
                  for i, c in enumerate(filled)]
    return filled
