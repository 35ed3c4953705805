"""The metric of a target — what is counted or measured: the words before the quantity
(``新增城镇就业`` 3000人), or the noun after it (``新建3所学校``), trimmed of verbs and
fillers — and the commitment and kind the words around it give."""

from __future__ import annotations

import re
from functools import lru_cache

from .indicator_words import (
    BOUNDARY,
    BRACKETED,
    CN_NUM,
    RANGE_FROM,
    clause_start,
    sentence_start,
    target_rules,
)
from .quantities import (
    NOUN_START,
    Quantity,
)

__all__ = [
    "metric_before", "noun_after", "commitment_of", "indicator_kind", "clause_around", "after_note",
    "skip_suffix", "is_subject", "strip_metric_reach",
]


@lru_cache(maxsize=65536)
def _strip_metric(metric: str) -> str:
    """``metric`` without item numbers, counts, years and the words that lead or close a
    metric phrase (remembered per phrase: each figure asks twice)."""
    r = target_rules()
    metric = r.item_number.sub("", metric)
    metric = r.leading_count.sub("", metric)
    metric = r.leading_year.sub("", metric)
    changed = True
    while changed and metric:
        changed = False
        for w in r.strip_leading_at.get(metric[0], ()):
            if metric.startswith(w) and len(metric) > len(w):
                metric, changed = metric[len(w) :], True
                break
            if metric == w:
                metric, changed = "", True
                break
        for w in r.strip_trailing_at.get(metric[-1:], ()):
            if metric.endswith(w):
                metric, changed = metric[: -len(w)], True
                break
    return metric.strip(" \t、，")


def metric_before(text: str, start: int, end: int) -> str:
    """The noun phrase of ``text[start:end]`` (the clause before the number)."""
    r = target_rules()
    phrase = text[start:end]
    # 从A提高到B: the metric ends where the range starts
    k = max((m.start() for m in RANGE_FROM.finditer(phrase)), default=-1)
    if k > 0:
        phrase = phrase[:k]
    # 有效投资增长高于经济增长、4个结构性指标均实现10%: the metric is the item with the count
    k = phrase.rfind("、")
    if k >= 0 and phrase[k + 1 : k + 2].isdigit():
        phrase = phrase[k + 1 :]
    # 城乡居民收入比2010年翻一番: the metric ends where the base of comparison starts
    m = r.compared_with.search(phrase)
    if m:
        phrase = phrase[: m.start()]  # empty for 比上年增长5.1%: the previous metric's
    lead = ""
    stripped = _strip_metric(phrase)
    for p in r.list_prefixes:
        if stripped.startswith(p):
            lead = p
            break
    for w in r.scope_split:
        k = phrase.rfind(w)
        if k >= 0 and len(phrase) - k - len(w) >= 2:
            phrase = phrase[k + len(w) :]
    k = phrase.rfind("等")
    if k >= 0 and len(phrase) - k - 1 >= 2:
        phrase = phrase[k + 1 :]
        if lead and not _strip_metric(phrase).startswith(lead):
            phrase = lead + phrase
    return _strip_metric(phrase)


def noun_after(text: str, pos: int) -> str:
    """The noun a quantity counts (``62个续建项目尽快竣工`` → ``续建项目``), or ``""``."""
    r = target_rules()
    if text.startswith("“", pos):
        close = text.find("”", pos)
        return text[pos : close + 1] if close > pos + 1 else ""
    if pos >= len(text) or not NOUN_START.match(text[pos]):
        return ""
    if text.startswith(r.not_noun_after, pos):
        return ""
    i = pos
    while i < len(text):
        c = text[i]
        if c in BOUNDARY or c in "“”\"《》" or c.isdigit():
            break
        if c == "、":
            nxt = text[i + 1 : i + 2]
            if not nxt or nxt.isdigit() or nxt in CN_NUM:
                break
        i += 1
    noun = text[pos:i]
    cut = len(noun)
    for w in r.noun_stops:
        k = noun.find(w)
        if 0 < k < cut:
            cut = k
    return noun[:cut].rstrip("、")


def commitment_of(text: str, pos: int) -> str | None:
    r = target_rules()
    s = sentence_start(text, pos)
    sentence = text[s:pos]
    best, best_at = None, -1
    for w, c in r.commitments:
        k = sentence.rfind(w)
        if k > best_at:
            best, best_at = c, k
    if best is None:
        return None
    # a later clause that opens with its own verb ends the commitment's scope
    for clause in re.split(r"[，]", sentence[best_at:])[1:]:
        if clause.startswith(r.new_clause_verbs):
            return None
    return best


def indicator_kind(unit: str, base: str, kind_word: str | None, count: bool) -> str:
    if kind_word == "growth":
        return "growth_rate" if base in ("%", "‰", "个百分点") else "increase"
    if kind_word in ("decrease", "level"):
        return kind_word
    if base in ("%", "‰"):  # per cent, per mille (人口自然增长率7‰)
        return "rate"
    return "count" if count else "amount"


def clause_around(text: str, pos: int) -> str:
    """The clause around ``pos`` (between boundaries)."""
    a = clause_start(text, pos, 0)
    b = pos
    while b < len(text) and text[b] not in BOUNDARY:
        b += 1
    return text[a:b]


def after_note(text: str, pos: int) -> int:
    """``pos`` past a bracketed note that starts there (``6亩以下(不含6亩)的``), else ``pos``."""
    if text[pos : pos + 1] in ("(", "（"):
        close = BRACKETED.match(text, pos)
        if close:
            return close.end()
    return pos


def skip_suffix(text: str, pos: int) -> int:
    """``pos`` past a comparator suffix (以上, 左右 …) that starts there."""
    for word, _ in target_rules().suffixes:
        if text.startswith(word, pos):
            return pos + len(word)
    return pos


def is_subject(text: str, noun_end: int, later: list[Quantity]) -> bool:
    """Whether a counted noun is the subject of a later figure in its clause (``4个结构性指标均实现10%``)
    or a set the clause picks from (``4个结构性指标中，``), so that the count itself is no target."""
    if text[noun_end - 1 : noun_end] == "中" and text[noun_end : noun_end + 1] in BOUNDARY:
        if not text.endswith(target_rules().not_set_nouns, 0, noun_end):
            return True  # 4个结构性指标中，…
    if not later:
        return False
    nxt = later[0]
    between = text[noun_end : nxt.start]
    if any(c in BOUNDARY or c == "、" for c in between):
        return False
    # the later figure is the clause's predicate, not a qualifier of a following noun
    after = skip_suffix(text, nxt.end)
    if text.startswith("的", after):
        return False  # 建设2个年产10万吨的项目: the later figure qualifies
    return not noun_after(text, after) or text.startswith(target_rules().growth_after, after)


@lru_cache(maxsize=65536)
def strip_metric_reach(region: str) -> bool:
    """Whether the clause before a number opens with a verb meaning "reach" (实现, 达到)
    (remembered per clause: the words are tried one by one)."""
    r = target_rules()
    s = region.lstrip("、，和及与")
    for _ in range(4):
        for w in r.strip_leading:
            if s.startswith(w):
                if w in ("实现", "达到"):
                    return True
                s = s[len(w) :]
                break
        else:
            return False
    return False
