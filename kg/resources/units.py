"""Typed loaders of the unit tables of ``ontology/`` (unit types, groups, the national
table of standard departments, name forms) and of the region profiles under
``ontology/regions/<region>/`` (``profile.json`` and ``units.csv``, which ``kg profile``
drafts and a user commits). Each file is read once and checked (see
:mod:`kg.resources.schema`); a unit type a table names must be one of ``unit_types.csv``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, NotRequired, TypedDict, cast

from ..errors import OntologyError
from .paths import ontology_file, shown
from .schema import read_csv, read_json, split_cell

__all__ = [
    "TypeRecord", "GroupRecord", "StandardDepartment", "NameForm", "UnitRecord",
    "RegionDetect", "RegionProfile",
    "unit_types", "unit_groups", "standard_departments", "name_forms",
    "available_regions", "region_profile", "region_unit_rows", "region_units",
]

LEVELS = ("province", "city", "county", "town")


@dataclass(frozen=True)
class TypeRecord:
    """A row of ``ontology/unit_types.csv``."""

    type: str
    label_zh: str
    label_en: str
    suffixes: tuple[str, ...]


@dataclass(frozen=True)
class GroupRecord:
    """A row of ``ontology/groups.csv``: a group reference (各街道) and its members' types."""

    canonical: str
    aliases: tuple[str, ...]
    scope: str  # "all" | "subset" | "unknown"
    member_types: tuple[str, ...]
    level_prefixed: bool = False


@dataclass(frozen=True)
class StandardDepartment:
    """A row of ``ontology/units/standard_departments.csv``: a department that exists, under
    this standard name, at the given levels of every region."""

    full_name: str
    abbreviations: tuple[str, ...]
    type: str
    levels: frozenset[str]  # province | city | county | town
    after_level: str  # written between the level and the name: 区委组织部
    bare: bool  # whether the name also stands without 委 (组织部)

    def forms(self) -> tuple[str, ...]:
        """Every way the department is written after its level word (委组织部, 组织部…)."""
        out: list[str] = []
        for x in (self.full_name, *self.abbreviations):
            if self.after_level and x.startswith(self.after_level):
                out.append(x)
                continue
            out.append(self.after_level + x)
            if self.bare and self.after_level:
                out.append(x)
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class NameForm:
    """A row of ``ontology/units/name_forms.csv``: named units of a type (X街道, X镇, X区政府)
    and the suffix of their canonical name."""

    suffixes: tuple[str, ...]
    canonical_suffix: str
    type: str


@dataclass(frozen=True)
class UnitRecord:
    """A row of a region's ``units.csv``."""

    canonical: str
    full_name: str
    aliases: tuple[str, ...]
    type: str
    governs: str | None = None


class _TypeRow(TypedDict):
    type: str
    label_zh: str
    label_en: str
    suffixes: str


class _GroupRow(TypedDict):
    canonical: str
    aliases: str
    scope: Literal["all", "subset", "unknown"]
    member_types: str
    level_prefixed: NotRequired[Literal["yes", "no"]]


class _StandardRow(TypedDict):
    full_name: str
    abbreviations: str
    type: str
    levels: str
    after_level: str
    bare: Literal["yes", "no"]


class _NameFormRow(TypedDict):
    suffixes: str
    canonical_suffix: str
    type: str


class _UnitRow(TypedDict):
    canonical: str
    full_name: str
    aliases: str
    type: str
    governs: str
    area_aliases: NotRequired[str]
    # written by ``kg profile`` for the reviewer: where the row comes from, its tasks
    source: NotRequired[str]
    tasks: NotRequired[str]


class RegionDetect(TypedDict):
    keywords: list[str]
    min_distinctive_hits: NotRequired[int]
    distinctive_types: list[str]


class RegionProfile(TypedDict):
    """A region's ``profile.json``."""

    id: str
    name: str
    name_en: NotRequired[str]
    adcode: NotRequired[str]
    town: NotRequired[str]
    level: NotRequired[Literal["province", "city", "county", "town", ""]]
    level_prefix: NotRequired[str]
    detect: NotRequired[RegionDetect]
    # a draft of ``kg profile``: what the reviewer checks before removing ``draft``
    draft: NotRequired[bool]
    note: NotRequired[str]
    aliases: NotRequired[dict[str, list[str]]]
    groups: NotRequired[list[dict[str, object]]]
    documents: NotRequired[list[str]]


def _nonempty(path: Path, line: int, column: str, value: str) -> str:
    if not value.strip():
        raise OntologyError(f"{shown(path)}:{line}: column {column!r}: empty")
    return value


def _known_types(path: Path, line: int, column: str, values: tuple[str, ...]) -> tuple[str, ...]:
    known = {t.type for t in unit_types()}
    for v in values:
        if v not in known:
            raise OntologyError(f"{shown(path)}:{line}: column {column!r}: unknown unit type {v!r}")
    return values


