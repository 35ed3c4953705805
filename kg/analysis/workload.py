"""Workload analysis: who carries how much, who is overloaded, who brokers between units.

Everything is read from the graph through :class:`kg.store.Store`, so it works on a build
folder, in memory or against a SPARQL endpoint. Only task plans count (``kg:Task``);
work-report statements have inferred units, never stated responsibility.

Load
----
For each task, with its leads (主办/牵头) and co-leads (协办/配合) as written:

* each lead gets ``lead_weight / L``, where ``L`` is the number of leads of the task
  (a group reference such as 各区属国企集团 counts as one lead); with
  ``split_shared_lead=False`` each lead gets the full ``lead_weight``;
* each co-lead gets ``co_lead_weight`` — **not split**: a co-lead does its own part
  whatever the length of the list, and splitting would make every member of a long
  list (or of 各街道) nearly weightless;
* a unit named twice on one task (say, lead and also a member of the co-leading 各板块)
  counts once, in its strongest role (lead before co-lead, stated before via a group).

``load`` of a unit = the sum of its shares over all tasks. Defaults: lead 1.0, co-lead
0.5, shared lead split. ``lead`` and ``co_lead`` are task *counts*; the lead part of
the load is the *lead load*.

Group references (kg:UnitGroup: 各街道, 各板块, 区相关部门 …) are not units. Without
expansion they are reported separately (``WorkloadReport.groups``) and never ranked.
With ``expand_groups=True`` every member of an every-member group (scope ``all``:
各街道, 各板块, 各部门 …) receives the share the group reference would have had —
so 各街道 as co-lead adds ``co_lead_weight`` to each of the 13 streets. Members come
from the ``kg:leadViaGroup``/``kg:coLeadViaGroup`` assignments of the build (or from
``skos:member`` when the build did not expand). Subset (相关街道) and unknown-membership
(区相关部门) groups cannot be expanded and stay in ``groups``.

``indicators`` counts the indicators of the tasks a unit leads; ``projects`` the distinct
projects those tasks mention; ``partners`` the distinct other units it shares a task with.

Overload rule
-------------
A unit is flagged ``overloaded`` when either

1. **Tukey's upper fence** within its type: ``load > Q3 + fence_k × (Q3 − Q1)``, the
   quartiles (inclusive method, linear interpolation) taken over the loads of all units of
   the same type (政府部门, 党委部门, 街道, 管委会 …), ``fence_k`` = 1.5; or
2. **top share overall**: its load is among the top ``top_share`` (10%) of all units —
   the first ``ceil(top_share × n)`` by load, ties at the cut-off included.

Units with zero load are never flagged. ``reason`` states which rule fired with the
numbers, e.g. ``load 7.5 > fence 4.28 of 政府部门 (Q3 2.5 + 1.5×IQR 1.19); top 10% by
load (rank 1 of 40, cut-off 4.17)``.

Concentration and network
-------------------------
``gini``: the Gini coefficient of the *lead load* over the ranked units (0 = equal,
1 = one unit leads everything). ``top5_share``: the share of the total lead load held
by the five units with the largest lead load. ``collaboration``: the unit–unit network,
the weighted projection of the task–unit bipartite graph (edge ``weight`` = tasks
shared). ``degree`` is degree centrality (the fraction of the other units a unit shares
a task with); ``betweenness`` is betweenness centrality with edge length ``1/weight``
(units that bridge otherwise separate groups of units score high: brokers).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import networkx as nx

from ..labels import label
from ..queries import internal_query
from ..store import Store, query_values
from .facts import Fact, Facts, Party, Weights, read_facts

__all__ = [
    "WorkloadOptions",
    "UnitLoad",
    "WorkloadReport",
    "compute_workload",
    "gini",
    "tukey_fence",
    "collaboration_graph",
    "type_label",
    "report_csv",
    "report_json",
    "write_network",
    "CSV_COLUMNS",
    "EXAMPLE_TTL",
]

_Q_INDICATORS = internal_query("workload_indicators")

_Q_PROJECTS = internal_query("workload_projects")

# Above this many units, betweenness centrality is estimated from BETWEENNESS_SAMPLE sources;
# on a network of more than BETWEENNESS_WORK / BETWEENNESS_SAMPLE edges from fewer (one
# source costs a pass over every edge: 100 sources over the 108,000 edges of a 100,000-task
# corpus took 40 s), never fewer than BETWEENNESS_MIN_SAMPLE.
BETWEENNESS_EXACT_MAX = 200
BETWEENNESS_SAMPLE = 100
BETWEENNESS_WORK = 2_000_000
BETWEENNESS_MIN_SAMPLE = 20


# ---------------------------------------------------------------------------------------
# public records


@dataclass(frozen=True)
class WorkloadOptions:
    """How load is weighed and when a unit counts as overloaded (see the module docstring)."""

    lead_weight: float = 1.0
    co_lead_weight: float = 0.5
    split_shared_lead: bool = True
    expand_groups: bool = False
    fence_k: float = 1.5
    top_share: float = 0.10

    def weights(self) -> Weights:
        """The role weights of these options, as :func:`kg.analysis.facts.read_facts` takes them."""
        return Weights(self.lead_weight, self.co_lead_weight, self.split_shared_lead)


@dataclass(frozen=True)
class UnitLoad:
    """One unit's row of the ranking (``lead``/``co_lead`` are task counts)."""

    unit: str
    iri: str
    type: str
    lead: int
    co_lead: int
    load: float
    indicators: int
    projects: int
    partners: int
    degree: float
    betweenness: float
    overloaded: bool
    reason: str


