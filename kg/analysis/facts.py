"""The task–unit–role facts of a graph, read once: who leads or co-leads which task.

One :class:`Fact` per (task, unit or group reference, role, way of naming): a unit named
in the text (``via_group`` None), a group reference named in the text (``unit_type``
``UnitGroup``), or a member a group reference reaches (``via_group`` = the group's IRI;
the build's ``kg:viaGroup`` assignments, or ``skos:member`` of an every-member group when
the build did not expand). Only task plans count (``kg:Task``): work-report statements
have inferred units, never stated responsibility.

``share`` is what the fact adds to a unit's load under :class:`Weights`: a lead
``lead / L`` (``L`` = the task's leads as written, a group reference counting one; the
full ``lead`` when ``split_shared_lead`` is off), a co-lead ``co_lead``, not split; a member
reached via a group gets the group's share. A unit named twice on one task is listed
twice; counting it once, in its strongest role, is the load's business
(:mod:`kg.analysis.loads`).

Given the build folder, :func:`read_facts` reads the facts the build wrote
(``OUT/facts.jsonl``, :mod:`kg.pipeline.facts_file`: about a second at 100k tasks, where
the store's queries take ~80 s) when that file belongs to the build's graphs; else
(an endpoint, a build by an older kg) it queries the store. :attr:`Facts.source` says
which, and why not the file. Both give equal facts (``tests/test_facts_file.py``).

>>> from kg.store import OxigraphStore
>>> import pyoxigraph as ox
>>> from kg.analysis.workload import EXAMPLE_TTL
>>> s = OxigraphStore()
>>> s.raw.load(EXAMPLE_TTL.encode(), format=ox.RdfFormat.TURTLE)
>>> facts = read_facts(s)
>>> [(f.task_id, f.unit_label, f.role, f.share) for f in facts.assignments if f.via_group is None]
[('1', '区发改委', 'lead', 1.0), ('2', '区发改委', 'lead', 0.5), ('2', '区科技局', 'lead', 0.5), ('3', '区科技局', 'lead', 1.0), ('3', '各街道', 'co_lead', 0.5)]
>>> [(f.unit_label, f.unit_type, f.role, facts.parties[f.via_group].label) for f in facts.assignments if f.via_group]
[('鼓楼街道', 'StreetOffice', 'co_lead', '各街道')]
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, NamedTuple

from ..pipeline.facts_file import (
    FACTS_FILE,
    FactsFileError,
    FactsRecords,
    build_facts_records,
    no_collections,
)
from ..queries import internal_query
from ..store import Store, query_values

__all__ = ["Fact", "Facts", "Party", "Role", "TaskInfo", "Weights", "facts_of_records", "read_facts", "record_parties"]

Role = Literal["lead", "co_lead"]

_Q_TASKS = internal_query("workload_facts_tasks")
_Q_DIRECT = internal_query("workload_facts_direct")
_Q_WRITTEN = internal_query("workload_facts_written")
# Starts from the (few) expanded assignments: `?t a kg:Task` would be looked at first
# (Oxigraph estimates a pattern with a constant object as smaller), i.e. every task.
_Q_VIA = internal_query("workload_via")
_Q_MEMBERS = internal_query("workload_members")
_Q_AGENTS = internal_query("workload_agents")

_LEAD_ROLE = "https://w3id.org/govkg/ns#LeadRole"

_log = logging.getLogger("kg.analysis.facts")

# A name on a task: (the unit's or group reference's IRI, role, its position in the text,
# the name as written there); position _NOWHERE and "" when the graph does not say
_Name = tuple[str, Role, int, str]


@dataclass(frozen=True)
class Weights:
    """What a role weighs: a lead ``lead`` (split between a task's leads when
    ``split_shared_lead``), a co-lead ``co_lead`` (never split)."""

    lead: float = 1.0
    co_lead: float = 0.5
    split_shared_lead: bool = True


@dataclass(frozen=True, slots=True)
class Party:
    """A unit or group reference: its label, type (local name of its kg: class:
    ``GovernmentDepartment`` …, ``UnitGroup``, ``OtherUnit`` when untyped) and, for a
    group reference, its scope (``all``, ``subset``, ``unknown``; None for a unit)."""

    iri: str
    label: str
    type: str
    scope: str | None = None


class Fact(NamedTuple):
    """One task–unit–role fact (see the module docstring).

    A named tuple: ~150 bytes a fact, where a dataclass instance with its ``__dict__`` took
    ~800 (300,000 facts at 100,000 tasks), and made in ~0.5 µs.
    """

    task: str  # the task's IRI
    task_id: str  # its number as written (``"61"``, ``"1-3"``)
    task_text: str
    section: str  # the title of its section, "" when none
    document: str  # the IRI of its task plan
    ordinal: int  # its position in the document
    unit: str  # the IRI of the unit (or group reference)
    unit_label: str
    unit_type: str  # as Party.type
    region: str  # the region profile id of the document (kg:region), "" when none
    role: Role
    via_group: str | None  # the group reference's IRI when reached through one
    share: float
    as_written: str  # the name as the text writes it; "" via a group or when the graph does not say


@dataclass(frozen=True)
class Facts:
    """The facts of a graph, in document order: by document, task ordinal, then the
    names in the order the text writes them, then the members reached via groups."""

    assignments: tuple[Fact, ...]
    tasks: Mapping[str, TaskInfo]  # every task of the task plans, by IRI, in document order
    parties: Mapping[str, Party]  # every unit and group reference named, by IRI
    weights: Weights
    # where they were read: "facts.jsonl", or "store (why not the file)"
    source: str = field(default="store", compare=False)
    # read with the facts from the build's facts file (None from the store: the workload
    # queries them): the number of indicators of each task that has some, and the
    # projects each task mentions (IRIs)
    indicators: Mapping[str, int] | None = field(default=None, compare=False)
    projects: Mapping[str, frozenset[str]] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class TaskInfo:
    """A task of a task plan, with or without facts (as :class:`Fact` names its fields)."""

    task: str
    task_id: str
    task_text: str
    section: str
    document: str
    ordinal: int
    region: str


def _parties(store: Store) -> dict[str, Party]:
    found: dict[str, dict[str, str | None]] = {}
    for agent, label, cls, scope in query_values(store, _Q_AGENTS):
        if agent is None or label is None:
            continue
        rec = found.setdefault(agent, {"label": label, "type": None, "scope": None})
        if cls is not None and (rec["type"] is None or rec["type"] == "OtherUnit"):
            rec["type"] = cls.rsplit("#", 1)[-1]
        if scope is not None:
            rec["scope"] = scope
    return {
        iri: Party(iri, str(r["label"]), r["type"] or "OtherUnit", r["scope"] if r["type"] == "UnitGroup" else None)
        for iri, r in found.items()
    }


def _tasks(store: Store) -> dict[str, TaskInfo]:
    tasks: dict[str, TaskInfo] = {}
    for t, num, ord_, doc, text, section, region in sorted(
        query_values(store, _Q_TASKS), key=lambda r: tuple(x or "" for x in r)
    ):
        if t is not None and t not in tasks:
            tasks[t] = TaskInfo(t, num or "", text or "", section or "", doc or "", int(ord_) if ord_ else 0, region or "")
    return dict(sorted(tasks.items(), key=lambda kv: (kv[1].document, kv[1].ordinal, kv[0])))


def _members(store: Store, tasks: Mapping[str, TaskInfo], parties: Mapping[str, Party],
             named: Mapping[str, Sequence[_Name]]) -> dict[tuple[str, str], list[str]]:
    """(task, group) → the members the group reaches on that task."""
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t, member, group, _role in query_values(store, _Q_VIA):
        if t is not None and t in tasks and group is not None and member is not None and member in parties:
            if member not in members[(t, group)]:
                members[(t, group)].append(member)
    if members:
        return members
    by_group: dict[str, list[str]] = defaultdict(list)
    for group, member in query_values(store, _Q_MEMBERS):
        if group is not None and member in parties:
            by_group[group].append(str(member))
    return _every_member(parties, named, by_group)


def read_facts(store: Store, weights: Weights | None = None, build: str | Path | None = None) -> Facts:
    """Every task–unit–role fact of the task plans in ``store``: from the facts file of the
    build folder ``build`` when it belongs to the build, else by one pass of queries."""
    w = weights or Weights()
    if build is None:
        why = "no build folder"
    else:
        records, why = build_facts_records(build)
        if records is not None:
            try:
                with no_collections():
                    facts = facts_of_records(records, w, why)
            except (OSError, FactsFileError) as e:
                why = f"{FACTS_FILE} cannot be read: {e}"
            else:
                _log.debug("the facts are read from %s", Path(build) / FACTS_FILE)
                return facts
    _log.debug("the facts are read from the store: %s", why)
    parties = _parties(store)
    tasks = _tasks(store)
    written: dict[tuple[str, str, bool], tuple[int, str]] = {}
    for t, agent, role_iri, text, pos in query_values(store, _Q_WRITTEN):
        if t is not None and agent is not None and text is not None:
            _written(written, (t, agent, role_iri == _LEAD_ROLE), int(pos) if pos else _NOWHERE, text)
    named: dict[str, list[tuple[str, Role]]] = defaultdict(list)
    for t, agent, lead in query_values(store, _Q_DIRECT):
        if t in tasks and agent in parties:
            role: Role = "lead" if lead in ("true", "1") else "co_lead"  # Virtuoso answers BIND(true) as 1
            if (agent, role) not in named[t]:
                named[t].append((agent, role))
    names = {t: [(a, r, *written.get((t, a, r == "lead"), (_NOWHERE, ""))) for a, r in ns] for t, ns in named.items()}
    members = _members(store, tasks, parties, names)
    return _facts(tasks, parties, names, members, w, f"store ({why})")


def _written(written: dict[tuple[str, str, bool], tuple[int, str]], key: tuple[str, str, bool], pos: int, text: str) -> None:
    here = (pos, text)
    written[key] = min(written.get(key, here), here)


def _facts(
    tasks: Mapping[str, TaskInfo], parties: Mapping[str, Party], named: Mapping[str, Sequence[_Name]],
    members: Mapping[tuple[str, str], list[str]], w: Weights, source: str,
) -> Facts:
    facts: list[Fact] = []
    for t in tasks:
        if t in named:
            facts.extend(_task_facts(t, tasks[t], named[t], parties, members, w))
    return Facts(assignments=tuple(facts), tasks=tasks, parties=parties, weights=w, source=source)


def record_parties(records: FactsRecords) -> tuple[dict[str, list[Any]], dict[str, list[str]]]:
    """The descriptions of the parties the documents of a facts file give, merged (IRI →
    [label, type, scope, unresolved], as the store answers for a node described by
    several documents: a class other than OtherUnit, unresolved when one says so), and
    every group reference's members."""
    described: dict[str, list[Any]] = {}
    members: dict[str, list[str]] = {}
    for rec in records:
        _describe(described, members, rec)
    return described, members


