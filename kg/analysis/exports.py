"""The workload as tables: the ranking (CSV, JSON) and the long assignments table (one row
per unit and task, for pivot tables), and the CSV text a build writes for Excel.

``workload.csv`` and ``kg workload --format csv`` keep English column names (a machine
contract); the assignments table has headers Chinese first, English beside, and its role
and type cells carry the labels of :mod:`kg.labels`. Files a build writes start with a
UTF-8 BOM (:func:`excel_csv`): Excel on a Chinese Windows reads a CSV without one as GBK.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from ..labels import label
from ..spreadsheet import FORMULA_START, neutralise_csv, neutralise_csv_cell
from .workload_rows import Ranking, UnitLoad

__all__ = [
    "CSV_COLUMNS", "ASSIGNMENT_COLUMNS", "report_rows", "report_csv", "report_json", "assignment_rows",
    "assignments_csv", "excel_csv", "write_excel_csv", "write_assignments_csv", "document_name", "BOM",
]

CSV_COLUMNS = (
    "rank", "unit", "type", "region", "lead", "co_lead", "load", "direct_load", "expanded_load", "overloaded",
    "verdict", "reason_zh", "reason_en", "lead_load", "indicators", "projects", "partners", "degree",
    "betweenness", "type_label", "iri",
)

# (header, key): Chinese first, English beside
ASSIGNMENT_COLUMNS = (
    ("序号 no", "no"), ("编号 task_id", "task_id"), ("章节 section", "section"), ("任务 task", "task"),
    ("单位 unit", "unit"), ("类型 type", "type"), ("角色 role", "role"), ("经由群组 via_group", "via_group"),
    ("直接份额 direct_share", "direct_share"), ("含群组份额 expanded_share", "expanded_share"),
    ("文件 document", "document"), ("地区 region", "region"),
)

BOM = "\ufeff"


def document_name(iri: str) -> str:
    """A document's short name: the last segment of its IRI (its file name without suffix)."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _row(rank: int, u: UnitLoad) -> dict[str, object]:
    row: dict[str, object] = {k: getattr(u, k) for k in CSV_COLUMNS if k not in ("rank", "type_label")}
    row["rank"] = rank
    row["type_label"] = label("unit_type", u.type)
    return row


def report_rows(report: Ranking) -> list[dict[str, object]]:
    """The ranking, one dict per unit with the keys of :data:`CSV_COLUMNS`."""
    return [_row(i, u) for i, u in enumerate(report.units, start=1)]


def report_csv(report: Ranking, lineterminator: str = "\n") -> str:
    """The ranking as CSV, one row per unit (group references are not units: see JSON)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator=lineterminator)
    w.writeheader()
    for row in report_rows(report):
        row["overloaded"] = "true" if row["overloaded"] else "false"
        w.writerow(row)
    return buf.getvalue()


def _detail(u: UnitLoad) -> dict[str, object]:
    return {
        "documents": [asdict(d) for d in u.documents],
        "tasks": [asdict(t) for t in u.tasks],
    }


def report_json(report: Ranking) -> dict[str, object]:
    """The whole report as JSON-ready data: options, concentration, units (each with its
    per-document loads and the tasks and shares behind them), groups, network size."""
    return {
        "options": asdict(report.options),
        "tasks": report.tasks,
        "gini": report.gini,
        "top5_share": report.top5_share,
        "units": [_row(i, u) | _detail(u) for i, u in enumerate(report.units, start=1)],
        "groups": [
            {k: getattr(g, k) for k in CSV_COLUMNS if k not in ("rank", "type_label")} | _detail(g)
            for g in report.groups
        ],
        "collaboration": {
            "nodes": report.collaboration.number_of_nodes(),
            "edges": report.collaboration.number_of_edges(),
        },
    }


def assignment_rows(report: Ranking) -> list[dict[str, object]]:
    """The long table: one row per unit and task it carries (direct or via a group), in
    document and task order. Summing ``direct_share`` per unit gives its direct load,
    ``expanded_share`` its expanded load. Group references have no rows (their members do).
    ``no`` is the task's position in its document (a number, so that it sorts as one),
    ``task_id`` its number as written."""
    keyed: list[tuple[tuple[str, int, str, int], dict[str, object]]] = []
    names: dict[str, str] = {}  # (each looked up once: 300,000 rows at 100k tasks)
    roles: dict[str, str] = {}
    for u in report.units:
        unit_type = label("unit_type", u.type)
        for t in u.tasks:
            doc = names.get(t.document)
            if doc is None:
                doc = names[t.document] = document_name(t.document)
            role = roles.get(t.role)
            if role is None:
                role = roles[t.role] = label("role", t.role)
            row: dict[str, object] = {
                "no": t.ordinal, "task_id": t.task_id, "section": t.section,
                "task": t.task_text, "unit": u.unit, "type": unit_type,
                "role": role, "via_group": t.via_group or "",
                "direct_share": round(t.direct_share, 6), "expanded_share": round(t.expanded_share, 6),
                "document": doc, "region": u.region,
            }
            # in document and task order; on one task, the units in ranking order
            keyed.append(((doc, t.ordinal, t.task, len(keyed)), row))
    keyed.sort(key=lambda kr: kr[0])
    return [r for _, r in keyed]


def assignments_csv(rows: list[dict[str, object]]) -> str:
    """The long table as CSV text (``\\n`` line ends), headers Chinese first."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([h for h, _ in ASSIGNMENT_COLUMNS])
    for r in rows:
        w.writerow([r[k] for _, k in ASSIGNMENT_COLUMNS])
    return buf.getvalue()


# where a cell of CSV text (at the start, after a comma or a line end, maybe quoted) could
# start with what makes it formula-like (kg.spreadsheet.FORMULA_START); a match inside a
# quoted cell only costs the full pass of neutralise_csv
_MAYBE_FORMULA = re.compile(r'(?:\A|[,\n])"?[' + re.escape("".join(FORMULA_START)) + "]")


def excel_csv(text: str) -> str:
    """CSV text for a file Excel opens: formula-like cells neutralised, a BOM in front.
    Text no cell of which could be formula-like is kept as it is (what :func:`neutralise_csv`
    gives for CSV that :mod:`csv` wrote, without reading it again)."""
    return BOM + (neutralise_csv(text) if _MAYBE_FORMULA.search(text) else text)


def write_excel_csv(path: Path, text: str) -> None:
    """Write :func:`excel_csv` of ``text`` as UTF-8 (the BOM makes Excel read it as such)."""
    path.write_text(excel_csv(text), encoding="utf-8")


def write_assignments_csv(path: Path, rows: Sequence[dict[str, object]]) -> None:
    """Write the long table as :func:`write_excel_csv` writes :func:`assignments_csv` of it
    (the same bytes), a row at a time: formula-like cells neutralised as they are written,
    never the whole text in memory (~300 MB of CSV text and its neutralised copy at 100,000
    tasks, the peak of ``kg report``)."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write(BOM)
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([neutralise_csv_cell(h) for h, _ in ASSIGNMENT_COLUMNS])
        keys = [k for _, k in ASSIGNMENT_COLUMNS]
        w.writerows([neutralise_csv_cell(v) if isinstance(v, str) else v for v in (r[k] for k in keys)] for r in rows)
