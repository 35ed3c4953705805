"""The one reader of the task–unit–role facts (kg.analysis.facts), on the example plan."""

from __future__ import annotations

import pytest

from kg.analysis.facts import Weights, read_facts

PLAN = "https://w3id.org/govkg/id/doc/gulou_task_decomposition"


@pytest.fixture(scope="module")
def facts(store):
    return read_facts(store)


def task_facts(facts, task_id: str):
    return [f for f in facts.assignments if f.task_id == task_id and f.document == PLAN]


def test_every_task_of_the_plan_is_read_and_only_the_plan(facts) -> None:
    assert len(facts.tasks) == 72  # the work report's statements are no kg:Task
    assert {f.document for f in facts.assignments} == {PLAN}
    assert [t.task_id for t in facts.tasks.values()][:3] == ["1", "2", "3"]
    assert {f.region for f in facts.assignments} == {"nanjing-gulou"}


def test_task_2_names_two_leads_three_groups_and_reaches_their_members(facts) -> None:
    # 2.…（区科技局、高新区管委会主办，区相关部门、街道、板块协办）
    named = [(f.unit_label, f.role, f.share, f.as_written) for f in task_facts(facts, "2") if f.via_group is None]
    assert named == [
        ("区科技局", "lead", 0.5, "区科技局"),
        ("高新区管委会", "lead", 0.5, "高新区管委会"),
        ("区相关部门", "co_lead", 0.5, "区相关部门"),
        ("各街道", "co_lead", 0.5, "街道"),
        ("各板块", "co_lead", 0.5, "板块"),
    ]
    first = task_facts(facts, "2")[0]
    assert first.section == "关于完善创新生态，打造转型升级新引擎"
    assert first.task_text.startswith("重视“从1到100”的科技转化")
    assert first.unit_type == "GovernmentDepartment"
    via = [f for f in task_facts(facts, "2") if f.via_group is not None]
    streets = [f for f in via if facts.parties[f.via_group].label == "各街道"]
    assert len(streets) == 13 and {f.unit_type for f in streets} == {"StreetOffice"}
    assert all(f.role == "co_lead" and f.share == 0.5 and f.as_written == "" for f in via)
    # 区相关部门 is an unknown subset: it reaches no one
    assert not [f for f in via if facts.parties[f.via_group].label == "区相关部门"]


def test_the_name_as_written_is_kept_beside_the_unit(facts) -> None:
    # 61.…（区金融监管局主办，鼓楼公安分局、市场监管局、各街道、板块协办）
    f = next(f for f in task_facts(facts, "61") if f.unit_label == "区市场监管局")
    assert (f.as_written, f.role, f.via_group) == ("市场监管局", "co_lead", None)


def test_weights_give_the_shares(store) -> None:
    facts = read_facts(store, Weights(lead=2.0, co_lead=1.0, split_shared_lead=False))
    shares = {(f.unit_label, f.role): f.share for f in task_facts(facts, "2") if f.via_group is None}
    assert shares[("区科技局", "lead")] == 2.0 and shares[("各街道", "co_lead")] == 1.0
