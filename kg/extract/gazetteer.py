"""Units, unit groups and region profiles, loaded from the data files in ``ontology/``.

The gazetteer answers three questions for the responsibility parser and the graph:
is this string a unit (or a group reference), what is its canonical name, and what
type of unit is it. Nothing here holds department names: they are all data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from ..resources import (
    GroupRecord,
    StandardDepartment,
    TypeRecord,
    UnitRecord,
    available_regions,
    name_forms,
    region_profile,
    region_unit_rows,
    region_units,
    responsibility_rules,
    standard_departments,
    unit_groups,
    unit_types,
)
from ..text.normalize import normalize_name
from .regions import Division, RegionDataMissing, division, divisions_named, read_region
from .unit_patterns import group_shape_patterns as _group_shapes
from .unit_patterns import standard_index as _standard_index

__all__ = [
    "UnitRecord",
    "GroupRecord",
    "Gazetteer",
    "StandardDepartment",
    "load_gazetteer",
    "available_regions",
    "profile_files",
    "detect_region",
    "read_document_region",
    "responsibility_rules",
    "standard_departments",
    "unit_types",
]

GENERIC_REGION = "generic"
_NOT_IN_NAMES = re.compile(r"[，。；：！？“”《》\d%]")
LEVEL_PREFIXES = ("区", "县", "市", "镇", "乡", "省")
# the level word a unit name may start with (自治区发展改革委, 州司法局, 旗教育局), longest first
_WRITTEN_LEVELS = ("自治区", "地区", "省", "市", "州", "盟", "县", "区", "旗", "镇", "乡")
_LEVEL_OF_CHAR = {
    "省": "province", "自治区": "province", "市": "city", "州": "city", "盟": "city", "地区": "city",
    "县": "county", "区": "county", "旗": "county", "镇": "town", "乡": "town",
}


@dataclass
class Gazetteer:
    """Lookup tables for one region (or the generic, region-less gazetteer)."""

    region: str
    region_name: str
    level_prefix: str
    units: dict[str, UnitRecord] = field(default_factory=dict)
    groups: dict[str, GroupRecord] = field(default_factory=dict)
    types: tuple[TypeRecord, ...] = ()
    # the region's level (province | city | county | town) and the names it and the
    # regions above it go by, each with the level word its units use (广州市 → 市): with a
    # level, names the profile does not hold are resolved by the national table
    level: str = ""
    places: tuple[tuple[str, str, str], ...] = ()  # (name, canonical prefix, level)
    _national: dict[str, tuple[str, str] | None] = field(default_factory=dict, repr=False, compare=False)
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
        found = self.resolve_standard(key)
        return found[0] if found else None

    def resolve_standard(self, name: str) -> tuple[str, str] | None:
        """Canonical name and type of a unit by the national tables, in this region.

        The canonical name is the level word plus the standard full name: 市发改委,
        市发展改革委 and 发展和改革委员会 in a city's plan are all 市发展和改革委员会; a
        place name of the region counts as its level word (桐乡市科技局 → 市科学技术局). Named
        units keep their name with the standard suffix (南沙区政府 → 南沙区人民政府). Only
        a gazetteer with a region level (not the generic one) resolves these.

        >>> g = load_gazetteer("cn-440100")
        >>> g.resolve_standard("市发改委"), g.resolve_standard("国土房管局")
        (('市发展和改革委员会', 'GovernmentDepartment'), ('市国土资源和房屋管理局', 'GovernmentDepartment'))
        >>> g.resolve_standard("确保完成") is None
        True
        """
        if not self.level:
            return None
        key = normalize_name(name)
        if key in self._national:
            return self._national[key]
        found = self._standard(key)
        if len(self._national) < 50_000:
            self._national[key] = found
        return found

    def _standard(self, key: str) -> tuple[str, str] | None:

        key = key.removeprefix("中共")  # 中共广州市委组织部
        own = self.level_prefix
        # (what the canonical name starts with, the rest of the name, the level it is at)
        candidates = [(own, key, self.level)]
        for place, prefix, level in self.places:
            if key.startswith(place) and len(key) > len(place):
                candidates.append((prefix, key[len(place) :], level))
        for word in _WRITTEN_LEVELS:
            if key.startswith(word) and len(key) > len(word) + 1:
                candidates.append((word, key[len(word) :], self.level if word == own else _LEVEL_OF_CHAR[word]))
                break
        # another division, named in full (南沙区发改委 in a city's plan)
        for k in range(min(len(key) - 2, 12), 2, -1):
            named = divisions_named(key[:k])
            if named:
                candidates.append((key[:k], key[k:], named[0].level))
                break
        index = _standard_index()
        for prefix, rest, level in candidates:
            rows = index.get(rest)
            if not rows:
                continue
            row = next((r for r in rows if level in r.levels), rows[0])
            return prefix + row.after_level + row.full_name, row.type
        for form in name_forms():
            for sfx in form.suffixes:
                stem = key[: -len(sfx)]
                if key.endswith(sfx) and _NAMED_STEM.fullmatch(stem) and not _GROUP_WORD.match(stem):
                    return stem + form.canonical_suffix, form.type
        return None

    def unit_type(self, name: str) -> str | None:
        """Type of a known unit, else a guess from the name's suffix, else ``None``."""
        canonical = self.resolve_unit(name)
        if canonical is not None:
            if canonical in self.units:
                return self.units[canonical].type
            found = self.resolve_standard(name)
            if found:
                return found[1]
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
            shaped = self._group_by_shape(key)
            return shaped.canonical if shaped else None
        grp = self.groups[canonical]
        if grp.level_prefixed:
            return (prefix or self.level_prefix) + canonical
        return canonical

    def _group_by_shape(self, key: str) -> GroupRecord | None:
        """A group reference recognised by its shape (``ontology/units/group_shapes.json``):
        a group of groups.csv when its quantifier and word make one (区级相关部门 →
        区相关部门, 县各有关单位 → 县相关部门), else a group of its own, labelled as written.

        >>> g = load_gazetteer("generic")
        >>> [g.resolve_group(n) for n in ("区级相关部门", "州直相关单位", "各县级市", "区属各重点国企", "各类企业")]
        ['区相关部门', '州相关部门', '各县级市', '区属各重点国企', None]
        >>> [g.resolve_group(n) for n in ("各县、区人民政府", "市安委会各成员单位", "市安委会", "各县、区发改局")]
        ['各县、区人民政府', '市安委会各成员单位', None, None]
        >>> [g.resolve_group(n) for n in ("高新区各有关部门", "经开区相关单位", "高新区财政局", "州委编办及州直相关单位")]
        ['高新区各有关部门', '经开区相关单位', None, None]
        """
        shapes = _group_shapes()
        m = shapes.pattern.match(key)
        if m is None:
            if shapes.members.match(key):  # 市安委会各成员单位: the body's member units
                return GroupRecord(key, (), "all", shapes.kinds[normalize_name("成员单位")])
            return None
        level = m.group("level") or ""  # 区, 州 (of 区级, 州直)
        quantifier, modifier, word = m.group("q"), m.group("mod") or "", m.group("word")
        scope = shapes.quantifiers[quantifier]
        if m.group("place"):
            # a named place's group (高新区各有关部门): a group of its own, labelled as written
            return GroupRecord(key, (), "subset" if modifier else scope, shapes.kinds[word])
        if not modifier:
            # the group of groups.csv this names, if any (各有关单位, 相关单位 → 相关部门)
            for core in (quantifier + word, ("各" if scope == "all" else "相关") + word):
                canonical = self._group_alias.get(core)
                if canonical is None:
                    continue
                grp = self.groups[canonical]
                if grp.scope == "all" and scope != "all":
                    continue
                label = (level or self.level_prefix) + canonical
                return GroupRecord(label if grp.level_prefixed else canonical, (), grp.scope, grp.member_types, grp.level_prefixed)
        # a modifier narrows the group (各重点国企 are some of the 国企)
        return GroupRecord(key, (), "subset" if modifier else scope, shapes.kinds[word])

    def group_record(self, label: str) -> GroupRecord | None:
        """The group of a label :meth:`resolve_group` gave."""
        key = label
        if key not in self.groups and key[:1] in LEVEL_PREFIXES:
            key = key[1:]
        found = self.groups.get(key)
        if found is None and label not in self.groups:
            shaped = self._group_by_shape(label)
            return shaped if shaped and shaped.canonical == label else None
        return found

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


