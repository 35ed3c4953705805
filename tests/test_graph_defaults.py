"""Defaults a build does not state on every node (ontology/kg.ttl, issue 16 item 3).

A responsibility or indicator node has no rdf:type (the range of the property that reaches
it says it), no kg:asWritten when the name as written is its agent's label, and no
kg:charEnd when the span is as long as that name (an indicator: its text); an indicator
has no kg:baseValue / kg:baseUnit equal to its value and unit, and no prov:wasDerivedFrom
(the inverse of kg:hasIndicator). Stating the defaults again must give every query the
same answers: that is what lets them go.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from kg.queries.library import INTERNAL_DIR, internal_query

from kg import queries as Q
from kg.extract import extract_document
from kg.read import read_source
from kg.store import OxigraphStore, QueryResult

from .conftest import PLAN

_PREFIXES = """PREFIX kg: <https://w3id.org/govkg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

# the defaults of ontology/kg.ttl, stated again in the graph of the node they describe
_STATE_DEFAULTS = [
    "INSERT { GRAPH ?g { ?r a kg:Responsibility } } WHERE { GRAPH ?g { ?t kg:hasResponsibility ?r } }",
    "INSERT { GRAPH ?g { ?i a kg:Indicator } } WHERE { GRAPH ?g { ?t kg:hasIndicator ?i } }",
    """INSERT { GRAPH ?g { ?r kg:asWritten ?label } } WHERE {
         GRAPH ?g { ?t kg:hasResponsibility ?r . ?r kg:agent ?a .
                    FILTER NOT EXISTS { ?r kg:viaGroup ?v } FILTER NOT EXISTS { ?r kg:inferred ?i }
                    FILTER NOT EXISTS { ?r kg:asWritten ?w } }
         GRAPH ?h { ?a skos:prefLabel ?label } }""",
    """INSERT { GRAPH ?g { ?i kg:baseValue ?v ; kg:baseUnit ?u } } WHERE {
         GRAPH ?g { ?t kg:hasIndicator ?i . ?i kg:value ?v ; kg:unitOfMeasure ?u .
                    FILTER NOT EXISTS { ?i kg:baseValue ?b } } }""",
    "INSERT { GRAPH ?g { ?i prov:wasDerivedFrom ?t } } WHERE { GRAPH ?g { ?t kg:hasIndicator ?i } }",
    """INSERT { GRAPH ?g { ?r kg:charEnd ?end } } WHERE {
         GRAPH ?g { ?r kg:charStart ?start . FILTER NOT EXISTS { ?r kg:charEnd ?e }
                    OPTIONAL { ?r kg:asWritten ?w } OPTIONAL { ?r kg:text ?text } }
         BIND(?start + STRLEN(COALESCE(?w, ?text)) AS ?end) }""",
]


def _load(path: Path, defaults: bool) -> OxigraphStore:
    store = OxigraphStore(None)
    store.load_nquads(path)
    if defaults:
        for update in _STATE_DEFAULTS:
            store.raw.update(_PREFIXES + update)
    return store


@pytest.fixture(scope="module")
def stores(example_out: Path) -> tuple[OxigraphStore, OxigraphStore]:
    """The example build's graph as written, and with its defaults stated again."""
    return _load(example_out / "graph.nq", False), _load(example_out / "graph.nq", True)


def _rows(res: QueryResult) -> list[tuple[str, ...]]:
    return sorted(tuple("" if t is None else repr(t) for t in row) for row in res.rows)


