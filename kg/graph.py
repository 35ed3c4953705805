"""Stage 4: extracted documents → RDF quads, one named graph per document.

Quads are built as pyoxigraph terms (fast, and what the default store loads); the
serialisers write them sorted, so the same input gives byte-identical files. A region's
gazetteer (its units, groups, members and areas) goes to its own named graph, written
once however many documents use it.

Responsibility is stated twice, as analysts need both:

* a direct edge ``task kg:lead unit`` / ``task kg:coLead unit`` (group references too);
  members of an expanded group (各街道 → each street) get ``kg:leadViaGroup`` /
  ``kg:coLeadViaGroup``, sub-properties of the direct ones;
* a qualified ``kg:Responsibility`` node: role, agent, name as written, span, and the
  group it came through.
"""

from __future__ import annotations

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
    iri_project,
    iri_region_graph,
    iri_section,
    iri_task,
    iri_unit,
)

__all__ = ["document_quads", "region_quads", "link_quads", "build_quads", "sort_quads"]

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
    def __init__(self, graph: ox.NamedNode) -> None:
        self.graph = graph
        self.quads: list[ox.Quad] = []

    def add(self, s: object, p: object, o: object) -> None:
        s_node = s if isinstance(s, ox.NamedNode) else N(str(s))
        p_node = p if isinstance(p, ox.NamedNode) else N(str(p))
        if isinstance(o, ox.NamedNode | ox.Literal):
            o_node = o
        else:
            o_node = N(str(o))
        self.quads.append(ox.Quad(s_node, p_node, o_node, self.graph))


# ---------------------------------------------------------------------------------------
# units


def unit_iri(region: str, mention: UnitMention) -> ox.NamedNode:
    name = mention.unit or normalize_name(mention.name)
    if mention.kind == "group":
        return N(iri_group(region, name))
    return N(iri_unit(region, name))


def _unit_description(e: _Emitter, region: str, gaz: Gazetteer, m: UnitMention) -> None:
    """Label and type of a mentioned unit (known units are fully described in the region graph)."""
    node = unit_iri(region, m)
    if m.kind == "group" or m.unit is not None:
        return
    e.add(node, RDF_TYPE, N(_TYPE_CLASS.get(m.unit_type or "", KG.OtherUnit)))
    e.add(node, RDF_TYPE, N(KG.Unit))
    e.add(node, N(SKOS.prefLabel), zh(normalize_name(m.name)))
    e.add(node, N(KG.unresolved), lit(True))


def region_quads(gaz: Gazetteer, used_groups: Iterable[str] = ()) -> list[ox.Quad]:
    """The gazetteer of a region as a named graph: units, groups and their members, areas."""
    region = gaz.region
    e = _Emitter(N(iri_region_graph(region)))
    for rec in gaz.units.values():
        node = N(iri_unit(region, rec.canonical))
        e.add(node, RDF_TYPE, N(KG.Unit))
        e.add(node, RDF_TYPE, N(_TYPE_CLASS.get(rec.type, KG.OtherUnit)))
        e.add(node, N(SKOS.prefLabel), zh(rec.canonical))
        if rec.full_name:
            e.add(node, N(SKOS.altLabel), zh(rec.full_name))
            e.add(node, N(ORG.identifier), zh(rec.full_name))
        for alias in rec.aliases:
            e.add(node, N(SKOS.altLabel), zh(alias))
        e.add(node, N(KG.region), lit(region))
        if rec.governs:
            area = N(iri_area(region, rec.governs))
            e.add(node, N(KG.governs), area)
            e.add(area, RDF_TYPE, N(KG.Area))
            e.add(area, N(SKOS.prefLabel), zh(rec.governs))
    for label in sorted(set(used_groups)):
        grp = gaz.group_record(label)
        node = N(iri_group(region, label))
        e.add(node, RDF_TYPE, N(KG.UnitGroup))
        e.add(node, N(SKOS.prefLabel), zh(label))
        e.add(node, N(KG.groupScope), lit(grp.scope if grp else "unknown"))
        for member in gaz.group_members(label):
            e.add(node, N(SKOS.member), N(iri_unit(region, member)))
    return e.quads


# ---------------------------------------------------------------------------------------
# documents