_GROUP_WORD = re.compile(r"^(?:各|有关|相关|其他|其它|全|所有)")
# the name a named unit has before its suffix (南沙 of 南沙区政府): a few characters, no
# conjunction or particle (区发改委和东风镇 is two units)
_NAMED_STEM = re.compile(r"[^\W\d和及与的、，,在对等]{2,10}")


def profile_files(region: str) -> tuple[dict[str, object], list[dict[str, str]]] | None:
    """The ``profile.json`` and the ``units.csv`` rows (every column) of a region profile,
    or ``None`` when ``region`` has no profile."""
    if region not in available_regions():
        return None
    return dict(region_profile(region)), region_unit_rows(region)


def _division_gazetteer(region: str) -> Gazetteer | None:
    """The gazetteer of a region without a profile: ``cn-440100``, ``cn-500113-木洞镇``,
    or a division's name."""

    town = ""
    if region.startswith("cn-"):
        region, _, town = region.partition("-")[2].partition("-")
        found = division(region)
    else:
        named = divisions_named(region)
        found = named[0] if len(named) == 1 else None
    if found is None or (town and not town.endswith(("街道", "镇", "乡"))):
        return None
    if town:
        return _town_gazetteer(found, town)
    # the region's own names stand for its level word; a region above it keeps its name
    # where its level word is the same (嘉兴市发改委 in 桐乡市's plan is not 市发改委)
    places = [(n, found.level_char, found.level) for n in (found.name, *found.short_names())]
    for a in reversed(found.ancestors()):
        prefix = a.level_char if a.level_char != found.level_char else a.name
        places += [(n, prefix, a.level) for n in (a.name, *a.short_names())]
    places = [p for p in places if len(p[0]) >= 2 and p[1]]
    return Gazetteer(
        found.region_id, found.full_name, found.level_char, {}, unit_groups(), unit_types(),
        level=found.level, places=tuple(sorted(places, key=lambda x: -len(x[0]))),
    )


