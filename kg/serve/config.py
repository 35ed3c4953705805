"""The settings of ``kg serve``: its limits and defaults, the :class:`ServerConfig` of a
running server, the :class:`RequestError` its handlers raise, and content negotiation
(:func:`negotiate`: mimeparse picks the media type, pyoxigraph names the format)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import mimeparse
import pyoxigraph as ox

from .sparql_worker import GRAPH_FORMATS, RESULT_FORMATS

__all__ = [
    "DEFAULT_TIMEOUT", "DEFAULT_MAX_ROWS", "MAX_REQUEST_BYTES", "MAX_URL_BYTES", "MAX_HEADER_BYTES",
    "MAX_HEADERS", "H11_MAX_HEAD_BYTES", "MAX_CONNECTIONS", "KEEP_ALIVE_SECONDS", "LOOPBACK_NAMES",
    "FORMAT_NAMES", "RequestError", "ServerConfig", "negotiate",
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

class RequestError(Exception):
    """An HTTP error answer: status and a one-line message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}



@dataclass
class ServerConfig:
    """What the app of a server needs: the build folder, the limits, the names it answers
    to, and the user's query folders (``kg serve --queries DIR``)."""

    out: Path
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    quiet: bool = False
    allowed_hosts: frozenset[str] = field(default_factory=lambda: frozenset(LOOPBACK_NAMES))
    query_dirs: tuple[Path, ...] = ()


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


