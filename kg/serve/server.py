"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a build folder.

A thin ASGI app (Starlette, served by uvicorn) over kg's store:

* ``/sparql`` answers ``GET ?query=…`` and ``POST`` (``application/x-www-form-urlencoded``
  with ``query=…``, or ``application/sparql-query``). SELECT/ASK results are SPARQL JSON
  (default), XML, CSV or TSV by the ``Accept`` header (or ``format=json|xml|csv|tsv|html``);
  CONSTRUCT/DESCRIBE results are Turtle (default), N-Triples, RDF/XML, JSON-LD or N3.
  Results are written by pyoxigraph's serialisers. ``default-graph-uri`` and
  ``named-graph-uri`` are honoured, then a ``FROM`` / ``FROM NAMED`` of the query itself;
  without either the default graph is the union of every named graph.
* Read-only: ``update=``, ``application/sparql-update`` and update text sent as a query
  are refused with 403; PUT/DELETE/PATCH with 405. A query with a ``SERVICE`` clause is
  refused with 400 (the server makes no outgoing requests), and so is one nested deeper
  than :data:`kg.store.sparql_lexer.MAX_NESTING`.
* Every query runs in a worker *process* (:mod:`kg.serve.sparql_worker`) holding the store
  read-only. A query still running after ``timeout`` seconds is stopped by killing its
  worker (the only way to stop a runaway query inside the store); a fresh worker takes
  its place, and so does one that crashed. Results over ``max_rows`` rows (or triples)
  are refused with 413.
* When the build folder is rebuilt under a running server, the next request sees it and
  every worker is replaced: all answers come from the same store, the newest.
* ``/`` is a query page listing the canned queries (``queries/*.rq``); ``/?name=NAME``
  fills the form with one of them (only canned names, or a ``.rq`` of ``OUT/queries/``).
* Browser SPARQL tools may query from other origins (CORS, with an ``OPTIONS``
  preflight). The ``Host`` header must name the address the server listens on (or a
  loopback name, or an ``allowed_hosts`` name), which stops DNS rebinding.

Status codes: 200; 400 bad request, invalid SPARQL (one line with line and column),
unknown format, SERVICE or too deep; 403 update refused; 404; 405; 413 too large
(request or result); 414 URL over 64 KB; 415; 431 headers too large; 503 timed out or
busy.
"""

from __future__ import annotations

import logging
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import mimeparse
import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import UsageError
from ..store import StoreError, sparql_lexer
from .sparql_worker import GRAPH_FORMATS, RESULT_FORMATS

__all__ = [
    "KgServer",
    "ServerConfig",
    "WorkerPool",
    "create_app",
    "make_server",
    "serve",
    "negotiate",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_ROWS",
]

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10_000
MAX_REQUEST_BYTES = 1_000_000  # a POST body
MAX_URL_BYTES = 65_536  # path and query string: 414 beyond
MAX_HEADER_BYTES = 65_536  # all header lines together: 431 beyond
MAX_HEADERS = 100  # 431 beyond
# uvicorn (h11) refuses a request head over this size with 400 before kg sees it
H11_MAX_HEAD_BYTES = 1 << 20
MAX_CONNECTIONS = 200  # uvicorn answers 503 beyond
KEEP_ALIVE_SECONDS = 5  # an idle connection is closed after this

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
_log = logging.getLogger("kg.serve.server")


class RequestError(Exception):
    """An HTTP error answer: status and a one-line message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# ---------------------------------------------------------------------------------------
# content negotiation: mimeparse picks the media type, pyoxigraph names the format

# Ties (and */*) go to the last entry, so each list ends with its default.
_RESULT_MEDIA = [
    "text/html", "text/tab-separated-values", "text/csv", "application/xml", "text/xml",
    "application/sparql-results+xml", "text/javascript", "application/javascript",
    "application/json", "application/sparql-results+json",
]
_GRAPH_MEDIA = [
    "text/html", "text/n3", "application/ld+json", "application/json", "application/xml",
    "application/rdf+xml", "text/plain", "application/n-triples", "application/x-turtle",
    "application/turtle", "text/turtle",
]
_RESULT_BY_FORMAT = {f: name for name, f in RESULT_FORMATS.items()}
_GRAPH_BY_FORMAT = {f: name for name, f in GRAPH_FORMATS.items()}
_FORMAT_ALIASES = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml", "json-ld": "jsonld", "text": "tsv"}
FORMAT_NAMES = ("html", *RESULT_FORMATS, *GRAPH_FORMATS)


