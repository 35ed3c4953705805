"""A draft region profile from what a build found: ``kg profile OUT --region R``.

The draft (``units.csv`` and ``profile.json``, the files of ``ontology/regions/<id>/``)
lists every unit the region's documents name, with its canonical name, the ways it is
written (aliases), its type and where the name came from (the region's profile, the
national table, or kept as written), and every group reference with its scope and member
types. An analyst reviews it (full names, types of units kept as written, the streets and
towns each group holds) and commits it; from then on the region's documents resolve to it.
The profile id defaults to the build's region id (``cn-440100``), so that the IRIs of a
build stay the same once the profile is committed.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..extract.gazetteer import (
    GENERIC_REGION,
    Gazetteer,
    load_gazetteer,
    profile_files,
)
from ..resources import ontology_path
from ..text.normalize import normalize_name

__all__ = ["DraftProfile", "draft_profile", "default_profile_folder"]

UNIT_COLUMNS = ("canonical", "full_name", "aliases", "type", "governs", "area_aliases", "source", "tasks")


@dataclass(frozen=True)
class DraftProfile:
    """What :func:`draft_profile` wrote."""

    region: str
    folder: Path
    units: int
    groups: int
    kept_as_written: int  # units neither the profile nor the national table knows
    documents: int


def default_profile_folder(profile_id: str) -> Path:
    """``ontology/regions/<id>`` of a source checkout (not of an installed package)."""
    root = ontology_path()
    if not (root.parent / "pyproject.toml").is_file():
        raise UsageError(
            f"kg is installed as a package ({root}), not run from a source checkout: "
            "name the folder to write the draft profile to with --to"
        )
    return root / "regions" / profile_id


def _build_data(out: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    manifest, tasks = out / "manifest.json", out / "tasks.jsonl"
    if not manifest.is_file() or not tasks.is_file():
        raise UsageError(f"{out} is not a build folder (no manifest.json and tasks.jsonl): run kg build first")
    with manifest.open(encoding="utf-8") as fh:
        documents = json.load(fh)["documents"]
    with tasks.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return documents, records


def _full_name(gaz: Gazetteer, canonical: str, type_: str, region_name: str) -> str:
    """广州市 + 发展和改革委员会 for 市发展和改革委员会; 中共广州市委组织部 for 市委组织部."""
    prefix = gaz.level_prefix
    if not prefix or not canonical.startswith(prefix) or not region_name:
        return canonical
    full = region_name + canonical[len(prefix) :]
    return "中共" + full if type_ == "PartyDepartment" and canonical[len(prefix) :].startswith("委") else full


def draft_profile(
    out: Path, region: str, dest: Path | None = None, profile_id: str | None = None, force: bool = False
) -> DraftProfile:
    """Write a draft profile of ``region`` (an id such as ``cn-440100``, a division name or a
    profile id) from the build folder ``out`` to ``dest`` (default: ``ontology/regions/<id>``
    of a source checkout). An existing profile is overwritten only with ``force``."""
    gaz = load_gazetteer(region)
    if gaz.region == GENERIC_REGION:
        raise UsageError(f"unknown region {region!r}: give a region id of the build (kg build prints them) or a division name")
    documents, records = _build_data(Path(out))
    regions = sorted({str(d["region"]) for d in documents})
    names = {str(d["document"]) for d in documents if d["region"] == gaz.region}
    if not names:
        raise UsageError(f"the build in {out} has no document of region {gaz.region}; its regions: {', '.join(regions)}")
    profile_id = profile_id or gaz.region
    folder = Path(dest) if dest is not None else default_profile_folder(profile_id)
    existing = [p for p in (folder / "profile.json", folder / "units.csv") if p.exists()]
    if existing and not force:
        raise UsageError(f"{existing[0]} exists: a profile is not overwritten without --force")

    units, groups, aliases = _names_found(gaz, records, names)
    region_name = _division_name(gaz)
    # a region with a profile: its rows and settings are kept as they are, what the build
    # found is added (aliases, units it does not list, groups)
    base_profile, base_rows = profile_files(gaz.region) or ({}, [])
    columns = [*UNIT_COLUMNS, *(c for r in base_rows[:1] for c in r if c not in UNIT_COLUMNS)]
    rows, kept = _unit_rows(gaz, units, {r["canonical"]: r for r in base_rows}, region_name)
    group_list = []
    for label in sorted(groups):
        grp = gaz.group_record(label)
        group_list.append({
            "label": label, "written": sorted(groups[label].aliases),
            "scope": grp.scope if grp else "unknown", "member_types": list(grp.member_types) if grp else [],
            "tasks": groups[label].tasks,
        })
    profile = _profile_json(gaz, profile_id, region_name, aliases, group_list, sorted(names))
    if base_profile:
        profile = base_profile | {k: profile[k] for k in ("id", "draft", "note", "aliases", "groups", "documents")}

    folder.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / "units.csv").write_text(buf.getvalue(), encoding="utf-8")
    (folder / "profile.json").write_text(json.dumps(profile, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return DraftProfile(gaz.region, folder, len(rows), len(group_list), kept, len(names))


@dataclass
class _Found:
    """A unit or group the documents name: as written (first, or every way for a
    group), its other spellings, and on how many task roles."""

    written: str
    aliases: set[str] = field(default_factory=set)
    tasks: int = 0


def _names_found(
    gaz: Gazetteer, records: list[dict[str, object]], names: set[str]
) -> tuple[dict[str, _Found], dict[str, _Found], dict[str, str]]:
    """The units (with the names they are written as), groups and aliases the documents
    ``names`` of the build use, plus every unit of the region's profile."""
    units: dict[str, _Found] = {}
    groups: dict[str, _Found] = {}
    aliases: dict[str, str] = {}
    for rec in records:
        if rec["document"] not in names:
            continue
        for m in (*rec["lead"], *rec["co_lead"]):  # type: ignore[misc]
            written, canonical = normalize_name(m["name"]), m["unit"]
            # a group's "unit" is its label (县级市 after 各区 is 各县级市)
            group = gaz.resolve_group(canonical) or gaz.resolve_group(written)
            if group is not None:
                g = groups.setdefault(group, _Found(group))
                g.aliases.add(written)  # every way the group is written
                g.tasks += 1
                continue
            u = units.setdefault(canonical, _Found(written))
            if written != canonical:
                u.aliases.add(written)
                aliases[written] = canonical
            u.tasks += 1
    for known in gaz.units.values():  # a profile's units stay in its draft
        units.setdefault(known.canonical, _Found(known.canonical))
    return units, groups, aliases


