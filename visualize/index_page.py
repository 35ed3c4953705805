"""The pages of the report: what ``index.html`` and ``queries.html`` show, from the view
data, the workload ranking, the views written and the canned-query results."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.analysis import matrix, workload_outputs
from kg.analysis.networks import betweenness_sample
from kg.labels import label, note

from .charts import Bar, bar_chart, lorenz_curve
from .data import UNIT_TYPES, ViewData
from .loads import lead_loads
from .render import asset, env
from .safe import csp, strip_external
from .style import TYPE_COLORS, TYPE_EN, TYPE_ZH, LoadInfo
from .views import ViewLimits, ViewPage

if TYPE_CHECKING:  # pragma: no cover
    from kg.pipeline import BuildResult

__all__ = ["DOWNLOADS", "MAX_CHART_BARS", "MAX_WARNINGS", "VIEW_COMMAND", "manifest", "render", "index_context"]

MAX_CHART_BARS = 50
MAX_WARNINGS = 300
# The index lists the views left out on a big corpus by name, up to this many of each.
MAX_OMITTED_LISTED = 1000
# How to draw a view the build left out (OUT stands for the build folder).
VIEW_COMMAND = "python -m kg.visualize.report OUT"

# Files of the build folder worth offering to the analyst, when present.
DOWNLOADS = (
    ("workload.csv", "负荷排名表 workload ranking (CSV)"),
    ("responsibility_matrix.xlsx", "责任矩阵 responsibility matrix (Excel)"),
    ("collaboration.graphml", "协作网络 collaboration network (GraphML, for Gephi/Cytoscape)"),
    ("collaboration.gexf", "协作网络 collaboration network (GEXF)"),
    ("responsibility.graphml", "责任网络 task–unit network (GraphML)"),
    ("tasks.jsonl", "任务记录 task records (JSON Lines)"),
    ("graph.ttl", "知识图谱 knowledge graph (Turtle)"),
    ("graph.trig", "知识图谱（按文件分图）graph with named graphs (TriG)"),
    ("manifest.json", "构建清单 build manifest (JSON)"),
    ("warnings.txt", "警告 warnings (text)"),
)


def manifest(out: Path, result: BuildResult | None) -> dict[str, Any]:
    path = out / "manifest.json"
    if path.is_file():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    if result is None:
        return {}
    return {
        "summary": result.summary(),
        "documents": [],
        "warnings": [{"path": i.path, "line": i.line, "code": i.code, "message": i.message} for i in result.issues],
    }


def _num(x: float, digits: int = 2) -> str:
    if x == int(x):
        return str(int(x))
    return f"{x:.{digits}f}".rstrip("0").rstrip(".")


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _gini_words(g: float) -> str:
    if g < 0.2:
        return "负荷分布较为均衡 (fairly even)"
    if g < 0.35:
        return "负荷中度集中 (moderately concentrated)"
    if g < 0.5:
        return "负荷明显集中 (concentrated)"
    return "负荷高度集中 (highly concentrated)"


def _ranking_rows(report: Any, pages_by_key: Mapping[str, ViewPage]) -> list[dict[str, Any]]:
    rows = []
    leads = lead_loads(report)
    for rank, u in enumerate(report.units, start=1):
        page = pages_by_key.get(u.iri)
        rows.append({
            "rank": rank,
            "unit": u.unit,
            "href": page.file if page else "",
            "type": TYPE_ZH.get(u.type, u.type),
            "type_en": TYPE_EN.get(u.type, ""),
            "color": TYPE_COLORS.get(u.type, TYPE_COLORS["OtherUnit"]),
            "lead": u.lead,
            "co_lead": u.co_lead,
            "load": _num(float(u.load)),
            "load_value": float(u.load),
            "lead_load": _num(leads.get(u.iri, 0.0)),
            "indicators": u.indicators,
            "projects": u.projects,
            "partners": u.partners,
            "betweenness": f"{float(u.betweenness):.3f}",
            "overloaded": bool(u.overloaded),
            "reason": u.reason_zh,
            "reason_en": u.reason_en,
            "direct_load": _num(float(u.direct_load)),
            "expanded_load": _num(float(u.expanded_load)),
        })
    return rows


def _chart(report: Any, pages_by_key: Mapping[str, ViewPage]) -> tuple[str, int]:
    leads = lead_loads(report)
    bars = []
    for u in report.units[:MAX_CHART_BARS]:
        lead = leads.get(u.iri, 0.0) if leads else float(u.load)
        page = pages_by_key.get(u.iri)
        bars.append(Bar(
            u.unit, lead, max(0.0, float(u.load) - lead), TYPE_COLORS.get(u.type, TYPE_COLORS["OtherUnit"]),
            bool(u.overloaded), page.file if page else "", "超负荷 overloaded" if u.overloaded else "",
            max(0.0, float(u.expanded_load) - float(u.load)),
        ))
    return bar_chart(bars, title="各单位加权负荷 Weighted load by unit", width=1100), len(report.units)


def _omitted(data: ViewData, selection: Any, section_counts: Mapping[str, int], loads: Mapping[str, LoadInfo]) -> dict[str, Any]:
    """What the index says about the views a big corpus does not get."""
    units = [
        {"label": data.units[u].label, "load": loads[u].both_loads() if u in loads else "—"}
        for u in selection.omitted_units[:MAX_OMITTED_LISTED]
    ]
    sections = []
    for s in selection.omitted_sections[:MAX_OMITTED_LISTED]:
        info = data.sections[s]
        doc = data.documents.get(info.document)
        sections.append({
            "title": info.title or info.number, "document": (doc.title or doc.name) if doc else _unslug_doc(info.document),
            "tasks": section_counts.get(s, 0),
        })
    return {
        "units": units, "n_units": len(selection.omitted_units), "drawn_units": len(selection.units),
        "sections": sections, "n_sections": len(selection.omitted_sections), "drawn_sections": len(selection.sections),
    }


def _unslug_doc(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def render(template: str, scripts: Sequence[str] = (), **context: Any) -> str:
    page = env().get_template(template).render(
        base_css=asset("base.css"), report_css=asset("report.css"), csp=csp(scripts), **context
    )
    return strip_external(page)


def _workload_context(report: Any | None, pages_by_key: Mapping[str, ViewPage]) -> dict[str, Any]:
    """The ranking, its chart, the concentration and the options of the workload analysis."""
    ctx: dict[str, Any] = {
        "ranking": [], "chart": "", "chart_note": "", "lorenz": "", "groups": [], "options": {},
        "gini": None, "gini_words": "", "top5": None, "glossary": [], "sampled": None,
    }
    if report is None:
        ctx["overloaded"] = []
        return ctx
    ctx["ranking"] = _ranking_rows(report, pages_by_key)
    ctx["chart"], n_ranked = _chart(report, pages_by_key)
    if n_ranked > MAX_CHART_BARS:
        ctx["chart_note"] = f"仅显示负荷最高的 {MAX_CHART_BARS} 个单位（共 {n_ranked} 个）。"
    gini = float(report.gini)
    ctx["gini"], ctx["gini_words"], ctx["top5"] = f"{gini:.3f}", _gini_words(gini), _pct(float(report.top5_share))
    loads = lead_loads(report)
    values = [loads.get(u.iri, 0.0) for u in report.units]
    if values and sum(values) > 0:
        ctx["lorenz"] = lorenz_curve(values, title="牵头负荷洛伦兹曲线 Lorenz curve of lead load")
    o = report.options
    ctx["options"] = {
        "lead_weight": _num(o.lead_weight), "co_lead_weight": _num(o.co_lead_weight),
        "split": o.split_shared_lead, "expand": o.expand_groups,
        "fence_k": _num(o.fence_k), "top_share": _pct(o.top_share).replace(".0%", "%"),
        "min_load": _num(o.min_load), "min_type_members": o.min_type_members,
    }
    ctx["groups"] = [
        {"unit": g.unit, "lead": g.lead, "co_lead": g.co_lead, "load": _num(float(g.load))}
        for g in getattr(report, "groups", []) or []
    ]
    ctx["overloaded"] = [r for r in ctx["ranking"] if r["overloaded"]]
    ctx["glossary"] = glossary()
    collaboration = getattr(report, "collaboration", None)
    sources = betweenness_sample(collaboration) if collaboration is not None else None
    if sources is not None:  # bounded work on a big network: the index says so
        ctx["sampled"] = {"sources": sources, "units": collaboration.number_of_nodes()}
    return ctx


GLOSSARY = ("load", "direct_load", "expanded_load", "lead_load", "partners", "betweenness", "fence")


def glossary() -> list[dict[str, str]]:
    """The measures of the ranking, each with its plain-language note (ontology/labels.csv)."""
    return [
        {"key": k, "zh": label("measure", k), "en": label("measure", k, "en"),
         "note_zh": note("measure", k), "note_en": note("measure", k, "en")}
        for k in GLOSSARY
    ]


def _downloads(out: Path, written: Collection[str] | None) -> list[tuple[str, str]]:
    """The files of :data:`DOWNLOADS` the build folder has, or will have once the workload
    writer's children are done (``written``): never what merely exists yet."""
    def there(f: str) -> bool:
        if written is not None and f in workload_outputs.FILES:
            return f in written
        return (out / f).is_file()

    return [(f, name) for f, name in DOWNLOADS if there(f)]


