"""kg diff (kg.analysis.diff, kg.cli.diff): responsibility moved, gained and lost between
two builds; a unit renamed through its profile's aliases is not a move."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.analysis.diff import TaskRow, diff_builds, diff_tasks, match_tasks, normalised_text
from kg.cli import main
from kg.pipeline import BuildOptions, build

from .conftest import PLAN

GRAPH_ONLY = BuildOptions(artifacts=False)
# the example plan's name in build A, and the copy's in build B
A, B = "gulou_task_decomposition", "gulou_2021_plan"


def edited_plan(folder: Path) -> Path:
    """The example plan for 2021: task 3's lead moved from 区科技局 to 区投促局, task 7's from
    区市场监管局 to 区商务局, and task 8's lead 区金融监管局 written by its former name 区金融办."""
    text = PLAN.read_text(encoding="utf-8")
    for old, new in [
        ("孵化器3家。(区科技局主办,各街道、板块协办)", "孵化器3家。(区投促局主办,各街道、板块协办)"),
        ("市长质量奖。(区市场监管局主办)", "市长质量奖。(区商务局主办)"),
        ("融资服务。(区金融监管局主办,区科技局协办)", "融资服务。(区金融办主办,区科技局协办)"),
        ("区政府主要工作目标任务分解落实策划方案\n", "2021年区政府主要工作目标任务分解落实策划方案\n"),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{B}.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("diff")
    build([PLAN], base / "a", GRAPH_ONLY)
    build([edited_plan(base / "in")], base / "b", GRAPH_ONLY)
    return base / "a", base / "b"


EXPECTED_MOVES = [
    (f"{A}#3", f"{B}#3", "lead", ("区科技局",), ("区投促局",)),
    (f"{A}#7", f"{B}#7", "lead", ("区市场监管局",), ("区商务局",)),
]


def test_two_moved_leads_are_exactly_the_moves(builds):
    d = diff_builds(*builds)
    assert [(m.old, m.new, m.role, m.from_units, m.to_units) for m in d.moves] == EXPECTED_MOVES
    assert (len(d.matched), d.new, d.dropped) == (72, [], [])
    # every task is matched to the task of the same number
    assert all(a.split("#")[1] == b.split("#")[1] for a, b, _ in d.matched)
    assert [(u.unit, u.role, u.gained, u.lost) for u in d.units] == [
        ("区商务局", "lead", (f"{B}#7",), ()),
        ("区市场监管局", "lead", (), (f"{A}#7",)),
        ("区投促局", "lead", (f"{B}#3",), ()),
        ("区科技局", "lead", (), (f"{A}#3",)),
    ]
    # 区金融办 is 区金融监管局 by the profile's aliases: task 8 did not move
    assert not [m for m in d.moves if m.new == f"{B}#8"]
    assert d.years == ([], [2021])


def test_a_build_made_before_the_rename_was_known(builds, tmp_path):
    """An old build whose three tasks of 区金融监管局 are led by 区金融办 as a unit of its own
    (its profile did not yet know the alias): the current profile maps it to 区金融监管局,
    listed as renamed, and none of the three moved."""
    old = tmp_path / "old"
    shutil.copytree(builds[0], old)
    tasks = (old / "tasks.jsonl").read_text(encoding="utf-8")
    record = '"lead": [{"name": "区金融监管局", "unit": "区金融监管局"}]'
    assert tasks.count(record) == 3
    (old / "tasks.jsonl").write_text(
        tasks.replace(record, '"lead": [{"name": "区金融办", "unit": "区金融办"}]'), encoding="utf-8"
    )
    d = diff_builds(old, builds[1])
    assert [(m.old, m.new, m.role, m.from_units, m.to_units) for m in d.moves] == EXPECTED_MOVES
    assert d.renamed == {"区金融办": "区金融监管局"}
    assert "区金融监管局" not in {u.unit for u in d.units}


def test_the_same_build_has_no_change(builds):
    d = diff_builds(builds[0], builds[0])
    assert (len(d.matched), d.moves, d.units, d.new, d.dropped, d.renamed) == (72, [], [], [], [], {})


def row(doc: str, number: str, text: str, lead: tuple[str, ...] = (), co_lead: tuple[str, ...] = (),
        region: str = "nanjing-gulou") -> TaskRow:
    return TaskRow(doc, number, text, region, None, lead, co_lead, (*lead, *co_lead))


def test_the_responsibility_clause_and_unit_names_are_not_compared():
    a = row("p", "5", "深入实施“小升高”“高升规”计划，加大“专精特新”培育力度。（区发改委主办，区科技局协办）",
            ("区发改委",), ("区科技局",))
    assert normalised_text(a) == "深入实施小升高高升规计划加大专精特新培育力度"
    b = row("q", "5", "深入实施“小升高”“高升规”计划，加大“专精特新”培育力度。（区工信局牵头，区科技局配合）",
            ("区工信局",), ("区科技局",))
    assert normalised_text(b) == normalised_text(a)


def test_renumbered_new_and_dropped_tasks():
    old = [
        row("p2020", "1", "推进城市更新，完成老旧小区改造20个。（区建设局主办）", ("区建设局",)),
        row("p2020", "2", "地区生产总值增长7%。（区发改委主办）", ("区发改委",)),
        row("p2020", "3", "加强基层治理，推进网格化服务管理。（区委政法委主办，各街道协办）", ("区委政法委",), ("各街道",)),
    ]
    new = [
        # task 1 is now task 2 (renumbered, same text): matched, nothing moved
        row("p2021", "2", "推进城市更新，完成老旧小区改造20个。（区建设局主办）", ("区建设局",)),
        # a different task under the number 1: not the same task
        row("p2021", "1", "优化营商环境，推进“一件事一次办”改革。（区行政审批局主办）", ("区行政审批局",)),
        # task 3 with a co-lead added, and its text slightly edited
        row("p2021", "3", "加强基层治理，深化网格化服务管理。（区委政法委主办，各街道、区民政局协办）",
            ("区委政法委",), ("各街道", "区民政局")),
    ]
    d = diff_tasks(old, new)
    assert [(a, b) for a, b, _ in d.matched] == [("p2020#1", "p2021#2"), ("p2020#3", "p2021#3")]
    assert (d.new, d.dropped, d.moves) == (["p2021#1"], ["p2020#2"], [])
    assert [(u.unit, u.role, u.gained, u.lost) for u in d.units] == [
        ("区发改委", "lead", (), ("p2020#2",)),
        ("区民政局", "co_lead", ("p2021#3",), ()),
        ("区行政审批局", "lead", ("p2021#1",), ()),
    ]


def test_tasks_of_another_region_are_not_matched():
    old = [row("p", "1", "推进城市更新，完成老旧小区改造20个。（区建设局主办）", ("区建设局",))]
    new = [row("q", "1", "推进城市更新，完成老旧小区改造20个。（区建设局主办）", ("区建设局",), region="generic")]
    assert match_tasks(old, new) == []


def test_cli_table_csv_and_json(builds):
    a, b = map(str, builds)
    runner = CliRunner()
    r = runner.invoke(main, ["diff", a, b])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "Tasks: 72 matched, 0 new, 0 dropped (plans of year unknown → 2021)"
    assert lines[1] == "Responsibility moved (2):"
    assert lines[3].split()[:5] == ["lead", "区科技局", "区投促局", f"{A}#3", f"{B}#3"]
    assert lines[4].split()[:5] == ["lead", "区市场监管局", "区商务局", f"{A}#7", f"{B}#7"]
    assert lines[5] == "Units that gained or lost tasks (4):"

    r = runner.invoke(main, ["diff", a, b, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert [(x["change"], x["from"], x["to"], x["task_a"], x["task_b"]) for x in rows if x["change"] == "moved"] == [
        ("moved", "区科技局", "区投促局", f"{A}#3", f"{B}#3"),
        ("moved", "区市场监管局", "区商务局", f"{A}#7", f"{B}#7"),
    ]
    assert sorted((x["change"], x["unit"]) for x in rows if x["change"] != "moved") == [
        ("gained", "区商务局"), ("gained", "区投促局"), ("lost", "区市场监管局"), ("lost", "区科技局"),
    ]

    r = runner.invoke(main, ["diff", a, b, "--format", "json"])
    data = json.loads(r.output)
    assert [[m["from_units"], m["to_units"]] for m in data["moves"]] == [[["区科技局"], ["区投促局"]], [["区市场监管局"], ["区商务局"]]]
    assert (data["matched"], data["renamed"], data["years"]) == (72, {}, {"a": [], "b": [2021]})


def test_cli_a_folder_that_is_no_build(builds, tmp_path):
    r = CliRunner().invoke(main, ["diff", str(builds[0]), str(tmp_path)])
    assert r.exit_code == 2
    assert r.output.startswith(f"Error: {tmp_path}: not a kg build folder")
