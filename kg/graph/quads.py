"""Stage 4: extracted documents → RDF quads, one named graph per document.

Quads are made as N-Quads lines (``<s> <p> "o"@zh <g> .``): that is the form of every
chunk the build writes and the store bulk-loads, and making them as text costs a fifth
of making pyoxigraph terms (its ``Quad`` constructor spends ~3 µs on a literal object,
half of this stage). The terms are written exactly as Oxigraph's N-Quads serialiser
writes them (``tests/test_graph_terms.py`` checks it character by character), so chunks
are canonical: the same input gives byte-identical files. Every IRI comes from
:mod:`kg.graph.vocab`, which percent-encodes each name, so no IRI needs escaping.

A region's gazetteer (its units, groups, members and areas) goes to its own named graph,
written once however many documents use it; so do the descriptions of what documents name
that no gazetteer holds (the region's names graph) and of metrics (the metrics graph).

Responsibility is stated twice, as analysts need both:

* a direct edge ``task kg:lead unit`` / ``task kg:coLead unit`` (group references too);
  members of an expanded group (各街道 → each street) get ``kg:leadViaGroup`` /
  ``kg:coLeadViaGroup``, sub-properties of the direct ones;
* a qualified ``kg:Responsibility`` node: role, agent, name as written, span, and the
  group it came through.

A node that ~3 of every task's responsibilities and most indicators make is not told
what the ontology already says (the decisions are in ``ontology/kg.ttl``'s comments):

* no ``rdf:type`` on a responsibility or indicator node: ``kg:hasResponsibility`` and
  ``kg:hasIndicator`` have that class as their ``rdfs:range``, and the shapes target the
  objects of those properties;
* no ``kg:inferred`` on a stated responsibility: only the nodes of inferred leads
  (``kg:inferred true``, on report statements) say it;
* no ``kg:asWritten`` when the name as written is the agent's ``skos:prefLabel`` (queries
  read ``COALESCE(?written, ?label)`` on stated nodes);
* no ``kg:charEnd`` when the span ends where the name as written (an indicator: its text)
  ends, ``kg:charStart`` + its length;
* no ``kg:baseValue`` / ``kg:baseUnit`` on an indicator whose normalisation changed
  neither its value nor its unit, and no ``prov:wasDerivedFrom`` from an indicator to
  its task (the inverse of ``kg:hasIndicator``: ``kg:indicatorOf``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from ..extract.gazetteer import Gazetteer, load_gazetteer, unit_types
from ..models import (
    DocumentKind,
    Entity,
    ExtractedDocument,
    Indicator,
    Role,
    StatementLink,
    Task,
    UnitMention,
)
from ..namespaces import XSD_NS
from ..text.normalize import normalize_name
from .vocab import (
    DCTERMS,
    KG,
    ORG,
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

__all__ = ["Term", "document_graphs", "region_quads", "link_quads", "lit", "zh"]

Term = str  # an RDF term in N-Quads syntax: <iri>, "text"@zh, "1"^^<…#integer>

XSD = XSD_NS
RDF_TYPE: Term = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL: Term = "<http://www.w3.org/2000/01/rdf-schema#label>"
_INT = f"^^<{XSD}integer>"
_DEC = f"^^<{XSD}decimal>"
_YEAR = f"^^<{XSD}gYear>"
_TRUE = f'"true"^^<{XSD}boolean>'
_FALSE = f'"false"^^<{XSD}boolean>'


def N(iri: str) -> Term:  # noqa: N802 - reads like the RDF term it makes
    return f"<{iri}>"


class _Nodes:
    """A vocabulary namespace whose terms are made on first use and then a plain attribute
    (rdflib's namespace lookup costs more than making the quad)."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> Term:
        node = N(getattr(self._namespace, name))
        setattr(self, name, node)
        return node


_KG, _SKOS, _ORG, _DCTERMS = (_Nodes(ns) for ns in (KG, SKOS, ORG, DCTERMS))

# the class of each unit type of ontology/unit_types.csv (each a kg: class, checked by a test)
_TYPE_CLASS = {t.type: N(getattr(KG, t.type)) for t in unit_types()}

# N-Quads string escapes, as Oxigraph writes them: the short escapes, \uXXXX for the
# other control characters, everything else as is
_ESCAPES = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F)}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"})


def _quoted(text: str) -> str:
    return '"' + text.translate(_ESCAPES) + '"'


def lit(value: object) -> Term:
    """A typed literal: boolean, integer, decimal (a float's shortest decimal form), else
    a plain string."""
    if isinstance(value, bool):
        return _TRUE if value else _FALSE
    if isinstance(value, int):
        return f'"{value}"{_INT}'
    if isinstance(value, float | Decimal):
        text = format(Decimal(str(value)).normalize(), "f")
        if "." not in text:
            text += ".0"
        return f'"{text}"{_DEC}'
    return _quoted(str(value))


