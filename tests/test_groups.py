"""Group references of any region, recognised by their shape (ontology/units/group_shapes.json)."""

from __future__ import annotations

import pytest

from kg.extract.gazetteer import load_gazetteer
from kg.extract.unit_lists import parse_unit_list
from kg.graph.quads import region_quads
from kg.graph.vocab import KG
from kg.models import Role

DEPARTMENTS = ("PartyDepartment", "GovernmentDepartment", "PeopleOrganisation")


@pytest.mark.parametrize(
    "region, written, label, scope, members",
    [
        ("cn-440100", "各地", "各地", "all", ("LocalGovernment",)),
        ("cn-440100", "市级相关单位", "市相关部门", "unknown", ()),
        ("cn-530111", "区级相关部门", "区相关部门", "unknown", ()),  # 05_kunming_guandu_2016
        ("cn-340223", "县各有关单位", "县相关部门", "unknown", ()),  # 09_wuhu_nanling_2024
        ("cn-433100", "州直相关单位", "州相关部门", "unknown", ()),  # 18_xiangxi_prefecture_2020
        ("cn-341323", "县政府有关部门", "县相关部门", "unknown", ()),  # 08_anhui_lingbi_weijianwei_2021
        ("cn-341323", "有关直属单位", "有关直属单位", "subset", DEPARTMENTS),
        ("cn-500103", "各管委会", "各管委会", "all", ("ManagementCommittee",)),  # 12_chongqing_yuzhong_2023
        ("cn-500103", "区属各重点国企", "区属各重点国企", "subset", ("SOEGroup",)),
        ("cn-500103", "各产业主管部门", "各产业主管部门", "subset", DEPARTMENTS),
        ("cn-500103", "各区县政府", "各区县政府", "all", ("LocalGovernment",)),
        ("cn-440100", "各县级市", "各县级市", "all", ("LocalGovernment",)),
        ("cn-440100", "其他有关单位", "市相关部门", "unknown", ()),
        ("cn-330522", "各乡镇", "各乡镇", "all", ("TownOffice",)),
        ("cn-530111", "各街道办事处", "各街道", "all", ("StreetOffice",)),
        ("cn-150000", "各盟市", "各盟市", "all", ("LocalGovernment",)),  # 20_neimenggu_province_2024
        ("cn-430000", "各市（州）人民政府", "各市（州）人民政府", "all", ("LocalGovernment",)),
    ],
)
def test_group_references_are_recognised_by_their_shape(region, written, label, scope, members):
    gaz = load_gazetteer(region)
    assert gaz.resolve_group(written) == label
    record = gaz.group_record(label)
    assert record is not None
    assert (record.scope, record.member_types) == (scope, members)
    assert gaz.resolve_unit(written) is None


@pytest.mark.parametrize("text", ["各类企业", "各项工作", "全市", "有关规定", "各方", "相关负责同志", "区发改委"])
def test_what_is_not_a_group_reference(text):
    assert load_gazetteer("cn-440100").resolve_group(text) is None


def test_a_shared_ge_carries_over_to_the_next_items():
    gaz = load_gazetteer("cn-440100")
    got = [(m.name, m.unit, m.kind) for m in parse_unit_list("各区、县级市", Role.CO_LEAD, gaz)]
    assert got == [("各区", "各区人民政府", "group"), ("县级市", "各县级市", "group")]
    gaz = load_gazetteer("cn-341602")
    got = [(m.name, m.unit) for m in parse_unit_list("各乡镇人民政府、街道办事处", Role.CO_LEAD, gaz)]
    assert got == [("各乡镇人民政府", "各乡镇"), ("街道办事处", "各街道")]


def test_without_a_shared_ge_a_bare_level_word_is_no_group():
    gaz = load_gazetteer("cn-440100")
    assert [m.kind for m in parse_unit_list("市发改委、县级市", Role.CO_LEAD, gaz)] == ["unit", "unit"]


def test_a_profile_gives_the_members_of_a_shaped_all_group():
    gulou = load_gazetteer("nanjing-gulou")
    label = gulou.resolve_group("各街道办事处")
    assert label == "各街道"
    members = gulou.group_members(label)
    assert len(members) == 13 and all(gulou.units[m].type == "StreetOffice" for m in members)
    # a subset names no members
    assert gulou.group_members(gulou.resolve_group("各产业主管部门")) == ()


def test_a_shaped_group_is_a_unit_group_of_its_region_graph():
    gaz = load_gazetteer("cn-500103")
    quads = region_quads(gaz, ["区属各重点国企"])
    assert any(f"<{KG.UnitGroup}>" in q for q in quads)
    assert any(f"<{KG.groupScope}> \"subset\"" in q for q in quads)
    assert all("cn-500103" in q.split(" ")[0] for q in quads)
