"""Escaping and offline guarantees shared by every page.

Document text reaches a page in three ways, each escaped here or by Jinja's autoescape:

* HTML text and attributes — Jinja autoescape (``select_autoescape``), or :func:`esc`;
* JSON inside ``<script type="application/json">`` — :func:`script_json`, which turns
  ``<``, ``>`` and ``&`` into ``\\u003c``-escapes so that ``</script>`` or ``<!--`` in a task
  cannot end the block;
* tooltips — built in the page with ``textContent`` (never ``innerHTML``), and vis-network
  9 sets string titles with ``innerText``.

Each page also carries a Content-Security-Policy that allows only its own inline scripts
(by SHA-256 hash) and no network access at all, so an injected ``<script>`` or
``onmouseover=`` would not run even if it slipped past the escaping.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable
from html.parser import HTMLParser

from kg.errors import KgError

__all__ = ["esc", "script_json", "csp", "external_urls", "page_external_urls", "strip_external", "OfflineError"]

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_RE = re.compile("[<>&\u2028\u2029]")


def esc(text: object) -> str:
    """HTML-escape text for element content and quoted attributes."""
    return html.escape(str(text), quote=True)


def script_json(obj: object) -> str:
    """JSON safe to embed in a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return _JSON_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def csp(scripts: Iterable[str] = (), self_scripts: bool = False) -> str:
    """A Content-Security-Policy: these inline scripts (exact text) and nothing from anywhere
    (with ``self_scripts``, also script files beside the page: ``'self'``, i.e. the disk)."""
    hashes = " ".join(sorted({_sha256(s) for s in scripts}))
    script_src = " ".join(x for x in ("'self'" if self_scripts else "", hashes) if x) or "'none'"
    return (
        "default-src 'none'; "
        f"script-src {script_src}; "
        "style-src 'unsafe-inline'; "
        "img-src data:; font-src data:; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'; object-src 'none'"
    )


# An attribute or CSS reference that would make the browser load something from a host;
# matched at the end of the text just before each "//" (fast on 500 kB pages).
_BEFORE_SLASHES = re.compile(
    r"""(?:\b(?:src|href|action|data|poster|srcset)\s*=\s*["']?\s*(?:https?:|ftp:)?"""
    r"""|url\(\s*["']?\s*(?:https?:)?"""
    r"""|@import\s+(?:url\(\s*)?["']?(?:https?:)?)$""",
    re.IGNORECASE,
)


class OfflineError(KgError, RuntimeError):
    """A page would load something from the network (a fault of kg's own templates or
    scripts, never of document text): reported as one line, exit code 1."""


def external_urls(page: str) -> list[str]:
    """References in ``page`` that would load from another host (should be none).

    A fast textual scan, for kg's own scripts and style sheets; it does not know markup
    from text (see :func:`page_external_urls`).
    """
    found = []
    start = page.find("//")
    while start >= 0:
        m = _BEFORE_SLASHES.search(page, max(0, start - 40), start)
        if m:
            found.append(page[m.start(): start + 80])
        start = page.find("//", start + 2)
    return found


# attributes whose value a browser fetches (or navigates to on its own: meta refresh)
_URL_ATTRS = frozenset({
    "src", "href", "action", "formaction", "data", "poster", "srcset", "imagesrcset", "background",
    "cite", "longdesc", "manifest", "codebase", "archive", "ping", "lowsrc", "dynsrc", "xlink:href",
    "profile", "icon",
})
# a URL that leaves the page's own folder: scheme-relative, or with a network scheme
_REMOTE = re.compile(r"^\s*(?://|\\\\|(?:https?|ftps?|wss?|file|gopher|rtsp|mms):)", re.IGNORECASE)
_CSS_REMOTE = re.compile(
    r"""(?:url\(\s*["']?|@import\s+["']?)\s*(?://|\\\\|(?:https?|ftps?):)""", re.IGNORECASE
)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?(.*)", re.IGNORECASE)
# script types that hold data, not code (the view's JSON payload)
_DATA_SCRIPTS = frozenset({"application/json", "application/ld+json", "text/plain"})


