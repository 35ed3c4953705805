"""Any SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, Neptune) as a store, through
:class:`~kg.store.endpoint.SparqlClient`."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping

import pyoxigraph as ox

from ..errors import QueryError
from . import sparql_lexer
from .endpoint import EndpointConfig, PushError, SparqlClient
from .oxigraph_store import (
    from_oxigraph,
)
from .terms import (
    QueryResult,
    Term,
    bind_with_values,
    term_from_python,
)

__all__ = ["query_form", "EndpointStore"]


def query_form(sparql: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (after prologue and comments).

    >>> query_form("PREFIX kg: <https://w3id.org/govkg/ns#>  # units\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    form = sparql_lexer.query_form(sparql)
    return form if form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else "SELECT"


class EndpointStore:
    """A SPARQL 1.1 Protocol endpoint. Bindings become a VALUES block of serialised terms.

    SELECT/ASK ask for SPARQL JSON results, CONSTRUCT/DESCRIBE for N-Triples (Virtuoso
    answers a CONSTRUCT with a JSON table of ``s p o`` when JSON is acceptable, which is
    also understood). ``user``/``password`` (default: ``KG_SPARQL_USER`` /
    ``KG_SPARQL_PASSWORD`` from the environment) go as HTTP Basic, or Digest when the
    server asks for it.
    """

    name = "endpoint"

    def __init__(
        self, url: str, timeout: float = 60.0, update_url: str | None = None,
        user: str | None = None, password: str | None = None, graph_store_url: str | None = None,
    ) -> None:
        self.url = url
        self.update_url = update_url or url
        self.timeout = timeout
        self.config = EndpointConfig.make(url, update_url, graph_store_url, user, password, timeout)
        self._client = SparqlClient(self.config)

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> QueryResult:
        if bindings:
            sparql = bind_with_values(sparql, {k: term_from_python(v) for k, v in bindings.items()})
        form = query_form(sparql)
        accept = (
            "application/n-triples, text/turtle;q=0.9, application/sparql-results+json;q=0.5"
            if form in ("CONSTRUCT", "DESCRIBE")
            else "application/sparql-results+json"
        )
        data = urllib.parse.urlencode({"query": sparql}).encode()
        try:
            _, ctype, body = self._client.request("POST", self.url, data, {
                "Accept": accept,
                "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
            }, ok=(200,))
        except PushError as exc:
            msg = str(exc)
            if "cannot reach" in msg:  # an I/O problem (exit 1), like any unreachable server
                raise PushError(msg.replace("SPARQL server", "SPARQL endpoint")) from None
            raise QueryError(msg) from None
        ctype = ctype.split(";")[0].strip().lower()
        if "json" in ctype:
            res = _json_result(json.loads(body))
            if form in ("CONSTRUCT", "DESCRIBE") and res.kind == "select" and len(res.variables) == 3:
                return QueryResult("graph", triples=[r for r in res.rows if None not in r])  # type: ignore[misc]
            return res
        fmt = {
            "application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
            "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/n-quads": ox.RdfFormat.N_QUADS,
        }.get(ctype, ox.RdfFormat.TURTLE)
        try:
            parsed = list(ox.parse(body, format=fmt))
        except SyntaxError as exc:
            raise QueryError(f"{self.url}: unreadable {ctype or 'response'}: {exc}") from None
        triples = [(from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in parsed]
        return QueryResult("graph", triples=triples)  # type: ignore[arg-type]

    def close(self) -> None:
        pass


def _json_term(d: Mapping[str, str]) -> Term:
    # SPARQL JSON results; Virtuoso also says "typed-literal" (SPARQL 1.0 draft style)
    kind = "uri" if d["type"] == "uri" else "bnode" if d["type"] == "bnode" else "literal"
    lang = d.get("xml:lang") or d.get("lang")
    return Term(kind, d["value"], None if lang else d.get("datatype"), lang)


def _json_result(doc: Mapping[str, object]) -> QueryResult:
    if "boolean" in doc:
        return QueryResult("ask", boolean=bool(doc["boolean"]))
    head = doc["head"]
    assert isinstance(head, dict)
    variables = list(head.get("vars", []))
    bindings = doc["results"]["bindings"]  # type: ignore[index]
    rows = [tuple(_json_term(b[v]) if v in b else None for v in variables) for b in bindings]
    return QueryResult("select", variables, rows)
