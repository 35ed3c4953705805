"""Names a person types → the IRIs of the graph (units, unit groups, metrics).

A canned query parameter can declare a *kind* in its header line
(``# param unit (unit) = "区发改委" -- …``, see :mod:`kg.queries.library`). A value given
for such a parameter must be a name of that kind in the graph — its label
(``skos:prefLabel``) or one of its aliases (``skos:altLabel``), matched exactly — or
:func:`resolve_name` raises :class:`~kg.errors.UsageError` with up to three close names::

    no unit named 区科技 — did you mean 区科技局, 区科协?

so a misspelt unit is an error instead of an empty answer.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from kg.errors import UsageError
from kg.store import Store

__all__ = [
    "KINDS", "NameIndex", "check_name", "contains_name", "index_from_rows", "name_index", "names_query",
    "resolve_name", "suggest_names",
]

# kind → (the class of its resources, the word used in messages)
KINDS: dict[str, tuple[str, str]] = {
    "unit": ("https://w3id.org/govkg/ns#Unit", "unit"),
    "group": ("https://w3id.org/govkg/ns#UnitGroup", "unit group"),
    "metric": ("https://w3id.org/govkg/ns#Metric", "metric"),
}

_NAMES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?x ?name ?pref WHERE {
  ?x a <%s> .
  { ?x skos:prefLabel ?name . BIND(true AS ?pref) }
  UNION { ?x skos:altLabel ?name . BIND(false AS ?pref) }
}
"""


@dataclass(frozen=True)
class NameIndex:
    """The labels and aliases of one kind: ``labels`` and ``aliases`` map a name to its IRIs."""

    kind: str
    labels: dict[str, tuple[str, ...]]
    aliases: dict[str, tuple[str, ...]]

    def names(self) -> list[str]:
        """Every label, then every alias that is not also a label (each once, sorted)."""
        return sorted(self.labels) + sorted(set(self.aliases) - set(self.labels))

    def lookup(self, text: str) -> tuple[str, ...]:
        """The IRIs named ``text``: by label first, by alias only when no label matches."""
        return self.labels.get(text) or self.aliases.get(text) or ()


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise UsageError(f"unknown name kind {kind!r} (choose from {', '.join(KINDS)})")
    return KINDS[kind][0]


def names_query(kind: str) -> str:
    """The SELECT of every ``kind``'s IRI, name and whether the name is its label (``?x
    ?name ?pref``): what :func:`name_index` runs, for a caller that runs it elsewhere (the
    server's query workers) and builds the index with :func:`index_from_rows`."""
    return _NAMES % _check_kind(kind)


def name_index(store: Store, kind: str) -> NameIndex:
    """The labels and aliases of every ``kind`` (unit / group / metric) in the store."""
    rows = store.query(names_query(kind)).rows
    return index_from_rows(kind, (
        (iri.value, name.value, pref is not None and pref.value == "true")
        for iri, name, pref in rows
        if iri is not None and name is not None and iri.kind == "uri"
    ))


def index_from_rows(kind: str, rows: Iterable[tuple[str, str, bool]]) -> NameIndex:
    """A :class:`NameIndex` from (IRI, name, is the label) rows of :func:`names_query`."""
    _check_kind(kind)
    labels: dict[str, set[str]] = {}
    aliases: dict[str, set[str]] = {}
    for iri, name, is_label in rows:
        (labels if is_label else aliases).setdefault(name, set()).add(iri)
    return NameIndex(
        kind,
        {k: tuple(sorted(v)) for k, v in labels.items()},
        {k: tuple(sorted(v)) for k, v in aliases.items()},
    )


def suggest_names(index: NameIndex, text: str, n: int = 3) -> list[str]:
    """Up to ``n`` names (labels, then aliases) close to ``text``, each unit named once.

    A name that contains ``text`` or is contained in it counts as close as well
    (``区科技`` → ``区科技局``), ahead of the merely similar ones.
    """
    names = index.names()
    close = [s for s in names if text and (text in s or s in text)]
    close.sort(key=lambda s: (abs(len(s) - len(text)), s))
    close += difflib.get_close_matches(text, names, n=n * 3, cutoff=0.5)
    out: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for s in close:
        iris = index.lookup(s)
        # an alias of a unit already suggested adds nothing: show the unit's label instead
        label = next((lab for lab, xs in index.labels.items() if xs == iris), s) if s not in index.labels else s
        if iris in seen or label in out:
            continue
        seen.add(iris)
        out.append(label)
        if len(out) == n:
            break
    return out


def resolve_name(store: Store, kind: str, text: str, index: NameIndex | None = None) -> str:
    """The IRI of the ``kind`` (``unit``, ``group`` or ``metric``) named ``text``.

    ``text`` is matched exactly (after stripping spaces) against labels, then aliases;
    an IRI written as ``<…>`` is returned as it is if it names such a resource. Raises
    :class:`UsageError` when nothing matches (with "did you mean" suggestions) and when
    the name belongs to several resources (e.g. the same unit name in two regions).
    """
    idx = index or name_index(store, kind)
    word = KINDS[kind][1]
    s = text.strip()
    iris = check_name(store, kind, s, idx)
    if len(iris) > 1:
        listed = ", ".join(f"<{i}>" for i in iris)
        raise UsageError(f"{s} names {len(iris)} {word}s ({listed}): give the IRI in <…> instead")
    return iris[0]


def check_name(store: Store | None, kind: str, text: str, index: NameIndex | None = None) -> tuple[str, ...]:
    """The IRIs of every ``kind`` named ``text`` (label, else alias; exactly), at least one.

    Several are fine here (the same unit name in two regions: a query matching by name
    answers for both); none raises :class:`UsageError` with "did you mean" suggestions.
    With ``index`` given, ``store`` is not read (it may be None).
    """
    if index is None and store is None:
        raise ValueError("check_name needs a store or an index")
    idx = index or name_index(store, kind)  # type: ignore[arg-type]
    s = text.strip()
    if s.startswith("<") and s.endswith(">"):
        iri = s[1:-1]
        if any(iri in xs for xs in (*idx.labels.values(), *idx.aliases.values())):
            return (iri,)
        raise UsageError(f"no {KINDS[kind][1]} {s} in the graph")
    iris = idx.lookup(s)
    if iris:
        return iris
    close = suggest_names(idx, s)
    hint = f" — did you mean {', '.join(close)}?" if close else ""
    raise UsageError(f"no {KINDS[kind][1]} named {s}{hint}")


def contains_name(index: NameIndex, text: str) -> bool:
    """Whether some label or alias contains ``text`` (the check of a fuzzy match)."""
    s = text.strip()
    return any(s in name for name in index.names())
