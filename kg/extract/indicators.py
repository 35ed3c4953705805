"""Quantitative targets (指标) in a task or report statement: ``extract_indicators``.

Text in, :class:`~kg.models.Indicator` records out; no state, no I/O beyond loading the
word lists in ``ontology/indicators.json`` once. The procedure:

1. **Quantities.** An Arabic number (``2.8``, ``1,620``) followed by a unit of measure:
   an optional multiplier (万, 亿, 千, 百, 千万 …), then a count classifier (个, 家, 件, 幢,
   人, 人次 …) or a measure unit (%, 平方米, 亿元 → 亿 + 元, 美元 …). A number with no unit
   is never a target (``12345政务服务热线``, ``颐和路11、13片区``). Numbers glued to Latin
   letters (``5G``, ``4A级``, ``PM2.5``), numbers inside quotes or book-title marks
   (``“从0到1”``, ``“181”信息化平台``, ``《民法典》``), ordinals and names (``第二届``,
   ``新100条``, ``前3名``) and the start of a range written ``从A…到B`` are skipped.
   Years, months and line numbers have no unit in the lists (``2020年``, ``5号线``).
2. **Chinese numerals.** Written-out numbers mostly name things in these documents
   (三项制度, 九大区属国企集团, 十连冠, 四个关键节点, 二十九中) or are vague (一批, 一些),
   so they are taken only in the narrow form *target verb + numeral ≥ 2 + count
   classifier* outside quotes (``新增三家`` → 3 家). 大/类/批 … never follow a Chinese
   numeral as a unit (三大主导产业 is a name, not a count); Arabic ``12大应用场景`` counts.
3. **Comparator** (English ids): ``at_least`` (以上, 不少于, 不低于), ``more_than`` (突破,
   超过, 超, 60多家, 1100余处), ``reach`` (达, 达到, 实现, 提高到, 下降到 … with a plain
   value; a list item joined by 、 inherits it), ``at_most`` (控制在…以内, 以下, 不超过),
   ``about`` (近, 约, 左右) and ``equal`` (a plain figure: 新增N…, 增长7%). A suffix
   (以上/以内/左右) overrides a prefix: 达95%以上 is ``at_least``.
4. **Kind**: ``growth_rate`` (增长/提高 X% or X个百分点), ``increase`` (增长 with any
   other unit), ``decrease`` (下降/压减/减少 X), ``level`` (a level reached after a
   change: 提高到/下降到 X), ``rate`` (any other percentage: 作业率95%), ``count`` (a count
   classifier: 家, 个, 人 …) and ``amount`` (money, area and every other measure).
5. **Commitment**: ``binding`` (确保, 务必, 必须), ``aspirational`` (力争, 争取, 争创,
   努力) or ``None``. A commitment word covers the rest of its sentence up to a clause that
   opens with a new verb (实现, 完成, 推动 …).
6. **Metric**: when a noun follows the unit (``62个续建项目尽快竣工``) the metric is that
   noun, cut at the first verb of ``noun_stop_words``; otherwise it is the phrase before
   the number within its clause (``地区生产总值``), with commitment/time/verb words
   stripped (确保, 力争, 全年, 实现 …), a list head after 等 kept (``宝龙天地等载体`` →
   ``载体``) and a scope (``部门预算中公用经费`` → ``公用经费``) cut. List items joined by
   、/和 share the verb prefix of the first (``新增亿元楼宇3幢、特色楼宇2幢`` → second metric
   ``新增特色楼宇``); an item with no metric of its own (``1620亿元、增长8%``) takes the
   previous one's.
7. **Normalisation**: ``value``/``unit`` as written (2.8, 万人); ``base_value``/``base_unit``
   with the multiplier applied exactly (28000.0, 人; 3亿美元 → 300000000.0 美元).

A quantity that only qualifies a noun is not a target: ``10亿元以上项目26个`` gives the
26 项目 but not the 10 亿元, and neither does ``…1500亿元的预期目标``.

8. **Not targets** (word lists in ``ontology/indicators.json``): a qualifier behind a bracket
   (``6亩以下(不含6亩)的土地``) or before a noun (``3岁以下婴幼儿``); a scope note in brackets
   (``不含``, ``包括`` …); a time limit, a duration with 内/以内 and no verb bringing it down
   (``14个工作日内完成审批``; but ``压缩至5个工作日`` is a target); a duration that names a
   service (``15分钟便民生活圈``); the capacity in a project's name (``80万吨乙烯改扩建项目``);
   a count of the document's own tasks or measures (``171项目标任务``, ``政策措施30条``); a
   ranking move (``比去年同期提升5位``; ``第3`` never had a unit); a counted subject whose
   figure follows (``4个结构性指标均实现10%以上增长`` gives the 10%). A count whose noun runs
   on through a qualifying figure keeps it in its metric (``培育5家产值超10亿元企业``).
9. **Ranges and doubling**: ``6%-6.5%`` and ``6-6.5%`` are one target, comparator
   ``between`` with the lower bound as value; ``翻一番`` is value 1, unit 番, base 2 倍.

Progress (``in_progress``): a figure whose sentence or paragraph opens with a period to date
(``1-2月，`` ``截至`` ``目前`` ``今年以来`` ``已``) reports an achieved result; ``kg.extract.mentions`` leaves
it out of a task plan's targets and marks it ``actual`` in a work report.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from ..models import Indicator
from ..resources import indicator_rules

__all__ = ["extract_indicators", "in_progress", "parse_quantity", "COMPARATORS", "KINDS"]

COMPARATORS = ("at_least", "more_than", "reach", "at_most", "about", "equal", "between")
KINDS = ("growth_rate", "increase", "decrease", "level", "rate", "count", "amount")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "零〇一二两三四五六七八九十百"
_RANGE_FROM = re.compile(r"[从由](?=\d)")  # 从57.4%提高到, 由20个工作日压缩至 (not 从业, 自由)
_BRACKETED = re.compile(r"[(（]([^()（）]*)[)）]")
_CELL_BREAK = re.compile(r"\n|\||\t| {2,}")  # a paragraph or table cell ends
_BOUNDARY = "，。；：！？,;:!?\n（）()【】"
_SENTENCE_END = "。；！？;!?\n"


@dataclass(frozen=True)
class _Word:
    word: str
    comparator: str | None = None
    kind: str | None = None
    commitment: str | None = None
    filler: bool = False


@dataclass(frozen=True)
class _Rules:
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


def _by_len(xs):  # type: ignore[no-untyped-def]
    return tuple(sorted(xs, key=len, reverse=True))


def _index(items, key):  # type: ignore[no-untyped-def]
    """``items`` grouped by ``key(item)`` (a character), keeping their order."""
    out: dict[str, list[object]] = {}
    for it in items:
        out.setdefault(key(it), []).append(it)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _rules() -> _Rules:
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
    return _Rules(
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


# -- quantities ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Quantity:
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
    r = _rules()
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
    for open_, close in _rules().quotes:
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
_NOUN_START = re.compile(r"[\u3400-\u9fffA-Za-z]")
_CHINESE = re.compile(rf"[{_CN_NUM}]+")


def _cn_value(s: str) -> int | None:
    """Value of a simple Chinese numeral (两, 十二, 二十九, 一百), or ``None``."""
    if not s or any(c not in _CN_NUM for c in s):
        return None
    total, cur = 0, 0
    for c in s:
        if c in _CN_DIGITS:
            cur = _CN_DIGITS[c]
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
    return total + cur


def _scope_notes(text: str) -> list[tuple[int, int]]:
    """Spans of brackets that note a scope (``(不含6亩)``, ``（包括…）``): no targets inside."""
    r = _rules()
    spans: list[tuple[int, int]] = []
    if "(" not in text and "（" not in text:
        return spans
    for m in _BRACKETED.finditer(text):
        if m.group(1).startswith(r.scope_openers):
            spans.append((m.start(), m.end()))
    return spans


def _range_end(text: str, pos: int, unit: str | None) -> tuple[int, Decimal] | None:
    """``(end of the number, upper bound)`` when ``text[pos:]`` is ``-6.5`` (then ``unit``) of a range."""
    r = _rules()
    for c in r.range_connectors:
        if text.startswith(c, pos):
            m = _ARABIC.match(text, pos + len(c))
            if m is None:
                return None
            if unit is not None and not text.startswith(unit, m.end()):
                return None
            return m.end(), Decimal(m.group().replace(",", ""))
    return None


def _quantities(text: str) -> list[_Quantity]:
    r = _rules()
    # quoted spans and scope notes: no targets inside
    spans = sorted(_quoted_spans(text) + _scope_notes(text))
    starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))  # furthest end so far

    def inside_quotes(i: int) -> bool:  # any(a < i < b for a, b in spans), in log time
        k = bisect.bisect_left(starts, i)
        return k > 0 and reach[k - 1] > i

    out: list[_Quantity] = []
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
        if inside_quotes(s) or any(text.endswith(w, 0, s) for w in r.skip_after_at.get(before, ())):
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
        out.append(_Quantity(s - 1 if negative else s, e, end, value, unit, mult, base, approx, upper))
        taken_until = end
    if "番" in text:
        for m in r.doubling_re.finditer(text):
            if not inside_quotes(m.start()):
                n = r.doubling[m.group()]
                out.append(_Quantity(m.start(), m.start() + 1, m.end(), Decimal(n), "番", 1, "倍", None,
                                     base_value=Decimal(2**n)))
    for m in _CHINESE.finditer(text):
        s, e = m.start(), m.end()
        value = _cn_value(m.group())
        if value is None or value < 2 or inside_quotes(s):
            continue
        if not any(text.endswith(v, 0, s) for v in r.cn_verbs):
            continue
        parsed = parse_quantity(text, e, chinese=True)
        if parsed is None:
            continue
        end, unit, mult, base, approx = parsed
        out.append(_Quantity(s, e, end, Decimal(value), unit, mult, base, approx))
    out.sort(key=lambda q: q.start)
    return out


# -- context ---------------------------------------------------------------------------

def _clause_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and text[i - 1] not in _BOUNDARY:
        i -= 1
    return i


def _sentence_start(text: str, pos: int) -> int:
    i = pos
    while i > 0 and text[i - 1] not in _SENTENCE_END:
        i -= 1
    return i


def _strip_metric(metric: str) -> str:
    r = _rules()
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


def _metric_before(text: str, start: int, end: int) -> str:
    """The noun phrase of ``text[start:end]`` (the clause before the number)."""
    r = _rules()
    phrase = text[start:end]
    # 从A提高到B: the metric ends where the range starts
    k = max((m.start() for m in _RANGE_FROM.finditer(phrase)), default=-1)
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


def _noun_after(text: str, pos: int) -> str:
    """The noun a quantity counts (``62个续建项目尽快竣工`` → ``续建项目``), or ``""``."""
    r = _rules()
    if text.startswith("“", pos):
        close = text.find("”", pos)
        return text[pos : close + 1] if close > pos + 1 else ""
    if pos >= len(text) or not _NOUN_START.match(text[pos]):
        return ""
    if any(text.startswith(w, pos) for w in r.not_noun_after):
        return ""
    i = pos
    while i < len(text):
        c = text[i]
        if c in _BOUNDARY or c in "“”\"《》" or c.isdigit():
            break
        if c == "、":
            nxt = text[i + 1 : i + 2]
            if not nxt or nxt.isdigit() or nxt in _CN_NUM:
                break
        i += 1
    noun = text[pos:i]
    cut = len(noun)
    for w in r.noun_stops:
        k = noun.find(w)
        if 0 < k < cut:
            cut = k
    return noun[:cut].rstrip("、")


def _commitment(text: str, pos: int) -> str | None:
    r = _rules()
    s = _sentence_start(text, pos)
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


def _kind(unit: str, base: str, kind_word: str | None, count: bool) -> str:
    if kind_word == "growth":
        return "growth_rate" if base in ("%", "‰", "个百分点") else "increase"
    if kind_word in ("decrease", "level"):
        return kind_word
    if base in ("%", "‰"):  # per cent, per mille (人口自然增长率7‰)
        return "rate"
    return "count" if count else "amount"


def extract_indicators(text: str, period: str = "target") -> tuple[Indicator, ...]:
    """Every explicit quantitative target in ``text`` (see the module docstring).

    >>> [(i.metric, i.comparator, i.value, i.unit, i.base_value, i.base_unit, i.kind)
    ...  for i in extract_indicators("确保新增城镇就业2.8万人")]
    [('新增城镇就业', 'equal', 2.8, '万人', 28000.0, '人', 'count')]
    >>> i = extract_indicators("力争高企突破600家，科技服务业收入增长10%以上")
    >>> [(x.metric, x.comparator, x.kind, x.commitment) for x in i]
    [('高企', 'more_than', 'count', 'aspirational'), ('科技服务业收入', 'at_least', 'growth_rate', 'aspirational')]
    >>> extract_indicators("推动5G、大数据融合，完善地铁5号线，12345政务服务热线，4A级")
    ()
    """
    r = _rules()
    out: list[Indicator] = []
    prev_end = 0
    prev: Indicator | None = None
    quantities = _quantities(text)
    for n, q in enumerate(quantities):
        if q.start < prev_end:
            continue
        # --- what follows the unit: comparator suffix, then maybe the counted noun
        end = q.end
        comparator = q.approx
        limit = next((w for w in r.time_limits if text.startswith(w, end)), "")
        for word, comp in r.suffixes:
            if text.startswith(word, end):
                comparator, end = comp, end + len(word)
                break
        count = q.base_unit in r.count_units or q.unit in r.count_units
        if text.startswith("的", _after_note(text, end)):
            continue  # 1500亿元的预期目标, 6亩以下(不含6亩)的土地: a qualifier
        noun = _noun_after(text, end)
        if noun and not count and comparator in ("at_least", "at_most"):
            continue  # 10亿元以上项目, 3岁以下婴幼儿: a qualifier of the noun
        if noun and q.base_unit in r.durations and comparator is None:
            continue  # 15分钟便民生活圈, 24小时自助服务: a name, not a target
        if noun and not count and noun.endswith(r.project_nouns):
            continue  # 80万吨乙烯改扩建项目: the capacity in a project's name
        if count and (noun or text[_clause_start(text, q.start, prev_end) : q.start]).endswith(r.not_target_nouns):
            continue  # 共细分出171项目标任务, 政策措施30条: a count of the document's own tasks or measures
        if noun and count and text[end + len(noun) : end + len(noun) + 1].isdigit():
            # 培育5家产值超10亿元企业: the count's noun runs on through a qualifying figure
            # (产值超10亿元企业, 年产10万吨的项目); not when a verb comes first (3个街道实现100%覆盖)
            inner = next((x for x in quantities[n + 1 :] if x.start == end + len(noun)
                          and x.base_unit not in r.count_units), None)
            if inner is not None:
                after = _skip_suffix(text, inner.end)
                qualifies = (noun.endswith(r.qualifier_words) or after > inner.end
                             or text.startswith("的", after))
                after += text.startswith("的", after)
                tail = _noun_after(text, after)
                if qualifies and tail:
                    noun = text[end:after] + tail
        if noun and count and _is_subject(text, end + len(noun), quantities[n + 1 :]):
            continue  # 4个结构性指标均实现10%以上增长: the target is the 10%
        if q.unit in r.ranking_units and text.endswith(r.ranking_verbs, 0, q.start):
            continue  # 比去年同期提升5位: a ranking move
        if count and (noun + text[end + len(noun) : end + len(noun) + 1]).startswith(r.ranking_nouns):
            continue  # 10个全国第1: a count of rankings
        if count and text.endswith(r.scope_verbs, 0, q.start):
            continue  # 围绕12条重点产业链: the scope of the work, not a target
        if count and (r.existing_scope.search(text[max(0, q.start - 6) : q.start])
                      or r.existing_clause.match(text, _clause_start(text, q.start, prev_end))):
            continue  # 对全镇37处隐患点落实…, 全县现有学校120所: things that exist, not targets
        if any(w in _clause(text, q.start) for w in r.policy_terms):
            continue  # 给予一次性奖励50万元, 最高不超过200万元: the terms of a policy
        # --- what precedes the number: comparator / kind / commitment words
        clause = _clause_start(text, q.start, prev_end)
        pos = q.start
        kind_word = None
        prefix_comparator = None
        while pos > clause:
            for w in r.prefix_words_at.get(text[pos - 1], ()):
                if text.endswith(w.word, clause, pos):
                    if w.comparator and prefix_comparator is None:
                        prefix_comparator = w.comparator
                    if w.kind and kind_word is None:
                        kind_word = w.kind
                    pos -= len(w.word)
                    break
            else:
                break
        region = text[clause:pos]
        own_verb = prefix_comparator is not None or kind_word is not None
        if limit and q.base_unit in r.durations and prefix_comparator is None:
            continue  # 14个工作日内完成审批: a time limit, not a target
        if q.unit == "番":
            kind_word = kind_word or "growth"
        elif kind_word is None and q.base_unit == "%" and text.startswith(r.growth_after, end):
            kind_word = "growth"  # 实现10%以上增长
        connector = ""
        if prev is not None and clause == prev_end:
            connector = next((c for c in r.list_connectors if region.startswith(c)), "")
        connected = bool(connector)
        if noun:
            metric = noun.strip("“”")
            start = q.start if pos == q.start else pos
        else:
            metric = _metric_before(text, clause + len(connector), pos)
            k = text.find(metric, clause, pos) if metric else -1
            start = k if k >= 0 else pos
        # a leading 实现/达到 means "reach"
        if prefix_comparator is None and _strip_metric_reach(region):
            prefix_comparator = "reach"
        if comparator is None:
            comparator = prefix_comparator or "equal"
        if q.upper is not None:
            comparator = "between"
        same_sentence = prev is not None and _sentence_start(text, q.start) <= prev.start
        if prev is not None and same_sentence:
            if not metric:
                metric = prev.metric
                if not own_verb and prev.kind == "growth_rate" and q.base_unit == "%":
                    kind_word = "growth"  # 增长6.5%左右，力争7%
            elif connected and not noun and not own_verb:
                for p in r.list_prefixes:
                    if prev.metric.startswith(p) and not metric.startswith(r.list_prefixes):
                        metric = p + metric
                        break
            if connected and comparator == "equal" and prev.comparator == "reach":
                comparator = "reach"
        if not metric:
            metric = noun or ""
        if kind_word is None and q.base_unit in ("%", "个百分点"):
            for suffix in r.growth_suffixes:
                if metric.endswith(suffix) and len(metric) > len(suffix):
                    metric, kind_word = metric[: -len(suffix)], "growth"
                    break
        value = float(q.value)
        base_value = float(q.base_value if q.base_value is not None else q.value * q.multiplier)
        ind = Indicator(
            text=text[start : end + (len(noun) if noun else 0)].strip(),
            metric=metric, comparator=comparator, value=value, unit=q.unit,
            base_value=base_value, base_unit=q.base_unit,
            kind=_kind(q.unit, q.base_unit, kind_word, count),
            commitment=_commitment(text, q.start), start=start,
            end=end + (len(noun) if noun else 0), period=period,
        )
        out.append(ind)
        prev, prev_end = ind, ind.end
    return tuple(out)


def in_progress(text: str, pos: int) -> bool:
    """Whether the figure at ``pos`` reports progress or an achieved result, not a target.

    True when its sentence, or the paragraph (line) its sentence is in, opens with a period to
    date or 已 (``1-2月，全市固定资产投资同比下降12.7%``, ``截至3月底``, ``目前已有10家企业``) —
    a figure after a commitment (确保, 力争 …) in its sentence is a target again —
    or when the clause before the figure says 目前已 / 截至目前 / 已累计. Rules in
    ``ontology/indicators.json`` (``progress_openers``, ``progress_inside``).

    >>> in_progress("1-2月，全市固定资产投资同比下降12.7%。", 15)
    True
    >>> in_progress("确保地区生产总值增长7%左右。5月底前完成。", 10)
    False
    """
    r = _rules()
    s = _sentence_start(text, pos)
    # a commitment (确保, 力争 …) before the figure in its sentence makes it a target again
    committed = any(w in text[s:pos] for w, _ in r.commitments)
    if r.progress_opener.match(text[s:pos].lstrip(" \t|，,、")):
        return not committed
    # the paragraph's (or table cell's) opener covers its later sentences
    p = max((m.end() for m in _CELL_BREAK.finditer(text, 0, pos)), default=0)
    if p < s and r.progress_opener.match(text[p:pos].lstrip(" \t|，,、")):
        return not committed
    clause = text[_clause_start(text, pos, s) : pos]
    return any(w in clause for w in r.progress_inside)


def _clause(text: str, pos: int) -> str:
    """The clause around ``pos`` (between boundaries)."""
    a = _clause_start(text, pos, 0)
    b = pos
    while b < len(text) and text[b] not in _BOUNDARY:
        b += 1
    return text[a:b]


def _after_note(text: str, pos: int) -> int:
    """``pos`` past a bracketed note that starts there (``6亩以下(不含6亩)的``), else ``pos``."""
    if text[pos : pos + 1] in ("(", "（"):
        close = _BRACKETED.match(text, pos)
        if close:
            return close.end()
    return pos


def _skip_suffix(text: str, pos: int) -> int:
    """``pos`` past a comparator suffix (以上, 左右 …) that starts there."""
    for word, _ in _rules().suffixes:
        if text.startswith(word, pos):
            return pos + len(word)
    return pos


def _is_subject(text: str, noun_end: int, later: list[_Quantity]) -> bool:
    """Whether a counted noun is the subject of a later figure in its clause (``4个结构性指标均实现10%``)
    or a set the clause picks from (``4个结构性指标中，``), so that the count itself is no target."""
    if text[noun_end - 1 : noun_end] == "中" and text[noun_end : noun_end + 1] in _BOUNDARY:
        if not text.endswith(_rules().not_set_nouns, 0, noun_end):
            return True  # 4个结构性指标中，…
    if not later:
        return False
    nxt = later[0]
    between = text[noun_end : nxt.start]
    if any(c in _BOUNDARY or c == "、" for c in between):
        return False
    # the later figure is the clause's predicate, not a qualifier of a following noun
    after = _skip_suffix(text, nxt.end)
    if text.startswith("的", after):
        return False  # 建设2个年产10万吨的项目: the later figure qualifies
    return not _noun_after(text, after) or text.startswith(_rules().growth_after, after)


def _strip_metric_reach(region: str) -> bool:
    """Whether the clause before a number opens with a verb meaning "reach" (实现, 达到)."""
    r = _rules()
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
