"""Units of any region: the national table of standard departments, region-scoped nodes,
unit types from one source, and the region read from the document."""

from __future__ import annotations

import pytest
from rdflib import RDFS, Graph

from kg.extract import extract_document
from kg.extract.gazetteer import (
    load_gazetteer,
    read_document_region,
    standard_departments,
    unit_types,
)
from kg.extract.regions import read_region
from kg.graph.quads import document_graphs
from kg.graph.vocab import KG
from kg.models import Line, SourceText
from kg.resources import ontology_path
from kg.text.normalize import normalize_text

GUANGZHOU = "cn-440100"


def _source(text: str, name: str = "plan") -> SourceText:
    """The document as kg reads it (lines normalised: 全角 punctuation, spaces)."""
    return SourceText(
        f"{name}.txt", name, tuple(Line(i, normalize_text(t)) for i, t in enumerate(text.split("\n"), start=1))
    )


# -- the national table ----------------------------------------------------------------


@pytest.mark.parametrize(
    "region, written, canonical, type_",
    [
        # 01_guangzhou_city_2006: the 市 prefix, and names without it
        (GUANGZHOU, "市发改委", "市发展和改革委员会", "GovernmentDepartment"),
        (GUANGZHOU, "国土房管局", "市国土资源和房屋管理局", "GovernmentDepartment"),
        (GUANGZHOU, "外经贸局", "市对外贸易经济合作局", "GovernmentDepartment"),
        (GUANGZHOU, "市金融办", "市金融工作办公室", "GovernmentDepartment"),
        (GUANGZHOU, "广州市发改委", "市发展和改革委员会", "GovernmentDepartment"),
        (GUANGZHOU, "南沙区政府", "南沙区人民政府", "LocalGovernment"),
        # 02_zhejiang_province_2020: 厅 at the province level, the party's 改革办
        ("浙江省", "省科技厅", "省科学技术厅", "GovernmentDepartment"),
        ("浙江省", "省委改革办", "省委全面深化改革委员会办公室", "PartyDepartment"),
        ("浙江省", "省地方金融监管局", "省地方金融监督管理局", "GovernmentDepartment"),
        # 04_jiaxing_tongxiang_2020: a county-level city, names without prefix
        ("桐乡市", "发改局", "市发展和改革局", "GovernmentDepartment"),
        ("桐乡市", "工商联", "市工商业联合会", "PeopleOrganisation"),
        ("桐乡市", "税务局", "市税务局", "DeployedUnit"),
        # 18_xiangxi_prefecture_2020: an autonomous prefecture's 州
        ("湘西土家族苗族自治州", "州委编办", "州委机构编制委员会办公室", "PartyDepartment"),
        ("湘西土家族苗族自治州", "州行政审批服务局", "州行政审批服务局", "GovernmentDepartment"),
        # 08_anhui_lingbi_weijianwei_2021 and 07_bozhou_qiaocheng: county and district
        ("灵璧县", "县卫健委", "县卫生健康委员会", "GovernmentDepartment"),
        ("谯城区", "谯城区教育局", "区教育局", "GovernmentDepartment"),
        ("谯城区", "经济开发区管委会", "经济开发区管理委员会", "ManagementCommittee"),
        ("渝中区", "区规资局", "区自然资源和规划局", "GovernmentDepartment"),
    ],
)
def test_standard_names_resolve_to_the_level_and_full_name(region, written, canonical, type_):
    gaz = load_gazetteer(region)
    assert gaz.resolve_unit(written) == canonical
    assert gaz.unit_type(written) == type_


def test_three_spellings_of_one_department_are_one_unit():
    gaz = load_gazetteer(GUANGZHOU)
    assert {gaz.resolve_unit(n) for n in ("市发改委", "市发展改革委", "市发展和改革委员会")} == {"市发展和改革委员会"}


def test_a_city_plan_names_the_parent_province_and_its_own_party_units():
    gaz = load_gazetteer(GUANGZHOU)
    assert gaz.resolve_unit("省发改委") == "省发展和改革委员会"
    assert gaz.resolve_unit("组织部") == gaz.resolve_unit("市委组织部") == "市委组织部"


def test_a_region_above_with_the_same_level_word_keeps_its_name():
    tongxiang = load_gazetteer("桐乡市")  # a county-level city in 嘉兴市
    assert tongxiang.resolve_unit("市发改局") == tongxiang.resolve_unit("桐乡市发改局") == "市发展和改革局"
    assert tongxiang.resolve_unit("嘉兴市发改委") == "嘉兴市发展和改革委员会"
    assert tongxiang.resolve_unit("浙江省发改委") == "省发展和改革委员会"