def _unit_rows(
    gaz: Gazetteer, units: dict[str, _Found], base: dict[str, dict[str, str]], region_name: str
) -> tuple[list[dict[str, object]], int]:
    """The rows of the draft's units.csv, and how many units are kept as written."""
    rows: list[dict[str, object]] = []
    kept = 0
    for canonical in sorted(units):
        u = units[canonical]
        if canonical in base:
            row: dict[str, object] = dict(base[canonical])
            row["aliases"] = "|".join(sorted({*str(row["aliases"]).split("|"), *u.aliases} - {""}))
            rows.append(row | {"source": "profile", "tasks": u.tasks})
            continue
        known = gaz.units.get(canonical)
        if known is not None:
            source, type_ = "profile", known.type
            full, governs = known.full_name, known.governs or ""
            alias_set = set(known.aliases) | u.aliases
        else:
            standard = gaz.resolve_standard(u.written)
            source = "national table" if standard else "kept as written"
            kept += standard is None
            type_ = standard[1] if standard else (gaz.unit_type(canonical) or "")
            full, governs, alias_set = _full_name(gaz, canonical, type_, region_name), "", u.aliases
        rows.append({
            "canonical": canonical, "full_name": full, "aliases": "|".join(sorted(alias_set)),
            "type": type_, "governs": governs, "area_aliases": "", "source": source, "tasks": u.tasks,
        })
    return rows, kept


def _division_name(gaz: Gazetteer) -> str:
    from ..extract.regions import division

    d = division(gaz.region) if gaz.region.startswith("cn-") else None
    return d.name if d and d.region_id == gaz.region else gaz.region_name


def _profile_json(
    gaz: Gazetteer, profile_id: str, region_name: str, aliases: dict[str, str],
    groups: list[dict[str, object]], documents: list[str],
) -> dict[str, object]:
    from ..extract.regions import division

    code, _, town = gaz.region.removeprefix("cn-").partition("-")
    d = division(code) if gaz.region.startswith("cn-") else None
    keywords = [d.short_names()[-1] if d and d.short_names() else region_name] if region_name else []
    by_canonical: dict[str, list[str]] = defaultdict(list)
    for written, canonical in sorted(aliases.items()):
        by_canonical[canonical].append(written)
    return {
        "id": profile_id,
        "name": gaz.region_name,
        "name_en": "",
        "adcode": d.code if d else "",
        "town": town,
        "level_prefix": gaz.level_prefix,
        "level": gaz.level or (d.level if d else ""),
        "draft": True,
        "note": "Drafted by kg profile from a build: review units.csv (full names, the types of units "
        "kept as written, the streets and towns the region has), then remove 'draft' and commit.",
        "detect": {
            "keywords": keywords,
            "min_distinctive_hits": 3,
            "distinctive_types": ["StreetOffice", "TownOffice", "ManagementCommittee", "DeployedUnit"],
        },
        "aliases": dict(sorted(by_canonical.items())),
        "groups": groups,
        "documents": documents,
    }
