"""Result formatters of ``kg query``: table, CSV, TSV, JSON, RDF; display helpers."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse

from rich.cells import cell_len, chop_cells

from kg.errors import UsageError
from kg.labels import has_label, label
from kg.namespaces import QUERY_PREFIXES
from kg.store import QueryResult, Term, to_oxigraph

from .library import CannedQuery

__all__ = [
    "FORMATS", "PREFIXES", "GRAPH_FORMATS", "display_width", "compact_iri", "display_value", "format_table",
    "format_csv", "format_tsv", "format_json", "format_graph", "with_headers", "format_result",
]

FORMATS = ("table", "csv", "tsv", "json")
PREFIXES = QUERY_PREFIXES  # declared for every query run

def display_width(text: str) -> int:
    """Columns taken on a terminal: East Asian wide and fullwidth characters count 2,
    combining marks 0 (rich's cell widths, as the workload tables measure them)."""
    return cell_len(text)


def _truncate(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    head = chop_cells(text, width - 1)[0] if width > 1 else ""
    if cell_len(head) > width - 1:  # one wide character where one column is left
        head = ""
    return head + "…"


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
    """The result as people read it: its variables renamed to the query's column headers
    (``单位 unit``), and the values of the columns its ``# labels:`` line names (vocabulary
    keys such as ``GovernmentDepartment`` or ``lead``) shown by their Chinese label
    (``政府部门``, ``牵头``: :mod:`kg.labels`, one vocabulary for every output)."""
    if query is None or result.kind != "select":
        return result
    kinds = dict(query.vocabulary)
    if not query.headers and not kinds:
        return result
    rows = result.rows
    if kinds:
        relabel = [kinds.get(v) for v in result.variables]
        rows = [[_labelled(t, k) if k else t for t, k in zip(row, relabel, strict=True)] for row in rows]
    return QueryResult(result.kind, [query.header_of(v) for v in result.variables], rows)


def _labelled(t: Term | None, kind: str) -> Term | None:
    """A vocabulary key's Chinese label (the key itself when the vocabulary has none)."""
    if t is None or t.kind != "literal" or not has_label(kind, t.value):
        return t
    return Term("literal", label(kind, t.value))


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
