"""Labelled responsibility fields: ``牵头单位：X；责任单位：Y``, on their own lines or inside
``（）``, ``[]`` or ``【】`` (a ``责任单位`` alone leads)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cache

from ..models import Responsibility, Role, UnitMention
from ..resources import responsibility_rules
from .gazetteer import Gazetteer
from .responsibility_clauses import apply_first_listed, ends_with_role, parse_clauses
from .responsibility_words import (
    CLOSE_BRACKETS,
    LABEL_MARKS,
    OPEN_BRACKETS,
    clause_rules,
    find_deadline,
)
from .unit_lists import (
    parse_unit_list,
)

__all__ = ["parse_labelled", "has_labelled", "heading_leaders"]


def _value_end(value: str) -> int:
    """Where a labelled value stops: its line, its sentence, or its enclosing bracket
    (a bracket opened inside the value, as in 区发改委（牵头）, does not stop it)."""
    depth = 0
    for i, c in enumerate(value):
        if c in "\n。；":
            return i
        if c in OPEN_BRACKETS:
            depth += 1
        elif c in CLOSE_BRACKETS:
            if depth == 0:
                return i
            depth -= 1
    return len(value)


def _label_kind(label: str) -> str:
    r = clause_rules()
    if label in r.leader_labels:
        return "leader"
    if label in r.deadline_labels:
        return "deadline"
    if label in r.lead_labels:
        return "lead"
    if label in r.co_labels:
        return "co"
    return "resp"


@cache
def _label_mark_re() -> re.Pattern[str]:
    """One of ``LABEL_MARKS``: every text is asked first whether it holds one."""
    return re.compile("|".join(map(re.escape, LABEL_MARKS)))


_Field = tuple[str, str, int]  # (kind, value, value_start)


def _fields(text: str) -> Iterator[tuple[re.Match[str], _Field]]:
    """The top-level labels of ``text``, each with the field it starts, in text order; read
    as they are asked for (a field's value ends where the next label starts)."""
    if not _label_mark_re().search(text):
        return
    labels = _top_level_labels(text, clause_rules().label_re.finditer(text))
    m = next(labels, None)
    while m is not None:
        following = next(labels, None)
        label = m.group(1) or m.group(2) or m.group(3)
        start = m.end()
        end = following.start() if following is not None else len(text)
        value = text[start:end]
        if not value[: _value_end(value)].strip(" \t") and value.lstrip(" \t").startswith("\n"):
            # the label alone on its line: the value is the next line (牵头单位：\n县卫健委)
            start += len(value) - len(value.lstrip(" \t\n"))
            value = text[start:end]
        value = value[: _value_end(value)]
        value = value.rstrip("，、 \t[（【")
        yield m, (_label_kind(label), value, start)
        m = following


def _field_units(
    field: _Field, gaz: Gazetteer, first_listed: bool, has_lead_label: bool
) -> tuple[list[UnitMention], list[UnitMention]]:
    """The leads and co-leads of one unit field (kind ``lead``, ``co`` or ``resp``)."""
    kind, value, start = field
    role = Role.LEAD if kind == "lead" else Role.CO_LEAD
    if kind == "resp" and ends_with_role(value):
        # 责任单位：X牵头，Y配合 — the roles are in the value
        clauses = parse_clauses(value, start, gaz, first_listed, strict=False)
        if clauses is not None:
            return clauses
    mentions = parse_unit_list(value, role, gaz, offset=start)
    if kind == "resp" and not has_lead_label and not any(m.role is Role.LEAD for m in mentions):
        # 责任单位 alone leads, unless one of them is marked （牵头）
        mentions = [replace(m, role=Role.LEAD) for m in mentions]
        mentions = apply_first_listed(mentions, first_listed)
    return [m for m in mentions if m.role is Role.LEAD], [m for m in mentions if m.role is not Role.LEAD]


def _leaders(value: str) -> list[str]:
    return [x for x in re.split(r"[、，\s]+", value) if x]


def parse_labelled(text: str, gaz: Gazetteer, first_listed: bool) -> Responsibility | None:
    found = list(_fields(text))
    if not found:
        return None
    fields = [f for _, f in found]
    has_lead_label = any(k == "lead" for k, _, _ in fields)
    lead: list[UnitMention] = []
    co: list[UnitMention] = []
    leaders: list[str] = []
    deadline = None
    for field in fields:
        kind, value, _ = field
        if kind == "leader":
            leaders.extend(_leaders(value))
            continue
        if kind == "deadline":
            deadline = value.strip() or deadline
            continue
        field_lead, field_co = _field_units(field, gaz, first_listed, has_lead_label)
        lead.extend(field_lead)
        co.extend(field_co)
    if deadline is None:
        # a deadline written inside the list (…，6月底完成)
        deadline = next((p for _, value, _ in fields for p in re.split(r"[，、；]", value)
                         if p and find_deadline(p) == p), None)
    if not (lead or co or leaders):
        return None
    first = found[0][0].start()
    if first > 0 and text[first - 1] in OPEN_BRACKETS:
        first -= 1
    return Responsibility(
        lead=tuple(lead), co_lead=tuple(co), leaders=tuple(leaders), deadline=deadline,
        clause=text[first:].strip(), clause_start=first, pattern="labelled",
    )


def has_labelled(text: str, gaz: Gazetteer, first_listed: bool) -> bool | None:
    """What :func:`parse_labelled` says of ``text`` for :func:`has_responsibility`, read
    only as far as needed: True when it finds a lead or co-lead (the first unit field that
    names one decides: a heading's block holds the fields of all its tasks, which are
    neither cut nor searched further), False when it finds only leaders, None when it finds
    nothing. Whether a unit field names a unit does not depend on the roles the other
    labels give (a 责任单位 leads only when no 牵头 label is there): read as if one were."""
    leaders = False
    for _, field in _fields(text):
        kind, value, _ = field
        if kind == "leader":
            leaders = leaders or bool(_leaders(value))
        elif kind != "deadline" and any(_field_units(field, gaz, first_listed, True)):
            return True
    return False if leaders else None


def _top_level_labels(text: str, matches: Iterable[re.Match[str]]) -> Iterator[re.Match[str]]:
    """Labels not nested in a bracket opened inside the previous label's value: in
    ``责任单位：县教育局（责任人：张三）、县财政局`` the 责任人 belongs to the unit."""
    kept: re.Match[str] | None = None
    for m in matches:
        if kept is not None:
            between = text[kept.end() : m.start()]
            depth = sum(between.count(c) for c in "（(【[") - sum(between.count(c) for c in "）)】]")
            if depth > 0:
                continue
        kept = m
        yield m


@cache
def _leader_heading_re() -> re.Pattern[str]:
    d = responsibility_rules()
    titles = "|".join(map(re.escape, sorted(d["leader_titles"], key=len, reverse=True)))
    verbs = "|".join(map(re.escape, d["leader_heading_verbs"]))
    return re.compile(rf"^([\u4e00-\u9fff]{{2,4}}?)(?:同志)?(?:{titles})(?:{verbs})")


def heading_leaders(title: str, gaz: Gazetteer) -> tuple[str, ...]:
    """Persons a section heading names as leading its tasks: ``袁家军省长主抓重点工作`` or
    ``…工作目标（牵头领导：成坤、柯相国）``. Persons are leaders, never units.

    >>> from kg.extract.gazetteer import load_gazetteer
    >>> g = load_gazetteer()
    >>> heading_leaders("袁家军省长主抓重点工作", g), heading_leaders("主要经济指标（牵头领导：成坤、柯相国）", g)
    (('袁家军',), ('成坤', '柯相国'))
    >>> heading_leaders("市长热线办理工作", g), heading_leaders("加快产业发展", g)
    ((), ())
    """
    m = _leader_heading_re().match(title)
    if m:
        return (m.group(1),)
    parsed = parse_labelled(title, gaz, False)
    return parsed.leaders if parsed is not None else ()
