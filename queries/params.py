"""Parameter values: strings typed like their defaults, and names checked against the graph."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kg.errors import UsageError
from kg.store import XSD, Store, Term, term_from_python

from .library import _DEC_RE, _INT_RE, _STRING_RE, CannedQuery, parse_term
from .names import KINDS, check_name, contains_name, name_index, suggest_names

__all__ = ["coerce_params", "check_names"]


def _coerce(value: str, like: Term | None) -> Term:
    v = value
    if like is None:
        if _INT_RE.match(v):
            return Term("literal", str(int(v)), XSD + "integer")
        if _DEC_RE.match(v):
            return Term("literal", v, XSD + "decimal")
        if _STRING_RE.match(v) and v.startswith('"'):
            return parse_term(v)
        return term_from_python(v)
    if like.kind == "uri":
        if v.startswith("<") and v.endswith(">"):
            return Term("uri", v[1:-1])
        return Term("uri", v)
    dt = (like.datatype or "").removeprefix(XSD)
    if dt in ("integer", "int", "long"):
        if not _INT_RE.match(v):
            raise UsageError(f"expected an integer, got {value!r}")
        return Term("literal", str(int(v)), like.datatype)
    if dt in ("decimal", "double", "float"):
        if not (_INT_RE.match(v) or _DEC_RE.match(v)):
            raise UsageError(f"expected a number, got {value!r}")
        return Term("literal", v, XSD + "decimal")
    if dt == "boolean":
        if v.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise UsageError(f"expected true or false, got {value!r}")
        return Term("literal", "true" if v.lower() in ("true", "1", "yes") else "false", like.datatype)
    if v.startswith('"') and _STRING_RE.match(v):
        return parse_term(v)
    return Term("literal", v, like.datatype, like.lang)


def coerce_params(query: CannedQuery, params: Mapping[str, object] | None) -> dict[str, Term]:
    """Defaults overridden by ``params``; string values take the type of the default.

    A canned query (one that declares parameters) rejects unknown names; inline SPARQL
    takes any variable.
    """
    out = query.defaults()
    for name, value in (params or {}).items():
        declared = query.param(name)
        if declared is None and query.params:
            known = ", ".join(p.name for p in query.params)
            raise UsageError(f"query {query.name!r} has no parameter {name!r} (it takes: {known})")
        if not re.fullmatch(r"\w+", name):
            raise UsageError(f"bad parameter name {name!r}")
        if isinstance(value, Term):
            out[name] = value
        elif isinstance(value, str):
            try:
                out[name] = _coerce(value, declared.default if declared else None)
            except UsageError as exc:
                raise UsageError(f"parameter {name}: {exc}") from None
        else:
            out[name] = term_from_python(value)
    return out


def check_names(store: Store, query: CannedQuery, params: Mapping[str, object] | None) -> None:
    """Raise :class:`UsageError` ("no unit named … — did you mean …?") for a given value of a
    parameter with a kind that names nothing of that kind (see the module doc)."""
    given = params or {}
    fuzzy = coerce_params(query, params).get("fuzzy") if query.param("fuzzy") else None
    partial = fuzzy is not None and fuzzy.value == "true"
    for p in query.params:
        value = given.get(p.name)
        if p.kind is None or value is None:
            continue
        if isinstance(value, Term):
            text = f"<{value.value}>" if value.kind == "uri" else value.value
        else:
            text = str(value)
        if partial:
            index = name_index(store, p.kind)
            if not contains_name(index, text):
                close = suggest_names(index, text)
                hint = f" — did you mean {', '.join(close)}?" if close else ""
                raise UsageError(f"no {KINDS[p.kind][1]} name contains {text}{hint}")
        else:
            check_name(store, p.kind, text)  # several (one per region) are fine: the query matches names
