"""The SPARQL lexer (kg/store/sparql_lexer.py) and the parameter binding built on it (issue 12).

Braces, ``#`` and keywords inside comments, strings and IRIs must never be taken for
query structure; binding ``?x`` must filter exactly like writing ``FILTER(?x = …)``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import queries as Q
from kg.errors import QueryError, UsageError
from kg.store import OxigraphStore, Term
from kg.store import sparql_lexer as lx

# ---------------------------------------------------------------------------------------
# the tokens


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in lx.tokenize(text)]


def test_strings_of_every_quoting_are_one_token() -> None:
    text = """SELECT * WHERE { BIND('a{' AS ?a) BIND("b\\"}" AS ?b) BIND('''c'}''' AS ?c) BIND(\"\"\"d"\n}\"\"\" AS ?d) }"""
    strings = [t for t in kinds(text) if t[0] == "string"]
    assert strings == [("string", "'a{'"), ("string", '"b\\"}"'), ("string", "'''c'}'''"),
                       ("string", '"""d"\n}"""')]
    assert [t for t in kinds(text) if t[1] in "{}"] == [("punct", "{"), ("punct", "}")]


def test_comments_iris_and_escaped_local_names() -> None:
    text = "SELECT ?x WHERE { ?x <urn:a#x> ex:b\\#c . # } and {\n} # trailing {"
    assert kinds(text) == [
        ("name", "SELECT"), ("var", "?x"), ("name", "WHERE"), ("punct", "{"), ("var", "?x"),
        ("iri", "<urn:a#x>"), ("pname", "ex:b\\#c"), ("punct", "."), ("punct", "}"),
    ]
    trivia = [t.kind for t in lx.tokenize(text, trivia=True)]
    assert trivia.count("comment") == 2
    # every character belongs to exactly one token
    assert "".join(t.text for t in lx.tokenize(text, trivia=True)) == text


def test_less_than_is_an_operator_not_an_iri() -> None:
    text = "SELECT ?x WHERE { ?s ?p ?x FILTER(?x < 3 && ?x <= ?y && ?x > 1) }"
    assert ("punct", "<") in kinds(text) and ("punct", "<=") in kinds(text)
    assert not [k for k, _ in kinds(text) if k == "iri"]


def test_query_facts() -> None:
    assert lx.analyze("PREFIX : <urn:x#> # SELECT\nASK { ?s :FROM 'SERVICE' }") == lx.QueryFacts(
        form="ASK", update=False, service=False, dataset=False, depth=1)
    facts = lx.analyze("select * from named <urn:g> { graph ?g { service <http://h/> { ?s ?p ?o } } }")
    assert (facts.form, facts.service, facts.dataset, facts.depth) == ("SELECT", True, True, 3)
    assert lx.is_update("INSERT DATA { <urn:a> <urn:b> 'SELECT' }")
    assert lx.is_update("SELECT * WHERE { } ; DROP ALL")
    assert not lx.is_update('SELECT ("INSERT DATA" AS ?x) WHERE { } # DELETE')


def test_where_clause_is_not_a_trailing_values_block_nor_a_construct_template() -> None:
    q = "SELECT ?x WHERE { ?x ?p ?o } VALUES ?x { <urn:a> }"
    assert q[lx.where_block_end(q):].startswith("} VALUES")
    c = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert lx.where_block_end(c) == len(c) - 1
    short = "SELECT * { ?s ?p ?o } LIMIT 1"
    assert lx.where_block_end(short) == short.index("}")
    with pytest.raises(ValueError):
        lx.bind_values("CONSTRUCT { ?s ?p ?o }", {"s": "<urn:a>"})


# ---------------------------------------------------------------------------------------
# binding: the property


_DATA = ["plain", "a{b", "}", "{{", "x # y", 'q"uote', "it's", "<urn:not-iri>", "区发改委", "back\\slash"]
_NOISE = st.text(alphabet='{}#"\'<>?x ', max_size=12)


def _comment(noise: str) -> str:
    return f"  # {noise}\n" if noise else "\n"


def _long_string(noise: str) -> str:
    # a long single-quoted string may hold any of these but ' and \ (kept out of the alphabet)
    return "'''" + noise.replace("'", "").replace("\\", "") + "\n}'''"


@pytest.fixture(scope="module")
def small_store() -> OxigraphStore:
    import pyoxigraph as ox

    store = OxigraphStore(None)
    g = ox.NamedNode("urn:graph")
    for i, value in enumerate(_DATA):
        store.raw.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(value), g))
        store.raw.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:q"), ox.Literal(i), g))
    return store


