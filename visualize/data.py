"""What the views and the report draw, read from a build's store with a few SPARQL queries.

The views read the graph (not the extraction records) so that they show exactly what an
analyst querying ``OUT/store`` sees, and so that unit IRIs line up with the workload
analysis (``kg.analysis.workload``), which reads the same store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kg.queries import internal_query

from kg.namespaces import KG_NS
from kg.store import query_values

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

KG = KG_NS

# Unit classes of the ontology, in legend order: (class local name, Chinese, English); the
# Chinese labels are those of ontology/unit_types.csv (a test keeps them equal), except the
# legend's 管委会/板块 and 其他/未识别, which say what the class holds on a map.
UNIT_TYPES: tuple[tuple[str, str, str], ...] = (
    ("PartyDepartment", "党委部门", "party department"),
    ("GovernmentDepartment", "政府部门", "government department"),
    ("DeployedUnit", "驻地单位", "deployed unit"),
    ("ManagementCommittee", "管委会/板块", "management committee"),
    ("StreetOffice", "街道", "street office"),
    ("TownOffice", "乡镇", "town government"),
    ("SOEGroup", "国企集团", "state-owned enterprise group"),
    ("LocalGovernment", "人民政府", "local government"),
    ("PeopleOrganisation", "群团组织", "people's organisation"),
    ("OtherUnit", "其他/未识别", "other or unresolved"),
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

# Tasks are read one property at a time: a single pattern per query is several times
# faster in Oxigraph than one query with a row per task and an OPTIONAL per property.
# Patterns over every task are each their own { SELECT * }, so that Oxigraph joins them
# by hash instead of looking each task up (3-4x faster at 100k tasks, more on a freshly
# bulk-loaded store).
_Q_TASK_PROPERTY = internal_query("views_task_property")

_Q_LEAD = internal_query("views_lead")
_Q_CO_LEAD = internal_query("views_co_lead")

# Every qualified responsibility: its number in the task (the graph numbers them in the
# order the document names the units) gives the order of the leads and co-leads.
_Q_MENTIONS = internal_query("views_mentions")

_Q_VIA = internal_query("views_via")

_Q_PARTIES = internal_query("views_parties")

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


def load_view_data(store: object) -> ViewData:
    """Documents, sections, task-plan tasks, responsible parties, indicators and projects."""
    data = ViewData()
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
    props: dict[str, dict[str, str]] = {}
    for prop in ("inDocument", "taskNumber", "ordinal", "text", "inSection", "deadline"):
        values = props[prop] = {}
        for t, v in sorted(query_values(store, _Q_TASK_PROPERTY.replace("kg:PROPERTY", f"kg:{prop}"))):  # (sorted: the same value wins every time)
            if t is not None and v is not None:
                values.setdefault(t, v)
    docs, numbers, ordinals, texts = props["inDocument"], props["taskNumber"], props["ordinal"], props["text"]
    sections, deadlines = props["inSection"], props["deadline"]
    for t, d in docs.items():
        data.tasks[t] = TaskInfo(
            t, d, numbers.get(t, ""), _int(ordinals.get(t)), texts.get(t, ""), sections.get(t), deadlines.get(t),
        )
    # (task, party) -> the number of its first responsibility node in the task
    order: dict[tuple[str, str], int] = {}
    via_of: dict[str, tuple[str, str]] = {r: (g, role) for r, g, role in query_values(store, _Q_VIA) if r and g and role}
    via_rows: list[tuple[str, int, str, str, str]] = []
    for t, r, u in query_values(store, _Q_MENTIONS):
        if t is None or r is None or u is None or t not in data.tasks:
            continue
        k = _order_key(r)[0]
        if r in via_of:
            g, role = via_of[r]
            via_rows.append((t, k, u, g, role))
        elif k < order.get((t, u), 10**9 + 1):
            order[(t, u)] = k
    for query, lead in ((_Q_LEAD, True), (_Q_CO_LEAD, False)):
        for t, u in query_values(store, query):
            task = data.tasks.get(t or "")
            if task is None or u is None:
                continue
            target = task.lead if lead else task.co_lead
            if u not in target:
                target.append(u)
    for task in data.tasks.values():
        # in the order the document names them (IRI order where the graph does not say)
        task.lead.sort(key=lambda u, t=task.iri: (order.get((t, u), 10**9), u))
        task.co_lead.sort(key=lambda u, t=task.iri: (order.get((t, u), 10**9), u))
    for t, _k, u, g, role in sorted(via_rows, key=lambda x: (x[0], x[2], x[1])):
        task = data.tasks[t]
        pair = (u, g)
        target = task.lead_via_group if role == KG + "LeadRole" else task.co_lead_via_group
        if pair not in target:
            target.append(pair)
    for u, label, typ in sorted(query_values(store, _Q_PARTIES), key=lambda r: tuple(x or "" for x in r)):
        if u is None:
            continue
        info = data.units.get(u)
        if info is None:
            info = data.units[u] = UnitInfo(u, str(label or _unslug(u)), "OtherUnit")
        name = _local(typ or "")
        if name == "UnitGroup":
            info.type, info.is_group = "UnitGroup", True
        elif name in _TYPE_NAMES and name != "OtherUnit" and not info.is_group:
            info.type = name
    for u, x in query_values(store, _Q_UNRESOLVED):
        if u in data.units and x in ("true", "1"):
            data.units[u].unresolved = True
    parties: set[str] = set()
    for task in data.tasks.values():  # parties without a description (defensive)
        for u in (*task.parties, *(x for x, _ in task.lead_via_group), *(x for x, _ in task.co_lead_via_group)):
            parties.add(u)
            if u not in data.units:
                data.units[u] = UnitInfo(u, _unslug(u), "UnitGroup" if "/group/" in u else "OtherUnit", "/group/" in u)
    for u in [u for u in data.units if u not in parties]:  # units of the gazetteer on no task
        del data.units[u]
    for r in sorted(_rows(store, _Q_MEMBERS), key=lambda r: (str(r["g"]), str(r["m"]))):
        g = data.units.get(str(r["g"]))
        if g is not None:
            g.members.append(str(r["m"]))
    for u, alias in sorted(query_values(store, _Q_ALIASES), key=lambda r: tuple(x or "" for x in r)):
        info = data.units.get(u or "")
        if info is not None and alias and alias != info.label and alias not in info.aliases:
            info.aliases.append(alias)
    metrics: dict[str, str] = {}
    for i, metric in sorted(query_values(store, _Q_METRICS), key=lambda r: tuple(x or "" for x in r)):
        if i is not None and metric is not None:
            metrics.setdefault(i, metric)
    for t, i, text in sorted(query_values(store, _Q_INDICATORS), key=lambda r: _order_key(str(r[1]))):
        task = data.tasks.get(t or "")
        if task is not None and i is not None and all(x.iri != i for x in task.indicators):
            task.indicators.append(IndicatorInfo(i, text or "", metrics.get(i, "")))
    for t, p, label in sorted(query_values(store, _Q_PROJECTS), key=lambda r: (r[2] or r[1] or "", r[1] or "")):
        task = data.tasks.get(t or "")
        if task is not None and p is not None and all(x != p for x, _ in task.projects):
            task.projects.append((p, label or _unslug(p)))
    return data


def _unslug(iri: str) -> str:
    from urllib.parse import unquote

    return unquote(iri.rstrip("/").rsplit("/", 1)[-1])
