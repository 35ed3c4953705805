"""Projects and districts on real sentences of the two bundled documents."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from spacy.tokens import Doc

from kg.extract import extract_document
from kg.extract.entities import (
    _phrase_matcher,
    _phrase_spans,
    _regions,
    extract_entities,
    extract_entities_batch,
)
from kg.extract.entity_tokens import (
    _LEMMA,
    _SEPARATOR,
    _clause_tokens,
    _native,
    _patterns,
    _stretches,
    _token_doc,
    _token_matcher,
    _token_matchers,
    _token_matches,
    _token_spans,
    _tokens,
    _vocab,
    area_names,
)
from kg.extract.gazetteer import load_gazetteer
from kg.extract.mentions import task_text
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


def test_the_district_s_own_name_is_region_data() -> None:
    """鼓楼 is the Gulou profile's phrase (ontology/regions/nanjing-gulou/districts.jsonl):
    a document of another region does not read it as its district."""
    text = "更大范围吸引大学生来鼓楼就业创业"
    assert [e.text for e in extract_entities(text, GAZ)[1]] == ["鼓楼"]
    assert extract_entities(text, load_gazetteer("cn-440100"))[1] == ()
    assert extract_entities(text, load_gazetteer("generic"))[1] == ()


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


def test_matchers_load_once_on_one_vocab() -> None:
    tokens, _ = _token_matcher()
    phrases, _ = _phrase_matcher("nanjing-gulou")
    assert _token_matcher()[0] is tokens and _phrase_matcher("nanjing-gulou")[0] is phrases
    assert tokens.vocab is phrases.vocab


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


# -- spaCy's matchers on the tokens kg.extract.entities gives them -------------------------------

def _tok(word: str, tag: str = "n", name: bool = True) -> tuple[str, str, bool]:
    return word, tag, name


TOKEN_MATCHES = [
    # (word, TAG, _.kg_name) tokens → (start, end, label, pattern id) of every match
    ([_tok("地铁"), _tok("5", "m", False), _tok("号线")], [(0, 3, "project", "metro-line"), (1, 3, "project", "metro-line")]),
    ([_tok("地铁"), _tok("号线")], []),  # a metro line has a number
    ([_tok("推进", "v", False), _tok("湖南路", "ns"), _tok("片区")], [(1, 3, "district", "named-zone")]),
    ([_tok("推进", "v", False), _tok("湖南路", "ns", False), _tok("片区")], []),  # no name before the suffix
    ([_tok("滨江", "ns"), _tok("区域")], [(0, 2, "district", "named-zone")]),
    ([_tok("滨江", "v"), _tok("区域")], []),  # …区域 needs a place-name TAG
    ([_tok("南京大学", "nt"), _tok("二期", "b")], [(0, 2, "project", "named-phase")]),
    ([_tok("湖南路", "ns"), _tok("北段", "t")], [(0, 2, "project", "road-section")]),
    # every range a pattern matches (the longest is chosen later); 广场 alone is no name
    ([_tok("南京"), _tok("广场"), _tok("十期")], [(0, 2, "project", "named-carrier"), (0, 3, "project", "named-carrier"), (0, 3, "project", "named-phase"), (1, 3, "project", "named-phase")]),
    ([_tok("“", "x", False), _tok("晨光", "nz"), _tok("行动", "vn"), _tok("”", "x", False)], [(0, 4, "project", "quoted-programme"), (1, 3, "project", "programme")]),
    # quoted programmes stop at a comma, not at an exclamation mark
    ([_tok("“", "x", False), _tok("加油", "v"), _tok("！", "x", False), _tok("鼓楼", "ns"), _tok("行动", "vn"), _tok("”", "x", False)], [(0, 6, "project", "quoted-programme"), (3, 5, "project", "programme")]),
    ([_tok("“", "x", False), _tok("加油", "v"), _tok("，", "x", False), _tok("鼓楼", "ns"), _tok("行动", "vn"), _tok("”", "x", False)], [(3, 5, "project", "programme")]),
    ([_tok("五台山", "ns"), _tok("—", "x", False), _tok("广州路", "ns")], [(0, 3, "district", "axis")]),
]


@pytest.mark.parametrize("toks,expected", TOKEN_MATCHES, ids=["".join(t[0] for t in m[0]) for m in TOKEN_MATCHES])
def test_token_patterns(toks: list[tuple[str, str, bool]], expected: list[tuple[int, int, str, str]]) -> None:
    assert _token_spans(_token_doc(toks)) == expected


def test_token_doc_is_the_text_cut() -> None:
    toks = [_tok("建设", "vn", False), _tok("南京大学", "nt"), _tok("二期", "b")]
    doc = _token_doc(toks)
    assert doc.text == "建设南京大学二期"
    assert [(t.text, t.tag_, t._.kg_name) for t in doc] == toks
    # tags and lemmas set as one array: what Doc(tags=…, lemmas=…) sets, token by token
    plain = Doc(doc.vocab, words=[t[0] for t in toks], spaces=[False] * 3, tags=[t[1] for t in toks],
                lemmas=[_LEMMA[t[2]] for t in toks])
    assert [(t.tag, t.tag_, t.lemma, t.lemma_) for t in doc] == [(t.tag, t.tag_, t.lemma, t.lemma_) for t in plain]
    assert [t.lemma_ for t in doc] == ["kg_not_name", "kg_name", "kg_name"]


def test_gazetteer_phrases_every_occurrence() -> None:
    text = "在滨江、铁北片区建设，华侨路街道牵头"
    got = [(text[s:e], label, id_) for s, e, label, id_ in _phrase_spans(text, "nanjing-gulou")]
    assert ("滨江", "district", "滨江商务区管委会") in got
    assert ("铁北片区", "district", "铁北管委会") in got
    assert ("铁北", "district", "铁北管委会") in got  # nested names too: the longest wins later
    assert ("华侨路街道", "district", "华侨路街道") in got
    assert _phrase_spans("完成中心片区特色街景打造", "nanjing-gulou") == []


# -- the same entities as before spaCy's matchers came back (recorded from the previous
# -- matcher): every task of the bundled documents that names a project | district→unit

PLAN_ENTITIES = {
    "2": " | 环南大硅巷 南工大硅巷",
    "6": "新研机构提质增效行动 | ",
    "9": " | 鼓楼",
    "15": "南京华贸商务中心 金茂广场二期 | 中央路—中山路",
    "17": "“南大后街”潮流街区 | ",
    "19": " | 五台山—广州路",
    "20": " | 鼓楼",
    "25": "智梦园 省5G网络安全工程中心 创新广场 博西家电中国总部大楼 国电南自工业园 苏宁慧谷二期 南京科技广场二期 南邮科创中心 | ",
    "26": "下关大街 鲜鱼巷市政综合服务中心 苏电产业园 | 滨江区域→滨江商务区管委会 铁路西站地区",
    "27": "幕府创新小镇二期 红山都市工业园 华洋都市工业园 中能建产业园 华能滨江总部二期 宝龙天地 | 滨江→滨江商务区管委会",
    "28": "环南艺艺术文化街区 南艺后街二期 南艺文创园 四方文创园 | 环南艺→环南艺管委会",
    "29": "湖南路现代服务业总部城 市青少年宫 凤凰书城 | 湖南路片区→湖南路管委会",
    "31": "江豚监测站 | ",
    "32": "清水入江行动 | ",
    "33": "长江岸线大桥公园 上元门城市客厅涉水工程 | 滨江→滨江商务区管委会",
    "34": "金川河“幸福河湖”示范工程 河西二期 外金川河二期 | ",
    "36": " | 中心片区",
    "37": "建宁西路过江通道 地铁5号线 7号线 9号线 南京大学苏浙运动场地下停车场 | ",
    "40": "晨光行动 | ",
    "42": "怡景花园垃圾中转站 | ",
    "45": "宁聚计划 | 鼓楼",
    "48": "二十九中新校区 第十二初中 天妃宫小学新校区 琅小玉泉路校区 学生关爱工程 鼓幼（桃园世纪）分园 实幼（泛悦城市广场）分园 三幼（紫郡兰园）分园 | 滨江→滨江商务区管委会 铁北片区→铁北管委会",
    "49": "幕府山基层卫生实训基地 | ",
    "51": " | 鼓楼 鼓楼",
    "52": "《南京条约》史料陈列馆 国防园4A级旅游景区 | 鼓楼",
    "58": "第十二初中 | ",
    "60": "新一代雪亮技防工程 | 鼓楼",
    "64": "新政务服务中心 | ",
}
# statements are numbered from the report itself: the notice that hands it out (addressee,
# body, signature and date) is page noise, not statements
REPORT_ENTITIES = {
    "3": " | 鼓楼",
    "8": "“宁满意”工程 | ",
    "13": "南京长江国际航运中心一期 | 鼓楼",
    "14": "华能滨江总部基地 金茂二期 | 鼓楼 滨江→滨江商务区管委会",
    "17": "字节跳动南京研发中心 | ",
    "19": " | 鼓楼 鼓楼",
    "20": " | 鼓楼",
    "22": "绿地紫金中心 地铁5号线 保护工程 北祥路一期 阅江楼街区 宜居示范街区 | 中心片区 湖南路片区→湖南路管委会 滨江→滨江商务区管委会 滨江→滨江商务区管委会 铁北片区→铁北管委会",
    "23": "晨光行动 | ",
    "25": "四平路广场 食堂“体检”工程 | ",
    "26": "芳草园小学 实验幼儿园 省人民医院 智慧养老大数据调度运营中心 | ",
    "27": "金信花园 | 鼓楼",
    "30": " | 鼓楼 鼓楼 鼓楼 鼓楼",
    "31": " | 鼓楼",
    "33": " | 鼓楼 鼓楼 鼓楼",
    "34": " | 鼓楼",
    "38": "华贸国际中心 中信泰富总部基地 十三片区保护利用工程 环南艺艺术文化街区 南艺文化创意产业园 | 环南艺→环南艺管委会",
    "40": "“宁满意”工程 新政务服务中心 | ",
    "41": " | 鼓楼",
    "42": "中科紫台创新基地 | 红五月硅巷 高新区→高新区管委会 高新区→高新区管委会",
    "44": "德国亚琛工大科创中心 | ",
    "46": " | 中心片区 湖南路片区→湖南路管委会 滨江→滨江商务区管委会 铁北片区→铁北管委会",
    "47": "锦江路北段 翠庭路二期 | 滨江片区→滨江商务区管委会",
    "48": "晨光行动 | ",
    "50": "大桥公园 静海寺纪念馆 《南京条约》史料陈列馆 | 下关滨江商务区→滨江商务区管委会 鼓楼",
    "51": "片区雨污分流管道清疏修缮工程 | ",
    "56": "天妃宫小学 街道级综合养老服务中心 | 滨江→滨江商务区管委会 铁北→铁北管委会",
    "66": " | 鼓楼",
}


def _recorded(doc) -> dict[str, str]:  # type: ignore[no-untyped-def]
    out = {}
    for t in doc.tasks:
        if t.projects or t.districts:
            ds = " ".join(e.text + (f"→{e.governed_by}" if e.governed_by else "") for e in t.districts)
            out[t.number] = " ".join(e.text for e in t.projects) + " | " + ds
    return out


def test_plan_entities_as_recorded() -> None:
    assert _recorded(plan()) == PLAN_ENTITIES


def test_report_entities_as_recorded() -> None:
    assert _recorded(report()) == REPORT_ENTITIES


# -- a document's tasks are matched together (one Doc per document): the same entities as
# -- task by task, and no name across two tasks

@pytest.mark.parametrize("doc", [plan, report], ids=["plan", "report"])
def test_batch_is_task_by_task(doc) -> None:  # type: ignore[no-untyped-def]
    texts = [task_text(t, doc().kind) for t in doc().tasks]
    batch = extract_entities_batch(texts, GAZ)
    assert len(batch) == len(texts) > 40
    assert batch == [extract_entities(t, GAZ) for t in texts]
    assert sum(len(p) + len(d) for p, d in batch) > 50


ACROSS = [
    (["加快建设地铁", "5号线二期"], "地铁5号线"),  # the token matcher
    (["推进“晨光", "行动”"], "晨光行动"),  # a quoted programme: a line break would not stop it
    (["推进湖南路", "北段建设"], "湖南路北段"),
    (["在滨", "江区域建设"], "滨江区域"),  # the phrase matcher
    (["环南大、", "南工大硅巷"], "环南大硅巷"),  # a coordinated conjunct
]


@pytest.mark.parametrize("texts,joined_name", ACROSS, ids=[n for _, n in ACROSS])
def test_no_name_across_tasks(texts: list[str], joined_name: str) -> None:
    joined = [e.text for es in extract_entities("".join(texts), GAZ) for e in es]
    assert joined_name in joined  # one text: the name is found
    batch = extract_entities_batch(texts + [""] + texts, GAZ)
    assert batch == [extract_entities(t, GAZ) for t in texts + [""] + texts]
    assert joined_name not in [e.text for p, d in batch for e in (*p, *d)]


def _raw_patterns() -> list[list[dict]]:  # type: ignore[type-arg]
    return [
        entry["pattern"]  # type: ignore[misc]
        for entry in _patterns("projects.jsonl") + _patterns("districts.jsonl")
        if isinstance(entry["pattern"], list)
    ]


# the separator between two texts' stretches, and the delimiters a text's stretches are cut at
# (each a clause of its own: a token as _clause_tokens makes it)
BOUNDARIES = [_SEPARATOR, *(_clause_tokens(d, None)[0] for d in "，；。")]


@pytest.mark.parametrize("boundary", BOUNDARIES, ids=["separator", "，", "；", "。"])
def test_boundary_matches_no_token_pattern_element(boundary: tuple[str, str, bool]) -> None:
    """Every element of every token pattern, as written and as matched (``_native``),
    rejects the separator and the delimiters ，；。, so no match crosses them (a pattern
    added later that accepts one would fail here)."""
    from spacy.matcher import Matcher

    doc = _token_doc([boundary])
    elements = [{k: v for k, v in el.items() if k != "OP"} for pattern in _raw_patterns() for el in pattern]
    assert len(elements) > 30
    for el in elements + [_native(el) for el in elements]:
        m = Matcher(_vocab())
        m.add("el", [[el]])
        assert m(doc) == [], el
    word = _token_doc([_tok("南京")])  # a counter-example: a name token is accepted
    m = Matcher(_vocab())
    m.add("el", [[{"_": {"kg_name": True}}]])
    assert len(m(word)) == 1


def test_kg_name_is_matched_on_the_lemma() -> None:
    """The matcher tests ``_.kg_name`` as a built-in attribute; other elements stay."""
    assert _native({"_": {"kg_name": True}, "OP": "+"}) == {"OP": "+", "LEMMA": "kg_name"}
    assert _native({"_": {"kg_name": False}}) == {"LEMMA": "kg_not_name"}
    assert _native({"TEXT": "号线"}) == {"TEXT": "号线"}
    doc = _token_doc([_tok("南京"), _tok("，", "x", False)])
    assert [t.lemma_ for t in doc] == ["kg_name", "kg_not_name"]
    assert [t._.kg_name for t in doc] == [True, False]


# -- only the stretches of a text between ，；。 that hold one of match_needs are matched

_LITERAL_RUNS = re.compile(r"\[[^\]]*\][+*?]?|\\.[+*?]?|.[?*]|[+^$]")


def _texts_of(spec: object) -> list[str] | None:
    """The literal runs every token text that ``spec`` (an element's TEXT) accepts must
    hold, one list per alternative; None for a test the proof cannot read."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict) and set(spec) == {"IN"}:
        return list(spec["IN"])
    if isinstance(spec, dict) and set(spec) == {"REGEX"}:
        body = spec["REGEX"].removeprefix("^").removesuffix("$")
        if body.startswith("(") and body.endswith(")"):
            body = body[1:-1]
        if "(" in body or ")" in body or "{" in body or "." in _LITERAL_RUNS.sub("", body):
            return None
        return body.split("|")
    return None


def _holds_a_need(alternative: str, needs: tuple[str, ...]) -> bool:
    runs = _LITERAL_RUNS.split(alternative)  # only what a match has literally, in one piece
    return any(n in run for run in runs for n in needs)


def test_every_token_pattern_holds_one_of_its_needs() -> None:
    """Each token pattern has an element that is neither optional nor negated whose every
    accepted text holds a string of the pattern's ``needs``: every match holds one."""
    entries = [e for e in _patterns("projects.jsonl") + _patterns("districts.jsonl") if isinstance(e["pattern"], list)]
    assert len(entries) == len(_raw_patterns()) > 10
    for entry in entries:
        needs = tuple(entry["needs"])
        covered = []
        for el in entry["pattern"]:
            assert isinstance(el, dict)
            alternatives = _texts_of(el.get("TEXT")) if el.get("OP") in (None, "+") else None
            if alternatives is not None and all(_holds_a_need(a, needs) for a in alternatives):
                covered.append(el)
        assert covered, entry
    # counter-examples: an alternative without a need, an optional element, a regex it cannot read
    assert not _holds_a_need("[一二三]+号", ("期",))
    assert _holds_a_need("[一二三]+期", ("期",)) and not _holds_a_need("[一二三]期?", ("期",))
    assert _texts_of({"REGEX": "(大.楼)$"}) is None and _texts_of({"NOT_IN": ["，"]}) is None


def test_a_stretch_goes_to_the_matchers_of_its_needs() -> None:
    """Patterns that need the same strings share a matcher; a stretch that holds none of
    a matcher's strings is not given to it, and what the matchers find together is what
    one matcher of every pattern finds."""
    matchers = _token_matchers()
    assert 1 < len(matchers) <= len(_raw_patterns())
    metro = [m for m in matchers if m[0].search("号线")]
    assert len(metro) == 1 and len(metro[0][2]) == 1  # the two metro-line patterns: one key
    assert not metro[0][0].search("加快建设南京华贸商务中心")
    # one text, stretches for four matchers (号线; 中心, 广场; 期; 段, 期 …; 行动; 区域)
    text = "加快建设地铁5号线，推进南京华贸商务中心、金茂广场二期建设；推进湖南路北段、“晨光行动”和滨江区域建设"
    assert projects(text) == ["地铁5号线", "南京华贸商务中心", "金茂广场二期", "湖南路北段", "晨光行动"]
    assert districts(text) == [("滨江区域", "滨江商务区管委会")]


def test_stretches_without_a_need_are_not_matched() -> None:
    text = "区发改委牵头，加快建设南京华贸商务中心；区财政局配合"
    assert [(at, s, "".join(t[0] for t in toks)) for at, s, toks in _stretches(text, None) or ()] == [
        (7, "加快建设南京华贸商务中心", "加快建设南京华贸商务中心")
    ]
    assert _stretches("区发改委牵头，区财政局配合", None) == []  # 区 is cut, no stretch can match
    assert _stretches("做好安全生产工作", None) is None  # no clause is cut
    assert projects(text) == ["南京华贸商务中心"]


def _char_spans(doc: Doc, spans: list[tuple[int, int, str, str]]) -> set[tuple[int, int, str, str]]:
    return {(doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), label, id_) for s, e, label, id_ in spans}


@pytest.mark.parametrize("folder", ["examples", "tests/data/real/docs", "tests/data/holdout/docs", "tests/data/holdout2/docs"])
def test_stretch_matches_are_the_whole_text_matches(folder: str) -> None:
    """On every task text of the bundled and real documents, matching only the stretches
    finds what matching the whole text's tokens finds."""
    texts: list[tuple[str, str | None]] = []
    for path in sorted((ROOT / folder).glob("*.txt")):
        d = extract_document(read_source(str(path)))
        region = d.region if d.region in _regions() else None
        texts += [(task_text(t, d.kind), region) for t in d.tasks]
    assert len(texts) > 20
    found = 0
    for text, region in texts:
        if not text.strip():
            continue
        doc = _token_doc(_tokens(text, region))
        whole = _char_spans(doc, _token_spans(doc))
        stretch = {(s - sl.base, e - sl.base, label, id_) for sl, (ts, te, label, id_) in _token_matches([text], region)[0]
                   for s, e in [(sl.doc[ts].idx, sl.doc[te - 1].idx + len(sl.doc[te - 1]))]}
        assert stretch == whole, text
        found += len(whole)
    assert found > 10
