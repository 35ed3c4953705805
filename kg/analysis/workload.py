"""Workload analysis: who carries how much, who is overloaded and why, who brokers between units.

Everything is read from the graph through :class:`kg.store.Store`, so it works on a build
folder, in memory or against a SPARQL endpoint, by the one reader of the task–unit–role
facts (:mod:`kg.analysis.facts`). Only task plans count (``kg:Task``); work-report
statements have inferred units, never stated responsibility.

Load
----
For each task, with its leads (牵头/主办) and co-leads (配合/协办) as written:

* each lead gets ``lead_weight / L``, where ``L`` is the number of leads of the task
  (a group reference such as 各区属国企集团 counts as one lead); with
  ``split_shared_lead=False`` each lead gets the full ``lead_weight``;
* each co-lead gets ``co_lead_weight`` — **not split**: a co-lead does its own part
  whatever the length of the list, and splitting would make every member of a long
  list (or of 各街道) nearly weightless;
* a unit named twice on one task counts once, in its strongest role (lead before
  co-lead, named before reached via a group).

Every unit has two loads (:mod:`kg.analysis.loads`): the **direct load** (the tasks that
name it) and the **expanded load** (plus the tasks an every-member group reference such
as 各街道 reaches it through: 各街道 as co-lead adds ``co_lead_weight`` to each of the 13
streets). ``load`` is the one ranked and judged: the direct load, or the expanded load with
``expand_groups=True``. A unit with only an expanded load (a street) is listed with a direct
load of 0. Group references (kg:UnitGroup: 各街道, 各板块, 区相关部门 …) are not units:
they are reported separately (``WorkloadReport.groups``) and never ranked. Loads add up over
every document of a region (a unit is one IRI per region); ``documents`` gives the
per-document breakdown, ``tasks`` the tasks and shares behind the loads.

``indicators`` counts the indicators of the tasks a unit leads; ``projects`` the distinct
projects those tasks mention; ``partners`` the distinct other units it shares a task with.

Overload rule
-------------
A type-relative Tukey fence (only for unit types with enough members), the top share of
all units with ties stated, and a minimum absolute load: see :mod:`kg.analysis.verdicts`.
Every unit gets a ``verdict`` with ``reason_zh`` and ``reason_en``.

Concentration and network
-------------------------
``gini``: the Gini coefficient of the *lead load* over the units with a load (0 = equal,
1 = one unit leads everything). ``top5_share``: the share of the total lead load held
by the five units with the largest lead load. ``collaboration``: the unit–unit network of
the units with a load (see :mod:`kg.analysis.networks`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from ..labels import label
from ..pipeline.facts_file import no_collections
from ..queries import internal_query
from ..store import Store, query_values
from .facts import Facts, read_facts
from .loads import DocumentLoad, Shares, TaskShare, unit_loads
from .networks import centralities, collaboration_graph
from .verdicts import overload_verdicts, tukey_fence
from .workload_rows import UnitLoad, WorkloadOptions

__all__ = [
    "WorkloadOptions", "UnitLoad", "WorkloadReport", "compute_workload", "gini", "tukey_fence",
    "collaboration_graph", "type_label", "TaskShare", "DocumentLoad", "EXAMPLE_TTL",
]

_Q_INDICATORS = internal_query("workload_indicators")
_Q_PROJECTS = internal_query("workload_projects")


@dataclass
class WorkloadReport:
    """The ranking, concentration and collaboration network of a graph's units."""

    units: list[UnitLoad]  # by load desc, then expanded load desc, then name
    gini: float
    top5_share: float
    options: WorkloadOptions
    collaboration: nx.Graph  # unit–unit, edge attr weight = tasks shared
    # Group references (not units): never ranked.
    groups: list[UnitLoad] = field(default_factory=list)
    tasks: int = 0
    # the IRIs of the group references in the order of the facts (the responsibility
    # graph's order of its group nodes; ``groups`` is by load)
    group_order: tuple[str, ...] = ()

    @cached_property
    def responsibility(self) -> nx.Graph:
        """The task–unit bipartite graph of the ranked load (node attr bipartite 0 = task,
        1 = unit/group; edge attr role, share, via_group), made on first use: only the
        network files need it, and at 100,000 tasks it holds ~100 MB."""
        return _responsibility_graph(self)

    def unit(self, name: str) -> UnitLoad:
        """The row of a unit by name (KeyError if absent)."""
        for u in self.units:
            if u.unit == name:
                return u
        raise KeyError(name)


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


def type_label(type_name: str) -> str:
    """The Chinese label of a unit type (``GovernmentDepartment`` → ``政府部门``), from
    :mod:`kg.labels`.

    >>> type_label("StreetOffice")
    '街道'
    """
    return label("unit_type", type_name)