def _left_out_network(out: Path, report: Any | None) -> dict[str, Any] | None:
    """What the index says when the workload writer leaves responsibility.graphml out (a
    big build; the file is there when `kg export` wrote it since)."""
    w = workload_outputs
    if report is None or w.writes_responsibility_network(report.tasks) or (out / "responsibility.graphml").is_file():
        return None
    return {"tasks": report.tasks, "threshold": w.RESPONSIBILITY_NETWORK_MAX_TASKS,
            "command": w.responsibility_network_command("OUT")}


def _capped_matrix(report: Any | None) -> dict[str, Any] | None:
    """What the index says when the workbook's plan sheets hold the largest plans only."""
    m = matrix
    if report is None or not m.matrix_is_capped(report.tasks):
        return None
    return {"tasks": report.tasks, "threshold": m.BIG_MATRIX_TASKS, "sheets": m.MAX_BIG_PLAN_SHEETS,
            "max_tasks": m.MAX_BIG_MATRIX_TASKS}


def _aggregated(data: ViewData, pages: Sequence[ViewPage], limits: ViewLimits) -> dict[str, Any] | None:
    """What the index says when a big corpus got aggregated views instead of the networks."""
    if not limits.aggregated(data):
        return None
    return {"tasks": len(data.tasks), "threshold": limits.aggregate_tasks,
            "regions": sum(1 for p in pages if p.kind == "region")}