def zh(text: str) -> Term:
    return _quoted(text) + "@zh"


class _Emitter:
    """The N-Quads lines of one named graph (``shared``: where descriptions of nodes that
    several documents name go — see :func:`document_graphs`)."""

    def __init__(self, graph: Term, shared: _Shared | None = None) -> None:
        self.shared = shared
        self.graph = graph
        self._tail = f" {graph} ."
        self.quads: list[str] = []

    def add(self, s: Term, p: Term, o: Term) -> None:
        self.quads.append(f"{s} {p} {o}{self._tail}")


class _Shared:
    """The region's names graph and the corpus's metrics graph, as seen from one document."""

    def __init__(self, region: str) -> None:
        self.names = _Emitter(N(iri_names_graph(region)))
        self.metrics = _Emitter(N(iri_metrics_graph()))
        # units (and unit, written name) already described by this document
        self.described: set[Term | tuple[Term, str]] = set()


# ---------------------------------------------------------------------------------------
# units


def unit_iri(region: str, mention: UnitMention) -> Term:
    kind, name = mention.node_key
    return N((iri_group if kind == "group" else iri_unit)(region, name))


def _unit_description(shared: _Shared, node: Term, m: UnitMention, gaz: Gazetteer) -> None:
    """Label and type of a unit the region's profile does not hold, for the region's names
    graph (units of the profile and groups are described in the gazetteer graph): a unit
    the national tables resolve, with each way it is written, or one kept as written."""
    if m.kind == "group" or (m.unit is not None and m.unit in gaz.units):
        return
    e = shared.names
    if m.unit is not None:
        written = normalize_name(m.name)
        if written != m.unit and (node, written) not in shared.described:
            shared.described.add((node, written))
            e.add(node, _SKOS.altLabel, zh(written))
        if node in shared.described:
            return
        shared.described.add(node)
        e.add(node, RDF_TYPE, _TYPE_CLASS.get(m.unit_type or "", _KG.OtherUnit))
        e.add(node, RDF_TYPE, _KG.Unit)
        e.add(node, _SKOS.prefLabel, zh(m.unit))
        e.add(node, _KG.region, lit(gaz.region))
        return
    if node in shared.described:
        return
    shared.described.add(node)
    e.add(node, RDF_TYPE, _TYPE_CLASS.get(m.unit_type or "", _KG.OtherUnit))
    e.add(node, RDF_TYPE, _KG.Unit)
    e.add(node, _SKOS.prefLabel, zh(normalize_name(m.name)))
    e.add(node, _KG.unresolved, lit(True))


def region_quads(gaz: Gazetteer, used_groups: Iterable[str] = ()) -> list[str]:
    """The gazetteer of a region as a named graph: units, groups and their members, areas."""
    region = gaz.region
    e = _Emitter(N(iri_region_graph(region)))
    for rec in gaz.units.values():
        node = N(iri_unit(region, rec.canonical))
        e.add(node, RDF_TYPE, _KG.Unit)
        e.add(node, RDF_TYPE, _TYPE_CLASS.get(rec.type, _KG.OtherUnit))
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