def _town_gazetteer(county: Division, town: str) -> Gazetteer:
    """A township or street (``cn-500113-木洞镇``): its units are 镇…, its places its own
    name and those of the regions above it."""
    char = next(w for w in ("街道", "镇", "乡") if town.endswith(w))
    above = _division_gazetteer(county.region_id)
    assert above is not None
    places = [(town, char, "town")]
    if len(town) - len(char) >= 2:
        places.append((town[: -len(char)], char, "town"))
    places += [(n, p if p != char else n, lv) for n, p, lv in above.places]
    return Gazetteer(
        f"{county.region_id}-{town}", county.full_name + town, char, {}, unit_groups(), unit_types(),
        level="town", places=tuple(sorted(places, key=lambda x: -len(x[0]))),
    )


@cache
def load_gazetteer(region: str = GENERIC_REGION) -> Gazetteer:
    """The gazetteer of ``region``: a folder name under ``ontology/regions``, a division
    (``cn-440100`` or a name such as ``广州市``), else the generic one."""
    if region != GENERIC_REGION and region not in available_regions():
        gaz = _division_gazetteer(region)
        if gaz is not None:
            return gaz
    if region == GENERIC_REGION or region not in available_regions():
        return Gazetteer(GENERIC_REGION, "", "", {}, unit_groups(), unit_types())
    profile = region_profile(region)
    units = dict(region_units(region))
    places: tuple[tuple[str, str, str], ...] = ()
    if profile.get("adcode"):
        town = str(profile.get("town", ""))
        extra = _division_gazetteer("cn-" + str(profile["adcode"]) + (f"-{town}" if town else ""))
        places = extra.places if extra else ()
    return Gazetteer(
        region, str(profile["name"]), str(profile.get("level_prefix", "")), units, unit_groups(), unit_types(),
        level=str(profile.get("level", "")), places=places,
    )


def read_document_region(text: str) -> tuple[str, int, str | None]:
    """The region of a document: ``(region id, line of the evidence, note)``.

    A region profile whose distinctive units the text names comes first
    (:func:`detect_region`); else the division that issues the document
    (:func:`kg.extract.regions.read_region`): its profile if one declares its ``adcode``, else
    ``cn-<adcode>``. When neither is found the region is ``generic`` and the note says so.
    """
    region = detect_region(text)
    if region != GENERIC_REGION:
        return region, 1, None

    try:
        reading = read_region(text)
    except RegionDataMissing as exc:
        return GENERIC_REGION, 1, f"{exc}; units are kept in the generic scope, as written"
    if reading.division is None:
        return GENERIC_REGION, reading.line, reading.note
    for profile in available_regions():
        data = region_profile(profile)
        if (str(data.get("adcode", "")), str(data.get("town", ""))) == (reading.division.code, reading.town or ""):
            return profile, reading.line, None
    return str(reading.region_id), reading.line, reading.note


def detect_region(text: str) -> str:
    """Pick the region profile whose distinctive units the text names, or ``"generic"``.

    A profile needs its keywords and at least ``min_distinctive_hits`` distinct streets,
    management committees or deployed units before it is chosen: generic names such as
    区发改委 exist in every district and prove nothing.
    """
    best, best_hits = GENERIC_REGION, 0
    for region in available_regions():
        profile = region_profile(region)
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
