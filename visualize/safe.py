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

from lxml import etree

from kg.errors import KgError

__all__ = ["esc", "script_json", "csp", "external_urls", "page_external_urls", "strip_external", "OfflineError"]

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def esc(text: object) -> str:
    """HTML-escape text for element content and quoted attributes."""
    return html.escape(str(text), quote=True)


def script_json(obj: object) -> str:
    """JSON safe to embed in a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    # (str.replace per character, no Python callback per match; the escapes hold none of
    # the characters)
    for char, escape in _JSON_ESCAPES.items():
        if char in text:
            text = text.replace(char, escape)
    return text


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


# every element that could load something: one with a URL or style attribute, a script, a
# style sheet, a meta (refresh); selected by libxml2 (XPath), in document order
_CANDIDATES = etree.XPath(
    "//*[self::script or self::style or self::meta or @style or @*[contains($names, concat(' ', name(), ' '))]]"
)
_URL_NAMES = " " + " ".join(sorted(_URL_ATTRS)) + " "


# libxml2's HTML tokenizer follows HTML5 from 2.14 on (as browsers and html.parser read
# tags, attributes and raw-text elements)
_HTML5_LIBXML = (2, 14, 0)


def _parser() -> etree.HTMLParser:
    # huge_tree: a view's JSON payload is one text node of megabytes (libxml2 stops at 10 MB
    # without it); no network, no entities from elsewhere (HTML has none to fetch anyway)
    return etree.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True, remove_comments=True,
                            remove_pis=True)


def _remote_attr(name: str, value: str) -> bool:
    if name in ("srcset", "imagesrcset"):
        return any(_REMOTE.match(part) for part in value.split(","))
    return bool(_REMOTE.match(value))


def _element_loads(el: etree._Element, trusted: frozenset[str]) -> list[str]:
    """What one element would load: its URL and style attributes, a meta refresh, the
    code of a script or style sheet (not data scripts, not ``trusted`` scripts)."""
    tag = str(el.tag)
    found = []
    for name, value in el.attrib.items():
        if name in _URL_ATTRS and _remote_attr(name, value):
            found.append(f"<{tag} {name}={value[:80]}>")
        elif name == "style" and _CSS_REMOTE.search(value):
            found.append(f"<{tag} style={value[:80]}>")
    if tag == "meta" and el.get("http-equiv", "").lower() == "refresh":
        m = _REFRESH_URL.search(el.get("content", ""))
        if m and _REMOTE.match(m.group(1)):
            found.append(f"<meta http-equiv=refresh content={el.get('content', '')[:80]}>")
    elif tag in ("script", "style"):
        kind = el.get("type", "").split(";")[0].strip().lower()
        content = el.text or ""
        if (tag == "style" or kind not in _DATA_SCRIPTS) and content not in trusted:
            if tag == "script":
                found.extend(external_urls(content))
            elif m := _CSS_REMOTE.search(content):
                found.append(f"<style>{m.group(0)[:80]}")
    return found


def page_external_urls(page: str, trusted: Iterable[str] = ()) -> list[str]:
    """What the markup of ``page`` would load from another host (should be none).

    The page is parsed as a browser does (libxml2's HTML5 tokenizer, through lxml); tags,
    their URL attributes, ``style`` attributes, ``<style>`` sheets and scripts are
    checked; ``trusted`` scripts (vis-network, already checked with
    :func:`external_urls`) are skipped, and so is the text the page shows.

    >>> page_external_urls('<p title="src=//a.example">1.推进 src=//evil.example/a.png 工作</p>')
    []
    >>> page_external_urls('<img src="//evil.example/a.png"><p style="background:url(https://x.example)">')
    ['<img src=//evil.example/a.png>', '<p style=background:url(https://x.example)>']
    """
    if etree.LIBXML_VERSION < _HTML5_LIBXML:
        raise KgError(
            f"the report's offline check needs libxml2 >= 2.14 (HTML5 parsing), lxml has "
            f"{'.'.join(map(str, etree.LIBXML_VERSION))}: install lxml >= 6.0 from its wheels"
        )
    if not page.strip():
        return []
    root = etree.fromstring(page.encode("utf-8"), _parser())
    if root is None:  # (markup with no element at all: nothing to load)
        return []
    trusted_set = frozenset(trusted)
    found: list[str] = []
    for el in _CANDIDATES(root, names=_URL_NAMES):
        found.extend(_element_loads(el, trusted_set))
    return found


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
