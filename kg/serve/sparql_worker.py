"""The query worker of ``kg serve``: a separate Python process that holds the store open
read-only and runs one query at a time.

:class:`kg.serve.server.WorkerPool` starts it as ``python -m kg.serve.sparql_worker FD OUT`` (a fresh
interpreter that imports only kg: the caller's script is never run again, and no process
is forked from a server that has threads). Jobs and replies are dicts and tuples over a
:class:`multiprocessing.connection.Connection` on the socket ``FD``. A query that runs
past the server's timeout, or crashes the process, costs only this process.

Results are written by pyoxigraph's own serialisers. The row limit is enforced while
serialising: rows go out as SPARQL TSV (one line per row) or N-Triples (one line per
triple) into a buffer that stops at ``max_rows``; within the limit they are read back and
written in the format asked for.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

__all__ = ["execute", "RESULT_FORMATS", "GRAPH_FORMATS", "main"]

# format name → pyoxigraph format; the media types come from the format itself
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "n3": ox.RdfFormat.N3,
}


class _TooLarge(Exception):
    pass


class _LineCappedBuffer:
    """A binary writer that keeps what it is given and stops past ``max_lines`` lines."""

    def __init__(self, max_lines: int) -> None:
        self.parts: list[bytes] = []
        self.lines = 0
        self.max_lines = max_lines
        self.overflow = False

    def write(self, data: bytes) -> int:
        self.lines += data.count(b"\n")
        if self.lines > self.max_lines:
            self.overflow = True
            raise _TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _capped(res: Any, fmt: Any, max_lines: int) -> bytes | None:
    """``res`` serialised in ``fmt``, or None when it has more than ``max_lines`` lines."""
    buf = _LineCappedBuffer(max_lines)
    try:
        res.serialize(buf, format=fmt)
    except Exception:
        if buf.overflow:
            return None
        raise
    return buf.getvalue()


def execute(store: Any, job: Mapping[str, Any]) -> tuple[Any, ...]:
    """Run one job: ``("ok", media_type, body, count)`` or ``("err", status, message)``.

    ``store`` is a :class:`kg.store.OxigraphStore`. ``job`` holds ``query``, ``format``
    (a key of :data:`RESULT_FORMATS` or :data:`GRAPH_FORMATS` for the query's kind),
    ``max_rows``, and the protocol's ``default_graphs`` / ``named_graphs``.
    """
    from kg.queries import PREFIXES, check_query_text, describe_syntax_error

    from ..errors import QueryError

    text = job["query"]
    try:  # the server checked already; a worker never runs what kg refuses
        check_query_text(text)
    except QueryError as exc:
        return ("err", 403 if "Update" in str(exc) else 400, str(exc))
    kwargs: dict[str, Any] = {}
    try:
        if job.get("default_graphs"):
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"]]
        else:
            kwargs.update(store.query_options(text))
        if job.get("named_graphs"):
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    except ValueError as exc:
        return ("err", 400, f"bad graph IRI: {_one_line(exc)}")
    max_rows = int(job["max_rows"])
    try:
        res = store.raw.query(text, **kwargs)
    except SyntaxError as exc:
        return ("err", 400, describe_syntax_error(str(exc)))
    except ValueError as exc:
        return ("err", 400, f"bad request: {_one_line(exc)}")
    fmt_name = job["format"]
    try:
        if isinstance(res, ox.QueryBoolean):
            fmt = RESULT_FORMATS[fmt_name]
            return ("ok", fmt.media_type, res.serialize(format=fmt), 1)
        if isinstance(res, ox.QuerySolutions):
            fmt = RESULT_FORMATS[fmt_name]
            tsv = _capped(res, ox.QueryResultsFormat.TSV, max_rows + 1)  # + the header line
            if tsv is None:
                return ("err", 413, f"result too large: more than {max_rows} rows (the server's limit); add LIMIT or narrow the query")
            count = tsv.count(b"\n") - 1
            if fmt != ox.QueryResultsFormat.TSV:
                tsv = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt)  # type: ignore[union-attr]
            return ("ok", fmt.media_type, tsv, count)
        rdf = GRAPH_FORMATS[fmt_name]
        nt = _capped(res, ox.RdfFormat.N_TRIPLES, max_rows)
        if nt is None:
            return ("err", 413, f"result too large: more than {max_rows} triples (the server's limit); add LIMIT or narrow the query")
        count = nt.count(b"\n")
        if rdf != ox.RdfFormat.N_TRIPLES:
            options = {"prefixes": PREFIXES} if rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else {}
            nt = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=rdf, **options) or b""
        return ("ok", rdf.media_type, nt, count)
    except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
        return ("err", 500, f"query failed: {_one_line(exc)}")


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - runs in the worker process
    """``python -m kg.serve.sparql_worker FD OUT``: answer jobs on socket ``FD`` until EOF."""
    args = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    conn = Connection(int(args[0]))
    try:
        from ..store import OxigraphStore, open_store

        store = open_store(Path(args[1]))
        if not isinstance(store, OxigraphStore):
            raise TypeError("not an Oxigraph store")
    except Exception as exc:  # tell the server why the store cannot be opened, then stop
        conn.send(("failed", str(exc) if getattr(exc, "exit_code", None) else f"{args[1]}: cannot open the store ({_one_line(exc)})"))
        return
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            reply = execute(store, job)
        except Exception as exc:
            reply = ("err", 500, f"query failed: {_one_line(exc)}")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


if __name__ == "__main__":  # pragma: no cover
    main()
