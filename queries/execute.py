"""Checking and running queries: syntax errors with line and column, parameters bound as terms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from kg.errors import QueryError, UsageError
from kg.store import QueryResult, Store, sparql_lexer

from .library import CannedQuery, resolve_query
from .params import check_names, coerce_params

__all__ = ["is_update", "check_query_text", "check_syntax", "describe_syntax_error", "run_query",
           "with_defaults_inlined"]

_POS_RE = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.S)


def is_update(text: str) -> bool:
    """Whether the text is a SPARQL Update request rather than a query (see
    :func:`kg.store.sparql_lexer.is_update`: keywords in comments and strings do not count)."""
    return sparql_lexer.is_update(text)


def check_query_text(sparql: str, allow_service: bool = False) -> sparql_lexer.QueryFacts:
    """Refuse, before any parsing, what kg never runs; return what the lexer saw.

    * an update (the graph is read-only);
    * nesting of ``{ ( [`` deeper than :data:`kg.store.sparql_lexer.MAX_NESTING` (the parser
      would overflow its stack and take the process down);
    * a ``SERVICE`` clause, unless ``allow_service``: a federated query makes the
      machine that runs it send requests to any URL the query names.
    """
    facts = sparql_lexer.analyze(sparql)
    if facts.update:
        raise QueryError("SPARQL Update is not accepted: the graph is read-only (use SELECT, ASK, CONSTRUCT or DESCRIBE)")
    if facts.depth > sparql_lexer.MAX_NESTING:
        raise QueryError(
            f"query nested {facts.depth} deep: more than {sparql_lexer.MAX_NESTING} nested levels are refused"
        )
    if facts.service and not allow_service:
        raise QueryError("SERVICE (federated query) is refused: kg does not send requests to other servers")
    return facts


def check_syntax(sparql: str, allow_service: bool = False) -> None:
    """Raise :class:`QueryError` with line and column if ``sparql`` is not a valid query.

    :func:`check_query_text` first; then parsing only: the query is prepared against an
    empty in-memory store and never run.
    """
    import pyoxigraph as ox

    check_query_text(sparql, allow_service)
    try:
        ox.Store().query(sparql)
    except SyntaxError as exc:
        raise QueryError(describe_syntax_error(str(exc))) from None


def describe_syntax_error(message: str) -> str:
    """``error at 3:17: expected …`` → ``invalid SPARQL at line 3, column 17: expected …`` (one line)."""
    m = _POS_RE.search(message)
    first = " ".join(message.split())
    if not m:
        return f"invalid SPARQL: {first}"
    detail = " ".join(m.group(3).split())
    return f"invalid SPARQL at line {m.group(1)}, column {m.group(2)}: {detail}"


def run_query(
    store: Store, query: CannedQuery | str, params: Mapping[str, object] | None = None,
    allow_service: bool = False, extra_dirs: Iterable[str | Path] = (),
) -> QueryResult:
    """Run a canned query (name, file, :class:`CannedQuery`) or SPARQL text with parameters.

    A name is looked up among the canned queries and the ``.rq`` files of ``extra_dirs``
    (see :func:`kg.queries.list_queries`).

    The text is checked first, so a syntax error names the line and column of what the
    user wrote (not of the text with the bound parameters). ``allow_service`` lets a
    ``SERVICE`` clause through (for a remote endpoint, which decides for itself).
    """
    q = resolve_query(query, extra_dirs=extra_dirs) if isinstance(query, str) else query
    body = q.body
    check_syntax(body, allow_service)
    bindings = coerce_params(q, params)
    mentioned = sparql_lexer.variables(body)
    unused = [n for n in bindings if n not in mentioned]
    if unused:
        raise UsageError(f"parameter {unused[0]!r} is not a variable of the query")
    check_names(store, q, params)
    return store.query(body, bindings or None)


def with_defaults_inlined(query: CannedQuery, params: Mapping[str, object] | None = None) -> str:
    """The query text with its parameters bound in a VALUES block, runnable by any client."""
    from kg.store import _bind_with_values

    bindings = coerce_params(query, params)
    text = query.text
    if not bindings:
        return text
    return _bind_with_values(text, bindings)
