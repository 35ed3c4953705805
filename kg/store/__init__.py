"""Stage 5: where the graph lives and how it is queried — one interface, three backends.

* :class:`OxigraphStore` — the default: pyoxigraph on disk under ``OUT/store``,
  bulk-loaded from ``OUT/graph.nq`` at build time;
* :class:`RdflibStore` — rdflib in memory, for small jobs, tests and comparison;
* :class:`EndpointStore` — any SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, Neptune).

All answer :meth:`Store.query` with a :class:`QueryResult` of plain :class:`Term` values,
so everything above this module (the CLI, the server, the workload analysis) is the same
whatever the backend. Parameters are bound as RDF terms, never pasted into the text.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from ..errors import KgError, QueryError, UsageError
from ..layout import STORE_DIR, NQuadsReader, graph_nquads
from ..namespaces import XSD_NS
from . import sparql_lexer
from .endpoint import EndpointConfig, PushError, SparqlClient

__all__ = [
    "Term",
    "QueryResult",
    "Store",
    "OxigraphStore",
    "RdflibStore",
    "EndpointStore",
    "open_store",
    "load_oxigraph",
    "update_oxigraph",
    "union_materialized",
    "query_values",
    "STORE_MARKER",
    "STORE_DIR",
    "StoreError",
    "open_oxigraph",
]

# Written inside a store folder built by kg: says that its default graph holds the union
# of the named graphs (deduplicated), so queries need not ask for the union at run time.
STORE_MARKER = "kg-store.json"
XSD = XSD_NS


class StoreError(KgError):
    """The on-disk store cannot be read (damaged, or not a store): an I/O problem, exit 1."""


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def open_oxigraph(path: Path, read_only: bool = True) -> ox.Store:
    """The pyoxigraph store at ``path``; a damaged store is a :class:`StoreError` (one line).

    pyoxigraph reports RocksDB corruption (a truncated table file, a garbled MANIFEST)
    as ``OSError`` or ``RuntimeError``.
    """
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except (OSError, RuntimeError) as exc:
        raise StoreError(
            f"{path}: cannot open the store ({_one_line(exc)}); rebuild it with kg build"
        ) from None


@dataclass(frozen=True)
class Term:
    """An RDF term as plain data: ``kind`` is ``uri``, ``literal`` or ``bnode``."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @property
    def python(self) -> object:
        """The value as Python: int/float for numeric literals, str otherwise."""
        if self.kind == "literal" and self.datatype:
            dt = self.datatype.removeprefix(XSD)
            try:
                if dt in ("integer", "int", "long", "nonNegativeInteger", "short"):
                    return int(self.value)
                if dt in ("decimal", "double", "float"):
                    return float(self.value)
                if dt == "boolean":
                    return self.value == "true"
            except ValueError:
                return self.value
        return self.value

    def n3(self) -> str:
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = json.dumps(self.value, ensure_ascii=False)
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype and self.datatype != XSD + "string":
            return f"{text}^^<{self.datatype}>"
        return text

    def to_json(self) -> dict[str, str]:
        """SPARQL 1.1 Query Results JSON form."""
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype and self.datatype != XSD + "string":
            out["datatype"] = self.datatype
        return out


def term_from_python(value: object) -> Term:
    """A parameter value as a term: IRIs in ``<…>`` or starting with http(s):// stay IRIs."""
    if isinstance(value, Term):
        return value
    if isinstance(value, bool):
        return Term("literal", "true" if value else "false", XSD + "boolean")
    if isinstance(value, int):
        return Term("literal", str(value), XSD + "integer")
    if isinstance(value, float):
        return Term("literal", repr(value), XSD + "decimal")
    s = str(value)
    if s.startswith("<") and s.endswith(">"):
        return Term("uri", s[1:-1])
    if s.startswith(("http://", "https://", "urn:")):
        return Term("uri", s)
    return Term("literal", s)


