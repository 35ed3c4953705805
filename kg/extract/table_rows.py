"""Responsibility from table rows: real cells from a reader, or a row flattened to text.

A header row (序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限) gives each column its meaning;
rows are read by meaning, not position. Without a header, the usual order is assumed:
number, task, then unit columns (the first leads), then a deadline. A row whose cell
separators were lost (``1推进……。区发改委区科技局、区商务局2021年6月底前``) is split at
the end of the task sentence, then at the places where two unit names touch with no
separator between them — the trace of a lost cell boundary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from ..models import Responsibility, Role, UnitMention
from ..resources import responsibility_rules
from .gazetteer import Gazetteer
from .responsibility import parse_columns
from .responsibility_clauses import ends_with_role, parse_clauses
from .responsibility_words import find_deadline
from .unit_lists import parse_unit_list

__all__ = [
    "person_name", "row_responsibility", "split_cell_deadline", "split_cell_leaders",
    "split_lost_separators",
]

_UNIT_END = "局委办部院队所处室会厅站团司心道镇乡"
_TRAILING_DEADLINE = re.compile(
    r"(?:\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?[底末前中上下旬半年起至到—\-\d月]*|长期坚持|持续推进|长期|常态化)$"
)
_TOUCH = re.compile(rf"(?<=[{_UNIT_END}])(?=[区市县省各]|相关|有关)")


def split_lost_separators(tail: str) -> list[str]:
    """Split a run of unit lists whose cell separators were lost.

    >>> split_lost_separators("区发改委区科技局、区商务局")
    ['区发改委', '区科技局、区商务局']
    """
    parts: list[str] = []
    for chunk in _TOUCH.split(tail):
        if parts and (parts[-1].endswith("、") or chunk.startswith("、")):
            parts[-1] += chunk
        elif chunk:
            parts.append(chunk)
    return parts


@cache
def _cell_leader_re() -> re.Pattern[str]:
    labels = sorted({*responsibility_rules()["leader_labels"], "联系人"}, key=len, reverse=True)
    alt = "|".join(map(re.escape, labels))
    # a whole bracket (区住建局（责任人：张伟）) or its last clause (区人社局（牵头，分管领导：李强）)
    return re.compile(
        rf"[（(]\s*(?:{alt})\s*[：:]\s*([^（）()]*?)\s*[）)]|[，,；;]\s*(?:{alt})\s*[：:]\s*([^（）()]*?)\s*(?=[）)])"
    )


def split_cell_leaders(cell: str) -> tuple[str, list[str], list[tuple[int, int]]]:
    """Persons named with a leader label inside a unit cell: ``(cell without them, persons,
    cuts)``, each cut ``(position in the new cell, characters removed)``. Persons are
    leaders, never units.

    >>> split_cell_leaders("区人社局（牵头，分管领导：李强）、区财政局")
    ('区人社局（牵头）、区财政局', ['李强'], [(7, 8)])
    """
    out, last = "", 0
    persons: list[str] = []
    cuts: list[tuple[int, int]] = []
    for m in _cell_leader_re().finditer(cell):
        out += cell[last : m.start()]
        cuts.append((len(out), m.end() - m.start()))
        persons.extend(x for x in re.split(r"[、，,\s]+", m.group(1) or m.group(2) or "") if x)
        last = m.end()
    return out + cell[last:], persons, cuts


def _restored(m: UnitMention, cuts: Sequence[tuple[int, int, int]]) -> UnitMention:
    """A mention parsed in a cell that lost its persons, moved back to the row text."""
    shift = sum(n for at, end, n in cuts if at <= m.start < end)
    return replace(m, start=m.start + shift, end=m.end + shift) if shift else m


@cache
def _title_re() -> re.Pattern[str]:
    titles = "|".join(map(re.escape, sorted(responsibility_rules()["leader_titles"], key=len, reverse=True)))
    return re.compile(rf"^(?:[^（(）)]{{0,8}}?(?:{titles}))?[（(]?(.+?)[）)]?(?:[（(]?(?:{titles})[）)]?)?$")


def person_name(item: str) -> str:
    """A person of a leader cell without the title written around the name.

    >>> [person_name(x) for x in ("张伟副区长", "区政府副区长李强", "王芳（副县长）", "陈明")]
    ['张伟', '李强', '王芳', '陈明']
    """
    m = _title_re().match(item)
    name = m.group(1) if m else item
    # what is left must read as a name (2 to 4 characters); otherwise keep the cell as written
    return name if 2 <= len(name) <= 4 else item


def split_cell_deadline(cell: str) -> tuple[str, str | None]:
    """A unit cell that also holds the deadline, as its last clause or as the whole cell:
    ``(units, deadline)``. A deadline is never a unit.

    >>> split_cell_deadline("区发改局，2022年6月底前完成"), split_cell_deadline("区发改局、区财政局")
    (('区发改局', '2022年6月底前完成'), ('区发改局、区财政局', None))
    """
    whole = cell.strip().rstrip("。；;")
    if find_deadline(whole) == whole:
        return "", whole
    parts = re.split(r"[，,；;\s]+", whole)
    tail = parts[-1]
    dl = find_deadline(tail) if len(parts) > 1 else None
    # the deadline opens the clause and only a verb follows it (完成, 前完成, 见效)
    if dl is None or not tail.startswith(dl) or len(tail) - len(dl) > 3:
        return cell, None
    return whole[: whole.rfind(tail)].rstrip("，,；; \t"), tail


def _cells_with_offsets(cells: Sequence[str]) -> tuple[str, list[int]]:
    text, offsets = "", []
    for i, c in enumerate(cells):
        if i:
            text += " | "
        offsets.append(len(text))
        text += c
    return text, offsets


def row_responsibility(
    cells: Sequence[str],
    meanings: Sequence[str | None] | None,
    gaz: Gazetteer,
    first_listed_leads: bool = False,
) -> tuple[Responsibility, str]:
    """Responsibility and task text of one table row (cells after the number cell).

    ``meanings`` are the header's column meanings for the same cells, or ``None``.
    Returns the responsibility and the row's text (cells joined with `` | ``); unit
    offsets point into that text.
    """
    if len(cells) == 1:
        return _flattened(cells[0], meanings, gaz, first_listed_leads)
    if meanings is None:
        meanings = _guess_meanings(cells, gaz)
    cells, meanings, progress = _without_progress(cells, meanings)
    text, offsets = _cells_with_offsets(cells)
    lead: list[tuple[str, int]] = []
    co: list[tuple[str, int]] = []
    resp: list[tuple[str, int]] = []
    leaders: list[str] = []
    deadline = None
    cell_deadline = None
    stated_lead: list[UnitMention] = []
    stated_co: list[UnitMention] = []
    cuts: list[tuple[int, int, int]] = []  # (from, to, characters removed) in the row text
    for cell, off, meaning in zip(cells, offsets, meanings, strict=False):
        if not cell:
            continue
        if meaning in ("lead", "co_lead", "responsible"):
            cell, persons, cell_cuts = split_cell_leaders(cell)
            leaders.extend(persons)
            cuts.extend((off + at, off + len(cell), n) for at, n in cell_cuts)
            cell, dl = split_cell_deadline(cell)
            cell_deadline = cell_deadline or dl
            if not cell:
                continue
            # 区住建局牵头，区城管局配合: the roles written in the cell win over its column
            clauses = parse_clauses(cell, off, gaz, first_listed_leads, strict=False) if ends_with_role(cell) else None
            if clauses is not None:
                stated_lead.extend(clauses[0])
                stated_co.extend(clauses[1])
                continue
        if meaning == "lead":
            lead.append((cell, off))
        elif meaning == "co_lead":
            co.append((cell, off))
        elif meaning == "responsible":
            resp.append((cell, off))
        elif meaning == "deadline":
            deadline = cell
        elif meaning == "leader":
            leaders.extend(person_name(x) for x in re.split(r"[、，,；;\s]+", cell) if x)
    r = parse_columns(lead, co, resp, gaz, first_listed_leads)
    if stated_lead or stated_co:
        r = replace(r, lead=(*stated_lead, *r.lead), co_lead=(*stated_co, *r.co_lead))
    if cuts:
        r = replace(r, lead=tuple(_restored(m, cuts) for m in r.lead),
                    co_lead=tuple(_restored(m, cuts) for m in r.co_lead))
    return replace(r, deadline=deadline or cell_deadline, leaders=tuple(leaders), progress="\n".join(progress) or None), text


def _without_progress(
    cells: Sequence[str], meanings: Sequence[str | None]
) -> tuple[list[str], list[str | None], list[str]]:
    """``cells`` and ``meanings`` without the progress columns, and those columns' cells.

    Progress columns (进展情况, 完成情况) say what was achieved: they are kept apart from
    the task text, so that their figures are never read as the task's targets.
    """
    progress = [c for c, m in zip(cells, meanings, strict=False) if m == "progress" and c]
    kept = [(c, m) for c, m in zip(cells, meanings, strict=False) if m != "progress"]
    return [c for c, _ in kept], [m for _, m in kept], progress


def _guess_meanings(cells: Sequence[str], gaz: Gazetteer) -> list[str | None]:
    """Header-less rows: task text first, then unit lists (first leads), then a deadline."""
    meanings: list[str | None] = []
    unit_cols = 0
    for i, cell in enumerate(cells):
        units = parse_unit_list(cell, Role.LEAD, gaz, strict=True) if cell else []
        if i > 0 and units:
            meanings.append("lead" if unit_cols == 0 else "co_lead")
            unit_cols += 1
        elif i > 0 and cell and find_deadline(cell) == cell:
            meanings.append("deadline")
        else:
            meanings.append("task" if i == 0 else None)
    return meanings


@cache
def _progress_start_re() -> re.Pattern[str]:
    starts = "|".join(f"(?:{p})" for p in responsibility_rules()["progress_starts"])
    return re.compile(rf"(?<=[。；])(?:{starts})")


def _progress_span(row: str) -> tuple[int, int] | None:
    """(start, end) of the progress cell inside a flattened row: from the first sentence
    that opens like a progress report to the last sentence end before the unit names."""
    m = _progress_start_re().search(row)
    end = max(row.rfind(c) for c in "。；！？”") + 1
    if m is None or end <= m.start():
        return None
    return m.start(), end


def _flattened(
    row: str, meanings: Sequence[str | None] | None, gaz: Gazetteer, first_listed: bool
) -> tuple[Responsibility, str]:
    """A row whose separators were lost: sentence, then unit lists, then a deadline.

    Under a header with a progress column, the progress cell starts at the first sentence
    that opens like a progress report (``1-2月，…``, ``截至目前…``): it is kept apart.
    """
    if meanings and "progress" in meanings:
        split = _progress_span(row)
        if split is not None:
            s, e = split
            rest = [m for m in meanings if m != "progress"]
            r, text = _flattened(row[:s] + row[e:], rest, gaz, first_listed)
            return replace(r, progress=row[s:e]), text
    deadline = None
    body = row
    dl = _TRAILING_DEADLINE.search(row)
    if dl:
        deadline, body = dl.group(0), row[: dl.start()]
    cut = max(body.rfind(c) for c in "。；！？”")
    tail = body[cut + 1 :]
    if cut < 0 and not parse_unit_list(tail, Role.LEAD, gaz, strict=True):
        # no sentence end and no unit names: the task text alone (a row cut off, or
        # one whose unit cells are empty), not a unit
        return Responsibility(deadline=deadline, pattern="table-flattened"), row
    parts = split_lost_separators(tail)
    unit_meanings = [m for m in (meanings or []) if m in ("lead", "co_lead", "responsible")]
    base = cut + 1
    cells: list[tuple[str, int]] = []
    for p in parts:
        cells.append((p, base))
        base += len(p)
    lead: list[tuple[str, int]] = []
    co: list[tuple[str, int]] = []
    resp: list[tuple[str, int]] = []
    if not unit_meanings:
        unit_meanings = ["lead", "co_lead"]
    for i, (cell, off) in enumerate(cells):
        # more touching names than unit columns: the extra ones belong to the last column
        meaning = unit_meanings[min(i, len(unit_meanings) - 1)]
        if meaning == "lead":
            lead.append((cell, off))
        elif meaning == "co_lead":
            co.append((cell, off))
        else:
            resp.append((cell, off))
    r = parse_columns(lead, co, resp, gaz, first_listed)
    return replace(r, deadline=deadline, pattern="table-flattened"), row
