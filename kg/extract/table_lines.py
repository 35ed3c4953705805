"""Tables flattened to lines, made whole again before segmentation: the cells of a row
(``|`` or tab separated), the number cell of a row, tables whose separators were lost
rebuilt into rows from their header's column words (:func:`rebuild_vertical_tables`), and
rows broken over several lines joined (:func:`join_broken_rows`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from ..models import Line
from ..resources import responsibility_rules
from ..text.numbering import column_meaning, number_of
from .responsibility_words import find_deadline
from .table_header import (
    CELL_SEPARATOR,
    UNIT_COLUMNS,
    detect_header,
    split_cells,
)

__all__ = ["RUN_ON_ROW", "row_number", "rebuild_vertical_tables", "join_broken_rows"]

_CELL_END = re.compile(r"\s*[|｜]\s*$")


# "1推进……" under a table header: a row whose separators were lost. A number followed by a
# unit of time or measure (12月底, 3个, 10日前, 5%) is a deadline or a figure, never a row number.
RUN_ON_ROW = re.compile(r"^(\d{1,5}) ?(?=[\u4e00-\u9fff“《★☆])(?![年月日号时个万亿])(.*)$", re.S)


# the number cell of a table row: 3, 1-1, 2.3, and as Word lists write it, 3. / 3、 / （3）
_ROW_NUMBER = re.compile(r"^(?:(\d{1,5}(?:[-－.]\d{1,3})*)[.、．]?|[（(](\d{1,5})[）)])$")


def row_number(cell: str) -> str | None:
    """The number of a table row's number cell (``3.`` → ``3``), or ``None``."""
    m = _ROW_NUMBER.match(cell.strip())
    return (m.group(1) or m.group(2)) if m else None


def _cell_text(text: str) -> str:
    if "|" not in text and "｜" not in text:
        return text.strip()  # no cell bar to drop (asked about every line: the regex is slow)
    return _CELL_END.sub("", text).strip()


_HEADER_WORD = re.compile(r"[\u4e00-\u9fff（）()]{2,8}")


def _vertical_header(lines: Sequence[Line], i: int) -> int:
    """Length of a table header written one column word per line from ``i`` (0 if none).

    A short word the column vocabulary does not know (督查科室) is a column of its own when
    the header goes on after it or the first row follows it; it is reported, not guessed."""
    meanings: list[str | None] = []
    j = i
    while j < len(lines) and not lines[j].cells and len(meanings) < 15:
        cell = _cell_text(lines[j].text)
        if not 0 < len(cell) <= 12 or _ROW_NUMBER.match(cell):
            break
        meaning = column_meaning(cell)
        if meaning is None and (not meanings or not _HEADER_WORD.fullmatch(cell)):
            break
        meanings.append(meaning)
        j += 1
    row_follows = j < len(lines) and bool(_ROW_NUMBER.match(_cell_text(lines[j].text)))
    if not row_follows:
        while meanings and meanings[-1] is None:
            meanings.pop()
    if meanings.count(None) > 2:
        return 0
    if (len(meanings) >= 3 and meanings[0] == "number" and "task" in meanings
            and {"lead", "co_lead", "responsible"} & set(meanings)):
        return len(meanings)
    return 0


@cache
def _unit_end_re() -> re.Pattern[str]:
    ends = sorted({*responsibility_rules()["unit_name_endings"], "单位", "部门", "机构", "企业", "国企"}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, ends)) + r")(?:等)?[。；]?$")


def _unit_shaped(cell: str) -> bool:
    """Whether a cell ends like a unit list (…区住建局。), not like prose or a task."""
    return _unit_end_re().search(cell) is not None and len(cell) <= 200


def _person_like(cell: str) -> bool:
    """Names of persons (张伟、李强): short items that do not end like units."""
    items = [x for x in re.split(r"[、，,\s]+", cell) if x]
    return bool(items) and all(2 <= len(x) <= 4 for x in items) and not _unit_shaped(cell)


