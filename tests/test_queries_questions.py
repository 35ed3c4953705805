"""The analysts' questions (issue 15) as canned queries on the example build.

Every expectation is computed here from the plan's text (its closing （…主办，…协办）
clauses), from the build's ``tasks.jsonl`` or from the gazetteer, never from the query
under test.
"""

from __future__ import annotations

import collections
import itertools
import json
import re
from pathlib import Path

import pytest

from kg import queries as Q
from kg.errors import UsageError

from .conftest import PLAN, REPORT

KG = "https://w3id.org/govkg/ns#"
# names the plan writes otherwise than the gazetteer's label
WRITTEN = {"市场监管局": "区市场监管局", "街道": "各街道", "板块": "各板块"}


def run(store, name: str, **params: object) -> list[dict[str, object]]:
    return Q.run_query(store, name, params).dicts()


def clauses() -> dict[str, tuple[list[str], list[str]]]:
    """Task number → (leads, co-leads) as the closing clause writes them."""
    text = PLAN.read_text(encoding="utf-8").replace("(", "（").replace(")", "）").replace(",", "，")
    out = {}
    for t in re.split(r"\n(?=\d+\.)", text):
        m = re.match(r"(\d+)\.", t)
        if not m:
            continue
        lead, co = re.findall(r"（([^（）]*?)主办(?:，([^（）]*?)协办)?）", t)[-1]
        out[m.group(1)] = ([WRITTEN.get(n, n) for n in lead.split("、")],
                           [WRITTEN.get(n, n) for n in co.split("、") if n])
    assert len(out) == 72
    return out


def is_group(name: str) -> bool:
    return name.startswith("各") or "相关" in name


