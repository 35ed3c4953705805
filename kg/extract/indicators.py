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

from ..models import Indicator
from .indicator_words import (
    CELL_BREAK,
    clause_start,
    sentence_start,
    target_rules,
)
from .metrics import (
    after_note,
    clause_around,
    commitment_of,
    indicator_kind,
    is_subject,
    metric_before,
    noun_after,
    skip_suffix,
    strip_metric_reach,
)
from .quantities import Quantity, find_quantities

__all__ = ["extract_indicators", "in_progress", "COMPARATORS", "KINDS"]

COMPARATORS = ("at_least", "more_than", "reach", "at_most", "about", "equal", "between")
KINDS = ("growth_rate", "increase", "decrease", "level", "rate", "count", "amount")


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
    out: list[Indicator] = []
    prev_end = 0
    prev: Indicator | None = None
    quantities = find_quantities(text)
    for n, q in enumerate(quantities):
        if q.start < prev_end:
            continue
        ind = _indicator(text, q, quantities[n + 1 :], prev, prev_end, period)
        if ind is not None:
            out.append(ind)
            prev, prev_end = ind, ind.end
    return tuple(out)


def _after_unit(text: str, q: Quantity) -> tuple[int, str | None, str]:
    """What follows the unit: ``(end, comparator, time limit)`` — the end after a
    comparator suffix (以上, 左右 …), the comparator it or an approximate marker gives, and
    a time-limit word (内) starting at the unit's end."""
    r = target_rules()
    end = q.end
    comparator = q.approx
    limit = next((w for w in r.time_limits if text.startswith(w, end)), "")
    for word, comp in r.suffixes:
        if text.startswith(word, end):
            comparator, end = comp, end + len(word)
            break
    return end, comparator, limit


def _counted_noun(
    text: str, q: Quantity, end: int, count: bool, comparator: str | None, later: list[Quantity], prev_end: int,
) -> str | None:
    """The noun the quantity counts (``""`` when none), or ``None`` when the quantity is
    no target at all (a qualifier, a name, the document's own tasks, a ranking, a scope,
    things that exist, the terms of a policy)."""
    r = target_rules()
    if text.startswith("的", after_note(text, end)):
        return None  # 1500亿元的预期目标, 6亩以下(不含6亩)的土地: a qualifier
    noun = noun_after(text, end)
    if noun and not count and comparator in ("at_least", "at_most"):
        return None  # 10亿元以上项目, 3岁以下婴幼儿: a qualifier of the noun
    if noun and q.base_unit in r.durations and comparator is None:
        return None  # 15分钟便民生活圈, 24小时自助服务: a name, not a target
    if noun and not count and noun.endswith(r.project_nouns):
        return None  # 80万吨乙烯改扩建项目: the capacity in a project's name
    if count and (noun or text[clause_start(text, q.start, prev_end) : q.start]).endswith(r.not_target_nouns):
        return None  # 共细分出171项目标任务, 政策措施30条: a count of the document's own tasks or measures
    if noun and count and text[end + len(noun) : end + len(noun) + 1].isdigit():
        noun = _noun_through_figure(text, end, noun, later)
    if noun and count and is_subject(text, end + len(noun), later):
        return None  # 4个结构性指标均实现10%以上增长: the target is the 10%
    if q.unit in r.ranking_units and text.endswith(r.ranking_verbs, 0, q.start):
        return None  # 比去年同期提升5位: a ranking move
    if count and (noun + text[end + len(noun) : end + len(noun) + 1]).startswith(r.ranking_nouns):
        return None  # 10个全国第1: a count of rankings
    if count and text.endswith(r.scope_verbs, 0, q.start):
        return None  # 围绕12条重点产业链: the scope of the work, not a target
    if count and (r.existing_scope.search(text[max(0, q.start - 6) : q.start])
                  or r.existing_clause.match(text, clause_start(text, q.start, prev_end))):
        return None  # 对全镇37处隐患点落实…, 全县现有学校120所: things that exist, not targets
    if any(w in clause_around(text, q.start) for w in r.policy_terms):
        return None  # 给予一次性奖励50万元, 最高不超过200万元: the terms of a policy
    return noun


def _noun_through_figure(text: str, end: int, noun: str, later: list[Quantity]) -> str:
    """培育5家产值超10亿元企业: the count's noun runs on through a qualifying figure
    (产值超10亿元企业, 年产10万吨的项目); not when a verb comes first (3个街道实现100%覆盖)."""
    r = target_rules()
    inner = next((x for x in later if x.start == end + len(noun) and x.base_unit not in r.count_units), None)
    if inner is not None:
        after = skip_suffix(text, inner.end)
        qualifies = noun.endswith(r.qualifier_words) or after > inner.end or text.startswith("的", after)
        after += text.startswith("的", after)
        tail = noun_after(text, after)
        if qualifies and tail:
            noun = text[end:after] + tail
    return noun


