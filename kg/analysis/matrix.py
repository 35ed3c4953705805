"""The responsibility matrix: tasks × units, cells 牵头/配合, as an Excel workbook.

One sheet per task plan (header and task columns frozen; 序号 the task's position as a
number, 编号 its number as written; a 合计 row counting each unit's tasks), a ``汇总``
summary sheet with each unit's counts, direct and expanded loads, verdict and reasons (and
a 合计 row), and, given the long table, a ``任务分工`` sheet of it for pivot tables (the rows
of the plans the workbook holds; every row is in ``assignments.csv``). Read
from the task–unit–role facts (:func:`kg.analysis.facts.read_facts`), the same the ranking
counts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from openpyxl.utils import get_column_letter

from ..labels import both, label, note
from ..queries import internal_query
from ..spreadsheet import WORKBOOK_DATE, as_text, fix_workbook_dates, formula_like
from ..store import Store, query_values
from .exports import ASSIGNMENT_COLUMNS, document_name
from .facts import Facts, TaskInfo, read_facts
from .workload import WorkloadReport, type_label

__all__ = ["write_responsibility_matrix", "plan_documents", "matrix_is_capped", "MAX_MATRIX_TASKS", "BIG_MATRIX_TASKS",
           "MAX_BIG_MATRIX_TASKS", "MAX_BIG_PLAN_SHEETS", "MAX_SHEET_ASSIGNMENTS", "LEAD", "CO_LEAD"]

_Q_PLAN_DOCS = internal_query("matrix_plan_docs")

LEAD, CO_LEAD = label("role", "lead"), label("role", "co_lead")
TOTAL = "合计"

# The matrix holds whole task plans, in title order, up to this many tasks (a national
# corpus would make a workbook no spreadsheet opens); its summary sheet says which plans
# were left out. The summary sheet always lists every unit.
MAX_MATRIX_TASKS = 20_000

# A ranking of more tasks than this is a big build (the aggregated views' threshold): its
# workbook is the 汇总 summary of every unit, and plan sheets of the largest task plans
# only, up to MAX_BIG_PLAN_SHEETS sheets and MAX_BIG_MATRIX_TASKS tasks. Hundreds of plan
# sheets are not read by anyone (they were most of the workbook's time at 100,000 tasks);
# every row is in assignments.csv and workload.csv, which the summary's note names.
BIG_MATRIX_TASKS = 20_000
MAX_BIG_MATRIX_TASKS = 2_000
MAX_BIG_PLAN_SHEETS = 20

# The 任务分工 sheet holds at most this many rows (whole tasks: the last task's rows are
# all kept), with a note row below saying that every row is in assignments.csv: its rows
# were a third of the workbook's time on a big build, and a pivot table of more rows is
# better made from the CSV.
MAX_SHEET_ASSIGNMENTS = 10_000

_FIXED = ["序号", "编号", "章节", "任务", f"{LEAD}单位（原文）", f"{CO_LEAD}单位（原文）"]


@dataclass
class _Plan:
    iri: str
    title: str
    file: str
    tasks: list[TaskInfo] = field(default_factory=list)


@dataclass
class _Grid:
    """What the plan sheets show: cells[task][column] = 主办/协办[（group）], the names as
    written per task (leads, co-leads), and which columns are group references."""

    cells: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    written: dict[str, tuple[list[str], list[str]]] = field(default_factory=lambda: defaultdict(lambda: ([], [])))
    is_group: dict[str, bool] = field(default_factory=dict)


def _sheet_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", title).strip("' ") or "plan"
    name = base[:31]
    i = 2
    while name in used or name == "汇总":
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(name)
    return name


def plan_documents(store: Store) -> list[tuple[str | None, ...]]:
    """The task plans of ``store``: (IRI, title, file name) rows, what the matrix lists."""
    return query_values(store, _Q_PLAN_DOCS)


def _plans(documents: list[tuple[str | None, ...]], facts: Facts) -> list[_Plan]:
    """Every task plan with its tasks, in title order."""
    plans: dict[str, _Plan] = {}
    for doc, title, file in sorted(documents, key=lambda r: tuple(x or "" for x in r)):
        if doc is not None and doc not in plans:
            plans[doc] = _Plan(doc, title or "", file or doc.rsplit("/", 1)[-1])
    for info in facts.tasks.values():
        if info.document in plans:
            plans[info.document].tasks.append(info)
    return sorted(plans.values(), key=lambda p: (p.title, p.file))


def _grid(facts: Facts, documents: set[str]) -> _Grid:
    grid = _Grid()
    for f in facts.assignments:
        if f.document not in documents:
            continue
        lead = f.role == "lead"
        grid.is_group[f.unit_label] = f.unit_type == "UnitGroup"
        value = LEAD if lead else CO_LEAD
        if f.via_group is not None:
            value += f"（{facts.parties[f.via_group].label}）"
        old = grid.cells[f.task].get(f.unit_label)
        # lead before co-lead, named before reached via a group
        if old is None or (old.startswith(CO_LEAD) and lead) or (old.endswith("）") and f.via_group is None):
            grid.cells[f.task][f.unit_label] = value
        if f.as_written:
            names = grid.written[f.task][0 if lead else 1]
            if f.as_written not in names:
                names.append(f.as_written)
    return grid


class _Cells:
    """Styled write-only cells. Setting font/fill/alignment on a cell looks each up in the
    workbook's style tables (hashing the style objects: most of the time of a big matrix);
    each combination is looked up once here, and cells get a copy of its style indexes."""

    def __init__(self, proto_sheet: Any) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.sheet = proto_sheet
        self.protos: dict[tuple[int, int, int], Any] = {}
        self.bold = Font(bold=True)
        self.lead_fill = PatternFill("solid", fgColor="F8CBAD")
        self.co_fill = PatternFill("solid", fgColor="DDEBF7")
        self.via_fill = PatternFill("solid", fgColor="EEF4FA")
        self.head_fill = PatternFill("solid", fgColor="F2F2F2")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.vertical = Alignment(text_rotation=255, horizontal="center", vertical="bottom")
        self.head_wrap = Alignment(vertical="bottom", wrap_text=True)
        self.center = Alignment(horizontal="center", vertical="top")

    def styled(self, ws: Any, value: object, font: Any = None, fill: Any = None, alignment: Any = None) -> Any:
        from openpyxl.cell import WriteOnlyCell

        key = (id(font), id(fill), id(alignment))
        proto = self.protos.get(key)
        if proto is None:
            proto = self.protos[key] = WriteOnlyCell(self.sheet)
            if font is not None:
                proto.font = font
            if fill is not None:
                proto.fill = fill
            if alignment is not None:
                proto.alignment = alignment
        c = WriteOnlyCell(ws, value)
        c._style = copy(proto._style)
        if formula_like(value):
            as_text(c)
        return c

    def head(self, ws: Any, value: object, alignment: Any = None) -> Any:
        return self.styled(ws, value, self.bold, self.head_fill, alignment or self.head_wrap)

    @staticmethod
    def plain(ws: Any, values: Sequence[object]) -> list[object]:
        """A row of unstyled values, any formula-like text a text cell."""
        from openpyxl.cell import WriteOnlyCell

        return [as_text(WriteOnlyCell(ws, v)) if formula_like(v) else v for v in values]


def write_responsibility_matrix(
    store: Store | None, report: WorkloadReport, path: Path, max_tasks: int | None = MAX_MATRIX_TASKS,
    facts: Facts | None = None, assignments: list[dict[str, object]] | None = None,
    documents: list[tuple[str | None, ...]] | None = None,
) -> None:
    """The tasks × units matrix (主办/协办) as an Excel workbook, with a summary sheet.

    Written in openpyxl's write-only mode (rows streamed to disk, a style object only on
    the cells that carry one): ten times faster than building the sheets in memory.
    Past ``max_tasks`` tasks, whole task plans in title order up to that many; the
    summary sheet names how many were left out. ``facts`` (read from ``store`` when
    None) are those the ranking ``report`` was computed from; ``documents``, when
    :func:`plan_documents` read them already, the task plans (then ``store`` may be None).
    """
    from openpyxl import Workbook

    if store is None and (facts is None or documents is None):
        raise ValueError("write_responsibility_matrix: no store to read the facts or the task plans from")
    facts = facts if facts is not None else read_facts(store)  # type: ignore[arg-type]
    ordered = _plans(documents if documents is not None else plan_documents(store), facts)  # type: ignore[arg-type]
    kept = _largest_plans(ordered, max_tasks) if matrix_is_capped(report.tasks) else _first_plans(ordered, max_tasks)
    grid = _grid(facts, {p.iri for p in kept})

    wb = Workbook(write_only=True)
    summary = wb.create_sheet("汇总")  # first, written last (write-only sheets keep creation order)
    cells = _Cells(summary)
    rank = {u.unit: i for i, u in enumerate(report.units)}
    used: set[str] = {"汇总"}
    for plan in kept:
        _plan_sheet(wb.create_sheet(_sheet_name(plan.title or plan.file, used)), plan, grid, rank, cells)
    _summary_sheet(summary, report, cells, ordered, kept)
    if assignments is not None:
        # the rows of the plans the workbook holds (all of them in assignments.csv): a
        # national corpus's long table would be most of the time of the workbook
        if len(kept) < len(ordered):
            names = {document_name(p.iri) for p in kept}
            assignments = [r for r in assignments if r["document"] in names]
        _assignments_sheet(wb.create_sheet("任务分工"), assignments, cells)
    wb.properties.created = wb.properties.modified = WORKBOOK_DATE
    wb.save(path)
    fix_workbook_dates(path)


def matrix_is_capped(tasks: int) -> bool:
    """Whether the workbook of a ranking of ``tasks`` tasks holds the largest plans only."""
    return tasks > BIG_MATRIX_TASKS


def _first_plans(ordered: list[_Plan], max_tasks: int | None) -> list[_Plan]:
    """Whole plans in title order, up to ``max_tasks`` tasks (at least one plan)."""
    kept: list[_Plan] = []
    for plan in ordered:
        if max_tasks is not None and kept and sum(len(p.tasks) for p in kept) + len(plan.tasks) > max_tasks:
            break
        kept.append(plan)
    return kept


def _largest_plans(ordered: list[_Plan], max_tasks: int | None) -> list[_Plan]:
    """A big build's plan sheets: the plans with most tasks (then in title order), whole,
    up to MAX_BIG_PLAN_SHEETS plans and MAX_BIG_MATRIX_TASKS tasks (at least one plan),
    shown in title order."""
    cap = MAX_BIG_MATRIX_TASKS if max_tasks is None else min(max_tasks, MAX_BIG_MATRIX_TASKS)
    chosen: set[int] = set()
    n = 0
    for i, plan in sorted(enumerate(ordered), key=lambda ip: -len(ip[1].tasks)):  # (stable: title order in a tie)
        if len(chosen) >= MAX_BIG_PLAN_SHEETS or not plan.tasks or (chosen and n + len(plan.tasks) > cap):
            break
        chosen.add(i)
        n += len(plan.tasks)
    return [p for i, p in enumerate(ordered) if i in chosen]


def _plan_sheet(ws: Any, plan: _Plan, grid: _Grid, rank: dict[str, int], c: _Cells) -> None:
    tasks = sorted(plan.tasks, key=lambda x: x.ordinal)
    names = {n for x in tasks for n in grid.cells[x.task]}
    units = sorted((n for n in names if not grid.is_group.get(n)), key=lambda n: (rank.get(n, 10**6), n))
    groups = sorted(n for n in names if grid.is_group.get(n))
    columns = units + groups
    width = len(_FIXED) + len(columns)
    ws.freeze_panes = f"{get_column_letter(len(_FIXED) + 1)}2"
    for col, w in zip("ABCDEF", (6, 6, 18, 60, 18, 18), strict=True):
        ws.column_dimensions[col].width = w
    for j in range(len(_FIXED) + 1, width + 1):
        ws.column_dimensions[get_column_letter(j)].width = 4.5
    ws.row_dimensions[1].height = 110
    ws.auto_filter.ref = f"A1:{get_column_letter(width)}{len(tasks) + 1}"  # the 合计 row stays out
    ws.append(
        [c.head(ws, h) for h in _FIXED]
        + [c.head(ws, f"{g}（群组）" if g in groups else g, c.vertical) for g in columns]
    )
    for x in tasks:
        leads, co = grid.written[x.task]
        mine = grid.cells[x.task]
        row: list[object] = [
            c.styled(ws, v, alignment=c.wrap)
            for v in (x.ordinal, x.task_id, x.section, x.task_text, "、".join(leads), "、".join(co))
        ]
        for n in columns:
            v = mine.get(n)
            if v:
                fill = c.lead_fill if v.startswith(LEAD) else c.via_fill if v.endswith("）") else c.co_fill
                row.append(c.styled(ws, v, fill=fill, alignment=c.center))
            else:
                row.append(None)
        ws.append(row)
    counts = [sum(1 for x in tasks if grid.cells[x.task].get(n)) for n in columns]
    ws.append([c.head(ws, TOTAL), None, None, c.head(ws, f"{len(tasks)} 项任务"), None, None]
              + [c.head(ws, n, c.center) for n in counts])


def _summary_sheet(ws: Any, report: WorkloadReport, c: _Cells, ordered: list[_Plan], kept: list[_Plan]) -> None:
    ws.freeze_panes = "C2"
    widths = (6, 18, 12, 12, 8, 8, 8, 8, 8, 8, 6, 6, 8, 8, 7, 60, 60)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    m = "measure"
    head = ["排名", "单位", "类型", "地区", f"{LEAD}（任务数）", f"{CO_LEAD}（任务数）", label(m, "load"),
            label(m, "direct_load"), label(m, "expanded_load"), label(m, "lead_load"), "指标", "项目",
            label(m, "partners"), label(m, "betweenness"), "超负荷", "原因", "reason"]
    ws.append([c.head(ws, h) for h in head])
    for i, u in enumerate(report.units, start=1):
        values: list[object] = [
            i, u.unit, type_label(u.type), u.region, u.lead, u.co_lead, round(u.load, 3), round(u.direct_load, 3),
            round(u.expanded_load, 3), round(u.lead_load, 3), u.indicators, u.projects, u.partners,
            round(u.betweenness, 4), "是" if u.overloaded else "", u.reason_zh, u.reason_en,
        ]
        ws.append([c.styled(ws, v, fill=c.lead_fill) for v in values] if u.overloaded else c.plain(ws, values))
    us = report.units
    ws.append([c.head(ws, v) for v in (
        TOTAL, f"{len(us)} 个单位", None, None, sum(u.lead for u in us), sum(u.co_lead for u in us),
        round(sum(u.load for u in us), 3), round(sum(u.direct_load for u in us), 3),
        round(sum(u.expanded_load for u in us), 3), round(sum(u.lead_load for u in us), 3), None, None, None, None,
        sum(u.overloaded for u in us), None, None,
    )])
    ws.append([])
    o = report.options
    notes: list[tuple[str, object]] = [
        ("牵头负荷基尼系数 (Gini of lead load)", round(report.gini, 4)),
        ("前5单位牵头负荷占比 (top-5 share)", round(report.top5_share, 4)),
        ("任务数 (tasks)", report.tasks),
        ("负荷公式 (load)", f"{LEAD} {o.lead_weight:g}{f'（多个{LEAD}单位平分）' if o.split_shared_lead else ''}"
                         f" + {CO_LEAD} {o.co_lead_weight:g}（每项）；{'按含群组负荷排名' if o.expand_groups else '按直接负荷排名'}"),
        ("超负荷规则 (overload)", f"负荷不低于 {o.min_load:g}，且：超过同类单位 Q3 + {o.fence_k:g}×IQR（同类单位不少于 "
                                 f"{o.min_type_members} 个时），或位列全部单位前 {o.top_share * 100:g}%（并列者均标出）"),
        (both(m, "direct_load"), note(m, "direct_load")),
        (both(m, "expanded_load"), note(m, "expanded_load")),
        (both(m, "partners"), note(m, "partners")),
        (both(m, "betweenness"), note(m, "betweenness")),
        (both(m, "fence"), note(m, "fence")),
    ]
    if len(kept) < len(ordered):
        notes.append(("矩阵范围 (matrix scope)", _scope_note(report, ordered, kept)))
    for k, v in notes:
        ws.append(c.plain(ws, [None, k, v]))
    if report.groups:
        ws.append([])
        ws.append([None, "群组引用（不计入单位排名）", None, None, LEAD, CO_LEAD, label(m, "load")])
        for g in report.groups:
            ws.append(c.plain(ws, [None, g.unit, None, g.region, g.lead, g.co_lead, round(g.load, 3)]
                              + [None] * 8 + [g.reason_zh, g.reason_en]))


def _scope_note(report: WorkloadReport, ordered: list[_Plan], kept: list[_Plan]) -> str:
    """What the summary says when the plan sheets hold only some of the plans."""
    left = len(ordered) - len(kept)
    n_tasks = sum(len(p.tasks) for p in kept)
    all_tasks = sum(len(p.tasks) for p in ordered)
    rest = (f"其余 {left} 个文件（{all_tasks - n_tasks} 项任务）未列出；全部任务见 tasks.jsonl，或 kg query。本表的单位排名含全部任务。"
            f"任务分工表同样只含这些文件，全部见 assignments.csv。")
    if matrix_is_capped(report.tasks):
        return (
            f"任务较多（{report.tasks} 项，超过 {BIG_MATRIX_TASKS} 项）：本工作簿的汇总表列出全部单位；矩阵只含任务最多的 "
            f"{len(kept)} 个任务分解文件（{n_tasks} 项任务，按标题排序），" + rest + "全部排名见 workload.csv。"
            f" A big build ({report.tasks} tasks): this summary lists every unit; the plan sheets hold the"
            f" {len(kept)} largest of {len(ordered)} task plans ({n_tasks} tasks); every task's units are in"
            " assignments.csv, the ranking in workload.csv."
        )
    return (
        f"任务较多：矩阵只含按标题排序的前 {len(kept)} 个任务分解文件（{n_tasks} 项任务），" + rest
        + f" Only the first {len(kept)} of {len(ordered)} task plans are in this workbook (its long table too:"
        " every row is in assignments.csv); the ranking counts every task."
    )


def _first_rows(rows: list[dict[str, object]], cap: int) -> list[dict[str, object]]:
    """The first ``cap`` rows and the rest of the last one's task."""
    if len(rows) <= cap:
        return rows
    end = cap

    def task(r: dict[str, object]) -> tuple[object, ...]:
        return r["document"], r["no"], r["task_id"]

    while end < len(rows) and task(rows[end]) == task(rows[end - 1]):
        end += 1
    return rows[:end]


