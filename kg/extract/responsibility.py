"""Stage 3a: find who is responsible for a task, from the task's own text.

Pure functions: text in, :class:`~kg.models.Responsibility` out. The formats, tried in
this order (the first that finds units wins):

1. labelled fields — ``牵头单位：X；责任单位：Y``, on their own lines or inside ``（）``,
   ``[]`` or ``【】``; a ``责任单位`` alone leads;
2. a trailing parenthesis — ``（区科技局、高新区管委会主办，区相关部门、各街道、板块协办）``,
   ``（X负责）``, or a bare unit list;
3. inline phrases — ``X牵头，Y配合``, ``由X负责``.

Table rows are handled by :func:`parse_columns`, given cells already mapped to meanings.
The words and labels are data (``ontology/responsibility.json``). Every unit name is
returned exactly as written (a list-final 等 dropped) with its offsets in the text, so the
graph can point back to the span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from ..models import Responsibility, Role, UnitMention
from ..resources import responsibility_rules
from .gazetteer import Gazetteer

__all__ = [
    "parse_responsibility",
    "parse_unit_list",
    "parse_columns",
    "states_first_listed_leads",
    "find_deadline",
    "heading_leaders",
    "earlier_clauses",
]

_OPEN = "（【["
_CLOSE = "）】]"
_PAIRS = {"（": "）", "【": "】", "[": "]"}
# Separators between units in a list. "和/及/与" are handled separately (they also occur
# inside unit names such as 区发展和改革委员会).
_MARK = re.compile(r"[（(【\[](牵头|主办|负责|配合|协办|参与)[）)】\]]$")
_LEAD_IN = re.compile(r"^(由|请|其中|和|及|与)")
_SHARED_PREFIX = re.compile(r"^(各|相关|有关)")
_CONJUNCTION = re.compile(r"[和及与]")
_CLAUSE = re.compile(r"[^，；。\n]+")
# every label match contains one of these (see _Rules.label_re)
_LABEL_MARKS = ("：", "【", "[", "\t")


@dataclass(frozen=True)
class _Rules:
    lead_words: tuple[str, ...]
    co_words: tuple[str, ...]
    shared_words: tuple[str, ...]
    co_prefixes: tuple[str, ...]
    tail_re: re.Pattern[str]
    lead_labels: tuple[str, ...]
    co_labels: tuple[str, ...]
    resp_labels: tuple[str, ...]
    leader_labels: tuple[str, ...]
    deadline_labels: tuple[str, ...]
    not_role_after: tuple[str, ...]
    first_listed: tuple[re.Pattern[str], ...]
    deadline_re: re.Pattern[str]
    label_re: re.Pattern[str]
    role_re: re.Pattern[str]


@cache
def _rules() -> _Rules:
    d = responsibility_rules()

    def by_len(xs: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(xs, key=len, reverse=True))

    labels = by_len(
        d["lead_labels"] + d["co_lead_labels"] + d["responsible_labels"]
        + d["leader_labels"] + d["deadline_labels"]
    )
    # A label counts when a colon follows it, or when it sits alone in brackets (【牵头单位】).
    label_alt = "|".join(map(re.escape, labels))
    # …or a tab (a lost cell boundary) follows it at the start of a line (牵头单位\t区发改委).
    # 牵头单位（部门）：a short bracketed qualifier may stand between the label and its colon
    label_re = re.compile(
        rf"[【\[]({label_alt})[】\]]：?|({label_alt})(?:（[^（）：]{{1,6}}）)?：|(?:(?<=\n)|^)({label_alt})\t"
    )
    roles = by_len(d["lead_words"] + d["co_lead_words"] + d["shared_words"])
    role_re = re.compile("|".join(map(re.escape, roles)))
    tails = "|".join([*d.get("list_tail_patterns", []), *map(re.escape, by_len(d["list_tail_words"]))])
    return _Rules(
        by_len(d["lead_words"]), by_len(d["co_lead_words"]), by_len(d["shared_words"]),
        by_len(d["co_lead_prefixes"]), re.compile(f"(?:{tails})+$"),
        by_len(d["lead_labels"]), by_len(d["co_lead_labels"]), by_len(d["responsible_labels"]),
        by_len(d["leader_labels"]), by_len(d["deadline_labels"]), tuple(d["not_role_after"]),
        tuple(re.compile(p) for p in d["first_listed_leads_patterns"]),
        re.compile("|".join(f"(?:{p})" for p in d["deadline_patterns"])),
        label_re, role_re,
    )


def states_first_listed_leads(text: str) -> bool:
    """Whether a document states that the first unit listed is the lead.

    >>> states_first_listed_leads("（注：列第一位的为牵头单位）")
    True
    >>> states_first_listed_leads("区发改委牵头")
    False
    """
    return any(p.search(text) for p in _rules().first_listed)


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
    parsed = _parse_labelled(title, gaz, False)
    return parsed.leaders if parsed is not None else ()


def find_deadline(text: str) -> str | None:
    """A deadline phrase (完成时限) in ``text``, e.g. ``2021年6月底前``, ``长期坚持``.

    >>> find_deadline("2021年6月底前"), find_deadline("长期坚持"), find_deadline("区发改委")
    ('2021年6月底前', '长期坚持', None)
    """
    m = _rules().deadline_re.search(text)
    return m.group(0) if m and m.group(0) else None


# ---------------------------------------------------------------------------------------
# unit lists


def _role_of_word(word: str) -> Role:
    """Lead for 主办/牵头/负责 and for the shared words (until a lead is seen elsewhere)."""
    r = _rules()
    return Role.LEAD if word in r.lead_words or word in r.shared_words else Role.CO_LEAD


class _ById:
    """A gazetteer as a cache key, by identity (a ``Gazetteer`` is not hashable)."""

    __slots__ = ("gaz",)

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    def __hash__(self) -> int:
        return id(self.gaz)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ById) and other.gaz is self.gaz


def _moved(m: UnitMention, offset: int) -> UnitMention:
    return UnitMention(m.name, m.role, m.unit, m.kind, m.start + offset, m.end + offset, m.unit_type)


def parse_unit_list(
    text: str, role: Role, gaz: Gazetteer, offset: int = 0, strict: bool = False
) -> list[UnitMention]:
    """Split a unit list (``区相关部门、各街道、板块``) into mentions with offsets.

    ``offset`` is where ``text`` starts in the task text. A list-final 等 is dropped from
    the name; the shared prefix of ``各街道、板块`` (各) carries to ``板块``. With
    ``strict``, every item must read as a unit, else nothing is returned (used for inline
    phrases, where a false match would invent responsibility).

    >>> from kg.extract.gazetteer import load_gazetteer
    >>> g = load_gazetteer("nanjing-gulou")
    >>> [(m.name, m.unit) for m in parse_unit_list("区相关部门、各街道、板块", Role.CO_LEAD, g)]
    [('区相关部门', '区相关部门'), ('各街道', '各街道'), ('板块', '各板块')]
    >>> [(m.name, m.role.value) for m in parse_unit_list("区发改委（牵头）、区科技局等", Role.CO_LEAD, g)]
    [('区发改委', 'lead'), ('区科技局', 'co_lead')]
    """
    # the same lists recur in every document: parsed once, moved to ``offset``
    mentions = _unit_list_at_0(text, role, _ById(gaz), strict)
    if offset == 0:
        return list(mentions)
    return [_moved(m, offset) for m in mentions]


@lru_cache(maxsize=32768)
def _unit_list_at_0(text: str, role: Role, key: _ById, strict: bool) -> tuple[UnitMention, ...]:
    return tuple(_parse_unit_list(text, role, key.gaz, 0, strict))


def _parse_unit_list(text: str, role: Role, gaz: Gazetteer, offset: int, strict: bool) -> list[UnitMention]:
    items: list[tuple[str, int]] = []
    for piece, pos in _merge_listed_levels(_split_top_level(text), text, gaz):
        for part, ppos in _split_run_together(piece, pos, gaz):
            items.extend(_split_conjunction(part, offset + ppos, gaz))
    mentions: list[UnitMention] = []
    shared_prefix = ""
    for i, (raw, start) in enumerate(items):
        name, item_role = raw, role
        mark = _MARK.search(name)
        if mark:
            item_role = _role_of_word(mark.group(1))
            name = name[: mark.start()]
        note = _note_bracket(name)
        if note is not None:
            name = name[:note]
        stripped = _strip_unbalanced(name)
        start += name.find(stripped) if stripped else 0
        name = stripped
        if name and find_deadline(name) == name:
            continue  # 6月底完成 inside a unit list is the deadline, not a unit
        if name and _placeholder(name):
            continue  # 详见附件, 待定: no unit named
        lead_in = _LEAD_IN.match(name)
        if lead_in and len(name) > len(lead_in.group(0)) + 1:
            start += len(lead_in.group(0))
            name = name[len(lead_in.group(0)) :]
        # a list-final 等 (and 分别, 按职责分工…) belongs to the list, not to the name
        tail = _rules().tail_re.search(name)
        if tail and tail.start() > 0 and (i == len(items) - 1 or tail.group(0).startswith("等")):
            name = name[: tail.start()]
        if not name:
            continue
        # Shared prefix: in 各街道、板块 the 各 applies to both.
        effective = name
        shared = _SHARED_PREFIX.match(name)
        if shared:
            shared_prefix = shared.group(1)
        elif shared_prefix and gaz.resolve_group(shared_prefix + name):
            effective = shared_prefix + name
        group = gaz.resolve_group(effective)
        unit = None if group else gaz.resolve_unit(effective)
        if strict and not (group or unit or gaz.looks_like_unit(effective)):
            return []
        found = text.find(name, start - offset)
        s = offset + found if found >= 0 else start
        mentions.append(
            UnitMention(
                name=name,
                role=item_role,
                unit=group or unit,
                kind="group" if group else "unit",
                start=s,
                end=s + len(name),
                unit_type=None if group else gaz.unit_type(effective),
            )
        )
    return mentions


def _merge_listed_levels(pieces: list[tuple[str, int]], text: str, gaz: Gazetteer) -> list[tuple[str, int]]:
    """``各县、区人民政府`` is one group (a shared 各 and a shared head noun), not 各县 and
    区人民政府: pieces from one starting with 各, joined by 、 as written, that read as one
    group together are one name.

    >>> from kg.extract.gazetteer import load_gazetteer
    >>> g = load_gazetteer()
    >>> t = "市财政局、各县、区人民政府"
    >>> _merge_listed_levels(_split_top_level(t), t, g)
    [('市财政局', 0), ('各县、区人民政府', 5)]
    >>> t = "各县、区发改局"
    >>> _merge_listed_levels(_split_top_level(t), t, g)
    [('各县', 0), ('区发改局', 3)]
    """
    out: list[tuple[str, int]] = []
    i = 0
    while i < len(pieces):
        name, pos = pieces[i]
        if name.startswith("各"):
            for k in range(min(3, len(pieces) - 1 - i), 0, -1):
                last, lpos = pieces[i + k]
                joined = text[pos : lpos + len(last)]
                if joined == "、".join(p for p, _ in pieces[i : i + k + 1]) and gaz.resolve_group(joined):
                    out.append((joined, pos))
                    i += k + 1
                    break
            else:
                out.append((name, pos))
                i += 1
            continue
        out.append((name, pos))
        i += 1
    return out


def _placeholder(name: str) -> bool:
    """``详见附件``, ``待定``, ``无``: a placeholder where a unit would be (无锡市… is a name).

    >>> _placeholder("详见附件"), _placeholder("无"), _placeholder("无锡市发改委")
    (True, True, False)
    """
    return any(name == p or (len(p) >= 2 and name.startswith(p)) for p in responsibility_rules()["placeholder_values"])


def _note_bracket(name: str) -> int | None:
    """Where a bracketed note that ends a name starts: ``工商联（列第一位者为牵头或汇总单位，下同）``
    is 工商联 and a note, while 各县（市、区）人民政府 and 区发改委（牵头） are left alone."""
    if not name or name[-1] not in "）)":
        return None
    depth = 0
    for i in range(len(name) - 1, -1, -1):
        c = name[i]
        if c in "）)":
            depth += 1
        elif c in "（(":
            depth -= 1
            if depth == 0:
                inner = name[i + 1 : -1]
                if i > 0 and (
                    states_first_listed_leads(inner) or re.search(r"下同|^注|以下同|同上", inner)
                    or find_deadline(inner) == inner or inner.startswith(_rules().leader_labels)
                ):
                    return i
                return None
    return None


def _split_top_level(text: str) -> list[tuple[str, int]]:
    """Split at list separators outside brackets: 各县（市、区）人民政府 stays whole."""
    out: list[tuple[str, int]] = []
    depth, start = 0, 0
    for i, c in enumerate(text + "、"):
        if c in _OPEN or c == "(":
            depth += 1
        elif (c in _CLOSE or c == ")") and depth:
            depth -= 1
        elif depth == 0 and (c in "、，；/\t|" or c.isspace()):
            if i > start:
                out.append((text[start:i], start))
            start = i + 1
    return out


def _strip_unbalanced(name: str) -> str:
    """Strip quotes, colons and brackets at the ends of a name unless they pair up inside it."""
    name = name.strip("：:“”\"'《》 。；;")
    while name and name[0] in "（(【[" and not _closes(name, 0):
        name = name[1:]
    while name and name[-1] in "）)】]" and not _opens_before(name, len(name) - 1):
        name = name[:-1]
    return name


def _closes(s: str, i: int) -> bool:
    depth = 0
    for c in s[i:]:
        depth += c in "（(【["
        depth -= c in "）)】]"
        if depth == 0:
            return True
    return False


def _opens_before(s: str, i: int) -> bool:
    return s[:i].count("（") + s[:i].count("(") + s[:i].count("【") + s[:i].count("[") > (
        s[:i].count("）") + s[:i].count(")") + s[:i].count("】") + s[:i].count("]")
    )


@cache
def _run_together_rules() -> tuple[tuple[str, ...], re.Pattern[str]]:
    d = responsibility_rules()
    starts = "|".join(map(re.escape, d["unit_name_starts"]))
    return tuple(d["unit_name_endings"]), re.compile(rf"(?=(?:{starts})..)")


def _split_run_together(piece: str, pos: int, gaz: Gazetteer) -> list[tuple[str, int]]:
    """``市行政审批局市司法局`` (a lost separator) as two names, where a unit ending meets a
    level prefix and every part reads as a unit; a known name is never split."""
    if len(piece) < 6 or gaz.resolve_unit(piece) or gaz.resolve_group(piece):
        return [(piece, pos)]
    ends, starts = _run_together_rules()
    cuts = [m.start() for m in starts.finditer(piece) if 0 < m.start() and piece[: m.start()].endswith(ends)]
    if not cuts:
        return [(piece, pos)]
    parts: list[tuple[str, int]] = []
    last = 0
    for c in cuts:
        left = piece[last:c]
        # the left part must read as a unit, else the cut is inside a name (市场监管局)
        # a level and an ending alone (县乡, 区委) are not a name: 县乡镇企业局 stays whole
        if len(left) >= 3 and len(piece) - c >= 3 and (gaz.looks_like_unit(left) or _reads_as_unit_group(left)):
            parts.append((left, pos + last))
            last = c
    parts.append((piece[last:], pos + last))
    if len(parts) < 2 or not all(gaz.looks_like_unit(p) or _reads_as_unit_group(p) for p, _ in parts):
        return [(piece, pos)]
    return parts


def _split_conjunction(piece: str, start: int, gaz: Gazetteer) -> list[tuple[str, int]]:
    """Split ``区发改委和区科技局`` at 和/及/与 when both halves read as units."""
    if gaz.resolve_unit(piece) or gaz.resolve_group(piece):
        return [(piece, start)]
    for m in _CONJUNCTION.finditer(piece):
        left, right = piece[: m.start()], piece[m.end() :]
        if gaz.looks_like_unit(left) and (gaz.looks_like_unit(right) or _reads_as_unit_group(right)):
            return [(left, start), (right, start + m.end())]
    return [(piece, start)]


_GROUP_SHAPE = re.compile(r"(?:各|相关|有关|其他|其它)[^，、；。]{0,8}(?:单位|部门|机构|企业|国企)$")


def _reads_as_unit_group(name: str) -> bool:
    """``州直相关单位``, ``县各有关单位``: a reference to several units by its shape."""
    return _GROUP_SHAPE.search(name) is not None and not _NOT_NAME.search(name)


_NOT_NAME = re.compile(r"[，。；：！？“”《》\d%]")


# ---------------------------------------------------------------------------------------
# format 1: labelled fields


def _value_end(value: str) -> int:
    """Where a labelled value stops: its line, its sentence, or its enclosing bracket
    (a bracket opened inside the value, as in 区发改委（牵头）, does not stop it)."""
    depth = 0
    for i, c in enumerate(value):
        if c in "\n。；":
            return i
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            if depth == 0:
                return i
            depth -= 1
    return len(value)


def _label_kind(label: str) -> str:
    r = _rules()
    if label in r.leader_labels:
        return "leader"
    if label in r.deadline_labels:
        return "deadline"
    if label in r.lead_labels:
        return "lead"
    if label in r.co_labels:
        return "co"
    return "resp"


def _parse_labelled(text: str, gaz: Gazetteer, first_listed: bool) -> Responsibility | None:
    if not any(c in text for c in _LABEL_MARKS):
        return None
    r = _rules()
    matches = _top_level_labels(text, list(r.label_re.finditer(text)))
    if not matches:
        return None
    fields: list[tuple[str, str, int]] = []  # (kind, value, value_start)
    for i, m in enumerate(matches):
        label = m.group(1) or m.group(2) or m.group(3)
        start = m.end()
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[start:end]
        if not value[: _value_end(value)].strip(" \t") and value.lstrip(" \t").startswith("\n"):
            # the label alone on its line: the value is the next line (牵头单位：\n县卫健委)
            start += len(value) - len(value.lstrip(" \t\n"))
            value = text[start:end]
        value = value[: _value_end(value)]
        value = value.rstrip("，、 \t[（【")
        fields.append((_label_kind(label), value, start))
    has_lead_label = any(k == "lead" for k, _, _ in fields)
    lead: list[UnitMention] = []
    co: list[UnitMention] = []
    leaders: list[str] = []
    deadline = None
    for kind, value, start in fields:
        if kind == "leader":
            leaders.extend(x for x in re.split(r"[、，\s]+", value) if x)
            continue
        if kind == "deadline":
            deadline = value.strip() or deadline
            continue
        role = Role.LEAD if kind == "lead" else Role.CO_LEAD
        if kind == "resp" and _ends_with_role(value):
            # 责任单位：X牵头，Y配合 — the roles are in the value
            clauses = _parse_clauses(value, start, gaz, first_listed, strict=False)
            if clauses is not None:
                lead.extend(clauses[0])
                co.extend(clauses[1])
                continue
        mentions = parse_unit_list(value, role, gaz, offset=start)
        if kind == "resp" and not has_lead_label and not any(m.role is Role.LEAD for m in mentions):
            # 责任单位 alone leads, unless one of them is marked （牵头）
            mentions = [replace(m, role=Role.LEAD) for m in mentions]
            mentions = _apply_first_listed(mentions, first_listed)
        for mention in mentions:
            (lead if mention.role is Role.LEAD else co).append(mention)
    if deadline is None:
        # a deadline written inside the list (…，6月底完成)
        deadline = next((p for _, value, _ in fields for p in re.split(r"[，、；]", value)
                         if p and find_deadline(p) == p), None)
    if not (lead or co or leaders):
        return None
    first = matches[0].start()
    if first > 0 and text[first - 1] in _OPEN:
        first -= 1
    return Responsibility(
        lead=tuple(lead), co_lead=tuple(co), leaders=tuple(leaders), deadline=deadline,
        clause=text[first:].strip(), clause_start=first, pattern="labelled",
    )


def _top_level_labels(text: str, matches: list[re.Match[str]]) -> list[re.Match[str]]:
    """Labels not nested in a bracket opened inside the previous label's value: in
    ``责任单位：县教育局（责任人：张三）、县财政局`` the 责任人 belongs to the unit."""
    kept: list[re.Match[str]] = []
    for m in matches:
        if kept:
            between = text[kept[-1].end() : m.start()]
            depth = sum(between.count(c) for c in "（(【[") - sum(between.count(c) for c in "）)】]")
            if depth > 0:
                continue
        kept.append(m)
    return kept


def _ends_with_role(value: str) -> bool:
    """Whether a clause of ``value`` ends with a role word (区发改委牵头，区财政局配合)."""
    r = _rules()
    return any(
        value[m.end() : m.end() + 1] in ("", "，", "；", "。", "\n") and not value[m.end() :].startswith(r.not_role_after)
        for m in r.role_re.finditer(value)
    )


def _apply_first_listed(mentions: list[UnitMention], first_listed: bool) -> list[UnitMention]:
    """Under the "列第一位的为牵头单位" convention, only the first unit of a plain list leads."""
    if not first_listed or any(m.role is Role.CO_LEAD for m in mentions):
        return mentions
    return [m if i == 0 else replace(m, role=Role.CO_LEAD) for i, m in enumerate(mentions)]


# ---------------------------------------------------------------------------------------
# format 2: trailing parenthesis


def _trailing_bracket(text: str) -> tuple[int, int] | None:
    """(start, end) of the content of the bracket group that ends ``text``, if any."""
    stripped = text.rstrip("。；;.，, \t\n")
    if not stripped or stripped[-1] not in _CLOSE:
        return None
    close = len(stripped) - 1
    depth = 0
    for i in range(close, -1, -1):
        c = stripped[i]
        if c in _CLOSE:
            depth += 1
        elif c in _OPEN:
            depth -= 1
            if depth == 0:
                return i + 1, close
    return None


def _parse_clauses(
    content: str, offset: int, gaz: Gazetteer, first_listed: bool, strict: bool
) -> tuple[list[UnitMention], list[UnitMention]] | None:
    """Parse ``A、B主办，C协办`` style clauses; None when it is not a responsibility clause.

    The same brackets close many tasks, and the segmenter asks about every task twice
    (with and without its number): the parse is remembered per bracket content and
    moved to ``offset``.
    """
    parsed = _parse_clauses_at_0(content, _ById(gaz), first_listed, strict)
    if parsed is None:
        return None
    lead, co = parsed
    if offset == 0:
        return list(lead), list(co)
    return [_moved(m, offset) for m in lead], [_moved(m, offset) for m in co]


@lru_cache(maxsize=16384)
def _parse_clauses_at_0(
    content: str, key: _ById, first_listed: bool, strict: bool
) -> tuple[tuple[UnitMention, ...], tuple[UnitMention, ...]] | None:
    parsed = _parse_clauses_uncached(content, 0, key.gaz, first_listed, strict)
    return None if parsed is None else (tuple(parsed[0]), tuple(parsed[1]))


def _parse_clauses_uncached(
    content: str, offset: int, gaz: Gazetteer, first_listed: bool, strict: bool
) -> tuple[list[UnitMention], list[UnitMention]] | None:
    r = _rules()
    lead: list[UnitMention] = []
    co: list[UnitMention] = []
    clauses = []
    for m in _CLAUSE.finditer(content):
        # "区发改委牵头、区财政局配合": a role word followed by 、 also ends a clause
        cut = m.start()
        for rm in r.role_re.finditer(m.group(0)):
            if m.group(0)[rm.end() : rm.end() + 1] == "、":
                clauses.append((cut, m.start() + rm.end()))
                cut = m.start() + rm.end() + 1
        clauses.append((cut, m.end()))
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
        m = None
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
        role = _role_of_word(m.group(0))
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
        for it in [*(replace(b, role=role) for b in bare), *items]:
            (lead if it.role is Role.LEAD else co).append(it)
        bare = []
    # 按职责分工负责: co-leads beside a named lead, leads otherwise
    if shared:
        role = Role.CO_LEAD if lead else Role.LEAD
        (co if lead else lead).extend(replace(x, role=role) for x in shared)
    if bare:
        if saw_role:
            # a bare list after the role-marked ones: co-leads beside a lead
            (co if lead else lead).extend(replace(b, role=Role.CO_LEAD if lead else Role.LEAD) for b in bare)
        else:
            for it in _apply_first_listed(bare, first_listed):
                (lead if it.role is Role.LEAD else co).append(it)
    if not (lead or co):
        return None
    lead.sort(key=lambda x: x.start)
    co.sort(key=lambda x: x.start)
    return lead, co


@cache
def _not_unit_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, responsibility_rules()["not_unit_words"])))


def _unit_slot(clause: str, content: str) -> bool:
    """A clause of a bracket that names roles elsewhere, shaped like a name (short, no
    digits, no prose or deadline words): a unit slot."""
    c = clause.strip(" 。")
    return (
        bool(c) and len(c) <= 20 and _rules().role_re.search(content) is not None
        and not re.search(r"[\d%：:“”《》]", c) and not _not_unit_re().search(c) and find_deadline(c) is None
    )


def _parse_trailing(text: str, gaz: Gazetteer, first_listed: bool) -> Responsibility | None:
    span = _trailing_bracket(text)
    if span is None:
        return None
    s, e = span
    content = text[s:e]
    if not content.strip():
        return None
    parsed = _parse_clauses(content, s, gaz, first_listed, strict=False)
    if parsed is None:
        return None
    lead, co = parsed
    # A trailing bracket of unknown names with no role word is prose, e.g. （试行）.
    if not any(_rules().role_re.search(content) for _ in [0]) and not any(
        m.unit for m in lead + co
    ) and not all(gaz.looks_like_unit(m.name) for m in lead + co):
        return None
    deadline = next((p for p in re.split(r"[，、；]", content) if p and find_deadline(p) == p), None)
    return Responsibility(
        lead=tuple(lead), co_lead=tuple(co), clause=text[s - 1 : e + 1], clause_start=s - 1,
        pattern="trailing", deadline=deadline,
    )


# ---------------------------------------------------------------------------------------
# format 3: inline phrases


def _parse_inline(text: str, gaz: Gazetteer) -> Responsibility | None:
    r = _rules()
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
        items = parse_unit_list(segment, _role_of_word(m.group(0)), gaz, seg_start, strict=True)
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
        (co if lead else lead).extend(replace(x, role=Role.CO_LEAD if lead else Role.LEAD) for x in shared)
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
    m = re.match(r"[，、]?(" + "|".join(map(re.escape, _rules().co_prefixes)) + ")", text[pos:])
    if not m:
        return []
    start = pos + m.end()
    out: list[UnitMention] = []
    for piece, off in _split_top_level(text[start : start + 120]):
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
    for parser in (
        lambda: _parse_labelled(text, gaz, first_listed),
        lambda: _parse_trailing(text, gaz, first_listed),
        lambda: _parse_inline(text, gaz),
    ):
        result = parser()
        if result is not None and (result.lead or result.co_lead or result.leaders):
            return _dedupe(result, text)
    return Responsibility()


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
        if not any(not content[x.end() :].startswith(_rules().not_role_after) for x in _rules().role_re.finditer(content)):
            continue
        if _parse_clauses(content, 0, gaz, False, strict=True) is not None:
            out.append(m.group(0))
    return out


def _dedupe(r: Responsibility, text: str) -> Responsibility:
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
                ms = _apply_first_listed(parse_unit_list(cell, Role.LEAD, gaz, off), first_listed_leads)
            lead.extend(m for m in ms if m.role is Role.LEAD)
            co.extend(m for m in ms if m.role is Role.CO_LEAD)
    # marks such as 区发改委（牵头） inside a co-lead cell move that unit
    lead2 = lead + [m for m in co if m.role is Role.LEAD]
    co2 = [m for m in co if m.role is Role.CO_LEAD]
    return _dedupe(Responsibility(lead=tuple(lead2), co_lead=tuple(co2), pattern="table"), "")