def _views_context(
    out: Path, data: ViewData, pages: Sequence[ViewPage], loads: Mapping[str, LoadInfo], selection: Any,
    limits: ViewLimits,
) -> dict[str, Any]:
    """The index's lists of views: networks, sections, units, and those left out."""
    from .views import VIEWS_DIR, VIS_FILE

    section_counts = {s: len(ts) for s, ts in data.section_tasks().items()}
    unit_rows = []
    for p in pages:
        if p.kind != "unit":
            continue
        info = data.units.get(p.key)
        li = loads.get(p.key)
        unit_rows.append({
            "label": info.label if info else p.title, "file": p.file,
            "type": TYPE_ZH.get(info.type, "") if info else "", "load": li.both_loads() if li else "—",
            "overloaded": bool(li and li.overloaded),
            "color": TYPE_COLORS.get(info.type if info else "OtherUnit", TYPE_COLORS["OtherUnit"]),
        })
    return {
        "sections": [{"title": p.title.removeprefix("章节视图："), "file": p.file, "tasks": section_counts.get(p.key, 0),
                      "nodes": p.nodes} for p in pages if p.kind == "section"],
        "unit_rows": unit_rows,
        "views": [p for p in pages if p.kind in ("responsibility", "collaboration", "types", "region")],
        "aggregated": _aggregated(data, pages, limits),
        "omitted": _omitted(data, selection, section_counts, loads),
        "view_command": VIEW_COMMAND,
        "n_views": len(pages),
        "biggest": max(pages, key=lambda p: p.nodes) if pages else None,
        "shared_vis": (out / VIEWS_DIR / VIS_FILE).is_file(),
    }


def index_context(
    out: Path, data: ViewData, report: Any | None, workload_error: str, loads: Mapping[str, LoadInfo],
    selection: Any, pages: Sequence[ViewPage], manifest: Mapping[str, Any], summary: Mapping[str, Any],
    limits: ViewLimits, written: Collection[str] | None = None,
) -> dict[str, Any]:
    """Everything ``index.html`` shows, but the canned queries.

    ``written``: the workload files written in this run (:func:`kg.analysis.workload_outputs.written_files`),
    listed whether or not the children writing them are done; None when the workload writer
    did not run now (the folder's files, as they are, are listed).
    """
    pages_by_key = {p.key: p for p in pages if p.key}
    ctx = _workload_context(report, pages_by_key)
    warnings = manifest.get("warnings") or []
    ctx.update(_views_context(out, data, pages, loads, selection, limits))
    ctx.update(
        summary=summary,
        headline=[
            ("文件", "documents", summary.get("documents", len(data.documents))),
            ("任务", "tasks", summary.get("tasks", len(data.tasks))),
            ("单位", "units", summary.get("units", len(ctx["ranking"]))),
            ("警告", "warnings", summary.get("warnings", len(warnings))),
        ],
        secondary=[
            ("章节 sections", summary.get("sections")),
            ("报告语句 report statements", summary.get("statements")),
            ("三元组 quads", summary.get("quads")),
            ("超负荷单位 overloaded units", len(ctx["overloaded"]) if report is not None else None),
        ],
        documents=manifest.get("documents") or [],
        warnings=warnings[:MAX_WARNINGS],
        n_warnings=len(warnings),
        workload_error=workload_error,
        has_tasks=bool(data.tasks),
        downloads=_downloads(out, written),
        responsibility_network=_left_out_network(out, report),
        capped_matrix=_capped_matrix(report),
        type_legend=[(TYPE_COLORS[t], zh, en) for t, zh, en in UNIT_TYPES],
    )
    return ctx
