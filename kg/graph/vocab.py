"""The one vocabulary module: every kg IRI comes from here.

``KG`` is a closed namespace (a typo fails at import or at attribute access), checked
against ``ontology/kg.ttl`` by a test. ``iri_*`` functions mint the deterministic IRIs of
instances: the same input always gives the same IRIs.
"""

from __future__ import annotations

import functools
from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from ..namespaces import DCTERMS_NS, ID_NS, KG_NS, ORG_NS, PROV_NS, SKOS_NS

__all__ = [
    "KG", "ID", "ORG", "PROV", "SKOS", "DCTERMS", "BASE",
    "iri_document", "iri_section", "iri_task", "iri_unit", "iri_group", "iri_area",
    "iri_project", "iri_metric", "iri_region_graph", "iri_names_graph", "iri_metrics_graph", "slug",
]

BASE = ID_NS.removesuffix("id/")
ID = Namespace(ID_NS)
ORG = Namespace(ORG_NS)
PROV = Namespace(PROV_NS)
SKOS = Namespace(SKOS_NS)
DCTERMS = Namespace(DCTERMS_NS)


class KG(DefinedNamespace):
    """Terms of ``ontology/kg.ttl``."""

    _NS = Namespace(KG_NS)
    _fail = True

    Area: URIRef
    CoLeadRole: URIRef
    DeployedUnit: URIRef
    Document: URIRef
    GovernmentDepartment: URIRef
    Indicator: URIRef
    LeadRole: URIRef
    LocalGovernment: URIRef
    ManagementCommittee: URIRef
    Metric: URIRef
    OtherUnit: URIRef
    PartyDepartment: URIRef
    PeopleOrganisation: URIRef
    Project: URIRef
    Responsibility: URIRef
    Role: URIRef
    SOEGroup: URIRef
    Section: URIRef
    Statement: URIRef
    StatementLink: URIRef
    StreetOffice: URIRef
    Task: URIRef
    TaskPlan: URIRef
    TownOffice: URIRef
    Unit: URIRef
    UnitGroup: URIRef
    WorkReport: URIRef
    agent: URIRef
    asWritten: URIRef
    baseUnit: URIRef
    baseValue: URIRef
    charEnd: URIRef
    charStart: URIRef
    coLead: URIRef
    coLeadViaGroup: URIRef
    commitment: URIRef
    comparator: URIRef
    contentHash: URIRef
    deadline: URIRef
    encoding: URIRef
    firstListedLeads: URIRef
    governs: URIRef
    groupScope: URIRef
    hasIndicator: URIRef
    hasLink: URIRef
    hasResponsibility: URIRef
    inDocument: URIRef
    indicatorOf: URIRef
    inSection: URIRef
    indicatorKind: URIRef
    inferred: URIRef
    inferredLead: URIRef
    lead: URIRef
    leadCount: URIRef
    leadViaGroup: URIRef
    line: URIRef
    linkedTask: URIRef
    mentionsArea: URIRef
    mentionsProject: URIRef
    metric: URIRef
    ordinal: URIRef
    period: URIRef
    region: URIRef
    responsibleLeader: URIRef
    role: URIRef
    score: URIRef
    similarTask: URIRef
    sourceFile: URIRef
    subSectionOf: URIRef
    taskNumber: URIRef
    text: URIRef
    unitOfMeasure: URIRef
    unresolved: URIRef
    value: URIRef
    viaGroup: URIRef
    year: URIRef


@functools.lru_cache(maxsize=1 << 16)  # the same document and unit names, again and again
def slug(name: str) -> str:
    """A name made safe for one IRI path segment (percent-encoded UTF-8, deterministic).

    >>> slug("区发改委")
    '%E5%8C%BA%E5%8F%91%E6%94%B9%E5%A7%94'
    >>> slug("plan 2021/v2")
    'plan%202021%2Fv2'
    """
    return quote(name, safe="-_.~")


def iri_document(name: str) -> URIRef:
    return ID[f"doc/{slug(name)}"]


def iri_section(doc: str, ordinal: int) -> URIRef:
    return ID[f"doc/{slug(doc)}/section/{ordinal}"]


def iri_task(doc: str, ordinal: int) -> URIRef:
    return ID[f"doc/{slug(doc)}/task/{ordinal}"]


def iri_unit(region: str, name: str) -> URIRef:
    return ID[f"{slug(region)}/unit/{slug(name)}"]


def iri_group(region: str, name: str) -> URIRef:
    return ID[f"{slug(region)}/group/{slug(name)}"]


def iri_area(region: str, name: str) -> URIRef:
    return ID[f"{slug(region)}/area/{slug(name)}"]


def iri_project(region: str, name: str) -> URIRef:
    return ID[f"{slug(region)}/project/{slug(name)}"]


def iri_metric(name: str) -> URIRef:
    """Metrics are shared by every region and year, so that series line up."""
    return ID[f"metric/{slug(name)}"]


def iri_region_graph(region: str) -> URIRef:
    """The named graph holding a region's gazetteer (units, groups, areas)."""
    return ID[f"{slug(region)}/gazetteer"]


def iri_names_graph(region: str) -> URIRef:
    """The named graph describing, once, what a region's documents name that its gazetteer
    does not hold: units kept as written, projects, areas."""
    return ID[f"{slug(region)}/names"]


def iri_metrics_graph() -> URIRef:
    """The named graph describing, once, every metric of the corpus's indicators."""
    return ID["metrics"]
