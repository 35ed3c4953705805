"""kg workload --overloaded / --unit NAME, regions, and the networks for Gephi."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.analysis.workload import WorkloadOptions, compute_workload
from kg.cli import main
from kg.store import OxigraphStore


@pytest.fixture(scope="module")
def out(example_out: Path) -> Path:
    return example_out


def run(*args: str):
    return CliRunner().invoke(main, ["workload", *args])


def test_overloaded_lists_the_verdicts_with_reasons_in_both_languages(out: Path) -> None:
    res = run(str(out), "--overloaded")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert [line.split()[1] for line in lines[2:6]] == ["区发改委", "区科技局", "区商务局", "区建设局"]
    assert lines[6].startswith("-") and lines[7].split()[:3] == ["合计", "4", "units"]
    i = lines.index("超负荷及原因 Overloaded, and why:")
    assert lines[i + 1].startswith("  区发改委: 负荷 7.5 超过政府部门同类上限")
    assert lines[i + 2].strip().startswith("load 7.5 > fence")
    assert "区市场监管局" not in res.stdout
    rows = run(str(out), "--overloaded", "--format", "csv").stdout.splitlines()
    assert len(rows) == 1 + 4 and rows[0].startswith("rank,unit,")
    data = json.loads(run(str(out), "--overloaded", "--format", "json").stdout)
    assert [u["unit"] for u in data["units"]] == ["区发改委", "区科技局", "区商务局", "区建设局"]
    assert data["units"][0]["tasks"][0]["task_id"] == "5" and data["units"][0]["documents"][0]["direct_load"] == 7.5


def test_overloaded_says_so_when_none_is(out: Path) -> None:
    res = run(str(out), "--overloaded", "--min-load", "8")
    assert res.exit_code == 0
    assert res.stdout.startswith("没有超负荷的单位 No unit is overloaded.\n")


def test_unit_shows_its_tasks_roles_groups_and_shares(out: Path) -> None:
    res = run(str(out), "--unit", "区市场监管局")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].startswith("区市场监管局  (政府部门 government department; nanjing-gulou; https://")
    assert "直接负荷 direct load 4.03; 含群组负荷 expanded load 5.53" in lines[1]
    assert lines[2] == "结论 verdict: not overloaded"
    assert lines[4].strip().endswith("not in the top 10% by load (rank 5 of 40, cut-off 4.17)")
    table = [line.split() for line in lines[lines.index("") + 3:]]
    assert table[0][:5] == ["7", "gulou_task_decomposition", "牵头", "1.00", "1.00"]
    assert table[1][:6] == ["10", "gulou_task_decomposition", "配合", "各部门", "0.00", "0.50"]
    assert table[-1][:5] == ["合计", "10", "tasks", "4.03", "5.53"]
    # by alias (task 61 writes 市场监管局), the same unit
    assert run(str(out), "--unit", "市场监管局").stdout == res.stdout
    csv_out = run(str(out), "--unit", "区市场监管局", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("序号 no,编号 task_id,") and len(csv_out) == 1 + 10


def test_a_group_name_shows_the_group(out: Path) -> None:
    res = run(str(out), "--unit", "各街道")
    assert res.exit_code == 0, res.output
    assert "not ranked" in res.stdout.splitlines()[2] and "合计       23 tasks" in res.stdout


def test_a_misspelt_unit_is_an_error_with_suggestions(out: Path) -> None:
    res = run(str(out), "--unit", "区科技")
    assert res.exit_code == 2
    assert res.output.strip() == "Error: no unit named 区科技 — did you mean 区科技局?"
    assert "Traceback" not in res.output


def test_export_gexf_has_viz_colours_sizes_and_chinese_labels(out: Path, tmp_path: Path) -> None:
    from kg.analysis.networks import TYPE_COLORS

    target = tmp_path / "c.gexf"
    res = CliRunner().invoke(main, ["export", str(out), "-o", str(target)])
    assert res.exit_code == 0, res.output
    root = ET.parse(target).getroot()
    ns = {"g": root.tag.split("}")[0][1:], "viz": "http://www.gexf.net/1.2draft/viz"}
    nodes = {n.get("label"): n for n in root.iter(f"{{{ns['g']}}}node")}
    fgw, street = nodes["区发改委"], nodes["华侨路街道"]
    color = fgw.find("viz:color", ns)
    assert color is not None and "#{:02x}{:02x}{:02x}".format(
        *(int(color.get(c)) for c in "rgb")) == TYPE_COLORS["GovernmentDepartment"]
    street_color = street.find("viz:color", ns)
    assert "#{:02x}{:02x}{:02x}".format(*(int(street_color.get(c)) for c in "rgb")) == TYPE_COLORS["StreetOffice"]
    size = float(fgw.find("viz:size", ns).get("value"))
    assert size > float(street.find("viz:size", ns).get("value"))  # load 7.5 against 0.5
    assert nx.read_gexf(target).number_of_nodes() == 40


def test_graphml_task_nodes_have_text_and_section(out: Path) -> None:
    B = nx.read_graphml(out / "responsibility.graphml")
    task2 = B.nodes["https://w3id.org/govkg/id/doc/gulou_task_decomposition/task/2"]
    assert task2["label"] == "2" and task2["kind"] == "task"
    assert task2["text"].startswith("重视“从1到100”的科技转化")
    assert task2["section"] == "关于完善创新生态，打造转型升级新引擎"


TWO_REGIONS = """@prefix kg: <https://w3id.org/govkg/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix a: <https://w3id.org/govkg/id/region-a/unit/> .
@prefix b: <https://w3id.org/govkg/id/region-b/unit/> .
@prefix d: <https://w3id.org/govkg/id/doc/> .
a:fgw a kg:Unit , kg:GovernmentDepartment ; skos:prefLabel "市发改委"@zh .
a:kjj a kg:Unit , kg:GovernmentDepartment ; skos:prefLabel "市科技局"@zh .
b:fgw a kg:Unit , kg:GovernmentDepartment ; skos:prefLabel "市发改委"@zh .
d:p1 a kg:TaskPlan ; kg:region "region-a" .
d:p2 a kg:TaskPlan ; kg:region "region-a" .
d:p3 a kg:TaskPlan ; kg:region "region-b" .
d:t1 a kg:Task ; kg:taskNumber "1" ; kg:ordinal 1 ; kg:inDocument d:p1 ; kg:lead a:fgw .
d:t2 a kg:Task ; kg:taskNumber "1" ; kg:ordinal 1 ; kg:inDocument d:p2 ; kg:lead a:fgw , a:kjj .
d:t3 a kg:Task ; kg:taskNumber "（一）" ; kg:ordinal 1 ; kg:inDocument d:p3 ; kg:lead b:fgw ; kg:coLead a:kjj .
"""


def test_two_regions_units_are_two_rows_with_loads_across_documents() -> None:
    s = OxigraphStore()
    s.raw.load(TWO_REGIONS.encode(), format=ox.RdfFormat.TURTLE)
    r = compute_workload(s, WorkloadOptions(min_load=0))
    rows = [(u.unit, u.region, u.load) for u in r.units]
    assert rows == [("市发改委", "region-a", 1.5), ("市发改委", "region-b", 1.0), ("市科技局", "region-a", 1.0)]
    a_fgw = r.units[0]
    assert [(d.document.rsplit("/", 1)[-1], d.direct_load) for d in a_fgw.documents] == [("p1", 1.0), ("p2", 0.5)]
    # a unit's region is its documents' region: 市科技局 of region-a co-leads in region-b's plan
    kjj = r.units[2]
    assert [(t.task_id, t.role, t.document.rsplit("/", 1)[-1]) for t in kjj.tasks] == [
        ("1", "lead", "p2"), ("（一）", "co_lead", "p3")]
    assert r.units[1].reason_en == ("only 3 units of type government department (fewer than 5): no type fence; "
                                    "not in the top 10% by load (rank 2 of 3, cut-off 1.5)")
