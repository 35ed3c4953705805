"""What the views and the report draw, read from a build's store: the task–unit–role facts
through :func:`kg.analysis.facts.read_facts` (shared with the workload and the matrix), the
rest (documents, sections, deadlines, members, aliases, indicators, projects) with a few
SPARQL queries — or, given the build folder, all of it from the facts file the build wrote
(``OUT/facts.jsonl``, :mod:`kg.pipeline.facts_file`) when it belongs to the build:
the same data (``tests/test_facts_file.py``) in about a second at 100k tasks instead of
~40 s of queries. :attr:`ViewData.source` says which was read.

The views read the graph (not the extraction records) so that they show exactly what an
analyst querying ``OUT/store`` sees, and so that unit IRIs line up with the workload
analysis (``kg.analysis.workload``), which reads the same store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from kg.queries import internal_query

from kg.analysis.facts import Facts, read_facts, record_parties
from kg.labels import label
from kg.pipeline.facts_file import (
    FACTS_FILE,
    FactsFileError,
    FactsRecords,
    build_facts_records,
    no_collections,
)
from kg.store import Store, query_values

__all__ = [
    "UNIT_TYPES",
    "UnitInfo",
    "TaskInfo",
    "SectionInfo",
    "DocumentInfo",
    "IndicatorInfo",
    "ViewData",
    "load_view_data",
]

# Unit classes of the ontology, in legend order: (class local name, Chinese, English), the
# labels of the one vocabulary (kg.labels: ontology/unit_types.csv and labels.csv).
LEGEND_ORDER = (
    "PartyDepartment", "GovernmentDepartment", "DeployedUnit", "ManagementCommittee", "StreetOffice",
    "TownOffice", "SOEGroup", "LocalGovernment", "PeopleOrganisation", "OtherUnit",
)
UNIT_TYPES: tuple[tuple[str, str, str], ...] = tuple(
    (t, label("unit_type", t), label("unit_type", t, "en")) for t in LEGEND_ORDER
)
_TYPE_NAMES = {t for t, _, _ in UNIT_TYPES}


@dataclass
class UnitInfo:
    """A responsible party: a unit, or a group reference (各街道, 相关部门) when ``is_group``."""

    iri: str
    label: str
    type: str  # a UNIT_TYPES key, or "UnitGroup"
    is_group: bool = False
    unresolved: bool = False
    members: list[str] = field(default_factory=list)  # IRIs of group members
    aliases: list[str] = field(default_factory=list)  # other names (skos:altLabel), sorted


@dataclass
class IndicatorInfo:
    iri: str
    text: str
    metric: str


@dataclass
class TaskInfo:
    iri: str
    document: str  # document IRI
    number: str
    ordinal: int
    text: str
    section: str | None  # section IRI
    deadline: str | None = None
    lead: list[str] = field(default_factory=list)  # unit / group IRIs, as written
    co_lead: list[str] = field(default_factory=list)
    lead_via_group: list[tuple[str, str]] = field(default_factory=list)  # (unit, group)
    co_lead_via_group: list[tuple[str, str]] = field(default_factory=list)
    indicators: list[IndicatorInfo] = field(default_factory=list)
    projects: list[tuple[str, str]] = field(default_factory=list)  # (iri, label)

    @property
    def parties(self) -> list[str]:
        """Lead and co-lead parties named in the task, without repeats, leads first."""
        return list(dict.fromkeys([*self.lead, *self.co_lead]))


@dataclass
class SectionInfo:
    iri: str
    document: str
    ordinal: int
    number: str
    title: str
    parent: str | None = None


@dataclass
class DocumentInfo:
    iri: str
    title: str
    name: str
    kind: str  # "TaskPlan" | "WorkReport"


@dataclass
class ViewData:
    documents: dict[str, DocumentInfo] = field(default_factory=dict)
    sections: dict[str, SectionInfo] = field(default_factory=dict)
    tasks: dict[str, TaskInfo] = field(default_factory=dict)
    units: dict[str, UnitInfo] = field(default_factory=dict)
    # where the data were read: "facts.jsonl", or "store (why not the file)"
    source: str = field(default="store", compare=False)

    def top_section(self, section: str | None) -> str | None:
        """The outermost section enclosing ``section`` (tasks are coloured by it)."""
        seen = set()
        while section is not None and section in self.sections and section not in seen:
            seen.add(section)
            parent = self.sections[section].parent
            if parent is None or parent not in self.sections:
                return section
            section = parent
        return section

    def section_tasks(self) -> dict[str, list[TaskInfo]]:
        """Tasks of each section (its own and its subsections'), in document order."""
        out: dict[str, list[TaskInfo]] = defaultdict(list)
        for t in sorted(self.tasks.values(), key=lambda t: (t.document, t.ordinal)):
            seen = set()
            s = t.section
            while s is not None and s in self.sections and s not in seen:
                seen.add(s)
                out[s].append(t)
                s = self.sections[s].parent
        return dict(out)


_Q_DOCS = internal_query("views_docs")

_Q_SECTIONS = internal_query("views_sections")

# What the facts (kg.analysis.facts) do not hold is read one property at a time: a single
# pattern per query is several times faster in Oxigraph than one query with a row per task
# and an OPTIONAL per property. Patterns over every task are each their own { SELECT * },
# so that Oxigraph joins them by hash instead of looking each task up.
_Q_TASK_PROPERTY = internal_query("views_task_property")

_Q_UNRESOLVED = internal_query("views_unresolved")

_Q_MEMBERS = internal_query("views_members")

_Q_ALIASES = internal_query("views_aliases")

_Q_INDICATORS = internal_query("views_indicators")

_Q_METRICS = internal_query("views_metrics")

_Q_PROJECTS = internal_query("views_projects")


def _rows(store: object, sparql: str) -> list[dict[str, object]]:
    return store.query(sparql).dicts()  # type: ignore[attr-defined]


def _local(iri: object) -> str:
    s = str(iri)
    return s.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _int(v: object, default: int = 0) -> int:
    try:
        return int(v)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default


def _order_key(iri: str) -> tuple[int, str]:
    """Result order of a SPARQL engine is not stable: sort by the trailing number, then IRI."""
    tail = iri.rsplit("/", 1)[-1]
    return (_int(tail, 10**9), iri)


def load_view_data(store: Store, facts: Facts | None = None, build: str | Path | None = None) -> ViewData:
    """Documents, sections, task-plan tasks, responsible parties, indicators and projects.

    Who leads and co-leads which task, directly or through a group, is ``facts`` (default
    :func:`kg.analysis.facts.read_facts`, the reader the workload and the matrix share);
    the rest is read here: from the facts file of the build folder ``build`` when it
    belongs to the build, else from ``store``.
    """
    why = "no build folder"
    if build is not None:
        records, why = build_facts_records(build)
        if records is not None:
            try:
                with no_collections():
                    return _view_data_of_records(records, facts if facts is not None else read_facts(store, build=build))
            except (OSError, FactsFileError) as e:
                why = f"{FACTS_FILE} cannot be read: {e}"
    data = ViewData(source=f"store ({why})")
    _documents_and_sections(store, data)
    facts = facts if facts is not None else read_facts(store)
    props = {prop: _task_property(store, prop) for prop in ("inSection", "deadline")}
    for t, info in facts.tasks.items():
        data.tasks[t] = TaskInfo(
            t, info.document, info.task_id, info.ordinal, info.task_text, props["inSection"].get(t),
            props["deadline"].get(t),
        )
    _responsibilities(facts, data)
    _parties(store, facts, data)
    _indicators_and_projects(store, data)
    return data


# What a view needs of a task's row of the facts file (kg.graph.facts_rows): its section,
# deadline, indicators and projects (the rest is in the facts)
_TaskRow = tuple[Any, Any, list[Any], list[Any]]


def _view_data_of_records(records: Iterable[dict[str, Any]], facts: Facts) -> ViewData:
    """:func:`load_view_data` from the records of a build's facts file, taken one at a
    time and not kept (only what the views need of each): the same data."""
    data = ViewData(source="facts.jsonl")
    rows: dict[str, _TaskRow] = {}
    aliases: set[tuple[str, str]] = set()

    def taken() -> Iterator[dict[str, Any]]:
        for rec in records:
            d = rec["document"]
            data.documents[d] = DocumentInfo(d, rec["title"], _unslug(d), rec["kind"])
            for s, ordinal, number, title, parent in rec["sections"]:
                data.sections[s] = SectionInfo(s, d, ordinal, number, title, parent)
            for row in rec["tasks"]:
                rows[row[0]] = (row[4], row[5], row[7], row[8])
            aliases.update((u, a) for u, a in rec["aliases"])
            yield {"parties": rec["parties"], "members": rec["members"]}

    # (record_parties takes the records once, in order: each is read, kept from and let go)
    described, members = record_parties(cast(FactsRecords, taken()))
    for t, info in facts.tasks.items():
        row = rows.get(t)
        data.tasks[t] = TaskInfo(
            t, info.document, info.task_id, info.ordinal, info.task_text, row[0] if row else None, row[1] if row else None,
        )
    _responsibilities(facts, data)
    _party_infos(facts, data)
    for u, unit in data.units.items():
        unit.unresolved = bool(described.get(u, (None, None, None, False))[3])
        unit.members.extend(sorted(members.get(u, ())))
    for u, alias in sorted(a for a in aliases if a[0] in data.units):
        unit = data.units[u]
        if alias != unit.label and alias not in unit.aliases:
            unit.aliases.append(alias)
    for t, task in data.tasks.items():
        row = rows.get(t)
        if row is None:
            continue
        for i, text, metric in sorted(row[2], key=lambda r: _order_key(r[0])):
            if all(x.iri != i for x in task.indicators):
                task.indicators.append(IndicatorInfo(i, text, metric))
        for p, name in sorted(row[3], key=lambda r: (r[1] or r[0], r[0])):
            if all(x != p for x, _ in task.projects):
                task.projects.append((p, name or _unslug(p)))
    return data


def _documents_and_sections(store: Store, data: ViewData) -> None:
    for r in _rows(store, _Q_DOCS):
        d = str(r["d"])
        doc = data.documents.get(d)
        if doc is None:
            doc = data.documents[d] = DocumentInfo(d, str(r.get("title") or ""), _unslug(d), "")
        if "kind" in r:
            doc.kind = _local(r["kind"])
    for r in _rows(store, _Q_SECTIONS):
        s = str(r["s"])
        data.sections[s] = SectionInfo(
            s, str(r["d"]), _int(r.get("ord")), str(r.get("num") or ""), str(r.get("title") or ""),
            str(r["parent"]) if "parent" in r else None,
        )


def _task_property(store: Store, prop: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for t, v in sorted(query_values(store, _Q_TASK_PROPERTY.replace("kg:PROPERTY", f"kg:{prop}"))):  # (sorted: the same value wins every time)
        if t is not None and v is not None:
            values.setdefault(t, v)
    return values


def _responsibilities(facts: Facts, data: ViewData) -> None:
    """Leads and co-leads in the order the document names them, then the members groups reach."""
    for f in facts.assignments:
        task = data.tasks.get(f.task)
        if task is None:
            continue
        if f.via_group is None:
            target = task.lead if f.role == "lead" else task.co_lead
            if f.unit not in target:
                target.append(f.unit)
        else:
            pairs = task.lead_via_group if f.role == "lead" else task.co_lead_via_group
            if (f.unit, f.via_group) not in pairs:
                pairs.append((f.unit, f.via_group))


def _parties(store: Store, facts: Facts, data: ViewData) -> None:
    """The units and group references on some task, with their type, members and aliases."""
    _party_infos(facts, data)
    for u, x in query_values(store, _Q_UNRESOLVED):
        if u in data.units and x in ("true", "1"):
            data.units[u].unresolved = True
    for r in sorted(_rows(store, _Q_MEMBERS), key=lambda r: (str(r["g"]), str(r["m"]))):
        g = data.units.get(str(r["g"]))
        if g is not None:
            g.members.append(str(r["m"]))
    for u, alias in sorted(query_values(store, _Q_ALIASES), key=lambda r: tuple(x or "" for x in r)):
        info = data.units.get(u or "")
        if info is not None and alias and alias != info.label and alias not in info.aliases:
            info.aliases.append(alias)


def _party_infos(facts: Facts, data: ViewData) -> None:
    """The units and group references on some task, with their label and type."""
    used: set[str] = set()
    for task in data.tasks.values():
        used.update(task.parties, (u for u, _ in task.lead_via_group), (u for u, _ in task.co_lead_via_group))
    for iri in sorted(used):
        party = facts.parties.get(iri)
        if party is None:  # (defensive: a party without a description)
            group = "/group/" in iri
            data.units[iri] = UnitInfo(iri, _unslug(iri), "UnitGroup" if group else "OtherUnit", group)
            continue
        group = party.type == "UnitGroup"
        typ = "UnitGroup" if group else party.type if party.type in _TYPE_NAMES else "OtherUnit"
        data.units[iri] = UnitInfo(iri, party.label, typ, group)


def _indicators_and_projects(store: Store, data: ViewData) -> None:
    metrics: dict[str, str] = {}
    for i, metric in sorted(query_values(store, _Q_METRICS), key=lambda r: tuple(x or "" for x in r)):
        if i is not None and metric is not None:
            metrics.setdefault(i, metric)
    for t, i, text in sorted(query_values(store, _Q_INDICATORS), key=lambda r: _order_key(str(r[1]))):
        task = data.tasks.get(t or "")
        if task is not None and i is not None and all(x.iri != i for x in task.indicators):
            task.indicators.append(IndicatorInfo(i, text or "", metrics.get(i, "")))
    for t, p, name in sorted(query_values(store, _Q_PROJECTS), key=lambda r: (r[2] or r[1] or "", r[1] or "")):
        task = data.tasks.get(t or "")
        if task is not None and p is not None and all(x != p for x, _ in task.projects):
            task.projects.append((p, name or _unslug(p)))


def _unslug(iri: str) -> str:
    from urllib.parse import unquote

    return unquote(iri.rstrip("/").rsplit("/", 1)[-1])