def document_quads(doc: ExtractedDocument, expand_groups: bool = True) -> list[ox.Quad]:
    """All quads of one document's named graph."""
    gaz = load_gazetteer(doc.region)
    region = doc.region
    d = N(iri_document(doc.name))
    e = _Emitter(d)
    e.add(d, RDF_TYPE, N(KG.Document))
    e.add(d, RDF_TYPE, N(KG.TaskPlan if doc.kind is DocumentKind.TASK_PLAN else KG.WorkReport))
    e.add(d, N(DCTERMS.title), zh(doc.title))
    e.add(d, N(KG.sourceFile), lit(_file_name(doc.source.path)))
    e.add(d, N(KG.region), lit(region))
    e.add(d, N(KG.encoding), lit(doc.source.encoding))
    if doc.source.content_hash:
        e.add(d, N(KG.contentHash), lit(doc.source.content_hash))
    if doc.year:
        e.add(d, N(KG.year), ox.Literal(str(doc.year), datatype=_YEAR))
    if doc.first_listed_leads:
        e.add(d, N(KG.firstListedLeads), lit(True))
    for s in doc.sections:
        sn = N(iri_section(doc.name, s.ordinal))
        e.add(sn, RDF_TYPE, N(KG.Section))
        e.add(sn, N(KG.inDocument), d)
        e.add(sn, N(DCTERMS.title), zh(s.title))
        e.add(sn, N(KG.ordinal), lit(s.ordinal))
        e.add(sn, N(KG.line), lit(s.line))
        if s.number:
            e.add(sn, N(KG.taskNumber), lit(s.number))
        if s.parent is not None:
            e.add(sn, N(KG.subSectionOf), N(iri_section(doc.name, s.parent)))
    for t in doc.tasks:
        _task_quads(e, doc, t, gaz, expand_groups)
    return e.quads


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _task_quads(e: _Emitter, doc: ExtractedDocument, t: Task, gaz: Gazetteer, expand: bool) -> None:
    region = doc.region
    tn = N(iri_task(doc.name, t.ordinal))
    is_plan = doc.kind is DocumentKind.TASK_PLAN
    e.add(tn, RDF_TYPE, N(KG.Task if is_plan else KG.Statement))
    e.add(tn, N(KG.inDocument), N(iri_document(doc.name)))
    e.add(tn, N(KG.taskNumber), lit(t.number))
    e.add(tn, N(KG.ordinal), lit(t.ordinal))
    e.add(tn, N(KG.line), lit(t.line))
    e.add(tn, N(KG.text), zh(t.text))
    e.add(tn, RDFS_LABEL, zh(f"{t.number}. {_short(t.text)}" if is_plan else _short(t.text)))
    if t.section is not None:
        e.add(tn, N(KG.inSection), N(iri_section(doc.name, t.section)))
    r = t.responsibility
    if r.deadline:
        e.add(tn, N(KG.deadline), zh(r.deadline))
    for person in r.leaders:
        e.add(tn, N(KG.responsibleLeader), zh(person))
    k = 0
    for m in (*r.lead, *r.co_lead):
        k += 1
        node = unit_iri(region, m)
        lead = m.role is Role.LEAD
        e.add(tn, N(KG.lead if lead else KG.coLead), node)
        _unit_description(e, region, gaz, m)
        q = N(f"{tn.value}/resp/{k}")
        e.add(tn, N(KG.hasResponsibility), q)
        e.add(q, RDF_TYPE, N(KG.Responsibility))
        e.add(q, N(KG.agent), node)
        e.add(q, N(KG.role), N(KG.LeadRole if lead else KG.CoLeadRole))
        e.add(q, N(KG.asWritten), zh(m.name))
        e.add(q, N(KG.inferred), lit(False))
        if m.start >= 0:
            e.add(q, N(KG.charStart), lit(m.start))
            e.add(q, N(KG.charEnd), lit(m.end))
        if m.kind == "group" and expand and m.unit:
            for member in gaz.group_members(m.unit):
                k += 1
                mn = N(iri_unit(region, member))
                e.add(tn, N(KG.leadViaGroup if lead else KG.coLeadViaGroup), mn)
                mq = N(f"{tn.value}/resp/{k}")
                e.add(tn, N(KG.hasResponsibility), mq)
                e.add(mq, RDF_TYPE, N(KG.Responsibility))
                e.add(mq, N(KG.agent), mn)
                e.add(mq, N(KG.role), N(KG.LeadRole if lead else KG.CoLeadRole))
                e.add(mq, N(KG.viaGroup), node)
                e.add(mq, N(KG.inferred), lit(False))
    for i, ind in enumerate(t.indicators, start=1):
        _indicator_quads(e, tn, i, ind, doc)
    for ent in t.projects:
        _entity_quads(e, tn, ent, region, N(KG.Project), N(KG.mentionsProject))
    for ent in t.districts:
        _entity_quads(e, tn, ent, region, N(KG.Area), N(KG.mentionsArea))


