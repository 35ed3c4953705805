"""The values of targets: quantities in a text — an Arabic number with its multiplier and
unit (``2.8万平方米``), a Chinese numeral in the narrow *verb + numeral + classifier* form
(``新增三家``), ranges (``3-5家``) and the approximate markers and comparator suffixes
written after them (``60多家``, ``100个以上``) — skipping names, ordinals and quotes."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from .indicator_words import (
    BRACKETED,
    CN_DIGITS,
    CN_NUM,
    target_rules,
)

__all__ = ["Quantity", "parse_quantity", "NOUN_START", "find_quantities"]


@dataclass(frozen=True)
class Quantity:
    start: int  # of the number
    num_end: int
    end: int  # after the unit
    value: Decimal
    unit: str  # as written, multiplier included
    multiplier: int
    base_unit: str
    approx: str | None  # comparator implied by 多/余
    upper: Decimal | None = None  # the upper bound of a range (6%-6.5%)
    base_value: Decimal | None = None  # when not value × multiplier (翻一番: 2 倍)


def parse_quantity(text: str, pos: int = 0, chinese: bool = False) -> tuple[int, str, int, str, str | None] | None:
    """Read ``[多|余] [multiplier] unit`` at ``pos``: ``(end, unit, multiplier, base_unit, approx)``.

    >>> parse_quantity("万平方米以上")
    (4, '万平方米', 10000, '平方米', None)
    >>> parse_quantity("多家科技型企业")
    (2, '家', 1, '家', 'more_than')
    >>> parse_quantity("号线") is None
    True
    """
    r = target_rules()
    approx = None
    p = pos
    if text[p : p + 1] in r.approx:
        approx = r.approx[text[p]]
        p += 1
    for mult_word, mult in (("", 1), *r.multipliers_at.get(text[p : p + 1], ())):
        if mult_word and not text.startswith(mult_word, p):
            continue
        q = p + len(mult_word)
        if mult_word and approx is None and text[q : q + 1] in r.approx:
            approx = r.approx[text[q]]  # 3万余人, 3亿多元
            q += 1
        for unit in r.units_at.get(text[q : q + 1], ()):
            if text.startswith(unit, q):
                if chinese and (mult_word or unit in r.cn_excluded or unit not in r.count_units):
                    return None
                base = r.base_alias.get(unit, unit)
                return q + len(unit), mult_word + unit, mult, base, approx
    return None


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for open_, close in target_rules().quotes:
        i = 0
        while True:
            a = text.find(open_, i)
            if a < 0:
                break
            b = text.find(close, a + 1)
            if b < 0:
                break
            spans.append((a, b + 1))
            i = b + 1
    return spans


_ARABIC = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


_GLUED_BEFORE = re.compile(r"[A-Za-z.·:/\-]")


_LETTER = re.compile(r"[A-Za-z]")


NOUN_START = re.compile(r"[\u3400-\u9fffA-Za-z]")


_CHINESE = re.compile(rf"[{CN_NUM}]+")


# a character every figure :func:`find_quantities` reads starts with (_ARABIC, _CHINESE, 番)
_ANY_FIGURE = re.compile(rf"[\d{CN_NUM}番]")


def _cn_value(s: str) -> int | None:
    """Value of a simple Chinese numeral (两, 十二, 二十九, 一百), or ``None``."""
    if not s or any(c not in CN_NUM for c in s):
        return None
    total, cur = 0, 0
    for c in s:
        if c in CN_DIGITS:
            cur = CN_DIGITS[c]
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
    return total + cur


def _scope_notes(text: str) -> list[tuple[int, int]]:
    """Spans of brackets that note a scope (``(不含6亩)``, ``（包括…）``): no targets inside."""
    r = target_rules()
    spans: list[tuple[int, int]] = []
    if "(" not in text and "（" not in text:
        return spans
    for m in BRACKETED.finditer(text):
        if m.group(1).startswith(r.scope_openers):
            spans.append((m.start(), m.end()))
    return spans


def _range_end(text: str, pos: int, unit: str | None) -> tuple[int, Decimal] | None:
    """``(end of the number, upper bound)`` when ``text[pos:]`` is ``-6.5`` (then ``unit``) of a range."""
    r = target_rules()
    for c in r.range_connectors:
        if text.startswith(c, pos):
            m = _ARABIC.match(text, pos + len(c))
            if m is None:
                return None
            if unit is not None and not text.startswith(unit, m.end()):
                return None
            return m.end(), Decimal(m.group().replace(",", ""))
    return None


def find_quantities(text: str) -> list[Quantity]:
    """Every figure of ``text`` with its unit: Arabic numbers, counts in Chinese numerals
    after a verb of counting, and 翻一番. A text without any of their characters (about
    two tasks in five) has none, and is not read further.

    >>> [(q.value, q.unit) for q in find_quantities("新增就业2.8万人，建成三个园区")]
    [(Decimal('2.8'), '万人'), (Decimal('3'), '个')]
    >>> find_quantities("推进改革，优化服务")
    []
    """
    if not _ANY_FIGURE.search(text):
        return []
    r = target_rules()
    # quoted spans and scope notes: no targets inside
    spans = sorted(_quoted_spans(text) + _scope_notes(text))
    starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))  # furthest end so far

    def inside_quotes(i: int) -> bool:  # any(a < i < b for a, b in spans), in log time
        k = bisect.bisect_left(starts, i)
        return k > 0 and reach[k - 1] > i

    out: list[Quantity] = []
    taken_until = 0
    for m in _ARABIC.finditer(text):
        s, e = m.start(), m.end()
        if s < taken_until:
            continue  # the upper bound of a range already read
        before = text[s - 1] if s else ""
        after = text[e : e + 1]
        # 增长-3.2%: a minus sign after a word of growth, not a dash
        negative = before in "-−" and s > 1 and text.endswith(r.negative_after, 0, s - 1)
        if (_GLUED_BEFORE.match(before) and not negative) or _LETTER.match(after):
            continue
        if inside_quotes(s) or text.endswith(r.skip_after_at.get(before, ()), 0, s):
            continue
        value = Decimal(m.group().replace(",", ""))
        if negative:
            value = -value
        upper = None
        parsed = parse_quantity(text, e)
        if parsed is None:
            # 6-6.5%: a bare number, a dash, a number with a unit
            rng = _range_end(text, e, None)
            if rng is None or rng[1] <= value or (parsed := parse_quantity(text, rng[0])) is None or parsed[4]:
                continue
            upper = rng[1]
        else:
            # 6%-6.5%: the same unit on both bounds (a rising pair)
            rng = _range_end(text, parsed[0], parsed[1])
            if rng is not None and rng[1] > value and not parsed[4]:
                upper = rng[1]
                parsed = (rng[0] + len(parsed[1]), *parsed[1:])
        end, unit, mult, base, approx = parsed
        out.append(Quantity(s - 1 if negative else s, e, end, value, unit, mult, base, approx, upper))
        taken_until = end
    if "番" in text:
        for m in r.doubling_re.finditer(text):
            if not inside_quotes(m.start()):
                n = r.doubling[m.group()]
                out.append(Quantity(m.start(), m.start() + 1, m.end(), Decimal(n), "番", 1, "倍", None,
                                     base_value=Decimal(2**n)))
    for m in _CHINESE.finditer(text):
        s, e = m.start(), m.end()
        count = _cn_value(m.group())
        if count is None or count < 2 or inside_quotes(s):
            continue
        if not text.endswith(r.cn_verbs, 0, s):
            continue
        parsed = parse_quantity(text, e, chinese=True)
        if parsed is None:
            continue
        end, unit, mult, base, approx = parsed
        out.append(Quantity(s, e, end, Decimal(count), unit, mult, base, approx))
    out.sort(key=lambda q: q.start)
    return out
