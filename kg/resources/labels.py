"""The label vocabulary of ``ontology/labels.csv``: roles, measures, the kinds of party
that are no unit type and the kinds of indicator, each with its Chinese and English label and a plain-language note
(the unit types' own labels are in ``unit_types.csv``, :func:`kg.resources.unit_types`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal, TypedDict

from ..errors import OntologyError
from .paths import ontology_file, shown
from .schema import read_csv

__all__ = ["LabelRecord", "label_records"]

LabelKind = Literal["role", "measure", "unit_type", "indicator_kind"]


class _LabelRow(TypedDict):
    kind: LabelKind
    key: str
    zh: str
    en: str
    note_zh: str
    note_en: str


@dataclass(frozen=True)
class LabelRecord:
    """A row of ``ontology/labels.csv``; ``where`` is its ``file:line``."""

    kind: str
    key: str
    zh: str
    en: str
    note_zh: str
    note_en: str
    where: str


@cache
def label_records() -> tuple[LabelRecord, ...]:
    """The rows of ``ontology/labels.csv``, in file order (key, zh and en never empty)."""
    path = ontology_file("labels.csv")
    out = []
    for n, r in read_csv(path, _LabelRow):
        cells = {k: str(v).strip() for k, v in r.items()}
        where = f"{shown(path)}:{n}"
        if not cells["key"] or not cells["zh"] or not cells["en"]:
            raise OntologyError(f"{where}: key, zh and en must not be empty")
        out.append(LabelRecord(**cells, where=where))  # type: ignore[arg-type]
    return tuple(out)
