"""``kg workload`` and ``kg export``: who carries how much, who is overloaded and why, and
the networks for Gephi."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.cells import cell_len  # columns on a terminal (CJK: 2)

from ..errors import UsageError
from .common import handle_errors, require_build

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.workload import WorkloadReport
    from ..analysis.workload_rows import Ranking, UnitLoad, WorkloadOptions
    from ..store import Store

__all__ = ["register"]


def _options(expand_groups: bool, lead_weight: float, co_lead_weight: float, no_split: bool, fence_k: float,
             top_share: float, min_load: float, min_type_members: int) -> WorkloadOptions:
    from ..analysis.workload_rows import WorkloadOptions

    if lead_weight < 0 or co_lead_weight < 0:
        raise UsageError("weights must not be negative")
    if not 0 <= top_share <= 1:
        raise UsageError("--top-share must be between 0 and 1")
    if min_load < 0 or min_type_members < 1:
        raise UsageError("--min-load must not be negative, --min-type-members at least 1")
    return WorkloadOptions(
        lead_weight=lead_weight, co_lead_weight=co_lead_weight, split_shared_lead=not no_split,
        expand_groups=expand_groups, fence_k=fence_k, top_share=top_share, min_load=min_load,
        min_type_members=min_type_members,
    )


def _weight_options(func):  # type: ignore[no-untyped-def]
    func = click.option("--min-type-members", default=5, show_default=True, type=int,
                        help="Use a type's fence only when the type has this many units with a load.")(func)
    func = click.option("--min-load", default=3.0, show_default=True, type=float,
                        help="No unit with a smaller load is overloaded.")(func)
    func = click.option("--top-share", default=0.10, show_default=True, type=float,
                        help="Flag the units in this top share of load overall (ties all flagged).")(func)
    func = click.option("--fence-k", default=1.5, show_default=True, type=float,
                        help="k of Tukey's fence Q3 + k·IQR within each unit type.")(func)
    func = click.option("--no-split", is_flag=True, help="Give every lead the full lead weight (do not split shared leads).")(func)
    func = click.option("--co-lead-weight", default=0.5, show_default=True, type=float, help="Weight of co-leading a task.")(func)
    func = click.option("--lead-weight", default=1.0, show_default=True, type=float,
                        help="Weight of leading a task (split among the task's leads).")(func)
    func = click.option("--expand-groups", is_flag=True,
                        help="Rank by expanded load: each member of an every-member group (各街道) gets the group's share.")(func)
    func = click.option("--endpoint", metavar="URL", help="Read the graph from a SPARQL 1.1 endpoint.")(func)
    return func


def _store(out: str, endpoint: str | None) -> Store:
    from ..store import open_store

    if endpoint:
        return open_store(endpoint=endpoint)
    return open_store(require_build(out))


def _workload_of(out: str, endpoint: str | None, opts: WorkloadOptions,
                 name: str | None = None) -> tuple[WorkloadReport, tuple[str, ...]]:
    """The workload report of build folder OUT (or of a SPARQL endpoint), and the IRIs a
    unit or group name stands for (an error with suggestions when it names none)."""
    from kg.queries.names import name_index, resolve_name

    from ..analysis.facts import read_facts
    from ..analysis.workload import compute_workload

    store = _store(out, endpoint)
    try:
        iris: tuple[str, ...] = ()
        if name is not None:
            units, groups = name_index(store, "unit"), name_index(store, "group")
            iris = units.lookup(name.strip()) or groups.lookup(name.strip())
            if not iris:
                resolve_name(store, "unit", name, units)  # raises, with "did you mean"
        # from the build's facts file when it is the build's (an endpoint: from the store)
        facts = None if endpoint else read_facts(store, opts.weights(), build=out)
        return compute_workload(store, opts, facts), iris
    finally:
        store.close()


def _ranking_of(out: str, endpoint: str | None, opts: WorkloadOptions, name: str | None,
                details: bool) -> tuple[Ranking, tuple[str, ...], str]:
    """The ranking of build folder OUT, the IRIs a unit or group name stands for, and where
    the ranking comes from: the one the build saved when it is the one asked for (the
    tasks and documents of every unit when ``details``, else only of the named ones), or
    ranked again (:func:`_workload_of`)."""
    from ..analysis.workload_file import read_saved_ranking

    if endpoint:
        report, iris = _workload_of(out, endpoint, opts, name)
        return report, iris, f"ranked from the graph of {endpoint}"
    saved, iris, why = read_saved_ranking(Path(out), opts, name, details)
    if saved is not None:
        return saved, iris, why
    report, iris = _workload_of(out, endpoint, opts, name)
    return report, iris, f"ranked again ({why})"


def _num(x: float) -> str:
    return f"{x:.2f}"


def _align(header: Sequence[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, c in enumerate(cells):
            pad = " " * (widths[i] - cell_len(c))
            out.append(pad + c if i in right else c + pad)
        return "  ".join(out).rstrip()

    return [line(header), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]


def _rule_line(o: WorkloadOptions) -> str:
    return (
        f"load = lead {o.lead_weight:g}{' split among leads' if o.split_shared_lead else ''} + co-lead "
        f"{o.co_lead_weight:g}; ranked by {'expanded' if o.expand_groups else 'direct'} load; overloaded: load ≥ "
        f"{o.min_load:g} and above Q3 + {o.fence_k:g}·IQR of its type (types of ≥ {o.min_type_members} units) "
        f"or in the top {o.top_share * 100:g}% overall (ties all flagged)"
    )


def _table(report: Ranking, units: list[UnitLoad], top: int | None) -> str:
    from ..labels import both, label, note

    rank = {u.iri: i for i, u in enumerate(report.units, start=1)}
    shown = units[:top] if top else units
    m = "measure"
    header = ["排名 rank", "单位 unit", "类型 type", "地区 region", "牵头 lead", "配合 co_lead",
              f"{label(m, 'direct_load')} direct", f"{label(m, 'expanded_load')} expanded", "指标 indicators",
              "项目 projects", f"{label(m, 'partners')} partners", f"{label(m, 'betweenness')} betweenness",
              "超负荷 overloaded"]
    rows = [[str(rank[u.iri]), u.unit, label("unit_type", u.type), u.region, str(u.lead), str(u.co_lead),
             _num(u.direct_load), _num(u.expanded_load), str(u.indicators), str(u.projects), str(u.partners),
             f"{u.betweenness:.3f}", "是 yes" if u.overloaded else ""] for u in shown]
    rows.append(["合计", f"{len(shown)} units", "", "", str(sum(u.lead for u in shown)),
                 str(sum(u.co_lead for u in shown)), _num(sum(u.direct_load for u in shown)),
                 _num(sum(u.expanded_load for u in shown)), "", "", "", "", str(sum(u.overloaded for u in shown))])
    lines = _align(header, rows, {0, 4, 5, 6, 7, 8, 9, 10, 11})
    lines.insert(-1, lines[1])  # a rule above the 合计 row
    lines.append("")
    lines.append(
        f"{len(report.units)} units, {report.tasks} tasks; Gini of lead load {report.gini:.3f}; "
        f"top-5 share of lead load {report.top5_share * 100:.1f}%; {sum(u.overloaded for u in report.units)} overloaded"
    )
    lines.append(_rule_line(report.options))
    lines += ["", "说明 Notes:"]
    for key in ("direct_load", "expanded_load", "partners", "betweenness", "fence"):
        lines += [f"  {both(m, key)}: {note(m, key)}", f"    {note(m, key, 'en')}"]
    flagged = [u for u in shown if u.overloaded]
    if flagged:
        lines += ["", "超负荷及原因 Overloaded, and why:"]
        for u in flagged:
            lines += [f"  {u.unit}: {u.reason_zh}", f"  {' ' * cell_len(u.unit)}  {u.reason_en}"]
    return "\n".join(lines) + "\n"


def _groups_text(report: Ranking) -> str:
    if not report.groups:
        return ""
    lines = ["", "群组引用（不是单位，不排名）Group references (not units, not ranked):"]
    gw = max(cell_len(g.unit) for g in report.groups)
    for g in report.groups:
        lines.append(f"  {g.unit}{' ' * (gw - cell_len(g.unit))}  lead {g.lead:>3}  co_lead {g.co_lead:>3}  "
                     f"load {g.load:6.2f}  {g.reason_en}")
    return "\n".join(lines) + "\n"


def _unit_text(report: Ranking, u: UnitLoad) -> str:
    """One unit: its loads, verdict and reasons, loads per document, and its tasks."""
    from ..analysis.exports import document_name
    from ..labels import label

    rank = next((str(i) for i, x in enumerate(report.units, start=1) if x.iri == u.iri), "—")
    lines = [
        f"{u.unit}  ({label('unit_type', u.type)} {label('unit_type', u.type, 'en')}; {u.region or '—'}; {u.iri})",
        f"排名 rank {rank} of {len(report.units)}; 直接负荷 direct load {_num(u.direct_load)}; "
        f"含群组负荷 expanded load {_num(u.expanded_load)}; 牵头 lead {u.lead}, 配合 co-lead {u.co_lead}",
        f"结论 verdict: {'超负荷 ' if u.overloaded else ''}{u.verdict}",
        f"  {u.reason_zh}",
        f"  {u.reason_en}",
    ]
    if len(u.documents) > 1:
        lines.append("各文件 per document:")
        lines += [f"  {document_name(d.document)}: direct {_num(d.direct_load)}, expanded {_num(d.expanded_load)}"
                  for d in u.documents]
    header = ["编号 task", "文件 document", "角色 role", "经由群组 via_group", "直接份额 direct", "含群组份额 expanded",
              "章节 section"]
    rows = [[t.task_id, document_name(t.document), label("role", t.role), t.via_group or "", _num(t.direct_share),
             _num(t.expanded_share), t.section] for t in u.tasks]
    rows.append(["合计", f"{len(u.tasks)} tasks", "", "", _num(u.direct_load), _num(u.expanded_load), ""])
    table = _align(header, rows, {4, 5})
    table.insert(-1, table[1])
    return "\n".join(lines + [""] + table) + "\n"


def _rows_csv(rows: list[dict[str, object]], columns: Sequence[tuple[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([h for h, _ in columns])
    w.writerows([r[k] for _, k in columns] for r in rows)
    return buf.getvalue()


def _show_units(report: Ranking, iris: tuple[str, ...], fmt: str) -> None:
    from dataclasses import asdict

    from ..analysis.exports import ASSIGNMENT_COLUMNS, assignment_rows

    chosen = [u for u in (*report.units, *report.groups) if u.iri in iris]
    if not chosen:  # a unit named in the gazetteer, on no task
        raise UsageError(f"{', '.join(iris)}: on no task of the task plans")
    if fmt == "json":
        data = [asdict(u) | {"reason": u.reason} for u in chosen]
        click.echo(json.dumps(data if len(data) > 1 else data[0], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        names = {u.unit for u in chosen}
        rows = [r for r in assignment_rows(report) if r["unit"] in names]
        click.echo(_rows_csv(rows, ASSIGNMENT_COLUMNS), nl=False)
    else:
        click.echo("\n".join(_unit_text(report, u) for u in chosen), nl=False)


@click.command("workload")
@click.argument("out", default="out", type=click.Path())
@_weight_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--top", type=int, help="Show only the first N units of the table.")
@click.option("--overloaded", "only_overloaded", is_flag=True, help="Show only the overloaded units, with reasons.")
@click.option("--unit", "unit_name", metavar="NAME",
              help="Show one unit (name or alias): its loads, verdict, and the tasks and shares behind them.")
@click.option("-v", "--verbose", is_flag=True,
              help="Say on stderr whether the ranking is the one the build saved (workload.jsonl) or ranked again, and why.")
@handle_errors
def workload_cmd(out: str, endpoint: str | None, expand_groups: bool, lead_weight: float, co_lead_weight: float,
                 no_split: bool, fence_k: float, top_share: float, min_load: float, min_type_members: int, fmt: str,
                 top: int | None, only_overloaded: bool, unit_name: str | None, verbose: bool) -> None:
    """Rank the units of build folder OUT by load and say which are overloaded and why.

    load = Σ lead_weight / (leads of the task) over led tasks + co_lead_weight × co-led tasks;
    the direct load counts the tasks naming a unit, the expanded load also those reaching
    it through an every-member group (各街道). A unit is overloaded when its load is at
    least --min-load and above Tukey's fence (Q3 + k·IQR) of its type (types with at least
    --min-type-members units) or in the top share of all units (ties all flagged).

    With the default options the ranking is the one the build saved (workload.jsonl), when
    it is of the build as it is now; other options rank again.
    """
    from ..analysis.exports import CSV_COLUMNS, report_csv, report_json, report_rows

    opts = _options(expand_groups, lead_weight, co_lead_weight, no_split, fence_k, top_share, min_load,
                    min_type_members)
    report, iris, source = _ranking_of(out, endpoint, opts, unit_name, details=fmt == "json" and unit_name is None)
    if verbose:
        click.echo(f"kg workload: {source}", err=True)
    if unit_name is not None:
        _show_units(report, iris, fmt)
        return
    if only_overloaded:
        keep = {u.iri for u in report.units if u.overloaded}
        if fmt == "csv":
            rows = [r for r in report_rows(report) if r["iri"] in keep]
            click.echo(_rows_csv(rows, [(c, c) for c in CSV_COLUMNS]), nl=False)
        elif fmt == "json":
            data = report_json(report)
            data["units"] = [u for u in data["units"] if u["iri"] in keep]  # type: ignore[attr-defined]
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        elif keep:
            click.echo(_table(report, [u for u in report.units if u.overloaded], top), nl=False)
        else:
            click.echo(f"没有超负荷的单位 No unit is overloaded.\n{_rule_line(report.options)}")
    elif fmt == "csv":
        click.echo(report_csv(report), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        click.echo(_table(report, report.units, top) + _groups_text(report), nl=False)


@click.command("export")
@click.argument("out", default="out", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf"]), default=None,
              help="Default: from the suffix of FILE.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--network", type=click.Choice(["collaboration", "responsibility"]), default="collaboration",
              show_default=True, help="collaboration: unit–unit (weight = tasks shared); responsibility: task–unit.")
@_weight_options
@handle_errors
def export_cmd(out: str, fmt: str | None, output: str, network: str, endpoint: str | None, expand_groups: bool,
               lead_weight: float, co_lead_weight: float, no_split: bool, fence_k: float, top_share: float,
               min_load: float, min_type_members: int) -> None:
    """Write a network of build folder OUT as GraphML or GEXF (Gephi, Cytoscape).

    GEXF nodes carry viz:color (by unit type) and viz:size (by load) and Chinese labels;
    task nodes carry their number, text and section.
    """
    from ..analysis.networks import write_network

    f = fmt or Path(output).suffix.lstrip(".").lower()
    if f not in ("graphml", "gexf"):
        raise UsageError(f"{output}: give --format graphml or gexf (or a .graphml/.gexf file name)")
    opts = _options(expand_groups, lead_weight, co_lead_weight, no_split, fence_k, top_share, min_load,
                    min_type_members)
    report, _ = _workload_of(out, endpoint, opts)
    G = report.collaboration if network == "collaboration" else report.responsibility
    try:
        write_network(G, output, f)
    except OSError as exc:
        raise UsageError(f"{output}: cannot write ({exc.strerror or exc})") from None
    click.echo(f"Wrote {output}: {network} network, {G.number_of_nodes()} nodes, {G.number_of_edges()} edges ({f})")


def register(main: click.Group) -> None:
    """Add the analysis commands to the ``kg`` group."""
    main.add_command(workload_cmd)
    main.add_command(export_cmd)
