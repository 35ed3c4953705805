"""Workload analysis on the example, checked against counts made by hand from the text."""

from __future__ import annotations

import collections
import csv
import doctest
import io
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import kg.analysis.workload
from kg.analysis.workload import WorkloadOptions, compute_workload, gini, tukey_fence
from kg.store import open_store

from .test_queries import EXAMPLES

PLAN = EXAMPLES / "gulou_task_decomposition.txt"


@pytest.fixture(scope="session")
def out(example_out: Path) -> Path:
    return example_out


@pytest.fixture(scope="session")
def report(store):
    return compute_workload(store)


ALIASES = {"市场监管局": "区市场监管局"}  # task 61 writes it without 区


def hand_counts() -> tuple[collections.Counter[str], dict[str, float]]:
    """Lead counts and default loads read straight from the text: the closing （…主办，…协办）."""
    text = PLAN.read_text(encoding="utf-8").replace("(", "（").replace(")", "）").replace(",", "，")
    tasks = [t for t in re.split(r"\n(?=\d+\.)", text) if re.match(r"\d+\.", t)]
    assert len(tasks) == 72
    leads: collections.Counter[str] = collections.Counter()
    load: dict[str, float] = collections.defaultdict(float)
    for t in tasks:
        clause = re.findall(r"（([^（）]*?)主办(?:，([^（）]*?)协办)?）", t)[-1]
        names = clause[0].split("、")
        for n in names:
            leads[n] += 1
            load[n] += 1.0 / len(names)
        for n in filter(None, clause[1].split("、")):
            load[ALIASES.get(n, n)] += 0.5
    return leads, load


def test_top_lead_counts_match_the_hand_count(report) -> None:
    leads, _ = hand_counts()
    assert leads.most_common(4)[0] == ("区发改委", 10)
    assert {n for n, c in leads.items() if c == 7} == {"区科技局", "区商务局", "区建设局"}
    got = {u.unit: u.lead for u in report.units}
    assert got["区发改委"] == 10
    assert got["区科技局"] == got["区商务局"] == got["区建设局"] == 7
    assert max(c for n, c in got.items() if n not in ("区发改委", "区科技局", "区商务局", "区建设局")) < 7
    for name in ("区发改委", "区科技局", "区商务局", "区建设局", "区城管局", "区卫健委", "区水务局"):
        assert got[name] == leads[name], name


def test_ranking_and_loads(report) -> None:
    _, load = hand_counts()
    top = [u.unit for u in report.units[:4]]
    assert top == ["区发改委", "区科技局", "区商务局", "区建设局"]
    for u in report.units[:12]:
        assert u.load == pytest.approx(load[u.unit], abs=1e-5), u.unit
    loads = [u.load for u in report.units]
    assert loads == sorted(loads, reverse=True)
    fgw = report.unit("区发改委")
    assert fgw.load == 7.5 and fgw.co_lead == 0 and fgw.type == "GovernmentDepartment"
    assert fgw.partners == 9  # 区科技局 高新区管委会 区投促局 华侨路街道 区商务局 鼓楼生态环境局 区水务局 区行政审批局 区市场监管局


def test_options_change_the_weights(store) -> None:
    whole = compute_workload(store, WorkloadOptions(split_shared_lead=False))
    assert whole.unit("区发改委").load == 10.0
    assert whole.unit("区科技局").load == 7 + 2 * 0.5
    heavy = compute_workload(store, WorkloadOptions(lead_weight=2.0, co_lead_weight=1.0))
    assert heavy.unit("区发改委").load == 15.0


