"""Units, unit groups and region profiles, loaded from the data files in ``ontology/``.

The gazetteer answers three questions for the responsibility parser and the graph:
is this string a unit (or a group reference), what is its canonical name, and what
type of unit is it. Nothing here holds department names: they are all data.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from .normalize import normalize_name

__all__ = [
    "UnitRecord",
    "GroupRecord",
    "Gazetteer",
    "ontology_path",
    "load_gazetteer",
    "available_regions",
    "detect_region",
    "responsibility_rules",
]

GENERIC_REGION = "generic"
_NOT_IN_NAMES = re.compile(r"[，。；：！？“”《》\d%]")
LEVEL_PREFIXES = ("区", "县", "市", "镇", "乡", "省")


def ontology_path() -> Path:
    """Folder of the ontology data (inside the installed package)."""
    return Path(str(resources.files("kg.ontology")))


@dataclass(frozen=True)
class UnitRecord:
    canonical: str
    full_name: str
    aliases: tuple[str, ...]
    type: str
    governs: str | None = None


@dataclass(frozen=True)
class GroupRecord:
    canonical: str
    aliases: tuple[str, ...]
    scope: str  # "all" | "subset" | "unknown"
    member_types: tuple[str, ...]
    level_prefixed: bool = False


@dataclass(frozen=True)
class TypeRecord:
    type: str
    label_zh: str
    label_en: str
    suffixes: tuple[str, ...]


@dataclass
class Gazetteer:
    """Lookup tables for one region (or the generic, region-less gazetteer)."""

    region: str
    region_name: str
    level_prefix: str
    units: dict[str, UnitRecord] = field(default_factory=dict)
    groups: dict[str, GroupRecord] = field(default_factory=dict)
    types: tuple[TypeRecord, ...] = ()
    _unit_alias: dict[str, str] = field(default_factory=dict)
    _group_alias: dict[str, str] = field(default_factory=dict)
    _suffix_re: re.Pattern[str] | None = None
    _suffix_type: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _suffix_lengths: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        for rec in self.units.values():
            for name in (rec.canonical, rec.full_name, *rec.aliases):
                if name:
                    self._unit_alias.setdefault(normalize_name(name), rec.canonical)
        for grp in self.groups.values():
            for name in (grp.canonical, *grp.aliases):
                self._group_alias.setdefault(normalize_name(name), grp.canonical)
        suffixes = sorted({s for t in self.types for s in t.suffixes}, key=len, reverse=True)
        self._suffix_re = re.compile("(?:" + "|".join(map(re.escape, suffixes)) + r")$")
        # unit_type: the first type (in order) with a suffix that ends the name and is
        # shorter than it, found by looking up the name's endings
        first: dict[str, int] = {}
        for i, t in enumerate(self.types):
            for sfx in t.suffixes:
                first.setdefault(sfx, i)
        self._suffix_type = first
        self._suffix_lengths = tuple(sorted({len(sfx) for sfx in first}))

    # -- units -------------------------------------------------------------------------
    def resolve_unit(self, name: str) -> str | None:
        """Canonical unit name for ``name`` as written, or ``None`` if unknown.

        A name written without the level prefix (``市场监管局``) resolves to the unit
        with it (``区市场监管局``) when the region's gazetteer has exactly that unit.
        """
        key = normalize_name(name)
        if key in self._unit_alias:
            return self._unit_alias[key]
        if self.level_prefix and not key.startswith(LEVEL_PREFIXES):
            prefixed = self.level_prefix + key
            if prefixed in self._unit_alias:
                return self._unit_alias[prefixed]
        return None

    def unit_type(self, name: str) -> str | None:
        """Type of a known unit, else a guess from the name's suffix, else ``None``."""
        canonical = self.resolve_unit(name)
        if canonical is not None:
            return self.units[canonical].type
        key = normalize_name(name)
        best = None
        for n in self._suffix_lengths:
            if n >= len(key):
                break
            i = self._suffix_type.get(key[-n:])
            if i is not None and (best is None or i < best):
                best = i
        return None if best is None else self.types[best].type

    def looks_like_unit(self, name: str) -> bool:
        """Whether ``name`` reads as an organisation name (known, or by its suffix).

        >>> g = load_gazetteer("nanjing-gulou")
        >>> g.looks_like_unit("区发改委"), g.looks_like_unit("市城建集团"), g.looks_like_unit("确保完成")
        (True, True, False)
        """
        key = normalize_name(name)
        if not key or len(key) > 30:
            return False
        if self.resolve_unit(key) or self.resolve_group(key):
            return True
        if _NOT_IN_NAMES.search(key):
            return False
        assert self._suffix_re is not None
        m = self._suffix_re.search(key)
        return bool(m) and m.start() >= 1

    # -- groups ------------------------------------------------------------------------
    def resolve_group(self, name: str) -> str | None:
        """Canonical group label for a group reference, or ``None``.

        >>> g = load_gazetteer("nanjing-gulou")
        >>> g.resolve_group("街道"), g.resolve_group("区相关部门"), g.resolve_group("区科技局")
        ('各街道', '区相关部门', None)
        """
        key = normalize_name(name)
        prefix = ""
        if key not in self._group_alias and key[:1] in LEVEL_PREFIXES and key[1:] in self._group_alias:
            prefix, key = key[0], key[1:]
        canonical = self._group_alias.get(key)
        if canonical is None:
            return None
        grp = self.groups[canonical]
        if grp.level_prefixed:
            return (prefix or self.level_prefix) + canonical
        return canonical

    def group_record(self, label: str) -> GroupRecord | None:
        key = label
        if key not in self.groups and key[:1] in LEVEL_PREFIXES:
            key = key[1:]
        return self.groups.get(key)

    def group_members(self, label: str) -> tuple[str, ...]:
        """Known members of a group whose scope is "all"; empty when unknown or a subset."""
        grp = self.group_record(label)
        if grp is None or grp.scope != "all":
            return ()
        return tuple(sorted(u.canonical for u in self.units.values() if u.type in grp.member_types))

    def type_label(self, type_: str) -> tuple[str, str]:
        for t in self.types:
            if t.type == type_:
                return t.label_zh, t.label_en
        return type_, type_

    def all_names(self) -> list[str]:
        """Every unit and group name and alias, longest first (for character matching)."""
        names = set(self._unit_alias) | set(self._group_alias)
        return sorted(names, key=lambda s: (-len(s), s))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split("|") if x.strip()) if cell else ()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [dict(row) for row in csv.DictReader(fh)]


