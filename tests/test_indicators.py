"""Indicators (quantitative targets) on real sentences of the two bundled documents."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from kg.extract import extract_document
from kg.extract.indicators import extract_indicators, in_progress
from kg.extract.quantities import parse_quantity
from kg.models import DocumentKind
from kg.read import read_source

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "examples" / "gulou_task_decomposition.txt"
REPORT = ROOT / "examples" / "gulou_2020_work_report.txt"
GOLD = Path(__file__).resolve().parent / "data" / "indicators_gold.jsonl"


@cache
def plan():
    return extract_document(read_source(str(PLAN)))


@cache
def report():
    return extract_document(read_source(str(REPORT)))


def rows(text: str) -> list[tuple]:
    return [
        (i.metric, i.comparator, i.value, i.unit, i.base_value, i.base_unit, i.kind)
        for i in extract_indicators(text)
    ]


# (sentence as written in the example documents, expected indicators)
CASES = [
    ("地区生产总值增长7%。", [("地区生产总值", "equal", 7.0, "%", 7.0, "%", "growth_rate")]),
    (
        "重视“从1到100”的科技转化，全力推进环南大、南工大硅巷建设，确保全年新增硅巷10万平方米以上。",
        [("新增硅巷", "at_least", 10.0, "万平方米", 100000.0, "平方米", "amount")],
    ),
    (
        "推动“从100到N”的企业成长，健全从初创期企业到科技型中小企业、高新技术企业的梯次培育矩阵，力争高企突破600家，科技服务业收入增长10%以上。",
        [
            ("高企", "more_than", 600.0, "家", 600.0, "家", "count"),
            ("科技服务业收入", "at_least", 10.0, "%", 10.0, "%", "growth_rate"),
        ],
    ),
    (
        "持续拓展服务业外资项目引进渠道，实际利用外资力争突破3亿美元。",
        [("实际利用外资", "more_than", 3.0, "亿美元", 300000000.0, "美元", "amount")],
    ),
    (
        "全面落实各类就业政策，多措并举加大重点群体就业帮扶力度，确保新增城镇就业2.8万人，援助困难人员就业1900人；",
        [
            ("新增城镇就业", "equal", 2.8, "万人", 28000.0, "人", "count"),
            ("援助困难人员就业", "equal", 1900.0, "人", 1900.0, "人", "count"),
        ],
    ),
    (
        "创新环卫作业体制和监管机制，优化作业模式，明确质量标准，提升保洁水平，主次干道机械化作业率达95%以上。",
        [("主次干道机械化作业率", "at_least", 95.0, "%", 95.0, "%", "rate")],
    ),
    (
        "政府带头过“紧日子”，大力压减非急需、非刚性行政开支，部门预算中公用经费统一压减10%。",
        [("公用经费", "equal", 10.0, "%", 10.0, "%", "decrease")],
    ),
    (
        "用好楼宇经济智慧管理平台，不断提升商务楼宇单位面积贡献度，确保全年活化改造老旧楼宇20万平方米，新增亿元楼宇3幢、特色楼宇2幢。",
        [
            ("活化改造老旧楼宇", "equal", 20.0, "万平方米", 200000.0, "平方米", "amount"),
            ("新增亿元楼宇", "equal", 3.0, "幢", 3.0, "幢", "count"),
            ("新增特色楼宇", "equal", 2.0, "幢", 2.0, "幢", "count"),
        ],
    ),
    (
        "推进知识产权强省区域示范建设，实现有效发明专利拥有量9600件、PCT专利申请量150件，争创一批省长质量奖、市长质量奖。",
        [
            ("有效发明专利拥有量", "reach", 9600.0, "件", 9600.0, "件", "count"),
            ("PCT专利申请量", "reach", 150.0, "件", 150.0, "件", "count"),
        ],
    ),
    (
        "推动62个续建项目尽快竣工、34个新建项目加快开工、54个储备项目早日熟化，形成持续突破、滚动发展的良性循环。",
        [
            ("续建项目", "equal", 62.0, "个", 62.0, "个", "count"),
            ("新建项目", "equal", 34.0, "个", 34.0, "个", "count"),
            ("储备项目", "equal", 54.0, "个", 54.0, "个", "count"),
        ],
    ),
    (
        "引进2家以上航运龙头企业，实现航运服务业收入增长10%。",
        [
            ("航运龙头企业", "at_least", 2.0, "家", 2.0, "家", "count"),
            ("航运服务业收入", "reach", 10.0, "%", 10.0, "%", "growth_rate"),
        ],
    ),
    (
        "全年组织各类文化体育活动3000场以上，鼓楼文化云平台服务群众100万人次以上",
        [
            ("组织各类文化体育活动", "at_least", 3000.0, "场", 3000.0, "场", "count"),
            ("鼓楼文化云平台服务群众", "at_least", 100.0, "万人次", 1000000.0, "人次", "count"),
        ],
    ),
    # the work report
    (
        "今年全区国民经济和社会发展的主要预期目标为：地区生产总值增长7.5%以上，服务业增加值增长9%以上；一般公共预算收入增长5%以上；",
        [
            ("地区生产总值", "at_least", 7.5, "%", 7.5, "%", "growth_rate"),
            ("服务业增加值", "at_least", 9.0, "%", 9.0, "%", "growth_rate"),
            ("一般公共预算收入", "at_least", 5.0, "%", 5.0, "%", "growth_rate"),
        ],
    ),
    (
        "预计全年实现地区生产总值1620亿元、增长8%，其中服务业增加值增长9%；",
        [
            ("地区生产总值", "reach", 1620.0, "亿元", 162000000000.0, "元", "amount"),
            ("地区生产总值", "reach", 8.0, "%", 8.0, "%", "growth_rate"),
            ("服务业增加值", "equal", 9.0, "%", 9.0, "%", "growth_rate"),
        ],
    ),
    (
        "实现高新技术产业产值超过420亿元，科技服务业收入增长不低于10%。",
        [
            ("高新技术产业产值", "more_than", 420.0, "亿元", 42000000000.0, "元", "amount"),
            ("科技服务业收入", "at_least", 10.0, "%", 10.0, "%", "growth_rate"),
        ],
    ),
    (
        "空气优良率从57.4%提高到69.5%，PM2.5年均浓度从56.4微克/立方米下降到42.3微克/立方米。",
        [
            ("空气优良率", "reach", 69.5, "%", 69.5, "%", "level"),
            ("PM2.5年均浓度", "reach", 42.3, "微克/立方米", 42.3, "微克/立方米", "level"),
        ],
    ),
    (
        "新引入了国曜信息等60多家科技型企业",
        [("科技型企业", "more_than", 60.0, "家", 60.0, "家", "count")],
    ),
    (
        "全年净增市场主体近12000家。",
        [("净增市场主体", "about", 12000.0, "家", 12000.0, "家", "count")],
    ),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:16] for c in CASES])
def test_real_sentences(text: str, expected: list[tuple]) -> None:
    assert rows(text) == expected


# Numbers that are not targets, each in its real sentence.
COUNTER_EXAMPLES = [
    "聚焦“从0到1”的原始创新，积极探索校地、所地融合发展新模式",
    "重视“从1到100”的科技转化",
    "推动5G、大数据、人工智能、物联网、云计算与传统产业有机融合",
    "全力保障建宁西路过江通道、地铁5号线、7号线、9号线等重大市政工程",
    "健全完善12345政务服务热线、网络舆情诉求高效处置体系",
    "推进国防园4A级旅游景区创建，争创省级全域旅游示范区",
    "全力办好第二届南大全球校友创新创业大赛",
    "加快颐和路11、13片区保护利用，启动打造“南大后街”潮流街区",
    "发挥应急管理“181”信息化平台效能",
    "抓好《民法典》宣传贯彻，完善公平竞争审查机制",
    "2020年《政府工作报告》已经区第二届人民代表大会第四次会议审议通过",
    "全面落实行政执法“三项制度”，加强街道综合执法机构建设",
    "稳步推进国资国企改革，组建九大区属国企集团",
    "争创省级双拥模范区“十连冠”",
    "积极实施一批绿化、亮化、美化工程，提升城市颜值",
    "紧扣“实质性开工、结构性封顶、设备安装、投入运营”四个关键节点",
    "打造五台山—广州路新医药与生命健康产业集聚区",
    "城镇登记失业率控制在市定标准以内。",
    "积极贯彻全市创新驱动发展“121”战略",
    "推动PM2.5、臭氧等污染物浓度继续下降",
    "以及优化营商环境政策新100条",
    "启动二十九中新校区建设，完成第十二初中改扩建",
]


@pytest.mark.parametrize("text", COUNTER_EXAMPLES, ids=[t[:12] for t in COUNTER_EXAMPLES])
def test_counter_examples(text: str) -> None:
    assert extract_indicators(text) == ()


def test_qualifying_quantities_are_not_targets() -> None:
    found = rows("引进亿元以上签约项目90个，其中10亿元以上项目26个。")
    assert [(r[2], r[3]) for r in found] == [(90.0, "个"), (26.0, "个")]
    assert rows("提前一年达到并超过“十三五”末1500亿元的预期目标") == []


def test_chinese_numerals_rule() -> None:
    # a count in words after a target verb is taken; names and vague amounts are not
    assert rows("新增三家众创空间")[0][1:4] == ("equal", 3.0, "家")
    assert rows("争创一批省长质量奖") == []
    assert rows("打造三大主导产业") == []


def test_commitment_and_offsets() -> None:
    text = "持续拓展服务业外资项目引进渠道，实际利用外资力争突破3亿美元。"
    (ind,) = extract_indicators(text, period="actual")
    assert ind.commitment == "aspirational" and ind.period == "actual"
    assert text[ind.start : ind.end] == ind.text == "实际利用外资力争突破3亿美元"
    (ind,) = extract_indicators("确保新增城镇就业2.8万人")
    assert ind.commitment == "binding"
    assert extract_indicators("地区生产总值增长7%。")[0].commitment is None


def test_units_normalised() -> None:
    assert parse_quantity("万平方米以上") == (4, "万平方米", 10000, "平方米", None)
    assert parse_quantity("千米") == (2, "千米", 1, "千米", None)
    assert parse_quantity("年") is None and parse_quantity("号线") is None


# -- precision and recall against the hand annotation --------------------------------

def _gold() -> list[dict]:
    with GOLD.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _match():  # type: ignore[no-untyped-def]
    predicted = [(t.number, i) for t in plan().tasks for i in t.indicators]
    pool: dict[tuple, list[dict]] = {}
    for g in _gold():
        pool.setdefault((g["task"], float(g["value"]), g["unit"]), []).append(g)
    pairs = []
    for number, ind in predicted:
        cands = pool.get((number, ind.value, ind.unit))
        if cands:
            pairs.append((cands.pop(0), ind))
    return predicted, pairs


def test_indicator_precision_recall_on_the_decomposition() -> None:
    gold = _gold()
    assert len(gold) == 61
    predicted, pairs = _match()
    precision = len(pairs) / len(predicted)
    recall = len(pairs) / len(gold)
    assert precision >= 0.95, precision
    assert recall >= 0.95, recall


def test_matched_indicators_have_the_annotated_meaning() -> None:
    _, pairs = _match()
    comparator = sum(g["comparator"] == i.comparator for g, i in pairs) / len(pairs)
    kind = sum(g["kind"] == i.kind for g, i in pairs) / len(pairs)
    metric = sum(bool(i.metric) and (g["metric"] in i.metric or i.metric in g["metric"]) for g, i in pairs) / len(pairs)
    assert comparator >= 0.95 and kind >= 0.95 and metric >= 0.9, (comparator, kind, metric)


def test_report_actuals_and_targets() -> None:
    doc = report()
    assert doc.kind is DocumentKind.WORK_REPORT and doc.year == 2020
    gdp = [(i.value, i.unit, i.kind, i.period) for t in doc.tasks for i in t.indicators if i.metric == "地区生产总值"]
    assert (1620.0, "亿元", "amount", "actual") in gdp
    assert (8.0, "%", "growth_rate", "actual") in gdp
    assert (7.5, "%", "growth_rate", "target") in gdp
    target_para = next(t for t in doc.tasks if t.text.startswith("今年全区国民经济和社会发展的主要预期目标"))
    assert {i.period for i in target_para.indicators} == {"target"}
    assert [i.metric for i in target_para.indicators][:5] == [
        "地区生产总值", "服务业增加值", "一般公共预算收入", "固定资产投资", "社会消费品零售总额",
    ]
    # every indicator of the review part is an actual, every one after it a target
    review = next(t for t in doc.tasks if "新增高新技术企业115家" in t.text)
    assert {i.period for i in review.indicators} == {"actual"}
    jobs = next(t for t in doc.tasks if "城镇新增就业2.68万人" in t.text)
    assert {i.period for i in jobs.indicators} == {"target"}


def test_report_year_detected_when_unknown() -> None:
    from dataclasses import replace

    from kg.extract.gazetteer import load_gazetteer
    from kg.extract.mentions import detect_report_year, enrich_document, past_sections

    doc = replace(report(), year=None)
    assert detect_report_year(doc) == 2020
    enriched = enrich_document(doc, load_gazetteer("nanjing-gulou"))
    assert enriched.year == 2020
    titles = {s.ordinal: s.title for s in doc.sections}
    past = {titles[o] for o in past_sections(doc.sections, 2020)}
    assert "2019年政府主要工作回顾" in past and "2020年政府主要工作任务" not in past
    assert "聚力经济建设，促进经济发展提质增效" in past  # under the review heading


def test_plan_indicators_skip_the_responsibility_clause() -> None:
    task35 = next(t for t in plan().tasks if t.number == "35")  # 交警五大队 in the clause
    assert task35.indicators == ()


# Phrasings common in other plans and reports (not from the bundled examples): the rules
# are not fitted to two documents only.
OTHER_PHRASINGS = [
    ("城镇登记失业率控制在3%以内", ("城镇登记失业率", "at_most", 3.0, "%", 3.0, "%", "rate")),
    ("单位GDP能耗下降3%", ("单位GDP能耗", "equal", 3.0, "%", 3.0, "%", "decrease")),
    ("城镇化率提高1.5个百分点", ("城镇化率", "equal", 1.5, "个百分点", 1.5, "个百分点", "growth_rate")),
    ("区级财政科技支出增幅不低于15%", ("区级财政科技支出", "at_least", 15.0, "%", 15.0, "%", "growth_rate")),
    ("粮食产量稳定在100万吨以上", ("粮食产量", "at_least", 100.0, "万吨", 1000000.0, "吨", "amount")),
    ("PM2.5平均浓度控制在35微克/立方米以下", ("PM2.5平均浓度", "at_most", 35.0, "微克/立方米", 35.0, "微克/立方米", "amount")),
    ("实现进出口总额增长5%左右", ("进出口总额", "about", 5.0, "%", 5.0, "%", "growth_rate")),
    ("建成5G基站1200个", ("建成5G基站", "equal", 1200.0, "个", 1200.0, "个", "count")),
    ("新建改建农村公路200公里", ("新建改建农村公路", "equal", 200.0, "公里", 200.0, "公里", "amount")),
]


@pytest.mark.parametrize("text,expected", OTHER_PHRASINGS, ids=[p[0][:10] for p in OTHER_PHRASINGS])
def test_other_phrasings(text: str, expected: tuple) -> None:
    assert rows(text) == [expected]


# -- real sentences of other governments (the development corpus, copied as stored: ASCII
# commas and brackets) ----------------------------------------------------------------------

def values(text: str) -> list[tuple]:
    return [(i.value, i.unit, i.comparator, i.kind) for i in extract_indicators(text)]


DEV_SENTENCES = [
    (  # 南陵县 2024, table row 80
        "极回应群众新期待新要求,加大普惠性托育供给,新增托位数400个以上,公办园在园幼儿占比60%以上。",
        [
            ("新增托位数", "at_least", 400.0, "个", 400.0, "个", "count"),
            ("公办园在园幼儿占比", "at_least", 60.0, "%", 60.0, "%", "rate"),
        ],
    ),
    (  # 绍兴市 2020, task 1
        "坚持“稳开稳走,提质提效”的总体态势,加强季度、月度数据监测,确保地区生产总值增长7%左右。",
        [("地区生产总值", "about", 7.0, "%", 7.0, "%", "growth_rate")],
    ),
    (  # 绍兴市 2020, task 3: a level reached, 44% (四大 is a name, not a count)
        "聚焦重点领域编制培育发展新兴产业新三年行动计划,力争规上工业中四大新兴产业增加值占比提升至44%;"
        "力争生物医药纳入省级“万亩千亿”新产业平台。",
        [("规上工业中四大新兴产业增加值占比", "reach", 44.0, "%", 44.0, "%", "level")],
    ),
    (  # 绍兴市 2020, task 4
        "深入推进省级军民融合示范区建设,取得军工资质8本以上。",
        [("取得军工资质", "at_least", 8.0, "本", 8.0, "本", "count")],
    ),
    (  # 桐乡市 2020, task 2: the quoted "22条" and "10项举措" are policy names
        "全面落实各级“五减”系列政策,加快兑现支持企业渡过难关“22条”和鼓励工业企业复工达产“10项举措”,力争为企业减负60亿元。",
        [("企业减负", "equal", 60.0, "亿元", 6000000000.0, "元", "amount")],
    ),
    (  # 官渡区 2016, task 4
        "加大项目前期工作力度,区级财政安排4000万元重大项目前期费,统筹用于区级重大基础设施项目。",
        [("重大项目前期费", "equal", 4000.0, "万元", 40000000.0, "元", "amount")],
    ),
    (  # 灵璧县 2021, task 5
        "支持县人民医院、中医医院创建三级综合医院,实施16个乡镇卫生院、158个村卫生室改扩建项目,进一步提升县域医疗服务整体能力。",
        [
            ("乡镇卫生院", "equal", 16.0, "个", 16.0, "个", "count"),
            ("村卫生室改扩建项目", "equal", 158.0, "个", 158.0, "个", "count"),
        ],
    ),
    (  # 内蒙古 2024 report: growth rates mixed with national rankings
        "地区生产总值增长7.3%、居全国第3、创2010年以来最好位次,人均地区生产总值突破10万元;规上工业增加值增长7.4%、居全国第7;",
        [
            ("地区生产总值", "equal", 7.3, "%", 7.3, "%", "growth_rate"),
            ("人均地区生产总值", "more_than", 10.0, "万元", 100000.0, "元", "amount"),
            ("规上工业增加值", "equal", 7.4, "%", 7.4, "%", "growth_rate"),
        ],
    ),
    (  # 内蒙古 2024 report: 10个全国第1 is a ranking in quotes
        "煤炭产量12.2亿吨,完成9.45亿吨保供煤任务,电力总装机超过2亿千瓦,实现煤炭保供量及外送量、"
        "电力总装机及新增装机、新能源总装机及新增装机、总发电量及外送电量、新能源发电量、煤制气产能“10个全国第1”",
        [
            ("煤炭产量", "equal", 12.2, "亿吨", 1220000000.0, "吨", "amount"),
            ("保供煤任务", "equal", 9.45, "亿吨", 945000000.0, "吨", "amount"),
            ("电力总装机", "more_than", 2.0, "亿千瓦", 200000000.0, "千瓦", "amount"),
        ],
    ),
    (  # 木洞镇 2024 report
        "全镇固定资产投资同比增长20.1%;规模以上工业总产值84亿元,同比增长1.2%;",
        [
            ("固定资产投资", "equal", 20.1, "%", 20.1, "%", "growth_rate"),
            ("规模以上工业总产值", "equal", 84.0, "亿元", 8400000000.0, "元", "amount"),
            ("规模以上工业总产值", "equal", 1.2, "%", 1.2, "%", "growth_rate"),
        ],
    ),
    (  # 渝中区 2023, task 1: the item number is not part of the metric
        "1.地区生产总值增长5%左右,争取实现更好的发展。",
        [("地区生产总值", "about", 5.0, "%", 5.0, "%", "growth_rate")],
    ),
]


@pytest.mark.parametrize("text,expected", DEV_SENTENCES, ids=[c[0][:16] for c in DEV_SENTENCES])
def test_dev_corpus_sentences(text: str, expected: list[tuple]) -> None:
    assert rows(text) == expected


def test_a_counted_subject_is_not_the_target() -> None:
    # 绍兴市 2020, task 2: the 4 indicators are what must grow by 10%, not a target of 4
    text = "持续推进重大项目攻坚,确保有效投资增长高于经济增长、4个结构性指标均实现10%以上增长,市县长项目落地率50%以上。"
    assert rows(text) == [
        ("结构性指标", "at_least", 10.0, "%", 10.0, "%", "growth_rate"),
        ("市县长项目落地率", "at_least", 50.0, "%", 50.0, "%", "rate"),
    ]
    # counter-example: counts in a list, each with its own verb, are all targets
    assert [r[2] for r in rows("推动62个续建项目尽快竣工、34个新建项目加快开工")] == [62.0, 34.0]
    # the count is the target when the later figure qualifies its noun
    assert rows("培育5家产值超10亿元企业。") == [("产值超10亿元企业", "equal", 5.0, "家", 5.0, "家", "count")]
    assert values("建设2个年产10万吨的项目。") == [(2.0, "个", "equal", "count")]
    assert rows("引进5个总投资10亿元以上项目。") == [("总投资10亿元以上项目", "equal", 5.0, "个", 5.0, "个", "count")]
    # the set a clause picks from (绍兴市 2020 progress column), but a count of 高中 is a target
    assert values("4个结构性指标中,生态环保、城市更新和水利设施投资增长12.5%") == [(12.5, "%", "equal", "growth_rate")]
    assert values("新建3所高中,改扩建5所初中。") == [(3.0, "所", "equal", "count"), (5.0, "所", "equal", "count")]


# Numbers of the development corpus that are not targets, each in its real sentence.
DEV_COUNTER_EXAMPLES = [
    # thresholds of a rule, and a scope note in brackets (官渡区 2016)
    "辖区范围内6亩以下(不含6亩)的土地使用转让手续,区政府审查后办理土地登记。",
    # time limits of a procedure (官渡区 2016)
    "环评报告书14个工作日内、环评报告表7个工作日内、环评登记表3个工作日内完成审批。",
    # the capacity in a named project (广州市 2006)
    "推进东部石化基地、南沙临港石化基地建设,抓好80万吨乙烯改扩建项目。",
    # a count of the document's own tasks (渝中区 2023, the outlet's text)
    "近日,渝中区人民政府办公室发布《2023年区政府工作报告重点工作目标任务分解》方案(下简称“方案”),共细分出171项目标任务,均明确牵头单位与责任单位。",
    # programme names and meeting numbers (桐乡市 2020)
    "制定出台高质量发展“1+4+8”政策体系,建立企业参与的政策决策机制",
    "已经市十六届政府第48次常务会议讨论通过,现印发给你们,请认真贯彻执行。",
    # deadlines and dates (官渡区 2016, 湘西州 2020)
    "加快建立“中介超市”,5月底前实现我区中介超市上线运行。",
    "2020年2月22日",
    # meeting and decree numbers, years, deadlines (湘西州 2020, traditional characters as stored)
    "《湘西自治州2020年深化“放管服”改革優(yōu)化營商環(huán)境工作計劃》已經(jīng)州人民政府第54次常務會議同意",
    "根據(jù)國務院《優(yōu)化營商環(huán)境條例》(國令第722號)和《湖南省人民政府辦公廳關于印發(fā)〈湖南省優(yōu)化經(jīng)濟發(fā)展環(huán)境規(guī)定〉"
    "的通知》(湘政辦發(fā)〔2019〕56號)精神,州人民政府確定2020年為“深化放管服改革優(yōu)化營商環(huán)境攻堅年”",
    "(牽頭單位:州行政審批服務局;責任單位:州司法局、州委編辦及州直相關單位,各縣市人民政府、湘西經(jīng)開區(qū)管委會,6月底完成)",
    # rankings (绍兴市 2020 progress column)
    "居全省第6位,比去年同期提升5位。",
]


@pytest.mark.parametrize("text", DEV_COUNTER_EXAMPLES, ids=[t[:12] for t in DEV_COUNTER_EXAMPLES])
def test_dev_counter_examples(text: str) -> None:
    assert extract_indicators(text) == ()


def test_time_limits_and_targets_in_days() -> None:
    # a duration with 内 is a time limit; a duration a verb brings down to is a target
    assert rows("3个月内完成整改") == []
    assert rows("审批时限由20个工作日压缩至5个工作日。") == [
        ("审批时限", "reach", 5.0, "个工作日", 5.0, "个工作日", "level"),
    ]
    assert values("企业开办时间压缩至1个工作日以内") == [(1.0, "个工作日", "at_most", "level")]


def test_ranges_and_doubling() -> None:
    assert rows("地区生产总值增长6%-6.5%。") == [("地区生产总值", "between", 6.0, "%", 6.0, "%", "growth_rate")]
    assert values("地区生产总值增长6-6.5%。") == [(6.0, "%", "between", "growth_rate")]
    (ind,) = extract_indicators("城乡居民收入比2010年翻一番。")
    assert (ind.metric, ind.value, ind.unit, ind.base_value, ind.base_unit, ind.kind) == (
        "城乡居民收入", 1.0, "番", 2.0, "倍", "increase",
    )
    assert extract_indicators("力争地区生产总值翻两番")[0].base_value == 4.0
    # counter-examples: year spans and month spans are not ranges
    assert rows("2024-2025年持续推进,1-2月完成摸底") == []


def test_policy_and_project_counts_are_not_targets() -> None:
    assert rows("出台支持实体经济发展若干政策措施30条。") == []
    assert rows("年产30万吨新材料项目建成投产。") == []
    assert rows("建设日处理5万吨污水处理厂。") == []
    # counter-example: new capacity as such is a target, the capacity of a named plant is not
    assert values("建成100万千瓦光伏电站,新增光伏装机50万千瓦。") == [(50.0, "万千瓦", "equal", "amount")]
    # counter-examples: a count of projects, and an amount of money before a noun, are targets
    assert values("实施省市重点项目120个,完成投资500亿元以上。") == [
        (120.0, "个", "equal", "count"), (500.0, "亿元", "at_least", "amount"),
    ]


def test_progress_figures() -> None:
    progress = "1-2月,全市固定资产投资同比下降12.7%,高于全省平均水平1.7个百分点,居全省第6位,比去年同期提升5位。"
    found = extract_indicators(progress)
    assert [(i.value, i.unit) for i in found] == [(12.7, "%"), (1.7, "个百分点")]
    assert all(in_progress(progress, i.start) for i in found)
    # a paragraph that opens with a period to date is progress down to its end
    para = "目前已有10家企业提出申办军工资质需求,其中4家企业承制资质已在办理。"
    assert [in_progress(para, i.start) for i in extract_indicators(para)] == [True, True]
    # counter-examples: targets with deadlines, and a target sentence after a progress one
    target = "确保地区生产总值增长7%左右。5月底前完成。"
    assert [in_progress(target, i.start) for i in extract_indicators(target)] == [False]
    mixed = "截至3月底,已开工项目20个。确保全年新开工项目100个以上。"
    assert [in_progress(mixed, i.start) for i in extract_indicators(mixed)] == [True, False]
    same = "截至目前,已完成投资5亿元,确保全年完成投资10亿元。"
    assert [in_progress(same, i.start) for i in extract_indicators(same)] == [True, False]


def test_progress_column_is_not_a_task_target(tmp_path: Path) -> None:
    # a task of a progress table (绍兴市 2020, tasks 2 and 4) with its 进展情况 cell in the task
    path = tmp_path / "plan.txt"
    path.write_text(
        "市政府2020年重点工作进展情况表\n一、稳增长\n"
        "1.持续推进重大项目攻坚,确保市县长项目落地率50%以上。1-2月,全市固定资产投资同比下降12.7%,"
        "高于全省平均水平1.7个百分点,居全省第6位。(市发改委主办)\n"
        "2.深入推进省级军民融合示范区建设,取得军工资质8本以上。目前已有10家企业提出申办军工资质需求,"
        "其中4家企业承制资质已在办理。(市经信局主办)\n",
        encoding="utf-8",
    )
    doc = extract_document(read_source(str(path)))
    assert doc.kind is DocumentKind.TASK_PLAN
    assert [[(i.value, i.unit) for i in t.indicators] for t in doc.tasks] == [[(50.0, "%")], [(8.0, "本")]]


def test_approximate_amounts_durations_and_ages() -> None:
    # 余/多 after a multiplier
    assert values("带动就业3万余人,完成投资3亿多元。") == [
        (3.0, "万人", "more_than", "count"), (3.0, "亿元", "more_than", "amount"),
    ]
    # a duration that names a service is not a target; one a verb brings down to is
    assert rows("打造15分钟便民生活圈,实现24小时自助服务。") == []
    assert values("政务服务事项办理时间压缩至2小时以内。") == [(2.0, "小时", "at_most", "level")]
    assert rows("人均预期寿命达到79岁。") == [("人均预期寿命", "reach", 79.0, "岁", 79.0, "岁", "amount")]
    # an age bound qualifies the noun after it: the target is the 4.5
    assert values("每千人口拥有3岁以下婴幼儿托位数达到4.5个。") == [(4.5, "个", "reach", "count")]


def test_metric_without_year_scope_and_inherited_growth() -> None:
    assert rows("2023年全市地区生产总值完成2560亿元,同比增长6.5%。") == [
        ("地区生产总值", "equal", 2560.0, "亿元", 256000000000.0, "元", "amount"),
        ("地区生产总值", "equal", 6.5, "%", 6.5, "%", "growth_rate"),
    ]
    # 从/由 cut a metric only where a range starts (从57.4%提高到), not inside 从业 or 自由
    assert [r[0] for r in rows("新增从业人员5000人,自由贸易试验区进出口额增长10%。")] == [
        "新增从业人员", "自由贸易试验区进出口额",
    ]
    # the base of comparison is not part of the metric
    assert [r[0] for r in rows("社会消费品零售总额较上年增长8.5%,单位地区生产总值能耗较2020年下降13.5%。")] == [
        "社会消费品零售总额", "单位地区生产总值能耗",
    ]
    assert [r[0] for r in rows("城镇居民人均可支配收入达到5.2万元,比上年增长5.1%。")] == ["城镇居民人均可支配收入"] * 2
    # 力争7% repeats the growth rate of the same metric
    assert values("地区生产总值增长6.5%左右,力争7%。") == [
        (6.5, "%", "about", "growth_rate"), (7.0, "%", "equal", "growth_rate"),
    ]
    # counter-example: a level after a level stays a rate
    assert values("森林覆盖率达到23.5%,力争25%。")[1][3] == "rate"


def test_policy_terms_are_not_targets() -> None:
    assert rows("对新认定的国家级专精特新“小巨人”企业,给予一次性奖励50万元。") == []
    assert rows("对年纳税额首次突破1000万元的企业,按其地方贡献的50%给予奖励,最高不超过200万元。") == []
    # counter-examples: money a government lends or sets aside is a target; 一次性 alone is no policy term
    assert values("发放创业担保贷款5亿元。") == [(5.0, "亿元", "equal", "amount")]
    assert values("全年安排专项资金2亿元,支持中小企业发展。") == [(2.0, "亿元", "equal", "amount")]
    assert values("工程一次性验收合格率达到100%。") == [(100.0, "%", "reach", "rate")]
    # 缩短至 brings a time down to a level
    assert values("办理时限由法定的20个工作日缩短至10个工作日。") == [(10.0, "个工作日", "reach", "level")]


def test_progress_cell_in_a_table_row() -> None:
    # 绍兴市 2020 row 2 read as one line: content | progress | unit
    row = (
        "持续推进重大项目攻坚,确保有效投资增长高于经济增长、4个结构性指标均实现10%以上增长,市县长项目落地率50%以上。 | "
        "1-2月,全市固定资产投资同比下降12.7%,高于全省平均水平1.7个百分点,居全省第6位,比去年同期提升5位。"
        "4个结构性指标中,生态环保、城市更新和水利设施投资增长12.5%,为全省唯一个该指标实现10%以上增长的地市;"
        "民间项目投资同比下降26.8%、交通投资同比下降4.8%、高新技术产业投资同比下降2.0%。"
        "市县长项目目前已安排36个项目,总投资882.1亿元。 | 市发改委"
    )
    targets = [(i.value, i.unit) for i in extract_indicators(row) if not in_progress(row, i.start)]
    assert targets == [(10.0, "%"), (50.0, "%")]


def test_more_units_of_measure() -> None:
    assert values("全年查处各类违法案件200起,生猪出栏100万头,粮食总产量稳定在65亿斤以上。") == [
        (200.0, "起", "equal", "count"), (100.0, "万头", "equal", "count"), (65.0, "亿斤", "at_least", "amount"),
    ]
    assert values("群众满意度达到90分以上。") == [(90.0, "分", "at_least", "amount")]
    # counter-examples: a date before 起, a time of day is no score
    assert rows("本方案自2024年5月1日起施行。") == []
    assert rows("每日8:30至17:30对外办公。") == []


def test_rankings_and_scope_are_not_targets() -> None:
    assert rows("全省排名较上年提升3个位次。") == []
    # 内蒙古 2024 report without its quotes: a count of first places
    assert rows("实现煤炭保供量、电力总装机等10个全国第1。") == []
    assert rows("进入全国前10名,位列全省第2位,跃升至第5位。") == []
    assert rows("围绕12条重点产业链,聚焦5大主导产业,开展精准招商。") == []
    # counter-example: the same counts after a verb of doing are targets
    assert values("新培育12条重点产业链,打造5大主导产业。") == [(12.0, "条", "equal", "count"), (5.0, "大", "equal", "count")]
    assert values("实现5G网络覆盖100个行政村。") == [(100.0, "个", "reach", "count")]


def test_a_level_after_a_growth_is_a_rate() -> None:
    assert rows("常住人口城镇化率提高1.2个百分点,达到65%。") == [
        ("常住人口城镇化率", "equal", 1.2, "个百分点", 1.2, "个百分点", "growth_rate"),
        ("常住人口城镇化率", "reach", 65.0, "%", 65.0, "%", "rate"),
    ]


def test_negative_growth_and_shares() -> None:
    assert rows("规上工业增加值增长-3.2%,固定资产投资增速为-1.5%。") == [
        ("规上工业增加值", "equal", -3.2, "%", -3.2, "%", "growth_rate"),
        ("固定资产投资", "equal", -1.5, "%", -1.5, "%", "growth_rate"),
    ]
    # 绍兴市 2020 progress column: 为 before the figure is not part of the metric
    assert rows("战略性新兴产业增加值占规上工业增加值比重为46.3%;") == [
        ("战略性新兴产业增加值占规上工业增加值比重", "equal", 46.3, "%", 46.3, "%", "rate"),
    ]
    # counter-examples: a dash between numbers is no minus sign
    assert values("监督电话:0557-6031710,2020-2025年") == []


def test_two_counts_in_a_row_are_two_targets() -> None:
    # the Gulou report: 155幢房屋 is a second target, not a qualifier of 老旧小区
    assert values("完成16个老旧小区155幢房屋出新") == [(16.0, "个", "equal", "count"), (155.0, "幢", "equal", "count")]
    # an achieved count of reform tasks is kept; only a document's own 目标任务 are not counted
    assert (85.0, "条", "equal", "count") in values("区级7大类30项85条改革任务顺利完成")


OFFSET_CASES = [t for t, _ in DEV_SENTENCES] + [
    "规上工业增加值增长-3.2%,固定资产投资增速为-1.5%。",
    "地区生产总值增长6%-6.5%,城乡居民收入比2010年翻一番。",
    "培育5家产值超10亿元企业,带动就业3万余人。",
]


@pytest.mark.parametrize("text", OFFSET_CASES, ids=[t[:12] for t in OFFSET_CASES])
def test_offsets_give_the_text(text: str) -> None:
    found = extract_indicators(text)
    assert found
    for i in found:
        assert text[i.start : i.end] == i.text


@pytest.mark.parametrize("text,expected", [
    # 场次 is one unit (not 场 and a stray 次); ‰ is a rate like %
    ("举办文化惠民演出活动120场次以上", [(120.0, "场次", "at_least", "count")]),
    ("全市人口自然增长率控制在6‰以内", [(6.0, "‰", "at_most", "rate")]),
    # counter-example: 场 alone stays 场
    ("组织惠民演出200场", [(200.0, "场", "equal", "count")]),
])
def test_units_per_mille_and_sessions(text: str, expected: list[tuple]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a count that is the object of 对 names what exists; a count of a programme's items is no target
    ("对全县52处地质灾害隐患点落实“一点一案”", []),
    ("对辖区内10个镇（街道）开展专项检查", []),
    ("对12家重点企业开展安全生产督查", []),
    ("实施十项重点民生实事", []),
    ("完成省定10件为民办实事任务", []),
    ("全县现有中小学校120所，共有在校学生5万人", []),
    # counter-examples: the same counts as targets
    ("新排查整治地质灾害隐患点52处", [(52.0, "处", "equal", "count")]),
    ("新增重点企业12家", [(12.0, "家", "equal", "count")]),
    ("对标先进地区，新建公办幼儿园5所", [(5.0, "所", "equal", "count")]),
])
def test_existing_counts_and_programme_items_are_not_targets(text: str, expected: list[tuple]) -> None:
    assert values(text) == expected


def test_targets_in_items_after_a_heading_clause_are_read() -> None:
    from kg.models import SourceText
    from kg.read.text import lines_from_text

    text = "\n".join([
        "某市2021年重点任务分工方案",
        "一、推进自由贸易港建设",
        "（一）推动重点园区提质增效。（牵头单位：市发展改革委；责任单位：市商务局）",
        "1.科技城新增注册企业1500家。",
        "2.中央商务区引进总部企业10家。",
        "（二）做大旅游消费。旅游总收入增长20%左右。（市旅文局负责）",
    ])
    d = extract_document(SourceText("m.txt", "m", lines_from_text(text)), region=None)
    got = [(t.number, [(i.value, i.unit) for i in t.indicators]) for t in d.tasks]
    assert got == [("一", [(1500.0, "家"), (10.0, "家")]), ("二", [(20.0, "%")])]
    # the clause's own words are never searched: no unit name becomes a metric
    assert all("市发展改革委" not in i.metric for i in d.tasks[0].indicators)
    assert all(d.tasks[0].text[i.start : i.end] == i.text for i in d.tasks[0].indicators)
