"""One vocabulary of labels, Chinese and English, for every output: roles, measures, unit
types and indicator kinds.

Roles, measures and indicator kinds (with plain-language notes) are in
``ontology/labels.csv``; the unit
types keep their labels in ``ontology/unit_types.csv`` (one row per type, beside the
suffixes that assign it), and the three kinds of party that are no type there (``Unit``,
``UnitGroup``, ``OtherUnit``) are in ``labels.csv``. Both files are read once, through their loaders in :mod:`kg.resources` (a malformed
file is an :class:`~kg.errors.OntologyError` naming ``file:line``).

>>> label("role", "lead"), label("role", "co_lead", "en")
('牵头', 'co-lead')
>>> label("unit_type", "StreetOffice"), label("unit_type", "UnitGroup", "en")
('街道', 'unit group')
>>> label("measure", "betweenness")
'中介中心度'
>>> both("measure", "load")
'负荷 load'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from .errors import KgError, OntologyError
from .resources import label_records, unit_types
from .resources.paths import ontology_file, shown

__all__ = ["Label", "LabelError", "label", "has_label", "note", "both", "labels", "KINDS"]

Lang = Literal["zh", "en"]
KINDS = ("role", "measure", "unit_type", "indicator_kind")


class LabelError(KgError):
    """A label asked for does not exist."""


@dataclass(frozen=True)
class Label:
    kind: str
    key: str
    zh: str
    en: str
    note_zh: str = ""
    note_en: str = ""


@cache
def _table() -> dict[tuple[str, str], Label]:
    out: dict[tuple[str, str], Label] = {}
    seen: dict[tuple[str, str], str] = {}

    def add(where: str, lab: Label) -> None:
        if (lab.kind, lab.key) in out:
            raise OntologyError(f"{where}: {lab.kind}:{lab.key} is labelled twice (also at {seen[(lab.kind, lab.key)]})")
        out[(lab.kind, lab.key)] = lab
        seen[(lab.kind, lab.key)] = where

    for r in label_records():
        add(r.where, Label(r.kind, r.key, r.zh, r.en, r.note_zh, r.note_en))
    types_file = shown(ontology_file("unit_types.csv"))
    for t in unit_types():
        add(types_file, Label("unit_type", t.type, t.label_zh, t.label_en))
    return out


def clear_cache() -> None:
    """Forget the table (for a test that points the ontology at a copy)."""
    _table.cache_clear()


def labels(kind: str) -> list[Label]:
    """Every label of a kind, in file order (``labels.csv``, then ``unit_types.csv``)."""
    return [lab for (k, _), lab in _table().items() if k == kind]


def _get(kind: str, key: str) -> Label:
    try:
        return _table()[(kind, key)]
    except KeyError:
        raise LabelError(f"no label for {kind}:{key} (ontology/labels.csv, ontology/unit_types.csv)") from None


def has_label(kind: str, key: str) -> bool:
    """Whether the vocabulary labels ``key`` of ``kind``."""
    return (kind, key) in _table()


def label(kind: str, key: str, lang: Lang = "zh") -> str:
    """The label of ``key`` of ``kind`` (role, measure, unit_type, indicator_kind) in ``lang``."""
    lab = _get(kind, key)
    return lab.zh if lang == "zh" else lab.en


def note(kind: str, key: str, lang: Lang = "zh") -> str:
    """The plain-language note of a label ("" when it has none)."""
    lab = _get(kind, key)
    return lab.note_zh if lang == "zh" else lab.note_en


def both(kind: str, key: str) -> str:
    """Chinese first, English beside: ``负荷 load``."""
    lab = _get(kind, key)
    return f"{lab.zh} {lab.en}"
