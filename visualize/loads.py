"""The load of each unit the report and the views show: from the workload analysis
(:func:`kg.analysis.workload.compute_workload`), from the build's ``workload.csv``, or a
plain count when there is no analysis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.analysis.facts import Facts
from kg.analysis.workload import WorkloadOptions, WorkloadReport, compute_workload
from kg.analysis.workload_outputs import shared_workload

from .data import ViewData
from .style import LoadInfo

__all__ = ["open_store", "workload", "lead_loads", "load_infos", "loads_from_csv"]


def open_store(out: Path) -> Any:
    from kg.store import open_store as _open

    return _open(out)


def workload(
    store: Any, data: ViewData, out: Path | None = None, result: Any = None, options: WorkloadOptions | None = None,
    facts: Facts | None = None,
) -> tuple[WorkloadReport | None, str]:
    """The workload ranking under ``options`` (default :class:`WorkloadOptions`), with the
    reason there is none (no task of a task plan); ``facts``, when read already, are not
    read again."""
    if not data.tasks:
        return None, "没有任务分解文件中的任务（no tasks of a task plan in this build）"
    if options is not None and options != WorkloadOptions():
        return compute_workload(store, options, facts=facts), ""
    # the ranking the workload writer already computed for this build, if it ran
    shared = shared_workload(out, result) if out is not None else None
    return (shared if shared is not None else compute_workload(store, facts=facts)), ""


def lead_loads(report: Any) -> dict[str, float]:
    g = getattr(report, "collaboration", None)
    if g is None:
        return {}
    return {str(n): float(d.get("lead_load", 0.0)) for n, d in g.nodes(data=True)}


def load_infos(report: Any | None, data: ViewData) -> dict[str, LoadInfo]:
    """Per unit IRI: its load, rank and overload flag from the workload report, or — when
    kg.analysis.workload is missing — a plain count (lead 1, co-lead 0.5) so that views still size."""
    if report is not None:
        return {
            u.iri: LoadInfo(float(u.load), float(u.lead), float(u.co_lead), rank, bool(u.overloaded), u.reason_zh,
                            u.reason_en, float(u.direct_load), float(u.expanded_load))
            for rank, u in enumerate(report.units, start=1)
        }
    out: dict[str, list[float]] = {}
    for t in data.tasks.values():
        for u in t.lead:
            out.setdefault(u, [0.0, 0.0])[0] += 1
        for u in t.co_lead:
            if u not in t.lead:
                out.setdefault(u, [0.0, 0.0])[1] += 1
    ranked = sorted(
        ((u, a + 0.5 * b, a, b) for u, (a, b) in out.items() if u in data.units and not data.units[u].is_group),
        key=lambda x: (-x[1], data.units[x[0]].label),
    )
    return {u: LoadInfo(load, a, b, i) for i, (u, load, a, b) in enumerate(ranked, start=1)}


def loads_from_csv(out: Path) -> dict[str, LoadInfo]:
    """Load, rank and verdict per unit IRI from the build's ``workload.csv`` (so that
    drawing one more view does not recompute the ranking); empty when there is none (or it
    is an older build's, without the direct and expanded loads)."""
    import csv

    path = out / "workload.csv"
    if not path.is_file():
        return {}
    loads = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:  # (with or without a BOM)
        for rank, row in enumerate(csv.DictReader(fh), start=1):
            try:
                loads[row["iri"]] = LoadInfo(
                    float(row["load"]), float(row["lead"]), float(row["co_lead"]), rank,
                    row["overloaded"] == "true", row["reason_zh"], row["reason_en"],
                    float(row["direct_load"]), float(row["expanded_load"]),
                )
            except (KeyError, ValueError):
                return {}
    return loads
