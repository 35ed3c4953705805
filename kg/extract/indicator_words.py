"""The words of target phrasing (``ontology/indicators.json``) compiled once for the
indicator extractor (sorted longest first, indexed by their first or last character), and
the clause and sentence bounds it reads them within."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from ..resources import indicator_rules

__all__ = [
    "CN_DIGITS", "CN_NUM", "RANGE_FROM", "BRACKETED", "CELL_BREAK", "BOUNDARY", "TargetRules",
    "target_rules", "clause_start", "sentence_start",
]

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


CN_NUM = "零〇一二两三四五六七八九十百"


RANGE_FROM = re.compile(r"[从由](?=\d)")  # 从57.4%提高到, 由20个工作日压缩至 (not 从业, 自由)


BRACKETED = re.compile(r"[(（]([^()（）]*)[)）]")


CELL_BREAK = re.compile(r"\n|\||\t| {2,}")  # a paragraph or table cell ends


BOUNDARY = "，。；：！？,;:!?\n（）()【】"


_SENTENCE_END = "。；！？;!?\n"

T = TypeVar("T")


@dataclass(frozen=True)
class _Word:
    word: str
    comparator: str | None = None
    kind: str | None = None
    commitment: str | None = None
    filler: bool = False


@dataclass(frozen=True)
class TargetRules:
    multipliers: tuple[tuple[str, int], ...]
    units: tuple[str, ...]  # longest first
    count_units: frozenset[str]
    base_alias: dict[str, str]
    cn_excluded: frozenset[str]
    cn_verbs: tuple[str, ...]
    suffixes: tuple[tuple[str, str], ...]
    approx: dict[str, str]
    prefix_words: tuple[_Word, ...]
    commitments: tuple[tuple[str, str], ...]
    new_clause_verbs: tuple[str, ...]
    strip_leading: tuple[str, ...]
    strip_trailing: tuple[str, ...]
    scope_split: tuple[str, ...]
    list_prefixes: tuple[str, ...]
    list_connectors: tuple[str, ...]
    skip_after: tuple[str, ...]
    not_noun_after: tuple[str, ...]
    noun_stops: tuple[str, ...]
    quotes: tuple[tuple[str, str], ...]
    growth_suffixes: tuple[str, ...]
    growth_after: tuple[str, ...]
    durations: frozenset[str]
    time_limits: tuple[str, ...]
    scope_openers: tuple[str, ...]
    project_nouns: tuple[str, ...]
    not_target_nouns: tuple[str, ...]
    not_set_nouns: tuple[str, ...]
    ranking_verbs: tuple[str, ...]
    scope_verbs: tuple[str, ...]
    existing_scope: re.Pattern[str]
    existing_clause: re.Pattern[str]
    qualifier_words: tuple[str, ...]
    ranking_nouns: tuple[str, ...]
    negative_after: tuple[str, ...]
    policy_terms: tuple[str, ...]
    ranking_units: frozenset[str]
    range_connectors: tuple[str, ...]
    doubling: dict[str, int]
    doubling_re: re.Pattern[str]
    item_number: re.Pattern[str]
    leading_count: re.Pattern[str]  # 4个结构性指标… at the start of a metric
    leading_year: re.Pattern[str]
    compared_with: re.Pattern[str]
    progress_opener: re.Pattern[str]
    progress_inside: tuple[str, ...]
    # the same lists, by first (or last) character, each in its list's order: a word can
    # only match where its first (last) character is
    units_at: dict[str, tuple[str, ...]]
    multipliers_at: dict[str, tuple[tuple[str, int], ...]]
    strip_leading_at: dict[str, tuple[str, ...]]
    strip_trailing_at: dict[str, tuple[str, ...]]
    prefix_words_at: dict[str, tuple[_Word, ...]]
    skip_after_at: dict[str, tuple[str, ...]]


def _by_len(xs: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(xs, key=len, reverse=True))


def _index(items: Iterable[T], key: Callable[[T], str]) -> dict[str, tuple[T, ...]]:
    """``items`` grouped by ``key(item)`` (a character), keeping their order."""
    out: dict[str, list[T]] = {}
    for it in items:
        out.setdefault(key(it), []).append(it)
    return {k: tuple(v) for k, v in out.items()}


@cache
def target_rules() -> TargetRules:
    d = indicator_rules()
    words = tuple(
        sorted(
            (_Word(w["word"], w.get("comparator"), w.get("kind"), w.get("commitment"), bool(w.get("filler")))
             for w in d["prefix_words"]),
            key=lambda w: len(w.word), reverse=True,
        )
    )
    multipliers = tuple(sorted(d["multipliers"].items(), key=lambda kv: len(kv[0]), reverse=True))
    units = _by_len(d["count_units"] + d["measure_units"])
    strip_leading = _by_len(d["metric_strip_leading"])
    strip_trailing = _by_len(d["metric_strip_trailing"])
    skip_after = _by_len(d["skip_after"])
    if not all(w for w in (*units, *strip_leading, *strip_trailing, *skip_after, *(m for m, _ in multipliers))):
        raise ValueError("indicators.json: empty word in a word list")
    return TargetRules(
        multipliers=multipliers,
        units=units,
        count_units=frozenset(d["count_units"]),
        base_alias=dict(d["base_unit_alias"]),
        cn_excluded=frozenset(d["chinese_numeral_units_excluded"]),
        cn_verbs=_by_len(d["chinese_numeral_verbs"]),
        suffixes=tuple(sorted(d["comparator_suffixes"].items(), key=lambda kv: len(kv[0]), reverse=True)),
        approx=dict(d["approx_markers"]),
        prefix_words=words,
        commitments=tuple(sorted(d["commitment_words"].items(), key=lambda kv: len(kv[0]), reverse=True)),
        new_clause_verbs=_by_len(d["new_clause_verbs"]),
        strip_leading=strip_leading,
        strip_trailing=strip_trailing,
        scope_split=_by_len(d["metric_scope_split"]),
        list_prefixes=_by_len(d["metric_list_prefixes"]),
        list_connectors=_by_len(d["list_connectors"]),
        skip_after=skip_after,
        not_noun_after=_by_len(d["not_noun_after"]),
        noun_stops=_by_len(d["noun_stop_words"]),
        quotes=tuple((a, b) for a, b in d["quote_pairs"]),
        growth_suffixes=_by_len(d.get("metric_growth_suffixes", [])),
        growth_after=_by_len(d["growth_after"]),
        durations=frozenset(d["duration_units"]),
        time_limits=_by_len(d["time_limit_suffixes"]),
        scope_openers=_by_len(d["scope_note_openers"]),
        project_nouns=_by_len(d["project_nouns"]),
        not_target_nouns=_by_len(d["not_target_counted_nouns"]),
        not_set_nouns=_by_len(d["nouns_ending_in_zhong"]),
        ranking_verbs=_by_len(d["ranking_verbs"]),
        scope_verbs=_by_len(d["scope_verbs"]),
        existing_scope=re.compile(d["existing_scope_before"]),
        existing_clause=re.compile(d["existing_clause_start"]),
        qualifier_words=_by_len(d["qualifier_words"]),
        ranking_nouns=_by_len(d["ranking_nouns"]),
        negative_after=_by_len(d["negative_after"]),
        policy_terms=_by_len(d["policy_term_markers"]),
        ranking_units=frozenset(d["ranking_units"]),
        range_connectors=_by_len(d["range_connectors"]),
        doubling=dict(d["doubling"]),
        doubling_re=re.compile("|".join(map(re.escape, _by_len(d["doubling"])))),
        item_number=re.compile(d["item_number_prefix"]),
        leading_count=re.compile(r"^\d+(?:\.\d+)?(?:" + "|".join(map(re.escape, _by_len(d["count_units"]))) + ")"),
        leading_year=re.compile(d["metric_leading_year"]),
        compared_with=re.compile(d["metric_compared_with"]),
        progress_opener=re.compile("(?:" + "|".join(d["progress_openers"]) + ")"),
        progress_inside=_by_len(d["progress_inside"]),
        units_at=_index(units, lambda w: w[0]),
        multipliers_at=_index(multipliers, lambda m: m[0][0]),
        strip_leading_at=_index(strip_leading, lambda w: w[0]),
        strip_trailing_at=_index(strip_trailing, lambda w: w[-1]),
        prefix_words_at=_index((w for w in words if w.word), lambda w: w.word[-1]),
        skip_after_at=_index(skip_after, lambda w: w[-1]),
    )


def clause_start(text: str, pos: int, floor: int) -> int:
    """Where the clause that ends at ``pos`` starts: after the last :data:`BOUNDARY`
    character before ``pos``, but not before ``floor`` (``pos`` itself when
    ``pos <= floor``).

    >>> t = "确保增长7%，力争增长8%。"
    >>> clause_start(t, t.index("8"), 0), clause_start(t, t.index("8"), 9), clause_start(t, 3, 5)
    (7, 9, 3)
    """
    if pos <= floor:
        return pos
    return max(floor, _last_before(text, pos, _BOUNDARIES) + 1)


def sentence_start(text: str, pos: int) -> int:
    """Where the sentence that holds ``pos`` starts: after the last sentence end before it.

    >>> t = "确保增长7%。力争增长8%"
    >>> sentence_start(t, t.index("8")), sentence_start(t, 3), sentence_start(t, 0)
    (7, 0, 0)
    """
    return _last_before(text, pos, _SENTENCE_ENDS) + 1


class _Bounds:
    """The offsets of the bound characters of the last text asked about (the indicators of
    one task ask about the same text many times): found once by a regex, then bisected,
    instead of walking back character by character from every figure. The text and its
    offsets are one tuple, replaced at once (safe for threads)."""

    __slots__ = ("pattern", "last")

    def __init__(self, chars: str) -> None:
        self.pattern = re.compile("[" + re.escape(chars) + "]")
        self.last: tuple[str, list[int]] = ("", [])


_BOUNDARIES = _Bounds(BOUNDARY)
_SENTENCE_ENDS = _Bounds(_SENTENCE_END)


def _last_before(text: str, pos: int, bounds: _Bounds) -> int:
    """The offset of the last bound character before ``pos`` in ``text``, -1 when none."""
    known, offsets = bounds.last
    if known is not text:
        offsets = [m.start() for m in bounds.pattern.finditer(text)]
        bounds.last = (text, offsets)
    k = bisect.bisect_left(offsets, pos)
    return offsets[k - 1] if k else -1