def _best_media(accept: str | None, supported: list[str]) -> str:
    try:
        return mimeparse.best_match(supported, accept or "*/*") or ""
    except (mimeparse.MimeTypeParseException, ValueError):
        return ""  # an unreadable Accept header: the default


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> str:
    """The output format for a result ``kind`` (``results`` or ``graph``): a key of
    :data:`kg.serve.sparql_worker.RESULT_FORMATS` / ``GRAPH_FORMATS``, or ``html``.

    An explicit ``fmt`` wins (an unknown one is a 400); otherwise the best supported type
    in ``accept``; otherwise the default (JSON results, Turtle graphs): a client asking
    only for types that do not fit the query form still gets an answer it can read.

    >>> negotiate("results", "text/csv;q=0.5, application/sparql-results+xml")
    'xml'
    >>> negotiate("graph", "application/sparql-results+json")
    'turtle'
    """
    if fmt:
        f = _FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if f not in FORMAT_NAMES:
            raise RequestError(400, f"unknown format {fmt!r} (choose from {', '.join(FORMAT_NAMES)})")
        if f == "html":
            return f
        if kind == "graph":
            return f if f in GRAPH_FORMATS else {"json": "jsonld", "xml": "rdfxml"}.get(f, "turtle")
        return f if f in RESULT_FORMATS else "json"
    if kind == "graph":
        media = _best_media(accept, _GRAPH_MEDIA)
        if media == "text/html":
            return "html"
        rdf = ox.RdfFormat.from_media_type(media) if media else None
        return _GRAPH_BY_FORMAT.get(rdf, "turtle") if rdf else "turtle"
    media = _best_media(accept, _RESULT_MEDIA)
    if media == "text/html":
        return "html"
    res = ox.QueryResultsFormat.from_media_type(media) if media else None
    return _RESULT_BY_FORMAT.get(res, "json") if res else "json"  # text/javascript: JSON


# ---------------------------------------------------------------------------------------
# worker processes


def _store_identity(out: Path) -> tuple[int, ...] | None:
    """What changes when ``out`` is rebuilt: the store folder (a new one each build), or
    the N-Quads file a store-less build is loaded from; None while neither is there."""
    for p in (out / "store", out / "graph.nq"):
        try:
            st = p.stat()
        except OSError:
            continue
        return (st.st_dev, st.st_ino, st.st_mtime_ns if p.is_file() else 0)
    return None