def _short(text: str, n: int = 40) -> str:
    first = text.split("\n", 1)[0]
    return first if len(first) <= n else first[:n] + "…"


def _indicator_quads(e: _Emitter, tn: ox.NamedNode, i: int, ind: Indicator, doc: ExtractedDocument) -> None:
    node = N(f"{tn.value}/indicator/{i}")
    e.add(tn, N(KG.hasIndicator), node)
    e.add(node, RDF_TYPE, N(KG.Indicator))
    metric = N(iri_metric(ind.metric))
    e.add(node, N(KG.metric), metric)
    e.add(metric, RDF_TYPE, N(KG.Metric))
    e.add(metric, RDF_TYPE, N(SKOS.Concept))
    e.add(metric, N(SKOS.prefLabel), zh(ind.metric))
    e.add(node, N(KG.text), zh(ind.text))
    e.add(node, N(KG.comparator), lit(ind.comparator))
    e.add(node, N(KG.value), lit(float(ind.value)))
    e.add(node, N(KG.unitOfMeasure), zh(ind.unit))
    e.add(node, N(KG.baseValue), lit(float(ind.base_value)))
    e.add(node, N(KG.baseUnit), zh(ind.base_unit))
    e.add(node, N(KG.indicatorKind), lit(ind.kind))
    e.add(node, N(KG.period), lit(ind.period))
    if ind.commitment:
        e.add(node, N(KG.commitment), lit(ind.commitment))
    if doc.year:
        e.add(node, N(KG.year), ox.Literal(str(doc.year - (1 if ind.period == "actual" else 0)), datatype=_YEAR))
    if ind.start >= 0:
        e.add(node, N(KG.charStart), lit(ind.start))
        e.add(node, N(KG.charEnd), lit(ind.end))
    e.add(node, N(PROV.wasDerivedFrom), tn)


def _entity_quads(
    e: _Emitter, tn: ox.NamedNode, ent: Entity, region: str, cls: ox.NamedNode, pred: ox.NamedNode
) -> None:
    node = N((iri_project if cls == N(KG.Project) else iri_area)(region, ent.text))
    e.add(tn, pred, node)
    e.add(node, RDF_TYPE, cls)
    e.add(node, N(SKOS.prefLabel), zh(ent.text))
    if ent.governed_by:
        e.add(N(iri_unit(region, ent.governed_by)), N(KG.governs), node)


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
        e.add(st, N(KG.similarTask), tk)
        e.add(st, N(KG.hasLink), node)
        e.add(node, RDF_TYPE, N(KG.StatementLink))
        e.add(node, N(KG.linkedTask), tk)
        e.add(node, N(KG.score), lit(round(link.score, 4)))
        e.add(node, N(KG.inferred), lit(True))
    for ordinal, units in sorted(inferred.items()):
        st = N(iri_task(report.name, ordinal))
        for k, (unit, score) in enumerate(units, start=1):
            un = N(iri_unit(report.region, unit))
            e.add(st, N(KG.inferredLead), un)
            q = N(f"{st.value}/inferred/{k}")
            e.add(st, N(KG.hasResponsibility), q)
            e.add(q, RDF_TYPE, N(KG.Responsibility))
            e.add(q, N(KG.agent), un)
            e.add(q, N(KG.role), N(KG.LeadRole))
            e.add(q, N(KG.inferred), lit(True))
            e.add(q, N(KG.score), lit(round(score, 4)))
    return e.quads


def build_quads(docs: Sequence[ExtractedDocument], expand_groups: bool = True) -> Iterator[ox.Quad]:
    """Every quad of a corpus: documents, then each region's gazetteer graph."""
    groups: dict[str, set[str]] = {}
    for doc in docs:
        yield from document_quads(doc, expand_groups)
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
