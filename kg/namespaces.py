"""The namespaces of kg's graph: the one place for their IRIs. :mod:`kg.graph.vocab` builds
its terms on them; the graph files (:mod:`kg.layout`) and the query library
(:mod:`kg.queries`) declare their prefixes from here."""

from __future__ import annotations

__all__ = [
    "KG_NS", "ID_NS", "ORG_NS", "PROV_NS", "SKOS_NS", "DCTERMS_NS", "RDFS_NS", "RDF_NS", "XSD_NS",
    "FILE_PREFIXES", "QUERY_PREFIXES",
]

KG_NS = "https://w3id.org/govkg/ns#"
ID_NS = "https://w3id.org/govkg/id/"
ORG_NS = "http://www.w3.org/ns/org#"
PROV_NS = "http://www.w3.org/ns/prov#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS_NS = "http://purl.org/dc/terms/"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"

# the prefixes of the graph files (graph.ttl, graph.trig), in the order they are written
FILE_PREFIXES = {
    "kg": KG_NS, "org": ORG_NS, "prov": PROV_NS, "skos": SKOS_NS, "dcterms": DCTERMS_NS,
    "rdfs": RDFS_NS, "xsd": XSD_NS,
}
# the prefixes a query may use without declaring them (the query library, kg serve)
QUERY_PREFIXES = {
    "kg": KG_NS, "id": ID_NS, "org": ORG_NS, "prov": PROV_NS, "skos": SKOS_NS,
    "dcterms": DCTERMS_NS, "rdfs": RDFS_NS, "rdf": RDF_NS, "xsd": XSD_NS,
}