def test_groups_are_not_units(report) -> None:
    names = {u.unit for u in report.units}
    assert not names & {"各街道", "各板块", "区相关部门", "相关街道", "各部门"}
    groups = {g.unit: g for g in report.groups}
    assert groups["各街道"].co_lead == 23 and not groups["各街道"].overloaded
    assert groups["各街道"].verdict == "not ranked" and not groups["各街道"].reason
    assert groups["各街道"].reason_en == "group reference (scope all), expanded to its members on 23 tasks (their expanded load)"
    assert groups["各街道"].reason_zh.startswith("群组引用（全体成员），不是单位，不参与排名")
    assert groups["区相关部门"].reason_en == "group reference (scope unknown), not expanded: members unknown or an unnamed subset"
    assert all(d.get("kind") != "group" for _, d in report.collaboration.nodes(data=True))


def test_expanding_groups_gives_each_street_a_share(store, report) -> None:
    r = compute_workload(store, WorkloadOptions(expand_groups=True))
    streets = [u for u in r.units if u.type == "StreetOffice"]
    assert len(streets) == 13
    # 23 tasks name 各街道 (or 街道) as co-lead; 华侨路街道 is also named directly on task 19
    assert all(u.co_lead >= 23 for u in streets)
    assert {u.unit: u.co_lead for u in streets}["华侨路街道"] == 24
    assert r.unit("区发改委").co_lead == 3  # 各部门 on tasks 10, 67, 72
    assert r.unit("区发改委").lead == 10
    assert r.unit("华侨路街道").load == 23 * 0.5 + 0.5
    # ranked by expanded load now, the same units either way
    assert [u.load for u in r.units] == sorted((u.expanded_load for u in report.units), reverse=True)
    assert {u.iri for u in r.units} == {u.iri for u in report.units}


def test_direct_and_expanded_load_side_by_side(report) -> None:
    """Without expansion a street is listed with its direct load (0 unless named) beside
    its expanded load (23 tasks of 各街道 as co-lead)."""
    jiangdong, huaqiao = report.unit("江东街道"), report.unit("华侨路街道")
    assert (jiangdong.load, jiangdong.direct_load, jiangdong.expanded_load) == (0.0, 0.0, 11.5)
    assert (huaqiao.direct_load, huaqiao.expanded_load) == (0.5, 12.0)  # named on task 19
    assert not jiangdong.overloaded and jiangdong.partners == 0
    assert {t.via_group for t in jiangdong.tasks} == {"各街道"} and len(jiangdong.tasks) == 23
    fgw = report.unit("区发改委")
    assert (fgw.direct_load, fgw.expanded_load) == (7.5, 9.0)  # + 各部门 on tasks 10, 67, 72
    via = [t for t in fgw.tasks if t.via_group]
    assert [(t.task_id, t.role, t.via_group, t.direct_share, t.expanded_share) for t in via] == [
        ("10", "co_lead", "各部门", 0.0, 0.5), ("67", "co_lead", "各部门", 0.0, 0.5), ("72", "co_lead", "各部门", 0.0, 0.5)
    ]
    assert sum(t.direct_share for t in fgw.tasks) == pytest.approx(fgw.direct_load)
    (doc,) = fgw.documents
    assert doc.document.endswith("/gulou_task_decomposition") and (doc.direct_load, doc.expanded_load) == (7.5, 9.0)
    assert fgw.region == "nanjing-gulou"


def test_overload_rule_and_reason(report) -> None:
    fgw = report.unit("区发改委")
    assert fgw.overloaded and fgw.verdict == "overloaded"
    assert re.fullmatch(
        r"load 7\.5 > fence [\d.]+ of government department \(Q3 [\d.]+ \+ 1\.5×IQR [\d.]+, 24 units\); "
        r"top 10% by load \(rank 1 of 40, cut-off 4\.17\)", fgw.reason_en)
    assert re.fullmatch(
        r"负荷 7\.5 超过政府部门同类上限 [\d.]+（Q3 [\d.]+ \+ 1\.5×IQR [\d.]+，24 个单位）；"
        r"位列负荷前 10%（第 1 名，共 40 个单位；门槛 4\.17）", fgw.reason_zh)
    assert fgw.reason == fgw.reason_en
    # the top 10% of the 40 units with a load: 4 units, the 4th at 4.17 the cut-off
    assert [u.unit for u in report.units if "top_share" in u.rules] == ["区发改委", "区科技局", "区商务局", "区建设局"]
    assert [u.unit for u in report.units if "fence" in u.rules] == ["区发改委"]
    # the fence, recomputed over the government departments with a load
    gov = [u.load for u in report.units if u.type == "GovernmentDepartment" and u.load > 0]
    fence, _, _ = tukey_fence(gov, 1.5)
    assert len(gov) == 24
    for u in report.units:
        if u.type == "GovernmentDepartment" and u.load >= 3:
            assert ("> fence" in u.reason_en) == (u.load > fence + 1e-9)
    assert all(not u.reason for u in report.units if not u.overloaded)
    assert all(u.reason_zh and u.reason_en for u in report.units)


