"""Stage 2: cut a document into sections and numbered items.

Numbering styles, from the outermost by convention: ``第一部分`` (chapter), ``一、`` and
articles ``第一条`` (at one level), ``（一）``, ``1.`` / ``1、``, ``1-1`` ids, ``（1）``, ``①``, and
table rows (a number in the first cell).
Which numbered items are *tasks* is not fixed by style: it is decided on the tree of
numbered items by where the responsibility clauses are (see :func:`_classify`). Items
above the tasks are section headings; items below are sub-points folded into their task.

A task runs over several paragraphs until its responsibility clause closes it (tasks
25–27 of the bundled plan); after that, unnumbered lines are not task text unless they
are labelled fields of the task (``牵头单位：…``, ``完成时限：…``).

Page noise — site navigation, metadata (索引号, 发布日期…), image names and the notice
that hands a plan out — is skipped (:func:`page_noise`, rules in
``ontology/page_noise.json``). Tables whose separators were lost, one cell per line, are
rebuilt into rows from their header's column words (:func:`rebuild_vertical_tables`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

from ..models import Line, RawItem, Section
from ..resources import page_noise as page_noise_rules
from ..resources import responsibility_rules
from ..text.numbering import STYLE_RANK, column_meaning, column_words, number_of
from .responsibility import find_deadline

__all__ = [
    "Segmentation",
    "segment_lines",
    "split_cells",
    "rebuild_vertical_tables",
    "join_broken_rows",
    "page_noise",
    "document_title",
]

def split_cells(text: str) -> list[str]:
    """Cells of a table row flattened to text (``|`` or tab separated)."""
    return [c.strip() for c in re.split(r" *(?:[|｜]\t?|\t) *", text.strip(" |｜"))]


@cache
def _noise_rules() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    d = page_noise_rules()
    labels = "|".join(map(re.escape, sorted(d["metadata_labels"], key=len, reverse=True)))
    meta = re.compile(rf"^(?:[\[【]\s*(?:{labels})\s*[\]】]|(?:{labels})\s*[：:])|(?:{labels})\s*[：:].*(?:{labels})\s*[：:]")
    nav = re.compile("|".join(f"(?:{p})" for p in d["navigation"]))
    footer = re.compile("|".join(f"(?:{p})" for p in d["footer_marks"]))
    return meta, nav, footer, re.compile(d["addressee"]), re.compile(d["signature_date"])


@cache
def _footer_label_line() -> re.Pattern[str]:
    return re.compile(page_noise_rules()["footer_label_line"])


def _is_footer(text: str, footer: re.Pattern[str]) -> bool:
    """A site footer line: a footer mark (ICP备, 版权所有…) in a line that is not a sentence."""
    return len(text) <= 200 and footer.search(text) is not None and not re.search(r"[。；！？]", text)


_BULLET = re.compile(r"^[•·●]\s*")
_TITLE_WORDS = re.compile(r"方案|分解|分工|通知|计划|报告|清单|任务|安排|意见|要点|事项|台账|[表单]$")


def page_noise(lines: Sequence[Line], is_task: Callable[[str], bool] | None = None) -> set[int]:
    """Indices of the lines that are page noise, not document text: site navigation and
    widgets (当前位置, 扫一扫, 分享到…), metadata (索引号, 发布日期, 浏览次数…), image names,
    site footers (主办单位：…　ICP备…, 版权所有…),
    and the notice that hands a plan out, from its addressee line (各区人民政府、各部门：)
    to the date under its signature — unless a numbered line in it is a task
    (``is_task``): then the plan is in the notice, and only the addressee line is noise.

    >>> [i for i in sorted(page_noise([Line(1, "索引号：11341602/2025-00023"), Line(2, "一、经济发展"),
    ...                                 Line(3, "扫一扫在手机打开当前页")]))]
    [0, 2]
    """
    meta, nav, footer, addressee, date = _noise_rules()
    out: set[int] = set()
    for i, ln in enumerate(lines):
        text = _BULLET.sub("", ln.text.strip())
        if not text.strip(" •·●-|"):
            if text != ln.text.strip():
                out.add(i)
            continue
        if meta.search(text) or nav.search(ln.text.strip()) or _is_footer(text, footer):
            out.add(i)
    # the site's owner lines next to a footer line (主办单位：… / 承办单位：… / 网站标识码：…)
    owners = _footer_label_line()
    for i, ln in enumerate(lines):
        if _is_footer(ln.text.strip(), footer):
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(lines) and (owners.match(lines[j].text.strip()) or not lines[j].text.strip()):
                    out.add(j)
                    j += step
    for i, ln in enumerate(lines):
        if addressee.match(ln.text.strip()) and not number_of(ln.text):
            end = next((j for j in range(i + 1, min(i + 30, len(lines))) if date.match(lines[j].text.strip())), None)
            inside = range(i + 1, end) if end is not None else range(0)
            if end is not None and not (is_task and any(number_of(lines[k].text) for k in inside) and is_task(
                "\n".join(lines[k].text for k in inside)
            )):
                out.update(range(i, end + 1))
            else:
                out.add(i)
    return out


def document_title(lines: Sequence[Line], noise: set[int] | frozenset[int] = frozenset()) -> str:
    """The title: the first line that is not page noise and reads as a title (方案, 分解,
    通知, 报告, …表), else the first line that is not page noise."""
    candidates = [ln.text for i, ln in enumerate(lines[:60]) if i not in noise and ln.text.strip()]
    for text in candidates:
        if (len(text) <= 80 and _TITLE_WORDS.search(text) and not re.search(r"[。；？！]$", text)
                and not (len(text) <= 8 and column_meaning(text)) and not _header_words(text)
                and not number_of(text) and not re.search(r"〔\d{4}〕\d+号$", text)):
            return text
    return candidates[0] if candidates else (lines[0].text if lines else "")


_CELL_END = re.compile(r"\s*[|｜]\s*$")
# "1推进……" under a table header: a row whose separators were lost. A number followed by a
# unit of time or measure (12月底, 3个, 10日前, 5%) is a deadline or a figure, never a row number.
_RUN_ON_ROW = re.compile(r"^(\d{1,5}) ?(?=[\u4e00-\u9fff“《★☆])(?![年月日号时个万亿])(.*)$", re.S)
# the number cell of a table row: 3, 1-1, 2.3, and as Word lists write it, 3. / 3、 / （3）
_ROW_NUMBER = re.compile(r"^(?:(\d{1,5}(?:[-－.]\d{1,3})*)[.、．]?|[（(](\d{1,5})[）)])$")


def _row_number(cell: str) -> str | None:
    """The number of a table row's number cell (``3.`` → ``3``), or ``None``."""
    m = _ROW_NUMBER.match(cell.strip())
    return (m.group(1) or m.group(2)) if m else None


