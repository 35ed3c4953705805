"""The HTML and plain answers of ``kg serve``: the query form (``/``), the workbench
(``/workbench``), the canned queries (kg's own, ``OUT/queries/`` and ``--queries DIR``),
error answers, and the files of the build's report (``/report/``)."""

from __future__ import annotations

import logging
import urllib.parse
from pathlib import Path, PurePosixPath
from typing import Any

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import FileResponse, PlainTextResponse, Response

from kg.queries import CannedQuery, display_value, list_queries

from ..store import _ox_term
from .config import RequestError, ServerConfig

__all__ = [
    "NO_STORE", "PAGES", "canned_queries", "error_response", "query_page", "html_response", "report_file",
    "REPORT_HIDDEN", "DEFAULT_QUERY",
]

_log = logging.getLogger("kg.serve.server")

NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
PAGES = Environment(
    loader=PackageLoader("kg.serve", "server_pages"), autoescape=select_autoescape(["html"]), keep_trailing_newline=True
)

DEFAULT_QUERY = """PREFIX kg: <https://w3id.org/govkg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?unit (COUNT(DISTINCT ?t) AS ?lead)
WHERE { ?t a kg:Task ; kg:lead ?u . ?u skos:prefLabel ?unit . }
GROUP BY ?unit
ORDER BY DESC(?lead)
LIMIT 20
"""


def canned_queries(config: ServerConfig) -> dict[str, CannedQuery]:
    """The queries the pages may show, by name: kg's canned ones, the ``.rq`` files of
    ``OUT/queries/`` and of each ``--queries DIR`` (the first of a name wins). Nothing else
    is ever read."""
    found: dict[str, CannedQuery] = {}
    for directory in (None, config.out / "queries", *config.query_dirs):
        if directory is not None and not directory.is_dir():
            continue
        try:
            for q in list_queries(directory):
                found.setdefault(q.name, q)
        except Exception as exc:  # a broken .rq must not take the page down
            _log.warning("kg serve: cannot list the queries of %s: %s", directory or "kg", exc)
    return dict(sorted(found.items()))


def html_response(html: str, status: int = 200) -> Response:
    return Response(html, status, media_type="text/html; charset=utf-8", headers=NO_STORE)


def error_response(exc: RequestError) -> Response:
    return PlainTextResponse(exc.message + "\n", exc.status, headers={**NO_STORE, **exc.headers})


def _result_view(result: tuple[str, bytes]) -> dict[str, Any]:
    """A worker's answer as the query page shows it: a table, a boolean or graph text."""
    fmt, body = result
    if fmt != "json":
        return {"graph_text": body.decode("utf-8")}
    parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return {"boolean": bool(parsed)}
    names = [v.value for v in parsed.variables]
    rows = [[display_value(_ox_term(s[i])) if s[i] is not None else "" for i in range(len(names))] for s in parsed]
    return {"table": (names, rows)}


def query_page(config: ServerConfig, status: int = 200, query: str | None = None, error: str | None = None,
               result: tuple[str, bytes] | None = None) -> Response:
    """The query form without script: the form, an error or a result (escaped), the canned
    queries."""
    view: dict[str, Any] = {"table": None, "boolean": None, "graph_text": None}
    if result is not None:
        view.update(_result_view(result))
    canned = canned_queries(config).values()
    html = PAGES.get_template("index.html").render(
        query=query or DEFAULT_QUERY, error=error, **view,
        canned=[(q, "/?" + urllib.parse.urlencode({"name": q.name}),
                 ", ".join(f"{p.name} = {p.default_text}" for p in q.params)) for q in canned],
        formats=("html", "json", "xml", "csv", "tsv", "turtle"),
    )
    return html_response(html, status)


# ---------------------------------------------------------------------------------------
# the build's report and views

# folders of a build that are no page: the store and the build cache
REPORT_HIDDEN = frozenset({"store", "cache"})


def report_file(out: Path, rel: str) -> FileResponse:
    """The file ``rel`` of the build folder (``index.html`` for a folder), read-only.

    Refused with 404: a path with ``..``, a hidden part or a backslash, the store and the
    cache, and anything that resolves (through a symlink) outside the build folder.
    """
    missing = RequestError(404, f"not found in the build's report: /report/{rel}")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    parts = PurePosixPath(rel).parts
    if "\\" in rel or "\0" in rel or not parts or parts[0] in REPORT_HIDDEN or rel.startswith("/"):
        raise missing
    if any(p in ("..", ".") or p.startswith(".") for p in parts):
        raise missing
    root = out.resolve()
    target = (root / rel).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise missing
    media = "text/html; charset=utf-8" if target.suffix == ".html" else None
    return FileResponse(target, media_type=media, headers=NO_STORE)