@dataclass
class _Ranked:
    """A unit's figures under the ranked load (direct, or expanded)."""

    s: Shares
    load: float = 0.0
    lead: int = 0
    co_lead: int = 0
    lead_load: float = 0.0
    indicators: int = 0
    projects: set[str] = field(default_factory=set)
    tasks: list[str] = field(default_factory=list)  # the tasks the ranked load counts (IRIs)


def _ranked(s: Shares, expand: bool, indicators: dict[str, int], projects: dict[str, set[str]]) -> _Ranked:
    r = _Ranked(s)
    for t in s.tasks:
        role, share = (t.role, t.expanded_share) if expand else (t.direct_role, t.direct_share)
        if role is None:
            continue
        r.tasks.append(t.task)
        r.load += share
        if role == "lead":
            r.lead += 1
            r.lead_load += share
            r.indicators += indicators.get(t.task, 0)
            r.projects |= projects.get(t.task, set())
        else:
            r.co_lead += 1
    r.load = round(r.load, 6)
    return r


def compute_workload(
    store: Store, options: WorkloadOptions | None = None, facts: Facts | None = None
) -> WorkloadReport:
    """The workload ranking of every unit named in the task plans of ``store``.

    ``facts``, when given, are those :func:`kg.analysis.facts.read_facts` read from
    ``store`` (with the weights of ``options``; read again otherwise).

    >>> from kg.store import OxigraphStore
    >>> import pyoxigraph as ox
    >>> s = OxigraphStore()
    >>> s.raw.load(EXAMPLE_TTL.encode(), format=ox.RdfFormat.TURTLE)
    >>> r = compute_workload(s)
    >>> [(u.unit, u.lead, u.co_lead, u.load, u.expanded_load) for u in r.units]
    [('区发改委', 2, 0, 1.5, 1.5), ('区科技局', 2, 0, 1.5, 1.5), ('鼓楼街道', 0, 0, 0.0, 0.5)]
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
    with no_collections():  # (nothing cyclic is made: see no_collections)
        return _workload(store, opts, facts)


def _workload(store: Store, opts: WorkloadOptions, facts: Facts) -> WorkloadReport:
    projects: dict[str, set[str]] = defaultdict(set)
    if facts.indicators is not None and facts.projects is not None:  # (read with them from the build's facts file)
        indicators = dict(facts.indicators)
        projects.update((t, set(p)) for t, p in facts.projects.items())
    else:
        indicators = {t: int(n) for t, n in query_values(store, _Q_INDICATORS) if t and n}
        for t, p in query_values(store, _Q_PROJECTS):
            if t is not None and p is not None:
                projects[t].add(p)
    shares, group_shares = unit_loads(facts)
    ranked = [_ranked(s, opts.expand_groups, indicators, projects) for s in shares.values()]
    # (the IRI last: units of two regions share a name, 区交通运输局, and their order must
    # not depend on the order the facts were read in)
    ranked.sort(key=lambda r: (-round(r.load, 9), -round(r.s.expanded_load, 9), r.s.label, r.s.iri))
    carrying = [r for r in ranked if r.load > 0]
    G = collaboration_graph({r.s.iri: r.tasks for r in carrying})
    degree, betweenness = centralities(G)
    verdicts = overload_verdicts([(r.s.iri, r.s.type, r.load) for r in ranked], opts.rule())
    units: list[UnitLoad] = []
    for r in ranked:
        v, s = verdicts[r.s.iri], r.s
        if s.iri in G:
            G.nodes[s.iri].update(label=s.label, type=s.type, type_label=type_label(s.type), region=s.region, lead=r.lead, co_lead=r.co_lead,
                                  load=r.load, expanded_load=s.expanded_load, lead_load=round(r.lead_load, 6),
                                  overloaded=v.overloaded)
        units.append(UnitLoad(
            unit=s.label, iri=s.iri, type=s.type, region=s.region, lead=r.lead, co_lead=r.co_lead, load=r.load,
            direct_load=s.direct_load, expanded_load=s.expanded_load, lead_load=round(r.lead_load, 6),
            indicators=r.indicators, projects=len(r.projects), partners=G.degree(s.iri) if s.iri in G else 0,
            degree=round(float(degree.get(s.iri, 0.0)), 6), betweenness=round(float(betweenness.get(s.iri, 0.0)), 6),
            overloaded=v.overloaded, verdict="overloaded" if v.overloaded else "not overloaded",
            reason_zh=v.reason_zh, reason_en=v.reason_en, rules=v.rules, tasks=tuple(s.tasks),
            documents=tuple(s.documents()),
        ))
    lead_loads = [r.lead_load for r in carrying]
    total_lead = sum(lead_loads)
    top5 = sum(sorted(lead_loads, reverse=True)[:5]) / total_lead if total_lead > 0 else 0.0
    return WorkloadReport(
        units=units, gini=round(gini(lead_loads), 6), top5_share=round(top5, 6), options=opts,
        collaboration=G, groups=_group_rows(facts, group_shares, opts, indicators, projects),
        tasks=len({f.task for f in facts.assignments}), group_order=tuple(group_shares),
    )


def _ranked_tasks(u: UnitLoad, expand: bool) -> Iterable[tuple[TaskShare, str, float, bool]]:
    """The tasks the ranked load of ``u`` counts, as :func:`_ranked` picks them: (task,
    role, share, reached via a group)."""
    for t in u.tasks:
        role, share = (t.role, t.expanded_share) if expand else (t.direct_role, t.direct_share)
        if role is not None:
            yield t, role, share, expand and t.via_group is not None


def _responsibility_graph(report: WorkloadReport) -> nx.Graph:
    """The task–unit bipartite graph of the ranked load: tasks with their number as
    written, text and section (in document order); the units with a load; group
    references (edge role, share, via_group)."""
    expand = report.options.expand_groups
    carrying = [u for u in report.units if u.load > 0]
    groups = {g.iri: g for g in report.groups}
    tasks: dict[str, TaskShare] = {}
    for u in carrying:
        tasks.update((t.task, t) for t, _, _, _ in _ranked_tasks(u, expand))
    for g in groups.values():
        tasks.update((t.task, t) for t in g.tasks)
    B = nx.Graph()
    for t in sorted(tasks.values(), key=lambda t: (t.document, t.ordinal, t.task)):  # the order of Facts.tasks
        B.add_node(t.task, bipartite=0, kind="task", label=t.task_id, text=t.task_text, section=t.section,
                   document=t.document)
    for u in carrying:
        B.add_node(u.iri, bipartite=1, kind="unit", label=u.unit, type=u.type, type_label=type_label(u.type))
        for t, role, share, via in _ranked_tasks(u, expand):
            B.add_edge(t.task, u.iri, role=role, share=round(share, 6), via_group=via)
    for iri in report.group_order:
        g = groups[iri]
        B.add_node(g.iri, bipartite=1, kind="group", label=g.unit, type="UnitGroup", type_label=type_label("UnitGroup"))
        for t in g.tasks:
            B.add_edge(t.task, g.iri, role=t.role, share=round(t.direct_share, 6), via_group=False)
    return B


def _group_rows(facts: Facts, groups: dict[str, Shares], opts: WorkloadOptions, indicators: dict[str, int],
                projects: dict[str, set[str]]) -> list[UnitLoad]:
    rows = []
    for g in sorted(groups.values(), key=lambda g: (-round(g.direct_load, 9), g.label, g.iri)):
        r = _ranked(g, False, indicators, projects)
        zh, en = _group_reason(g, facts.parties[g.iri].scope or "unknown")
        rows.append(UnitLoad(
            unit=g.label, iri=g.iri, type="UnitGroup", region=g.region, lead=r.lead, co_lead=r.co_lead, load=r.load,
            direct_load=r.load, expanded_load=r.load, lead_load=round(r.lead_load, 6), indicators=r.indicators,
            projects=len(r.projects), partners=0, degree=0.0, betweenness=0.0, overloaded=False,
            verdict="not ranked", reason_zh=zh, reason_en=en, tasks=tuple(g.tasks), documents=tuple(g.documents()),
        ))
    return rows


_SCOPE_ZH = {"all": "全体成员", "subset": "部分成员", "unknown": "成员不明"}


def _group_reason(g: Shares, scope: str) -> tuple[str, str]:
    """What a group reference is and what became of its share: (zh, en)."""
    head_zh, head_en = f"群组引用（{_SCOPE_ZH.get(scope, scope)}），不是单位，不参与排名", f"group reference (scope {scope})"
    if g.expanded_on:
        return (f"{head_zh}；在 {g.expanded_on} 项任务中分到各成员单位的含群组负荷",
                f"{head_en}, expanded to its members on {g.expanded_on} tasks (their expanded load)")
    if scope != "all":
        return (f"{head_zh}；成员不明或只是部分成员，无法分到单位",
                f"{head_en}, not expanded: members unknown or an unnamed subset")
    return (f"{head_zh}；成员不明，无法分到单位", f"{head_en}, not expanded: its members are not known")


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
