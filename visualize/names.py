"""Readable, stable file names of the views: ``unit-区发改委.html``,
``section-gulou_task_decomposition-一-关于完善创新生态.html``.

A name is made from what the view shows (a unit's name; a section's document, number and
title), reduced to letters, digits, ``_`` and ``-`` so that it is safe on every file system
and in a URL path: no ``/``, no ``.``, no spaces or punctuation. The same graph always
gives the same names. Two views whose names would be the same (the same unit name in two
regions, two sections with the same number and title) both get their region, then a short
hash of their IRI, appended — so names stay unique whatever the input.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from .data import ViewData

__all__ = ["ViewNames", "slug", "region_of", "SAFE_NAME"]

# What a view file name may hold (checked again by view.js before it links to one).
SAFE_NAME = re.compile(r"(?:unit|section|type|region)-[\w-]+\.html")
_UNSAFE = re.compile(r"[^\w-]+")
MAX_PART = 24  # characters of one part of a name (a CJK character is 3 bytes on disk)


def slug(text: str, limit: int = MAX_PART) -> str:
    """``text`` as a file-name part: runs of anything but letters, digits, ``_`` and ``-``
    become one ``-``, cut to ``limit`` characters; ``x`` when nothing is left."""
    s = _UNSAFE.sub("-", text).strip("-_")[:limit].strip("-_")
    return s or "x"


def _digest(iri: str) -> str:
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:6]


def region_of(iri: str) -> str:
    """The region segment of a unit IRI (``…/id/nanjing-gulou/unit/…``), or ""."""
    parts = iri.split("/")
    for i, p in enumerate(parts[1:], start=1):
        if p in ("unit", "group"):
            return parts[i - 1]
    return ""


def _unique(prefix: str, bases: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """File names ``prefix-BASE.html`` per key; keys sharing a base get ``-EXTRA`` (when
    that separates them), then a hash of the key."""
    by_base: dict[str, list[str]] = defaultdict(list)
    for key, base in bases.items():
        by_base[base].append(key)
    names: dict[str, str] = {}
    for base, keys in by_base.items():
        if len(keys) == 1:
            names[keys[0]] = f"{prefix}-{base}.html"
            continue
        with_extra = {k: f"{base}-{slug(extra[k])}" if extra.get(k) else base for k in keys}
        separated = len(set(with_extra.values())) == len(keys)
        for k in keys:
            names[k] = f"{prefix}-{with_extra[k] if separated else f'{base}-{_digest(k)}'}.html"
    return names


class ViewNames:
    """The file names of the unit and section views of one build (without the folder)."""

    def __init__(self, data: ViewData) -> None:
        units = {u.iri: slug(u.label) for u in data.units.values() if not u.is_group}
        self._units = _unique("unit", units, {u: region_of(u) for u in units})
        sections: dict[str, str] = {}
        docs: dict[str, str] = {}
        for s in data.sections.values():
            doc = data.documents.get(s.document)
            docs[s.iri] = doc.name if doc is not None and doc.name else s.document.rstrip("/").rsplit("/", 1)[-1]
            number = s.number or str(s.ordinal)
            title = s.title.removeprefix(s.number) if s.number else s.title
            sections[s.iri] = "-".join(
                x for x in (slug(docs[s.iri]), slug(number, 8), slug(title, 20)) if x
            )
        self._sections = _unique("section", sections, {})

    def unit(self, iri: str) -> str:
        """File name of the unit's ego view (a hash for a unit the data does not hold)."""
        return self._units.get(iri) or f"unit-{_digest(iri)}.html"

    def section(self, iri: str) -> str:
        return self._sections.get(iri) or f"section-{_digest(iri)}.html"

    def units(self) -> Iterable[tuple[str, str]]:
        return self._units.items()