@dataclass
class WorkloadReport:
    """The ranking, concentration and collaboration network of a graph's units."""

    units: list[UnitLoad]  # sorted by load desc, then name
    gini: float
    top5_share: float
    options: WorkloadOptions
    collaboration: nx.Graph  # unit–unit, edge attr weight = tasks shared
    # Group references (not units): never ranked; with expansion only those that could not be expanded carry load.
    groups: list[UnitLoad] = field(default_factory=list)
    # The task–unit bipartite graph (node attr bipartite 0 = task, 1 = unit/group; edge attr role, share).
    responsibility: nx.Graph = field(default_factory=nx.Graph)
    tasks: int = 0

    def unit(self, name: str) -> UnitLoad:
        """The row of a unit by name (KeyError if absent)."""
        for u in self.units:
            if u.unit == name:
                return u
        raise KeyError(name)

    def rows(self) -> list[dict[str, object]]:
        """Rows for CSV/JSON: the UnitLoad fields plus ``type_label`` and ``lead_load``."""
        out = []
        lead_load = {n: d.get("lead_load", 0.0) for n, d in self.collaboration.nodes(data=True)}
        for u in self.units:
            row: dict[str, object] = {k: getattr(u, k) for k in UnitLoad.__dataclass_fields__}
            row["type_label"] = type_label(u.type)
            row["lead_load"] = round(float(lead_load.get(u.iri, 0.0)), 4)
            out.append(row)
        return out


# ---------------------------------------------------------------------------------------
# building blocks (networkx style: plain inputs, plain outputs)


def gini(values: Iterable[float]) -> float:
    """The Gini coefficient of non-negative ``values`` (0 for no or all-zero values).

    >>> gini([1, 1, 1, 1])
    0.0
    >>> round(gini([0, 0, 0, 4]), 3)
    0.75
    """
    xs = sorted(float(v) for v in values)
    n, total = len(xs), sum(xs)
    if n == 0 or total <= 0:
        return 0.0
    weighted = sum((i + 1) * x for i, x in enumerate(xs))
    return max(0.0, (2.0 * weighted) / (n * total) - (n + 1.0) / n)


def tukey_fence(values: Sequence[float], k: float = 1.5) -> tuple[float, float, float]:
    """``(fence, q3, iqr)``: Tukey's upper fence ``Q3 + k·IQR`` of ``values``.

    Quartiles by the inclusive method (linear interpolation between data points), so
    one value gives a fence equal to itself.

    >>> tukey_fence([1, 2, 3, 4, 5])
    (7.0, 4.0, 2.0)
    >>> tukey_fence([2.5])
    (2.5, 2.5, 0.0)
    """
    xs = [float(v) for v in values]
    if not xs:
        return (0.0, 0.0, 0.0)
    if len(xs) == 1:
        return (xs[0], xs[0], 0.0)
    q1, _, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    iqr = q3 - q1
    return (q3 + k * iqr, q3, iqr)


def collaboration_graph(bipartite: nx.Graph, units: Iterable[str]) -> nx.Graph:
    """The unit–unit projection of a task–unit graph: edge ``weight`` = tasks shared.

    ``distance`` (= 1/weight) is set for shortest-path measures such as betweenness.

    >>> B = nx.Graph([("t1", "a"), ("t1", "b"), ("t2", "a"), ("t2", "b"), ("t2", "c")])
    >>> G = collaboration_graph(B, ["a", "b", "c"])
    >>> G["a"]["b"]["weight"], G["a"]["c"]["weight"]
    (2, 1)
    """
    units = list(units)
    nodes = [u for u in units if u in bipartite]
    # What nx.bipartite.weighted_projected_graph computes, counted task by task: it
    # intersects the task sets of every pair of units that meet, which is quadratic in
    # a unit's tasks (45 s at 100k tasks, against 1 s here).
    node_set = set(nodes)
    pairs: Counter[tuple[str, str]] = Counter()
    for t in {t for u in nodes for t in bipartite[u]}:
        pairs.update(combinations(sorted(n for n in bipartite[t] if n in node_set), 2))
    G = nx.Graph()
    G.add_nodes_from(nodes)
    G.add_nodes_from(u for u in units if u not in node_set)
    G.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(pairs.items()))
    for _, _, d in G.edges(data=True):
        d["distance"] = 1.0 / d["weight"]
    return G


