"""The overload rule: a verdict per unit, with its reason in Chinese and English.

A unit is **overloaded** when its load is at least ``min_load`` (default 3: three tasks led
alone) and one of two rules fires:

1. **type fence** — its load is above Tukey's upper fence ``Q3 + fence_k × IQR`` of the
   loads of the units of its type (政府部门, 党委部门, 街道 …), *only when that type has at
   least* ``min_type_members`` (default 5) units with a load: quartiles of three values say
   nothing (three party departments at 0.5, 0.5 and 1.0 give a fence of 0.75);
2. **top share** — its load is among the top ``top_share`` (10%) of the units with a load:
   the load of the unit at rank ``ceil(top_share × n)`` is the cut-off, and every unit at
   or above it is flagged, so units tied at the cut-off are all flagged and the reason
   says so (``ties``).

The loads compared are the ranked ones (direct, or expanded with ``expand_groups``); units
with no load are neither counted in ``n`` nor in the quartiles. Every unit gets a reason:
the rules that fired with their numbers, or why none did.

>>> T = "GovernmentDepartment"
>>> vs = overload_verdicts([("a", T, 9.0), ("b", T, 4.0), ("c", T, 4.0), ("d", T, 1.0),
...                         ("e", T, 1.0), ("f", T, 1.0)], VerdictRule(top_share=0.2))
>>> vs["a"].overloaded, vs["a"].rules
(True, ('fence', 'top_share'))
>>> print(vs["c"].reason_en)
top 20% by load (rank 3 of 6, cut-off 4; ties: 2 units share the cut-off load, all flagged)
>>> print(vs["d"].reason_zh)
负荷 1 低于判定超负荷的最低负荷 3
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..labels import label

__all__ = ["VerdictRule", "Verdict", "overload_verdicts", "tukey_fence", "fmt"]

EPS = 1e-9


@dataclass(frozen=True)
class VerdictRule:
    """The parameters of the overload rule (see the module docstring)."""

    fence_k: float = 1.5
    min_type_members: int = 5
    min_load: float = 3.0
    top_share: float = 0.10


@dataclass(frozen=True)
class Verdict:
    """Whether a unit is overloaded, by which rules (``fence``, ``top_share``), and why."""

    overloaded: bool
    rules: tuple[str, ...]
    reason_zh: str
    reason_en: str


def fmt(x: float) -> str:
    """A number for a reason string: at most two decimals, no trailing zeros."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def tukey_fence(values: Sequence[float], k: float = 1.5) -> tuple[float, float, float]:
    """``(fence, q3, iqr)``: Tukey's upper fence ``Q3 + k·IQR`` of ``values``.

    Quartiles by the inclusive method (linear interpolation between data points), so
    one value gives a fence equal to itself.

    >>> tukey_fence([1, 2, 3, 4, 5])
    (7.0, 4.0, 2.0)
    >>> tukey_fence([2.5])
    (2.5, 2.5, 0.0)
    """
    xs = [float(v) for v in values]
    if not xs:
        return (0.0, 0.0, 0.0)
    if len(xs) == 1:
        return (xs[0], xs[0], 0.0)
    q1, _, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    iqr = q3 - q1
    return (q3 + k * iqr, q3, iqr)


@dataclass(frozen=True)
class _Top:
    n: int
    k: int
    cutoff: float
    at_cutoff: int  # units whose load equals the cut-off


def _top(loads: list[float], share: float) -> _Top | None:
    n = len(loads)
    if share <= 0 or n == 0:
        return None
    k = max(1, math.ceil(share * n))
    cutoff = sorted(loads, reverse=True)[min(k, n) - 1]
    return _Top(n, k, cutoff, sum(1 for x in loads if abs(x - cutoff) <= EPS))


