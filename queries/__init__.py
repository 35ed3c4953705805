"""The canned query library (``queries/*.rq``) and the result formatters.

Imported as ``kg.queries``: this folder *is* that package (see ``pyproject.toml``), so the
``.rq`` files and the code that reads them ship together whether kg is installed
editable or not.

Every ``.rq`` file starts with a header of comment lines::

    # question: Which units share tasks with a given unit, and how often?
    # param unit = "区发改委" -- the unit (name as in the gazetteer, or an alias)
    # param min_shared = 1 -- keep partners with at least this many shared tasks
    # param unit (unit) = "区发改委" -- a parameter that names a unit
    # columns: 合作单位 partner, type, shared, partner_leads, partner_co_leads, tasks

A column may carry a label before its variable name (``合作单位 partner``): the table, CSV,
TSV and xlsx outputs of ``kg query`` show ``合作单位 partner`` as its header
(:meth:`CannedQuery.header_of`); JSON keeps the variable names.

A parameter may declare a *kind* in parentheses after its name: ``(unit)``, ``(group)`` or
``(metric)``. A value given for it must then be a label or alias of that kind in the graph,
matched exactly; otherwise :func:`run_query` raises :class:`~kg.errors.UsageError`
``no unit named 区科技 — did you mean 区科技局?`` (:mod:`kg.queries.names`). When the query
also has a boolean parameter ``fuzzy`` set to true, the value need only be part of a name.
Defaults are not checked (a query runs as is on any build).

Other comment lines of the header are notes on how to read the answer.

A parameter is a SPARQL variable of the query. Its default is written as an RDF term
(``"text"``, ``"text"@zh``, ``42``, ``0.5``, ``true``, ``<https://…>``) and is bound when
no value is given, so every file runs as is. Values are bound as RDF terms through
:meth:`kg.store.Store.query` (never pasted into the text) and take the default's type:
``--param min_shared=3`` is an integer because the default ``1`` is.

Formatters for ``kg query``: :func:`format_table` (aligned, CJK double width),
:func:`format_csv` (plain values), :func:`format_tsv` (plain values, tabs and newlines
escaped), :func:`format_json` (SPARQL 1.1 Query Results JSON) and :func:`format_graph`
(Turtle or N-Triples for CONSTRUCT/DESCRIBE). ``kg serve`` writes its results with
pyoxigraph's serialisers instead (:mod:`kg.serve.sparql_worker`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.errors import QueryError, UsageError
from kg.namespaces import QUERY_PREFIXES
from kg.store import XSD, QueryResult, Store, Term, sparql_lexer, term_from_python, to_oxigraph

from .names import KINDS, contains_name, name_index, resolve_name, suggest_names

__all__ = [
    "QUERY_DIR",
    "INTERNAL_DIR",
    "internal_query",
    "Param",
    "CannedQuery",
    "list_queries",
    "load_query",
    "resolve_query",
    "parse_header",
    "parse_term",
    "coerce_params",
    "check_syntax",
    "check_query_text",
    "describe_syntax_error",
    "is_update",
    "compact_iri",
    "run_query",
    "check_names",
    "resolve_name",
    "with_defaults_inlined",
    "display_value",
    "display_width",
    "format_table",
    "format_csv",
    "format_tsv",
    "format_json",
    "format_graph",
    "format_result",
    "with_headers",
    "FORMATS",
]

QUERY_DIR = Path(__file__).resolve().parent
# the queries kg runs itself (workload, responsibility matrix, views): not canned queries,
# not listed by `kg queries`; syntax-checked by the tests like the canned ones
INTERNAL_DIR = QUERY_DIR / "internal"
FORMATS = ("table", "csv", "tsv", "json")

PREFIXES = QUERY_PREFIXES  # declared for every query run


# ---------------------------------------------------------------------------------------
# the library


@dataclass(frozen=True)
class Param:
    """A query parameter: a variable of the query, its default term and what it means."""

    name: str
    default: Term
    description: str = ""
    kind: str | None = None  # unit / group / metric: the value names one (kg.queries.names)

    @property
    def default_text(self) -> str:
        return self.default.value if self.default.kind == "literal" else f"<{self.default.value}>"


@dataclass(frozen=True)
class CannedQuery:
    """A query with its header: ``name`` is the file stem (or ``"inline"``)."""

    name: str
    text: str
    question: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    path: Path | None = None
    notes: str = ""
    headers: tuple[str, ...] = ()

    def header_of(self, variable: str) -> str:
        """The column header of ``variable``: ``单位 unit`` when the header line gives a label."""
        return dict(zip(self.columns, self.headers, strict=False)).get(variable, variable)

    @property
    def body(self) -> str:
        """The text with header comment lines blanked (line numbers are kept)."""
        return _blank_header(self.text)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def defaults(self) -> dict[str, Term]:
        return {p.name: p.default for p in self.params}


_HEADER_RE = re.compile(r"^#\s*(question|param|columns)\s*:?\s*(.*)$")
_PARAM_RE = re.compile(r"^(\w+)(?:\s*\((\w+)\))?\s*=\s*(.+?)(?:\s+--\s+(.*))?$")
_INT_RE = re.compile(r"^[+-]?\d+$")
_DEC_RE = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$")
_STRING_RE = re.compile(r'^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<([^>]*)>)?$')


def parse_term(text: str) -> Term:
    """A default as written in a header: ``"s"``, ``"s"@zh``, ``"s"^^<dt>``, ``<iri>``, numbers, booleans.

    >>> parse_term('"区发改委"').value
    '区发改委'
    >>> parse_term("3").datatype.endswith("integer")
    True
    """
    s = text.strip()
    m = _STRING_RE.match(s)
    if m:
        value = json.loads(f'"{m.group(1)}"')
        return Term("literal", value, m.group(3), m.group(2))
    if s.startswith("<") and s.endswith(">"):
        return Term("uri", s[1:-1])
    if _INT_RE.match(s):
        return Term("literal", str(int(s)), XSD + "integer")
    if _DEC_RE.match(s):
        return Term("literal", s, XSD + "decimal")
    if s in ("true", "false"):
        return Term("literal", s, XSD + "boolean")
    raise UsageError(f"cannot read the default {text!r} (write a string in quotes, a number, true/false or <iri>)")


def parse_header(text: str, name: str = "inline", path: Path | None = None) -> CannedQuery:
    """The question, parameters and columns declared in the leading comment lines."""
    question = ""
    notes: list[str] = []
    params: list[Param] = []
    columns: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _HEADER_RE.match(stripped)
        if not m:
            # free text: notes on how to read the answer
            note = stripped.lstrip("#").strip()
            if note:
                notes.append(note)
            continue
        key, rest = m.group(1), m.group(2).strip()
        if key == "question":
            question = rest
        elif key == "columns":
            # "单位 unit, 角色 role": a label before the variable name (its last word)
            headers = tuple(" ".join(c.split()) for c in rest.split(",") if c.strip())
            columns = tuple(h.split()[-1] for h in headers)
        else:
            pm = _PARAM_RE.match(rest)
            if not pm:
                raise UsageError(f"{path or name}: cannot read the parameter line {stripped!r}")
            kind = pm.group(2)
            if kind is not None and kind not in KINDS:
                raise UsageError(f"{path or name}: unknown kind ({kind}) of parameter {pm.group(1)} "
                                 f"(choose from {', '.join(KINDS)})")
            params.append(Param(pm.group(1), parse_term(pm.group(3)), (pm.group(4) or "").strip(), kind))
    return CannedQuery(name, text, question, tuple(params), columns, path, " ".join(notes), headers)


def _blank_header(text: str) -> str:
    lines = text.split("\n")
    out = []
    in_header = True
    for line in lines:
        if in_header and (not line.strip() or line.lstrip().startswith("#")):
            out.append("")
            continue
        in_header = False
        out.append(line)
    return "\n".join(out)


def list_queries(directory: Path | None = None) -> list[CannedQuery]:
    """Every canned query, sorted by name."""
    d = directory or QUERY_DIR
    return [load_query(p) for p in sorted(d.glob("*.rq"))]


@cache
def internal_query(name: str) -> str:
    """The text of ``queries/internal/NAME.rq`` without its header comment lines."""
    text = (INTERNAL_DIR / f"{name}.rq").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines).removesuffix("\n")


def load_query(path: str | Path) -> CannedQuery:
    """A ``.rq`` file with its header."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    return parse_header(text, p.stem, p)