def test_the_verdicts_that_could_not_be_defended_are_gone(report) -> None:
    """区委政法委 (load 1) is no longer flagged by the fence of the five party departments
    (0.75): below the minimum load; 区市场监管局 (4.03) says why it is not flagged."""
    zfw = report.unit("区委政法委")
    assert not zfw.overloaded and zfw.load == 1.0
    assert zfw.reason_en == "load 1 is below the minimum load 3 for an overload verdict"
    assert zfw.reason_zh == "负荷 1 低于判定超负荷的最低负荷 3"
    sjj = report.unit("区市场监管局")
    assert not sjj.overloaded and sjj.verdict == "not overloaded"
    assert sjj.reason_en.endswith("not in the top 10% by load (rank 5 of 40, cut-off 4.17)")
    assert sjj.reason_en.startswith("not above the fence 6.15 of government department")


def test_a_small_type_gets_no_fence_and_the_guards_are_options(store) -> None:
    """Counter-examples: with the guards off, the old verdict of 区委政法委 comes back;
    with four units of a type the fence is not used and the reason says so."""
    loose = compute_workload(store, WorkloadOptions(min_load=0, top_share=0))
    zfw = loose.unit("区委政法委")
    assert zfw.overloaded and zfw.reason_en.startswith("load 1 > fence 0.75 of party department")
    strict = compute_workload(store, WorkloadOptions(min_load=0, top_share=0, min_type_members=6))
    assert not strict.unit("区委政法委").overloaded
    assert strict.unit("区委政法委").reason_en == "only 5 units of type party department (fewer than 6): no type fence"


def test_ties_at_the_cut_off_are_all_flagged_and_said(store) -> None:
    r = compute_workload(store, WorkloadOptions(expand_groups=True))
    streets = [u for u in r.units if u.type == "StreetOffice"]
    assert all(u.overloaded for u in streets)
    tied = [u for u in streets if u.load == 11.5]
    assert len(tied) == 12
    assert all("ties: 12 units share the cut-off load, all flagged" in u.reason_en for u in tied)
    assert all("并列：12 个单位负荷同为门槛值，均标出" in u.reason_zh for u in tied)
    assert "ties" not in r.unit("华侨路街道").reason_en  # above the cut-off, not tied at it
    assert sum("top_share" in u.rules for u in r.units) == 13  # ⌈0.1 × 53⌉ = 6 without the ties


def test_the_ranking_does_not_depend_on_the_order_the_facts_were_read_in(store) -> None:
    """Ties (same load, same name: a unit of each of two regions) are broken by the IRI, so
    the facts read in reverse order rank every unit the same."""
    import dataclasses

    from kg.analysis.facts import read_facts

    facts = read_facts(store, WorkloadOptions().weights())
    twin = next(f for f in facts.assignments if f.role == "lead")
    other = twin.unit.replace("/unit/", "/unit/zz-")  # another region's unit of the same name
    assert other != twin.unit
    copies = tuple(f._replace(unit=other) for f in facts.assignments if f.unit == twin.unit)
    parties = {**facts.parties, other: dataclasses.replace(facts.parties[twin.unit], iri=other)}
    doubled = dataclasses.replace(facts, assignments=facts.assignments + copies, parties=parties)
    backwards = dataclasses.replace(doubled, assignments=tuple(reversed(doubled.assignments)))
    a, b = compute_workload(store, facts=doubled), compute_workload(store, facts=backwards)
    tied = [u.iri for u in a.units if u.unit == a.unit(facts.parties[twin.unit].label).unit]
    assert len(tied) == 2 and tied == sorted(tied)
    assert [u.iri for u in a.units] == [u.iri for u in b.units]