def _cell_text(text: str) -> str:
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
    if meaning in _UNIT_COLUMNS:
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
            hdr = _detect_header(ln)
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
        cells = (m.group(1) or m.group(2), *body)
        out.append(Line(ln.number, " | ".join(cells), ln.location, cells))
        i = j
    return out


_SEPARATOR = re.compile(r"[\t|｜]")


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
        if ln.cells or not _SEPARATOR.search(ln.text):
            out.append(ln)
            i += 1
            continue
        cells = split_cells(ln.text)
        if _row_number(cells[0]) is None:
            hdr = _detect_header(ln)
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


@dataclass(frozen=True)
class TableHeader:
    meanings: tuple[str | None, ...]
    line: int


@dataclass
class Segmentation:
    title: str
    sections: list[Section] = field(default_factory=list)
    items: list[RawItem] = field(default_factory=list)
    numbered_items: int = 0
    task_style: str | None = None
    header: TableHeader | None = None
    orphans: list[Line] = field(default_factory=list)  # unnumbered lines outside any task
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, message) warnings


@cache
def _header_vocabulary() -> tuple[str, ...]:
    return tuple(sorted({w for ws in column_words().values() for w in ws if len(w) >= 2}, key=len, reverse=True))


def _header_words(text: str) -> list[str] | None:
    """A header line whose separators were lost (序号工作任务牵头单位…), cut into header words."""
    words = _header_vocabulary()
    out, pos = [], 0
    while pos < len(text):
        w = next((w for w in words if text.startswith(w, pos)), None)
        if w is None:
            return None
        out.append(w)
        pos += len(w)
    return out


