"""Stage 4: extracted documents → RDF quads, one named graph per document.

Quads are built as pyoxigraph terms (fast, and what the default store loads); the
serialisers write them sorted, so the same input gives byte-identical files. A region's
gazetteer (its units, groups, members and areas) goes to its own named graph, written
once however many documents use it; so do the descriptions of what documents name that
no gazetteer holds (the region's names graph) and of metrics (the metrics graph).

Responsibility is stated twice, as analysts need both:

* a direct edge ``task kg:lead unit`` / ``task kg:coLead unit`` (group references too);
  members of an expanded group (各街道 → each street) get ``kg:leadViaGroup`` /
  ``kg:coLeadViaGroup``, sub-properties of the direct ones;
* a qualified ``kg:Responsibility`` node: role, agent, name as written, span, and the
  group it came through.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

import pyoxigraph as ox

from .gazetteer import Gazetteer, load_gazetteer
from .models import (
    DocumentKind,
    Entity,
    ExtractedDocument,
    Indicator,
    Role,
    StatementLink,
    Task,
    UnitMention,
)
from .normalize import normalize_name
from .vocab import (
    DCTERMS,
    KG,
    ORG,
    PROV,
    SKOS,
    iri_area,
    iri_document,
    iri_group,
    iri_metric,
    iri_metrics_graph,
    iri_names_graph,
    iri_project,
    iri_region_graph,
    iri_section,
    iri_task,
    iri_unit,
)

__all__ = ["document_quads", "document_graphs", "region_quads", "link_quads", "build_quads", "sort_quads"]

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD = "http://www.w3.org/2001/XMLSchema#"
_INT = ox.NamedNode(XSD + "integer")
_DEC = ox.NamedNode(XSD + "decimal")
_BOOL = ox.NamedNode(XSD + "boolean")
_YEAR = ox.NamedNode(XSD + "gYear")

_TYPE_CLASS = {
    "PartyDepartment": KG.PartyDepartment,
    "GovernmentDepartment": KG.GovernmentDepartment,
    "DeployedUnit": KG.DeployedUnit,
    "ManagementCommittee": KG.ManagementCommittee,
    "StreetOffice": KG.StreetOffice,
    "TownOffice": KG.TownOffice,
    "SOEGroup": KG.SOEGroup,
}


def N(iri: str) -> ox.NamedNode:  # noqa: N802 - reads like the RDF term it makes
    return ox.NamedNode(str(iri))


@functools.cache
def V(iri: str) -> ox.NamedNode:  # noqa: N802
    """A vocabulary term (class or property) as a node, made once: there are few of them
    and every task uses dozens, so this saves a third of the graph stage."""
    return ox.NamedNode(str(iri))


class _Nodes:
    """A vocabulary namespace whose terms are nodes, each made on first use and then a
    plain attribute (rdflib's namespace lookup costs more than making the quad)."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        node = ox.NamedNode(str(getattr(self._namespace, name)))
        setattr(self, name, node)
        return node


_KG, _SKOS, _ORG, _PROV, _DCTERMS = (_Nodes(ns) for ns in (KG, SKOS, ORG, PROV, DCTERMS))


def lit(value: object) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_BOOL)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_INT)
    if isinstance(value, float | Decimal):
        d = Decimal(str(value)).normalize()
        text = format(d, "f")
        if "." not in text:
            text += ".0"
        return ox.Literal(text, datatype=_DEC)
    return ox.Literal(str(value))


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


class _Emitter:
    """Quads of one named graph (``shared``: where descriptions of nodes that several
    documents name go — see :func:`document_graphs`)."""

    def __init__(self, graph: ox.NamedNode, shared: _Shared | None = None) -> None:
        self.shared = shared
        self.graph = graph
        self.quads: list[ox.Quad] = []

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.quads.append(ox.Quad(s, p, o, self.graph))


class _Shared:
    """The region's names graph and the corpus's metrics graph, as seen from one document."""

    def __init__(self, region: str) -> None:
        self.names = _Emitter(N(iri_names_graph(region)))
        self.metrics = _Emitter(N(iri_metrics_graph()))
        self.described: set[str] = set()  # units already described by this document


# ---------------------------------------------------------------------------------------
# units


def unit_iri(region: str, mention: UnitMention) -> ox.NamedNode:
    name = mention.unit or normalize_name(mention.name)
    if mention.kind == "group":
        return N(iri_group(region, name))
    return N(iri_unit(region, name))