def type_label(type_name: str) -> str:
    """The Chinese label of a unit type (``GovernmentDepartment`` → ``政府部门``), from
    :mod:`kg.labels`.

    >>> type_label("StreetOffice")
    '街道'
    """
    return label("unit_type", type_name)


def _fmt(x: float) -> str:
    """A number for a reason string: at most two decimals, no trailing zeros."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------------------
# the analysis


@dataclass
class _Entry:
    role_lead: bool
    share: float
    direct: bool


def compute_workload(
    store: Store, options: WorkloadOptions | None = None, facts: Facts | None = None
) -> WorkloadReport:
    """The workload ranking of every unit named in the task plans of ``store``.

    >>> from kg.store import OxigraphStore
    >>> import pyoxigraph as ox
    >>> s = OxigraphStore()
    >>> s.raw.load(EXAMPLE_TTL.encode(), format=ox.RdfFormat.TURTLE)
    >>> r = compute_workload(s)
    >>> [(u.unit, u.lead, u.co_lead, u.load) for u in r.units]
    [('区发改委', 2, 0, 1.5), ('区科技局', 2, 0, 1.5)]
    >>> [(g.unit, g.co_lead, g.load) for g in r.groups]
    [('各街道', 1, 0.5)]
    >>> r = compute_workload(s, WorkloadOptions(expand_groups=True))
    >>> [(u.unit, u.co_lead, u.load) for u in r.units][-1]
    ('鼓楼街道', 1, 0.5)
    >>> r.collaboration["https://w3id.org/govkg/id/x/kjj"]["https://w3id.org/govkg/id/x/gl"]["weight"]
    1
    """
    opts = options or WorkloadOptions()
    if facts is None or facts.weights != opts.weights():
        facts = read_facts(store, opts.weights())
    agents = facts.parties
    indicators: dict[str, int] = defaultdict(int)
    for t, n in query_values(store, _Q_INDICATORS):
        if t is not None and n is not None:
            indicators[t] = int(n)
    projects: dict[str, set[str]] = defaultdict(set)
    for t, p in query_values(store, _Q_PROJECTS):
        if t is not None and p is not None:
            projects[t].add(p)

    # -- shares: a unit named twice on a task counts once, in its strongest role ---------
    per_task: dict[str, dict[str, _Entry]] = defaultdict(dict)
    group_entries: dict[str, dict[str, _Entry]] = defaultdict(dict)
    expanded: dict[str, set[str]] = defaultdict(set)

    def put(table: dict[str, _Entry], who: str, e: _Entry) -> None:
        old = table.get(who)
        if old is None or (e.role_lead, e.direct, e.share) > (old.role_lead, old.direct, old.share):
            table[who] = e

    tasks: dict[str, Fact] = {}
    for f in facts.assignments:
        tasks.setdefault(f.task, f)
        per_task[f.task]  # every task with a fact is a node, even one naming only groups
        entry = _Entry(f.role == "lead", f.share, f.via_group is None)
        if f.via_group is None:
            put(group_entries[f.task] if f.unit_type == "UnitGroup" else per_task[f.task], f.unit, entry)
        elif opts.expand_groups and agents[f.via_group].scope == "all":
            expanded[f.via_group].add(f.task)
            put(per_task[f.task], f.unit, entry)
    expanded_groups = {g: len(ts) for g, ts in expanded.items()}

    # -- per unit -----------------------------------------------------------------------
    lead_n: dict[str, int] = defaultdict(int)
    co_n: dict[str, int] = defaultdict(int)
    load: dict[str, float] = defaultdict(float)
    lead_load: dict[str, float] = defaultdict(float)
    ind: dict[str, int] = defaultdict(int)
    proj: dict[str, set[str]] = defaultdict(set)
    B = nx.Graph()
    for t, entries in per_task.items():
        info = tasks[t]
        B.add_node(t, bipartite=0, kind="task", label=info.task_id, document=info.document)
        for u, e in entries.items():
            load[u] += e.share
            if e.role_lead:
                lead_n[u] += 1
                lead_load[u] += e.share
                ind[u] += indicators.get(t, 0)
                proj[u] |= projects.get(t, set())
            else:
                co_n[u] += 1
            B.add_node(u, bipartite=1, kind="unit", label=agents[u].label, type=agents[u].type)
            B.add_edge(t, u, role="lead" if e.role_lead else "co_lead", share=round(e.share, 6),
                       via_group=not e.direct)
        for g, e in group_entries[t].items():
            B.add_node(g, bipartite=1, kind="group", label=agents[g].label, type="UnitGroup")
            B.add_edge(t, g, role="lead" if e.role_lead else "co_lead", share=round(e.share, 6), via_group=False)

    ranked = sorted(load, key=lambda u: (-round(load[u], 9), agents[u].label))
    # units that appear only as members of groups never expanded are not ranked; units in
    # the gazetteer but on no task are not ranked either.
    G = collaboration_graph(B, ranked)
    n = len(ranked)
    degree = nx.degree_centrality(G) if n > 1 else dict.fromkeys(ranked, 0.0)
    # exact betweenness is O(V·E); past BETWEENNESS_EXACT_MAX units it is estimated from a
    # fixed, seeded sample of sources (deterministic, and close for the top brokers)
    k = None if n <= BETWEENNESS_EXACT_MAX else min(
        n, max(BETWEENNESS_MIN_SAMPLE, min(BETWEENNESS_SAMPLE, BETWEENNESS_WORK // max(1, G.number_of_edges())))
    )
    betweenness = (
        nx.betweenness_centrality(G, k=k, seed=0, weight="distance", normalized=True)
        if n > 2 else dict.fromkeys(ranked, 0.0)
    )

    # -- overload -----------------------------------------------------------------------
    by_type: dict[str, list[float]] = defaultdict(list)
    for u in ranked:
        by_type[agents[u].type].append(load[u])
    fences = {ty: tukey_fence(vals, opts.fence_k) for ty, vals in by_type.items()}
    cutoff = math.inf
    k_top = 0
    if opts.top_share > 0 and n:
        k_top = max(1, math.ceil(opts.top_share * n))
        cutoff = sorted((load[u] for u in ranked), reverse=True)[min(k_top, n) - 1]

    units: list[UnitLoad] = []
    for rank, u in enumerate(ranked, start=1):
        ty = agents[u].type
        x = round(load[u], 6)
        reasons = []
        fence, q3, iqr = fences[ty]
        if x > 0 and x > fence + 1e-9:
            reasons.append(
                f"load {_fmt(x)} > fence {_fmt(fence)} of {type_label(ty)} "
                f"(Q3 {_fmt(q3)} + {_fmt(opts.fence_k)}×IQR {_fmt(iqr)})"
            )
        if x > 0 and x >= cutoff - 1e-9:
            reasons.append(f"top {_fmt(opts.top_share * 100)}% by load (rank {rank} of {n}, cut-off {_fmt(cutoff)})")
        G.nodes[u].update(
            label=agents[u].label, type=ty, lead=lead_n[u], co_lead=co_n[u], load=x,
            lead_load=round(lead_load[u], 6), overloaded=bool(reasons),
        )
        units.append(
            UnitLoad(
                unit=agents[u].label, iri=u, type=ty, lead=lead_n[u], co_lead=co_n[u], load=x,
                indicators=ind[u], projects=len(proj[u]), partners=G.degree(u),
                degree=round(float(degree.get(u, 0.0)), 6), betweenness=round(float(betweenness.get(u, 0.0)), 6),
                overloaded=bool(reasons), reason="; ".join(reasons),
            )
        )

    groups = _group_rows(group_entries, agents, expanded_groups, opts, indicators, projects)
    lead_loads = [lead_load[u] for u in ranked]
    total_lead = sum(lead_loads)
    top5 = sum(sorted(lead_loads, reverse=True)[:5]) / total_lead if total_lead > 0 else 0.0
    return WorkloadReport(
        units=units, gini=round(gini(lead_loads), 6), top5_share=round(top5, 6), options=opts,
        collaboration=G, groups=groups, responsibility=B, tasks=len(tasks),
    )


def _group_rows(
    group_entries: dict[str, dict[str, _Entry]],
    agents: Mapping[str, Party],
    expanded: dict[str, int],
    opts: WorkloadOptions,
    indicators: dict[str, int],
    projects: dict[str, set[str]],
) -> list[UnitLoad]:
    lead_n: dict[str, int] = defaultdict(int)
    co_n: dict[str, int] = defaultdict(int)
    load: dict[str, float] = defaultdict(float)
    ind: dict[str, int] = defaultdict(int)
    proj: dict[str, set[str]] = defaultdict(set)
    for t, entries in group_entries.items():
        for g, e in entries.items():
            load[g] += e.share
            if e.role_lead:
                lead_n[g] += 1
                ind[g] += indicators.get(t, 0)
                proj[g] |= projects.get(t, set())
            else:
                co_n[g] += 1
    rows = []
    for g in sorted(load, key=lambda g: (-round(load[g], 9), agents[g].label)):
        scope = agents[g].scope or "unknown"
        if expanded.get(g):
            why = f"group reference (scope {scope}), expanded to its members on {expanded[g]} tasks"
        elif opts.expand_groups:
            why = f"group reference (scope {scope}), not expanded: members unknown or an unnamed subset"
        else:
            why = f"group reference (scope {scope}), not a unit: not ranked (see --expand-groups)"
        rows.append(
            UnitLoad(
                unit=agents[g].label, iri=g, type="UnitGroup", lead=lead_n[g], co_lead=co_n[g],
                load=round(load[g], 6), indicators=ind[g], projects=len(proj[g]), partners=0,
                degree=0.0, betweenness=0.0, overloaded=False, reason=why,
            )
        )
    return rows


EXAMPLE_TTL = """@prefix kg: <https://w3id.org/govkg/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix id: <https://w3id.org/govkg/id/x/> .
id:fgw a kg:Unit , kg:GovernmentDepartment ; skos:prefLabel "区发改委"@zh .
id:kjj a kg:Unit , kg:GovernmentDepartment ; skos:prefLabel "区科技局"@zh .
id:gl a kg:Unit , kg:StreetOffice ; skos:prefLabel "鼓楼街道"@zh .
id:all a kg:UnitGroup ; skos:prefLabel "各街道"@zh ; kg:groupScope "all" ; skos:member id:gl .
id:t1 a kg:Task ; kg:taskNumber "1" ; kg:ordinal 1 ; kg:inDocument id:plan ; kg:lead id:fgw .
id:t2 a kg:Task ; kg:taskNumber "2" ; kg:ordinal 2 ; kg:inDocument id:plan ;
    kg:lead id:fgw , id:kjj .