def resolve_query(spec: str, directory: Path | None = None) -> CannedQuery:
    """``spec`` is a canned query name, a ``.rq`` file, or SPARQL text."""
    d = directory or QUERY_DIR
    s = spec.strip()
    if not s:
        raise UsageError("empty query")
    if re.search(r"\s|[{}]", s):
        return parse_header(spec, "inline")
    candidate = Path(s)
    if candidate.suffix == ".rq" or candidate.is_file():
        if not candidate.is_file():
            raise UsageError(f"{s}: no such query file")
        return load_query(candidate)
    canned = d / f"{s}.rq"
    if canned.is_file():
        return load_query(canned)
    names = [q.name for q in list_queries(d)]
    close = [n for n in names if s.lower() in n or n in s.lower()]
    hint = f" (did you mean {', '.join(close)}?)" if close else "; `kg queries` lists them"
    raise UsageError(f"no canned query named {s!r}{hint}")


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
    allow_service: bool = False,
) -> QueryResult:
    """Run a canned query (name, file, :class:`CannedQuery`) or SPARQL text with parameters.

    The text is checked first, so a syntax error names the line and column of what the
    user wrote (not of the text with the bound parameters). ``allow_service`` lets a
    ``SERVICE`` clause through (for a remote endpoint, which decides for itself).
    """
    q = resolve_query(query) if isinstance(query, str) else query
    body = q.body
    check_syntax(body, allow_service)
    bindings = coerce_params(q, params)
    mentioned = sparql_lexer.variables(body)
    unused = [n for n in bindings if n not in mentioned]
    if unused:
        raise UsageError(f"parameter {unused[0]!r} is not a variable of the query")
    check_names(store, q, params)
    return store.query(body, bindings or None)


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
        text = value.value if isinstance(value, Term) else str(value)
        if partial:
            index = name_index(store, p.kind)
            if not contains_name(index, text):
                close = suggest_names(index, text)
                hint = f" — did you mean {', '.join(close)}?" if close else ""
                raise UsageError(f"no {KINDS[p.kind][1]} name contains {text}{hint}")
        else:
            resolve_name(store, p.kind, text)