@dataclass
class QueryResult:
    """``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)

    def dicts(self) -> list[dict[str, object]]:
        """Rows as ``{variable: python value}`` (unbound variables omitted)."""
        return [
            {v: t.python for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]

    def column(self, name: str) -> list[object]:
        i = self.variables.index(name)
        return [row[i].python if row[i] is not None else None for row in self.rows]


class Store(Protocol):
    name: str

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> QueryResult: ...

    def close(self) -> None: ...


# ---------------------------------------------------------------------------------------
# pyoxigraph


def _ox_term(t: object) -> Term:
    if isinstance(t, ox.NamedNode):
        return Term("uri", t.value)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", t.value)
    if isinstance(t, ox.Literal):
        lang = t.language
        dt = t.datatype.value if t.datatype is not None and not lang else None
        return Term("literal", t.value, dt, lang)
    raise TypeError(f"unsupported term {t!r}")


def to_oxigraph(t: Term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if t.kind == "uri":
        return ox.NamedNode(t.value)
    if t.kind == "bnode":
        return ox.BlankNode(t.value)
    if t.lang:
        return ox.Literal(t.value, language=t.lang)
    if t.datatype:
        return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype))
    return ox.Literal(t.value)


def _ox_result(res: object) -> QueryResult:
    if isinstance(res, bool | ox.QueryBoolean):  # pyoxigraph >= 0.4 answers ASK with QueryBoolean
        return QueryResult("ask", boolean=bool(res))
    if isinstance(res, ox.QuerySolutions):
        variables = [v.value for v in res.variables]
        rows = [tuple(_ox_term(sol[i]) if sol[i] is not None else None for i in range(len(variables))) for sol in res]
        return QueryResult("select", variables, rows)
    triples = [(_ox_term(t.subject), _ox_term(t.predicate), _ox_term(t.object)) for t in res]  # type: ignore[attr-defined]
    return QueryResult("graph", triples=triples)


class OxigraphStore:
    """The default store: pyoxigraph, on disk (``path``) or in memory (``path=None``).

    Queries without ``GRAPH`` read the union of the named graphs. kg writes every triple
    in one named graph only (nodes that several documents name are described once, in a
    shared graph), so the union holds each triple once and Oxigraph answers it as fast as
    a default graph. (Where a triple sits in many graphs, the union matches it once per
    graph: a unit described in 100 documents would join 100×100 ways.) Stores made by kg
    0.1 keep a deduplicated copy of the union as their default graph and say so in a
    marker file; they are queried through it.
    """

    name = "oxigraph"

    def __init__(self, path: Path | None = None, read_only: bool = True) -> None:
        self.union_materialized = path is not None and union_materialized(Path(path))
        self._store = ox.Store() if path is None else open_oxigraph(Path(path), read_only)

    def query_options(self, sparql: str | None = None) -> dict[str, bool]:
        """Keyword arguments for ``raw.query`` that give kg's default-graph semantics.

        The default graph is the union of the named graphs, unless the query names its
        own dataset (``FROM`` / ``FROM NAMED``), which then wins.
        """
        if self.union_materialized or (sparql is not None and sparql_lexer.has_dataset_clause(sparql)):
            return {}
        return {"use_default_graph_as_union": True}

    @property
    def raw(self) -> ox.Store:
        return self._store

    def load_nquads(self, path: Path) -> None:
        self._store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> QueryResult:
        if bindings:
            # Oxigraph's substitutions only bind projected variables; VALUES binds any.
            sparql = _bind_with_values(sparql, {k: term_from_python(v) for k, v in bindings.items()})
        try:
            union = bool(self.query_options(sparql))
            return _ox_result(self._store.query(sparql, use_default_graph_as_union=union))
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from None
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"query failed: {_one_line(exc)}") from None

    def close(self) -> None:
        del self._store


def query_values(store: Store, sparql: str) -> list[tuple[str | None, ...]]:
    """The rows of a SELECT as plain strings (IRIs and lexical forms; None when unbound).

    From an Oxigraph store they come straight from pyoxigraph's solutions, skipping the
    :class:`kg.store.Term` per cell that ``Store.query`` builds (most of the time of a
    big ranking); any other store goes through ``Store.query``.
    """
    raw = getattr(store, "raw", None)
    options = getattr(store, "query_options", None)
    if raw is not None and callable(options):
        try:
            res = raw.query(sparql, **options(sparql))
            n = len(res.variables)
            return [tuple(None if (v := sol[i]) is None else v.value for i in range(n)) for sol in res]
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from None
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"query failed: {_one_line(exc)}") from None
    return [tuple(None if t is None else t.value for t in row) for row in store.query(sparql).rows]


def union_materialized(store_dir: Path) -> bool:
    """Whether the store at ``store_dir`` keeps the union of its named graphs as default graph."""
    try:
        data = json.loads((store_dir / STORE_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("default_graph") == "union"


def load_oxigraph(nquads: Path | Iterable[Path], target: Path) -> None:
    """Bulk-load N-Quads (one file, or several read as one stream — possibly an iterator
    that yields files as they are written) into a fresh on-disk store at ``target``.

    The files are kg's own, written by Oxigraph from terms it validated when they were
    made, so the load skips validating IRIs again (``lenient``: a tenth of the load).
    """
    files = [Path(nquads)] if isinstance(nquads, Path | str) else nquads
    store = ox.Store(str(target))
    with NQuadsReader(files) as stream:
        store.bulk_load(stream, format=ox.RdfFormat.N_QUADS, lenient=True)
    store.flush()
    del store


def update_oxigraph(previous: Path, target: Path, remove: Sequence[str], add: Sequence[Path]) -> None:
    """A new store at ``target``: the ``previous`` one with graphs ``remove`` dropped and the
    N-Quads files ``add`` loaded.

    ``previous`` is never modified: :meth:`pyoxigraph.Store.backup` makes a RocksDB
    checkpoint, which hard-links the immutable table files, so this costs time in
    proportion to the change, not to the store. A store whose default graph holds a
    materialised union (made by kg 0.1) is not updated: it is bulk-loaded again.
    """
    if union_materialized(previous):
        raise ValueError("a store with a materialised union default graph is rebuilt, not updated")
    src = ox.Store.read_only(str(previous))
    src.backup(str(target))
    del src
    store = ox.Store(str(target))
    for g in remove:
        node = ox.NamedNode(g)
        if store.contains_named_graph(node):
            store.remove_graph(node)
    small = sum(Path(p).stat().st_size for p in add) < 64 << 20
    for path in add:
        if small:  # a few graphs: one transaction each, cheaper than a bulk load
            store.extend(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
        else:
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store


# ---------------------------------------------------------------------------------------
# rdflib


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
            res: Result = self._ds.query(sparql, initBindings=init)
        except Exception as exc:  # rdflib raises pyparsing errors of several types
            raise QueryError(f"invalid SPARQL: {str(exc).splitlines()[0]}") from None
        if res.type == "ASK":
            return QueryResult("ask", boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            variables = [str(v) for v in res.vars or []]
            rows = [tuple(from_rdflib(x) if x is not None else None for x in row) for row in res]  # type: ignore[union-attr]
            return QueryResult("select", variables, rows)
        return QueryResult("graph", triples=[tuple(from_rdflib(x) for x in t) for t in res])  # type: ignore[misc]

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------------------
# remote endpoint


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
            sparql = _bind_with_values(sparql, {k: term_from_python(v) for k, v in bindings.items()})
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
        triples = [(_ox_term(t.subject), _ox_term(t.predicate), _ox_term(t.object)) for t in parsed]
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


_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def _bind_with_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """Add ``VALUES (?a ?b) { (x y) }`` at the end of the query's WHERE clause.

    The clause is found by :mod:`kg.store.sparql_lexer` (braces in comments, strings and IRIs
    do not count). Serialised terms are escaped by :meth:`Term.n3`, so a parameter cannot
    change the query's structure.
    """
    for name, t in bindings.items():
        if t.kind == "uri" and _NOT_IN_IRI.search(t.value):
            raise UsageError(f"parameter {name}: {t.value!r} is not an IRI (spaces and <>\"{{}}|^`\\ are not allowed)")
    try:
        return sparql_lexer.bind_values(sparql, {k: t.n3() for k, t in bindings.items()})
    except ValueError as exc:
        raise UsageError(f"cannot bind parameters: {exc}") from None


# ---------------------------------------------------------------------------------------


def open_store(
    out: str | Path | None = None, endpoint: str | None = None, backend: str = "oxigraph", **endpoint_options: object
) -> Store:
    """The store of a build folder (default ``oxigraph``, or ``rdflib``), or an endpoint.

    ``endpoint_options`` (``user``, ``password``, ``update_url``, ``timeout``) go to
    :class:`EndpointStore`.
    """
    if endpoint:
        return EndpointStore(endpoint, **endpoint_options)  # type: ignore[arg-type]
    if out is None:
        raise UsageError("give a build folder or --endpoint URL")
    p = Path(out)
    files = graph_nquads(p)
    if backend == "rdflib":
        return RdflibStore(files)
    store_dir = p / STORE_DIR
    if store_dir.is_dir():
        return OxigraphStore(store_dir, read_only=True)
    mem = OxigraphStore(None)
    for f in files:
        mem.load_nquads(f)
    return mem
