"""Stage 3a: find who is responsible for a task, from the task's own text.

Pure functions: text in, :class:`~kg.models.Responsibility` out. The formats, tried in
this order (the first that finds units wins):

1. labelled fields — ``牵头单位：X；责任单位：Y``, on their own lines or inside ``（）``,
   ``[]`` or ``【】``; a ``责任单位`` alone leads;
2. a trailing parenthesis — ``（区科技局、高新区管委会主办，区相关部门、各街道、板块协办）``,
   ``（X负责）``, or a bare unit list;
3. inline phrases — ``X牵头，Y配合``, ``由X负责``.

Table rows are handled by :func:`parse_columns`, given cells already mapped to meanings.
The parts live in modules of their own: the words compiled once
(:mod:`kg.extract.responsibility_words`), unit lists (:mod:`kg.extract.unit_lists`), role
clauses (:mod:`kg.extract.responsibility_clauses`) and labelled fields
(:mod:`kg.extract.responsibility_labels`); this module holds the trailing and inline forms
and the entry points.
The words and labels are data (``ontology/responsibility.json``). Every unit name is
returned exactly as written (a list-final 等 dropped) with its offsets in the text, so the
graph can point back to the span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import repeat

from ..models import Responsibility, Role, UnitMention
from .gazetteer import Gazetteer
from .responsibility_clauses import (
    apply_first_listed,
    dedupe_mentions,
    parse_clauses,
)
from .responsibility_labels import (
    has_labelled,
    parse_labelled,
)
from .responsibility_words import (
    CLOSE_BRACKETS,
    OPEN_BRACKETS,
    clause_rules,
    find_deadline,
    role_of_word,
)
from .unit_lists import (
    GazetteerKey,
    parse_unit_list,
    shifted,
    split_top_level,
    with_role,
)

__all__ = ["parse_responsibility", "has_responsibility", "parse_columns", "earlier_clauses"]


# ---------------------------------------------------------------------------------------
# unit lists


# ---------------------------------------------------------------------------------------
# format 1: labelled fields


# ---------------------------------------------------------------------------------------
# format 2: trailing parenthesis


def _trailing_bracket(text: str) -> tuple[int, int] | None:
    """(start, end) of the content of the bracket group that ends ``text``, if any."""
    stripped = text.rstrip("。；;.，, \t\n")
    if not stripped or stripped[-1] not in CLOSE_BRACKETS:
        return None
    close = len(stripped) - 1
    # most groups hold no bracket: the last opening bracket, with no bracket between it and
    # the end, opens the group (the walk below finds the same)
    k = max(map(stripped.rfind, OPEN_BRACKETS, repeat(0), repeat(close)))  # (map: no Python frame per bracket)
    if k >= 0 and not _brackets_re().search(stripped, k + 1, close):
        return k + 1, close
    depth = 0
    # only the brackets matter: walked from the end, found by a regex (in C)
    for m in _brackets_re().finditer(stripped[::-1]):
        c = m.group()
        if c in CLOSE_BRACKETS:
            depth += 1
        elif c in OPEN_BRACKETS:
            depth -= 1
            if depth == 0:
                return close - m.start() + 1, close
    return None


@cache
def _brackets_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(map(re.escape, sorted({*CLOSE_BRACKETS, *OPEN_BRACKETS}))) + "]")


_Trailing = tuple[tuple[UnitMention, ...], tuple[UnitMention, ...], str | None]


def _trailing(text: str, gaz: Gazetteer, first_listed: bool) -> tuple[int, int, _Trailing] | None:
    """The trailing bracket's content span and its reading at offset 0, if it assigns units."""
    span = _trailing_bracket(text)
    if span is None:
        return None
    s, e = span
    content = text[s:e]
    if not content.strip():
        return None
    # the same brackets close many tasks: read once per content, moved to its offset
    parsed = _trailing_at_0(content, GazetteerKey(gaz), first_listed)
    return None if parsed is None else (s, e, parsed)


def _parse_trailing(text: str, gaz: Gazetteer, first_listed: bool) -> Responsibility | None:
    found = _trailing(text, gaz, first_listed)
    if found is None:
        return None
    s, e, (lead, co, deadline) = found
    return Responsibility(
        lead=tuple(shifted(m, s) for m in lead), co_lead=tuple(shifted(m, s) for m in co),
        clause=text[s - 1 : e + 1], clause_start=s - 1, pattern="trailing", deadline=deadline,
    )


