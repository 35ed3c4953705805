"""The ASGI app of ``kg serve`` (Starlette): its routes and the middleware that checks
every request before routing.

Routes: ``/sparql`` (the SPARQL 1.1 Protocol), ``/`` (the query form without script),
``/workbench`` (YASGUI), ``/queries.json`` and ``/queries/NAME.rq`` (the canned queries,
parameters bound), ``/unit/…``, ``/group/…``, ``/task/…`` (a page per IRI),
``/report/…`` (the build's report and views) and ``/static/…`` (the workbench's files).
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from kg.queries import CannedQuery, with_defaults_inlined
from kg.queries.names import check_name, index_from_rows, names_query

from ..errors import UsageError
from ..namespaces import ID_NS, QUERY_PREFIXES
from ..store import sparql_lexer
from .config import (
    MAX_HEADER_BYTES,
    MAX_HEADERS,
    MAX_REQUEST_BYTES,
    MAX_URL_BYTES,
    RequestError,
    ServerConfig,
    negotiate,
)
from .entities import entity_iri, entity_queries, entity_view, workload_fields
from .pages import (
    DEFAULT_QUERY,
    NO_STORE,
    PAGES,
    canned_queries,
    error_response,
    html_response,
    query_page,
    report_file,
)
from .workers import WorkerPool

__all__ = ["create_app", "host_name", "STATIC_DIR"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
_READ_ONLY = "this endpoint is read-only: SPARQL Update is refused"
_ALLOW = {"Allow": "GET, HEAD, POST, OPTIONS"}


def _config(request: Request) -> ServerConfig:
    config: ServerConfig = request.app.state.config
    return config


async def _run(request: Request, job: dict[str, Any]) -> tuple[Any, ...]:
    """Run ``job`` in a worker; a worker's error answer is raised as a :class:`RequestError`."""
    config = _config(request)
    pool: WorkerPool = request.app.state.pool
    reply = await run_in_threadpool(pool.run, {"max_rows": config.max_rows, **job}, config.timeout)
    if reply[0] == "err":
        raise RequestError(reply[1], reply[2])
    return reply


# ---------------------------------------------------------------------------------------
# pages


async def index(request: Request) -> Response:
    config = _config(request)
    name = request.query_params.get("name")
    if not name:
        return query_page(config)
    q = canned_queries(config).get(name.removesuffix(".rq"))
    if q is None:
        return query_page(config, 404, error=f"no canned query named {name!r}; the list is below")
    return query_page(config, query=with_defaults_inlined(q))


async def workbench(request: Request) -> Response:
    """YASGUI over ``/sparql``: the page loads ``/queries.json`` and opens the canned
    queries as tabs (``kg/serve/static/workbench.js``)."""
    return html_response(PAGES.get_template("workbench.html").render(
        id_ns=ID_NS, prefixes=json.dumps(QUERY_PREFIXES, sort_keys=True), default_query=DEFAULT_QUERY))


async def queries_json(request: Request) -> Response:
    """The canned queries for the workbench: name, question, parameters (default and
    description), columns, and the text with the defaults bound."""
    doc = [
        {"name": q.name, "question": q.question, "notes": q.notes,
         "params": {p.name: p.default_text for p in q.params},
         "param_help": {p.name: p.description for p in q.params},
         "columns": list(q.columns), "query": with_defaults_inlined(q)}
        for q in canned_queries(_config(request)).values()
    ]
    return JSONResponse(doc, headers=NO_STORE)


async def bound_query(request: Request) -> Response:
    """``/queries/NAME.rq?PARAM=VALUE…``: the canned query's text with the parameters bound
    (a VALUES block), as ``kg query NAME --param PARAM=VALUE`` would run it."""
    name = request.path_params["name"]
    q = canned_queries(_config(request)).get(name)
    if q is None:
        raise RequestError(404, f"no canned query named {name!r}; /queries.json lists them")
    params = dict(request.query_params)
    try:
        text = with_defaults_inlined(q, params)
        await _check_names(request, q, params)
    except UsageError as exc:
        raise RequestError(400, str(exc)) from None
    return PlainTextResponse(text, headers=NO_STORE, media_type="application/sparql-query; charset=utf-8")


async def _check_names(request: Request, q: CannedQuery, params: dict[str, str]) -> None:
    """A value given for a parameter with a kind (``unit``, ``group``, ``metric``) must name
    one, as ``kg query`` checks: else a :class:`UsageError` with "did you mean" (the names
    are read by a query worker; a fuzzy query, ``fuzzy=true``, is not checked here)."""
    if params.get("fuzzy", "").strip().lower() == "true":
        return
    for p in q.params:
        value = params.get(p.name)
        if p.kind is None or value is None:
            continue
        _, _, body, _ = await _run(request, {"query": names_query(p.kind), "format": "json"})
        rows = [
            (b["x"]["value"], b["name"]["value"], b.get("pref", {}).get("value") == "true")
            for b in json.loads(body)["results"]["bindings"]
            if b.get("x", {}).get("type") == "uri" and "name" in b
        ]
        check_name(None, p.kind, value, index_from_rows(p.kind, rows))


async def entity(request: Request) -> Response:
    """The page of a unit, group or task (:mod:`kg.serve.entities`)."""
    kind = request.url.path.split("/", 2)[1]
    raw = request.scope.get("raw_path") or request.url.path.encode()
    rest = raw.decode("latin-1").split("?", 1)[0].split("/", 2)[2]
    iri = entity_iri(kind, rest)
    facts, table = entity_queries(kind, iri)
    _, _, facts_body, _ = await _run(request, {"query": facts, "format": "json"})
    _, _, table_body, _ = await _run(request, {"query": table, "format": "json"})
    view = entity_view(kind, iri, facts_body, table_body)
    if view is None:
        raise RequestError(404, f"the graph holds no {kind} {iri}")
    if kind == "unit":
        view["fields"] += workload_fields(_config(request).out, iri)
    return html_response(PAGES.get_template("entity.html").render(**view))