def overload_verdicts(rows: Sequence[tuple[str, str, float]], rule: VerdictRule | None = None) -> dict[str, Verdict]:
    """The verdict of every ``(key, type, load)`` row, the rows in ranking order."""
    r = rule or VerdictRule()
    carrying = [(key, ty, x) for key, ty, x in rows if x > EPS]
    by_type: dict[str, list[float]] = defaultdict(list)
    for _, ty, x in carrying:
        by_type[ty].append(x)
    top = _top([x for _, _, x in carrying], r.top_share)
    rank = {key: i for i, (key, _, _) in enumerate(carrying, start=1)}
    # each type's fence once (it sorts the type's loads), not once per unit
    fences: dict[str, tuple[float, float, float] | None] = {}
    out: dict[str, Verdict] = {}
    for key, ty, x in rows:
        if x < r.min_load - EPS:
            out[key] = Verdict(False, (), f"负荷 {fmt(x)} 低于判定超负荷的最低负荷 {fmt(r.min_load)}",
                               f"load {fmt(x)} is below the minimum load {fmt(r.min_load)} for an overload verdict")
            continue
        if ty not in fences:
            fences[ty] = tukey_fence(by_type[ty], r.fence_k) if len(by_type[ty]) >= r.min_type_members else None
        parts = [_fence_part(x, ty, len(by_type[ty]), fences[ty], r)]
        if top is not None:
            parts.append(_top_part(x, rank[key], top, r))
        fired = [p for p in parts if p.rule]
        said = fired or parts  # the rules that fired, or why none did
        out[key] = Verdict(
            bool(fired), tuple(p.rule for p in fired), "；".join(p.zh for p in said), "; ".join(p.en for p in said)
        )
    return out


@dataclass(frozen=True)
class _Part:
    rule: str  # the rule's name when it fired, else ""
    zh: str
    en: str


def _fence_part(x: float, ty: str, n: int, fence_q3_iqr: tuple[float, float, float] | None, r: VerdictRule) -> _Part:
    """The fence rule on a unit of load ``x`` among the ``n`` units of its type with a
    load, whose fence is ``fence_q3_iqr`` (None: too few units for one)."""
    ty_zh, ty_en = label("unit_type", ty), label("unit_type", ty, "en")
    if fence_q3_iqr is None:
        return _Part("", f"只有 {n} 个{ty_zh}单位（少于 {r.min_type_members} 个），不用同类上限",
                     f"only {n} units of type {ty_en} (fewer than {r.min_type_members}): no type fence")
    fence, q3, iqr = fence_q3_iqr
    numbers = f"Q3 {fmt(q3)} + {fmt(r.fence_k)}×IQR {fmt(iqr)}"
    if x > fence + EPS:
        return _Part("fence", f"负荷 {fmt(x)} 超过{ty_zh}同类上限 {fmt(fence)}（{numbers}，{n} 个单位）",
                     f"load {fmt(x)} > fence {fmt(fence)} of {ty_en} ({numbers}, {n} units)")
    return _Part("", f"未超过{ty_zh}同类上限 {fmt(fence)}（{numbers}）",
                 f"not above the fence {fmt(fence)} of {ty_en} ({numbers})")


def _top_part(x: float, rank: int, top: _Top, r: VerdictRule) -> _Part:
    pct = fmt(r.top_share * 100)
    where_zh = f"第 {rank} 名，共 {top.n} 个单位；门槛 {fmt(top.cutoff)}"
    where_en = f"rank {rank} of {top.n}, cut-off {fmt(top.cutoff)}"
    if x < top.cutoff - EPS:
        return _Part("", f"不在负荷前 {pct}%（{where_zh}）", f"not in the top {pct}% by load ({where_en})")
    if top.at_cutoff > 1 and abs(x - top.cutoff) <= EPS:
        where_zh += f"；并列：{top.at_cutoff} 个单位负荷同为门槛值，均标出"
        where_en += f"; ties: {top.at_cutoff} units share the cut-off load, all flagged"
    return _Part("top_share", f"位列负荷前 {pct}%（{where_zh}）", f"top {pct}% by load ({where_en})")
