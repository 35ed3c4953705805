"""The offline check of kg's pages by the standard library's ``html.parser``, as kg did it
before lxml: the reference :func:`kg.visualize.safe.page_external_urls` is tested against
(tests/test_views.py, tests/test_hostile_inputs.py)."""

from __future__ import annotations

from collections.abc import Iterable
from html.parser import HTMLParser

from kg.visualize.safe import (
    _CSS_REMOTE,
    _DATA_SCRIPTS,
    _REFRESH_URL,
    _REMOTE,
    _URL_ATTRS,
    external_urls,
)

__all__ = ["parsed_external_urls"]


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


def parsed_external_urls(page: str, trusted: Iterable[str] = ()) -> list[str]:
    """The offline check as it was before lxml: the standard library's tokenizer over every tag."""
    scan = _PageScan(frozenset(trusted))
    scan.feed(page)
    scan.close()
    if scan._raw is not None:  # a script or style left open: the parser kept its text back
        scan.handle_data(scan.rawdata)
        scan.handle_endtag(scan._raw)
    return scan.found