def _unit_description(shared: _Shared, node: ox.NamedNode, m: UnitMention) -> None:
    """Label and type of a unit the gazetteer does not know, for the region's names graph
    (known units and groups are described in the gazetteer graph)."""
    if m.kind == "group" or m.unit is not None or node.value in shared.described:
        return
    shared.described.add(node.value)
    e = shared.names
    e.add(node, RDF_TYPE, V(_TYPE_CLASS.get(m.unit_type or "", KG.OtherUnit)))
    e.add(node, RDF_TYPE, _KG.Unit)
    e.add(node, _SKOS.prefLabel, zh(normalize_name(m.name)))
    e.add(node, _KG.unresolved, lit(True))


def region_quads(gaz: Gazetteer, used_groups: Iterable[str] = ()) -> list[ox.Quad]:
    """The gazetteer of a region as a named graph: units, groups and their members, areas."""
    region = gaz.region
    e = _Emitter(N(iri_region_graph(region)))
    for rec in gaz.units.values():
        node = N(iri_unit(region, rec.canonical))
        e.add(node, RDF_TYPE, _KG.Unit)
        e.add(node, RDF_TYPE, V(_TYPE_CLASS.get(rec.type, KG.OtherUnit)))
        e.add(node, _SKOS.prefLabel, zh(rec.canonical))
        if rec.full_name:
            e.add(node, _SKOS.altLabel, zh(rec.full_name))
            e.add(node, _ORG.identifier, zh(rec.full_name))
        for alias in rec.aliases:
            e.add(node, _SKOS.altLabel, zh(alias))
        e.add(node, _KG.region, lit(region))
        if rec.governs:
            area = N(iri_area(region, rec.governs))
            e.add(node, _KG.governs, area)
            e.add(area, RDF_TYPE, _KG.Area)
            e.add(area, _SKOS.prefLabel, zh(rec.governs))
    for label in sorted(set(used_groups)):
        grp = gaz.group_record(label)
        node = N(iri_group(region, label))
        e.add(node, RDF_TYPE, _KG.UnitGroup)
        e.add(node, _SKOS.prefLabel, zh(label))
        e.add(node, _KG.groupScope, lit(grp.scope if grp else "unknown"))
        for member in gaz.group_members(label):
            e.add(node, _SKOS.member, N(iri_unit(region, member)))
    return e.quads


# ---------------------------------------------------------------------------------------
# documents


def document_quads(doc: ExtractedDocument, expand_groups: bool = True) -> list[ox.Quad]:
    """All quads of one document's named graph."""
    return document_graphs(doc, expand_groups)[0]