def available_regions() -> list[str]:
    root = ontology_path() / "regions"
    return sorted(p.name for p in root.iterdir() if (p / "profile.json").is_file())


@cache
def responsibility_rules() -> dict[str, list[str]]:
    with (ontology_path() / "responsibility.json").open(encoding="utf-8") as fh:
        data: dict[str, list[str]] = json.load(fh)
    return data


@cache
def _types() -> tuple[TypeRecord, ...]:
    return tuple(
        TypeRecord(r["type"], r["label_zh"], r["label_en"], _split(r["suffixes"]))
        for r in _read_csv(ontology_path() / "unit_types.csv")
    )


@cache
def _groups() -> dict[str, GroupRecord]:
    out = {}
    for r in _read_csv(ontology_path() / "groups.csv"):
        out[r["canonical"]] = GroupRecord(
            r["canonical"], _split(r["aliases"]), r["scope"], _split(r["member_types"]),
            r.get("level_prefixed", "no") == "yes",
        )
    return out


@cache
def _profile(region: str) -> dict[str, object]:
    path = ontology_path() / "regions" / region / "profile.json"
    with path.open(encoding="utf-8") as fh:
        data: dict[str, object] = json.load(fh)
    return data


@cache
def load_gazetteer(region: str = GENERIC_REGION) -> Gazetteer:
    """The gazetteer of ``region`` (a folder name under ``ontology/regions``), or generic."""
    if region == GENERIC_REGION or region not in available_regions():
        return Gazetteer(GENERIC_REGION, "", "", {}, _groups(), _types())
    profile = _profile(region)
    units = {}
    for r in _read_csv(ontology_path() / "regions" / region / "units.csv"):
        units[r["canonical"]] = UnitRecord(
            r["canonical"], r["full_name"], _split(r["aliases"]), r["type"], r["governs"] or None
        )
    return Gazetteer(
        region, str(profile["name"]), str(profile.get("level_prefix", "")), units, _groups(), _types()
    )


def detect_region(text: str) -> str:
    """Pick the region profile whose distinctive units the text names, or ``"generic"``.

    A profile needs its keywords and at least ``min_distinctive_hits`` distinct streets,
    management committees or deployed units before it is chosen: generic names such as
    区发改委 exist in every district and prove nothing.
    """
    best, best_hits = GENERIC_REGION, 0
    for region in available_regions():
        profile = _profile(region)
        detect = profile.get("detect", {})
        assert isinstance(detect, dict)
        if not all(k in text for k in detect.get("keywords", [])):
            continue
        gaz = load_gazetteer(region)
        types = set(detect.get("distinctive_types", []))
        hits = sum(
            1 for u in gaz.units.values()
            if u.type in types and any(n in text for n in (u.canonical, *u.aliases, u.governs or "") if len(n) >= 2)
        )
        if hits >= int(detect.get("min_distinctive_hits", 3)) and hits > best_hits:
            best, best_hits = region, hits
    return best