def _count(store: OxigraphStore, pattern: str) -> int:
    res = store.query(_PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(str(res.rows[0][0].python))


def test_stating_the_defaults_again_adds_what_the_build_left_out(stores) -> None:
    bare, full = stores
    assert _count(bare, "?r a kg:Responsibility") == _count(bare, "?r a kg:Indicator") == 0
    responsibilities = _count(bare, "?t kg:hasResponsibility ?r")
    indicators = _count(bare, "?t kg:hasIndicator ?i")
    assert _count(full, "?r a kg:Responsibility") == responsibilities > 0
    assert _count(full, "?i a kg:Indicator") == indicators > 0
    # every span has its end again; without the defaults only the odd ones have one
    assert _count(full, "?r kg:charEnd ?e") == _count(full, "?r kg:charStart ?s") > _count(bare, "?r kg:charEnd ?e")
    # an indicator's base value and unit where its normalisation changed them (万人 …) only
    assert _count(full, "?i kg:baseValue ?v ; kg:baseUnit ?u") == indicators > _count(bare, "?i kg:baseValue ?v ; kg:baseUnit ?u") > 0
    assert _count(bare, "?i kg:baseValue ?b ; kg:value ?v ; kg:baseUnit ?bu ; kg:unitOfMeasure ?u FILTER(?b = ?v && STR(?bu) = STR(?u))") == 0
    assert _count(full, "?i prov:wasDerivedFrom ?t") == indicators and _count(bare, "?i prov:wasDerivedFrom ?t") == 0
    assert len(full.raw) > len(bare.raw)


@pytest.mark.parametrize("name", [q.name for q in Q.list_queries()])
def test_every_canned_query_answers_as_with_the_defaults_stated(stores, name: str) -> None:
    bare, full = stores
    assert _rows(Q.run_query(bare, name)) == _rows(Q.run_query(full, name))


@pytest.mark.parametrize("name", sorted(p.stem for p in INTERNAL_DIR.glob("*.rq")))
def test_every_internal_query_answers_as_with_the_defaults_stated(stores, name: str) -> None:
    bare, full = stores
    text = internal_query(name)
    assert _rows(bare.query(text)) == _rows(full.query(text))


def test_a_query_that_reads_the_type_of_a_responsibility_node_would_see_the_difference(stores) -> None:
    """The counter-example: the comparison above is not blind to what was left out."""
    bare, full = stores
    q = "SELECT ?r WHERE { ?t kg:hasResponsibility ?r . ?r a kg:Responsibility ; kg:asWritten ?w }"
    assert _rows(bare.query(_PREFIXES + q)) != _rows(full.query(_PREFIXES + q))


def test_the_name_as_written_is_stated_exactly_where_it_is_not_the_label(stores) -> None:
    """On the example plan: the mentions written otherwise than their unit's label (区市场监管局
    for 市场监管局 …) keep kg:asWritten, the others read it from the label; the span of
    each is where the name is in the task text."""
    bare, _ = stores
    doc = extract_document(read_source(PLAN))
    mentions = [(t, m) for t in doc.tasks for m in (*t.responsibility.lead, *t.responsibility.co_lead)]
    plan = "<https://w3id.org/govkg/id/doc/gulou_task_decomposition>"
    stated = _count(bare, f"GRAPH {plan} {{ ?t kg:hasResponsibility ?r . ?r kg:asWritten ?w }}")
    assert stated == sum(m.name != m.node_name for _, m in mentions) > 0
    assert stated < len(mentions)
    assert all(t.text[m.start:m.end] == m.name for t, m in mentions if m.start >= 0)
    rows = bare.query(internal_query("workload_facts_written")).dicts()
    got = sorted((str(r["written"]), int(str(r["pos"]))) for r in rows if str(r["t"]).startswith(plan[1:-1] + "/"))
    assert got == sorted((m.name, m.start) for _, m in mentions)


def test_the_shapes_check_the_untyped_nodes(example_out: Path, tmp_path: Path) -> None:
    """The SHACL shapes of responsibilities and indicators target the objects of the
    properties, so a node with no rdf:type is still checked: a responsibility with a role
    that is none, an indicator without its metric, one with a base value but no base unit."""
    from kg.graph.validate import validate_build

    assert validate_build(example_out).conforms
    store = ox.Store()
    store.bulk_load(path=str(example_out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    kg = "https://w3id.org/govkg/ns#"
    resp, graph = next(iter(store.query(_PREFIXES + "SELECT ?r ?g WHERE { GRAPH ?g { ?t kg:hasResponsibility ?r } } LIMIT 1")))
    store.add(ox.Quad(resp, ox.NamedNode(kg + "role"), ox.NamedNode(kg + "Task"), graph))
    ind = next(iter(store.query(_PREFIXES + "SELECT ?i WHERE { GRAPH ?g { ?t kg:hasIndicator ?i } } LIMIT 1")))[0]
    for q in list(store.quads_for_pattern(ind, ox.NamedNode(kg + "metric"), None)):
        store.remove(q)
    based = next(iter(store.query(_PREFIXES + "SELECT ?i WHERE { GRAPH ?g { ?i kg:baseUnit ?u } } LIMIT 1")))[0]
    for q in list(store.quads_for_pattern(based, ox.NamedNode(kg + "baseUnit"), None)):
        store.remove(q)
    bad = tmp_path / "bad"
    bad.mkdir()
    store.dump(str(bad / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    report = validate_build(bad)
    assert not report.conforms
    assert report.violations == 4  # the role: sh:in, and two roles where one may be
    for node in (resp, ind, based):
        assert f"Focus Node: <{node.value}>" in report.text
    assert "kg:baseValue without kg:baseUnit" in report.text
