"""Loads: what each unit carries, from the task–unit–role facts.

Two loads per unit, always both:

* **direct load** — the tasks that name the unit;
* **expanded load** — those plus the tasks that reach it through an every-member group
  reference (scope ``all``: 各街道, 各板块, 各部门 …), each in the group's role and share.
  Subset (相关街道) and unknown-membership (区相关部门) groups reach no one.

On one task a unit counts once, in its strongest role: lead before co-lead, named before
reached via a group (a unit named as co-lead that a co-leading 各板块 also reaches counts
one co-lead share). ``TaskShare`` keeps, per task, what the unit adds to each load.

>>> from kg.store import OxigraphStore
>>> import pyoxigraph as ox
>>> from kg.analysis.workload import EXAMPLE_TTL
>>> from kg.analysis.facts import read_facts
>>> s = OxigraphStore()
>>> s.raw.load(EXAMPLE_TTL.encode(), format=ox.RdfFormat.TURTLE)
>>> units, groups = unit_loads(read_facts(s))
>>> [(u.label, u.direct_load, u.expanded_load) for u in units.values()]
[('区发改委', 1.5, 1.5), ('区科技局', 1.5, 1.5), ('鼓楼街道', 0.0, 0.5)]
>>> [(t.task_id, t.role, t.via_group, t.direct_share, t.expanded_share) for t in units[next(reversed(units))].tasks]
[('3', 'co_lead', '各街道', 0.0, 0.5)]
>>> [(g.label, g.direct_load, g.expanded_on) for g in groups.values()]
[('各街道', 0.5, 1)]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .facts import Fact, Facts
from .workload_rows import DocumentLoad, TaskShare

__all__ = ["TaskShare", "DocumentLoad", "Shares", "unit_loads"]


@dataclass
class Shares:
    """A unit's (or a group reference's) tasks and loads."""

    iri: str
    label: str
    type: str
    region: str
    tasks: list[TaskShare] = field(default_factory=list)
    expanded_on: int = 0  # for a group reference: tasks on which it reached its members

    @property
    def direct_load(self) -> float:
        return round(sum(t.direct_share for t in self.tasks), 6)

    @property
    def expanded_load(self) -> float:
        return round(sum(t.expanded_share for t in self.tasks), 6)

    def documents(self) -> list[DocumentLoad]:
        """The loads per document, in document order."""
        direct: dict[str, float] = defaultdict(float)
        expanded: dict[str, float] = defaultdict(float)
        for t in self.tasks:
            direct[t.document] += t.direct_share
            expanded[t.document] += t.expanded_share
        return [DocumentLoad(d, round(direct[d], 6), round(expanded[d], 6)) for d in expanded]


def _rank(f: Fact) -> tuple[bool, bool, float]:
    """The strength of a fact: lead before co-lead, named before via a group, then share."""
    return (f.role == "lead", f.via_group is None, f.share)


def unit_loads(facts: Facts) -> tuple[dict[str, Shares], dict[str, Shares]]:
    """``(units, groups)``: every unit with a direct or expanded load, and every group
    reference named, each with its tasks, in the order of the facts."""
    parties = facts.parties
    direct: dict[tuple[str, str], Fact] = {}
    expanded: dict[tuple[str, str], Fact] = {}
    group_facts: dict[tuple[str, str], Fact] = {}
    reached: dict[str, set[str]] = defaultdict(set)
    for f in facts.assignments:
        key = (f.unit, f.task)
        if f.via_group is None and f.unit_type == "UnitGroup":
            if key not in group_facts or _rank(f) > _rank(group_facts[key]):
                group_facts[key] = f
            continue
        if f.via_group is not None and parties[f.via_group].scope != "all":
            continue
        if f.via_group is None and (key not in direct or _rank(f) > _rank(direct[key])):
            direct[key] = f
        if key not in expanded or _rank(f) > _rank(expanded[key]):
            expanded[key] = f
        if f.via_group is not None:
            reached[f.via_group].add(f.task)

    units: dict[str, Shares] = {}
    for (unit, _), f in expanded.items():
        s = units.get(unit)
        if s is None:
            p = parties[unit]
            s = units[unit] = Shares(unit, p.label, p.type, f.region)
        d = direct.get((unit, f.task))
        s.tasks.append(TaskShare(
            f.task, f.task_id, f.document, f.ordinal, f.section, f.task_text, f.role,
            parties[f.via_group].label if f.via_group else None, d.share if d else 0.0, f.share,
            d.role if d else None,
        ))
    groups: dict[str, Shares] = {}
    for (g, _), f in group_facts.items():
        s = groups.get(g)
        if s is None:
            s = groups[g] = Shares(g, parties[g].label, "UnitGroup", f.region, expanded_on=len(reached[g]))
        s.tasks.append(TaskShare(
            f.task, f.task_id, f.document, f.ordinal, f.section, f.task_text, f.role, None, f.share, f.share, f.role,
        ))
    return units, groups