def _prefix_words(text: str, clause: int, start: int) -> tuple[int, str | None, str | None]:
    """The comparator / kind words right before the number: ``(where they start, the
    comparator, the kind)``."""
    r = target_rules()
    pos = start
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
    return pos, prefix_comparator, kind_word


def _indicator(
    text: str, q: Quantity, later: list[Quantity], prev: Indicator | None, prev_end: int, period: str,
) -> Indicator | None:
    """The indicator of the quantity ``q``, or ``None`` when it is no target."""
    r = target_rules()
    end, comparator, limit = _after_unit(text, q)
    count = q.base_unit in r.count_units or q.unit in r.count_units
    noun = _counted_noun(text, q, end, count, comparator, later, prev_end)
    if noun is None:
        return None
    clause = clause_start(text, q.start, prev_end)
    pos, prefix_comparator, kind_word = _prefix_words(text, clause, q.start)
    region = text[clause:pos]
    own_verb = prefix_comparator is not None or kind_word is not None
    if limit and q.base_unit in r.durations and prefix_comparator is None:
        return None  # 14个工作日内完成审批: a time limit, not a target
    if q.unit == "番":
        kind_word = kind_word or "growth"
    elif kind_word is None and q.base_unit == "%" and text.startswith(r.growth_after, end):
        kind_word = "growth"  # 实现10%以上增长
    connector = ""
    if prev is not None and clause == prev_end:
        connector = next((c for c in r.list_connectors if region.startswith(c)), "")
    if noun:
        metric = noun.strip("“”")
        start = q.start if pos == q.start else pos
    else:
        metric = metric_before(text, clause + len(connector), pos)
        k = text.find(metric, clause, pos) if metric else -1
        start = k if k >= 0 else pos
    # a leading 实现/达到 means "reach"
    if prefix_comparator is None and strip_metric_reach(region):
        prefix_comparator = "reach"
    if comparator is None:
        comparator = prefix_comparator or "equal"
    if q.upper is not None:
        comparator = "between"
    if prev is not None and sentence_start(text, q.start) <= prev.start:
        metric, kind_word, comparator = _continued(
            prev, q, metric, kind_word, comparator, connected=bool(connector), noun=noun, own_verb=own_verb,
        )
    if not metric:
        metric = noun or ""
    if kind_word is None and q.base_unit in ("%", "个百分点"):
        for suffix in r.growth_suffixes:
            if metric.endswith(suffix) and len(metric) > len(suffix):
                metric, kind_word = metric[: -len(suffix)], "growth"
                break
    return Indicator(
        text=text[start : end + (len(noun) if noun else 0)].strip(),
        metric=metric, comparator=comparator, value=float(q.value), unit=q.unit,
        base_value=float(q.base_value if q.base_value is not None else q.value * q.multiplier),
        base_unit=q.base_unit,
        kind=indicator_kind(q.unit, q.base_unit, kind_word, count),
        commitment=commitment_of(text, q.start), start=start,
        end=end + (len(noun) if noun else 0), period=period,
    )


def _continued(
    prev: Indicator, q: Quantity, metric: str, kind_word: str | None, comparator: str,
    *, connected: bool, noun: str, own_verb: bool,
) -> tuple[str, str | None, str]:
    """``(metric, kind word, comparator)`` of a target in the sentence of the one before
    it: a missing metric is the previous one's, a listed one takes its prefix (新增A、B),
    a connected equal target reaches like the previous one."""
    r = target_rules()
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
    return metric, kind_word, comparator


def _committed(sentence: str) -> bool:
    """A commitment (确保, 力争 …) in the sentence before a figure makes it a target again."""
    return any(w in sentence for w, _ in target_rules().commitments)


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
    r = target_rules()
    s = sentence_start(text, pos)
    if r.progress_opener.match(text[s:pos].lstrip(" \t|，,、")):
        return not _committed(text[s:pos])
    # the paragraph's (or table cell's) opener covers its later sentences
    p = max((m.end() for m in CELL_BREAK.finditer(text, 0, pos)), default=0)
    if p < s and r.progress_opener.match(text[p:pos].lstrip(" \t|，,、")):
        return not _committed(text[s:pos])
    clause = text[clause_start(text, pos, s) : pos]
    return any(w in clause for w in r.progress_inside)