@cache
def unit_types() -> tuple[TypeRecord, ...]:
    """The unit types of ``ontology/unit_types.csv``, in the order their suffixes are tried."""
    path = ontology_file("unit_types.csv")
    return tuple(
        TypeRecord(_nonempty(path, n, "type", r["type"]), r["label_zh"], r["label_en"], split_cell(r["suffixes"]))
        for n, r in read_csv(path, _TypeRow)
    )


@cache
def unit_groups() -> dict[str, GroupRecord]:
    """The groups of ``ontology/groups.csv`` by canonical name."""
    path = ontology_file("groups.csv")
    out = {}
    for n, r in read_csv(path, _GroupRow):
        out[r["canonical"]] = GroupRecord(
            _nonempty(path, n, "canonical", r["canonical"]), split_cell(r["aliases"]), r["scope"],
            _known_types(path, n, "member_types", split_cell(r["member_types"])),
            r.get("level_prefixed", "no") == "yes",
        )
    return out


@cache
def standard_departments() -> tuple[StandardDepartment, ...]:
    """The national table of standard department names (``ontology/units/standard_departments.csv``)."""
    path = ontology_file("units", "standard_departments.csv")
    out = []
    for n, r in read_csv(path, _StandardRow):
        levels = split_cell(r["levels"])
        for level in levels:
            if level not in LEVELS:
                raise OntologyError(f"{shown(path)}:{n}: column 'levels': unknown level {level!r}")
        out.append(StandardDepartment(
            _nonempty(path, n, "full_name", r["full_name"]), split_cell(r["abbreviations"]),
            _known_types(path, n, "type", (r["type"],))[0], frozenset(levels), r["after_level"], r["bare"] == "yes",
        ))
    return tuple(out)


@cache
def name_forms() -> tuple[NameForm, ...]:
    """The rows of ``ontology/units/name_forms.csv``, each one's suffixes longest first
    (街道办事处 before 街道)."""
    path = ontology_file("units", "name_forms.csv")
    return tuple(
        NameForm(
            tuple(sorted(split_cell(r["suffixes"]), key=len, reverse=True)), r["canonical_suffix"],
            _known_types(path, n, "type", (r["type"],))[0],
        )
        for n, r in read_csv(path, _NameFormRow)
    )


def available_regions() -> list[str]:
    """The region profiles: folders of ``ontology/regions`` holding a ``profile.json``
    (listed again only when a folder was added or removed there, or after
    :func:`clear_region_caches`: extraction asks for every document)."""
    root = ontology_file("regions")
    mtime_ns = root.stat().st_mtime_ns
    if time.time_ns() - mtime_ns < 2_000_000_000:
        # changed a moment ago: a later change may not move the (coarse) mtime, so the
        # listing is not remembered yet
        return list(_list_regions(root))
    return list(_regions_in(root, mtime_ns))


@cache
def _regions_in(root: Path, mtime_ns: int) -> tuple[str, ...]:
    return _list_regions(root)


def _list_regions(root: Path) -> tuple[str, ...]:
    return tuple(sorted(p.name for p in root.iterdir() if (p / "profile.json").is_file()))


@cache
def region_profile(region: str) -> RegionProfile:
    """The ``profile.json`` of a region profile."""
    path = ontology_file("regions", region, "profile.json")
    profile = read_json(path, RegionProfile)
    for i, t in enumerate(profile.get("detect", {}).get("distinctive_types", [])):
        if t not in {u.type for u in unit_types()}:
            raise OntologyError(f"{shown(path)}:detect.distinctive_types[{i}]: unknown unit type {t!r}")
    return profile


@cache
def _unit_rows(region: str) -> tuple[tuple[int, _UnitRow], ...]:
    path = ontology_file("regions", region, "units.csv")
    if not path.is_file():
        return ()
    rows = tuple(read_csv(path, _UnitRow))
    for n, r in rows:
        _nonempty(path, n, "canonical", r["canonical"])
        if r["type"]:  # empty: a unit ``kg profile`` kept as written, its type not known
            _known_types(path, n, "type", (r["type"],))
    return rows


def region_unit_rows(region: str) -> list[dict[str, str]]:
    """The rows of a region's ``units.csv`` with every column (none when it has no file)."""
    return [dict(cast(dict[str, str], r)) for _, r in _unit_rows(region)]


@cache
def region_units(region: str) -> dict[str, UnitRecord]:
    """The units of a region's ``units.csv`` by canonical name."""
    return {
        r["canonical"]: UnitRecord(r["canonical"], r["full_name"], split_cell(r["aliases"]), r["type"], r["governs"] or None)
        for _, r in _unit_rows(region)
    }


def clear_region_caches() -> None:
    """Forget the region profiles read so far (after a profile was added or changed)."""
    _regions_in.cache_clear()
    region_profile.cache_clear()
    _unit_rows.cache_clear()
    region_units.cache_clear()