def _detect_header(line: Line) -> TableHeader | None:
    cells = list(line.cells) if line.cells else split_cells(line.text)
    if len(cells) < 2:
        cells = [c for c in re.split(r"\s+", line.text) if c]
    if len(cells) < 2 and len(line.text) <= 40:
        cells = _header_words(line.text) or []
    if len(cells) < 2:
        return None
    meanings = tuple(column_meaning(c) if len(c) <= 12 else None for c in cells)
    unit_cols = {"lead", "co_lead", "responsible"} & set(meanings)
    if unit_cols and ("task" in meanings or "number" in meanings) and sum(m is not None for m in meanings) >= 2:
        return TableHeader(meanings, line.number)
    return None


_SUB_MEANINGS = {"lead", "co_lead", "responsible", "leader"}


def _sub_header(header: TableHeader, line: Line, nxt: Line) -> TableHeader | None:
    """A header of two rows: ``责任单位`` spans two columns that the row below names
    (``牵头单位`` / ``配合单位``). The row below gives those columns their meaning, by
    position when it keeps its empty cells, else over the spanning cell and the empty
    cells after it."""
    if nxt.cells or not _SEPARATOR.search(nxt.text):
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


@cache
def _labelled_field_re() -> re.Pattern[str]:
    d = responsibility_rules()
    labels = d["lead_labels"] + d["co_lead_labels"] + d["responsible_labels"] + d["leader_labels"] + d["deadline_labels"]
    # the bracket and colon after a label are optional: a label at the start is enough;
    # a two-character label (主办, 配合) needs its colon, else it is a verb (配合做好…)
    alternatives = "|".join(re.escape(lab) for lab in labels if len(lab) > 2)
    short = "|".join(re.escape(lab) for lab in labels if len(lab) <= 2)
    return re.compile(rf"[【\[（]?(?:{alternatives}|(?:{short})[：:])")


def _is_labelled_field(text: str) -> bool:
    return _labelled_field_re().match(text) is not None


