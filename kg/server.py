"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a build folder.

* ``/sparql`` answers ``GET ?query=…`` and ``POST`` (``application/x-www-form-urlencoded``
  with ``query=…``, or ``application/sparql-query``). SELECT/ASK results are SPARQL JSON
  (default), XML, CSV or TSV by the ``Accept`` header (or ``format=json|xml|csv|tsv|html``);
  CONSTRUCT/DESCRIBE results are Turtle (default), N-Triples, RDF/XML or JSON-LD.
  ``default-graph-uri`` and ``named-graph-uri`` are honoured; without them the default
  graph is the union of every named graph (one per document, one per region gazetteer).
* Read-only: ``update=``, ``application/sparql-update`` and update text sent as a query
  are refused with 403; PUT/DELETE/PATCH with 405.
* Every query runs in a worker *process* holding the store read-only. A query that is
  still running after ``timeout`` seconds is stopped by killing its worker (the only way
  to stop a runaway query inside the store, e.g. a cartesian product); a fresh worker
  takes its place. Results over ``max_rows`` rows (or triples) are refused with 413.
* ``/`` is a small query page listing the canned queries (``queries/*.rq``).

Status codes: 200; 400 bad request or invalid SPARQL (one line with line and column);
403 update refused; 404; 405; 413 too large (request or result); 415; 503 timed out
or busy.
"""

from __future__ import annotations

import html
import json
import multiprocessing as mp
import queue
import signal
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = [
    "KgSparqlServer",
    "WorkerPool",
    "make_server",
    "serve",
    "negotiate",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_ROWS",
]

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10_000
MAX_REQUEST_BYTES = 1_000_000

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "html": "text/html",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "html": "text/html",
}
_ACCEPT_RESULTS = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/javascript": "json",
    "application/javascript": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
}
_ACCEPT_GRAPH = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "text/n3": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "text/html": "html",
}
_FORMAT_ALIASES = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml", "json-ld": "jsonld", "text": "tsv"}


class RequestError(Exception):
    """An HTTP error answer: status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _parse_accept(accept: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values, then order)."""
    items = []
    for i, part in enumerate((accept or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            items.append((-q, i, media))
    return [m for _, _, m in sorted(items)]


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> str:
    """The output format for a result ``kind`` (``select``/``ask``/``graph``).

    An explicit ``fmt`` wins; otherwise the best supported type in ``accept``; otherwise
    the default (JSON results, Turtle graphs) — a client asking only for types that do
    not fit the query form still gets an answer it can read.

    >>> negotiate("select", "text/csv;q=0.5, application/sparql-results+xml")
    'xml'
    >>> negotiate("graph", "application/sparql-results+json")
    'turtle'
    """
    table, allowed, default = (
        (_ACCEPT_GRAPH, GRAPH_TYPES, "turtle") if kind == "graph" else (_ACCEPT_RESULTS, RESULT_TYPES, "json")
    )
    if fmt:
        f = _FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if f in allowed:
            return f
        if kind == "graph" and f in ("json", "xml"):
            return {"json": "jsonld", "xml": "rdfxml"}[f]
        if kind != "graph" and f in GRAPH_TYPES:
            return default
        raise RequestError(400, f"unknown format {fmt!r} (choose from {', '.join(allowed)})")
    for media in _parse_accept(accept):
        if media in table:
            return table[media]
    return default


# ---------------------------------------------------------------------------------------
# worker processes


def _execute(store: Any, job: dict[str, Any]) -> tuple[Any, ...]:
    """Run one job in a worker: ``("ok", content_type, body, count)`` or ``("err", status, message)``."""
    import pyoxigraph as ox

    from kg.queries import (
        describe_syntax_error,
        format_csv,
        format_graph,
        format_json,
        format_tsv,
        format_xml,
    )

    from .store import QueryResult, _ox_term

    kwargs: dict[str, Any] = {}
    if job.get("default_graphs"):
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"]]
    elif job.get("union", True):
        # a store whose default graph already holds the union must not be asked for the
        # union again (slower, and a triple would match once more)
        kwargs["use_default_graph_as_union"] = True
    if job.get("named_graphs"):
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    max_rows = int(job["max_rows"])
    try:
        res = store.query(job["query"], **kwargs)
    except SyntaxError as exc:
        return ("err", 400, describe_syntax_error(str(exc)))
    except ValueError as exc:
        return ("err", 400, f"bad request: {exc}")
    try:
        if isinstance(res, bool | ox.QueryBoolean):
            result = QueryResult("ask", boolean=bool(res))
        elif isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            rows = []
            for sol in res:
                if len(rows) >= max_rows:
                    return ("err", 413, f"result too large: more than {max_rows} rows (the server's limit); add LIMIT or narrow the query")
                rows.append(tuple(_ox_term(sol[i]) if sol[i] is not None else None for i in range(len(variables))))
            result = QueryResult("select", variables, rows)
        else:
            triples = []
            for t in res:
                if len(triples) >= max_rows:
                    return ("err", 413, f"result too large: more than {max_rows} triples (the server's limit); add LIMIT or narrow the query")
                triples.append((_ox_term(t.subject), _ox_term(t.predicate), _ox_term(t.object)))
            result = QueryResult("graph", triples=triples)
    except (OSError, RuntimeError, TypeError) as exc:
        return ("err", 500, f"query failed: {' '.join(str(exc).split())}")
    fmt = negotiate(result.kind, job.get("accept"), job.get("format"))
    if fmt == "html":
        fmt = "json"
    if result.kind == "graph":
        body = format_graph(result, fmt)
        ctype = GRAPH_TYPES[fmt]
        count = len(result.triples)
    else:
        if fmt == "json":
            body = format_json(result, indent=None)
        elif fmt == "xml":
            body = format_xml(result)
        elif fmt == "csv":
            body = format_csv(result, lineterminator="\r\n")
        else:
            body = format_tsv(result, rdf_terms=True)
        ctype = RESULT_TYPES[fmt]
        count = len(result.rows) if result.kind == "select" else 1
    return ("ok", f"{ctype}; charset=utf-8", body.encode("utf-8"), count, result.kind)


def _worker_main(conn: Any, out: str) -> None:  # pragma: no cover - runs in a child process
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from .store import open_store

        kg_store = open_store(Path(out))
        store = kg_store.raw  # type: ignore[attr-defined]
    except Exception as exc:  # report why the store cannot be opened, then stop
        conn.send(("failed", f"{out}: cannot open the store ({' '.join(str(exc).split())})"))
        return
    union = not kg_store.union_materialized  # type: ignore[attr-defined]
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        job.setdefault("union", union)
        try:
            reply = _execute(store, job)
        except Exception as exc:
            reply = ("err", 500, f"query failed: {' '.join(str(exc).split())}")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, ctx: Any, out: Path) -> None:
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, str(out)), daemon=True, name="kg-sparql-worker")
        self.proc.start()
        child.close()
        self.conn = parent

    def wait_ready(self, timeout: float) -> str | None:
        """None when ready, else why not."""
        if not self.conn.poll(timeout):
            return "the query worker did not start in time"
        try:
            msg = self.conn.recv()
        except (EOFError, OSError):
            return "the query worker stopped while starting"
        return None if msg[0] == "ready" else str(msg[1])

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.join(5)
        finally:
            self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(2)
        self.conn.close()


class WorkerPool:
    """Worker processes, each with the store open read-only; a timed-out worker is killed."""

    def __init__(self, out: Path, size: int = 2, start_timeout: float = 120.0) -> None:
        self.out = Path(out)
        self.size = max(1, size)
        self.start_timeout = start_timeout
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0
        workers = [self._new() for _ in range(self.size)]
        for w in workers:
            why = w.wait_ready(start_timeout)
            if why is not None:
                self.close()
                from .errors import UsageError

                raise UsageError(why)
            self._idle.put(w)

    def _new(self) -> _Worker:
        w = _Worker(self._ctx, self.out)
        with self._lock:
            self._all.add(w)
        return w

    def _forget(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)

    def _replace(self, w: _Worker) -> None:
        w.kill()
        self._forget(w)
        self.killed += 1
        if self._closed:
            return

        def start() -> None:
            nw = self._new()
            if nw.wait_ready(self.start_timeout) is None and not self._closed:
                self._idle.put(nw)
            else:
                nw.kill()
                self._forget(nw)

        threading.Thread(target=start, daemon=True, name="kg-sparql-respawn").start()

    def run(self, job: dict[str, Any], timeout: float) -> tuple[Any, ...]:
        deadline = time.monotonic() + timeout
        try:
            w = self._idle.get(timeout=timeout)
        except queue.Empty:
            return ("err", 503, f"server busy: no query worker became free within {timeout:g} s; try again")
        try:
            w.conn.send(job)
        except (OSError, ValueError):
            self._replace(w)
            return ("err", 500, "the query worker had stopped; try again")
        remaining = max(0.0, deadline - time.monotonic())
        if w.conn.poll(remaining):
            try:
                reply = w.conn.recv()
            except (EOFError, OSError):
                self._replace(w)
                return ("err", 500, "the query worker stopped while running the query (out of memory?)")
            self._idle.put(w)
            return reply
        self._replace(w)
        return ("err", 503, f"query timed out after {timeout:g} s and was stopped (the server's --timeout)")

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.stop()


# ---------------------------------------------------------------------------------------
# HTTP


@dataclass
class ServerConfig:
    out: Path
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    quiet: bool = False


class KgSparqlServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], config: ServerConfig, pool: WorkerPool) -> None:
        self.config = config
        self.pool = pool
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/sparql"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def _canned() -> list[Any]:
    from kg.queries import list_queries

    try:
        return list_queries()
    except Exception:  # a broken .rq must not take the page down
        return []


class _Handler(BaseHTTPRequestHandler):
    server: KgSparqlServer
    server_version = "kg-sparql/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if not self.server.config.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    # -- responses -------------------------------------------------------------------

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, extra: dict[str, str] | None = None) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", extra)

    # -- methods ---------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        try:
            url = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            if url.path in ("/", "/index.html"):
                self._page(params)
            elif url.path == "/sparql":
                if "query" not in params and "update" not in params:
                    if "text/html" in (self.headers.get("Accept") or ""):
                        self._send(303, b"", "text/plain", {"Location": "/"})
                        return
                    raise RequestError(400, "missing the query parameter: GET /sparql?query=…")
                self._sparql(params, None)
            elif url.path == "/queries.json":
                self._queries_json()
            else:
                raise RequestError(404, f"not found: {url.path} (the endpoint is /sparql)")
        except RequestError as exc:
            self._error(exc.status, exc.message)

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        try:
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/sparql":
                raise RequestError(404, f"not found: {url.path} (the endpoint is /sparql)")
            params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_REQUEST_BYTES:
                raise RequestError(413, f"request too large: {length} bytes (limit {MAX_REQUEST_BYTES})")
            body = self.rfile.read(length) if length > 0 else b""
            ctype = self.headers.get_content_type()
            if ctype == "application/sparql-update":
                raise RequestError(403, "this endpoint is read-only: SPARQL Update is refused")
            if ctype == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
                self._sparql(params, None)
            elif ctype == "application/sparql-query":
                if "query" in params:
                    raise RequestError(400, "give the query in the body or in the URL, not both")
                self._sparql(params, body.decode("utf-8", "replace"))
            else:
                raise RequestError(
                    415,
                    f"unsupported Content-Type {ctype!r}: use application/sparql-query or application/x-www-form-urlencoded",
                )
        except RequestError as exc:
            self._error(exc.status, exc.message)

    def _read_only(self) -> None:
        self._error(405, "this endpoint is read-only", {"Allow": "GET, HEAD, POST"})

    do_PUT = do_DELETE = do_PATCH = _read_only  # noqa: N815

    # -- SPARQL ------------------------------------------------------------------------

    def _sparql(self, params: dict[str, list[str]], body_query: str | None) -> None:
        from kg.queries import is_update

        if "update" in params:
            raise RequestError(403, "this endpoint is read-only: SPARQL Update is refused")
        if body_query is None:
            queries = params.get("query", [])
            if len(queries) != 1:
                raise RequestError(400, "give exactly one query parameter")
            text = queries[0]
        else:
            text = body_query
        if not text.strip():
            raise RequestError(400, "empty query")
        if is_update(text):
            raise RequestError(403, "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR …) is refused")
        fmt = (params.get("format") or params.get("output") or [None])[0]
        accept = self.headers.get("Accept")
        want_html = fmt == "html" or (not fmt and _parse_accept(accept)[:1] == ["text/html"])
        cfg = self.server.config
        job = {
            "query": text,
            "accept": accept,
            "format": None if want_html else fmt,
            "max_rows": cfg.max_rows,
            "default_graphs": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
        }
        if want_html:  # JSON for a table, Turtle for a graph; rendered as HTML here
            job["format"], job["accept"] = None, "application/sparql-results+json, text/turtle"
        reply = self.server.pool.run(job, cfg.timeout)
        if reply[0] == "err":
            if want_html:
                self._send(reply[1], _page_html(text, error=reply[2]).encode("utf-8"), "text/html; charset=utf-8")
                return
            raise RequestError(reply[1], reply[2])
        _, ctype, body, count, kind = reply
        if want_html:
            page = _page_html(text, result_json=body if kind != "graph" else None,
                              graph_text=body.decode("utf-8") if kind == "graph" else None)
            self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")
            return
        self._send(200, body, ctype, {"X-KG-Result-Count": str(count)})

    # -- pages -------------------------------------------------------------------------

    def _page(self, params: dict[str, list[str]]) -> None:
        from kg.queries import resolve_query, with_defaults_inlined

        text = None
        name = (params.get("name") or [None])[0]
        if name:
            try:
                text = with_defaults_inlined(resolve_query(name))
            except Exception as exc:
                self._send(404, _page_html(None, error=str(exc)).encode("utf-8"), "text/html; charset=utf-8")
                return
        self._send(200, _page_html(text).encode("utf-8"), "text/html; charset=utf-8")

    def _queries_json(self) -> None:
        from kg.queries import with_defaults_inlined

        doc = [
            {
                "name": q.name,
                "question": q.question,
                "params": {p.name: p.default_text for p in q.params},
                "columns": list(q.columns),
                "query": with_defaults_inlined(q),
            }
            for q in _canned()
        ]
        self._send(200, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"), "application/json; charset=utf-8")


_DEFAULT_QUERY = """PREFIX kg: <https://w3id.org/govkg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?unit (COUNT(DISTINCT ?t) AS ?lead)
WHERE { ?t a kg:Task ; kg:lead ?u . ?u skos:prefLabel ?unit . }
GROUP BY ?unit
ORDER BY DESC(?lead)
LIMIT 20
"""

_CSS = """body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:1.5em;max-width:1200px}
textarea{width:100%;font-family:monospace;font-size:13px}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.err{color:#a00;white-space:pre-wrap}.q{color:#555}dt{margin-top:.4em}code{background:#f6f6f6}"""


def _page_html(
    query: str | None, error: str | None = None, result_json: bytes | None = None, graph_text: str | None = None
) -> str:
    """The query page: a form, the result (escaped) and the canned queries."""
    from kg.queries import display_value
    from kg.store import _json_result

    e = html.escape
    parts = [
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>kg SPARQL</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>kg SPARQL endpoint</h1>",
        "<p>Read-only SPARQL 1.1 endpoint at <code>/sparql</code> (GET or POST). ",
        "Results as JSON, XML, CSV or TSV by <code>Accept</code>; CONSTRUCT as Turtle.</p>",
        "<form method='get' action='/sparql'>",
        f"<textarea name='query' rows='16'>{e(query or _DEFAULT_QUERY)}</textarea><br>",
        "<label>Format <select name='format'>",
        "".join(f"<option value='{f}'{' selected' if f == 'html' else ''}>{f}</option>" for f in ("html", "json", "xml", "csv", "tsv", "turtle")),
        "</select></label> <button type='submit'>Run</button></form>",
    ]
    if error:
        parts.append(f"<p class='err'>Error: {e(error)}</p>")
    if result_json is not None:
        res = _json_result(json.loads(result_json))
        if res.kind == "ask":
            parts.append(f"<p>Answer: <b>{'true' if res.boolean else 'false'}</b></p>")
        else:
            parts.append(f"<p>{len(res.rows)} rows</p><table><tr>")
            parts.append("".join(f"<th>{e(v)}</th>" for v in res.variables) + "</tr>")
            for row in res.rows:
                parts.append("<tr>" + "".join(f"<td>{e(display_value(t))}</td>" for t in row) + "</tr>")
            parts.append("</table>")
    if graph_text is not None:
        parts.append(f"<pre>{e(graph_text)}</pre>")
    parts.append("<h2>Canned queries</h2><dl>")
    for q in _canned():
        params = ", ".join(f"{p.name} = {p.default_text}" for p in q.params)
        link = "/?name=" + urllib.parse.quote(q.name)
        parts.append(
            f"<dt><a href='{e(link)}'><code>{e(q.name)}</code></a></dt><dd>{e(q.question)}"
            + (f" <span class='q'>({e(params)})</span>" if params else "")
            + "</dd>"
        )
    parts.append("</dl><p class='q'>The same queries run from a shell: <code>kg query NAME --param name=value</code>.</p>")
    parts.append("</body></html>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------


def make_server(
    out: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    workers: int = 2,
    quiet: bool = False,
) -> KgSparqlServer:
    """A ready server (workers started, socket bound); call ``serve_forever()``."""
    from .errors import UsageError
    from .outputs import graph_nquads

    out = Path(out)
    graph_nquads(out)  # raises the UsageError when it is not a build folder
    if timeout <= 0:
        raise UsageError("--timeout must be positive")
    if max_rows <= 0:
        raise UsageError("--max-rows must be positive")
    pool = WorkerPool(out, workers)
    try:
        return KgSparqlServer((host, port), ServerConfig(out, timeout, max_rows, quiet), pool)
    except OSError as exc:
        pool.close()
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None


def serve(server: KgSparqlServer) -> None:
    """Serve until interrupted, then stop the workers."""
    try:
        server.serve_forever()
    finally:
        server.server_close()