class _Worker:
    """One ``python -m kg.serve.sparql_worker`` process and its connection."""

    def __init__(self, out: Path, generation: int) -> None:
        parent, child = socket.socketpair()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kg.serve.sparql_worker", str(child.fileno()), str(out)],
                pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL,
            )
        finally:
            child.close()
        self.conn = Connection(parent.detach())
        self.generation = generation

    def wait_ready(self, timeout: float) -> str | None:
        """None when ready, else why not."""
        try:
            if not self.conn.poll(timeout):
                return "the query worker did not start in time"
            msg = self.conn.recv()
        except (EOFError, OSError):
            return "the query worker stopped while starting"
        return None if msg[0] == "ready" else str(msg[1])

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        finally:
            self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.proc.wait(2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.proc.kill()
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                pass
        self.conn.close()


class WorkerPool:
    """Worker processes, each with the store open read-only.

    A worker that times out or crashes is killed and replaced. When the build folder is
    rebuilt (its store is a new folder), every worker is replaced before the next query
    runs, so that all of them answer from the same, newest store.
    """

    def __init__(self, out: Path, size: int = 2, start_timeout: float = 120.0) -> None:
        self.out = Path(out)
        self.size = max(1, size)
        self.start_timeout = start_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0
        self.generation = 0
        self._identity = _store_identity(self.out)
        workers = [self._new() for _ in range(self.size)]
        for w in workers:
            why = w.wait_ready(start_timeout)
            if why is not None:
                self.close()
                raise StoreError(why)
            self._idle.put(w)

    def _new(self) -> _Worker:
        w = _Worker(self.out, self.generation)
        with self._lock:
            self._all.add(w)
        return w

    def _forget(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)

    def _replace(self, w: _Worker, killed: bool = True) -> None:
        """Stop ``w`` and start a worker in its place (in the background, retrying)."""
        if killed:
            w.kill()
            self.killed += 1
        else:
            w.stop()
        self._forget(w)
        if self._closed:
            return

        def start() -> None:
            delay = 0.5
            while not self._closed:
                nw = self._new()
                why = nw.wait_ready(self.start_timeout)
                if why is None and not self._closed:
                    self._idle.put(nw)
                    return
                nw.kill()
                self._forget(nw)
                if why is not None:
                    _log.warning("kg serve: %s; trying again in %.1f s", why, delay)
                time.sleep(delay)
                delay = min(delay * 2, 10.0)

        threading.Thread(target=start, daemon=True, name="kg-sparql-respawn").start()

    def _check_rebuilt(self) -> None:
        ident = _store_identity(self.out)
        with self._lock:
            if ident is None or ident == self._identity:
                return
            self._identity = ident
            self.generation += 1
        _log.warning("kg serve: %s was rebuilt; restarting the query workers", self.out)
        while True:  # idle workers of the old store go now, busy ones when they finish
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            self._replace(w, killed=False)

    def run(self, job: dict[str, Any], timeout: float) -> tuple[Any, ...]:
        """Run ``job`` in a worker: the worker's reply, or ``("err", status, message)``."""
        self._check_rebuilt()
        deadline = time.monotonic() + timeout
        while True:
            try:
                w = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return ("err", 503, f"server busy: no query worker became free within {timeout:g} s; try again")
            if w.generation == self.generation:
                break
            self._replace(w, killed=False)  # it holds the store of before a rebuild
        try:
            w.conn.send(job)
        except (OSError, ValueError):
            self._replace(w)
            return ("err", 500, "the query worker had stopped; try again")
        if w.conn.poll(max(0.0, deadline - time.monotonic())):
            try:
                reply = w.conn.recv()
            except (EOFError, OSError):
                self._replace(w)
                return ("err", 500, "the query worker stopped while running the query (it crashed or ran out of memory)")
            if w.generation == self.generation:
                self._idle.put(w)
            else:
                self._replace(w, killed=False)
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
# the app


@dataclass
class ServerConfig:
    out: Path
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    quiet: bool = False
    allowed_hosts: frozenset[str] = field(default_factory=lambda: frozenset(LOOPBACK_NAMES))


_pages = Environment(
    loader=PackageLoader("kg.serve", "server_pages"), autoescape=select_autoescape(["html"]), keep_trailing_newline=True
)

_DEFAULT_QUERY = """PREFIX kg: <https://w3id.org/govkg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?unit (COUNT(DISTINCT ?t) AS ?lead)
WHERE { ?t a kg:Task ; kg:lead ?u . ?u skos:prefLabel ?unit . }
GROUP BY ?unit
ORDER BY DESC(?lead)
LIMIT 20
"""


def _canned(out: Path) -> dict[str, Any]:
    """The queries ``/?name=`` may show: the canned ones, and the ``.rq`` files of
    ``OUT/queries/``, by name. Nothing else is ever read."""
    from kg.queries import list_queries

    found: dict[str, Any] = {}
    for directory in (None, out / "queries"):
        if directory is not None and not directory.is_dir():
            continue
        try:
            for q in list_queries(directory):
                found.setdefault(q.name, q)
        except Exception as exc:  # a broken .rq must not take the page down
            _log.warning("kg serve: cannot list the queries of %s: %s", directory or "kg", exc)
    return found


def _page(config: ServerConfig, status: int = 200, query: str | None = None, error: str | None = None,
          result: tuple[str, bytes] | None = None) -> Response:
    """The query page: the form, an error or a result (escaped), the canned queries."""
    from kg.queries import display_value

    from ..store import _ox_term

    table = None
    boolean = None
    graph_text = None
    if result is not None:
        fmt, body = result
        if fmt == "json":
            parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            if isinstance(parsed, ox.QueryBoolean):
                boolean = bool(parsed)
            else:
                names = [v.value for v in parsed.variables]
                rows = [[display_value(_ox_term(s[i])) if s[i] is not None else "" for i in range(len(names))] for s in parsed]
                table = (names, rows)
        else:
            graph_text = body.decode("utf-8")
    canned = sorted(_canned(config.out).values(), key=lambda q: q.name)
    html = _pages.get_template("index.html").render(
        query=query or _DEFAULT_QUERY, error=error, table=table, boolean=boolean, graph_text=graph_text,
        canned=[(q, "/?" + urllib.parse.urlencode({"name": q.name}),
                 ", ".join(f"{p.name} = {p.default_text}" for p in q.params)) for q in canned],
        formats=("html", "json", "xml", "csv", "tsv", "turtle"),
    )
    return Response(html, status, media_type="text/html; charset=utf-8", headers=_NO_STORE)


_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _error(exc: RequestError) -> Response:
    return PlainTextResponse(exc.message + "\n", exc.status, headers={**_NO_STORE, **exc.headers})


async def _read_body(request: Request) -> bytes:
    length = request.headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit():
            raise RequestError(400, f"bad Content-Length {length!r}")
        if int(length) > MAX_REQUEST_BYTES:
            raise RequestError(413, f"request too large: {int(length)} bytes (limit {MAX_REQUEST_BYTES})")
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            raise RequestError(413, f"request too large: over {MAX_REQUEST_BYTES} bytes")
        parts.append(chunk)
    return b"".join(parts)


def _params(query_string: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(query_string, keep_blank_values=True)


_READ_ONLY = "this endpoint is read-only: SPARQL Update is refused"
_ALLOW = {"Allow": "GET, HEAD, POST, OPTIONS"}


def create_app(config: ServerConfig, pool: WorkerPool) -> Starlette:
    """The ASGI app of ``kg serve`` over a started :class:`WorkerPool`."""

    async def index(request: Request) -> Response:
        name = request.query_params.get("name")
        if not name:
            return _page(config)
        q = _canned(config.out).get(name.removesuffix(".rq"))
        if q is None:
            return _page(config, 404, error=f"no canned query named {name!r}; the list is below")
        from kg.queries import with_defaults_inlined

        return _page(config, query=with_defaults_inlined(q))

    async def queries_json(request: Request) -> Response:
        from kg.queries import with_defaults_inlined

        doc = [
            {"name": q.name, "question": q.question, "params": {p.name: p.default_text for p in q.params},
             "columns": list(q.columns), "query": with_defaults_inlined(q)}
            for q in sorted(_canned(config.out).values(), key=lambda q: q.name)
        ]
        return JSONResponse(doc, headers=_NO_STORE)

    async def sparql(request: Request) -> Response:
        method = request.method
        if method == "OPTIONS":
            return Response(status_code=204, headers=_ALLOW)
        if method not in ("GET", "HEAD", "POST"):
            return _error(RequestError(405, "this endpoint is read-only", _ALLOW))
        want_html = False
        text = ""
        try:
            params = _params(request.url.query)
            body_query: str | None = None
            if method == "POST":
                ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
                if ctype == "application/sparql-update":
                    raise RequestError(403, _READ_ONLY)
                body = await _read_body(request)
                if ctype == "application/x-www-form-urlencoded":
                    for k, v in _params(body.decode("utf-8", "replace")).items():
                        params.setdefault(k, []).extend(v)
                elif ctype == "application/sparql-query":
                    if "query" in params:
                        raise RequestError(400, "give the query in the body or in the URL, not both")
                    body_query = body.decode("utf-8", "replace")
                else:
                    raise RequestError(415, f"unsupported Content-Type {ctype!r}: use application/sparql-query or application/x-www-form-urlencoded")
            if "update" in params:
                raise RequestError(403, _READ_ONLY)
            if body_query is None:
                if "query" not in params:
                    if "text/html" in request.headers.get("accept", ""):
                        return RedirectResponse("/", 303)
                    raise RequestError(400, "missing the query parameter: GET /sparql?query=…")
                if len(params["query"]) != 1:
                    raise RequestError(400, "give exactly one query parameter")
                text = params["query"][0]
            else:
                text = body_query
            formats = params.get("format") or params.get("output") or []
            fmt = formats[0] if formats else None
            if not text.strip():
                raise RequestError(400, "empty query")
            facts = sparql_lexer.analyze(text)
            if facts.update:
                raise RequestError(403, "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR …) is refused")
            kind = "graph" if facts.form in ("CONSTRUCT", "DESCRIBE") else "results"
            chosen = negotiate(kind, request.headers.get("accept"), fmt)  # an unknown format: 400 now
            want_html = chosen == "html"
            if facts.depth > sparql_lexer.MAX_NESTING:
                raise RequestError(400, f"query nested {facts.depth} deep: more than {sparql_lexer.MAX_NESTING} nested levels are refused")
            if facts.service:
                raise RequestError(400, "SERVICE (federated query) is refused: this endpoint sends no requests to other servers")
            job: dict[str, Any] = {
                "query": text,
                "format": ("json" if kind == "results" else "turtle") if want_html else chosen,
                "max_rows": config.max_rows,
                "default_graphs": params.get("default-graph-uri", []),
                "named_graphs": params.get("named-graph-uri", []),
            }
            reply = await run_in_threadpool(pool.run, job, config.timeout)
            if reply[0] == "err":
                raise RequestError(reply[1], reply[2])
            _, media, payload, count = reply
            if want_html:
                return _page(config, query=text, result=(job["format"], payload))
            if "charset" not in media:
                media += "; charset=utf-8"
            return Response(payload, 200, media_type=media, headers={**_NO_STORE, "X-KG-Result-Count": str(count)})
        except RequestError as exc:
            if want_html:
                return _page(config, exc.status, query=text, error=exc.message)
            return _error(exc)

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(RequestError(404, f"not found: {request.url.path} (the endpoint is /sparql)"))

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        return _error(RequestError(405, "this endpoint is read-only", {"Allow": "GET, HEAD"}))

    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/index.html", index, methods=["GET", "HEAD"]),
        Route("/queries.json", queries_json, methods=["GET", "HEAD"]),
        Route("/sparql", sparql, methods=["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]),
    ]
    middleware = [
        Middleware(_RequestLimits, allowed_hosts=config.allowed_hosts),  # type: ignore[arg-type]
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],  # type: ignore[arg-type]
                   allow_headers=["*"], expose_headers=["X-KG-Result-Count"], max_age=600),
    ]
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={404: not_found, 405: method_not_allowed})