def document_graphs(
    doc: ExtractedDocument, expand_groups: bool = True
) -> tuple[list[ox.Quad], list[ox.Quad], list[ox.Quad]]:
    """The quads of a document's named graph, and the descriptions it contributes to the
    shared graphs: units kept as written, projects and areas (the region's names graph),
    metrics (the metrics graph) — three lists.

    A node that many documents name is described once, in a shared graph, not once per
    document: every triple then lives in one graph only, so the union of the named graphs
    (the default graph of queries) holds it once, and stores hold less.
    """
    gaz = load_gazetteer(doc.region)
    region = doc.region
    d = N(iri_document(doc.name))
    shared = _Shared(region)
    e = _Emitter(d, shared)
    e.add(d, RDF_TYPE, _KG.Document)
    e.add(d, RDF_TYPE, V(KG.TaskPlan if doc.kind is DocumentKind.TASK_PLAN else KG.WorkReport))
    e.add(d, _DCTERMS.title, zh(doc.title))
    e.add(d, _KG.sourceFile, lit(_file_name(doc.source.path)))
    e.add(d, _KG.region, lit(region))
    e.add(d, _KG.encoding, lit(doc.source.encoding))
    if doc.source.content_hash:
        e.add(d, _KG.contentHash, lit(doc.source.content_hash))
    if doc.year:
        e.add(d, _KG.year, ox.Literal(str(doc.year), datatype=_YEAR))
    if doc.first_listed_leads:
        e.add(d, _KG.firstListedLeads, lit(True))
    for s in doc.sections:
        sn = N(iri_section(doc.name, s.ordinal))
        e.add(sn, RDF_TYPE, _KG.Section)
        e.add(sn, _KG.inDocument, d)
        e.add(sn, _DCTERMS.title, zh(s.title))
        e.add(sn, _KG.ordinal, lit(s.ordinal))
        e.add(sn, _KG.line, lit(s.line))
        if s.number:
            e.add(sn, _KG.taskNumber, lit(s.number))
        if s.parent is not None:
            e.add(sn, _KG.subSectionOf, N(iri_section(doc.name, s.parent)))
    for t in doc.tasks:
        _task_quads(e, doc, t, gaz, expand_groups)
    return e.quads, shared.names.quads, shared.metrics.quads


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _task_quads(e: _Emitter, doc: ExtractedDocument, t: Task, gaz: Gazetteer, expand: bool) -> None:
    region = doc.region
    tn = N(iri_task(doc.name, t.ordinal))
    is_plan = doc.kind is DocumentKind.TASK_PLAN
    e.add(tn, RDF_TYPE, V(KG.Task if is_plan else KG.Statement))
    e.add(tn, _KG.inDocument, N(iri_document(doc.name)))
    e.add(tn, _KG.taskNumber, lit(t.number))
    e.add(tn, _KG.ordinal, lit(t.ordinal))
    e.add(tn, _KG.line, lit(t.line))
    e.add(tn, _KG.text, zh(t.text))
    e.add(tn, RDFS_LABEL, zh(f"{t.number}. {_short(t.text)}" if is_plan else _short(t.text)))
    if t.section is not None:
        e.add(tn, _KG.inSection, N(iri_section(doc.name, t.section)))
    r = t.responsibility
    if r.deadline:
        e.add(tn, _KG.deadline, zh(r.deadline))
    for person in r.leaders:
        e.add(tn, _KG.responsibleLeader, zh(person))
    k = 0
    for m in (*r.lead, *r.co_lead):
        k += 1
        node = unit_iri(region, m)
        lead = m.role is Role.LEAD
        e.add(tn, V(KG.lead if lead else KG.coLead), node)
        _unit_description(e.shared, node, m)  # type: ignore[arg-type]
        q = N(f"{tn.value}/resp/{k}")
        e.add(tn, _KG.hasResponsibility, q)
        e.add(q, RDF_TYPE, _KG.Responsibility)
        e.add(q, _KG.agent, node)
        e.add(q, _KG.role, V(KG.LeadRole if lead else KG.CoLeadRole))
        e.add(q, _KG.asWritten, zh(m.name))
        e.add(q, _KG.inferred, lit(False))
        if m.start >= 0:
            e.add(q, _KG.charStart, lit(m.start))
            e.add(q, _KG.charEnd, lit(m.end))
        if m.kind == "group" and expand and m.unit:
            for member in gaz.group_members(m.unit):
                k += 1
                mn = N(iri_unit(region, member))
                e.add(tn, V(KG.leadViaGroup if lead else KG.coLeadViaGroup), mn)
                mq = N(f"{tn.value}/resp/{k}")
                e.add(tn, _KG.hasResponsibility, mq)
                e.add(mq, RDF_TYPE, _KG.Responsibility)
                e.add(mq, _KG.agent, mn)
                e.add(mq, _KG.role, V(KG.LeadRole if lead else KG.CoLeadRole))
                e.add(mq, _KG.viaGroup, node)
                e.add(mq, _KG.inferred, lit(False))
    for i, ind in enumerate(t.indicators, start=1):
        _indicator_quads(e, tn, i, ind, doc)
    for ent in t.projects:
        _entity_quads(e, tn, ent, region, _KG.Project, _KG.mentionsProject)
    for ent in t.districts:
        _entity_quads(e, tn, ent, region, _KG.Area, _KG.mentionsArea)


def _short(text: str, n: int = 40) -> str:
    first = text.split("\n", 1)[0]
    return first if len(first) <= n else first[:n] + "…"