def segment_lines(
    lines: Sequence[Line],
    has_responsibility: Callable[[str], bool],
    report: bool = False,
    paragraph_tasks: bool = False,
) -> Segmentation:
    """Cut ``lines`` into sections and numbered items.

    ``has_responsibility(text)`` tells whether a text block carries a responsibility
    clause; it decides which numbering style numbers the tasks. With ``report`` (a work
    report), every paragraph becomes an item and numbered or short unpunctuated lines are
    headings. With ``paragraph_tasks``, a plan where no numbered item is a task takes its
    paragraphs that carry a clause as tasks.
    """
    noise = page_noise(lines, None if report else has_responsibility)
    seg = Segmentation(title=document_title(lines, noise))
    skipped_numbered = [lines[i] for i in sorted(noise) if number_of(lines[i].text)]
    if skipped_numbered and not report:
        seg.notes.append((skipped_numbered[0].number, (
            f"{len(skipped_numbered)} numbered line(s) in page noise or in the notice before the plan "
            "skipped: not tasks")))
    lines = [ln for i, ln in enumerate(lines) if i not in noise]
    enumerated: dict[int, tuple[str, str, str]] = {}
    if not report:
        lines, enumerated = _split_enumerations(join_broken_rows(rebuild_vertical_tables(lines)), has_responsibility)
    numbered = _article_run([(i, enumerated.get(i) or number_of(ln.text)) for i, ln in enumerate(lines)])
    for i, ln in enumerate(lines):
        number = _row_number(ln.cells[0]) if ln.cells and numbered[i][1] is None else None
        if number is not None:
            numbered[i] = (i, ("row", number, " | ".join(ln.cells[1:])))
    seg.numbered_items = sum(1 for _, n in numbered if n is not None)
    if report:
        return _segment_report(lines, numbered, seg)

    # Table headers: each one gives the meaning of the columns of the rows below it.
    headers: dict[int, TableHeader] = {}
    for i, ln in enumerate(lines):
        if numbered[i][1] is None or numbered[i][1][0] != "row":  # type: ignore[index]
            hdr = _detect_header(ln)
            if hdr:
                headers[i] = hdr
                words = list(ln.cells) if ln.cells else split_cells(ln.text)
                unknown = [w for w, m in zip(words, hdr.meanings, strict=False) if m is None and w.strip()]
                if len(words) == len(hdr.meanings) and unknown:
                    seg.notes.append((ln.number, (
                        f"table column(s) {'、'.join(unknown)} not understood: their cells are neither "
                        "task text nor units (add the header word to ontology/columns.json)")))
    for i in sorted(headers):
        sub = _sub_header(headers[i], lines[i], lines[i + 1]) if i + 1 < len(lines) and i + 1 not in headers else None
        if sub is not None:
            headers[i] = headers[i + 1] = sub
    if headers:
        seg.header = headers[min(headers)]
        # under a table header, "1推进……" is a row whose cell separators were lost
        first = min(headers)
        for i, ln in enumerate(lines):
            if i <= first or ln.cells or (numbered[i][1] is not None and numbered[i][1][0] == "row"):  # type: ignore[index]
                continue
            m = _RUN_ON_ROW.match(ln.text)
            if numbered[i][1] is None and m:
                numbered[i] = (i, ("row", m.group(1), m.group(2)))
                continue
            # a row whose number cell reads 1. / 1、 / （1）: cells after the number
            cells = split_cells(ln.text) if re.search(r"[\t|｜]", ln.text) else []
            number = _row_number(cells[0]) if len(cells) >= 2 else None
            if number is not None:
                numbered[i] = (i, ("row", number, " | ".join(cells[1:])))
        seg.numbered_items = sum(1 for _, n in numbered if n is not None)

    roles = _classify(lines, numbered, has_responsibility, seg.header is not None)
    task_styles = Counter(numbered[i][1][0] for i, r in roles.items() if r == "task")  # type: ignore[index]
    seg.task_style = task_styles.most_common(1)[0][0] if task_styles else None

    section_stack: list[Section] = []
    current: dict[str, object] | None = None  # the open task being collected
    closed = True
    header: TableHeader | None = None
    prev_row: list[str] = []
    awaiting_value = False

    def flush() -> None:
        nonlocal current
        if current is not None:
            seg.items.append(
                RawItem(
                    ordinal=len(seg.items) + 1,
                    number=str(current["number"]),
                    style=str(current["style"]),
                    line=int(current["line"]),  # type: ignore[call-overload]
                    text="\n".join(current["texts"]),  # type: ignore[arg-type]
                    section=int(current["section"]) if current["section"] is not None else None,  # type: ignore[call-overload]
                    cells=tuple(current["cells"]),  # type: ignore[arg-type]
                    columns=current["columns"],  # type: ignore[arg-type]
                )
            )
        current = None

    for idx, ln in enumerate(lines):
        n = numbered[idx][1]
        if idx in headers:
            flush()
            header = headers[idx]
            closed = True
            continue
        role = roles.get(idx)
        if n is not None and role == "heading":
            flush()
            level = STYLE_RANK[n[0]]
            while section_stack and section_stack[-1].level >= level:
                section_stack.pop()
            sec = Section(
                ordinal=len(seg.sections) + 1, number=n[1], title=n[2].strip() or ln.text,
                line=ln.number, level=level, parent=section_stack[-1].ordinal if section_stack else None,
            )
            seg.sections.append(sec)
            section_stack.append(sec)
            closed = True
            prev_row = []  # a cell merged over rows never spans a section row
            continue
        if n is not None and role == "prose":
            flush()
            closed = True
            seg.orphans.append(ln)
            continue
        if n is not None and role == "task":
            flush()
            awaiting_value = False
            # a task at the level of a heading before it is not inside that heading's section
            while section_stack and section_stack[-1].level >= STYLE_RANK[n[0]]:
                section_stack.pop()
            row_cells: list[tuple[str, ...]] = [ln.cells[1:]] if ln.cells else []
            current = {
                "number": n[1], "style": n[0], "line": ln.number, "texts": [n[2] if not ln.cells else ln.text],
                "section": section_stack[-1].ordinal if section_stack else None, "cells": row_cells,
                "columns": header.meanings if header is not None and n[0] == "row" else None,
            }
            if ln.cells:
                current["texts"] = [" | ".join(ln.cells[1:])]
            if header is not None and n[0] == "row":
                row = list(ln.cells[1:]) if ln.cells else split_cells(n[2])
                filled = _carried_down(row, prev_row, header, last=idx == len(lines) - 1)
                if filled is not row:
                    current["cells"] = [tuple(filled)]
                    current["texts"] = [" | ".join(filled)]
                prev_row = filled
            # a table row is complete in itself; rows continuing it have an empty first cell
            closed = n[0] == "row" or has_responsibility(n[2])
            continue
        # a deeper numbered sub-point, or an unnumbered line
        if current is not None and (not closed or n is not None or _is_labelled_field(ln.text) or
                                    awaiting_value or (ln.cells and not ln.cells[0].strip())):
            texts = current["texts"]
            assert isinstance(texts, list)
            texts.append(ln.text if not ln.cells else " | ".join(ln.cells[1:]))
            # a label alone on its line (牵头单位：): its value is the next line
            awaiting_value = _is_labelled_field(ln.text) and bool(re.fullmatch(r"[【\[]?[^：】\]]{2,8}[】\]]?[：]?", ln.text))
            if ln.cells:
                cells_list = current["cells"]
                assert isinstance(cells_list, list)
                cells_list.append(ln.cells[1:])
            if has_responsibility("\n".join(texts)) and not ln.cells:
                closed = True
            continue
        seg.orphans.append(ln)
    flush()
    if paragraph_tasks and not seg.items:
        _paragraph_tasks(seg, has_responsibility)
    return seg


