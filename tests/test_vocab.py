"""The vocabulary module and ontology/kg.ttl define the same terms."""

from __future__ import annotations

from rdflib import Graph

from kg.graph.vocab import KG
from kg.resources import ontology_path


def test_every_vocab_term_is_defined_in_the_ontology_and_back():
    g = Graph().parse(ontology_path() / "kg.ttl")
    ns = str(KG._NS)
    defined = {str(s)[len(ns):] for s in g.subjects() if str(s).startswith(ns) and str(s) != ns}
    assert defined == set(KG.__annotations__)


def test_shapes_parse():
    Graph().parse(ontology_path() / "shapes.ttl")
