"""Workload artifacts written by ``kg build`` (the ``workload`` writer of :mod:`kg.pipeline.artifacts`).

Into the build folder:

* ``workload.csv`` — the ranking of :func:`kg.analysis.workload.compute_workload` (default options);
* ``responsibility_matrix.xlsx`` — tasks × units, cells 主办/协办 (the RACI-style sheet
  analysts use): one sheet per task plan, header and task columns frozen, plus a
  ``汇总`` summary sheet with each unit's counts, load and overload reason;
* ``collaboration.graphml`` / ``collaboration.gexf`` — the unit–unit network (weight =
  tasks shared), for Gephi or Cytoscape;
* ``responsibility.graphml`` — the task–unit bipartite network (edge role and share).
"""

from __future__ import annotations

import datetime
import os
import re
from collections import defaultdict
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..queries import internal_query
from ..store import Store, open_store
from .workload import (
    WorkloadReport,
    compute_workload,
    query_values,
    report_csv,
    type_label,
    write_network,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import BuildResult

__all__ = [
    "write_workload_outputs", "write_responsibility_matrix", "shared_workload", "FILES", "MAX_MATRIX_TASKS",
    "formula_like", "neutralise_csv", "neutralise_csv_cell",
]

FILES = (
    "workload.csv",
    "responsibility_matrix.xlsx",
    "collaboration.graphml",
    "collaboration.gexf",
    "responsibility.graphml",
)

# The matrix is read with queries of one or two patterns each, joined here: Oxigraph
# answers those several times faster than one query with an OPTIONAL per column.
_Q_PLAN_DOCS = internal_query("matrix_plan_docs")

_Q_PLAN_TASKS = internal_query("matrix_plan_tasks")

# The queries below read the plans the workbook holds, each in its own named graph
# (SCOPE: ``VALUES ?g { <plan> … }``): a national corpus has 100,000s of tasks, and the
# matrix holds MAX_MATRIX_TASKS.
_Q_TASKS = internal_query("matrix_tasks")

_Q_TASK_SECTIONS = internal_query("matrix_task_sections")

_Q_RESP = internal_query("matrix_resp")

_Q_WRITTEN = internal_query("matrix_written")

_Q_POSITIONS = internal_query("matrix_positions")

_Q_VIA_LABELS = internal_query("matrix_via_labels")

_Q_PARTY_LABELS = internal_query("matrix_party_labels")

LEAD, CO_LEAD = "主办", "协办"

# The matrix holds whole task plans, in title order, up to this many tasks (a national
# corpus would make a workbook no spreadsheet opens); its summary sheet says which plans
# were left out. The summary sheet always lists every unit.
MAX_MATRIX_TASKS = 20_000

# The name of the ranking in BuildResult.shared, for the report writer that runs after
# this one: it is computed once per build.
_SHARED_KEY = "workload"


def shared_workload(tmp_out: Path, result: object | None) -> WorkloadReport | None:
    """The ranking (default options) :func:`write_workload_outputs` computed for this
    build folder and ``result``, or None when it did not run for them."""
    shared = getattr(result, "shared", None)
    kept = shared.get(_SHARED_KEY) if isinstance(shared, dict) else None
    if kept is None or kept[0] != Path(tmp_out).resolve():
        return None
    return kept[1]  # type: ignore[no-any-return]


def write_workload_outputs(tmp_out: Path, result: BuildResult | None) -> None:
    """Write the workload files into the (temporary) build folder ``tmp_out``."""
    tmp_out = Path(tmp_out)
    store = open_store(tmp_out)
    try:
        report = compute_workload(store)
        shared = getattr(result, "shared", None)
        if isinstance(shared, dict):
            shared[_SHARED_KEY] = (tmp_out.resolve(), report)
        (tmp_out / "workload.csv").write_text(neutralise_csv(report_csv(report)), encoding="utf-8")
        write_responsibility_matrix(store, report, tmp_out / "responsibility_matrix.xlsx")
    finally:
        store.close()
    write_network(report.collaboration, tmp_out / "collaboration.graphml", "graphml")
    write_network(report.collaboration, tmp_out / "collaboration.gexf", "gexf")
    write_network(report.responsibility, tmp_out / "responsibility.graphml", "graphml")


# first of the artifact writers: the report reads the ranking it leaves in BuildResult.shared
write_workload_outputs.run_order = 10  # type: ignore[attr-defined]


@dataclass
class _Plan:
    iri: str
    title: str
    file: str
    tasks: list[dict[str, object]] = field(default_factory=list)


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


def write_responsibility_matrix(
    store: Store, report: WorkloadReport, path: Path, max_tasks: int | None = MAX_MATRIX_TASKS
) -> None:
    """The tasks × units matrix (主办/协办) as an Excel workbook, with a summary sheet.

    Written in openpyxl's write-only mode (rows streamed to disk, a style object only on
    the cells that carry one): ten times faster than building the sheets in memory.
    Past ``max_tasks`` tasks, whole task plans in title order up to that many; the
    summary sheet names how many were left out.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    plans: dict[str, _Plan] = {}
    for doc, title, file in sorted(query_values(store, _Q_PLAN_DOCS), key=lambda r: tuple(x or "" for x in r)):
        if doc is not None and doc not in plans:
            plans[doc] = _Plan(doc, title or "", file or doc.rsplit("/", 1)[-1])
    counts = {doc: int(n) for doc, n in query_values(store, _Q_PLAN_TASKS) if doc is not None and n is not None}
    ordered = sorted(plans.values(), key=lambda p: (p.title, p.file))
    kept: list[_Plan] = []
    n_tasks = 0
    for plan in ordered:
        n = counts.get(plan.iri, 0)
        if max_tasks is not None and kept and n_tasks + n > max_tasks:
            break
        kept.append(plan)
        n_tasks += n
    all_tasks = sum(counts.get(p.iri, 0) for p in ordered)
    scope = "VALUES ?g { " + " ".join(f"<{p.iri}>" for p in kept) + " }"

    def scoped(query: str) -> list[tuple[str | None, ...]]:
        return query_values(store, query.replace("SCOPE", scope, 1)) if kept else []

    sections: dict[str, str] = {}
    for t, section in sorted(scoped(_Q_TASK_SECTIONS), key=lambda r: tuple(x or "" for x in r)):
        if t is not None and section is not None:
            sections.setdefault(t, section)
    seen_tasks: set[str] = set()
    for t, doc, ord_, num, text in sorted(scoped(_Q_TASKS), key=lambda r: tuple(x or "" for x in r)):
        plan = plans.get(doc or "")
        if plan is None or t is None or t in seen_tasks:
            continue
        seen_tasks.add(t)
        plan.tasks.append({
            "iri": t, "ordinal": int(ord_) if ord_ else 0, "number": num or "", "text": text or "",
            "section": sections.get(t, ""),
        })
    labels: dict[str, str] = {}
    groups_iris: set[str] = set()
    for u, label, base in sorted(query_values(store, _Q_PARTY_LABELS), key=lambda r: tuple(x or "" for x in r)):
        if u is not None and label is not None:
            labels.setdefault(u, label)
            if base is not None and base.endswith("#UnitGroup"):
                groups_iris.add(u)
    as_written_of = dict(scoped(_Q_WRITTEN))
    position = {r: int(p) for r, p in scoped(_Q_POSITIONS) if r is not None and p is not None}
    via_label = dict(scoped(_Q_VIA_LABELS))
    rows = sorted(
        (
            (t, r, agent, role) for t, r, agent, role in scoped(_Q_RESP)
            if t in seen_tasks and r is not None and agent in labels and role is not None
        ),
        key=lambda x: (position.get(x[1], 10**9), x[1]),  # type: ignore[arg-type]
    )
    # cells[task][column label] = value; written[task] = (leads as written, co-leads as written)
    cells: dict[str, dict[str, str]] = defaultdict(dict)
    written: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    is_group: dict[str, bool] = {}
    for t, r, agent, role in rows:
        assert t is not None and r is not None and agent is not None and role is not None
        name = labels[agent]
        as_written, group_label = as_written_of.get(r), via_label.get(r)
        lead = role.endswith("#LeadRole")
        is_group[name] = agent in groups_iris
        value = LEAD if lead else CO_LEAD
        if group_label is not None:
            value += f"（{group_label}）"
        old = cells[t].get(name)
        if old is None or (old.startswith(CO_LEAD) and lead) or (old.endswith("）") and group_label is None):
            cells[t][name] = value
        if as_written is not None:
            lst = written[t][0 if lead else 1]
            if as_written not in lst:
                lst.append(as_written)

    rank = {u.unit: i for i, u in enumerate(report.units)}
    bold = Font(bold=True)
    lead_fill = PatternFill("solid", fgColor="F8CBAD")
    co_fill = PatternFill("solid", fgColor="DDEBF7")
    via_fill = PatternFill("solid", fgColor="EEF4FA")
    head_fill = PatternFill("solid", fgColor="F2F2F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    vertical = Alignment(text_rotation=255, horizontal="center", vertical="bottom")
    head_wrap = Alignment(vertical="bottom", wrap_text=True)
    center = Alignment(horizontal="center", vertical="top")

    wb = Workbook(write_only=True)
    summary = wb.create_sheet("汇总")  # first, written last (write-only sheets keep creation order)
    # Setting font/fill/alignment on a cell looks each up in the workbook's style tables
    # (hashing the style objects: most of the time of a big matrix); each combination is
    # looked up once here, and cells get a copy of its style indexes.
    protos: dict[tuple[int, int, int], WriteOnlyCell] = {}

    def styled(ws: object, value: object, font: Font | None = None, fill: PatternFill | None = None,
               alignment: Alignment | None = None) -> WriteOnlyCell:
        key = (id(font), id(fill), id(alignment))
        proto = protos.get(key)
        if proto is None:
            proto = protos[key] = WriteOnlyCell(summary)
            if font is not None:
                proto.font = font
            if fill is not None:
                proto.fill = fill
            if alignment is not None:
                proto.alignment = alignment
        c = WriteOnlyCell(ws, value)  # type: ignore[arg-type]
        c._style = copy(proto._style)
        if formula_like(value):
            _as_text(c)
        return c

    def plain(ws: object, values: list[object]) -> list[object]:
        """A row of unstyled values, any formula-like text a text cell."""
        return [_as_text(WriteOnlyCell(ws, v)) if formula_like(v) else v for v in values]  # type: ignore[arg-type]

    summary.freeze_panes = "C2"
    for col, width in zip("ABCDEFGHIJKLM", (6, 18, 12, 8, 8, 8, 8, 6, 6, 8, 8, 7, 70), strict=True):
        summary.column_dimensions[col].width = width
    used: set[str] = {"汇总"}
    fixed = ["序号", "章节", "任务", "主办单位（原文）", "协办单位（原文）"]
    for plan in kept:
        ws = wb.create_sheet(_sheet_name(plan.title or plan.file, used))
        tasks = sorted(plan.tasks, key=lambda x: int(x["ordinal"]))  # type: ignore[call-overload]
        names = {n for x in tasks for n in cells[str(x["iri"])]}
        units = sorted((n for n in names if not is_group.get(n)), key=lambda n: (rank.get(n, 10**6), n))
        groups = sorted(n for n in names if is_group.get(n))
        columns = units + groups
        width = len(fixed) + len(columns)
        ws.freeze_panes = f"{get_column_letter(len(fixed) + 1)}2"
        for col, w in zip("ABCDE", (6, 18, 60, 18, 18), strict=True):
            ws.column_dimensions[col].width = w
        for j in range(len(fixed) + 1, width + 1):
            ws.column_dimensions[get_column_letter(j)].width = 4.5
        ws.row_dimensions[1].height = 110
        ws.auto_filter.ref = f"A1:{get_column_letter(width)}{len(tasks) + 1}"
        ws.append(
            [styled(ws, h, bold, head_fill, head_wrap) for h in fixed]
            + [styled(ws, f"{g}（群组）" if g in groups else g, bold, head_fill, vertical) for g in columns]
        )
        for x in tasks:
            iri = str(x["iri"])
            leads, co = written[iri]
            mine = cells[iri]
            row: list[object] = [
                styled(ws, v, alignment=wrap) for v in (x["number"], x["section"], x["text"], "、".join(leads), "、".join(co))
            ]
            for n in columns:
                v = mine.get(n)
                if v:
                    fill = lead_fill if v.startswith(LEAD) else via_fill if v.endswith("）") else co_fill
                    row.append(styled(ws, v, fill=fill, alignment=center))
                else:
                    row.append(None)
            ws.append(row)

    head = ["排名", "单位", "类型", "主办（任务数）", "协办（任务数）", "负荷", "牵头负荷", "指标", "项目",
            "协作单位", "中介度", "超负荷", "原因"]
    summary.append([styled(summary, h, bold, head_fill, head_wrap) for h in head])
    lead_load = {n: d.get("lead_load", 0.0) for n, d in report.collaboration.nodes(data=True)}
    for i, u in enumerate(report.units, start=1):
        values: list[object] = [
            i, u.unit, type_label(u.type), u.lead, u.co_lead, round(u.load, 3), round(float(lead_load.get(u.iri, 0.0)), 3),
            u.indicators, u.projects, u.partners, round(u.betweenness, 4), "是" if u.overloaded else "", u.reason,
        ]
        summary.append([styled(summary, v, fill=lead_fill) for v in values] if u.overloaded else plain(summary, values))
    summary.append([])
    o = report.options
    notes: list[tuple[str, object]] = [
        ("牵头负荷基尼系数 (Gini of lead load)", round(report.gini, 4)),
        ("前5单位牵头负荷占比 (top-5 share)", round(report.top5_share, 4)),
        ("任务数 (tasks)", report.tasks),
        ("负荷公式 (load)", f"主办 {o.lead_weight:g}{'（多个主办单位平分）' if o.split_shared_lead else ''} + 协办 {o.co_lead_weight:g}（每项）"),
        ("超负荷规则 (overload)", f"负荷 > 同类单位 Q3 + {o.fence_k:g}×IQR，或位列全部单位前 {o.top_share * 100:g}%"),
    ]
    if len(kept) < len(ordered):
        left = len(ordered) - len(kept)
        notes.append((
            "矩阵范围 (matrix scope)",
            f"任务较多：矩阵只含按标题排序的前 {len(kept)} 个任务分解文件（{n_tasks} 项任务），其余 {left} 个文件"
            f"（{all_tasks - n_tasks} 项任务）未列出；全部任务见 tasks.jsonl，或 kg query。本表的单位排名含全部任务。"
            f" Only the first {len(kept)} of {len(ordered)} task plans are in this workbook; the ranking counts every task.",
        ))
    for k, v in notes:
        summary.append(plain(summary, [None, k, v]))
    if report.groups:
        summary.append([])
        summary.append([None, "群组引用（不计入单位排名）", "主办", "协办", "负荷"])
        for g in report.groups:
            summary.append(plain(summary, [None, g.unit, g.lead, g.co_lead, round(g.load, 3), None, None, None, None, None, None, None, g.reason]))
    wb.properties.created = wb.properties.modified = WORKBOOK_DATE
    wb.save(path)
    _fix_workbook_dates(path)


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


def _as_text(cell: Any) -> Any:
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


def _fix_workbook_dates(path: Path) -> None:
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
