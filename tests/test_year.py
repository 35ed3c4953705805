"""A plan's year (kg.extract.year): from its title, its document number (文号) or its issue
date, in that order; never from a task. Lines are from the corpora's documents."""

from __future__ import annotations

import pytest

from kg.extract import extract_document
from kg.extract.year import PlanYear, plan_year
from kg.models import Line, SourceText
from kg.read import read_source

from .conftest import PLAN, REPORT

NO_YEAR_TITLE = "区政府主要工作目标任务分解落实策划方案"


def lines(*texts: str, start: int = 1) -> list[Line]:
    return [Line(start + i, t) for i, t in enumerate(texts)]


@pytest.mark.parametrize(("title", "year"), [
    ("市政府办公室关于印发2021年市政府重点工作任务分解方案的通知", 2021),
    ("三亚市人民政府办公室关于印发《三亚市2021年政府工作报告重点任务分工方案》的通知", 2021),
    ("绵阳市人民政府办公室关于印发2022年《政府工作报告》目标任务责任分工的通知", 2022),
    ("南京市鼓楼区2021—2023年城市更新行动方案", 2021),  # a span: its first year
    ("二〇二一年区政府重点工作任务分解方案", 2021),
])
def test_the_year_of_the_title(title, year):
    assert plan_year(title, lines(title)) == PlanYear(year, "title", 1)


@pytest.mark.parametrize("line", [
    "州政发〔2020〕5号",
    "鼓政办发[2020]88号",
    "鼓政发（2020）12号",
    "文件编号:  长政办发〔2020〕7号 发布机构:  长兴县政府办公室",
    "[ 索引号 ] | 115001130093083510/2024-00007 | [ 发文字号 ] | 木洞府发〔2020〕2号 |",
])
def test_the_year_of_the_document_number(line):
    assert plan_year(NO_YEAR_TITLE, lines(NO_YEAR_TITLE, line)) == PlanYear(2020, "document number", 2)


@pytest.mark.parametrize("line", [
    "2020年5月22日",
    "（2020年12月28日印发）",
    "二〇二〇年十二月二十八日",
    "发文日期: 2020-06-13 发布日期: 2020-06-13",
    "文章来源:灵璧县卫生健康委员会 浏览量: 发表时间:2020-05-07 10:49 责任编辑:卫健委政务公开",
])
def test_the_year_of_the_issue_date(line):
    assert plan_year(NO_YEAR_TITLE, lines(NO_YEAR_TITLE, line)) == PlanYear(2020, "issue date", 2)


def test_the_title_wins_over_the_issue_of_the_year_before():
    """A 2021 plan issued in December 2020 (文号 〔2020〕, dated 2020年12月28日) is a 2021 plan."""
    title = "2021年区政府重点工作任务分解方案"
    doc = lines("鼓政办发〔2020〕88号", title, "（2020年12月28日印发）")
    assert plan_year(title, doc) == PlanYear(2021, "title", 2)
    # without a year in the title: the document number, then the issue date
    assert plan_year(NO_YEAR_TITLE, lines(NO_YEAR_TITLE, "2021年1月5日", "鼓政办发〔2020〕88号")) == PlanYear(
        2020, "document number", 3
    )


@pytest.mark.parametrize("line", [
    # a document number quoted in a sentence names another document
    "根据《南京市人民政府关于印发南京市营商环境提升行动方案的通知》（宁政发〔2019〕5号）精神，制定本方案。",
    # a date inside a sentence is a deadline or an event, not the issue date
    "2021年3月底前完成全部任务。",
    "现在，我代表区人民政府向大会报告2019年工作。",
    "2019年工作回顾",
    # an index number is not a document number
    "索引号:  330522/2023-01775 发文时间:  ",
    # not a year
    "鼓政发〔1800〕3号",
])
def test_lines_that_give_no_year(line):
    assert plan_year(NO_YEAR_TITLE, lines(NO_YEAR_TITLE, line)) is None
    # nor does a title without a year (十四五 is not one)
    assert plan_year("鼓楼区“十四五”城市更新任务分解方案", lines(line)) is None


def test_a_year_inside_a_task_is_not_the_plans_year():
    doc = lines(NO_YEAR_TITLE, "一、任务", "1.加快老旧小区改造，2021年6月底前完成。（区建设局主办）", "2020年5月22日")
    assert plan_year(NO_YEAR_TITLE, doc, skip={3, 4}) is None
    # the signature after the tasks is read
    assert plan_year(NO_YEAR_TITLE, doc, skip={3}) == PlanYear(2020, "issue date", 4)


def source(*texts: str) -> SourceText:
    return SourceText("plan.txt", "plan", tuple(lines(*texts)))


def test_extraction_reads_the_year_after_the_tasks_and_not_in_them():
    doc = extract_document(source(
        "鼓楼区重点工作任务分解方案",
        "一、城市建设",
        "1.加快老旧小区改造，2021年6月底前完成。（区建设局主办）",
        "2.推进城市更新。（区发改委主办）",
        "鼓楼区人民政府",
        "2020年12月28日",
    ), region="nanjing-gulou")
    assert len(doc.tasks) == 2
    assert doc.year == 2020
    assert not [i for i in doc.issues if i.code == "no-year"]


def test_a_plan_without_a_year_is_warned_and_year_given_wins():
    text = ("鼓楼区重点工作任务分解方案", "一、城市建设", "1.加快老旧小区改造，2021年6月底前完成。（区建设局主办）")
    doc = extract_document(source(*text), region="nanjing-gulou")
    assert doc.year is None
    warned = [str(i) for i in doc.issues if i.code == "no-year"]
    assert warned == [
        "plan.txt:1: no year found for this plan (none in its title, a document number such as "
        "〔2021〕12号, or an issue date): its targets have no year; give it with --year"
    ]
    given = extract_document(source(*text), region="nanjing-gulou", year=2022)
    assert given.year == 2022 and not [i for i in given.issues if i.code == "no-year"]
    # the title's year is overridden by the year given (--year)
    titled = extract_document(source("2021年鼓楼区重点工作任务分解方案", *text[1:]), region="nanjing-gulou", year=2022)
    assert titled.year == 2022


def test_the_examples():
    """The bundled plan names no year anywhere (a warning says so); the report's stays 2020."""
    plan = extract_document(read_source(PLAN))
    assert plan.year is None
    assert [(i.line, i.code) for i in plan.issues] == [(1, "no-year")]
    assert extract_document(read_source(REPORT)).year == 2020
