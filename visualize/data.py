"""What the views and the report draw, read from a build's store with a few SPARQL queries.

The views read the graph (not the extraction records) so that they show exactly what an
analyst querying ``OUT/store`` sees, and so that unit IRIs line up with the workload
analysis (``kg.workload``), which reads the same store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

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

KG = "https://w3id.org/govkg/ns#"

# Unit classes of the ontology, in legend order: (class local name, Chinese, English).
UNIT_TYPES: tuple[tuple[str, str, str], ...] = (
    ("PartyDepartment", "区委部门", "party department"),
    ("GovernmentDepartment", "政府部门", "government department"),
    ("DeployedUnit", "驻区单位", "deployed unit"),
    ("ManagementCommittee", "管委会/板块", "management committee"),
    ("StreetOffice", "街道", "street office"),
    ("TownOffice", "乡镇", "town government"),
    ("SOEGroup", "国企集团", "state-owned enterprise"),
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


_PREFIX = f"""PREFIX kg: <{KG}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

_Q_DOCS = _PREFIX + """SELECT DISTINCT ?d ?title ?kind WHERE {
  ?d a kg:Document . OPTIONAL { ?d dcterms:title ?title }
  OPTIONAL { ?d a ?kind . FILTER(?kind IN (kg:TaskPlan, kg:WorkReport)) }
}"""

_Q_SECTIONS = _PREFIX + """SELECT DISTINCT ?s ?d ?ord ?num ?title ?parent WHERE {
  ?s a kg:Section ; kg:inDocument ?d .
  OPTIONAL { ?s kg:ordinal ?ord } OPTIONAL { ?s kg:taskNumber ?num }
  OPTIONAL { ?s dcterms:title ?title } OPTIONAL { ?s kg:subSectionOf ?parent }
}"""

_Q_TASKS = _PREFIX + """SELECT DISTINCT ?t ?d ?num ?ord ?text ?s ?deadline WHERE {
  ?t a kg:Task ; kg:inDocument ?d .
  OPTIONAL { ?t kg:taskNumber ?num } OPTIONAL { ?t kg:ordinal ?ord }
  OPTIONAL { ?t kg:text ?text } OPTIONAL { ?t kg:inSection ?s }
  OPTIONAL { ?t kg:deadline ?deadline }
}"""

_Q_ROLES = _PREFIX + """SELECT DISTINCT ?t ?p ?u WHERE {
  ?t a kg:Task ; ?p ?u .
  VALUES ?p { kg:lead kg:coLead }
}"""

_Q_VIA = _PREFIX + """SELECT DISTINCT ?t ?role ?u ?g WHERE {
  ?t a kg:Task ; kg:hasResponsibility ?r .
  ?r kg:agent ?u ; kg:viaGroup ?g ; kg:role ?role .
}"""

_Q_PARTIES = _PREFIX + """SELECT DISTINCT ?u ?label ?type ?unresolved WHERE {
  { SELECT DISTINCT ?u WHERE { ?t a kg:Task ; kg:hasResponsibility/kg:agent ?u } }
  OPTIONAL { ?u skos:prefLabel ?label }
  OPTIONAL { ?u a ?type }
  OPTIONAL { ?u kg:unresolved ?unresolved }
}"""

_Q_MEMBERS = _PREFIX + """SELECT DISTINCT ?g ?m WHERE { ?g a kg:UnitGroup ; skos:member ?m }"""

_Q_INDICATORS = _PREFIX + """SELECT DISTINCT ?t ?i ?text ?metric WHERE {
  ?t a kg:Task ; kg:hasIndicator ?i .
  OPTIONAL { ?i kg:text ?text }
  OPTIONAL { ?i kg:metric/skos:prefLabel ?metric }
}"""

