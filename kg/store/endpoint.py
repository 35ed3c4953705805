"""An HTTP client for a SPARQL 1.1 server: the query endpoint, SPARQL Update and the Graph
Store HTTP Protocol, with Basic or Digest authentication.

Used by :class:`kg.store.EndpointStore` (queries) and :mod:`kg.pipeline.push` (writing a
build's graphs to the server).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import KgError, UsageError

__all__ = ["EndpointConfig", "PushError", "SparqlClient"]


class PushError(KgError):
    """The server refused an update or could not be reached."""

    exit_code = 1


@dataclass(frozen=True)
class EndpointConfig:
    """Where and how to talk to a SPARQL server.

    ``query_url`` answers SPARQL queries; ``update_url`` takes SPARQL Update (default:
    the query URL, as on Virtuoso and GraphDB); ``graph_store_url`` switches writes to the
    Graph Store HTTP Protocol. ``user``/``password`` are sent as HTTP Basic, or Digest when
    the server asks for it (Virtuoso's ``/sparql-auth``); they default to the environment
    variables ``KG_SPARQL_USER`` and ``KG_SPARQL_PASSWORD``.
    """

    query_url: str
    update_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 120.0

    @classmethod
    def make(
        cls, query_url: str, update_url: str | None = None, graph_store_url: str | None = None,
        user: str | None = None, password: str | None = None, timeout: float = 120.0,
    ) -> EndpointConfig:
        for u in (query_url, update_url, graph_store_url):
            if u and urllib.parse.urlsplit(u).scheme not in ("http", "https"):
                raise UsageError(f"{u}: not an http(s) URL")
        return cls(
            query_url, update_url, graph_store_url,
            user if user is not None else os.environ.get("KG_SPARQL_USER") or None,
            password if password is not None else os.environ.get("KG_SPARQL_PASSWORD") or None,
            timeout,
        )

    @property
    def write_url(self) -> str:
        return self.graph_store_url or self.update_url or self.query_url

    def state_key(self) -> str:
        """Names the push-state file: one per (write URL, method)."""
        method = "gsp" if self.graph_store_url else "update"
        return hashlib.sha256(f"{method} {self.write_url}".encode()).hexdigest()[:16]


class SparqlClient:
    """Minimal SPARQL 1.1 Protocol / Graph Store Protocol client on urllib (no extra deps)."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self._opener = urllib.request.build_opener()
        self._basic: str | None = None
        self._digest: urllib.request.HTTPDigestAuthHandler | None = None
        self._digest_urls: set[str] = set()  # endpoints that answered Basic with a Digest challenge
        if config.user is not None:
            token = base64.b64encode(f"{config.user}:{config.password or ''}".encode()).decode()
            self._basic = f"Basic {token}"
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for u in {config.query_url, config.update_url, config.graph_store_url} - {None}:
                mgr.add_password(None, u, config.user, config.password or "")  # type: ignore[arg-type]
            self._digest = urllib.request.HTTPDigestAuthHandler(mgr)

    # -- transport ----------------------------------------------------------------------
    def _digest_header(self, req: urllib.request.Request) -> str | None:
        """Authorization for ``req`` from a fresh challenge (a body-less GET of the same URL).

        Asking first, instead of sending the body and answering the 401, matters: a server
        that refuses before reading a large PUT body closes the connection mid-upload.
        """
        assert self._digest is not None
        probe = urllib.request.Request(req.full_url, method="GET")
        try:
            with self._opener.open(probe, timeout=self.config.timeout):
                return None
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "")
            exc.read()
        if not challenge.lower().startswith("digest "):
            return None
        chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[7:]))
        auth = self._digest.get_authorization(req, chal)
        return f"Digest {auth}" if auth else None

    def request(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str], ok: Iterable[int] = (200, 201, 204)
    ) -> tuple[int, str, bytes]:
        base = url.split("?", 1)[0]
        for attempt in range(3):
            req = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
            if self._basic is not None:
                if self._digest_only(url) or base in self._digest_urls:
                    auth = self._digest_header(req)
                    if auth:
                        req.add_unredirected_header("Authorization", auth)
                else:
                    req.add_unredirected_header("Authorization", self._basic)
            try:
                with self._opener.open(req, timeout=self.config.timeout) as resp:
                    return resp.status, resp.headers.get("Content-Type", ""), resp.read()
            except urllib.error.HTTPError as exc:
                if exc.code in ok:
                    return exc.code, exc.headers.get("Content-Type", ""), exc.read()
                challenge = exc.headers.get("WWW-Authenticate", "") or ""
                detail = exc.read().decode("utf-8", "replace").strip()
                if exc.code == 401 and self._basic and base not in self._digest_urls and challenge.lower().startswith("digest"):
                    self._digest_urls.add(base)  # the server wants Digest: ask again with it
                    continue
                if exc.code in (502, 503, 504) and attempt < 2:
                    time.sleep(1.0 + attempt)
                    continue
                raise PushError(f"{url}: HTTP {exc.code}: {_first_line(detail) or exc.reason}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt < 2:
                    time.sleep(1.0 + attempt)
                    continue
                raise PushError(f"{url}: cannot reach the SPARQL server ({getattr(exc, 'reason', exc)})") from None
        raise PushError(f"{url}: no answer after 3 tries")  # pragma: no cover

    @staticmethod
    def _digest_only(url: str) -> bool:
        # Virtuoso's authenticated endpoints (/sparql-auth, /sparql-graph-crud-auth) want Digest
        return urllib.parse.urlsplit(url).path.rstrip("/").endswith("-auth")

    # -- operations ---------------------------------------------------------------------
    def update(self, text: str) -> None:
        url = self.config.update_url or self.config.query_url
        body = urllib.parse.urlencode({"update": text}).encode("utf-8")
        self.request("POST", url, body, {
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
            "Accept": "application/sparql-results+json, */*;q=0.1",
        })

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        assert self.config.graph_store_url
        self.request("PUT", _gsp_url(self.config.graph_store_url, graph), ntriples, {
            "Content-Type": "application/n-triples; charset=UTF-8",
        })

    def delete_graph(self, graph: str) -> None:
        if self.config.graph_store_url:
            self.request("DELETE", _gsp_url(self.config.graph_store_url, graph), None, {}, ok=(200, 204, 404))
        else:
            self.update(f"DROP SILENT GRAPH <{graph}>")

    def ask(self, text: str) -> bool:
        body = urllib.parse.urlencode({"query": text}).encode("utf-8")
        _, _, data = self.request("POST", self.config.query_url, body, {
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
            "Accept": "application/sparql-results+json",
        })
        return bool(json.loads(data).get("boolean"))


def _gsp_url(base: str, graph: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}{urllib.parse.urlencode({'graph': graph})}"


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""