def _indicator_quads(e: _Emitter, tn: ox.NamedNode, i: int, ind: Indicator, doc: ExtractedDocument) -> None:
    node = N(f"{tn.value}/indicator/{i}")
    e.add(tn, _KG.hasIndicator, node)
    e.add(node, RDF_TYPE, _KG.Indicator)
    metric = N(iri_metric(ind.metric))
    e.add(node, _KG.metric, metric)
    m = e.shared.metrics if e.shared else e
    m.add(metric, RDF_TYPE, _KG.Metric)
    m.add(metric, RDF_TYPE, _SKOS.Concept)
    m.add(metric, _SKOS.prefLabel, zh(ind.metric))
    e.add(node, _KG.text, zh(ind.text))
    e.add(node, _KG.comparator, lit(ind.comparator))
    e.add(node, _KG.value, lit(float(ind.value)))
    e.add(node, _KG.unitOfMeasure, zh(ind.unit))
    e.add(node, _KG.baseValue, lit(float(ind.base_value)))
    e.add(node, _KG.baseUnit, zh(ind.base_unit))
    e.add(node, _KG.indicatorKind, lit(ind.kind))
    e.add(node, _KG.period, lit(ind.period))
    if ind.commitment:
        e.add(node, _KG.commitment, lit(ind.commitment))
    if doc.year:
        e.add(node, _KG.year, ox.Literal(str(doc.year - (1 if ind.period == "actual" else 0)), datatype=_YEAR))
    if ind.start >= 0:
        e.add(node, _KG.charStart, lit(ind.start))
        e.add(node, _KG.charEnd, lit(ind.end))
    e.add(node, _PROV.wasDerivedFrom, tn)


def _entity_quads(
    e: _Emitter, tn: ox.NamedNode, ent: Entity, region: str, cls: ox.NamedNode, pred: ox.NamedNode
) -> None:
    node = N((iri_project if cls == _KG.Project else iri_area)(region, ent.text))
    e.add(tn, pred, node)
    names = e.shared.names if e.shared else e
    names.add(node, RDF_TYPE, cls)
    names.add(node, _SKOS.prefLabel, zh(ent.text))
    if ent.governed_by:
        names.add(N(iri_unit(region, ent.governed_by)), _KG.governs, node)


def link_quads(
    report: ExtractedDocument,
    links: Sequence[StatementLink],
    inferred: dict[int, list[tuple[str, float]]],
) -> list[ox.Quad]:
    """Inferred links from report statements to tasks, in the report's named graph."""
    e = _Emitter(N(iri_document(report.name)))
    for i, link in enumerate(sorted(links, key=lambda x: (x.statement, -x.score, x.plan, x.task)), start=1):
        st = N(iri_task(report.name, link.statement))
        tk = N(iri_task(link.plan, link.task))
        node = N(f"{st.value}/link/{i}")
        e.add(st, _KG.similarTask, tk)
        e.add(st, _KG.hasLink, node)
        e.add(node, RDF_TYPE, _KG.StatementLink)
        e.add(node, _KG.linkedTask, tk)
        e.add(node, _KG.score, lit(round(link.score, 4)))
        e.add(node, _KG.inferred, lit(True))
    for ordinal, units in sorted(inferred.items()):
        st = N(iri_task(report.name, ordinal))
        for k, (unit, score) in enumerate(units, start=1):
            un = N(iri_unit(report.region, unit))
            e.add(st, _KG.inferredLead, un)
            q = N(f"{st.value}/inferred/{k}")
            e.add(st, _KG.hasResponsibility, q)
            e.add(q, RDF_TYPE, _KG.Responsibility)
            e.add(q, _KG.agent, un)
            e.add(q, _KG.role, _KG.LeadRole)
            e.add(q, _KG.inferred, lit(True))
            e.add(q, _KG.score, lit(round(score, 4)))
    return e.quads


def build_quads(docs: Sequence[ExtractedDocument], expand_groups: bool = True) -> Iterator[ox.Quad]:
    """Every quad of a corpus: documents, then each region's gazetteer graph."""
    groups: dict[str, set[str]] = {}
    for doc in docs:
        for quads in document_graphs(doc, expand_groups):
            yield from quads
        for t in doc.tasks:
            for m in (*t.responsibility.lead, *t.responsibility.co_lead):
                if m.kind == "group" and m.unit:
                    groups.setdefault(doc.region, set()).add(m.unit)
        groups.setdefault(doc.region, set())
    for region, used in sorted(groups.items()):
        yield from region_quads(load_gazetteer(region), used)


def sort_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Quads in a canonical order (graph, subject, predicate, object), without repeats."""
    unique = {str(q): q for q in quads}
    return sorted(unique.values(), key=_sort_key)


def _sort_key(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