def _describe(described: dict[str, list[Any]], members: dict[str, list[str]], rec: Mapping[str, Any]) -> None:
    """Merge the parties and group members of one document's record (:func:`record_parties`)."""
    for iri, label, typ, scope, unresolved in rec["parties"]:
        d = described.get(iri)
        if d is None:
            described[iri] = [label, typ, scope, unresolved]
            continue
        if d[1] == "OtherUnit" or typ != "OtherUnit" and typ < d[1]:
            d[1] = typ
        d[3] = d[3] or unresolved
    for g, ms in rec["members"]:
        members[g] = ms


@dataclass
class _Gathered:
    """What the facts are made of, gathered from a facts file one document's record at a
    time (the records themselves are not kept)."""

    described: dict[str, list[Any]] = field(default_factory=dict)
    group_members: dict[str, list[str]] = field(default_factory=dict)
    tasks: dict[str, TaskInfo] = field(default_factory=dict)
    agents: set[str] = field(default_factory=set)
    # per task its names (each (agent, role) once, where first written) and per (task,
    # group) the members reached, in the order of the file, before the agents without a
    # description are left out
    named: defaultdict[str, list[_Name]] = field(default_factory=lambda: defaultdict(list))
    members: defaultdict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    indicators: dict[str, int] = field(default_factory=dict)
    projects: dict[str, frozenset[str]] = field(default_factory=dict)
    # one string object per IRI, number as written ("1", "2" …) and name as written: the
    # same strings recur on every line of the file
    strings: dict[str, str] = field(default_factory=dict)

    def add(self, rec: Mapping[str, Any]) -> None:
        _describe(self.described, self.group_members, rec)
        titles = {s[0]: s[3] for s in rec["sections"]}
        doc, region = rec["document"], rec["region"]
        iri = self.strings.setdefault
        for t, num, ordinal, text, section, _, resp, indicators, projects in rec["tasks"]:
            self.tasks[t] = TaskInfo(t, iri(num, num), text, titles.get(section, "") if section else "", doc, ordinal, region)
            for agent, role, written, pos, via in resp:
                agent = iri(agent, agent)
                self.agents.add(agent)
                if via is not None:
                    if agent not in (ms := self.members[(t, iri(via, via))]):
                        ms.append(agent)
                    continue
                _name(self.named[t], (agent, role, _NOWHERE if pos is None else pos, iri(written, written)))
            if indicators:
                self.indicators[t] = len({i[0] for i in indicators})
            if projects:
                self.projects[t] = frozenset(iri(p[0], p[0]) for p in projects)