def test_another_division_named_in_full_and_the_party_s_full_name():
    gaz = load_gazetteer(GUANGZHOU)
    assert gaz.resolve_unit("南沙区发改委") == "南沙区发展和改革委员会"
    assert gaz.resolve_unit("中共广州市委组织部") == "市委组织部"


def test_names_that_are_no_department_stay_unresolved():
    gaz = load_gazetteer(GUANGZHOU)
    for text in ("确保完成", "区审改办", "市政府各部门", "各街道", "市", "区发改委和东风镇", "推进老旧小区改造的街道"):
        assert gaz.resolve_unit(text) is None, text
    # a bare 办公室 is not the party committee's office (only 市委办 is)
    assert gaz.resolve_unit("办公室") is None
    assert gaz.resolve_unit("市委办") == "市委办公室"


def test_the_generic_scope_and_the_gulou_profile_do_not_use_the_national_table():
    assert load_gazetteer("generic").resolve_unit("区发改局") is None
    gulou = load_gazetteer("nanjing-gulou")
    assert gulou.resolve_unit("发改委") == "区发改委"  # the profile's name, as before
    assert gulou.resolve_unit("区数据资源管理局") is None


def test_a_division_is_loaded_by_code_or_unique_name_and_not_by_an_ambiguous_one():
    assert load_gazetteer("广州市").region == GUANGZHOU
    assert load_gazetteer(GUANGZHOU).region_name == "广东省广州市"
    assert load_gazetteer("鼓楼区").region == "generic"  # four 鼓楼区 in China
    assert load_gazetteer("cn-500113-木洞").region == "generic"  # no town, street or township
    assert load_gazetteer("cn-999999").region == "generic"


# -- types from one source ------------------------------------------------------------


def test_every_unit_type_is_a_class_of_the_vocabulary_under_kg_unit():
    g = Graph().parse(ontology_path() / "kg.ttl")
    for t in unit_types():
        assert (getattr(KG, t.type), RDFS.subClassOf, KG.Unit) in g, t.type
    names = {t.type for t in unit_types()}
    assert {row.type for row in standard_departments()} <= names


def test_the_national_table_is_well_formed():
    from kg.extract.gazetteer import _standard_index

    rows = standard_departments()
    assert len(rows) > 100
    assert all(row.levels <= {"province", "city", "county", "town"} and row.levels for row in rows)
    assert len({row.full_name for row in rows}) == len(rows)
    # no way of writing a name stands for two departments at one level
    for form, found in _standard_index().items():
        for level in ("province", "city", "county", "town"):
            assert len([r for r in found if level in r.levels]) <= 1, (form, level)


# -- the region of a document ---------------------------------------------------------


@pytest.mark.parametrize(
    "head, name",
    [
        ("广州市人民政府办公厅\n二○○六年四月二十八日\n(一)抓好项目。(牵头单位:市发改委;配合单位:黄埔区政府、南沙区政府)", "广州市"),
        ("长兴县人民政府办公室关于印发2023年政府工作报告重点工作责任分解的通知", "长兴县"),
        ("发布机构: 谯城区教育局 主题分类: 科技、教育", "谯城区"),
        ("重庆市巴南区木洞镇人民政府\n2024年2月22日", "巴南区"),
        ("湘西自治州人民政府\n2020年2月22日", "湘西土家族苗族自治州"),
        ("南京市鼓楼区人民政府办公室", "鼓楼区"),
    ],
)
def test_the_region_is_read_from_the_issuer(head, name):
    reading = read_region(head)
    assert reading.division is not None and reading.division.name == name
    assert reading.note is None


def test_a_town_that_issues_the_document_is_its_region():
    # 19_chongqing_banan_mudong_town_2024_report
    region, line, note = read_document_region("[ 发布机构 ] | 巴南区木洞镇 |\n重庆市巴南区木洞镇人民政府关于印发2024年政府工作报告的通知")
    assert (region, line, note) == ("cn-500113-木洞镇", 1, None)
    town = load_gazetteer(region)
    assert (town.region_name, town.level, town.level_prefix) == ("重庆市巴南区木洞镇", "town", "镇")
    assert town.resolve_unit("镇党政办") == town.resolve_unit("木洞镇党政办公室") == "镇党政办公室"
    assert town.resolve_unit("区发改委") == "区发展和改革委员会"  # the district above
    # counter-example: a district's plan that names its towns is the district's
    assert read_document_region("巴南区人民政府办公室\n1.支持木洞镇建设。(木洞镇人民政府牵头)")[0] == "cn-500113"