def _query(c1: str, c2: str, c3: str, c4: str, decoy: str, filter_: str = "") -> str:
    return (
        f"PREFIX ex: <urn:ex#>{_comment(c4)}"
        f"SELECT ?s ?x ?n{_comment(c1)} WHERE {{{_comment(c1)}"
        f"  ?s <urn:p> ?x .{_comment(c2)}"
        "  OPTIONAL { ?s <urn:q> ?n }  # } } }\n"
        f"  BIND({decoy} AS ?decoy){_comment(c3)}"
        f"  {filter_}\n"
        f"}}{_comment(c4)}ORDER BY ?s{_comment(c3)}"
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.sampled_from(_DATA) | st.text(alphabet='{}#"\'\\ ab', max_size=8),
    c1=_NOISE, c2=_NOISE, c3=_NOISE, c4=_NOISE, noise=_NOISE, long=st.booleans(),
)
def test_binding_filters_exactly_like_writing_the_filter(
    small_store: OxigraphStore, value: str, c1: str, c2: str, c3: str, c4: str, noise: str, long: bool
) -> None:
    literal = Term("literal", value)
    decoy = _long_string(noise) if long else Term("literal", noise + "}").n3()
    bound = small_store.query(_query(c1, c2, c3, c4, decoy), {"x": literal})
    written = small_store.query(_query(c1, c2, c3, c4, decoy, f"FILTER(?x = {literal.n3()})"))
    assert bound.rows == written.rows
    # and both are what the data says: the subjects whose value is exactly `value`
    expected = [f"urn:s{i}" for i, v in enumerate(_DATA) if v == value]
    assert sorted(r[0].value for r in bound.rows if r[0] is not None) == sorted(expected)


def test_issue12_rq_with_a_brace_in_a_comment_binds_its_parameter(store, tmp_path: Path) -> None:
    rq = tmp_path / "leads_of.rq"
    rq.write_text(
        "# question: How many tasks does a unit lead?\n"
        '# param unit = "区发改委"@zh -- the unit\n'
        "# columns: unit, n\n"
        "PREFIX kg: <https://w3id.org/govkg/ns#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?unit (COUNT(DISTINCT ?t) AS ?n) WHERE {\n"
        "  ?u skos:prefLabel ?unit .   # the label, as in the gazetteer { not an alias }\n"
        "  ?t a kg:Task ; kg:lead ?u .  # direct leads only {\n"
        "}\n"
        "GROUP BY ?unit\n",
        encoding="utf-8",
    )
    q = Q.load_query(rq)
    every = store.query(q.body)
    assert len(every.rows) > 10  # the query without its parameter: one row per lead unit
    bound = Q.run_query(store, q, {"unit": "区科技局"})
    assert [(r[0].value, r[1].python) for r in bound.rows] == [
        (r[0].value, r[1].python) for r in every.rows if r[0].value == "区科技局"
    ]
    assert len(bound.rows) == 1
    default = Q.run_query(store, q)
    assert [r[0].value for r in default.rows] == ["区发改委"]


def test_an_iri_parameter_cannot_close_its_brackets(store) -> None:
    with pytest.raises(UsageError, match="is not an IRI"):
        Q.run_query(store, "SELECT ?u WHERE { ?t ?p ?u }", {"u": "<urn:a> } ; DROP ALL #>"})
    with pytest.raises(UsageError, match="is not an IRI"):
        Q.run_query(store, "SELECT ?u WHERE { ?t ?p ?u }", {"u": "http://a b"})


def test_unused_parameter_is_found_by_tokens_not_text(store) -> None:
    # "?unit" appears only inside a string and a comment: it is not a variable of the query
    with pytest.raises(UsageError, match="'unit' is not a variable"):
        Q.run_query(store, 'SELECT ?x WHERE { BIND("?unit" AS ?x) } # ?unit', {"unit": "a"})


# ---------------------------------------------------------------------------------------
# checks before parsing


def test_L5_deep_nesting_is_refused_before_the_parser() -> None:
    deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000
    with pytest.raises(QueryError, match=r"^query nested 5000 deep: more than 256 nested levels"):
        Q.check_syntax(deep)
    # the limit counts real brackets only: braces in a comment or a string do not nest
    fine = "SELECT * WHERE { ?s ?p ?o } # " + "{" * 5000 + "\n"
    Q.check_syntax(fine)
    Q.check_syntax("SELECT * WHERE " + "{ " * 200 + "?s ?p ?o" + " }" * 200)
    # a run of ! recurses in the parser as deeply as brackets do
    with pytest.raises(QueryError, match=r"^query nested 100002 deep"):
        Q.check_syntax("ASK { FILTER(" + "!" * 100_000 + "true) }")


def test_H1_service_is_refused_unless_allowed() -> None:
    q = "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(QueryError, match=r"^SERVICE \(federated query\) is refused"):
        Q.check_syntax(q)
    Q.check_syntax(q, allow_service=True)
    # the word as a string, an IRI or a prefixed name is not a SERVICE clause
    Q.check_syntax("PREFIX ex: <urn:x#> SELECT * WHERE { ?s ex:SERVICE 'SERVICE' ; <urn:SERVICE> ?o }")
