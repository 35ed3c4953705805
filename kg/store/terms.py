"""The backend-independent part of a store: plain RDF :class:`Term` values, the
:class:`QueryResult` every backend answers with, the :class:`Store` protocol, and the
binding of query parameters as RDF terms (a ``VALUES`` clause, never text pasted in)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import KgError, UsageError
from ..namespaces import XSD_NS
from . import sparql_lexer

__all__ = [
    "XSD", "StoreError", "one_line", "Term", "term_from_python", "QueryResult", "Store",
    "bind_with_values",
]

XSD = XSD_NS


class StoreError(KgError):
    """The on-disk store cannot be read (damaged, or not a store): an I/O problem, exit 1."""


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


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
        return [None if (t := row[i]) is None else t.python for row in self.rows]


class Store(Protocol):
    name: str

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> QueryResult: ...

    def close(self) -> None: ...


_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def bind_with_values(sparql: str, bindings: Mapping[str, Term]) -> str:
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
