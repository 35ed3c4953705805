"""The analyst's report: ``OUT/index.html``, ``OUT/queries.html`` and the views in ``OUT/views/``.

:func:`write_report` is an artifact writer (``report``, see :mod:`kg.pipeline.artifacts`): it runs
after the graph files, the store and the workload tables are in the temporary build
folder. It reads everything from the store, so ``python -m kg.visualize.report OUT``
rebuilds the report of an existing build folder.

The ranking comes from :func:`kg.analysis.workload.compute_workload` (imported lazily); the canned
queries and their results from :mod:`kg.queries`. Every page works from disk with no
network: no external URL, styles and scripts inline, a Content-Security-Policy that
allows nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .charts import Bar, bar_chart, lorenz_curve
from .data import UNIT_TYPES, ViewData, load_view_data
from .networks import MAX_VIEW_TASKS
from .render import asset, env
from .safe import csp, strip_external
from .style import TYPE_COLORS, TYPE_EN, TYPE_ZH, LoadInfo
from .views import (
    MAX_SECTION_VIEWS,
    MAX_UNIT_VIEWS,
    VIEWS_DIR,
    VIS_FILE,
    ViewLimits,
    ViewPage,
    select_views,
    write_views,
)

if TYPE_CHECKING:  # pragma: no cover
    from kg.pipeline import BuildResult

__all__ = ["write_report", "write_more_views", "QueryBlock", "MAX_QUERY_ROWS", "MAX_CHART_BARS", "DOWNLOADS"]

MAX_QUERY_ROWS = 100
QUERY_TIMEOUT = 10.0  # seconds for one canned query (KG_REPORT_QUERY_TIMEOUT)
QUERY_BUDGET = 60.0  # seconds for all of them (KG_REPORT_QUERY_BUDGET)
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


@dataclass
class QueryBlock:
    """A canned query with its result on this build (or the error it gave)."""

    name: str
    question: str
    notes: str
    params: list[tuple[str, str, str]]
    sparql: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    total: int = 0
    error: str = ""
    skipped: str = ""
    kind: str = "select"
    anchor: str = ""


# ---------------------------------------------------------------------------------------
# inputs


def _open_store(out: Path) -> Any:
    from kg.store import open_store

    return open_store(out)


def _workload(store: Any, data: ViewData, out: Path | None = None, result: Any = None) -> tuple[Any | None, str]:
    if not data.tasks:
        return None, "没有任务分解文件中的任务（no tasks of a task plan in this build）"
    from kg.analysis.workload import compute_workload
    from kg.analysis.workload_outputs import shared_workload

    # the ranking the workload writer already computed for this build, if it ran
    shared = shared_workload(out, result) if out is not None else None
    return (shared if shared is not None else compute_workload(store)), ""


def _lead_loads(report: Any) -> dict[str, float]:
    g = getattr(report, "collaboration", None)
    if g is None:
        return {}
    return {str(n): float(d.get("lead_load", 0.0)) for n, d in g.nodes(data=True)}


def _load_infos(report: Any | None, data: ViewData) -> dict[str, LoadInfo]:
    """Per unit IRI: its load, rank and overload flag from the workload report, or — when
    kg.analysis.workload is missing — a plain count (lead 1, co-lead 0.5) so that views still size."""
    if report is not None:
        return {
            u.iri: LoadInfo(float(u.load), float(u.lead), float(u.co_lead), rank, bool(u.overloaded), str(u.reason))
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


def _query_block(store: Any, q: Any) -> QueryBlock:
    """Run one canned query with its defaults; the first rows as display text."""
    from kg.queries import display_value, run_query

    params = [(p.name, p.default_text, p.description) for p in q.params]
    block = QueryBlock(q.name, q.question, q.notes, params, q.text, anchor=f"q-{q.name}")
    try:
        res = run_query(store, q)
    except Exception as exc:  # a broken query is shown, not fatal to the build
        block.error = f"{type(exc).__name__}: {exc}"
        return block
    block.kind = res.kind
    if res.kind == "ask":
        block.columns = ["answer"]
        block.rows = [["true" if res.boolean else "false"]]
        block.total = 1
    elif res.kind == "graph":
        block.columns = ["subject", "predicate", "object"]
        block.rows = [[display_value(t) for t in tr] for tr in res.triples[:MAX_QUERY_ROWS]]
        block.total = len(res.triples)
    else:
        block.columns = list(res.variables)
        block.rows = [[display_value(t) for t in row] for row in res.rows[:MAX_QUERY_ROWS]]
        block.total = len(res.rows)
        block.numeric = [
            bool(res.rows) and all(
                row[i] is None or (row[i].kind == "literal" and isinstance(row[i].python, int | float)
                                   and not isinstance(row[i].python, bool))
                for row in res.rows
            )
            for i in range(len(res.variables))
        ]
    if not block.numeric:
        block.numeric = [False] * len(block.columns)
    return block


def _query_worker(out: str, names: list[str], conn: Any, parent: int) -> None:
    """Child process: run the named canned queries in order, reporting each as it goes.
    It ends with its parent (also when that is killed), quietly when the parent stops
    listening."""
    from kg.queries import list_queries

    from kg.pipeline import die_with_parent

    die_with_parent(parent)
    try:
        store = _open_store(Path(out))
        try:
            by_name = {q.name: q for q in list_queries()}
            for name in names:
                conn.send(("start", name))
                conn.send(("done", name, _query_block(store, by_name[name])))
        finally:
            store.close()
        conn.send(("end",))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the build was stopped while the report was being written: nobody listens
    finally:
        conn.close()


def _queries(out: Path) -> tuple[list[QueryBlock], str]:
    """Every canned query and its result on this build.

    The queries run in a child process, each with :data:`QUERY_TIMEOUT` seconds and all
    within :data:`QUERY_BUDGET`: on a big corpus a slow query is reported as skipped (with
    the command to run it) instead of holding up the build.
    """
    import os
    import time

    from kg.queries import list_queries

    queries = list_queries()
    timeout = float(os.environ.get("KG_REPORT_QUERY_TIMEOUT", QUERY_TIMEOUT))
    budget = float(os.environ.get("KG_REPORT_QUERY_BUDGET", QUERY_BUDGET))
    results: dict[str, QueryBlock] = {}
    pending = [q.name for q in queries]
    skipped: dict[str, str] = {}
    from kg.pipeline import worker_context

    # fork where it is safe: spawn would run a plain script that calls kg.pipeline.build()
    # at its top level again in the child (kg.pipeline.worker_context)
    ctx = worker_context()
    start = time.monotonic()
    while pending:
        left = budget - (time.monotonic() - start)
        if left <= 0:
            for name in pending:
                skipped[name] = f"未运行：预设查询总时限 {budget:g} 秒已用完 (time budget used up)"
            break
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_query_worker, args=(str(out), list(pending), child, os.getpid()), daemon=True)
        proc.start()
        child.close()
        current: str | None = None
        try:
            while True:
                wait = min(timeout if current else max(timeout, 60.0), budget - (time.monotonic() - start))
                if wait <= 0 or not parent.poll(wait):
                    if current is not None:
                        skipped[current] = f"未完成：超过 {timeout:g} 秒 (took longer than {timeout:g} s)"
                        pending.remove(current)
                    else:
                        for name in pending:
                            skipped[name] = "未运行 (the query process did not start)"
                        pending = []
                    break
                try:
                    msg = parent.recv()
                except EOFError:  # the child died
                    if current is not None:
                        skipped[current] = "运行出错：查询进程意外退出 (the query process died)"
                        pending.remove(current)
                    else:
                        pending = []
                    break
                if msg[0] == "start":
                    current = msg[1]
                elif msg[0] == "done":
                    results[msg[1]] = msg[2]
                    pending.remove(msg[1])
                    current = None
                else:
                    pending = [n for n in pending if n not in results]
                    break
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(10)
            parent.close()
    blocks = []
    for q in queries:
        if q.name in results:
            blocks.append(results[q.name])
            continue
        params = [(p.name, p.default_text, p.description) for p in q.params]
        block = QueryBlock(q.name, q.question, q.notes, params, q.text, anchor=f"q-{q.name}")
        block.skipped = skipped.get(q.name, "未运行")
        blocks.append(block)
    return blocks, ""


class _BackgroundQueries:
    """:func:`_queries` in a thread, so that the canned queries (in their child process)
    run while this process draws the views."""

    def __init__(self, out: Path) -> None:
        import threading

        self._result: tuple[list[QueryBlock], str] = ([], "")
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(out,), name="kg-report-queries", daemon=True)
        self._thread.start()

    def _run(self, out: Path) -> None:
        try:
            self._result = _queries(out)
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc

    def result(self) -> tuple[list[QueryBlock], str]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


def _manifest(out: Path, result: BuildResult | None) -> dict[str, Any]:
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


# ---------------------------------------------------------------------------------------
# pages


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
    lead_loads = _lead_loads(report)
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
            "lead_load": _num(lead_loads.get(u.iri, 0.0)),
            "indicators": u.indicators,
            "projects": u.projects,
            "partners": u.partners,
            "betweenness": f"{float(u.betweenness):.3f}",
            "overloaded": bool(u.overloaded),
            "reason": u.reason,
        })
    return rows


def _chart(report: Any, pages_by_key: Mapping[str, ViewPage]) -> tuple[str, int]:
    lead_loads = _lead_loads(report)
    bars = []
    for u in report.units[:MAX_CHART_BARS]:
        lead = lead_loads.get(u.iri, 0.0) if lead_loads else float(u.load)
        page = pages_by_key.get(u.iri)
        bars.append(Bar(
            u.unit, lead, max(0.0, float(u.load) - lead), TYPE_COLORS.get(u.type, TYPE_COLORS["OtherUnit"]),
            bool(u.overloaded), page.file if page else "", "超负荷 overloaded" if u.overloaded else "",
        ))
    return bar_chart(bars, title="各单位加权负荷 Weighted load by unit", width=1100), len(report.units)


def _omitted(data: ViewData, selection: Any, section_counts: Mapping[str, int], loads: Mapping[str, LoadInfo]) -> dict[str, Any]:
    """What the index says about the views a big corpus does not get."""
    units = [
        {"label": data.units[u].label, "load": _num(loads[u].load) if u in loads else "—"}
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


def _render(template: str, scripts: Sequence[str] = (), **context: Any) -> str:
    page = env().get_template(template).render(
        base_css=asset("base.css"), report_css=asset("report.css"), csp=csp(scripts), **context
    )
    return strip_external(page)


def write_report(
    tmp_out: Path,
    result: BuildResult | None = None,
    *,
    limits: ViewLimits | None = None,
) -> list[ViewPage]:
    """Write ``index.html``, ``queries.html`` and ``views/`` into the build folder ``tmp_out``.

    Unit views are drawn for the ``limits.unit_views`` units with the highest load and
    section views for the ``limits.section_views`` biggest sections (default
    :class:`ViewLimits`); the index says which were left out and how to draw one.
    """
    out = Path(tmp_out)
    background = _BackgroundQueries(out)
    store = _open_store(out)
    try:
        data = load_view_data(store)
        report, workload_error = _workload(store, data, out, result)
    finally:
        store.close()
    loads = _load_infos(report, data)
    limits = limits or ViewLimits()
    selection = select_views(data, loads, limits)
    pages = write_views(out, data, loads, selection, limits=limits)
    pages_by_key = {p.key: p for p in pages if p.key}
    queries, queries_error = background.result()
    manifest = _manifest(out, result)
    summary = dict(manifest.get("summary") or {})
    if result is not None:
        summary = {**result.summary(), **summary}

    report_js = asset("report.js")
    # -- queries.html ---------------------------------------------------------------------
    (out / "queries.html").write_text(
        _render("queries.html", [report_js], queries=queries, queries_error=queries_error,
                max_rows=MAX_QUERY_ROWS, report_js=report_js),
        encoding="utf-8",
    )
    # -- index.html -----------------------------------------------------------------------
    ranking, chart, n_ranked, lorenz, groups = [], "", 0, "", []
    gini = top5 = None
    options: dict[str, Any] = {}
    if report is not None:
        ranking = _ranking_rows(report, pages_by_key)
        chart, n_ranked = _chart(report, pages_by_key)
        gini, top5 = float(report.gini), float(report.top5_share)
        lead_loads = _lead_loads(report)
        values = [lead_loads.get(u.iri, 0.0) for u in report.units]
        if values and sum(values) > 0:
            lorenz = lorenz_curve(values, title="主办负荷洛伦兹曲线 Lorenz curve of lead load")
        o = report.options
        options = {
            "lead_weight": _num(o.lead_weight), "co_lead_weight": _num(o.co_lead_weight),
            "split": o.split_shared_lead, "expand": o.expand_groups,
            "fence_k": _num(o.fence_k), "top_share": _pct(o.top_share).replace(".0%", "%"),
        }
        groups = [
            {"unit": g.unit, "lead": g.lead, "co_lead": g.co_lead, "load": _num(float(g.load))}
            for g in getattr(report, "groups", []) or []
        ]
    overloaded = [r for r in ranking if r["overloaded"]]
    sections = [p for p in pages if p.kind == "section"]
    units = [p for p in pages if p.kind == "unit"]
    section_tasks = data.section_tasks()
    section_counts = {s: len(ts) for s, ts in section_tasks.items()}
    unit_rows = []
    for p in units:
        info = data.units.get(p.key)
        li = loads.get(p.key)
        unit_rows.append({
            "label": info.label if info else p.title, "file": p.file,
            "type": TYPE_ZH.get(info.type, "") if info else "", "load": _num(li.load) if li else "—",
            "overloaded": bool(li and li.overloaded),
            "color": TYPE_COLORS.get(info.type if info else "OtherUnit", TYPE_COLORS["OtherUnit"]),
        })
    warnings = manifest.get("warnings") or []
    downloads = [(f, label) for f, label in DOWNLOADS if (out / f).is_file()]
    biggest = max(pages, key=lambda p: p.nodes) if pages else None
    page = _render(
        "index.html", [report_js],
        summary=summary,
        headline=[
            ("文件", "documents", summary.get("documents", len(data.documents))),
            ("任务", "tasks", summary.get("tasks", len(data.tasks))),
            ("单位", "units", summary.get("units", len(ranking))),
            ("警告", "warnings", summary.get("warnings", len(warnings))),
        ],
        secondary=[
            ("章节 sections", summary.get("sections")),
            ("报告语句 report statements", summary.get("statements")),
            ("三元组 quads", summary.get("quads")),
            ("超负荷单位 overloaded units", len(overloaded) if report is not None else None),
        ],
        documents=manifest.get("documents") or [],
        warnings=warnings[:MAX_WARNINGS],
        n_warnings=len(warnings),
        ranking=ranking,
        overloaded=overloaded,
        chart=chart,
        chart_note=(f"仅显示负荷最高的 {MAX_CHART_BARS} 个单位（共 {n_ranked} 个）。" if n_ranked > MAX_CHART_BARS else ""),
        lorenz=lorenz,
        gini=None if gini is None else f"{gini:.3f}",
        gini_words=_gini_words(gini) if gini is not None else "",
        top5=None if top5 is None else _pct(top5),
        options=options,
        groups=groups,
        workload_error=workload_error,
        has_tasks=bool(data.tasks),
        queries=queries,
        queries_error=queries_error,
        sections=[{"title": p.title.removeprefix("章节视图："), "file": p.file, "tasks": section_counts.get(p.key, 0),
                   "nodes": p.nodes} for p in sections],
        unit_rows=unit_rows,
        views=[p for p in pages if p.kind in ("responsibility", "collaboration")],
        omitted=_omitted(data, selection, section_counts, loads),
        view_command=VIEW_COMMAND,
        n_views=len(pages),
        biggest=biggest,
        shared_vis=(out / VIEWS_DIR / VIS_FILE).is_file(),
        downloads=downloads,
        type_legend=[(TYPE_COLORS[t], zh, en) for t, zh, en in UNIT_TYPES],
        report_js=report_js,
    )
    (out / "index.html").write_text(page, encoding="utf-8")
    return pages


def _loads_from_csv(out: Path) -> dict[str, LoadInfo]:
    """Load, rank and overload flag per unit IRI from the build's ``workload.csv`` (so that
    drawing one more view does not recompute the ranking); empty when there is none."""
    import csv

    path = out / "workload.csv"
    if not path.is_file():
        return {}
    loads = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for rank, row in enumerate(csv.DictReader(fh), start=1):
            try:
                loads[row["iri"]] = LoadInfo(
                    float(row["load"]), float(row["lead"]), float(row["co_lead"]), rank,
                    row["overloaded"] == "true", row.get("reason") or "",
                )
            except (KeyError, ValueError):
                return {}
    return loads


def write_more_views(
    out: Path, units: Sequence[str] = (), sections: Sequence[str] = (), limits: ViewLimits | None = None
) -> list[ViewPage]:
    """Write the views of the named units and sections into an existing build folder
    (the ones a big build left out), leaving the rest of the report as it is.

    A unit is named by its name (``区科技局``) or IRI; a section by its title (every
    section with that title, in every document), a part of it, or its IRI. Raises
    ``KeyError`` for a name that matches nothing.
    """
    from .views import ViewSelection

    out = Path(out)
    store = _open_store(out)
    try:
        data = load_view_data(store)
        loads = _loads_from_csv(out)
        if not loads:
            report, _ = _workload(store, data)
            loads = _load_infos(report, data)
    finally:
        store.close()
    unit_iris: list[str] = []
    for name in units:
        found = [u.iri for u in data.units.values() if not u.is_group and name in (u.iri, u.label)]
        if not found:
            raise KeyError(f"no unit named {name!r} in this build")
        unit_iris += [u for u in found if u not in unit_iris]
    section_tasks = data.section_tasks()
    section_iris: list[str] = []
    for name in sections:
        candidates = [s for s in sorted(data.sections.values(), key=lambda s: (s.document, s.ordinal)) if s.iri in section_tasks]
        found = [s.iri for s in candidates if name in (s.iri, s.title)] or [s.iri for s in candidates if name in s.title]
        if not found:
            raise KeyError(f"no section titled {name!r} in this build")
        section_iris += [s for s in found if s not in section_iris]
    return write_views(out, data, loads, ViewSelection(unit_iris, section_iris, [], []), networks=False, limits=limits)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kg.visualize.report OUT``: (re)write the report of a build folder.

    ``--all-views`` draws every unit and section view (a big build draws the biggest
    only); ``--unit NAME`` / ``--section TITLE`` write just those views.
    """
    import argparse
    import sys

    from kg.layout import is_build_folder

    ap = argparse.ArgumentParser(
        prog="python -m kg.visualize.report",
        description="(Re)write the report and views of a folder written by `kg build`.",
    )
    ap.add_argument("out", type=Path, help="the build folder")
    ap.add_argument("--all-views", action="store_true", help="draw a view for every unit and every section")
    ap.add_argument("--max-unit-views", type=int, default=MAX_UNIT_VIEWS, metavar="N",
                    help=f"unit views for the N units with the highest load (default {MAX_UNIT_VIEWS})")
    ap.add_argument("--max-section-views", type=int, default=MAX_SECTION_VIEWS, metavar="N",
                    help=f"section views for the N sections with the most tasks (default {MAX_SECTION_VIEWS})")
    ap.add_argument("--max-view-tasks", type=int, default=MAX_VIEW_TASKS, metavar="N",
                    help=f"tasks drawn in one unit or section view (default {MAX_VIEW_TASKS})")
    ap.add_argument("--unit", action="append", default=[], metavar="NAME",
                    help="only write the view of this unit (repeatable); the rest of the report is left as it is")
    ap.add_argument("--section", action="append", default=[], metavar="TITLE",
                    help="only write the views of the sections with this title (repeatable)")
    args = ap.parse_args(list(sys.argv[1:] if argv is None else argv))
    if not is_build_folder(args.out):
        print(f"error: {args.out} is not a folder written by `kg build`", file=sys.stderr)
        return 2
    limits = ViewLimits(
        unit_views=None if args.all_views else args.max_unit_views,
        section_views=None if args.all_views else args.max_section_views,
        view_tasks=args.max_view_tasks,
    )
    if args.unit or args.section:
        try:
            pages = write_more_views(args.out, args.unit, args.section, limits)
        except KeyError as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            return 2
        for p in pages:
            print(f"wrote {args.out / p.file}  ({p.title})")
        return 0
    pages = write_report(args.out, limits=limits)
    print(f"wrote {args.out / 'index.html'} and {len(pages)} views")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
