"""Report statements linked to decomposition tasks, and the lead units inferred from them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kg.extract import extract_document
from kg.extract.linking import infer_units, link_statements, stopwords, tokens
from kg.extract.mentions import past_sections
from kg.read import read_source

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "examples" / "gulou_task_decomposition.txt"
REPORT = ROOT / "examples" / "gulou_2020_work_report.txt"


@cache
def plan():
    return extract_document(read_source(str(PLAN)))


@cache
def report():
    return extract_document(read_source(str(REPORT)))


@cache
def links():
    return tuple(link_statements(report(), [plan()]))


def statement(fragment: str) -> int:
    return next(t.ordinal for t in report().tasks if fragment in t.text)


def task(number: str) -> int:
    return next(t.ordinal for t in plan().tasks if t.number == number)


def linked(fragment: str) -> list[int]:
    s = statement(fragment)
    return [link.task for link in links() if link.statement == s]


def test_tokens_drop_stopwords_numbers_and_punctuation() -> None:
    toks = tokens("全面落实各类就业政策，确保新增城镇就业2.8万人。")
    assert "就业" in toks and "政策" in toks
    assert not {"全面", "确保", "各类", "2.8", "，", "。"} & set(toks)
    assert "的" in stopwords() and "主办" in stopwords()


def test_employment_statement_links_to_the_employment_task() -> None:
    # report: 完善就业服务体系…努力实现全年城镇新增就业2.68万人 ↔ plan task 45
    assert linked("城镇新增就业2.68万人")[0] == task("45")


def test_other_statements_link_to_their_tasks() -> None:
    assert task("4") in linked("全面激发创新企业潜能")  # 高新技术企业 ↔ 高企突破600家
    assert task("35") in linked("切实狠抓大气管控")  # 大气污染防治
    assert task("42") in linked("提升城市管理水平")  # 垃圾分类
    assert task("33") in linked("全面落实长江大保护")  # 大桥公园段
    main_targets = linked("今年全区国民经济和社会发展的主要预期目标")
    assert set(main_targets) & {task(n) for n in ("11", "12", "13", "14")}


def test_only_target_statements_are_linked() -> None:
    past = past_sections(report().sections, report().year)
    by_ordinal = {t.ordinal: t for t in report().tasks}
    assert links()
    assert all(by_ordinal[link.statement].section not in past for link in links())


def test_links_are_scored_bounded_and_ordered() -> None:
    ls = links()
    assert all(0.1 <= link.score <= 1.0 for link in ls)
    assert all(link.report == report().name and link.plan == plan().name for link in ls)
    keys = [(link.statement, -link.score, link.task) for link in ls]
    assert keys == sorted(keys)
    per_statement: dict[int, int] = {}
    for link in ls:
        per_statement[link.statement] = per_statement.get(link.statement, 0) + 1
    assert max(per_statement.values()) <= 3


def test_linking_is_deterministic_and_respects_parameters() -> None:
    again = link_statements(report(), [plan()])
    assert tuple(again) == links()
    one = link_statements(report(), [plan()], top_k=1, min_score=0.3)
    assert all(link.score >= 0.3 for link in one)
    assert len({link.statement for link in one}) == len(one)


def test_infer_units_from_the_linked_tasks_leads() -> None:
    units = infer_units(list(links()), [plan()])
    jobs = units[statement("城镇新增就业2.68万人")]
    assert jobs[0][0] == "区人社局"
    assert jobs == sorted(jobs, key=lambda x: (-x[1], x[0]))
    city = units[statement("提升城市管理水平")]
    assert city[0][0] == "区城管局"
    # weights are the summed scores of the links whose task the unit leads
    s = statement("城镇新增就业2.68万人")
    lead_45 = {m.unit for m in next(t for t in plan().tasks if t.number == "45").responsibility.lead}
    score_45 = next(link.score for link in links() if link.statement == s and link.task == task("45"))
    assert dict(jobs)["区人社局"] >= score_45 and "区人社局" in lead_45


def test_no_links_for_an_empty_plan_list() -> None:
    assert link_statements(report(), []) == []
    assert infer_units([], [plan()]) == {}
