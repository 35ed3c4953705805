"""``kg workload`` and ``kg export``: who carries how much, and the networks for Gephi."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import UsageError
from .common import handle_errors, require_build

__all__ = ["register"]




def _options(expand_groups: bool, lead_weight: float, co_lead_weight: float, no_split: bool,
             fence_k: float, top_share: float):  # type: ignore[no-untyped-def]
    from ..analysis.workload import WorkloadOptions

    if lead_weight < 0 or co_lead_weight < 0:
        raise UsageError("weights must not be negative")
    if not 0 <= top_share <= 1:
        raise UsageError("--top-share must be between 0 and 1")
    return WorkloadOptions(
        lead_weight=lead_weight, co_lead_weight=co_lead_weight, split_shared_lead=not no_split,
        expand_groups=expand_groups, fence_k=fence_k, top_share=top_share,
    )


def _weight_options(func):  # type: ignore[no-untyped-def]
    func = click.option("--top-share", default=0.10, show_default=True, type=float,
                        help="Flag the units in this top share of load overall.")(func)
    func = click.option("--fence-k", default=1.5, show_default=True, type=float,
                        help="k of Tukey's fence Q3 + k·IQR within each unit type.")(func)
    func = click.option("--no-split", is_flag=True, help="Give every lead the full lead weight (do not split shared leads).")(func)
    func = click.option("--co-lead-weight", default=0.5, show_default=True, type=float, help="Weight of co-leading a task.")(func)
    func = click.option("--lead-weight", default=1.0, show_default=True, type=float,
                        help="Weight of leading a task (split among the task's leads).")(func)
    func = click.option("--expand-groups", is_flag=True,
                        help="Give each member of an every-member group (各街道) the group's share.")(func)
    func = click.option("--endpoint", metavar="URL", help="Read the graph from a SPARQL 1.1 endpoint.")(func)
    return func


def _store(out: str, endpoint: str | None):  # type: ignore[no-untyped-def]
    from ..store import open_store

    if endpoint:
        return open_store(endpoint=endpoint)
    return open_store(require_build(out))


def _workload_of(out: str, endpoint: str | None, opts):  # type: ignore[no-untyped-def]
    """The workload report of build folder OUT (or of a SPARQL endpoint), the store closed after."""
    from ..analysis.workload import compute_workload

    store = _store(out, endpoint)
    try:
        return compute_workload(store, opts)
    finally:
        store.close()


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _table(report, top: int | None) -> str:  # type: ignore[no-untyped-def]
    from kg.queries import display_width

    from ..analysis.workload import type_label

    header = ["rank", "unit", "type", "lead", "co_lead", "load", "indicators", "projects", "partners",
              "betweenness", "overloaded"]
    rows = []
    for i, u in enumerate(report.units[:top] if top else report.units, start=1):
        rows.append([str(i), u.unit, type_label(u.type), str(u.lead), str(u.co_lead), f"{u.load:.2f}",
                     str(u.indicators), str(u.projects), str(u.partners), f"{u.betweenness:.3f}",
                     ("yes: " + u.reason) if u.overloaded else ""])
    widths = [max([display_width(h)] + [display_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    right = {0, 3, 4, 5, 6, 7, 8, 9}

    def line(cells: list[str]) -> str:
        out = []
        for i, c in enumerate(cells):
            pad = " " * (widths[i] - display_width(c))
            out.append(pad + c if i in right else c + pad)
        return "  ".join(out).rstrip()

    lines = [line(header), "  ".join("-" * w for w in widths[:-1]) + "  " + "-" * display_width(header[-1])]
    lines += [line(r) for r in rows]
    o = report.options
    lines.append("")
    lines.append(
        f"{len(report.units)} units, {report.tasks} tasks; Gini of lead load {report.gini:.3f}; "
        f"top-5 share of lead load {_pct(report.top5_share)}; "
        f"{sum(u.overloaded for u in report.units)} flagged"
    )
    lines.append(
        f"load = lead {o.lead_weight:g}{' split among leads' if o.split_shared_lead else ''} + co-lead {o.co_lead_weight:g}; "
        f"groups {'expanded' if o.expand_groups else 'not expanded'}; "
        f"overloaded: load > Q3 + {o.fence_k:g}·IQR of its type, or top {o.top_share * 100:g}% overall"
    )
    if report.groups:
        lines.append("")
        lines.append("Group references (not units, not ranked):")
        gw = max(display_width(g.unit) for g in report.groups)
        for g in report.groups:
            lines.append(f"  {g.unit}{' ' * (gw - display_width(g.unit))}  lead {g.lead:>3}  co_lead {g.co_lead:>3}  "
                         f"load {g.load:6.2f}  {g.reason}")
    return "\n".join(lines) + "\n"


@click.command("workload")
@click.argument("out", default="out", type=click.Path())
@_weight_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--top", type=int, help="Show only the first N units of the table.")
@handle_errors
def workload_cmd(out: str, endpoint: str | None, expand_groups: bool, lead_weight: float, co_lead_weight: float,
                 no_split: bool, fence_k: float, top_share: float, fmt: str, top: int | None) -> None:
    """Rank the units of build folder OUT by weighted load and say which are overloaded and why.

    load = Σ lead_weight / (leads of the task) over led tasks + co_lead_weight × co-led tasks.
    A unit is overloaded when its load is above Tukey's upper fence (Q3 + k·IQR) of the
    units of its type, or in the top share of all units. `lead` and `co_lead` are task counts.
    """
    from ..analysis.workload import report_csv, report_json

    opts = _options(expand_groups, lead_weight, co_lead_weight, no_split, fence_k, top_share)
    report = _workload_of(out, endpoint, opts)
    if fmt == "csv":
        click.echo(report_csv(report), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        click.echo(_table(report, top), nl=False)


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
               lead_weight: float, co_lead_weight: float, no_split: bool, fence_k: float, top_share: float) -> None:
    """Write a network of build folder OUT as GraphML or GEXF (Gephi, Cytoscape)."""
    from ..analysis.workload import write_network

    f = fmt or Path(output).suffix.lstrip(".").lower()
    if f not in ("graphml", "gexf"):
        raise UsageError(f"{output}: give --format graphml or gexf (or a .graphml/.gexf file name)")
    opts = _options(expand_groups, lead_weight, co_lead_weight, no_split, fence_k, top_share)
    report = _workload_of(out, endpoint, opts)
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