def facts_of_records(
    records: Iterable[Mapping[str, Any]], weights: Weights | None = None, source: str = "facts.jsonl"
) -> Facts:
    """The facts of the records of a build's facts file (:mod:`kg.graph.facts_rows`): the
    same :func:`read_facts` reads from the build's store. ``records`` are taken once, one
    at a time (:func:`kg.pipeline.facts_file.build_facts_records` parses them so)."""
    w = weights or Weights()
    g = _Gathered()
    for rec in records:
        g.add(rec)
    agents = g.agents | {m for ms in g.group_members.values() for m in ms}
    parties = {
        a: Party(a, str(d[0]), str(d[1]), d[2] if d[1] == "UnitGroup" else None)
        for a in sorted(agents) if (d := g.described.get(a)) is not None
    }
    tasks = dict(sorted(g.tasks.items(), key=lambda kv: (kv[1].document, kv[1].ordinal, kv[0])))
    named: dict[str, list[_Name]] = defaultdict(list)
    for t, names in g.named.items():
        if kept := [n for n in names if n[0] in parties]:
            named[t] = kept
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, ms in g.members.items():
        members[key] = [m for m in ms if m in parties]
    if not any(members.values()):  # the build did not expand: as _members does
        members = _every_member(parties, named, {k: [m for m in ms if m in parties] for k, ms in g.group_members.items()})
    facts = _facts(tasks, parties, named, members, w, source)
    return replace(facts, indicators=g.indicators, projects=g.projects)