def _paragraph_tasks(seg: Segmentation, has_responsibility: Callable[[str], bool]) -> None:
    """A plan without numbering: each paragraph that carries a clause is a task (style
    ``paragraph``, numbered in order); a clause alone on its line (牵头单位：…) closes the
    paragraph before it."""
    pending: Line | None = None
    orphans: list[Line] = []
    for ln in seg.orphans:
        if ln.cells or not has_responsibility(ln.text):
            if pending is not None:
                orphans.append(pending)
            pending = ln
            continue
        texts = [ln.text]
        line = ln.number
        if _is_labelled_field(ln.text) and pending is not None:
            texts, line = [pending.text, ln.text], pending.number
        elif pending is not None:
            orphans.append(pending)
        pending = None
        n = len(seg.items) + 1
        seg.items.append(RawItem(ordinal=n, number=str(n), style="paragraph", line=line, text="\n".join(texts), section=None))
    if pending is not None:
        orphans.append(pending)
    seg.orphans = orphans
    if seg.items:
        seg.task_style = "paragraph"
        seg.notes.append((seg.items[0].line, (
            f"no numbered tasks: {len(seg.items)} unnumbered paragraph(s) with a responsibility clause read as tasks")))


_ENUM = re.compile(r"(?:(?<=[。；：！？\s])|^)([一二三四五六七八九十]{1,2})是")
_ENUM_ORDER = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")


def _enumeration(text: str) -> list[tuple[int, str]]:
    """Where the items ``一是…二是…三是…`` of a paragraph start, in order from 一是 (at least two).

    >>> _enumeration("做强旅游。一是提升民宿品质。二是办好音乐节。")
    [(5, '一是'), (14, '二是')]
    >>> _enumeration("坚持统一是前提。二是办好音乐节。")
    []
    """
    chain: list[tuple[int, str]] = []
    for m in _ENUM.finditer(text):
        if len(chain) < len(_ENUM_ORDER) and m.group(1) == _ENUM_ORDER[len(chain)]:
            chain.append((m.start(), m.group(0)))
    return chain if len(chain) >= 2 else []