id:t3 a kg:Task ; kg:taskNumber "3" ; kg:ordinal 3 ; kg:inDocument id:plan ;
    kg:lead id:kjj ; kg:coLead id:all .
"""


# ---------------------------------------------------------------------------------------
# tables and files

CSV_COLUMNS = (
    "unit", "type", "lead", "co_lead", "load", "overloaded", "reason", "lead_load", "indicators",
    "projects", "partners", "degree", "betweenness", "type_label", "iri",
)


def report_csv(report: WorkloadReport, lineterminator: str = "\n") -> str:
    """The ranking as CSV, one row per unit (group references are not units: see JSON)."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator=lineterminator, extrasaction="ignore")
    w.writeheader()
    for row in report.rows():
        row = dict(row)
        row["overloaded"] = "true" if row["overloaded"] else "false"
        w.writerow(row)
    return buf.getvalue()


def report_json(report: WorkloadReport) -> dict[str, object]:
    """The whole report as JSON-ready data: options, concentration, units, groups, network size."""
    from dataclasses import asdict

    return {
        "options": asdict(report.options),
        "tasks": report.tasks,
        "gini": report.gini,
        "top5_share": report.top5_share,
        "units": report.rows(),
        "groups": [asdict(g) for g in report.groups],
        "collaboration": {
            "nodes": report.collaboration.number_of_nodes(),
            "edges": report.collaboration.number_of_edges(),
        },
    }


def _export_ready(G: nx.Graph) -> nx.Graph:
    """A copy whose attributes GraphML and GEXF writers accept (no None, plain types)."""
    H = nx.Graph() if not G.is_directed() else nx.DiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: v for k, v in d.items() if v is not None})
    for u, v, d in G.edges(data=True):
        H.add_edge(u, v, **{k: val for k, val in d.items() if val is not None})
    return H


def write_network(G: nx.Graph, path: str | Path, fmt: str | None = None) -> None:
    """Write a network as GraphML or GEXF (by ``fmt`` or the file suffix) for Gephi/Cytoscape."""
    p = Path(path)
    f = (fmt or p.suffix.lstrip(".")).lower()
    H = _export_ready(G)
    if f == "graphml":
        nx.write_graphml(H, p, encoding="utf-8")
    elif f == "gexf":
        nx.write_gexf(H, p, encoding="utf-8")
    else:
        raise ValueError(f"unknown network format {f!r} (graphml or gexf)")