async def report(request: Request) -> Response:
    rel = request.path_params.get("path", "")
    if request.url.path == "/report":
        return RedirectResponse("/report/", 308)
    return report_file(_config(request).out, rel)


# ---------------------------------------------------------------------------------------
# the SPARQL protocol


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


async def _protocol_query(request: Request) -> tuple[str, dict[str, list[str]]] | None:
    """The query text and the parameters of a protocol request (URL, form body or
    ``application/sparql-query`` body); None for a browser that asked for no query."""
    params = _params(request.url.query)
    if request.method == "POST":
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
            if "update" in params:
                raise RequestError(403, _READ_ONLY)
            return body.decode("utf-8", "replace"), params
        else:
            raise RequestError(415, f"unsupported Content-Type {ctype!r}: use application/sparql-query or application/x-www-form-urlencoded")
    if "update" in params:
        raise RequestError(403, _READ_ONLY)
    if "query" not in params:
        if "text/html" in request.headers.get("accept", ""):
            return None
        raise RequestError(400, "missing the query parameter: GET /sparql?query=…")
    if len(params["query"]) != 1:
        raise RequestError(400, "give exactly one query parameter")
    return params["query"][0], params


def _checked(text: str) -> sparql_lexer.QueryFacts:
    """What the lexer knows of the query, once it is no update."""
    if not text.strip():
        raise RequestError(400, "empty query")
    facts = sparql_lexer.analyze(text)
    if facts.update:
        raise RequestError(403, "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR …) is refused")
    return facts


def _refuse_unsafe(facts: sparql_lexer.QueryFacts) -> None:
    if facts.depth > sparql_lexer.MAX_NESTING:
        raise RequestError(400, f"query nested {facts.depth} deep: more than {sparql_lexer.MAX_NESTING} nested levels are refused")
    if facts.service:
        raise RequestError(400, "SERVICE (federated query) is refused: this endpoint sends no requests to other servers")


async def sparql(request: Request) -> Response:
    """``/sparql``: the SPARQL 1.1 Protocol, read-only (see :mod:`kg.serve.server`)."""
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=_ALLOW)
    if request.method not in ("GET", "HEAD", "POST"):
        return error_response(RequestError(405, "this endpoint is read-only", _ALLOW))
    config = _config(request)
    want_html = False
    text = ""
    try:
        found = await _protocol_query(request)
        if found is None:
            return RedirectResponse("/", 303)
        text, params = found
        formats = params.get("format") or params.get("output") or []
        facts = _checked(text)
        kind = "graph" if facts.form in ("CONSTRUCT", "DESCRIBE") else "results"
        chosen = negotiate(kind, request.headers.get("accept"), formats[0] if formats else None)  # unknown: 400 now
        want_html = chosen == "html"
        _refuse_unsafe(facts)
        job: dict[str, Any] = {
            "query": text,
            "format": ("json" if kind == "results" else "turtle") if want_html else chosen,
            "default_graphs": params.get("default-graph-uri", []),
            "named_graphs": params.get("named-graph-uri", []),
        }
        _, media, payload, count = await _run(request, job)
        if want_html:
            return query_page(config, query=text, result=(job["format"], payload))
        if "charset" not in media:
            media += "; charset=utf-8"
        return Response(payload, 200, media_type=media, headers={**NO_STORE, "X-KG-Result-Count": str(count)})
    except RequestError as exc:
        if want_html:
            return query_page(config, exc.status, query=text, error=exc.message)
        return error_response(exc)


# ---------------------------------------------------------------------------------------
# the app


async def _request_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestError)
    return error_response(exc)


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(RequestError(404, f"not found: {request.url.path} (the endpoint is /sparql)"))


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    return error_response(RequestError(405, "this endpoint is read-only", {"Allow": "GET, HEAD"}))


def create_app(config: ServerConfig, pool: WorkerPool) -> Starlette:
    """The ASGI app of ``kg serve`` over a started :class:`WorkerPool`."""
    read = ["GET", "HEAD"]
    routes = [
        Route("/", index, methods=read),
        Route("/index.html", index, methods=read),
        Route("/workbench", workbench, methods=read),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=read),
        Route("/queries.json", queries_json, methods=read),
        Route("/queries/{name:str}.rq", bound_query, methods=read),
        *(Route(f"/{kind}/{{rest:path}}", entity, methods=read) for kind in ("unit", "group", "task")),
        Route("/report", report, methods=read),
        Route("/report/{path:path}", report, methods=read),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        Route("/sparql", sparql, methods=["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]),
    ]
    middleware = [
        Middleware(_RequestLimits, allowed_hosts=config.allowed_hosts),  # type: ignore[arg-type]
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],  # type: ignore[arg-type]
                   allow_headers=["*"], expose_headers=["X-KG-Result-Count"], max_age=600),
    ]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={
        RequestError: _request_error, 404: _not_found, 405: _method_not_allowed})
    app.state.config = config
    app.state.pool = pool
    return app


def host_name(host: str) -> str:
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
            if host is not None and "*" not in self.allowed_hosts and host_name(host) not in self.allowed_hosts:
                problem = RequestError(400, f"unknown Host {host!r}: this server answers to {', '.join(sorted(self.allowed_hosts))}")
        if problem is None:
            await self.app(scope, receive, send)
            return
        await error_response(problem)(scope, receive, send)