def with_defaults_inlined(query: CannedQuery, params: Mapping[str, object] | None = None) -> str:
    """The query text with its parameters bound in a VALUES block, runnable by any client."""
    from kg.store import _bind_with_values

    bindings = coerce_params(query, params)
    text = query.text
    if not bindings:
        return text
    return _bind_with_values(text, bindings)


# ---------------------------------------------------------------------------------------
# display


def display_width(text: str) -> int:
    """Columns taken on a terminal: East Asian wide and fullwidth characters count 2."""
    w = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def _truncate(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out, w = [], 0
    for ch in text:
        cw = display_width(ch)
        if w + cw > width - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


def compact_iri(iri: str) -> str:
    """``https://w3id.org/govkg/id/nanjing-gulou/unit/%E5…`` → ``id:nanjing-gulou/unit/区…``."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{urllib.parse.unquote(iri[len(ns):])}"
    return f"<{urllib.parse.unquote(iri)}>"


def display_value(t: Term | None) -> str:
    """A term as a person reads it: literals as their text, IRIs compacted."""
    if t is None:
        return ""
    if t.kind == "uri":
        return compact_iri(t.value)
    if t.kind == "bnode":
        return f"_:{t.value}"
    v = t.python
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if v != int(v) else f"{v:.1f}"
    return str(t.value)


def _numeric(t: Term | None) -> bool:
    return t is not None and t.kind == "literal" and isinstance(t.python, int | float) and not isinstance(t.python, bool)


def format_table(result: QueryResult, max_width: int = 60) -> str:
    """An aligned text table; wide (CJK) characters count double; long cells are cut with …."""
    if result.kind == "ask":
        return "true\n" if result.boolean else "false\n"
    if result.kind == "graph":
        return format_graph(result, "turtle")
    header = list(result.variables)
    cells = [[_truncate(display_value(t).replace("\n", " "), max_width) for t in row] for row in result.rows]
    widths = [display_width(h) for h in header]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], display_width(c))
    right = [
        bool(result.rows) and all(_numeric(row[i]) or row[i] is None for row in result.rows)
        for i in range(len(header))
    ]

    def line(values: list[str]) -> str:
        parts = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - display_width(v))
            parts.append(pad + v if right[i] else v + pad)
        return "  ".join(parts).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in cells)
    n = len(result.rows)
    out.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(out) + "\n"


def _plain(t: Term | None) -> str:
    if t is None:
        return ""
    if t.kind == "bnode":
        return f"_:{t.value}"
    return t.value


def format_csv(result: QueryResult, lineterminator: str = "\n") -> str:
    """SPARQL 1.1 Query Results CSV: a header of variable names, plain values.

    The spec's line ending is CRLF (the server uses it); the CLI writes ``\\n``.
    """
    if result.kind == "ask":
        return f"boolean{lineterminator}{'true' if result.boolean else 'false'}{lineterminator}"
    if result.kind == "graph":
        return _graph_table(result, lambda rows: format_csv(rows, lineterminator))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=lineterminator)
    w.writerow(result.variables)
    for row in result.rows:
        w.writerow([_plain(t) for t in row])
    return buf.getvalue()


def _tsv_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def format_tsv(result: QueryResult) -> str:
    """Tab-separated plain values (tabs and newlines escaped as ``\\t`` ``\\n``)."""
    if result.kind == "ask":
        return "boolean\n" + ("true" if result.boolean else "false") + "\n"
    if result.kind == "graph":
        return _graph_table(result, format_tsv)
    lines = ["\t".join(result.variables)]
    lines += ["\t".join(_tsv_escape(_plain(t)) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _graph_table(result: QueryResult, fmt) -> str:  # type: ignore[no-untyped-def]
    as_rows = QueryResult("select", ["subject", "predicate", "object"], [tuple(t) for t in result.triples])
    return fmt(as_rows)


def format_json(result: QueryResult, indent: int | None = 2) -> str:
    """SPARQL 1.1 Query Results JSON (CONSTRUCT results as JSON-LD-free triples table)."""
    if result.kind == "ask":
        doc: dict[str, object] = {"head": {}, "boolean": bool(result.boolean)}
    elif result.kind == "graph":
        return _graph_table(result, lambda rows: format_json(rows, indent))
    else:
        doc = {
            "head": {"vars": list(result.variables)},
            "results": {
                "bindings": [
                    {v: t.to_json() for v, t in zip(result.variables, row, strict=True) if t is not None}
                    for row in result.rows
                ]
            },
        }
    return json.dumps(doc, ensure_ascii=False, indent=indent) + "\n"


GRAPH_FORMATS = {
    "turtle": ("TURTLE", "text/turtle"),
    "ntriples": ("N_TRIPLES", "application/n-triples"),
    "rdfxml": ("RDF_XML", "application/rdf+xml"),
    "jsonld": ("JSON_LD", "application/ld+json"),
}


def format_graph(result: QueryResult, fmt: str = "turtle") -> str:
    """CONSTRUCT/DESCRIBE triples as Turtle (default), N-Triples, RDF/XML or JSON-LD."""
    import pyoxigraph as ox

    triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in result.triples]
    rdf_format = getattr(ox.RdfFormat, GRAPH_FORMATS[fmt][0])
    kwargs = {"prefixes": PREFIXES} if fmt in ("turtle", "rdfxml") else {}
    data = ox.serialize(triples, format=rdf_format, **kwargs)
    return (data or b"").decode("utf-8")


def with_headers(result: QueryResult, query: CannedQuery | None) -> QueryResult:
    """The result with its variables renamed to the query's column headers (``单位 unit``)."""
    if query is None or result.kind != "select" or not query.headers:
        return result
    return QueryResult(result.kind, [query.header_of(v) for v in result.variables], result.rows)


def format_result(result: QueryResult, fmt: str, query: CannedQuery | None = None) -> str:
    """The CLI's formats: ``table``, ``csv``, ``tsv``, ``json``.

    With ``query``, table, CSV and TSV show its column headers (:func:`with_headers`);
    JSON keeps the variable names (SPARQL 1.1 Query Results JSON).
    """
    if fmt != "json":
        result = with_headers(result, query)
    if fmt == "table":
        return format_table(result)
    if fmt == "csv":
        return format_csv(result)
    if fmt == "tsv":
        return format_tsv(result)
    if fmt == "json":
        return format_json(result)
    raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
