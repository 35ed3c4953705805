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

__all__ = ["esc", "script_json", "csp", "external_urls", "strip_external", "OfflineError"]

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


class OfflineError(RuntimeError):
    """A page would load something from the network."""


def external_urls(page: str) -> list[str]:
    """References in ``page`` that would load from another host (should be none)."""
    found = []
    start = page.find("//")
    while start >= 0:
        m = _BEFORE_SLASHES.search(page, max(0, start - 40), start)
        if m:
            found.append(page[m.start(): start + 80])
        start = page.find("//", start + 2)
    return found


_CDN_TAGS = re.compile(
    r"""<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//[^>]*>"""
    r"""|<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//[^>]*>\s*</script>""",
    re.IGNORECASE | re.DOTALL,
)


def strip_external(page: str, trusted: Iterable[str] = ()) -> str:
    """Remove ``<link href=//…>`` and ``<script src=//…></script>`` (pyvis adds Bootstrap from a
    CDN in every mode), then fail if any other external reference is left.

    ``trusted`` are large inlined libraries already checked with :func:`external_urls`
    (vis-network); they are skipped to keep the check fast.
    """
    page = _CDN_TAGS.sub("", page)
    rest = page
    for chunk in trusted:
        rest = rest.replace(chunk, "")
    left = external_urls(rest)
    if left:
        raise OfflineError("page would load from the network: " + "; ".join(left[:3]))
    return page
