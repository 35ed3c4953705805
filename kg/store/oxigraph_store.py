"""The default backend: pyoxigraph on disk under ``OUT/store``, bulk-loaded from
``OUT/graph.nq`` at build time (its default graph the union of the named graphs,
materialised once), and updated in place by an incremental build."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from ..errors import QueryError
from ..layout import NQuadsReader
from . import sparql_lexer
from .terms import (
    QueryResult,
    StoreError,
    Term,
    bind_with_values,
    one_line,
    term_from_python,
)

__all__ = [
    "STORE_MARKER", "open_oxigraph", "from_oxigraph", "to_oxigraph", "OxigraphStore",
    "union_materialized", "load_oxigraph", "update_oxigraph",
]

# Written inside a store folder built by kg: says that its default graph holds the union
# of the named graphs (deduplicated), so queries need not ask for the union at run time.
STORE_MARKER = "kg-store.json"


def open_oxigraph(path: Path, read_only: bool = True) -> ox.Store:
    """The pyoxigraph store at ``path``; a damaged store is a :class:`StoreError` (one line).

    pyoxigraph reports RocksDB corruption (a truncated table file, a garbled MANIFEST)
    as ``OSError`` or ``RuntimeError``.
    """
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except (OSError, RuntimeError) as exc:
        raise StoreError(
            f"{path}: cannot open the store ({one_line(exc)}); rebuild it with kg build"
        ) from None


def from_oxigraph(t: object) -> Term:
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
        rows = [tuple(from_oxigraph(sol[i]) if sol[i] is not None else None for i in range(len(variables))) for sol in res]
        return QueryResult("select", variables, rows)
    triples = [(from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in res]  # type: ignore[attr-defined]
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
            sparql = bind_with_values(sparql, {k: term_from_python(v) for k, v in bindings.items()})
        try:
            union = bool(self.query_options(sparql))
            return _ox_result(self._store.query(sparql, use_default_graph_as_union=union))
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from None
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"query failed: {one_line(exc)}") from None

    def close(self) -> None:
        del self._store


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
        store.bulk_load(cast(IO[bytes], stream), format=ox.RdfFormat.N_QUADS, lenient=True)
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