def document_graphs(
    doc: ExtractedDocument, expand_groups: bool = True
) -> tuple[list[str], list[str], list[str]]:
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
    e.add(d, RDF_TYPE, _KG.TaskPlan if doc.kind is DocumentKind.TASK_PLAN else _KG.WorkReport)
    e.add(d, _DCTERMS.title, zh(doc.title))
    e.add(d, _KG.sourceFile, lit(_file_name(doc.source.path)))
    e.add(d, _KG.region, lit(region))
    e.add(d, _KG.encoding, lit(doc.source.encoding))
    if doc.source.content_hash:
        e.add(d, _KG.contentHash, lit(doc.source.content_hash))
    if doc.year:
        e.add(d, _KG.year, f'"{doc.year}"{_YEAR}')
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
    t_iri = iri_task(doc.name, t.ordinal)
    tn = N(t_iri)
    is_plan = doc.kind is DocumentKind.TASK_PLAN
    e.add(tn, RDF_TYPE, _KG.Task if is_plan else _KG.Statement)
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
    mentions = (*r.lead, *r.co_lead)
    nodes = [unit_iri(region, m) for m in mentions]
    if r.lead:
        # what a lead's share of the task divides by (queries/weighted_load.rq): stated
        # once here, not counted at query time over every task
        e.add(tn, _KG.leadCount, lit(len(set(nodes[: len(r.lead)]))))
    k = 0
    for m, node in zip(mentions, nodes, strict=True):
        k += 1
        lead = m.role is Role.LEAD
        e.add(tn, _KG.lead if lead else _KG.coLead, node)
        _unit_description(e.shared, node, m, gaz)  # type: ignore[arg-type]
        q = N(f"{t_iri}/resp/{k}")
        e.add(tn, _KG.hasResponsibility, q)
        e.add(q, _KG.agent, node)
        e.add(q, _KG.role, _KG.LeadRole if lead else _KG.CoLeadRole)
        if m.name != m.node_name:  # else the agent's skos:prefLabel says it
            e.add(q, _KG.asWritten, zh(m.name))
        if m.start >= 0:
            _span(e, q, m.start, m.end, m.name)
        if m.kind == "group" and expand and m.unit:
            for member in gaz.group_members(m.unit):
                k += 1
                mn = N(iri_unit(region, member))
                e.add(tn, _KG.leadViaGroup if lead else _KG.coLeadViaGroup, mn)
                mq = N(f"{t_iri}/resp/{k}")
                e.add(tn, _KG.hasResponsibility, mq)
                e.add(mq, _KG.agent, mn)
                e.add(mq, _KG.role, _KG.LeadRole if lead else _KG.CoLeadRole)
                e.add(mq, _KG.viaGroup, node)
    for i, ind in enumerate(t.indicators, start=1):
        _indicator_quads(e, t_iri, i, ind, doc)
    for ent in t.projects:
        _entity_quads(e, tn, ent, region, _KG.Project, _KG.mentionsProject)
    for ent in t.districts:
        _entity_quads(e, tn, ent, region, _KG.Area, _KG.mentionsArea)


def _span(e: _Emitter, node: Term, start: int, end: int, written: str) -> None:
    """Where ``written`` is in the task text: its start, and its end only when that is not
    ``start + len(written)`` (the default, ``ontology/kg.ttl``)."""
    e.add(node, _KG.charStart, lit(start))
    if end != start + len(written):
        e.add(node, _KG.charEnd, lit(end))


def _short(text: str, n: int = 40) -> str:
    first = text.split("\n", 1)[0]
    return first if len(first) <= n else first[:n] + "…"


def _indicator_quads(e: _Emitter, t_iri: str, i: int, ind: Indicator, doc: ExtractedDocument) -> None:
    tn = N(t_iri)
    node = N(f"{t_iri}/indicator/{i}")
    e.add(tn, _KG.hasIndicator, node)
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
    if float(ind.base_value) != float(ind.value) or ind.base_unit != ind.unit:
        # normalised to another value or unit (2.8 万人 → 28000 人): else the defaults
        e.add(node, _KG.baseValue, lit(float(ind.base_value)))
        e.add(node, _KG.baseUnit, zh(ind.base_unit))
    e.add(node, _KG.indicatorKind, lit(ind.kind))
    e.add(node, _KG.period, lit(ind.period))
    if ind.commitment:
        e.add(node, _KG.commitment, lit(ind.commitment))
    if doc.year:
        e.add(node, _KG.year, f'"{doc.year - (1 if ind.period == "actual" else 0)}"{_YEAR}')
    if ind.start >= 0:
        _span(e, node, ind.start, ind.end, ind.text)


def _entity_quads(
    e: _Emitter, tn: Term, ent: Entity, region: str, cls: Term, pred: Term
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
) -> list[str]:
    """Inferred links from report statements to tasks, in the report's named graph."""
    e = _Emitter(N(iri_document(report.name)))
    for i, link in enumerate(sorted(links, key=lambda x: (x.statement, -x.score, x.plan, x.task)), start=1):
        st_iri = iri_task(report.name, link.statement)
        st = N(st_iri)
        tk = N(iri_task(link.plan, link.task))
        node = N(f"{st_iri}/link/{i}")
        e.add(st, _KG.similarTask, tk)
        e.add(st, _KG.hasLink, node)
        e.add(node, RDF_TYPE, _KG.StatementLink)
        e.add(node, _KG.linkedTask, tk)
        e.add(node, _KG.score, lit(round(link.score, 4)))
        e.add(node, _KG.inferred, lit(True))
    for ordinal, units in sorted(inferred.items()):
        st_iri = iri_task(report.name, ordinal)
        st = N(st_iri)
        for k, (unit, score) in enumerate(units, start=1):
            un = N(iri_unit(report.region, unit))
            e.add(st, _KG.inferredLead, un)
            q = N(f"{st_iri}/inferred/{k}")
            e.add(st, _KG.hasResponsibility, q)
            e.add(q, _KG.agent, un)
            e.add(q, _KG.role, _KG.LeadRole)
            e.add(q, _KG.inferred, lit(True))
            e.add(q, _KG.score, lit(round(score, 4)))
    return e.quads