_Q_PROJECTS = _PREFIX + """SELECT DISTINCT ?t ?p ?label WHERE {
  ?t a kg:Task ; kg:mentionsProject ?p . OPTIONAL { ?p skos:prefLabel ?label }
}"""


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
    for r in _rows(store, _Q_TASKS):
        t = str(r["t"])
        data.tasks[t] = TaskInfo(
            t, str(r["d"]), str(r.get("num") or ""), _int(r.get("ord")), str(r.get("text") or ""),
            str(r["s"]) if "s" in r else None, str(r["deadline"]) if "deadline" in r else None,
        )
    roles = sorted(_rows(store, _Q_ROLES), key=lambda r: (str(r["t"]), str(r["p"]), str(r["u"])))
    order = _mention_order(store)
    for r in roles:
        task = data.tasks.get(str(r["t"]))
        if task is None:
            continue
        (task.lead if str(r["p"]) == KG + "lead" else task.co_lead).append(str(r["u"]))
    for task in data.tasks.values():
        # keep the order in which the document names them
        task.lead.sort(key=lambda u, t=task.iri: order.get((t, u), 10**9))
        task.co_lead.sort(key=lambda u, t=task.iri: order.get((t, u), 10**9))
    for r in sorted(_rows(store, _Q_VIA), key=lambda r: (str(r["t"]), str(r["u"]))):
        task = data.tasks.get(str(r["t"]))
        if task is None:
            continue
        pair = (str(r["u"]), str(r["g"]))
        target = task.lead_via_group if str(r["role"]) == KG + "LeadRole" else task.co_lead_via_group
        if pair not in target:
            target.append(pair)
    for r in _rows(store, _Q_PARTIES):
        u = str(r["u"])
        info = data.units.get(u)
        if info is None:
            label = str(r.get("label") or _unslug(u))
            info = data.units[u] = UnitInfo(u, label, "OtherUnit")
        typ = _local(r.get("type", ""))
        if typ == "UnitGroup":
            info.type, info.is_group = "UnitGroup", True
        elif typ in _TYPE_NAMES and typ != "OtherUnit" and not info.is_group:
            info.type = typ
        if r.get("unresolved") is True or r.get("unresolved") == "true":
            info.unresolved = True
    for task in data.tasks.values():  # parties without a description (defensive)
        for u in (*task.parties, *(x for x, _ in task.lead_via_group), *(x for x, _ in task.co_lead_via_group)):
            if u not in data.units:
                data.units[u] = UnitInfo(u, _unslug(u), "UnitGroup" if "/group/" in u else "OtherUnit", "/group/" in u)
    for r in sorted(_rows(store, _Q_MEMBERS), key=lambda r: (str(r["g"]), str(r["m"]))):
        g = data.units.get(str(r["g"]))
        if g is not None:
            g.members.append(str(r["m"]))
    for r in sorted(_rows(store, _Q_INDICATORS), key=lambda r: _order_key(str(r["i"]))):
        task = data.tasks.get(str(r["t"]))
        if task is not None and all(i.iri != str(r["i"]) for i in task.indicators):
            task.indicators.append(IndicatorInfo(str(r["i"]), str(r.get("text") or ""), str(r.get("metric") or "")))
    for r in sorted(_rows(store, _Q_PROJECTS), key=lambda r: str(r.get("label") or r["p"])):
        task = data.tasks.get(str(r["t"]))
        if task is not None and all(p != str(r["p"]) for p, _ in task.projects):
            task.projects.append((str(r["p"]), str(r.get("label") or _unslug(str(r["p"])))))
    return data


_Q_ORDER = _PREFIX + """SELECT DISTINCT ?t ?u ?start ?r WHERE {
  ?t a kg:Task ; kg:hasResponsibility ?r . ?r kg:agent ?u .
  FILTER NOT EXISTS { ?r kg:viaGroup ?g }
  OPTIONAL { ?r kg:charStart ?start }
}"""


def _mention_order(store: object) -> dict[tuple[str, str], int]:
    """Position of each party in its task's text (or the order of the responsibility nodes)."""
    out: dict[tuple[str, str], int] = {}
    for r in _rows(store, _Q_ORDER):
        key = (str(r["t"]), str(r["u"]))
        pos = _int(r.get("start"), -1)
        if pos < 0:
            pos = 10**6 + _order_key(str(r["r"]))[0]
        out[key] = min(out.get(key, pos), pos)
    return out


def _unslug(iri: str) -> str:
    from urllib.parse import unquote

    return unquote(iri.rstrip("/").rsplit("/", 1)[-1])