def jsonl(out: Path) -> list[dict]:
    with (out / "tasks.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# ---------------------------------------------------------------------------------------
# 1. top units by lead


def test_lead_counts_limit_keeps_the_ties_at_the_limit(store) -> None:
    leads = collections.Counter(n for lead, _ in clauses().values() for n in lead if not is_group(n))
    rank = {u: 1 + sum(1 for c in leads.values() if c > n) for u, n in leads.items()}
    expected = sorted((r, u, leads[u]) for u, r in rank.items() if r <= 5)
    rows = run(store, "lead_counts", limit="5")
    assert sorted((rank[r["unit"]], r["unit"], r["lead"]) for r in rows) == expected
    assert len(rows) == 6  # 区市场监管局 and 区文旅局 tie for the fifth place: both are listed
    assert [r["unit"] for r in rows][0] == "区发改委"
    assert [r["lead"] for r in rows] == sorted((r["lead"] for r in rows), reverse=True)
    assert len(run(store, "lead_counts", limit="1")) == 1
    assert len(run(store, "lead_counts", limit="2")) == 4  # three units tie for the second place
    everyone = run(store, "lead_counts")
    assert len(everyone) == 53 and len(run(store, "lead_counts", limit="100")) == 53


# ---------------------------------------------------------------------------------------
# 3. what a unit leads and co-leads


def test_unit_tasks_lists_direct_and_group_roles(store, gulou) -> None:
    unit = "区科技局"
    expected = set()
    for task, (lead, co) in clauses().items():
        for role, names in (("lead", lead), ("co_lead", co)):
            for n in names:
                if n == unit:
                    expected.add((task, role, None))
                elif unit in gulou.group_members(n):
                    expected.add((task, role, n))
    rows = run(store, "unit_tasks", unit=unit)
    assert {(r["task"], r["role"], r.get("via_group")) for r in rows} == expected
    assert len(rows) == len(expected) == 12  # 9 direct, and 各部门 on tasks 10, 67, 72
    assert {r["section"] for r in rows if r["task"] == "1"} == {"关于完善创新生态，打造转型升级新引擎"}
    # an alias finds the same rows; a misspelt name is an error
    assert run(store, "unit_tasks", unit="科技局") == rows
    with pytest.raises(UsageError, match="^no unit named 区科技 — did you mean 区科技局[?]$"):
        run(store, "unit_tasks", unit="区科技")


# ---------------------------------------------------------------------------------------
# 4. tasks without co-lead


def test_tasks_without_co_lead(store) -> None:
    expected = {t: lead for t, (lead, co) in clauses().items() if not co}
    rows = run(store, "tasks_without_co_lead")
    assert len(rows) == len(expected) == 36
    assert {r["task"]: r["leads"] for r in rows} == {t: len(lead) for t, lead in expected.items()}
    assert {r["task"]: set(str(r["lead"]).split("、")) for r in rows} == {t: set(v) for t, v in expected.items()}
    # the old single_lead_tasks answer is the rows with one lead
    assert sum(1 for r in rows if r["leads"] == 1) == 23
    assert "5" not in {r["task"] for r in rows}  # 5. …（区发改委主办，区科技局协办）


# ---------------------------------------------------------------------------------------
# 5. pairs sharing most tasks


def test_unit_pairs_match_the_clauses(store) -> None:
    shared: collections.Counter[tuple[str, str]] = collections.Counter()
    both: collections.Counter[tuple[str, str]] = collections.Counter()
    for lead, co in clauses().values():
        units = sorted({n for n in lead + co if not is_group(n)})
        for a, b in itertools.combinations(units, 2):
            shared[(a, b)] += 1
            both[(a, b)] += a in lead and b in lead
    expected = {p: (n, both[p]) for p, n in shared.items() if n >= 2}
    rows = run(store, "unit_pairs")
    assert {(r["unit_a"], r["unit_b"]): (r["shared"], r["both_lead"]) for r in rows} == expected
    assert [r["shared"] for r in rows] == sorted((r["shared"] for r in rows), reverse=True)
    assert {(r["unit_a"], r["unit_b"]) for r in rows[:2]} == {("区建设局", "区文旅局"), ("区科技局", "高新区管委会")}


# ---------------------------------------------------------------------------------------
# 6. a group's tasks and members


def test_group_tasks_and_members(store, gulou) -> None:
    named = {t for t, (lead, co) in clauses().items() if "各街道" in lead + co}
    rows = run(store, "group_tasks", group="各街道")
    assert {r["task"] for r in rows} == named and len(rows) == len(named) == 23
    assert {r["role"] for r in rows} == {"co_lead"} and {r["members"] for r in rows} == {13}
    members = run(store, "group_members", group="各街道")
    assert [r["member"] for r in members] == sorted(gulou.group_members("各街道"))
    assert {(r["type"], r["lead_via_group"], r["co_lead_via_group"]) for r in members} == {("StreetOffice", 0, 23)}
    with pytest.raises(UsageError, match="^no unit group named 街道 — did you mean 各街道"):
        run(store, "group_tasks", group="街道")
    with pytest.raises(UsageError, match="^no unit group named 区发改委"):
        run(store, "group_members", group="区发改委")  # a unit, not a group


# ---------------------------------------------------------------------------------------
# 7. targets: plan vs report vs prior actual


SYMBOL = {"at_least": "≥", "more_than": ">", "at_most": "≤", "about": "≈"}


def shown(ind: dict) -> str:
    value = ind["value"]
    return SYMBOL.get(ind["comparator"], "") + (str(int(value)) if value == int(value) else str(value))


def test_target_comparison_lines_up_the_report(store, example_out: Path) -> None:
    records = jsonl(example_out)
    report = [(i, t) for t in records if t["kind"] == "WorkReport" for i in t["indicators"]]
    expected = {}
    for t in records:
        if t["kind"] != "TaskPlan" or "区发改委" not in {m["unit"] for m in t["lead"]}:
            continue
        for i in t["indicators"]:
            same = [r for r, _ in report if r["metric"] == i["metric"] and r["kind"] == i["kind"] and r["unit"] == i["unit"]]
            expected[(t["id"], i["metric"])] = (
                shown(i),
                {shown(r) for r in same if r["period"] == "target"},
                {shown(r) for r in same if r["period"] == "actual"},
            )
    rows = run(store, "target_comparison", unit="区发改委")

    def split(v: object) -> set[str]:
        return set(str(v).split(" / ")) if v else set()

    got = {(r["task"], r["metric"]): (r["plan_target"], split(r.get("report_target")), split(r.get("prior_actual")))
           for r in rows}
    assert got == expected and len(rows) == 8
    # 11.地区生产总值增长7%; the report: 增长7.5%以上 this year, 增长8% last year (1620亿元 is an amount)
    assert got[("11", "地区生产总值")] == ("7", {"≥7.5"}, {"8"})
    # exact metric: 产业收入 is not 文化产业收入 …
    assert got[("19", "产业收入")] == ("16", set(), set())
    # … unless fuzzy matching is asked for, which names the metric it matched
    fuzzy = {r["metric"]: r for r in run(store, "target_comparison", unit="区发改委", fuzzy="true")}
    assert fuzzy["产业收入"]["report_target"] == "10 (文化产业收入)"
    assert fuzzy["产业收入"]["prior_actual"] == "15 (文化产业收入)"


# ---------------------------------------------------------------------------------------
# 8. report statements without a task


def test_unmatched_statements_are_this_years_commitments(store, example_out: Path) -> None:
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines, 1) if line.strip() == "2020年政府主要工作任务")
    best: dict[str, float] = collections.defaultdict(float)
    for n, score in store.query(
        f"SELECT ?n ?sc WHERE {{ ?s a <{KG}Statement> ; <{KG}taskNumber> ?n ; <{KG}hasLink>/<{KG}score> ?sc }}"
    ).rows:
        best[n.value] = max(best[n.value], float(score.value))
    statements = [t for t in jsonl(example_out) if t["kind"] == "WorkReport"]
    this_year = [t for t in statements if t["line"] >= start]
    assert 0 < len(this_year) < len(statements)

    def commitment(t: dict) -> bool:
        return bool(t["projects"]) or any(i["period"] == "target" for i in t["indicators"])

    rows = run(store, "unmatched_statements")
    expected = [t["id"] for t in this_year if commitment(t) and best[t["id"]] < 0.2]
    assert [r["statement"] for r in rows] == expected and len(expected) == 5
    assert all(r["best_score"] < 0.2 for r in rows)
    # last year's review never counts, whatever the threshold
    everything = run(store, "unmatched_statements", min_score="2", commitments_only="false")
    assert [r["statement"] for r in everything] == [t["id"] for t in this_year]
    # without the commitment filter: greetings, headings and the 抄送 footer have no link
    loose = run(store, "unmatched_statements", min_score="0", commitments_only="false")
    assert [r["statement"] for r in loose] == [t["id"] for t in this_year if best[t["id"]] == 0]
    assert "67" in {r["statement"] for r in loose}  # 抄送：区委各部门…


# ---------------------------------------------------------------------------------------
# metric series: exact by default


def test_metric_series_matches_the_metric_exactly(store, example_out: Path) -> None:
    records = jsonl(example_out)

    def values(pred) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
        return sorted((i["metric"], i["value"]) for t in records for i in t["indicators"] if pred(i["metric"]))

    rows = run(store, "metric_series", metric="产业收入")
    assert sorted((r["metric_name"], r["value"]) for r in rows) == values(lambda m: m == "产业收入")
    fuzzy = run(store, "metric_series", metric="产业收入", fuzzy="true")
    assert sorted((r["metric_name"], r["value"]) for r in fuzzy) == values(lambda m: "产业收入" in m)
    assert {r["metric_name"] for r in fuzzy} == {"产业收入", "文化产业收入"}
    with pytest.raises(UsageError, match="^no metric named 产业 — did you mean "):
        run(store, "metric_series", metric="产业")
    assert run(store, "metric_series", metric="产业", fuzzy="true")
    with pytest.raises(UsageError, match="^no metric name contains 火星"):
        run(store, "metric_series", metric="火星", fuzzy="true")