def _host_name(host: str) -> str:
    """``[::1]:8000`` → ``::1``; ``Example.org:80`` → ``example.org``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class _RequestLimits:
    """Refuse before routing: a URL over 64 KB (414), too many or too large headers (431),
    and a ``Host`` that is not this server (400: a DNS-rebinding page names its own host)."""

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str]) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem: RequestError | None = None
        headers = scope["headers"]
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > MAX_URL_BYTES:
            problem = RequestError(414, f"URL too long (limit {MAX_URL_BYTES} bytes): POST the query instead")
        elif len(headers) > MAX_HEADERS or sum(len(k) + len(v) + 4 for k, v in headers) > MAX_HEADER_BYTES:
            problem = RequestError(431, f"request headers too large (at most {MAX_HEADERS} headers, {MAX_HEADER_BYTES} bytes)")
        else:
            host = next((v.decode("latin-1") for k, v in headers if k == b"host"), None)
            # no Host at all (an HTTP/1.0 client) is not a browser on a rebound name
            if host is not None and "*" not in self.allowed_hosts and _host_name(host) not in self.allowed_hosts:
                problem = RequestError(400, f"unknown Host {host!r}: this server answers to {', '.join(sorted(self.allowed_hosts))}")
        if problem is None:
            await self.app(scope, receive, send)
            return
        await _error(problem)(scope, receive, send)


# ---------------------------------------------------------------------------------------
# the server


def _allowed_hosts(host: str, extra: Iterable[str]) -> frozenset[str]:
    names = {*LOOPBACK_NAMES, _host_name(host) if not host.startswith("[") else host.strip("[]").lower(), host.lower()}
    if host in ("0.0.0.0", "::", ""):  # every address of this machine
        hostname = socket.gethostname()
        names |= {hostname.lower(), socket.getfqdn().lower()}
        try:
            names |= {str(info[4][0]).lower() for info in socket.getaddrinfo(hostname, None)}
        except OSError:
            pass
    names |= {_host_name(h) for h in extra if h}
    return frozenset(n for n in names if n)


class KgServer:
    """A bound socket, a started worker pool and the app; :func:`serve` runs it."""

    def __init__(self, sock: socket.socket, config: ServerConfig, pool: WorkerPool) -> None:
        import uvicorn

        self.socket = sock
        self.config = config
        self.pool = pool
        self.app = create_app(config, pool)
        self.uvicorn = uvicorn.Server(uvicorn.Config(
            self.app, http="h11", ws="none", lifespan="off", proxy_headers=False, server_header=False,
            access_log=not config.quiet, log_level="warning" if config.quiet else "info",
            limit_concurrency=MAX_CONNECTIONS, timeout_keep_alive=KEEP_ALIVE_SECONDS,
            h11_max_incomplete_event_size=H11_MAX_HEAD_BYTES,
        ))

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/sparql"

    def close(self) -> None:
        self.pool.close()
        self.socket.close()


def _bind(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.set_inheritable(True)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    return sock


def make_server(
    out: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    workers: int = 2,
    quiet: bool = False,
    allowed_hosts: Iterable[str] = (),
) -> KgServer:
    """A ready server (socket bound, workers started); run it with :func:`serve`.

    ``allowed_hosts`` adds names a client may use in its ``Host`` header (a DNS name of
    this machine, say) to the loopback names and ``host``; ``"*"`` allows any.
    """
    from ..layout import graph_nquads

    out = Path(out)
    graph_nquads(out)  # raises the UsageError when it is not a build folder
    if timeout <= 0:
        raise UsageError("--timeout must be positive")
    if max_rows <= 0:
        raise UsageError("--max-rows must be positive")
    sock = _bind(host, port)
    try:
        pool = WorkerPool(out, workers)
    except BaseException:
        sock.close()
        raise
    config = ServerConfig(out, timeout, max_rows, quiet, _allowed_hosts(host, allowed_hosts))
    return KgServer(sock, config, pool)


def serve(server: KgServer) -> None:
    """Serve until SIGINT or SIGTERM, then stop the workers.

    uvicorn finishes the requests under way and then raises the signal again; both
    signals end here as :class:`KeyboardInterrupt`, after the workers are stopped.
    """
    import signal

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        server.uvicorn.run(sockets=[server.socket])
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()