def _split_enumerations(
    lines: list[Line], has_responsibility: Callable[[str], bool],
) -> tuple[list[Line], dict[int, tuple[str, str, str]]]:
    """A paragraph whose ``一是…二是…`` items each carry their own responsibility clause is
    a heading (its number and the words before 一是) over those items, each a numbered line
    of its own (style ``enum``, below every other style). A paragraph whose items share one
    clause stays whole. The same items written one per line are numbered the same way.
    Returns the lines and the numbering of the items made here.

    >>> out, nums = _split_enumerations([Line(3, "一、做强旅游。一是新培育民宿20家（镇文旅办负责）。"
    ...                                        "二是新增停车位800个（镇综治办负责）。")], lambda t: "负责" in t)
    >>> [ln.text for ln in out], sorted(nums.values())
    (['一、做强旅游。', '一是新培育民宿20家（镇文旅办负责）。', '二是新增停车位800个（镇综治办负责）。'], [('enum', '一是', '新培育民宿20家（镇文旅办负责）。'), ('enum', '二是', '新增停车位800个（镇综治办负责）。')])
    """
    out: list[Line] = []
    numbering: dict[int, tuple[str, str, str]] = {}
    for ln in lines:
        n = None if ln.cells else number_of(ln.text)
        rest = n[2] if n is not None else ln.text
        chain = [] if ln.cells else _enumeration(rest)
        starts = [p for p, _ in chain] + [len(rest)]
        pieces = [rest[starts[k] : starts[k + 1]].strip() for k in range(len(chain))]
        if sum(1 for p in pieces if has_responsibility(p)) < 2:
            out.append(ln)
            continue
        head = ln.text[: len(ln.text) - len(rest)] + rest[: starts[0]].strip()
        if head.strip():
            out.append(Line(ln.number, head, ln.location))
        for (_, word), piece in zip(chain, pieces, strict=True):
            numbering[len(out)] = ("enum", word, piece[len(word) :])
            out.append(Line(ln.number, piece, ln.location))
    # the same items one per line (一是…（A负责） / 二是…（B负责）): a run from 一是, in order
    run: list[int] = []
    for i, ln in enumerate([*out, Line(0, "")]):
        m = None if ln.cells or i in numbering or number_of(ln.text) else re.match(r"([一二三四五六七八九十]{1,2})是", ln.text)
        if m and len(run) < len(_ENUM_ORDER) and m.group(1) == _ENUM_ORDER[len(run)]:
            run.append(i)
            continue
        if len(run) >= 2 and sum(1 for k in run if has_responsibility(out[k].text)) >= 2:
            for k in run:
                word = out[k].text[: out[k].text.index("是") + 1]
                numbering[k] = ("enum", word, out[k].text[len(word) :])
        run = [i] if m and m.group(1) == "一" else []
    return out, numbering


def _article_run(
    numbered: list[tuple[int, tuple[str, str, str] | None]],
) -> list[tuple[int, tuple[str, str, str] | None]]:
    """Articles (``第二条…``) number items only in a document of articles: at least two,
    one of them ``第一条``. A lone paragraph opening with 第三条 is prose.

    >>> [n for _, n in _article_run([(0, number_of("第三条高速公路建成通车。"))])]
    [None]
    """
    articles = [n[1] for _, n in numbered if n is not None and n[0] == "article"]
    if len(articles) >= 2 and ("一" in articles or "1" in articles):
        return numbered
    return [(i, None if n is not None and n[0] == "article" else n) for i, n in numbered]


_CARRIED = {"lead", "co_lead", "responsible", "leader", "deadline"}
_UNIT_COLUMNS = {"lead", "co_lead", "responsible"}


def _carried_down(row: list[str], prev: list[str], header: TableHeader, last: bool) -> list[str]:
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
    units = [i for i, m in enumerate(meanings) if m in _UNIT_COLUMNS and i < len(row)]
    if units and not any(row[i].strip() for i in units):
        filled = [prev[i] if i < len(meanings) and meanings[i] in _CARRIED and not c.strip() else c
                  for i, c in enumerate(filled)]
    return filled


