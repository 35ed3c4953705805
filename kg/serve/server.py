"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a build folder.

A thin ASGI app (Starlette, served by uvicorn) over kg's store; the modules: :mod:`~kg.serve.config`
(limits, settings, content negotiation), :mod:`~kg.serve.workers` (the worker pool),
:mod:`~kg.serve.app` (routes), :mod:`~kg.serve.pages` and :mod:`~kg.serve.entities` (pages),
and this one (the socket, uvicorn, :func:`make_server`, :func:`serve`).


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
* ``/workbench`` is YASGUI (vendored, offline: ``kg/serve/static/yasgui/``) with the
  canned queries as tabs, their parameters as fields, tables, a bar chart and downloads;
  IRIs of units and tasks open their page (``/unit/…``, ``/task/…``). ``/`` is the query
  form without script; ``/?name=NAME`` fills it with a canned query (kg's, a ``.rq`` of
  ``OUT/queries/`` or of a ``--queries`` folder; nothing else is read).
* ``/report/`` serves the build's report and views, read-only (not the store or the
  cache, nothing outside the build folder).
* Browser SPARQL tools may query from other origins (CORS, with an ``OPTIONS``
  preflight). The ``Host`` header must name the address the server listens on (or a
  loopback name, or an ``allowed_hosts`` name), which stops DNS rebinding.

Status codes: 200; 400 bad request, invalid SPARQL (one line with line and column),
unknown format, SERVICE or too deep; 403 update refused; 404; 405; 413 too large
(request or result); 414 URL over 64 KB; 415; 431 headers too large; 503 timed out or
busy.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from pathlib import Path

from ..errors import UsageError
from .app import create_app, host_name
from .config import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    H11_MAX_HEAD_BYTES,
    KEEP_ALIVE_SECONDS,
    LOOPBACK_NAMES,
    MAX_CONNECTIONS,
    RequestError,
    ServerConfig,
    negotiate,
)
from .workers import WorkerPool

__all__ = [
    "KgServer",
    "ServerConfig",
    "WorkerPool",
    "RequestError",
    "create_app",
    "make_server",
    "serve",
    "negotiate",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_ROWS",
]


def _allowed_hosts(host: str, extra: Iterable[str]) -> frozenset[str]:
    names = {*LOOPBACK_NAMES, host_name(host) if not host.startswith("[") else host.strip("[]").lower(), host.lower()}
    if host in ("0.0.0.0", "::", ""):  # every address of this machine
        hostname = socket.gethostname()
        names |= {hostname.lower(), socket.getfqdn().lower()}
        try:
            names |= {str(info[4][0]).lower() for info in socket.getaddrinfo(hostname, None)}
        except OSError:
            pass
    names |= {host_name(h) for h in extra if h}
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
    query_dirs: Iterable[str | Path] = (),
) -> KgServer:
    """A ready server (socket bound, workers started); run it with :func:`serve`.

    ``allowed_hosts`` adds names a client may use in its ``Host`` header (a DNS name of
    this machine, say) to the loopback names and ``host``; ``"*"`` allows any.
    ``query_dirs`` are folders of ``.rq`` files the pages list beside kg's own.
    """
    from ..layout import graph_nquads

    out = Path(out)
    graph_nquads(out)  # raises the UsageError when it is not a build folder
    if timeout <= 0:
        raise UsageError("--timeout must be positive")
    if max_rows <= 0:
        raise UsageError("--max-rows must be positive")
    dirs = tuple(Path(d) for d in query_dirs)
    for d in dirs:
        if not d.is_dir():
            raise UsageError(f"--queries {d}: no such folder")
    sock = _bind(host, port)
    try:
        pool = WorkerPool(out, workers)
    except BaseException:
        sock.close()
        raise
    config = ServerConfig(out, timeout, max_rows, quiet, _allowed_hosts(host, allowed_hosts), dirs)
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