def test_a_responsibility_field_is_not_the_issuer():
    # 02_zhejiang_province_2020: 杭州市政府 leads a task of the province's plan
    reading = read_region("政府工作报告重点工作责任分解\n牵头单位:杭州市政府\n省政府办公厅\n浙江省人民政府办公厅")
    assert reading.division is not None and reading.division.name == "浙江省"


def test_without_an_issuer_the_level_of_the_units_named_decides():
    # 02_zhejiang_province_2020: only 杭州市 is named, as a lead; the units are the province's
    text = "省政府印发2020年政府工作报告重点工作责任分解通知\n  1. 稳企业、防风险。\n  牵头单位:省发展改革委、省经信厅、省财政厅\n  4. 建设科创大走廊。\n  牵头单位:杭州市政府、省科技厅"
    reading = read_region(text)
    assert reading.division is not None and reading.division.name == "浙江省"
    # counter-example: a district's units keep the district (05_kunming_guandu_2016)
    text = "1. 精简审批手续。(区政务服务局牵头,区发改局、区住建局配合)\n4. 编制完成官渡区三年滚动投资计划。(区发改局牵头)"
    reading = read_region(text)
    assert reading.division is not None and reading.division.name == "官渡区"


def test_the_document_number_confirms_a_division_the_text_names():
    # 16_shiyan_yunyang_2023: 郧政发 is 郧阳区's, though its tasks name 十堰市 more often
    body = "1.支持十堰市建设。\n2.服务十堰市发展。\n3.推进郧阳区建设。"
    reading = read_region("发文字号\n郧政发〔2023〕5号\n" + body)
    assert reading.division is not None and reading.division.name == "郧阳区"
    reading = read_region(body)
    assert reading.division is not None and reading.division.name == "十堰市"
    # a cited document's 文号 is not the issuer's (05_kunming_guandu_2016 cites 昆明市's)
    reading = read_region("根据《昆明市人民政府关于印发稳增长若干措施的通知》(昆政发〔2016〕13号),结合实际。\n"
                          "4. 编制完成官渡区三年滚动投资计划。(区发改局牵头)")
    assert reading.division is not None and reading.division.name == "官渡区"
    # the 文号 alone names no division
    assert read_region("郧政发〔2023〕5号\n1.推进建设。").division is None


def test_an_ambiguous_or_missing_region_is_said():
    reading = read_region("鼓楼区人民政府办公室关于印发任务分解的通知")
    assert reading.division is None and "ambiguous" in (reading.note or "")
    region, line, note = read_document_region("某区2021年重点工作任务分解方案\n一、创新发展")
    assert region == "generic" and line == 1 and "could not be read" in (note or "")


def test_the_example_region_is_still_its_profile():
    from .conftest import PLAN

    assert read_document_region(PLAN.read_text(encoding="utf-8"))[0] == "nanjing-gulou"


# -- nodes: one per unit per region ---------------------------------------------------

_PLAN = """广州市人民政府办公厅关于印发重点工作事项的通知
一、促进经济发展
(一)建设汽车产业基地。(牵头单位:市发改委;配合单位:国土房管局)
(二)推进石化基地建设。(牵头单位:市发展改革委;配合单位:市国土房管局)
(三)建设生物医药产业基地。(牵头单位:市发展和改革委员会;配合单位:外经贸局)"""


def _lead_nodes(doc) -> set[str]:
    quads, _, _ = document_graphs(doc)
    return {q.split(" ")[2] for q in quads if f"<{KG.lead}>" in q}


def test_three_spellings_in_a_plan_are_one_node_scoped_by_the_region():
    doc = extract_document(_source(_PLAN))
    assert doc.region == GUANGZHOU
    assert [t.responsibility.lead[0].unit for t in doc.tasks] == ["市发展和改革委员会"] * 3
    nodes = _lead_nodes(doc)
    assert nodes == {"<https://w3id.org/govkg/id/cn-440100/unit/%E5%B8%82%E5%8F%91%E5%B1%95%E5%92%8C%E6%94%B9%E9%9D%A9%E5%A7%94%E5%91%98%E4%BC%9A>"}
    # the unit is described once in the region's names graph, with each way it is written
    _, names, _ = document_graphs(doc)
    node = next(iter(nodes))
    described = [q for q in names if q.startswith(node)]
    assert sum(f"<{KG.GovernmentDepartment}>" in q for q in described) == 1
    assert sorted(q.split('"')[1] for q in described if "altLabel" in q) == ["市发展改革委", "市发改委"]


