"""rdflib in memory: a backend for small jobs, tests and comparison."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import QueryError
from .terms import (
    QueryResult,
    Term,
    term_from_python,
)

__all__ = ["RdflibStore"]


class RdflibStore:
    """rdflib in memory: simple and pure Python, slow past ~100k triples."""

    name = "rdflib"

    def __init__(self, nquads: Path | Sequence[Path] | None = None) -> None:
        from rdflib import Dataset

        self._ds = Dataset(default_union=True)
        for f in [nquads] if isinstance(nquads, Path | str) else nquads or ():
            self._ds.parse(str(f), format="nquads")

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> QueryResult:
        from rdflib import BNode, Literal, URIRef, Variable
        from rdflib.query import Result

        def to_rdflib(t: Term) -> object:
            if t.kind == "uri":
                return URIRef(t.value)
            if t.kind == "bnode":
                return BNode(t.value)
            return Literal(t.value, lang=t.lang, datatype=URIRef(t.datatype) if t.datatype else None)

        def from_rdflib(x: object) -> Term:
            if isinstance(x, URIRef):
                return Term("uri", str(x))
            if isinstance(x, BNode):
                return Term("bnode", str(x))
            assert isinstance(x, Literal)
            return Term("literal", str(x), str(x.datatype) if x.datatype else None, x.language)

        init = {Variable(k): to_rdflib(term_from_python(v)) for k, v in (bindings or {}).items()}
        try:
            res: Result = self._ds.query(sparql, initBindings=init)  # type: ignore[arg-type]
        except Exception as exc:  # rdflib raises pyparsing errors of several types
            raise QueryError(f"invalid SPARQL: {str(exc).splitlines()[0]}") from None
        if res.type == "ASK":
            return QueryResult("ask", boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            variables = [str(v) for v in res.vars or []]
            rows = [tuple(from_rdflib(x) if x is not None else None for x in row) for row in res]  # type: ignore[union-attr]
            return QueryResult("select", variables, rows)
        return QueryResult("graph", triples=[tuple(from_rdflib(x) for x in t) for t in res])  # type: ignore[misc,union-attr]

    def close(self) -> None:
        pass
