"""Role clauses of a responsibility text — ``X牵头，Y配合``, ``由X负责``, ``X、Y按职责分工负责``
— each cut into its units with their roles (the core the labelled, bracketed and inline
forms share), and the merge of mentions of one unit found twice."""

from __future__ import annotations

import operator
import re
from dataclasses import replace
from functools import cache, lru_cache

from ..models import Responsibility, Role, UnitMention
from ..resources import responsibility_rules
from .gazetteer import Gazetteer
from .responsibility_words import (
    CLAUSE,
    clause_rules,
    find_deadline,
    role_of_word,
)
from .unit_lists import (
    GazetteerKey,
    parse_unit_list,
    shifted,
    with_role,
)

__all__ = ["ends_with_role", "apply_first_listed", "parse_clauses", "dedupe_mentions"]


def ends_with_role(value: str) -> bool:
    """Whether a clause of ``value`` ends with a role word (区发改委牵头，区财政局配合)."""
    r = clause_rules()
    return any(
        value[m.end() : m.end() + 1] in ("", "，", "；", "。", "\n") and not value[m.end() :].startswith(r.not_role_after)
        for m in r.role_re.finditer(value)
    )


def apply_first_listed(mentions: list[UnitMention], first_listed: bool) -> list[UnitMention]:
    """Under the "列第一位的为牵头单位" convention, only the first unit of a plain list leads."""
    if not first_listed or any(m.role is Role.CO_LEAD for m in mentions):
        return mentions
    return [m if i == 0 else with_role(m, Role.CO_LEAD) for i, m in enumerate(mentions)]


def parse_clauses(
    content: str, offset: int, gaz: Gazetteer, first_listed: bool, strict: bool
) -> tuple[list[UnitMention], list[UnitMention]] | None:
    """Parse ``A、B主办，C协办`` style clauses; None when it is not a responsibility clause.

    The same brackets close many tasks, and the segmenter asks about every task twice
    (with and without its number): the parse is remembered per bracket content and
    moved to ``offset``.
    """
    parsed = _parse_clauses_at_0(content, GazetteerKey(gaz), first_listed, strict)
    if parsed is None:
        return None
    lead, co = parsed
    if offset == 0:
        return list(lead), list(co)
    return [shifted(m, offset) for m in lead], [shifted(m, offset) for m in co]


@lru_cache(maxsize=16384)
def _parse_clauses_at_0(
    content: str, key: GazetteerKey, first_listed: bool, strict: bool
) -> tuple[tuple[UnitMention, ...], tuple[UnitMention, ...]] | None:
    parsed = _parse_clauses_uncached(content, 0, key.gaz, first_listed, strict)
    return None if parsed is None else (tuple(parsed[0]), tuple(parsed[1]))


def _parse_clauses_uncached(
    content: str, offset: int, gaz: Gazetteer, first_listed: bool, strict: bool
) -> tuple[list[UnitMention], list[UnitMention]] | None:
    r = clause_rules()
    lead: list[UnitMention] = []
    co: list[UnitMention] = []
    clauses = []
    for cm in CLAUSE.finditer(content):
        # "区发改委牵头、区财政局配合": a role word followed by 、 also ends a clause
        cut = cm.start()
        whole = cm.group(0)
        if "、" in whole:
            for rm in r.role_re.finditer(whole):
                if whole[rm.end() : rm.end() + 1] == "、":
                    clauses.append((cut, cm.start() + rm.end()))
                    cut = cm.start() + rm.end() + 1
        clauses.append((cut, cm.end()))
    saw_role = False
    bare: list[UnitMention] = []
    shared: list[UnitMention] = []
    for cs, ce in clauses:
        clause = content[cs:ce]
        prefix = next((p for p in r.co_prefixes if clause.startswith(p)), None) if clause.startswith(r.co_prefixes) else None
        if prefix and not r.role_re.search(clause):
            items = parse_unit_list(clause[len(prefix) :], Role.CO_LEAD, gaz, offset + cs + len(prefix), strict=True)
            if items:
                co.extend(items)
                saw_role = True
                continue
        m: re.Match[str] | None = None
        for m_ in r.role_re.finditer(clause):
            after = clause[m_.end() : m_.end() + 2]
            if after.startswith(r.not_role_after):
                continue
            m = m_
        if m is None or clause[m.end() :].strip(" 。"):
            # no role word at the end of this clause: a bare list (or prose)
            items = parse_unit_list(clause, Role.LEAD, gaz, offset + cs, strict=True)
            if not items and not strict and _unit_slot(clause, content):
                # a unit the gazetteer does not know, in a bracket that assigns roles: kept
                # as written (and reported as unknown), never dropped
                items = parse_unit_list(clause, Role.LEAD, gaz, offset + cs)
            if not items:
                if strict:
                    return None
                continue
            bare.extend(items)
            continue
        saw_role = True
        role = role_of_word(m.group(0))
        units_text = clause[: m.start()]
        items = parse_unit_list(units_text, role, gaz, offset + cs, strict=strict)
        if not items:
            return None
        if m.group(0) in r.shared_words:
            shared.extend(bare)
            bare = []
            shared.extend(items)
            continue
        # a bare list before a role-marked one shares its role: in 区财政局、区住建局等部门，
        # 各街道配合 all three co-lead
        if bare:
            (lead if role is Role.LEAD else co).extend(with_role(b, role) for b in bare)
            bare = []
        for it in items:
            (lead if it.role is Role.LEAD else co).append(it)
    # 按职责分工负责: co-leads beside a named lead, leads otherwise
    if shared:
        role = Role.CO_LEAD if lead else Role.LEAD
        (co if lead else lead).extend(with_role(x, role) for x in shared)
    if bare:
        if saw_role:
            # a bare list after the role-marked ones: co-leads beside a lead
            (co if lead else lead).extend(with_role(b, Role.CO_LEAD if lead else Role.LEAD) for b in bare)
        else:
            for it in apply_first_listed(bare, first_listed):
                (lead if it.role is Role.LEAD else co).append(it)
    if not (lead or co):
        return None
    lead.sort(key=_START)
    co.sort(key=_START)
    return lead, co


_START = operator.attrgetter("start")


@cache
def _not_unit_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, responsibility_rules()["not_unit_words"])))


def _unit_slot(clause: str, content: str) -> bool:
    """A clause of a bracket that names roles elsewhere, shaped like a name (short, no
    digits, no prose or deadline words): a unit slot."""
    c = clause.strip(" 。")
    return (
        bool(c) and len(c) <= 20 and clause_rules().role_re.search(content) is not None
        and not re.search(r"[\d%：:“”《》]", c) and not _not_unit_re().search(c) and find_deadline(c) is None
    )


def dedupe_mentions(r: Responsibility, text: str) -> Responsibility:
    """Drop repeats of a unit within one role; a unit that leads is not also a co-lead.

    "The same unit" is the same node of the graph (``UnitMention.node_key``): two ways of
    writing one name count once, so the graph never says that a task's lead co-leads it.
    """
    seen: set[tuple[str, str]] = set()

    def unseen(mentions: tuple[UnitMention, ...]) -> list[UnitMention]:
        out = []
        for m in mentions:
            if m.node_key not in seen:
                seen.add(m.node_key)
                out.append(m)
        return out

    lead = unseen(r.lead)  # leads first: a unit that leads is dropped from the co-leads
    co = unseen(r.co_lead)
    if len(lead) == len(r.lead) and len(co) == len(r.co_lead):
        return r  # nothing repeated
    return replace(r, lead=tuple(lead), co_lead=tuple(co))
