"""Projects and districts on real sentences of the two bundled documents."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from kg.entities import _phrase_rules, _token_rules, area_names, extract_entities
from kg.extract import extract_document
from kg.gazetteer import load_gazetteer
from kg.read import read_source

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "examples" / "gulou_task_decomposition.txt"
REPORT = ROOT / "examples" / "gulou_2020_work_report.txt"
GAZ = load_gazetteer("nanjing-gulou")


@cache
def plan():
    return extract_document(read_source(str(PLAN)))


@cache
def report():
    return extract_document(read_source(str(REPORT)))


def projects(text: str) -> list[str]:
    return [e.text for e in extract_entities(text, GAZ)[0]]


def districts(text: str) -> list[tuple[str, str | None]]:
    return [(e.text, e.governed_by) for e in extract_entities(text, GAZ)[1]]


PROJECTS = [
    (
        "全力推动南京华贸商务中心、金茂广场二期等高端载体建设，着力打造中央路—中山路商务商贸中心轴",
        ["南京华贸商务中心", "金茂广场二期"],
    ),
    (
        "加快创新广场整体招商，确保博西家电中国总部大楼投入使用；",
        ["创新广场", "博西家电中国总部大楼"],
    ),
    (
        "加快国电南自工业园、苏宁慧谷二期、南京科技广场二期等项目建设，确保南邮科创中心主体结构封顶",
        ["国电南自工业园", "苏宁慧谷二期", "南京科技广场二期", "南邮科创中心"],
    ),
    (
        "开工建设幕府创新小镇二期10万平方米载体，确保红山都市工业园完成改造并正式投运",
        ["幕府创新小镇二期", "红山都市工业园"],
    ),
    (
        "启动二十九中新校区建设，完成第十二初中改扩建，建成投用天妃宫小学新校区",
        ["二十九中新校区", "第十二初中", "天妃宫小学新校区"],
    ),
    (
        "加强基础设施建设，全力保障建宁西路过江通道、地铁5号线、7号线、9号线等重大市政工程，积极推动南京大学苏浙运动场地下停车场建设。",
        ["建宁西路过江通道", "地铁5号线", "7号线", "9号线", "南京大学苏浙运动场地下停车场"],
    ),
    ("深入开展“晨光行动”，大力实施主次干道环境综合整治和背街小巷整治", ["晨光行动"]),
    ("积极开展清水入江行动，确保入江断面水质稳定达标。", ["清水入江行动"]),
    ("建成投用鲜鱼巷市政综合服务中心", ["鲜鱼巷市政综合服务中心"]),
    ("完成南艺文创园、四方文创园改造", ["南艺文创园", "四方文创园"]),
    ("打造金川河“幸福河湖”示范工程", ["金川河“幸福河湖”示范工程"]),
    ("完成《南京条约》史料陈列馆展陈提升", ["《南京条约》史料陈列馆"]),
    ("进一步优化交通路网，完成锦江路北段建设，续建翠庭路二期", ["锦江路北段", "翠庭路二期"]),
    ("全力以赴推动华贸国际中心、中信泰富总部基地等高端载体建设", ["华贸国际中心", "中信泰富总部基地"]),
]


@pytest.mark.parametrize("text,expected", PROJECTS, ids=[p[0][:12] for p in PROJECTS])
def test_projects(text: str, expected: list[str]) -> None:
    assert projects(text) == expected


DISTRICTS = [
    ("继续推进湖南路片区环境综合整治", [("湖南路片区", "湖南路管委会")]),
    ("完成中心片区特色街景打造", [("中心片区", None)]),
    ("打造五台山—广州路新医药与生命健康产业集聚区", [("五台山—广州路", None)]),
    ("全力推进环南大、南工大硅巷建设", [("环南大硅巷", None), ("南工大硅巷", None)]),
    (
        "开展滨江区域综合交通体系规划研究，启动下关大街建设；继续推动铁路西站地区迁建",
        [("滨江区域", "滨江商务区管委会"), ("铁路西站地区", None)],
    ),
    (
        "在滨江、铁北片区建设鼓幼（桃园世纪）分园",
        [("滨江", "滨江商务区管委会"), ("铁北片区", "铁北管委会")],
    ),
    ("继续推动优质教育资源向滨江和铁北延伸", [("滨江", "滨江商务区管委会"), ("铁北", "铁北管委会")]),
    ("高水平打造环南艺艺术文化街区", [("环南艺", "环南艺管委会")]),
    ("更大范围吸引大学生来鼓楼就业创业", [("鼓楼", None)]),
    ("突出高新区创新发展主阵地作用", [("高新区", "高新区管委会")]),
    # a street as a place links to the street office of the same name
    ("推进华侨路街道老旧小区整治", [("华侨路街道", "华侨路街道")]),
]


@pytest.mark.parametrize("text,expected", DISTRICTS, ids=[d[0][:12] for d in DISTRICTS])
def test_districts(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert districts(text) == expected


NOT_ENTITIES = [
    "完成2处积淹水片区整治",  # a count of areas, not a named area
    "推动历史文化街区保护修缮利用",  # generic
    "强化境内外风险地区往来人员闭环管控",
    "继续放大“幸福鼓楼”文化艺术节",  # a slogan in quotes
    "积极探索中心城区市域社会治理现代化新路径",
    "自觉在思想上政治上行动上",
]


@pytest.mark.parametrize("text", NOT_ENTITIES, ids=[t[:10] for t in NOT_ENTITIES])
def test_not_entities(text: str) -> None:
    assert extract_entities(text, GAZ) == ((), ())


def test_offsets_point_into_the_text() -> None:
    text = "全力推动南京华贸商务中心、金茂广场二期等高端载体建设"
    p, _ = extract_entities(text, GAZ)
    assert all(text[e.start : e.end] == e.text and e.label == "project" for e in p)


def test_area_names_come_from_the_gazetteer() -> None:
    areas = area_names("nanjing-gulou")
    assert areas["滨江商务区"] == areas["滨江"] == "滨江商务区管委会"
    assert areas["华侨路街道"] == "华侨路街道"
    assert areas["铁北片区"] == "铁北管委会"


def test_rules_load_once() -> None:
    assert _token_rules() is _token_rules()
    assert _phrase_rules("nanjing-gulou") is _phrase_rules("nanjing-gulou")


def test_plan_tasks_are_enriched() -> None:
    tasks = {t.number: t for t in plan().tasks}
    assert [e.text for e in tasks["15"].projects] == ["南京华贸商务中心", "金茂广场二期"]
    assert ("湖南路片区", "湖南路管委会") in [(e.text, e.governed_by) for e in tasks["29"].districts]
    # 华侨路街道 in task 19 is a co-lead unit in the clause, not a place of the task
    assert "华侨路街道" not in [e.text for e in tasks["19"].districts]
    assert [e.text for e in tasks["19"].districts] == ["五台山—广州路"]


def test_report_statements_are_enriched() -> None:
    doc = report()
    texts = {p.text for t in doc.tasks for p in t.projects}
    assert {"华贸国际中心", "中信泰富总部基地", "地铁5号线", "南京长江国际航运中心一期"} <= texts
    areas = {(d.text, d.governed_by) for t in doc.tasks for d in t.districts}
    assert ("湖南路片区", "湖南路管委会") in areas
    assert ("下关滨江商务区", "滨江商务区管委会") in areas


# -- the pattern matcher matches what spaCy's SpanRuler matched ---------------------------

def _corpus_texts() -> list[str]:
    from kg.mentions import task_text

    texts = [task_text(t, d.kind) for d in (plan(), report()) for t in d.tasks]
    texts += [p[0] for p in PROJECTS] + [d[0] for d in DISTRICTS] + NOT_ENTITIES
    return texts


@cache
def _spacy_rulers():  # type: ignore[no-untyped-def]
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Token

    from kg.entities import _patterns

    if not Token.has_extension("kg_name"):
        Token.set_extension("kg_name", default=False)
    tok_nlp = spacy.blank("zh")
    ruler = tok_nlp.add_pipe("span_ruler", config={"spans_key": "kg"})
    ruler.add_patterns(_patterns("projects.jsonl") + [p for p in _patterns("districts.jsonl") if isinstance(p["pattern"], list)])
    char_nlp = spacy.blank("zh")
    ruler = char_nlp.add_pipe("span_ruler", config={"spans_key": "kg", "phrase_matcher_attr": "ORTH"})
    phrases = [p for p in _patterns("districts.jsonl") if isinstance(p["pattern"], str)]
    areas = area_names("nanjing-gulou")
    phrases += [{"label": "district", "id": unit, "pattern": name} for name, unit in areas.items()]
    phrases += [{"label": "unit", "pattern": n} for n in GAZ.all_names() if n not in areas]
    ruler.add_patterns(phrases)
    return tok_nlp, char_nlp


def _spacy_token_spans(toks: list[tuple[str, str, bool]]) -> list[tuple[int, int, str, str]]:
    from spacy.tokens import Doc

    nlp, _ = _spacy_rulers()
    doc = Doc(nlp.vocab, words=[t[0] for t in toks], spaces=[False] * len(toks))
    for tok, (_, tag, name) in zip(doc, toks, strict=True):
        tok.tag_ = tag
        tok._.kg_name = name
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return sorted({(s.start, s.end, s.label_, s.id_) for s in doc.spans["kg"]})


def test_token_patterns_match_as_spacy_on_the_corpus() -> None:
    from kg.entities import _tokens

    _spacy_rulers()
    for text in _corpus_texts():
        toks = _tokens(text, "nanjing-gulou")
        assert _token_rules().spans(toks) == _spacy_token_spans(toks), text


def test_token_patterns_match_as_spacy_on_random_tokens() -> None:
    import random

    _spacy_rulers()
    rng = random.Random(7)
    words = [
        "南京", "华贸", "商务", "中心", "广场", "二期", "十期", "地铁", "5", "12", "号线", "“", "”", "《",
        "》", "，", "、", "。", "行动", "工程", "示范工程", "片区", "区域", "—", "中山路", "北段", "硅",
        "巷", "片", "区", "（", "）", "分园", "校区", "陈列馆", "街区", "十三", "A", "计划", "环南大",
    ]
    # quotes and brackets, often: the patterns of quoted programmes, titles and branches
    brackets = ["“", "”", "《", "》", "（", "）", "行动", "计划", "示范工程", "陈列馆", "分园", "分校", "金川河", "幸福"]
    for i in range(3000):
        pool = words if i % 2 else brackets
        toks = [(rng.choice(pool), rng.choice(["ns", "nz", "n", "x"]), rng.random() < 0.7) for _ in range(rng.randint(1, 12))]
        assert _token_rules().spans(toks) == _spacy_token_spans(toks), toks


def test_phrase_patterns_match_as_spacy() -> None:
    from spacy.tokens import Doc

    _, nlp = _spacy_rulers()
    rules = _phrase_rules("nanjing-gulou")
    for text in _corpus_texts():
        doc = Doc(nlp.vocab, words=list(text), spaces=[False] * len(text))
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        expected = [(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans["kg"]]
        assert rules.spans(text) == expected, text
