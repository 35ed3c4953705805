"""SHACL validation of a build folder (pySHACL over the union of its named graphs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .gazetteer import ontology_path

__all__ = ["ValidationReport", "validate_build", "load_union_graph"]


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: int
    triples: int
    text: str


def load_union_graph(out: Path):  # type: ignore[no-untyped-def]
    """The union of every named graph of a build (its graph.ttl), as one rdflib Graph."""
    from rdflib import Graph

    ttl = out / "graph.ttl"
    if not ttl.is_file():
        raise UsageError(f"{out}: not a kg build folder (no graph.ttl); run `kg build PATH -o {out}` first")
    return Graph().parse(str(ttl), format="turtle")


def validate_build(out: Path, shapes: Path | None = None) -> ValidationReport:
    from pyshacl import validate
    from rdflib import Graph

    data = load_union_graph(out)
    shacl = Graph().parse(str(shapes or ontology_path() / "shapes.ttl"), format="turtle")
    conforms, report_graph, text = validate(data, shacl_graph=shacl, inference="none", advanced=True)
    from rdflib import URIRef

    n = len(list(report_graph.subjects(URIRef("http://www.w3.org/ns/shacl#resultSeverity"), None)))
    return ValidationReport(bool(conforms), n, len(data), str(text))