@lru_cache(maxsize=16384)
def _trailing_at_0(content: str, key: GazetteerKey, first_listed: bool) -> _Trailing | None:
    gaz = key.gaz
    parsed = parse_clauses(content, 0, gaz, first_listed, strict=False)
    if parsed is None:
        return None
    lead, co = parsed
    # A trailing bracket of unknown names with no role word is prose, e.g. （试行）.
    if not any(clause_rules().role_re.search(content) for _ in [0]) and not any(
        m.unit for m in lead + co
    ) and not all(gaz.looks_like_unit(m.name) for m in lead + co):
        return None
    deadline = next((p for p in _PIECES.split(content) if p and find_deadline(p) == p), None)
    once = dedupe_mentions(Responsibility(lead=tuple(lead), co_lead=tuple(co)), content)
    return once.lead, once.co_lead, deadline


_PIECES = re.compile(r"[，、；]")


# ---------------------------------------------------------------------------------------
# format 3: inline phrases


def _parse_inline(text: str, gaz: Gazetteer) -> Responsibility | None:
    r = clause_rules()
    lead: list[UnitMention] = []
    co: list[UnitMention] = []
    shared: list[UnitMention] = []
    first = -1
    for m in r.role_re.finditer(text):
        after = text[m.end() : m.end() + 2]
        if after.startswith(r.not_role_after):
            continue
        # the unit list runs back to the previous clause boundary or 由 (a bracket closed
        # before the role word is part of a name: 各县（市、区）人社局配合)
        seg_start = _clause_start(text, m.start())
        you = text.rfind("由", seg_start, m.start())
        by_you = you >= 0
        if by_you:
            seg_start = you + 1
        at_boundary = m.end() == len(text) or text[m.end()] in "，。；）】]\n、"
        if not (at_boundary or by_you):
            continue
        segment = text[seg_start : m.start()]
        if not segment:
            continue
        items = parse_unit_list(segment, role_of_word(m.group(0)), gaz, seg_start, strict=True)
        if not items:
            continue
        if first < 0:
            first = seg_start - (1 if by_you else 0)
        if m.group(0) in r.shared_words:
            shared.extend(items)
            continue
        for it in items:
            (lead if it.role is Role.LEAD else co).append(it)
        co.extend(_co_prefixed(text, m.end(), gaz))
    if shared:
        (co if lead else lead).extend(with_role(x, Role.CO_LEAD if lead else Role.LEAD) for x in shared)
    if not (lead or co):
        return None
    return Responsibility(
        lead=tuple(lead), co_lead=tuple(co), clause=text[first:], clause_start=first,
        pattern="inline",
    )


def _clause_start(text: str, end: int) -> int:
    """Where the clause that ends at ``end`` starts: after the last clause boundary
    (``，。；：`` , a line break, or a bracket still open at ``end``) before it, skipping
    what brackets closed before ``end`` hold.

    >>> t = "由就业促进科负责，各县（市、区）人社局配合"
    >>> t[_clause_start(t, t.index("配合")):t.index("配合")]
    '各县（市、区）人社局'
    >>> t = "推进改革（区发改委牵头"
    >>> t[_clause_start(t, len(t) - 2):len(t) - 2]
    '区发改委'
    """
    depth = 0
    for i in range(end - 1, -1, -1):
        c = text[i]
        if c in "）】]":
            depth += 1
        elif c in "（【[":
            if depth == 0:
                return i + 1
            depth -= 1
        elif depth == 0 and c in "，。；：\n":
            return i + 1
    return 0


def _co_prefixed(text: str, pos: int, gaz: Gazetteer) -> list[UnitMention]:
    """``X牵头，会同Y、Z制定方案``: the units right after 会同/联合 co-lead."""
    m = re.match(r"[，、]?(" + "|".join(map(re.escape, clause_rules().co_prefixes)) + ")", text[pos:])
    if not m:
        return []
    start = pos + m.end()
    out: list[UnitMention] = []
    for piece, off in split_top_level(text[start : start + 120]):
        name = _leading_unit(piece, gaz)
        if not name:
            break
        out.extend(parse_unit_list(name, Role.CO_LEAD, gaz, start + off, strict=True))
        if len(name) < len(piece):
            break  # the list ended inside this piece (会同区统计局制定方案)
    return out


def _leading_unit(piece: str, gaz: Gazetteer) -> str | None:
    """The unit name that starts ``piece``: a gazetteer name, else the shortest suffix match."""
    for name in gaz.all_names():
        if piece.startswith(name):
            return name
    for end in range(2, min(len(piece), 20) + 1):
        if gaz.looks_like_unit(piece[:end]) and (end == len(piece) or not gaz.looks_like_unit(piece[: end + 1])):
            return piece[:end]
    return None


# ---------------------------------------------------------------------------------------


