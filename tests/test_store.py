"""The store interface: the default Oxigraph store (queried through the union of its named graphs), rdflib
and the endpoint result parsing answer the same."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.pipeline import BuildOptions, build
from kg.store import (
    STORE_DIR,
    OxigraphStore,
    RdflibStore,
    open_store,
    union_materialized,
)
from kg.store.endpoint_store import _json_result

from .conftest import PLAN

Q_UNITS = """PREFIX kg: <https://w3id.org/govkg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?l (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a kg:Task ; kg:lead ?u . ?u skos:prefLabel ?l }
GROUP BY ?l ORDER BY DESC(?n) ?l"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("store") / "out"
    build([PLAN], out, BuildOptions(artifacts=False))
    return out


def test_default_store_is_oxigraph_with_each_triple_in_one_named_graph(built: Path) -> None:
    """The union of the named graphs (what queries read) then holds each triple once."""
    store = open_store(built)
    assert isinstance(store, OxigraphStore)
    assert not union_materialized(built / STORE_DIR) and not store.union_materialized
    raw = store.raw
    assert not list(raw.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    triples = [str(q.triple) for q in raw.quads_for_pattern(None, None, None, None)]
    assert len(triples) == len(set(triples)) > 1000
    n = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    assert n is not None and int(n.value) == len(triples)


def test_union_default_graph_answers_like_union_at_query_time(built: Path) -> None:
    store = open_store(built)
    fast = store.query(Q_UNITS).rows
    assert fast
    mem = OxigraphStore(None)
    mem.load_nquads(built / "graph.nq")  # no union default graph: asks for the union
    assert not mem.union_materialized
    assert mem.query(Q_UNITS).rows == fast
    ask = store.query("ASK { ?s ?p ?o }")
    assert ask.kind == "ask" and ask.boolean is True


def test_rdflib_backend_gives_the_same_rows(built: Path) -> None:
    ox_rows = open_store(built).query(Q_UNITS).dicts()
    rd = open_store(built, backend="rdflib")
    assert isinstance(rd, RdflibStore)
    assert rd.query(Q_UNITS).dicts() == ox_rows


def test_bindings_are_terms_not_text(built: Path) -> None:
    store = open_store(built)
    q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?u WHERE { ?u skos:prefLabel ?l }"
    hostile = '区发改委"@zh } ; DROP ALL ; SELECT * { ?s ?p ?o'
    assert store.query(q, {"l": hostile}).rows == []


def test_virtuoso_style_json_results() -> None:
    doc = {
        "head": {"link": [], "vars": ["s", "n", "l"]},
        "results": {"distinct": False, "ordered": True, "bindings": [
            {"s": {"type": "uri", "value": "http://e/s"},
             "n": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "42"},
             "l": {"type": "literal", "xml:lang": "zh", "value": "区发改委"}},
            {"s": {"type": "bnode", "value": "b0"}},
        ]},
    }
    res = _json_result(doc)
    assert res.variables == ["s", "n", "l"]
    assert res.dicts() == [{"s": "http://e/s", "n": 42, "l": "区发改委"}, {"s": "b0"}]
    assert res.rows[0][2].lang == "zh"  # type: ignore[union-attr]
    assert _json_result({"head": {"link": []}, "boolean": True}).boolean is True