def test_concentration(report) -> None:
    lead_load = nx.get_node_attributes(report.collaboration, "lead_load")
    values = [lead_load[u.iri] for u in report.units if u.load > 0]
    assert values == [u.lead_load for u in report.units if u.load > 0]
    assert report.gini == pytest.approx(gini(values), abs=1e-6)
    assert 0.2 < report.gini < 0.8
    top5 = sum(sorted(values, reverse=True)[:5]) / sum(values)
    assert report.top5_share == pytest.approx(top5, abs=1e-6)
    assert sum(values) == pytest.approx(72 - 1 * 0.5, abs=1e-4)  # every task has one lead share; 各区属国企集团 is a group


def test_collaboration_network(report) -> None:
    G = report.collaboration
    by_name = {d["label"]: n for n, d in G.nodes(data=True)}
    assert G[by_name["区科技局"]][by_name["高新区管委会"]]["weight"] == 4
    assert G.number_of_nodes() == len([u for u in report.units if u.load > 0]) == 40
    broker = max(report.units, key=lambda u: u.betweenness)
    assert broker.betweenness > 0 and broker.partners >= 5
    assert all(0 <= u.degree <= 1 for u in report.units)


def test_gini_and_fence() -> None:
    assert gini([]) == 0.0 and gini([0, 0]) == 0.0 and gini([5]) == 0.0
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)
    assert tukey_fence([1, 2, 3, 4, 100]) == (7.0, 4.0, 2.0)


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(kg.analysis.workload)
    assert tried >= 5 and failures == 0