def parse_responsibility(
    text: str, gaz: Gazetteer, first_listed_leads: bool = False
) -> Responsibility:
    """Find the lead and co-lead units of one task.

    >>> from kg.extract.gazetteer import load_gazetteer
    >>> g = load_gazetteer("nanjing-gulou")
    >>> r = parse_responsibility("地区生产总值增长7%。（区发改委主办）", g)
    >>> [m.name for m in r.lead], [m.name for m in r.co_lead]
    (['区发改委'], [])
    >>> r = parse_responsibility("推进改革。牵头单位：区发改委；责任单位：区科技局、区商务局", g)
    >>> [m.name for m in r.lead], [m.name for m in r.co_lead]
    (['区发改委'], ['区科技局', '区商务局'])
    """
    first_listed = first_listed_leads
    for parser, deduped in (
        (lambda: parse_labelled(text, gaz, first_listed), False),
        # the trailing bracket's mentions are deduplicated once per content (which mentions
        # repeat a unit does not depend on where the bracket is)
        (lambda: _parse_trailing(text, gaz, first_listed), True),
        (lambda: _parse_inline(text, gaz), False),
    ):
        result = parser()
        if result is not None and (result.lead or result.co_lead or result.leaders):
            return result if deduped else dedupe_mentions(result, text)
    return Responsibility()


def has_responsibility(text: str, gaz: Gazetteer, first_listed_leads: bool = False) -> bool:
    """Whether :func:`parse_responsibility` finds a lead or co-lead in ``text``, without
    building its mentions (the segmenter asks this of every task's block, with its number).

    >>> from kg.extract.gazetteer import load_gazetteer
    >>> g = load_gazetteer("nanjing-gulou")
    >>> has_responsibility("地区生产总值增长7%。（区发改委主办）", g), has_responsibility("（试行）", g)
    (True, False)
    """
    labelled = has_labelled(text, gaz, first_listed_leads)
    if labelled is not None:
        return labelled
    # a trailing reading, and an inline one, is never without units (None instead)
    return _trailing(text, gaz, first_listed_leads) is not None or _parse_inline(text, gaz) is not None


def earlier_clauses(text: str, r: Responsibility, gaz: Gazetteer) -> list[str]:
    """Bracketed responsibility clauses before the one ``r`` was read from: a paragraph of
    several items, each with its own clause, of which only the last is read.

    >>> from kg.extract.gazetteer import load_gazetteer
    >>> g = load_gazetteer("nanjing-gulou")
    >>> t = "推进改革（区发改委负责）；优化服务（区政务办负责）。"
    >>> earlier_clauses(t, parse_responsibility(t, g), g)
    ['（区发改委负责）']
    >>> t = "推进改革（含国企改革），区发改委负责。"
    >>> earlier_clauses(t, parse_responsibility(t, g), g)
    []
    """
    if r.clause_start <= 0 or r.pattern == "table":
        return []
    out = []
    head = text[: r.clause_start]
    for m in re.finditer(r"（([^（）]{2,80})）", head):
        content = m.group(1)
        if not any(not content[x.end() :].startswith(clause_rules().not_role_after) for x in clause_rules().role_re.finditer(content)):
            continue
        if parse_clauses(content, 0, gaz, False, strict=True) is not None:
            out.append(m.group(0))
    return out


def parse_columns(
    lead_cells: Sequence[tuple[str, int]],
    co_cells: Sequence[tuple[str, int]],
    resp_cells: Sequence[tuple[str, int]],
    gaz: Gazetteer,
    first_listed_leads: bool = False,
) -> Responsibility:
    """Responsibility from table cells already mapped to meanings.

    Each cell is ``(text, offset in the task text)``. A 责任单位 column leads when the
    table has no 牵头 column, and co-leads otherwise.
    """
    lead: list[UnitMention] = []
    co: list[UnitMention] = []
    for cell, off in lead_cells:
        lead.extend(m for m in parse_unit_list(cell, Role.LEAD, gaz, off))
    for cell, off in co_cells:
        co.extend(parse_unit_list(cell, Role.CO_LEAD, gaz, off))
    for cell, off in resp_cells:
        if lead_cells:
            co.extend(parse_unit_list(cell, Role.CO_LEAD, gaz, off))
        else:
            # 区发改委（牵头）、区统计局: the marked unit leads and the rest co-lead; a cell
            # without a 牵头 mark leads as a whole (under the first-listed convention, its first unit)
            ms = parse_unit_list(cell, Role.CO_LEAD, gaz, off)
            if not any(m.role is Role.LEAD for m in ms):
                ms = apply_first_listed(parse_unit_list(cell, Role.LEAD, gaz, off), first_listed_leads)
            lead.extend(m for m in ms if m.role is Role.LEAD)
            co.extend(m for m in ms if m.role is Role.CO_LEAD)
    # marks such as 区发改委（牵头） inside a co-lead cell move that unit
    lead2 = lead + [m for m in co if m.role is Role.LEAD]
    co2 = [m for m in co if m.role is Role.CO_LEAD]
    return dedupe_mentions(Responsibility(lead=tuple(lead2), co_lead=tuple(co2), pattern="table"), "")