class _PageScan(HTMLParser):
    """What a page's markup would load: URL attributes of its tags, its style sheets
    (``<style>``, ``style=``) and its scripts. Text between tags is document text the page
    shows, escaped, and loads nothing; so are attributes such as ``title``."""

    def __init__(self, trusted: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.trusted = trusted
        self.found: list[str] = []
        self._raw: str | None = None  # the element whose content is being gathered
        self._code = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _URL_ATTRS and self._remote(name, value):
                self.found.append(f"<{tag} {name}={value[:80]}>")
            elif name == "style" and _CSS_REMOTE.search(value):
                self.found.append(f"<{tag} style={value[:80]}>")
        values = {name: (value or "") for name, value in attrs}
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            m = _REFRESH_URL.search(values.get("content", ""))
            if m and _REMOTE.match(m.group(1)):
                self.found.append(f"<meta http-equiv=refresh content={values['content'][:80]}>")
        if tag in ("script", "style"):
            self._raw = tag
            kind = values.get("type", "").split(";")[0].strip().lower()
            self._code = tag == "style" or kind not in _DATA_SCRIPTS
            self._buffer = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._buffer.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._raw:
            return
        content = "".join(self._buffer)
        self._raw, self._buffer = None, []
        if not self._code or content in self.trusted:
            return
        if tag == "style":
            if _CSS_REMOTE.search(content):
                self.found.append(f"<style>{_CSS_REMOTE.search(content).group(0)[:80]}")  # type: ignore[union-attr]
        else:
            self.found.extend(external_urls(content))

    @staticmethod
    def _remote(name: str, value: str) -> bool:
        if name in ("srcset", "imagesrcset"):
            return any(_REMOTE.match(part) for part in value.split(","))
        return bool(_REMOTE.match(value))


def page_external_urls(page: str, trusted: Iterable[str] = ()) -> list[str]:
    """What the markup of ``page`` would load from another host (should be none).

    Tags, their URL attributes, ``style`` attributes, ``<style>`` sheets and scripts are
    checked; ``trusted`` scripts (vis-network, already checked with :func:`external_urls`)
    are skipped, and so is the text the page shows.

    >>> page_external_urls('<p title="src=//a.example">1.推进 src=//evil.example/a.png 工作</p>')
    []
    >>> page_external_urls('<img src="//evil.example/a.png"><p style="background:url(https://x.example)">')
    ['<img src=//evil.example/a.png>', '<p style=background:url(https://x.example)>']
    """
    scan = _PageScan(frozenset(trusted))
    scan.feed(page)
    scan.close()
    if scan._raw is not None:  # a script or style left open: the parser kept its text back
        scan.handle_data(scan.rawdata)
        scan.handle_endtag(scan._raw)
    return scan.found


_CDN_TAGS = re.compile(
    r"""<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//[^>]*>"""
    r"""|<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//[^>]*>\s*</script>""",
    re.IGNORECASE | re.DOTALL,
)


def strip_external(page: str, trusted: Iterable[str] = ()) -> str:
    """Remove ``<link href=//…>`` and ``<script src=//…></script>`` (pyvis adds Bootstrap from a
    CDN in every mode), then raise :class:`OfflineError` if the page's markup would still
    load anything from the network (:func:`page_external_urls`).

    Document text is not markup: a task that reads ``src=//…`` is shown, escaped, and is no
    reference. ``trusted`` are large inlined libraries already checked with
    :func:`external_urls` (vis-network); they are skipped to keep the check fast.
    """
    page = _CDN_TAGS.sub("", page)
    left = page_external_urls(page, trusted)
    if left:
        raise OfflineError("page would load from the network: " + "; ".join(left[:3]))
    return page
