"""Unit lists of responsibility clauses: ``区科技局、高新区管委会主办，区相关部门协办``
cut into unit mentions with their roles and offsets (brackets, run-together names,
conjunctions inside names, levels listed with one head noun, placeholders)."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import ClassVar

from ..models import Role, UnitMention
from ..resources import responsibility_rules
from .gazetteer import Gazetteer
from .responsibility_words import (
    CLOSE_BRACKETS,
    CONJUNCTION,
    LEAD_IN,
    NOT_IN_NAMES,
    OPEN_BRACKETS,
    ROLE_MARK,
    SHARED_PREFIX,
    clause_rules,
    find_deadline,
    role_of_word,
    states_first_listed_leads,
)

__all__ = ["GazetteerKey", "shifted", "with_role", "parse_unit_list", "split_top_level"]


class GazetteerKey:
    """A gazetteer as a cache key, by identity (a ``Gazetteer`` is not hashable).

    ``GazetteerKey(gaz)`` returns the one key of that gazetteer: the memo tables hold one
    key object per gazetteer, not one per entry, and find it by identity (also after
    documents of another region came between: no ``__eq__`` call per lookup). The keys
    are kept by the gazetteer's ``id`` with the gazetteer itself (so the ``id`` is not
    reused while its key is kept), at most ``_MAX_KEYS`` of them.
    """

    __slots__ = ("gaz", "_hash")
    gaz: Gazetteer
    _hash: int
    _last: ClassVar[GazetteerKey | None] = None
    _keys: ClassVar[dict[int, GazetteerKey]] = {}
    _MAX_KEYS: ClassVar[int] = 256

    def __new__(cls, gaz: Gazetteer) -> GazetteerKey:
        last = cls._last
        if last is not None and last.gaz is gaz:
            return last
        key = cls._keys.get(id(gaz))
        if key is None or key.gaz is not gaz:
            key = super().__new__(cls)
            key.gaz, key._hash = gaz, id(gaz)
            if len(cls._keys) >= cls._MAX_KEYS:
                cls._keys.clear()
            cls._keys[id(gaz)] = key
        cls._last = key
        return key

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return other is self or (isinstance(other, GazetteerKey) and other.gaz is self.gaz)


def shifted(m: UnitMention, offset: int) -> UnitMention:
    """``m`` moved by ``offset`` (every parse remembered at offset 0 is moved to its place).
    UnitMention has ``__slots__`` (half the memory, no ``__dict__`` for the collector to
    walk), so the copy is made by its ``__init__``."""
    return UnitMention(m.name, m.role, m.unit, m.kind, m.start + offset, m.end + offset, m.unit_type)


def with_role(m: UnitMention, role: Role) -> UnitMention:
    """``m`` with ``role`` (``dataclasses.replace(m, role=role)``, made by ``__init__`` as
    :func:`shifted` is: a clause's shared and bare lists take the role of another)."""
    return UnitMention(m.name, role, m.unit, m.kind, m.start, m.end, m.unit_type)


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
    mentions = _unit_list_at_0(text, role, GazetteerKey(gaz), strict)
    if offset == 0:
        return list(mentions)
    return [shifted(m, offset) for m in mentions]


@lru_cache(maxsize=32768)
def _unit_list_at_0(text: str, role: Role, key: GazetteerKey, strict: bool) -> tuple[UnitMention, ...]:
    return tuple(_parse_unit_list(text, role, key.gaz, 0, strict))


def _parse_unit_list(text: str, role: Role, gaz: Gazetteer, offset: int, strict: bool) -> list[UnitMention]:
    items: list[tuple[str, int]] = []
    key = GazetteerKey(gaz)
    pieces = split_top_level(text)
    if any(p.startswith("各") for p, _ in pieces):
        pieces = _merge_listed_levels(pieces, text, gaz)
    for piece, pos in pieces:
        parts = _split_piece(piece, key)
        if len(parts) == 1 and parts[0][1] == 0:
            items.append((parts[0][0], offset + pos))  # most pieces: one name, as written
        else:
            items.extend((part, offset + pos + rel) for part, rel in parts)
    mentions: list[UnitMention] = []
    shared_prefix = ""
    last = len(items) - 1
    for i, (raw, start) in enumerate(items):
        # the same items recur in every list: each one read once per context
        read = _read_item(raw, role, i == last, shared_prefix, strict, key)
        if read is None:
            return []
        if isinstance(read, str):
            continue  # no unit in this item (a deadline, a placeholder, nothing)
        name, delta, item_role, shared_prefix, unit, kind, unit_type = read
        start += delta
        found = text.find(name, start - offset)
        s = offset + found if found >= 0 else start
        mentions.append(UnitMention(name, item_role, unit, kind, s, s + len(name), unit_type))
    return mentions


_Item = tuple[str, int, Role, str, str | None, str, str | None]


@lru_cache(maxsize=65536)
def _read_item(
    raw: str, role: Role, last: bool, shared_prefix: str, strict: bool, key: GazetteerKey
) -> _Item | str | None:
    """One item of a unit list: ``(name, its offset in raw, role, the shared prefix after
    it, unit, kind, unit type)``; a string when the item names no unit, ``None`` when
    ``strict`` and it does not read as a unit (the whole list is then no list)."""
    gaz = key.gaz
    name, item_role, delta = raw, role, 0
    mark = ROLE_MARK.search(name)
    if mark:
        item_role = role_of_word(mark.group(1))
        name = name[: mark.start()]
    note = _note_bracket(name)
    if note is not None:
        name = name[:note]
    stripped = _strip_unbalanced(name)
    delta += name.find(stripped) if stripped else 0
    name = stripped
    if name and find_deadline(name) == name:
        return "deadline"  # 6月底完成 inside a unit list is the deadline, not a unit
    if name and _placeholder(name):
        return "placeholder"  # 详见附件, 待定: no unit named
    lead_in = LEAD_IN.match(name)
    if lead_in and len(name) > len(lead_in.group(0)) + 1:
        delta += len(lead_in.group(0))
        name = name[len(lead_in.group(0)) :]
    # a list-final 等 (and 分别, 按职责分工…) belongs to the list, not to the name
    tail = clause_rules().tail_re.search(name)
    if tail and tail.start() > 0 and (last or tail.group(0).startswith("等")):
        name = name[: tail.start()]
    if not name:
        return "empty"
    # Shared prefix: in 各街道、板块 the 各 applies to both.
    effective = name
    shared = SHARED_PREFIX.match(name)
    if shared:
        shared_prefix = shared.group(1)
    elif shared_prefix and gaz.resolve_group(shared_prefix + name):
        effective = shared_prefix + name
    group = gaz.resolve_group(effective)
    unit = None if group else gaz.resolve_unit(effective)
    if strict and not (group or unit or gaz.looks_like_unit(effective)):
        return None
    return (name, delta, item_role, shared_prefix, group or unit, "group" if group else "unit",
            None if group else gaz.unit_type(effective))


@lru_cache(maxsize=32768)
def _split_piece(piece: str, key: GazetteerKey) -> tuple[tuple[str, int], ...]:
    """The names of one list item (two when a separator was lost or 和 joins two units),
    with their offsets in it: the same items recur in every list."""
    return tuple(
        item for part, pos in _split_run_together(piece, 0, key.gaz) for item in _split_conjunction(part, pos, key.gaz)
    )


def _merge_listed_levels(pieces: list[tuple[str, int]], text: str, gaz: Gazetteer) -> list[tuple[str, int]]:
    """``各县、区人民政府`` is one group (a shared 各 and a shared head noun), not 各县 and
    区人民政府: pieces from one starting with 各, joined by 、 as written, that read as one
    group together are one name.

    >>> from kg.extract.gazetteer import load_gazetteer
    >>> g = load_gazetteer()
    >>> t = "市财政局、各县、区人民政府"
    >>> _merge_listed_levels(split_top_level(t), t, g)
    [('市财政局', 0), ('各县、区人民政府', 5)]
    >>> t = "各县、区发改局"
    >>> _merge_listed_levels(split_top_level(t), t, g)
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
    values, prefixes = _placeholders()
    return name in values or name.startswith(prefixes)


@cache
def _placeholders() -> tuple[frozenset[str], tuple[str, ...]]:
    """The placeholder values, and those of two characters or more (which also start one)."""
    values = responsibility_rules()["placeholder_values"]
    return frozenset(values), tuple(p for p in values if len(p) >= 2)


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
                    or find_deadline(inner) == inner or inner.startswith(clause_rules().leader_labels)
                ):
                    return i
                return None
    return None


def split_top_level(text: str) -> list[tuple[str, int]]:
    """Split at list separators outside brackets: 各县（市、区）人民政府 stays whole."""
    out: list[tuple[str, int]] = []
    depth, start = 0, 0
    # only brackets and separators matter: found by a regex (in C), not character by character
    for m in _SPLIT_AT.finditer(text + "、"):
        i, c = m.start(), m.group()
        if c in OPEN_BRACKETS or c == "(":
            depth += 1
        elif (c in CLOSE_BRACKETS or c == ")") and depth:
            depth -= 1
        elif depth == 0 and (c in "、，；/\t|" or c.isspace()):
            if i > start:
                out.append((text[start:i], start))
            start = i + 1
    return out


_SPLIT_AT = re.compile("[" + re.escape(OPEN_BRACKETS + CLOSE_BRACKETS + "()、，；/\t|") + r"]|\s")


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
    for m in CONJUNCTION.finditer(piece):
        left, right = piece[: m.start()], piece[m.end() :]
        if gaz.looks_like_unit(left) and (gaz.looks_like_unit(right) or _reads_as_unit_group(right)):
            return [(left, start), (right, start + m.end())]
    return [(piece, start)]


_GROUP_SHAPE = re.compile(r"(?:各|相关|有关|其他|其它)[^，、；。]{0,8}(?:单位|部门|机构|企业|国企)$")


def _reads_as_unit_group(name: str) -> bool:
    """``州直相关单位``, ``县各有关单位``: a reference to several units by its shape."""
    return _GROUP_SHAPE.search(name) is not None and not NOT_IN_NAMES.search(name)