def test_workload_cli_csv(out: Path) -> None:
    from kg.cli import main

    res = CliRunner().invoke(main, ["workload", str(out), "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    header = res.stdout.splitlines()[0].split(",")
    assert header[:13] == ["rank", "unit", "type", "region", "lead", "co_lead", "load", "direct_load", "expanded_load",
                           "overloaded", "verdict", "reason_zh", "reason_en"]
    assert not res.stdout.startswith("\ufeff")  # stdout stays plain: the BOM is for the files of a build
    assert rows[0]["unit"] == "区发改委" and rows[0]["lead"] == "10" and rows[0]["overloaded"] == "true"
    assert rows[0]["rank"] == "1" and rows[0]["region"] == "nanjing-gulou"
    assert (rows[0]["direct_load"], rows[0]["expanded_load"]) == ("7.5", "9.0")
    assert rows[0]["reason_en"].startswith("load 7.5 > fence") and rows[0]["reason_zh"].startswith("负荷 7.5 超过")


def test_workload_cli_table_and_options(out: Path) -> None:
    from kg.cli import main

    res = CliRunner().invoke(main, ["workload", str(out), "--top", "4"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["排名", "rank", "单位", "unit", "类型", "type", "地区", "region", "牵头", "lead", "配合",
                                "co_lead", "直接负荷", "direct", "含群组负荷", "expanded", "指标", "indicators", "项目",
                                "projects", "合作单位数", "partners", "中介中心度", "betweenness", "超负荷", "overloaded"]
    assert lines[2].split()[:8] == ["1", "区发改委", "政府部门", "nanjing-gulou", "10", "0", "7.50", "9.00"]
    assert [line.split()[1] for line in lines[2:6]] == ["区发改委", "区科技局", "区商务局", "区建设局"]
    assert lines[7].split()[:6] == ["合计", "4", "units", "31", "4", "21.37"]  # 7.5 + 5.33 + 4.37 + 4.17
    assert any(line.startswith("群组引用") and "Group references" in line for line in lines)
    res = CliRunner().invoke(main, ["workload", str(out), "--format", "csv", "--expand-groups",
                                    "--lead-weight", "2", "--co-lead-weight", "1"])
    assert res.exit_code == 0
    rows = {r["unit"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
    assert float(rows["区发改委"]["load"]) == 15.0 + 3 * 1.0
    assert float(rows["区发改委"]["direct_load"]) == 15.0
    res = CliRunner().invoke(main, ["workload", str(out.parent / "nope")])
    assert res.exit_code == 2 and "not a kg build folder" in res.output


def test_export_graphml_and_gexf(out: Path, tmp_path: Path) -> None:
    from kg.cli import main

    g1 = tmp_path / "c.graphml"
    res = CliRunner().invoke(main, ["export", str(out), "--format", "graphml", "-o", str(g1)])
    assert res.exit_code == 0, res.output
    G = nx.read_graphml(g1)
    labels = {d["label"] for _, d in G.nodes(data=True)}
    assert "区发改委" in labels and G.number_of_edges() > 0
    assert all("weight" in d for _, _, d in G.edges(data=True))
    g2 = tmp_path / "r.gexf"
    res = CliRunner().invoke(main, ["export", str(out), "--network", "responsibility", "-o", str(g2)])
    assert res.exit_code == 0, res.output
    B = nx.read_gexf(g2)
    assert B.number_of_nodes() > 72
    res = CliRunner().invoke(main, ["export", str(out), "-o", str(tmp_path / "x.txt")])
    assert res.exit_code == 2 and "graphml or gexf" in res.output


def test_build_writes_the_workload_artifacts(out: Path) -> None:
    from openpyxl import load_workbook

    from kg.analysis.workload_outputs import FILES

    for name in FILES:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    # UTF-8 with BOM: Excel on a Chinese Windows reads the CSV files as UTF-8
    for name in ("workload.csv", "assignments.csv"):
        assert (out / name).read_bytes().startswith(b"\xef\xbb\xbf"), name
    rows = list(csv.DictReader((out / "workload.csv").open(encoding="utf-8-sig")))
    assert rows[0]["unit"] == "区发改委" and rows[0]["lead"] == "10" and rows[0]["rank"] == "1"
    wb = load_workbook(out / "responsibility_matrix.xlsx")
    assert wb.sheetnames == ["汇总", "区政府主要工作目标任务分解落实策划方案", "任务分工"]
    summary = wb["汇总"]
    head = [c.value for c in summary[1]]
    assert head[:10] == ["排名", "单位", "类型", "地区", "牵头（任务数）", "配合（任务数）", "负荷", "直接负荷", "含群组负荷", "牵头负荷"]
    assert summary["B2"].value == "区发改委" and summary["E2"].value == 10 and summary.freeze_panes == "C2"
    total = next(r for r in summary.iter_rows(values_only=True) if r[0] == "合计")
    assert total[1] == f"{len(rows)} 个单位" and total[7] == 76.5 and total[14] == 4
    plan = wb.worksheets[1]
    assert plan.freeze_panes == "G2"
    header = [c.value for c in plan[1]]
    assert header[:6] == ["序号", "编号", "章节", "任务", "牵头单位（原文）", "配合单位（原文）"]
    assert plan.max_row == 74  # 72 tasks and 合计
    task2 = {header[i]: c.value for i, c in enumerate(plan[3])}
    assert task2["序号"] == 2 and task2["编号"] == "2"  # a number that sorts as one, beside the id as written
    assert task2["区科技局"] == "牵头" and task2["高新区管委会"] == "牵头"
    assert task2["各街道（群组）"] == "配合" and task2["中央门街道"] == "配合（各街道）"
    assert task2["配合单位（原文）"] == "区相关部门、街道、板块"
    counts = collections.Counter(v for row in plan.iter_rows(min_row=2, max_row=73, min_col=7, values_only=True)
                                 for v in row if v)
    assert counts["牵头"] >= 72 and not counts["主办"]
    last = [c.value for c in plan[74]]
    assert last[0] == "合计" and last[header.index("区发改委")] == 10 + 3  # 10 led, 3 via 各部门
    long = wb["任务分工"]
    long_head = [c.value for c in long[1]]
    assert long_head == ["序号 no", "编号 task_id", "章节 section", "任务 task", "单位 unit", "类型 type", "角色 role",
                         "经由群组 via_group", "直接份额 direct_share", "含群组份额 expanded_share", "文件 document",
                         "地区 region"]
    body = list(long.iter_rows(min_row=2, values_only=True))
    assert body[-1][0] == "合计" and body[-1][8] == 76.5 and body[-1][9] == 294.0
    assert nx.read_graphml(out / "responsibility.graphml").number_of_nodes() > 72
    assert nx.read_gexf(out / "collaboration.gexf").number_of_nodes() == len([r for r in rows if float(r["load"]) > 0])


def test_assignments_table_sums_to_the_loads(out: Path, report) -> None:
    """The long table pivots back to the ranking: per unit, Σ direct_share = direct load."""
    rows = list(csv.DictReader((out / "assignments.csv").open(encoding="utf-8-sig")))
    direct: dict[str, float] = collections.defaultdict(float)
    expanded: dict[str, float] = collections.defaultdict(float)
    for r in rows:
        direct[r["单位 unit"]] += float(r["直接份额 direct_share"])
        expanded[r["单位 unit"]] += float(r["含群组份额 expanded_share"])
    for u in report.units:
        assert direct[u.unit] == pytest.approx(u.direct_load, abs=1e-4), u.unit
        assert expanded[u.unit] == pytest.approx(u.expanded_load, abs=1e-4), u.unit
    first = rows[0]
    assert (first["序号 no"], first["编号 task_id"], first["单位 unit"], first["角色 role"]) == ("1", "1", "区科技局", "牵头")
    assert first["类型 type"] == "政府部门" and first["文件 document"] == "gulou_task_decomposition"
    street = next(r for r in rows if r["单位 unit"] == "江东街道")
    assert (street["经由群组 via_group"], street["角色 role"], street["直接份额 direct_share"]) == ("各街道", "配合", "0.0")
    assert not {r["单位 unit"] for r in rows} & {"各街道", "各板块", "区相关部门"}  # groups have no rows, their members do


def test_a_build_without_task_plan_has_an_empty_ranking(tmp_path):
    """Regression: a work report alone crashed the collaboration projection."""
    from kg.analysis.workload import compute_workload
    from kg.pipeline import build

    out = tmp_path / "out"
    build([Path(__file__).resolve().parent.parent / "examples" / "gulou_2020_work_report.txt"], out)
    report = compute_workload(open_store(out))
    assert report.units == [] and report.collaboration.number_of_nodes() == 0


def test_collaboration_graph_is_networkx_weighted_projection() -> None:
    """The pair counting of collaboration_graph gives what networkx's projection gives."""
    import random

    import networkx as nx

    from kg.analysis.workload import collaboration_graph

    rng = random.Random(7)
    units = [f"u{i}" for i in range(40)]
    B = nx.Graph()
    for t in range(300):
        for u in rng.sample(units[:35], rng.randint(1, 5)):  # u35..u39 are on no task
            B.add_edge(f"t{t}", u)
    G = collaboration_graph({u: list(B[u]) if u in B else [] for u in units})
    expected = nx.bipartite.weighted_projected_graph(B, [u for u in units if u in B])
    assert set(G.nodes) == set(units)
    assert {frozenset(e): d["weight"] for *e, d in G.edges(data=True)} == {
        frozenset(e): d["weight"] for *e, d in expected.edges(data=True)
    }
    assert all(d["distance"] == 1.0 / d["weight"] for *_, d in G.edges(data=True))


def test_the_network_files_carry_the_weight_not_the_betweenness_edge_length(tmp_path: Path) -> None:
    """``distance`` (1/weight) is for the betweenness computation only: in the graph, not
    in the GraphML or GEXF files, which keep every other attribute."""
    from kg.analysis.networks import collaboration_graph, write_network

    G = collaboration_graph({"a": ["t1", "t2"], "b": ["t1", "t2"], "c": ["t2"]})
    G.nodes["a"].update(label="区发改委", type="GovernmentDepartment", load=1.5)
    assert G["a"]["b"] == {"weight": 2, "distance": 0.5}
    write_network(G, tmp_path / "c.graphml")
    write_network(G, tmp_path / "c.gexf")
    for H in (nx.read_graphml(tmp_path / "c.graphml"), nx.read_gexf(tmp_path / "c.gexf")):
        assert {tuple(sorted(e)): d["weight"] for *e, d in H.edges(data=True)} == {("a", "b"): 2, ("a", "c"): 1, ("b", "c"): 1}
        assert all("distance" not in d for *_, d in H.edges(data=True))
    assert nx.read_graphml(tmp_path / "c.graphml").nodes["a"] == {"label": "区发改委", "type": "GovernmentDepartment", "load": 1.5}


def test_the_responsibility_graph_is_made_on_first_use_once(store) -> None:  # type: ignore[no-untyped-def]
    """The ranking does not make the task–unit graph; the first use does, once, with every
    task of the ranked load, its carrying units and the group references."""
    report = compute_workload(store)
    assert "responsibility" not in vars(report)  # not made by the ranking
    B = report.responsibility
    assert report.responsibility is B and vars(report)["responsibility"] is B
    kinds = collections.Counter(d["kind"] for _, d in B.nodes(data=True))
    groups = [g.iri for g in report.groups]
    assert kinds["unit"] == sum(1 for u in report.units if u.load > 0) and kinds["group"] == len(groups)
    assert sorted(report.group_order) == sorted(groups)
    assert kinds["task"] == report.tasks  # every task of the example plan has a lead
    tasks = [n for n, d in B.nodes(data=True) if d["kind"] == "task"]
    number = {n: int(B.nodes[n]["label"].split("-")[0]) for n in tasks}
    assert [number[n] for n in tasks] == sorted(number.values())  # in document order
    led = next(u for u in report.units if u.lead > 1)
    assert sorted(t for t in B[led.iri]) == sorted(t.task for t in led.tasks if t.direct_role)
    assert {B.edges[t.task, led.iri]["role"] for t in led.tasks if t.direct_role} <= {"lead", "co_lead"}
    assert B.number_of_edges() == sum(
        sum(1 for t in u.tasks if t.direct_role) for u in report.units if u.load > 0
    ) + sum(len(g.tasks) for g in report.groups)


@pytest.mark.parametrize("expand", [False, True])
def test_the_collaboration_network_is_the_projection_of_the_responsibility_graph(store, expand: bool) -> None:  # type: ignore[no-untyped-def]
    """Counted from each unit's ranked tasks, without the task–unit graph, the network is
    networkx's weighted projection of that graph onto the units with a load."""
    report = compute_workload(store, WorkloadOptions(expand_groups=expand))
    carrying = [u.iri for u in report.units if u.load > 0]
    B = report.responsibility
    tasks = [n for n, d in B.nodes(data=True) if d["kind"] == "task"]
    expected = nx.bipartite.weighted_projected_graph(B.subgraph(tasks + carrying), carrying)  # (without the groups)
    G = report.collaboration
    assert list(G) == carrying
    assert {frozenset(e): d["weight"] for *e, d in G.edges(data=True)} == {
        frozenset(e): d["weight"] for *e, d in expected.edges(data=True)
    }
    assert G.number_of_edges() > 50 and max(d["weight"] for *_, d in G.edges(data=True)) > 1