def _fits(cell: str, meaning: str | None) -> bool:
    """Whether a cell can be in a column: a deadline only in the deadline column, persons in
    the leader column, anything else in a unit column or any other column."""
    if find_deadline(cell.rstrip("。；")) == cell.rstrip("。；"):
        return meaning == "deadline"
    if meaning == "leader":
        return _person_like(cell)
    if meaning in UNIT_COLUMNS:
        return not _person_like(cell)
    return meaning != "deadline" and not _unit_shaped(cell)


def _aligned(body: list[str], meanings: Sequence[str | None], task: int) -> list[str]:
    """A row written one cell per line with fewer cells than columns: its empty cells were
    left out (cells merged with the row above). The cells after the task go to the columns
    they fit, in order (``11月底`` to 完成时限, not to 牵头单位), the skipped columns left
    empty. When they fit where they stand, or fit nowhere, the row is left as it is; so is a
    row that ends with its deadline under a last 完成时限 column: the merged cells are then
    the ones after the task (see :func:`_carried_down`)."""
    cells, cols = body[task + 1 :], list(meanings[task + 1 :])
    if all(_fits(c, m) for c, m in zip(cells, cols, strict=False)):
        return body
    if cols and cols[-1] == "deadline" and cells and _fits(cells[-1], "deadline"):
        return body
    out = [""] * len(cols)
    pos = 0
    for c in cells:
        while pos < len(cols) and not _fits(c, cols[pos]):
            pos += 1
        if pos == len(cols):
            return body
        out[pos] = c
        pos += 1
    return [*body[: task + 1], *out]


def rebuild_vertical_tables(lines: Sequence[Line]) -> list[Line]:
    """Tables whose cell separators were lost, one cell per line (``序号`` / ``重点工作任务`` /
    ``牵头单位`` … then ``3`` / ``固定资产投资增长7.5%左右。`` / ``区发改委`` …), rebuilt as rows.

    A header is a run of lines that are each a column word, starting with the number
    column; a row starts at a line that is only a number and takes the following lines as
    its cells, up to the next row number, a numbered heading or the header's width. A row
    with more lines than columns before the next row gives the extra lines to its task
    cell (a task of several paragraphs). Cells may end with ``|``.

    >>> rows = rebuild_vertical_tables([Line(i + 1, t) for i, t in enumerate(
    ...     ["序号", "工作任务", "牵头单位", "1", "推进改革。", "区发改委"])])
    >>> [(r.number, r.cells) for r in rows]
    [(1, ('序号', '工作任务', '牵头单位')), (4, ('1', '推进改革。', '区发改委'))]
    """
    out: list[Line] = []
    i = 0
    width = 0
    task_col = 1
    col_meanings: list[str | None] = []
    bars = False
    while i < len(lines):
        ln = lines[i]
        k = _vertical_header(lines, i) if not ln.cells else 0
        if not k and any(_ROW_NUMBER.match(_cell_text(x.text)) for x in lines[i + 1 : i + 4]):
            # a header on one line (cells, tabs or words run together), rows one cell per line
            hdr = detect_header(ln)
            if hdr is not None and "number" in hdr.meanings[:1]:
                out.append(ln)
                width = len(hdr.meanings)
                col_meanings = list(hdr.meanings)
                bars = bool(_CELL_END.search(ln.text))
                task_col = hdr.meanings.index("task") if "task" in hdr.meanings else 1
                i += 1
                continue
        if k:
            words = tuple(_cell_text(x.text) for x in lines[i : i + k])
            bars = all(_CELL_END.search(x.text) for x in lines[i : i + k])
            out.append(Line(ln.number, " | ".join(words), ln.location, words))
            width = k
            col_meanings = [column_meaning(w) for w in words]
            task_col = col_meanings.index("task") if "task" in col_meanings else 1
            i += k
            continue
        m = _ROW_NUMBER.match(_cell_text(ln.text)) if width and not ln.cells else None
        if m is None:
            if width and out and out[-1].cells and number_of(ln.text) is None:
                width = 0  # prose after the last row: the table has ended
            out.append(ln)
            i += 1
            continue
        body, j = _row_cells(lines, i, width, bars, task_col, col_meanings)
        cells = (m.group(1) or m.group(2), *body)
        out.append(Line(ln.number, " | ".join(cells), ln.location, cells))
        i = j
    return out



