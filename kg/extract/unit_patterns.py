"""What the gazetteer derives from the unit tables of :mod:`kg.resources`: the national
table indexed by written form, and the group shapes (``ontology/units/group_shapes.json``)
compiled to regular expressions. Built once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..resources import StandardDepartment, group_shapes, standard_departments
from ..text.normalize import normalize_name

__all__ = ["GroupShapePatterns", "standard_index", "group_shape_patterns"]


@cache
def standard_index() -> dict[str, tuple[StandardDepartment, ...]]:
    """The standard departments by each normalised form they are written in."""
    index: dict[str, list[StandardDepartment]] = {}
    for row in standard_departments():
        for form in row.forms():
            index.setdefault(normalize_name(form), []).append(row)
    return {k: tuple(v) for k, v in index.items()}


@dataclass(frozen=True)
class GroupShapePatterns:
    pattern: re.Pattern[str]
    members: re.Pattern[str]  # 市安委会各成员单位: the members of a body
    quantifiers: dict[str, str]  # quantifier → scope
    kinds: dict[str, tuple[str, ...]]  # unit-type word → member types


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(normalize_name(w)) for w in sorted(set(words), key=len, reverse=True))


@cache
def group_shape_patterns() -> GroupShapePatterns:
    """The group shapes as regular expressions."""
    data = group_shapes()
    kinds = {normalize_name(w): tuple(k["member_types"]) for k in data["kinds"] for w in k["words"]}
    pattern = re.compile(
        rf"(?:(?P<place>(?:(?![和及与等的])[\u4e00-\u9fff]){{1,6}}?)??(?P<level>{_alt(data['level_words'])})(?:{_alt(data['level_qualifiers'])})?)?"
        rf"(?P<q>{_alt(list(data['quantifiers']))})"
        rf"(?P<mod>[\u4e00-\u9fff]{{1,{int(data['max_modifier'])}}}?)??"
        rf"(?P<word>{_alt(list(kinds))})"
    )
    members = re.compile(
        rf"[\u4e00-\u9fff]{{1,12}}(?:{_alt(data['owner_endings'])})(?:{_alt(list(data['quantifiers']))})?"
        rf"(?:{_alt(data['member_words'])})\Z"
    )
    return GroupShapePatterns(re.compile(pattern.pattern + r"\Z"), members, dict(data["quantifiers"]), kinds)