def _every_member(
    parties: Mapping[str, Party], named: Mapping[str, Sequence[_Name]], by_group: Mapping[str, list[str]]
) -> defaultdict[tuple[str, str], list[str]]:
    """Without expanded assignments: an every-member group reaches the members the
    gazetteer lists."""
    members: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for t, names in named.items():
        for g, _, _, _ in names:
            if g in by_group and parties[g].scope == "all":
                members[(t, g)] = list(by_group[g])
    return members


_NOWHERE = 10**9  # the position of a name the graph gives none for: after the others


def _name(names: list[_Name], name: _Name) -> None:
    """Add ``name`` to a task's ``names``: each (agent, role) once, where first written."""
    for i, n in enumerate(names):
        if n[:2] == name[:2]:
            if name[2:] < n[2:]:
                names[i] = name
            return
    names.append(name)


def _task_facts(
    t: str, info: TaskInfo, named: Sequence[_Name], parties: Mapping[str, Party],
    members: Mapping[tuple[str, str], list[str]], w: Weights,
) -> list[Fact]:
    """The facts of one task: its names in the order written, then the members reached."""
    leads = {a for a, r, _, _ in named if r == "lead"}
    lead_share = w.lead / max(1, len(leads)) if w.split_shared_lead else w.lead
    # a unit both lead and co-lead of a task is its lead
    names = sorted((n for n in named if n[1] == "lead" or n[0] not in leads), key=lambda n: (n[2], parties[n[0]].label))

    def fact(unit: str, role: Role, via: str | None, as_written: str) -> Fact:
        p = parties[unit]  # (its IRI and label: one string for every fact of the unit)
        return Fact(
            t, info.task_id, info.task_text, info.section, info.document, info.ordinal, p.iri, p.label, p.type,
            info.region, role, None if via is None else parties[via].iri, lead_share if role == "lead" else w.co_lead,
            as_written,
        )

    out = [fact(a, r, None, x) for a, r, _, x in names]
    for g, r, _, _ in names:
        out.extend(fact(m, r, g, "") for m in sorted(members.get((t, g), ()), key=lambda m: parties[m].label))
    return out