def _classify(
    lines: Sequence[Line],
    numbered: list[tuple[int, tuple[str, str, str] | None]],
    has_responsibility: Callable[[str], bool],
    has_header: bool,
) -> dict[int, str]:
    """Decide for each numbered line whether it is a heading, a task or a sub-point.

    The numbered lines form a tree by style (一、 > （一） > 1. > （1） > ①). Walking it from
    the top, a node whose block carries no responsibility clause at all is a heading if
    it has children; a node with a clause is a task, unless most of its children carry
    their own clause (then they are the tasks, and it is a heading). Sub-points below a
    task are folded into it. Childless nodes without a clause are tasks when their style
    numbers tasks elsewhere (a task whose clause is missing), headings otherwise.
    Articles (第一条…) before the first and after the last that carry a clause are
    ``prose``: the purpose and closing articles of a text of articles.
    """
    idx = [i for i, n in numbered if n is not None]
    rank = {i: STYLE_RANK[numbered[i][1][0]] for i in idx}  # type: ignore[index]
    children: dict[int, list[int]] = {-1: []}
    stack: list[int] = []
    end: dict[int, int] = {}
    for i in idx:
        while stack and rank[stack[-1]] >= rank[i]:
            end[stack.pop()] = i
        children.setdefault(stack[-1] if stack else -1, []).append(i)
        children.setdefault(i, [])
        stack.append(i)
    for i in stack:
        end[i] = len(lines)
    resp: dict[int, bool] = {}

    def has(i: int) -> bool:
        if i not in resp:
            if numbered[i][1][0] == "row" and has_header:  # type: ignore[index]
                resp[i] = True
            else:
                resp[i] = has_responsibility("\n".join(ln.text for ln in lines[i : end[i]]))
        return resp[i]

    roles: dict[int, str] = {}

    def fold(i: int) -> None:
        for c in children[i]:
            roles[c] = "sub"
            fold(c)

    def visit(i: int) -> None:
        kids = children[i]
        if i >= 0 and not has(i):
            roles[i] = "heading" if kids else "pending"
            for c in kids:
                visit(c)
            return
        with_clause = [c for c in kids if has(c)]
        # clauses on most children (or on any, under a 一、 or 第一部分 heading): descend
        descend = i < 0 or (
            with_clause and (len(with_clause) * 2 > len(kids) or rank[i] <= STYLE_RANK["cn_dun"])
        )
        if descend:
            if i >= 0:
                roles[i] = "heading"
            for c in kids:
                visit(c)
        else:
            roles[i] = "task"
            fold(i)

    visit(-1)
    task_ranks = {rank[i] for i, r in roles.items() if r == "task"}
    for i, r in list(roles.items()):
        if r == "pending":
            roles[i] = "task" if rank[i] in task_ranks else "heading"
    # articles before the first one that assigns units (purpose, basis) and after the last
    # (interpretation, entry into force) are the frame of the text, not tasks
    articles = [i for i in idx if numbered[i][1][0] == "article" and roles.get(i) == "task"]  # type: ignore[index]
    assigned = [i for i in articles if has(i)]
    for i in articles:
        if assigned and (i < assigned[0] or i > assigned[-1]):
            roles[i] = "prose"
    return roles


def _segment_report(
    lines: Sequence[Line], numbered: list[tuple[int, tuple[str, str, str] | None]], seg: Segmentation
) -> Segmentation:
    """Work reports: headings are numbered lines or short lines without sentence punctuation;
    every other paragraph is a statement."""
    stack: list[Section] = []
    for idx, ln in enumerate(lines):
        n = numbered[idx][1]
        short = len(ln.text) <= 40 and not re.search(r"[。；！？]", ln.text)
        if idx == 0:
            continue  # the title
        if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", ln.text):
            continue  # a date line (signature, issue date) is neither heading nor statement
        if short and (n is not None or not re.search(r"[：，]$|^——", ln.text)):
            level = STYLE_RANK[n[0]] if n else 0
            if n is not None and n[0] == "ar_dot":
                level = 1  # a numbered heading among 一、二、 headings is at their level
            while stack and stack[-1].level >= level:
                stack.pop()
            sec = Section(
                ordinal=len(seg.sections) + 1, number=n[1] if n else "", title=(n[2] if n else ln.text).strip(),
                line=ln.number, level=level, parent=stack[-1].ordinal if stack else None,
            )
            seg.sections.append(sec)
            stack.append(sec)
            continue
        seg.items.append(
            RawItem(
                ordinal=len(seg.items) + 1, number=str(len(seg.items) + 1), style="paragraph",
                line=ln.number, text=ln.text, section=stack[-1].ordinal if stack else None,
            )
        )
    return seg
