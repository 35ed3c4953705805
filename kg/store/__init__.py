"""Stage 5: where the graph lives and how it is queried — one interface, three backends.

* :class:`OxigraphStore` — the default: pyoxigraph on disk under ``OUT/store``,
  bulk-loaded from ``OUT/graph.nq`` at build time;
* :class:`RdflibStore` — rdflib in memory, for small jobs, tests and comparison;
* :class:`EndpointStore` — any SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, Neptune).

All answer :meth:`Store.query` with a :class:`QueryResult` of plain :class:`Term` values,
so everything above this module (the CLI, the server, the workload analysis) is the same
whatever the backend. Parameters are bound as RDF terms, never pasted into the text.

The terms, the result and the protocol are in :mod:`kg.store.terms`; each backend has a
module of its own (:mod:`kg.store.oxigraph_store`, :mod:`kg.store.rdflib_store`,
:mod:`kg.store.endpoint_store`); this package opens a store and reads plain values.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import QueryError, UsageError
from ..layout import STORE_DIR, graph_nquads
from . import sparql_lexer
from .endpoint_store import EndpointStore, query_form
from .oxigraph_store import (
    STORE_MARKER,
    OxigraphStore,
    load_oxigraph,
    open_oxigraph,
    to_oxigraph,
    union_materialized,
    update_oxigraph,
)
from .oxigraph_store import from_oxigraph as _ox_term  # noqa: F401 - kg.serve.server imports it under this name
from .rdflib_store import RdflibStore
from .terms import XSD, QueryResult, Store, StoreError, Term, one_line, term_from_python
from .terms import bind_with_values as _bind_with_values  # noqa: F401 - kg.queries imports it under this name

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
    "sparql_lexer",
    "query_form",
    "term_from_python",
    "to_oxigraph",
    "XSD",
]


# ---------------------------------------------------------------------------------------
# pyoxigraph


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
            raise StoreError(f"query failed: {one_line(exc)}") from None
    return [tuple(None if t is None else t.value for t in row) for row in store.query(sparql).rows]


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