def test_two_cities_departments_are_two_nodes():
    other = _PLAN.replace("广州市人民政府办公厅", "绍兴市人民政府办公室")
    a = extract_document(_source(_PLAN, "a"))
    b = extract_document(_source(other, "b"))
    assert b.region == "cn-330600"
    assert _lead_nodes(a).isdisjoint(_lead_nodes(b))


def test_a_region_given_by_name_scopes_the_document_and_an_unknown_one_is_said():
    doc = extract_document(_source(_PLAN.replace("广州市人民政府办公厅", "市政府办公厅")), region="广州市")
    assert doc.region == GUANGZHOU
    assert doc.tasks[0].responsibility.lead[0].unit == "市发展和改革委员会"
    doc = extract_document(_source(_PLAN), region="atlantis")
    assert doc.region == "generic"
    assert [i.message for i in doc.issues if i.code == "region"] == [
        "unknown region 'atlantis': units are kept in the generic scope"
    ]


def test_unread_region_and_untyped_units_are_warnings_with_their_line():
    doc = extract_document(_source("某区重点工作任务分解方案\n一、发展\n1.推进建设。(牵头单位:区发改委;配合单位:张三李四)"))
    found = {(i.code, i.line) for i in doc.issues}
    assert ("region", 1) in found
    untyped = [i for i in doc.issues if i.code == "untyped-unit"]
    assert [(i.line, "张三李四" in i.message) for i in untyped] == [(3, True)]


def test_the_shapes_require_one_unit_type(tmp_path):
    from rdflib import RDF, Literal, URIRef
    from rdflib.namespace import SKOS

    from kg.graph.validate import validate_build

    unit = URIRef("https://w3id.org/govkg/id/cn-440100/unit/x")
    for types, conforms in [((KG.GovernmentDepartment,), True), ((), False), ((KG.OtherUnit, KG.SOEGroup), False)]:
        g = Graph()
        g.add((unit, RDF.type, KG.Unit))
        g.add((unit, SKOS.prefLabel, Literal("市发展和改革委员会", lang="zh")))
        for t in types:
            g.add((unit, RDF.type, t))
        out = tmp_path / str(len(types))
        out.mkdir()
        g.serialize(str(out / "graph.ttl"), format="turtle")
        report = validate_build(out)
        assert report.conforms is conforms, types
        assert conforms or "exactly one unit type" in report.text


def test_the_views_know_every_unit_type():
    from kg.visualize.data import UNIT_TYPES
    from kg.visualize.style import TYPE_COLORS

    names = {t.type for t in unit_types()} | {"OtherUnit"}
    assert {t for t, _, _ in UNIT_TYPES} == names
    assert set(TYPE_COLORS) == names


def test_unit_type_labels_are_one_vocabulary():
    """Every output names a unit type alike: the views' legend, the workload and the ontology
    take the labels of ontology/unit_types.csv, and none is a district's own word (区政府部门
    would misname a province's department)."""
    from kg.visualize.data import UNIT_TYPES
    from rdflib import Graph, Literal
    from rdflib.namespace import RDFS

    from kg.analysis.workload import type_label
    from kg.resources import ontology_path

    csv_labels = {t.type: (t.label_zh, t.label_en) for t in unit_types()}
    legend = {t: (zh, en) for t, zh, en in UNIT_TYPES}
    # the legend says what two classes hold on a map; every other label is the csv's
    assert {t: v for t, v in legend.items() if t not in ("ManagementCommittee", "OtherUnit")} == {
        t: v for t, v in csv_labels.items() if t != "ManagementCommittee"
    }
    onto = Graph().parse(ontology_path() / "kg.ttl")
    for t, (zh, en) in csv_labels.items():
        assert type_label(t) == zh
        cls = next(s for s in onto.subjects(RDFS.label, Literal(en, lang="en")) if str(s).endswith(t))
        assert Literal(zh, lang="zh") in set(onto.objects(cls, RDFS.label))
    assert not any(zh.startswith("区") for zh, _ in csv_labels.values())