def _row_cells(
    lines: Sequence[Line], i: int, width: int, bars: bool, task_col: int, col_meanings: list[str | None],
) -> tuple[list[str], int]:
    """The cells after the number of the vertical row starting at ``lines[i]`` (one line
    each, up to the next row number or numbered heading), and the index of the line after
    the row. Extra lines join the task cell when the cell after it reads as a unit list;
    too few are aligned with the columns they fit."""
    j = i + 1
    body: list[str] = []
    open_cell = False  # with | ending each cell, a line without it runs on into the next
    while j < len(lines) and not lines[j].cells:
        cell = _cell_text(lines[j].text)
        n = number_of(cell)
        if not open_cell and (
            _ROW_NUMBER.match(cell) or (n is not None and n[0] in ("chapter", "cn_dun", "cn_paren"))
        ):
            break
        if open_cell:
            body[-1] += "\n" + cell
        else:
            body.append(cell)
        open_cell = bars and not _CELL_END.search(lines[j].text)
        j += 1
    more_rows = j < len(lines) and bool(_ROW_NUMBER.match(_cell_text(lines[j].text)))
    if len(body) > width - 1:
        extra = len(body) - (width - 1)
        t = task_col - 1
        merged = body[:t] + ["\n".join(body[t : t + extra + 1])] + body[t + extra + 1 :]
        # a task cell of several paragraphs when the cell after it reads as a unit list;
        # otherwise the lines after the row's cells are prose after the table
        u = next((k - 1 for k, mm in enumerate(col_meanings) if mm in ("lead", "co_lead", "responsible")), t + 1)
        if more_rows and u < len(merged) and _unit_shaped(merged[u]):
            body = merged
        else:
            j = i + 1 + (width - 1)  # the lines after the last row are not in the table
            body = body[: width - 1]
    elif len(body) < width - 1:
        body = _aligned(body, col_meanings[1:], task_col - 1)
    return body, j


def join_broken_rows(lines: Sequence[Line]) -> list[Line]:
    r"""Rows of a tab- or ``|``-separated table whose task cell was broken over several lines
    (a line break inside the cell): the row's first line starts with its number and has too
    few cells, the next lines have no number. They are joined when together they make
    exactly the header's number of cells; otherwise they are left as they are.

    >>> rows = join_broken_rows([Line(1, "序号\t工作任务\t牵头单位"), Line(2, "1\t推进城市更新，"),
    ...                          Line(3, "新增停车位2000个。\t区住建局")])
    >>> [(r.number, r.text) for r in rows]
    [(1, '序号\t工作任务\t牵头单位'), (2, '1\t推进城市更新，\n新增停车位2000个。\t区住建局')]
    """
    out: list[Line] = []
    width = 0
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.cells or not CELL_SEPARATOR.search(ln.text):
            out.append(ln)
            i += 1
            continue
        cells = split_cells(ln.text)
        if row_number(cells[0]) is None:
            hdr = detect_header(ln)
            if hdr is not None:
                width = len(hdr.meanings)
            out.append(ln)
            i += 1
            continue
        text, n, j = ln.text, len(cells), i + 1
        while width and n < width and j < len(lines) and j - i <= 5 and not lines[j].cells:
            nxt = lines[j].text
            if number_of(nxt) is not None or not nxt.strip():
                break
            n += len(split_cells(nxt)) - 1
            text += "\n" + nxt
            j += 1
        if width and n == width and j > i + 1:
            out.append(Line(ln.number, text, ln.location))
            i = j
        else:
            out.append(ln)
            i += 1
    return out
