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
    assert "not ranked" in groups["各街道"].reason
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
    assert "expanded" in {g.unit: g for g in r.groups}["各街道"].reason
    assert "not expanded" in {g.unit: g for g in r.groups}["区相关部门"].reason
    assert len(r.units) > len(report.units)


def test_overload_rule_and_reason(report) -> None:
    fgw = report.unit("区发改委")
    assert fgw.overloaded
    assert re.search(r"load 7\.5 > fence [\d.]+ of 政府部门 \(Q3 [\d.]+ \+ 1\.5×IQR [\d.]+\)", fgw.reason)
    assert re.search(r"top 10% by load \(rank 1 of \d+, cut-off [\d.]+\)", fgw.reason)
    n = len(report.units)
    flagged_top = [u for u in report.units if "top 10%" in u.reason]
    assert len(flagged_top) >= -(-n // 10)
    # the fence, recomputed
    gov = [u.load for u in report.units if u.type == "GovernmentDepartment"]
    fence, _, _ = tukey_fence(gov, 1.5)
    for u in report.units:
        if u.type == "GovernmentDepartment":
            assert ("fence" in u.reason) == (u.load > fence + 1e-9)
    assert all(not u.reason for u in report.units if not u.overloaded)


def test_concentration(report) -> None:
    lead_load = nx.get_node_attributes(report.collaboration, "lead_load")
    values = [lead_load[u.iri] for u in report.units]
    assert report.gini == pytest.approx(gini(values), abs=1e-6)
    assert 0.2 < report.gini < 0.8
    top5 = sum(sorted(values, reverse=True)[:5]) / sum(values)
    assert report.top5_share == pytest.approx(top5, abs=1e-6)
    assert sum(values) == pytest.approx(72 - 1 * 0.5, abs=1e-4)  # every task has one lead share; 各区属国企集团 is a group


def test_collaboration_network(report) -> None:
    G = report.collaboration
    by_name = {d["label"]: n for n, d in G.nodes(data=True)}
    assert G[by_name["区科技局"]][by_name["高新区管委会"]]["weight"] == 4
    assert G.number_of_nodes() == len(report.units)
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
    assert header[:7] == ["unit", "type", "lead", "co_lead", "load", "overloaded", "reason"]
    assert rows[0]["unit"] == "区发改委" and rows[0]["lead"] == "10" and rows[0]["overloaded"] == "true"
    assert rows[0]["reason"].startswith("load 7.5 > fence")


def test_workload_cli_table_and_options(out: Path) -> None:
    from kg.cli import main

    res = CliRunner().invoke(main, ["workload", str(out), "--top", "4"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["rank", "unit", "type", "lead", "co_lead", "load", "indicators", "projects",
                                "partners", "betweenness", "overloaded"]
    assert lines[2].split()[:6] == ["1", "区发改委", "政府部门", "10", "0", "7.50"]
    assert [line.split()[1] for line in lines[2:6]] == ["区发改委", "区科技局", "区商务局", "区建设局"]
    assert any(line.startswith("Group references") for line in lines)
    res = CliRunner().invoke(main, ["workload", str(out), "--format", "csv", "--expand-groups",
                                    "--lead-weight", "2", "--co-lead-weight", "1"])
    assert res.exit_code == 0
    rows = {r["unit"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
    assert float(rows["区发改委"]["load"]) == 15.0 + 3 * 1.0
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
    rows = list(csv.DictReader((out / "workload.csv").open(encoding="utf-8")))
    assert rows[0]["unit"] == "区发改委" and rows[0]["lead"] == "10"
    wb = load_workbook(out / "responsibility_matrix.xlsx")
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 2
    summary = wb["汇总"]
    assert summary["B2"].value == "区发改委" and summary["D2"].value == 10 and summary.freeze_panes == "C2"
    plan = wb.worksheets[1]
    assert plan.freeze_panes == "F2"
    header = [c.value for c in plan[1]]
    assert header[:5] == ["序号", "章节", "任务", "主办单位（原文）", "协办单位（原文）"]
    assert plan.max_row == 73  # 72 tasks
    task2 = {header[i]: c.value for i, c in enumerate(plan[3])}
    assert task2["序号"] == "2"
    assert task2["区科技局"] == "主办" and task2["高新区管委会"] == "主办"
    assert task2["各街道（群组）"] == "协办" and task2["中央门街道"] == "协办（各街道）"
    counts = collections.Counter(v for row in plan.iter_rows(min_row=2, min_col=6, values_only=True) for v in row if v)
    assert counts["主办"] >= 72
    assert nx.read_graphml(out / "responsibility.graphml").number_of_nodes() > 72
    assert nx.read_gexf(out / "collaboration.gexf").number_of_nodes() == len(rows)


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
    G = collaboration_graph(B, units)
    expected = nx.bipartite.weighted_projected_graph(B, [u for u in units if u in B])
    assert set(G.nodes) == set(units)
    assert {frozenset(e): d["weight"] for *e, d in G.edges(data=True)} == {
        frozenset(e): d["weight"] for *e, d in expected.edges(data=True)
    }
    assert all(d["distance"] == 1.0 / d["weight"] for *_, d in G.edges(data=True))