def _assignments_sheet(ws: Any, all_rows: list[dict[str, object]], c: _Cells) -> None:
    """The long table (task, section, unit, type, role, via_group, shares, document), for
    pivot tables; a 合计 row of the shares below it, outside the filter; past
    :data:`MAX_SHEET_ASSIGNMENTS` rows, the first ones and a note row where the rest are."""
    rows = _first_rows(all_rows, MAX_SHEET_ASSIGNMENTS)
    ws.freeze_panes = "A2"
    for j, width in enumerate((6, 6, 18, 40, 16, 10, 6, 10, 8, 8, 18, 12), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ASSIGNMENT_COLUMNS))}{len(rows) + 1}"
    ws.append([c.head(ws, h) for h, _ in ASSIGNMENT_COLUMNS])
    for r in rows:
        ws.append(c.plain(ws, [r[k] for _, k in ASSIGNMENT_COLUMNS]))
    keys = [k for _, k in ASSIGNMENT_COLUMNS]
    total: list[object] = [None] * len(keys)
    total[0] = TOTAL
    for k in ("direct_share", "expanded_share"):
        total[keys.index(k)] = round(sum(cast(float, r[k]) for r in rows), 3)
    ws.append([c.head(ws, v) if v is not None else None for v in total])
    if len(rows) < len(all_rows):
        ws.append([c.head(ws, (
            f"本表只列出前 {len(rows)} 行（共 {len(all_rows)} 行，合计为所列各行）；全部见 assignments.csv。"
            f" Only the first {len(rows)} of {len(all_rows)} rows (the total is theirs): every row is in assignments.csv."
        ))])
