"""One vocabulary of labels, Chinese and English, for every output: roles, measures and
unit types.

Roles and measures (with plain-language notes) are in ``ontology/labels.csv``; the unit
types keep their labels in ``ontology/unit_types.csv`` (one row per type, beside the
suffixes that assign it), and the three kinds of party that are no type there (``Unit``,
``UnitGroup``, ``OtherUnit``) are in ``labels.csv``. Both files are read once.

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

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from .errors import KgError
from .resources import ontology_path

__all__ = ["Label", "LabelError", "label", "note", "both", "labels", "KINDS"]

Lang = Literal["zh", "en"]
KINDS = ("role", "measure", "unit_type")
_COLUMNS = ["kind", "key", "zh", "en", "note_zh", "note_en"]


class LabelError(KgError):
    """A label file is malformed, or a label asked for does not exist."""


@dataclass(frozen=True)
class Label:
    kind: str
    key: str
    zh: str
    en: str
    note_zh: str = ""
    note_en: str = ""


def _read(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise LabelError(f"{path.name}:1: missing column(s) {', '.join(missing)}")
        return [(reader.line_num, dict(row)) for row in reader]


@cache
def _table() -> dict[tuple[str, str], Label]:
    out: dict[tuple[str, str], Label] = {}
    seen: dict[tuple[str, str], str] = {}

    def add(where: str, lab: Label) -> None:
        if lab.kind not in KINDS:
            raise LabelError(f"{where}: unknown kind {lab.kind!r} (one of {', '.join(KINDS)})")
        if not lab.key or not lab.zh or not lab.en:
            raise LabelError(f"{where}: key, zh and en must not be empty")
        if (lab.kind, lab.key) in out:
            raise LabelError(f"{where}: {lab.kind}:{lab.key} is labelled twice (also at {seen[(lab.kind, lab.key)]})")
        out[(lab.kind, lab.key)] = lab
        seen[(lab.kind, lab.key)] = where

    root = ontology_path()
    for line, row in _read(root / "labels.csv", _COLUMNS):
        add(f"labels.csv:{line}", Label(**{c: (row.get(c) or "").strip() for c in _COLUMNS}))
    for line, row in _read(root / "unit_types.csv", ["type", "label_zh", "label_en"]):
        add(f"unit_types.csv:{line}", Label("unit_type", row["type"].strip(), row["label_zh"].strip(),
                                            row["label_en"].strip()))
    return out


def labels(kind: str) -> list[Label]:
    """Every label of a kind, in file order (``labels.csv``, then ``unit_types.csv``)."""
    return [lab for (k, _), lab in _table().items() if k == kind]


def _get(kind: str, key: str) -> Label:
    try:
        return _table()[(kind, key)]
    except KeyError:
        raise LabelError(f"no label for {kind}:{key} (ontology/labels.csv, ontology/unit_types.csv)") from None


def label(kind: str, key: str, lang: Lang = "zh") -> str:
    """The label of ``key`` of ``kind`` (role, measure, unit_type) in ``lang``."""
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
