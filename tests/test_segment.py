"""Segmentation: sections, numbered tasks of every style, multi-paragraph tasks."""

from __future__ import annotations

import pytest

from kg.extract import extract_document
from kg.models import DocumentKind, Line, SourceText
from kg.read import read_source
from kg.read.text import lines_from_text
from kg.text.numbering import column_meaning, number_of

from .conftest import PLAN


def doc_from(text: str, region: str | None = "nanjing-gulou"):
    src = SourceText("mem.txt", "mem", lines_from_text(text))
    return extract_document(src, region=region)


def test_example_has_72_tasks_in_7_sections():
    d = extract_document(read_source(PLAN))
    assert [t.number for t in d.tasks] == [str(i) for i in range(1, 73)]
    assert len(d.sections) == 7
    assert d.sections[0].title == "关于完善创新生态,打造转型升级新引擎".replace(",", "，")
    assert d.tasks[10].section == 2 and d.tasks[10].line == 15


def test_multi_paragraph_tasks_keep_all_paragraphs_and_the_final_clause():
    d = extract_document(read_source(PLAN))
    t25 = d.tasks[24]
    assert t25.number == "25" and t25.line == 30
    assert t25.text.count("\n") == 3  # four paragraphs
    assert "博西家电中国总部大楼" in t25.text
    assert [m.name for m in t25.responsibility.lead] == ["高新区管委会"]
    t45 = d.tasks[44]
    assert "宁聚计划" in t45.text and t45.text.startswith("全面落实各类就业政策")


def test_trailing_boilerplate_is_not_task_text():
    d = extract_document(read_source(PLAN))
    assert "推荐访问" not in d.tasks[-1].text


def test_styles_and_section_headings():
    text = "\n".join([
        "某区2021年重点工作任务分解",
        "一、经济发展",
        "（一）科技创新",
        "1、推进科技创新。（区科技局主办）",
        "2、加快人才集聚。（区人社局主办，各街道协办）",
        "（二）招商引资",
        "1、深化招商突破年活动。（区投促局主办）",
        "二、社会事业",
        "1、提升办学条件。（区教育局主办）",
    ])
    d = doc_from(text)
    assert [t.number for t in d.tasks] == ["1", "2", "1", "1"]
    titles = {s.ordinal: s.title for s in d.sections}
    assert [titles[t.section] for t in d.tasks] == ["科技创新", "科技创新", "招商引资", "社会事业"]
    sub = next(s for s in d.sections if s.title == "招商引资")
    assert titles[sub.parent] == "经济发展"


def test_parenthesised_numbers_number_tasks_when_they_carry_the_clauses():
    text = "\n".join([
        "一、城市建设",
        "（1）完成老旧小区改造80万平方米。（区房产局主办，相关街道协办）",
        "（2）新建游园绿地5000平方米。（区建设局主办）",
        "（3）完成2处积淹水片区整治。（区水务局主办）",
    ])
    d = doc_from(text)
    assert [t.number for t in d.tasks] == ["1", "2", "3"]
    assert [t.responsibility.lead[0].name for t in d.tasks] == ["区房产局", "区建设局", "区水务局"]


def test_sub_points_fold_into_their_task_when_the_clause_closes_the_task():
    text = "\n".join([
        "一、安全发展",
        "1.强化安全生产：",
        "（1）开展消防专项整治；",
        "（2）开展燃气专项整治。",
        "（区应急管理局主办，各街道协办）",
        "2.加强食品药品监管。（区市场监管局主办）",
    ])
    d = doc_from(text)
    assert [t.number for t in d.tasks] == ["1", "2"]
    assert "燃气专项整治" in d.tasks[0].text
    assert [m.name for m in d.tasks[0].responsibility.co_lead] == ["各街道"]


def test_numbering_restarting_per_section_keeps_every_task():
    text = "一、甲\n1.任务甲一。（区发改委主办）\n2.任务甲二。（区科技局主办）\n二、乙\n1.任务乙一。（区商务局主办）"
    d = doc_from(text)
    assert len(d.tasks) == 3
    assert not [i for i in d.issues if i.code == "duplicate-number"]


def test_duplicate_numbers_in_a_section_are_kept_and_reported():
    text = "一、甲\n1.任务一。（区发改委主办）\n1.任务一又一次。（区科技局主办）"
    d = doc_from(text)
    assert len(d.tasks) == 2
    assert [i.line for i in d.issues if i.code == "duplicate-number"] == [3]


def test_number_of():
    assert number_of("1.地区生产总值增长7%。") == ("ar_dot", "1", "地区生产总值增长7%。")
    assert number_of("12、提升") == ("ar_dot", "12", "提升")
    assert number_of("（十二）提升")[0:2] == ("cn_paren", "十二")
    assert number_of("第三部分 保障措施")[0:2] == ("chapter", "三")
    assert number_of("2.8万人就业") is None
    assert number_of("2020年目标") is None
    assert number_of("5G网络") is None


def test_table_rows_flattened_with_a_header():
    text = "\n".join([
        "序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限",
        "1 | 推进数字政府建设 | 区发改委 | 区行政审批局、各街道 | 2021年6月底前",
        "2 | 完善社会救助体系 | 区民政局 | 区财政局 | 长期坚持",
    ])
    d = doc_from(text)
    assert [t.number for t in d.tasks] == ["1", "2"]
    r = d.tasks[0].responsibility
    assert [m.name for m in r.lead] == ["区发改委"]
    assert [m.name for m in r.co_lead] == ["区行政审批局", "各街道"]
    assert r.deadline == "2021年6月底前"
    assert d.tasks[1].responsibility.deadline == "长期坚持"


def test_table_rows_with_tabs_and_only_a_responsible_column():
    text = "序号\t重点任务\t责任单位\t完成时限\n1\t推进数字政府建设。\t区发改委、区财政局\t2021年底"
    d = doc_from(text)
    r = d.tasks[0].responsibility
    assert [m.name for m in r.lead] == ["区发改委", "区财政局"] and r.co_lead == ()


def test_table_rows_whose_separators_were_lost():
    text = "\n".join([
        "序号 工作任务 牵头单位 责任单位 完成时限",
        "1推进数字政府建设。区发改委区行政审批局、各街道2021年6月底前",
    ])
    d = doc_from(text)
    r = d.tasks[0].responsibility
    assert [m.name for m in r.lead] == ["区发改委"]
    assert [m.name for m in r.co_lead] == ["区行政审批局", "各街道"]
    assert r.deadline == "2021年6月底前"


def test_column_meanings():
    assert column_meaning("主办单位") == "lead"
    assert column_meaning("协办单位") == "co_lead"
    assert column_meaning("责任部门") == "responsible"
    assert column_meaning("责任单位（配合单位）") == "co_lead"
    assert column_meaning("工作任务") == "task"
    assert column_meaning("序号") == "number"


def test_task_without_clause_is_kept_and_reported():
    d = doc_from("一、甲\n1.任务一。（区发改委主办）\n2.任务二没有责任单位。\n3.任务三。（区科技局主办）")
    assert len(d.tasks) == 3
    assert [i.line for i in d.issues if i.code == "no-units"] == [3]


def test_lines_are_source_line_numbers():
    src = SourceText("x", "x", (Line(5, "一、甲"), Line(9, "1.任务。（区发改委主办）")))
    d = extract_document(src, region="nanjing-gulou")
    assert d.tasks[0].line == 9


def test_empty_table_cells_keep_their_column():
    text = (
        "序号\t重点任务\t具体措施\t牵头单位\t配合单位\t完成时限\n"
        "1\t产业升级\t实施技改项目100个\t市工信局\t市财政局、各区政府\t2021年12月底\n"
        "2\t城市更新\t改造老旧小区50个\t市住建局\t\t长期坚持\n"
    )
    d = doc_from(text, region=None)
    r1, r2 = (t.responsibility for t in d.tasks)
    assert [m.name for m in r1.co_lead] == ["市财政局", "各区政府"] and r1.deadline == "2021年12月底"
    assert [m.name for m in r2.lead] == ["市住建局"] and r2.co_lead == () and r2.deadline == "长期坚持"


def test_a_plan_that_splits_up_a_work_report_is_a_task_plan():
    from kg.models import DocumentKind

    text = (
        "关于印发《某市2021年政府工作报告重点任务分解方案》的通知\n"
        "一、构建现代产业体系\n"
        "（一）推动制造业高质量发展。（牵头单位：市工信局；责任单位：市发展改革委、各县（市、区）人民政府）\n"
        "（二）加快数字经济发展。（市大数据局牵头，市工信局配合）\n"
    )
    d = doc_from(text, region=None)
    assert d.kind is DocumentKind.TASK_PLAN
    assert [t.number for t in d.tasks] == ["一", "二"]
    assert [m.name for m in d.tasks[0].responsibility.co_lead] == ["市发展改革委", "各县（市、区）人民政府"]


def test_an_unknown_name_is_reported_once_with_its_first_task():
    text = "一、甲\n1.任务一。（区火星局主办）\n2.任务二。（区火星局主办，区发改委协办）\n"
    d = doc_from(text)
    warnings = [str(i) for i in d.issues if i.code == "unknown-unit"]
    assert warnings == ["mem.txt:2: task 1 and 1 more tasks: unknown unit name '区火星局' kept as written"]


def test_M3_items_numbered_1000_or_more_are_tasks():
    """Regression (RELIABILITY.md M3): numbering patterns stopped at three digits, so task
    1000 was read as unnumbered text and 十一、 headings after it became tasks."""
    body = [f"{i}.推进第{i}项重点工作。（区发改委主办）" for i in range(997, 1003)]
    text = "\n".join(["某区重点任务分解", "十、第十部分", *body[:3], "十一、第十一部分", *body[3:]])
    d = doc_from(text)
    assert [t.number for t in d.tasks] == ["997", "998", "999", "1000", "1001", "1002"]
    assert [s.number for s in d.sections] == ["十", "十一"]
    assert not [i for i in d.issues if i.code == "orphan"]
    # a year is not a number of an item: 2023、2024年 and 2021.5 stay text
    assert number_of("2023、2024年连续两年增长") is None and number_of("2021.5亿元") is None


def test_compound_row_numbers_under_a_table_header():
    text = "\n".join([
        "序号\t工作任务\t牵头单位",
        "1\t推进营商环境改革。\t市发改委",
        "1-1\t细化改革实施方案。\t市财政局",
        "2.3\t优化审批服务流程。\t市政务办",
    ])
    d = doc_from(text, region=None)
    assert [(t.number, [m.name for m in t.responsibility.lead]) for t in d.tasks] == [
        ("1", ["市发改委"]), ("1-1", ["市财政局"]), ("2.3", ["市政务办"])]


def test_progress_column_is_neither_task_text_nor_targets():
    """A progress table (进展情况): the achieved figures between task and unit are kept apart."""
    text = "\n".join([
        "序号\t内容与要求\t进展情况\t责任单位",
        "1\t确保地区生产总值增长7%左右。\t1-2月，全市固定资产投资同比下降12.7%。\t市发改委",
    ])
    d = doc_from(text, region=None)
    (t,) = d.tasks
    assert "12.7" not in t.text and t.responsibility.progress == "1-2月，全市固定资产投资同比下降12.7%。"
    assert [m.name for m in t.responsibility.lead] == ["市发改委"]
    assert [i.value for i in t.indicators] == [7]


def test_table_written_one_cell_per_line_with_a_progress_column():
    text = "\n".join([
        "市政府2020年重点工作进展情况表", "序号", "内容与要求", "进展情况", "责任单位",
        "1", "确保地区生产总值增长7%左右。", "金融机构存贷款余额实现正增长，规上工业增加值全省第2。", "市发改委",
        "2", "市县长项目落地率50%以上。", "市县长项目目前已安排36个项目，总投资882.1亿元。", "市发改委",
    ])
    d = doc_from(text, region=None)
    assert [(t.number, [m.name for m in t.responsibility.lead]) for t in d.tasks] == [("1", ["市发改委"]), ("2", ["市发改委"])]
    assert [[i.value for i in t.indicators] for t in d.tasks] == [[7], [50]]


def test_table_with_bars_at_line_ends_and_a_leader_column():
    text = "\n".join([
        "序号 |", "目标与任务 |", "分 管 县领导 |", "牵头责任单位 |", "责任单位 |",
        "80 |", "加大普惠性托育供给，新增托位数400个以上。 |", "俞 悦 |", "县教育局 |", "县各有关单位 |",
        "81 |", "支持职业教育发展。 |", "陆 明俞 悦 |", "县教育局 |", "县各有关单位 |",
    ])
    d = doc_from(text, region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) for t in d.tasks]
    assert got == [("80", ["县教育局"], ["县各有关单位"]), ("81", ["县教育局"], ["县各有关单位"])]
    assert d.tasks[0].responsibility.leaders == ("俞悦",)
    # counter-example: a list of numbers and words without a header is not a table
    d = doc_from("\n".join(["某县重点工作", "80", "加大托育供给。", "县教育局"]), region=None)
    assert not d.tasks


def test_rows_shorter_than_the_header_take_the_merged_cells_from_above():
    text = "\n".join([
        "序号\t工作任务\t牵头单位\t配合单位\t完成时限",
        "1\t推进行政审批制度改革。\t市行政审批局\t市司法局\t2022年底",
        "2\t优化审批服务流程。",
        "3\t推进法治政府建设。\t市司法局\t市委编办\t长期",
        "4\t深化综合执法改革",
    ])
    d = doc_from(text, region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead],
            t.responsibility.deadline) for t in d.tasks]
    assert got[:3] == [
        ("1", ["市行政审批局"], ["市司法局"], "2022年底"),
        ("2", ["市行政审批局"], ["市司法局"], "2022年底"),
        ("3", ["市司法局"], ["市委编办"], "长期"),
    ]
    # counter-example: the last row, cut off mid-sentence, takes nothing and is reported
    assert got[3] == ("4", [], [], None)
    assert any(i.code == "no-units" and "task 4" in i.message for i in d.issues)


NOISY_PLAN = """首页 > 信息公开 > 政策文件
索引号: 1234/2023-00001 发布日期: 2023-02-01
浏览次数: 字体:[大 中 小] 分享到:
• 听全文
banner_2023.jpg
某县人民政府办公室关于印发2023年重点工作任务分解方案的通知
各乡镇人民政府,县政府各部门:
现将《2023年重点工作任务分解方案》印发给你们,请认真贯彻执行。各牵头单位要切实承担起牵头协调职责。
1.本通知自印发之日起施行
某县人民政府办公室
2023年2月1日
2023年重点工作任务分解方案
一、经济发展
1.地区生产总值增长6%。(县发改局牵头,县统计局配合)
2.固定资产投资增长8%。(县发改局牵头)
扫一扫在手机打开当前页
"""


def test_page_noise_is_skipped_not_turned_into_sections_or_tasks():
    d = doc_from(NOISY_PLAN, region=None)
    assert d.title == "某县人民政府办公室关于印发2023年重点工作任务分解方案的通知"
    assert [s.title for s in d.sections] == ["经济发展"]
    assert [(t.number, t.text) for t in d.tasks] == [
        ("1", "地区生产总值增长6%。（县发改局牵头，县统计局配合）"), ("2", "固定资产投资增长8%。（县发改局牵头）")]
    assert not [i for i in d.issues if i.code in ("orphan", "no-units")]
    # the numbered line of the notice is not a task, and a warning says so
    assert [(i.line, i.message) for i in d.issues if "page noise" in i.message] == [
        (9, "1 numbered line(s) in page noise or in the notice before the plan skipped: not tasks")]


def test_noise_rules_leave_document_text_alone():
    from kg.extract.page_noise import page_noise

    lines = [Line(i + 1, t) for i, t in enumerate([
        "各位代表：",  # a report's address, not a notice addressee
        "来源于基层的创新做法要及时总结推广。",  # a sentence that starts like a label
        "1.发布日期前完成清理。（区政务办牵头）",
        "推进“互联网+政务服务”，提升网上办事比例。",
    ])]
    assert page_noise(lines) == set()


def test_a_plan_written_inside_its_notice_keeps_its_tasks():
    text = "\n".join([
        "某区关于做好2023年重点工作的通知", "各街道、区政府各部门：",
        "1.推进老旧小区改造。（区住建局牵头，各街道配合）", "2.加强基层治理。（区民政局牵头）",
        "某区人民政府办公室", "2023年3月1日",
    ])
    d = doc_from(text, region=None)
    assert [t.number for t in d.tasks] == ["1", "2"]


def test_kind_by_evidence_whatever_the_title():
    # a plan titled like a report (政府工作报告…) with clauses on its items is a task plan
    plan = "\n".join(["2023年政府工作报告", "1.推进城市更新。", "牵头单位：区住建局", "2.加强基层治理。", "牵头单位：区民政局"])
    d = doc_from(plan, region=None)
    assert d.kind.value == "TaskPlan" and [t.number for t in d.tasks] == ["1", "2"]
    # a report with one numbered paragraph naming a unit stays a report, and says so
    report = "\n".join(["2021年政府工作报告", "一、过去一年工作回顾", "全区地区生产总值增长6%。", "二、2021年工作安排",
                        "1.推进科技创新。", "2.加强民生保障。", "3.推进城市更新。", "4.深化改革。由区发改委负责。",
                        "5.优化营商环境。", "6.加强生态保护。"])
    d = doc_from(report, region=None)
    assert d.kind.value == "WorkReport"
    assert [(i.code, i.line) for i in d.issues if i.code == "report-with-clauses"] == [("report-with-clauses", 8)]


def test_numbered_items_with_responsibility_words_but_no_task_are_flagged():
    from kg.pipeline.workers import coverage_of

    text = "\n".join(["某区重点工作", "1.推进城市更新。", "2.加强基层治理。", "牵头单位：", "责任单位："])
    d = doc_from(text, region=None)
    assert not d.tasks
    # (the region warning aside: these lines name no place)
    assert [i.code for i in d.issues if i.code != "region"] == ["unread-responsibility"]
    assert coverage_of(d)["flags"] == ["unread-responsibility"]
    # counter-example: a plan that reads gets no flag
    d = doc_from("某区重点工作\n1.推进城市更新。（区住建局牵头）", region=None)
    assert coverage_of(d)["flags"] == []


def test_header_and_rows_with_single_spaces_whose_separators_were_lost():
    text = "\n".join([
        "序号 重点工作任务 牵头单位 配合单位",
        "1 推进数字政府建设。 区数据局 区财政局、区政务办",
        "2 优化营商环境。 区发改委 区市场监管局",
    ])
    d = doc_from(text, region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) for t in d.tasks]
    assert got == [("1", ["区数据局"], ["区财政局", "区政务办"]), ("2", ["区发改委"], ["区市场监管局"])]
    assert d.title == "序号重点工作任务牵头单位配合单位"  # no title line: the first line


def test_a_task_cell_of_several_paragraphs_in_a_table_one_cell_per_line():
    text = "\n".join([
        "序号", "工作任务", "牵头单位", "配合单位", "完成时限",
        "1", "加快5G基站建设。", "新建基站300个。", "区工信局", "区通信发展办", "2023年6月底",
        "2", "提升教育质量。", "区教育局", "区财政局", "长期坚持",
    ])
    d = doc_from(text, region=None)
    t1, t2 = d.tasks
    assert t1.text.startswith("加快5G基站建设。\n新建基站300个。")
    assert [m.name for m in t1.responsibility.lead] == ["区工信局"] and t1.responsibility.deadline == "2023年6月底"
    assert [m.name for m in t2.responsibility.co_lead] == ["区财政局"] and t2.responsibility.deadline == "长期坚持"


def test_rows_with_bars_at_both_ends_and_the_table_title_as_title():
    text = "\n".join([
        "附件", "2023年重点工作任务分解表",
        "| 序号 | 工作任务 | 牵头单位 | 配合单位 |",
        "| 1 | 推进数字政府建设。 | 区数据局 | 区财政局、区政务办 |",
        "| 2 | 优化营商环境。 | 区发改委 | 区市场监管局 |",
    ])
    d = doc_from(text, region=None)
    assert d.title == "2023年重点工作任务分解表"
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) for t in d.tasks]
    assert got == [("1", ["区数据局"], ["区财政局", "区政务办"]), ("2", ["区发改委"], ["区市场监管局"])]


def test_a_person_named_in_a_heading_leads_its_tasks_as_a_leader_never_a_unit():
    text = "\n".join([
        "2020年政府工作报告重点工作责任分解", "一、王某某省长主抓重点工作",
        "1.稳企业、防风险。", "牵头单位:省发展改革委、省财政厅",
        "二、主要经济指标(牵头领导:成某、柯某某)",
        "2.地区生产总值增长6%。", "牵头单位:省统计局",
        "三、市长热线办理工作",  # counter-example: 市长 here names no person
        "3.提升热线办理质量。", "牵头单位:省政务办",
    ])
    d = doc_from(text, region=None)
    got = [(t.number, t.responsibility.leaders, [m.name for m in t.responsibility.lead]) for t in d.tasks]
    assert got == [
        ("1", ("王某某",), ["省发展改革委", "省财政厅"]),
        ("2", ("成某", "柯某某"), ["省统计局"]),
        ("3", (), ["省政务办"]),
    ]


def test_a_label_alone_on_its_line_takes_the_next_line_as_its_value():
    text = "\n".join([
        "县卫健委2021年任务分解", "1.创建国家卫生县城。", "牵头责任单位：", "县卫健委", "主要协作单位：",
        "各乡镇人民政府、县政府有关部门", "2.推广家庭医生签约服务。", "牵头责任单位：", "县卫健委",
        "监督电话：0557-6031710",  # counter-example: an unlabelled line after a closed task is not task text
    ])
    d = doc_from(text, region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) for t in d.tasks]
    assert got == [("1", ["县卫健委"], ["各乡镇人民政府", "县政府有关部门"]), ("2", ["县卫健委"], [])]
    assert "监督电话" not in d.tasks[1].text


def test_traditional_characters_and_inserted_pinyin_are_read_and_kept_as_written():
    text = "\n".join([
        "湘西州2020年工作計劃", "一、提升政務服務效能",
        "1.加大簡政放權力度。(牽頭單位:州行政審批服務局;責任單位:州司法局、州委編辦及州直相關單位,湘西經(jīng)開區(qū)管委會,7月底前完成)",
        "2.推動政務服務導則落實。(州政務服務中心牽頭,各縣市人民政府配合)",
    ])
    d = doc_from(text, region=None)
    t1, t2 = d.tasks
    assert d.sections[0].title == "提升政務服務效能"
    assert t1.text.startswith("加大簡政放權力度。（牽頭單位：")
    assert [m.name for m in t1.responsibility.lead] == ["州行政審批服務局"]
    assert [m.name for m in t1.responsibility.co_lead] == ["州司法局", "州委編辦", "州直相關單位", "湘西經（jīng）開區（qū）管委會"]
    assert t1.responsibility.deadline == "7月底前完成"
    # spans point at the names as written
    assert all(t1.text[m.start : m.end] == m.name for m in (*t1.responsibility.lead, *t1.responsibility.co_lead))
    assert [m.name for m in t2.responsibility.lead] == ["州政務服務中心"]
    assert [m.name for m in t2.responsibility.co_lead] == ["各縣市人民政府"]


@pytest.mark.parametrize("header", [
    "序号\t重点工作任务\t主要责任单位\t协同配合单位",
    "序号重点工作任务主要责任单位协同配合单位",  # header words run together
])
def test_header_on_one_line_rows_one_cell_per_line(header):
    text = "\n".join([
        header, "一、全力以赴扩投资", "3", "固定资产投资增长7.5%左右。", "区发改委", "区工信局、区住建局，各乡镇人民政府。",
        "68", "持续推进学前教育普及普惠。", "区教育局", "区政府有关部门。",
    ])
    d = doc_from(text, region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) for t in d.tasks]
    assert got == [("3", ["区发改委"], ["区工信局", "区住建局", "各乡镇人民政府"]), ("68", ["区教育局"], ["区政府有关部门"])]
    assert [s.title for s in d.sections] == ["全力以赴扩投资"]


def test_a_bare_number_after_a_table_one_cell_per_line_is_not_a_row():
    text = "\n".join([
        "序号", "工作任务", "牵头单位", "1", "推进城市更新。", "区住建局",
        "各单位要抓好落实。", "2", "本方案自印发之日起施行。",
    ])
    d = doc_from(text, region=None)
    assert [(t.number, [m.name for m in t.responsibility.lead]) for t in d.tasks] == [("1", ["区住建局"])]


def test_a_task_of_two_paragraphs_in_a_progress_table_one_cell_per_line():
    text = "\n".join([
        "序号", "内容与要求", "进展情况", "责任单位",
        "1", "持续推进重大项目攻坚。", "确保有效投资增长10%以上。", "1-2月，全市固定资产投资同比下降12.7%。", "市发改委",
        "2", "深入推进军民融合示范区建设。", "已有10家企业提出申办需求。", "市经信局",
    ])
    d = doc_from(text, region=None)
    t1, t2 = d.tasks
    assert t1.text.startswith("持续推进重大项目攻坚。\n确保有效投资增长10%以上。")
    assert t1.responsibility.progress == "1-2月，全市固定资产投资同比下降12.7%。"
    assert [m.name for m in t1.responsibility.lead] == ["市发改委"]
    assert [m.name for m in t2.responsibility.lead] == ["市经信局"]


@pytest.mark.parametrize("text,noise", [
    ("首页 > 信息公开 > 政策文件", True),
    ("当前位置：首页>>最新政策", True),
    ("网站首页 > 政府信息公开 > 区教育局 > 决策部署落实情况", True),
    ("发布时间：2025-06-13 09:13 信息来源：谯城区教育局浏览次数：字体：[]", True),
    ("[ 索引号 ] | 115001130093083510/2024-00007 | [ 发文字号 ] | 木洞府发〔2024〕2号 |", True),
    ("扫一扫在手机打开当前页", True),
    ("banner_2023.jpg", True),
    # counter-examples: document text with the same characters
    ("1.推进<b>数字政府</b>建设>提升>服务", False),
    ("确保增速>5%，高于全省平均水平。", False),
    ("2.分享经济发展成果。（区发改委牵头）", False),
    # site footers, by their shape wherever the mark stands in the line
    ("主办单位：某市人民政府办公室　　苏ICP备05001234号", True),
    ("版权所有：某县人民政府　技术支持：某某信息科技有限公司", True),
    ("主办：某区人民政府办公室　网站标识码：3201000012", True),
    ("Copyright © 2021 某市人民政府 All Rights Reserved", True),
    ("地址：某市人民路1号　邮编：221300", True),
    # counter-examples: the same words in sentences of a plan
    ("3.加强技术支持和人才保障，版权所有者权益得到保护。", False),
    ("主办单位：区发改委", False),
])
def test_page_noise_lines(text, noise):
    from kg.extract.page_noise import page_noise
    from kg.text.normalize import normalize_text

    assert (page_noise([Line(1, normalize_text(text))]) == {0}) is noise


def test_bar_ended_cells_run_over_several_lines():
    text = "\n".join([
        "序号 |", "目标与任务 |", "牵头责任单位 |", "责任单位 |",
        "80 |", "加大普惠性托育供给，新增托位数400个以上。", "实施中小学办学能力提升工程。 |", "县教育局 |", "县各有关单位 |",
        "81 |", "支持职业教育发展。 |", "县教育局 |", "县人社局 |",
    ])
    d = doc_from(text, region=None)
    t80, t81 = d.tasks
    assert t80.text.startswith("加大普惠性托育供给，新增托位数400个以上。\n实施中小学办学能力提升工程。")
    assert [m.name for m in t80.responsibility.lead] == ["县教育局"]
    assert [m.name for m in t80.responsibility.co_lead] == ["县各有关单位"]
    assert [m.name for m in t81.responsibility.co_lead] == ["县人社局"]


def test_a_report_with_responsibility_words_it_cannot_read_is_flagged():
    from kg.models import DocumentKind
    from kg.pipeline.workers import coverage_of

    text = "2021年政府工作报告\n一、工作回顾\n全区地区生产总值增长6%。\n牵头单位和责任单位表见附件。\n责任单位：详见附件"
    src = SourceText("r.txt", "r", lines_from_text(text))
    d = extract_document(src, region=None)
    assert d.kind is DocumentKind.WORK_REPORT
    assert [(i.line, i.code) for i in d.issues if i.code != "region"] == [(5, "report-with-clauses")]
    assert coverage_of(d)["flags"] == ["report-with-clauses"]


@pytest.mark.parametrize("text", ["关闭退出落后产能企业10家。", "打印复印服务纳入政府采购。", "相关内容纳入年度考核。"])
def test_words_of_page_widgets_starting_a_sentence_are_not_noise(text):
    from kg.extract.page_noise import page_noise

    assert page_noise([Line(1, text)]) == set()


def test_a_lead_label_that_a_site_footer_also_uses_is_not_noise():
    d = doc_from("某区任务\n1.推进改革。\n主办单位：区发改委\n协办单位：区财政局\n2.推广“扫一扫”缴费服务。（区政务办主办）", region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) for t in d.tasks]
    assert got == [("1", ["区发改委"], ["区财政局"]), ("2", ["区政务办"], [])]


def test_a_plan_of_labelled_lines_inside_its_notice_keeps_its_tasks():
    text = "\n".join([
        "某县关于做好2023年重点工作的通知", "各乡镇人民政府，县直各单位：",
        "1.推进老旧小区改造。", "牵头单位：县住建局", "2.加强基层治理。", "牵头单位：县民政局",
        "某县人民政府办公室", "2023年3月1日",
    ])
    d = doc_from(text, region=None)
    assert [(t.number, [m.name for m in t.responsibility.lead]) for t in d.tasks] == [("1", ["县住建局"]), ("2", ["县民政局"])]


def test_progress_cell_of_a_flattened_row_is_kept_apart():
    text = "\n".join([
        "序号内容与要求进展情况责任单位",
        "1确保地区生产总值增长7%左右。1-2月，全市固定资产投资同比下降12.7%，居全省第6位。市发改委",
        "2市县长项目落地率50%以上。截至目前已安排36个项目，总投资882.1亿元。市发改委",
        "3打造国家数字经济示范区。市经信局",  # counter-example: no progress written
    ])
    d = doc_from(text, region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [i.value for i in t.indicators], t.responsibility.progress) for t in d.tasks]
    assert got == [
        ("1", ["市发改委"], [7], "1-2月，全市固定资产投资同比下降12.7%，居全省第6位。"),
        ("2", ["市发改委"], [50], "截至目前已安排36个项目，总投资882.1亿元。"),
        ("3", ["市经信局"], [], None),
    ]
    assert "12.7" not in d.tasks[0].text


def _resp(d):  # type: ignore[no-untyped-def]
    return [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead],
             t.responsibility.deadline, t.responsibility.leaders) for t in d.tasks]


def test_one_cell_per_line_with_deadline_and_leader_columns():
    """序号/工作任务/责任单位/完成时限/县级领导, one cell per line: a deadline cell (12月底) is
    the row's deadline, never a row numbered 12, and the persons of the 县级领导 column lead
    as leaders, never as units."""
    text = "\n".join([
        "某县2020年重点工作责任分解", "序号", "工作任务", "责任单位", "完成时限", "县级领导",
        "1", "新建改扩建中小学校4所，新增学位2400个。", "县教体局（牵头）、县发改局、县财政局", "12月底", "周海燕",
        "2", "完成农村公路提档升级80公里。", "县交通运输局、县财政局", "10月底前", "马建新",
    ])
    d = doc_from(text, region=None)
    assert _resp(d) == [
        ("1", ["县教体局"], ["县发改局", "县财政局"], "12月底", ("周海燕",)),
        ("2", ["县交通运输局", "县财政局"], [], "10月底前", ("马建新",)),
    ]
    assert not any(i.code == "no-units" for i in d.issues)


@pytest.mark.parametrize("line", ["12月底", "3个月内完成", "6月30日前", "2万元以上"])
def test_a_number_followed_by_a_unit_of_time_or_measure_is_not_a_run_on_row(line):
    text = "\n".join(["序号 工作任务 牵头单位", "1推进城市更新。区住建局", line])
    d = doc_from(text, region=None)
    assert [t.number for t in d.tasks] == ["1"]


def test_a_run_on_row_whose_separators_were_lost_is_still_a_row():
    # counter-example of the above: a number touching the task text is a row number
    text = "\n".join(["序号 工作任务 牵头单位", "1推进城市更新。区住建局", "12实施老旧小区改造。区城管局"])
    d = doc_from(text, region=None)
    assert [(n, lead) for n, lead, *_ in _resp(d)] == [("1", ["区住建局"]), ("12", ["区城管局"])]


def test_a_lead_marked_inside_a_responsible_cell_of_a_tab_table():
    text = "\n".join([
        "序号\t重点工作任务\t责任单位\t完成时限",
        "1\t全市地区生产总值增长7%左右。\t市发改委（牵头）、市统计局\t2021年12月",
        "2\t新改建农村公路150公里。\t市交通运输局\t2021年11月",
        "3\t新增城镇就业3000人。\t市人社局、市财政局（配合）\t2021年12月",
    ])
    d = doc_from(text, region=None)
    assert _resp(d) == [
        ("1", ["市发改委"], ["市统计局"], "2021年12月", ()),
        # counter-examples: a cell without a 牵头 mark leads as a whole, except a unit marked 配合
        ("2", ["市交通运输局"], [], "2021年11月", ()),
        ("3", ["市人社局"], ["市财政局"], "2021年12月", ()),
    ]


def test_empty_merged_unit_cells_are_carried_down_from_the_row_above():
    text = "\n".join([
        "序号\t工作任务\t牵头单位\t配合单位\t完成时限\t区级责任领导",
        "1\t实施区级重点项目80个，年度计划投资120亿元。\t区发改局\t区住建局、各镇人民政府\t12月底\t李红梅",
        "2\t新建标准化厂房5万平方米。\t\t\t11月底\t",
        "3\t完成园区道路6公里。\t\t\t\t",
        "4\t新增城镇就业3000人。\t区人社局\t\t12月底\t王志刚",
    ])
    d = doc_from(text, region=None)
    assert _resp(d) == [
        ("1", ["区发改局"], ["区住建局", "各镇人民政府"], "12月底", ("李红梅",)),
        ("2", ["区发改局"], ["区住建局", "各镇人民政府"], "11月底", ("李红梅",)),
        ("3", ["区发改局"], ["区住建局", "各镇人民政府"], "11月底", ("李红梅",)),  # the row above
        # counter-example: a row naming its own lead keeps its empty co-lead cell empty
        ("4", ["区人社局"], [], "12月底", ("王志刚",)),
    ]


def test_one_cell_per_line_rows_that_leave_out_their_merged_cells():
    """Written one cell per line, a row whose unit cells were merged with the row above has
    fewer lines: its deadline goes to the deadline column, and the units come from above."""
    text = "\n".join([
        "序号", "工作任务", "牵头单位", "配合单位", "完成时限", "区级责任领导",
        "1", "实施区级重点项目80个。", "区发改局", "区住建局、各镇人民政府", "12月底", "李红梅",
        "2", "新建标准化厂房5万平方米。", "11月底",
        "3", "新增城镇就业3000人。", "区人社局", "区财政局", "12月底", "王志刚",
        "4", "新建幼儿园3所。", "区教体局", "8月底",
        "5", "建设智慧社区10个。", "区民政局", "各镇（街道）",
    ])
    d = doc_from(text, region=None)
    assert _resp(d) == [
        ("1", ["区发改局"], ["区住建局", "各镇人民政府"], "12月底", ("李红梅",)),
        ("2", ["区发改局"], ["区住建局", "各镇人民政府"], "11月底", ("李红梅",)),
        ("3", ["区人社局"], ["区财政局"], "12月底", ("王志刚",)),
        # counter-example: a row with a lead of its own takes no co-lead from above
        ("4", ["区教体局"], [], "8月底", ()),
        # a group name that does not end like a unit stays in its unit column, not a person;
        # the trailing cells left out are merged with the row above
        ("5", ["区民政局"], ["各镇（街道）"], "8月底", ()),
    ]


@pytest.mark.parametrize("header", [
    ["序号", "工作任务", "督查科室", "责任单位", "完成时限"],  # one cell per line
    ["序号\t工作任务\t督查科室\t责任单位\t完成时限"],  # tab-separated
])
def test_a_column_the_vocabulary_does_not_know_is_reported_and_its_cells_are_not_units(header):
    one_per_line = len(header) > 1
    rows = [["1", "实施区级重点项目80个。", "督查一科", "区发改局（牵头）、区住建局", "12月底"],
            ["2", "新建标准化厂房5万平方米。", "督查二科", "区工信局", "11月底"]]
    text = "\n".join([*header, *(c for r in rows for c in (r if one_per_line else ["\t".join(r)]))])
    d = doc_from(text, region=None)
    assert _resp(d) == [("1", ["区发改局"], ["区住建局"], "12月底", ()), ("2", ["区工信局"], [], "11月底", ())]
    notes = [i for i in d.issues if "not understood" in i.message]
    assert [(i.line, "督查科室" in i.message) for i in notes] == [(1, True)]


def test_a_list_of_short_words_before_a_table_is_not_a_header():
    # counter-example: without 序号 first, short lines followed by a number are no header
    text = "\n".join(["工作任务", "督查科室", "责任单位", "1", "实施区级重点项目80个。", "区发改局"])
    d = doc_from(text, region=None)
    assert not d.tasks and not any("not understood" in i.message for i in d.issues)


@pytest.mark.parametrize("number", ["{}.", "{}、", "（{}）"])
@pytest.mark.parametrize("one_per_line", [False, True])
def test_a_number_cell_written_like_a_word_list_numbers_the_row(number, one_per_line):
    header = ["序号", "工作任务", "责任单位", "完成时限"]
    rows = [[number.format(1), "推进城市更新。", "区住建局（牵头）、区城管局", "12月底"],
            [number.format(2), "新增城镇就业3000人。", "区人社局", "11月底"]]
    if one_per_line:
        text = "\n".join([*header, *(c for r in rows for c in r)])
    else:
        text = "\n".join("\t".join(r) for r in [header, *rows])
    d = doc_from(text, region=None)
    assert _resp(d) == [("1", ["区住建局"], ["区城管局"], "12月底", ()), ("2", ["区人社局"], [], "11月底", ())]


def test_a_tab_after_a_list_number_without_a_table_header_is_no_table_row():
    # counter-example: Word list numbering exported as "1.<tab>" in a plan without a table
    d = doc_from("一、经济发展\n1.\t推进城市更新。（区住建局牵头，区城管局配合）", region=None)
    assert [t.text for t in d.tasks] == ["推进城市更新。（区住建局牵头，区城管局配合）"]
    assert _resp(d) == [("1", ["区住建局"], ["区城管局"], None, ())]


def test_empty_unit_cells_take_nothing_across_a_section_row():
    """A cell merged over rows never spans a section row: the first row of a section with
    empty unit cells has no units, and is reported."""
    text = "\n".join([
        "序号\t工作任务\t牵头单位\t配合单位\t完成时限",
        "一、城市建设",
        "1\t推进城市更新，完成老旧小区改造30个。\t区住建局\t区城管局\t12月底",
        "2\t新增停车位2000个。\t\t\t12月底",
        "二、民生保障",
        "3\t新增城镇就业3000人。\t\t\t11月底",
    ])
    d = doc_from(text, region=None)
    assert _resp(d) == [
        ("1", ["区住建局"], ["区城管局"], "12月底", ()),
        ("2", ["区住建局"], ["区城管局"], "12月底", ()),  # same section: merged with row 1
        ("3", [], [], "11月底", ()),
    ]
    assert any(i.code == "no-units" and "task 3" in i.message for i in d.issues)


def test_a_task_cell_broken_over_two_lines_in_a_tab_table_is_one_row():
    text = "\n".join([
        "序号\t工作任务\t牵头单位\t配合单位\t完成时限",
        "1\t推进城市更新，完成老旧小区改造30个，",
        "新增停车位2000个。\t区住建局\t区城管局\t12月底",
        "2\t新增城镇就业3000人。\t区人社局\t区财政局\t11月底",
    ])
    d = doc_from(text, region=None)
    assert _resp(d) == [("1", ["区住建局"], ["区城管局"], "12月底", ()), ("2", ["区人社局"], ["区财政局"], "11月底", ())]
    assert "新增停车位2000个" in d.tasks[0].text


def test_lines_that_do_not_complete_a_row_are_not_joined_to_it():
    # counter-example: the line after a short row does not make up the header's cells
    text = "\n".join([
        "序号\t工作任务\t牵头单位\t配合单位\t完成时限",
        "1\t推进城市更新。\t区住建局",
        "说明\t表中未列配合单位的，由牵头单位商定",
        "2\t新增城镇就业3000人。\t区人社局\t区财政局\t11月底",
    ])
    d = doc_from(text, region=None)
    assert [(t.number, "说明" in t.text) for t in d.tasks] == [("1", False), ("2", False)]


@pytest.mark.parametrize("header", [
    ["序号\t工作任务\t责任单位\t\t完成时限", "\t\t牵头单位\t配合单位\t"],  # the reader drops the leading tabs
    ["| 序号 | 工作任务 | 责任单位 |  | 完成时限 |", "|  |  | 牵头 | 配合 |  |"],  # empty cells kept
])
def test_a_header_of_two_rows_whose_unit_column_spans_lead_and_co_lead(header):
    sep = "\t" if "\t" in header[0] else " | "
    rows = [["1", "推进城市更新。", "区住建局", "区城管局", "12月底"],
            ["2", "新增城镇就业3000人。", "区人社局", "区财政局、各街道", "11月底"]]
    d = doc_from("\n".join([*header, *(sep.join(r) for r in rows)]), region=None)
    assert _resp(d) == [("1", ["区住建局"], ["区城管局"], "12月底", ()),
                        ("2", ["区人社局"], ["区财政局", "各街道"], "11月底", ())]
    assert not any(i.code == "orphan" for i in d.issues)


def test_a_line_of_other_words_under_a_header_is_no_second_header_row():
    # counter-example: words that are not unit or leader columns leave the header as it is
    text = "\n".join(["序号\t工作任务\t责任单位\t\t完成时限", "说明\t备注",
                      "1\t推进城市更新。\t区住建局（牵头）、区城管局\t\t12月底"])
    d = doc_from(text, region=None)
    assert _resp(d) == [("1", ["区住建局"], ["区城管局"], "12月底", ())]


def test_a_site_footer_after_the_last_task_is_not_its_lead():
    text = "\n".join([
        "某市2021年重点工作任务分解",
        "（一）稳定扩大就业。城镇新增就业1.2万人。（牵头单位：市人社局；配合单位：市教育局）",
        "（二）办好人民满意教育。新增学位6000个。（牵头单位：市教育局；配合单位：市财政局）",
        "主办单位：某市人民政府办公室　　苏ICP备05001234号",
    ])
    d = doc_from(text, region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) for t in d.tasks]
    assert got == [("一", ["市人社局"], ["市教育局"]), ("二", ["市教育局"], ["市财政局"])]
    assert "ICP" not in d.tasks[-1].text


def test_articles_number_tasks_and_the_framing_articles_are_not_tasks():
    text = "\n".join([
        "某开发区2016年优化营商环境责任分工办法",
        "第一条　为进一步优化发展环境，明确各部门职责，制定本办法。",
        "第二条　深化“放管服”改革，审批时限压缩40%。主办：开发区政务服务局；协办：开发区党政办、开发区财政局。",
        "第三条　加强园区配套，新建标准厂房10万平方米。（主办：开发区建设局；协办：开发区规划分局）",
        "第四条　强化人才服务。",
        "主办：开发区组织人事局；协办：开发区建设局",
        "第五条　本办法自印发之日起施行，由开发区党政办负责解释。",
    ])
    d = doc_from(text, region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) for t in d.tasks]
    assert got == [
        ("二", ["开发区政务服务局"], ["开发区党政办", "开发区财政局"]),
        ("三", ["开发区建设局"], ["开发区规划分局"]),
        ("四", ["开发区组织人事局"], ["开发区建设局"]),
    ]
    assert d.tasks[0].text.startswith("深化“放管服”改革")
    assert not d.sections


def test_a_lone_paragraph_opening_with_an_article_number_is_not_numbering():
    assert number_of("第二条深化改革。")[:2] == ("article", "二")
    text = "\n".join([
        "某区2020年重点工作任务",
        "1.推进交通建设。（区交通局主办）",
        "第三条高速公路年内建成通车。",
        "2.加快人才集聚。（区人社局主办）",
    ])
    d = doc_from(text, region=None)
    assert [t.number for t in d.tasks] == ["1", "2"]
    assert not d.sections


def test_ids_like_1_1_number_items_under_their_heading():
    text = "\n".join([
        "某市2020年攻坚行动任务清单",
        "1.实体经济攻坚",
        "1-1　推动传统产业技改提升，实施技改项目300项。【责任主体：市工信局；协办单位：市发改局】",
        "1-2　推进品牌企业培育，新增上市企业3家。【责任主体：市金融监管局；协办单位：市市场监管局】",
        "2.民生保障攻坚",
        "2-1　新建公办幼儿园10所。【责任主体：市教育局】",
    ])
    d = doc_from(text, region=None)
    titles = {s.ordinal: s.title for s in d.sections}
    got = [(t.number, titles[t.section], [m.name for m in t.responsibility.lead]) for t in d.tasks]
    assert got == [("1-1", "实体经济攻坚", ["市工信局"]), ("1-2", "实体经济攻坚", ["市金融监管局"]),
                   ("2-1", "民生保障攻坚", ["市教育局"])]
    assert d.tasks[0].text.startswith("推动传统产业技改提升")


@pytest.mark.parametrize("text", ["1-2月，全市固定资产投资同比下降12.7%。", "3-5年内建成", "1-1000人", "1.5万人实现就业。"])
def test_ranges_are_not_item_ids(text):
    assert number_of(text) is None


def test_ids_like_1_dot_1_before_a_space_number_items_under_their_heading():
    text = "\n".join([
        "某市2020年攻坚行动任务清单",
        "1.实体经济攻坚",
        "1.1　推动传统产业技改提升。【责任主体：市工信局】",
        "1.2　推进品牌企业培育。【责任主体：市金融监管局】",
        "2.民生保障攻坚",
        "2.1　新建公办幼儿园10所。【责任主体：市教育局】",
    ])
    d = doc_from(text, region=None)
    titles = {s.ordinal: s.title for s in d.sections}
    assert [(t.number, titles[t.section]) for t in d.tasks] == [
        ("1.1", "实体经济攻坚"), ("1.2", "实体经济攻坚"), ("2.1", "民生保障攻坚")]


def test_items_one_shi_two_shi_each_with_its_clause_are_tasks_of_their_own():
    text = "\n".join([
        "某镇2023年重点工作安排",
        "一、做强乡村旅游。一是新培育精品民宿15家（镇文旅办负责，镇规划办配合）。二是办好第五届桃花节（镇文旅办、镇党政办负责）。"
        "三是新增停车位600个（镇综治办牵头，镇执法队配合）。",
        "二、加强自身建设。全面落实“四下基层”制度。（镇党政办负责）",
    ])
    d = doc_from(text, region=None)
    titles = {s.ordinal: s.title for s in d.sections}
    got = [(t.number, titles.get(t.section), [m.name for m in t.responsibility.lead],
            [m.name for m in t.responsibility.co_lead], [i.value for i in t.indicators]) for t in d.tasks]
    assert got == [
        ("一是", "做强乡村旅游。", ["镇文旅办"], ["镇规划办"], [15]),
        ("二是", "做强乡村旅游。", ["镇文旅办", "镇党政办"], [], []),
        ("三是", "做强乡村旅游。", ["镇综治办"], ["镇执法队"], [600]),
        ("二", None, ["镇党政办"], [], []),
    ]
    assert d.tasks[0].text == "新培育精品民宿15家（镇文旅办负责，镇规划办配合）。"


def test_items_one_shi_two_shi_under_one_clause_stay_one_task():
    text = "\n".join([
        "某区2023年重点工作任务",
        "1.优化营商环境。一是压缩审批时限；二是推行“一网通办”。（区政务办牵头，区发改委配合）",
        "2.坚持统一是前提，二是指第二批项目。（区发改委负责）",
    ])
    d = doc_from(text, region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) for t in d.tasks]
    assert got == [("1", ["区政务办"], ["区发改委"]), ("2", ["区发改委"], [])]
    assert d.tasks[0].text.startswith("优化营商环境。一是压缩审批时限；二是")


def test_several_clauses_in_one_item_are_never_read_silently():
    text = "\n".join([
        "某区2023年重点工作任务",
        "1.推进简政放权（区发改委负责）；优化政务服务（区政务办负责）。",
        "2.推进国企改革（含混合所有制改革）。（区国资办负责）",
    ])
    d = doc_from(text, region=None)
    assert [[m.name for m in t.responsibility.lead] for t in d.tasks] == [["区政务办"], ["区国资办"]]
    several = [(i.line, i.message) for i in d.issues if i.code == "several-clauses"]
    assert several == [(2, "task 1: 2 responsibility clauses in one item, only the last is read (not read: （区发改委负责）)")]


def test_a_merged_lead_cell_in_the_middle_of_a_row_does_not_shift_its_cells():
    text = "\n".join([
        "某市2018年为民办实事工程任务分解表",
        "序号", "工作任务", "主办单位", "协办单位", "完成时限",
        "1", "新建公共停车场10处。", "市住房城乡建设委", "市公安局交警支队", "2018年12月",
        "2", "改造城区公厕30座。", "各城区人民政府", "2018年10月",
        "3", "新增城市公交线路5条。", "市交通运输局", "市公交公司", "2018年11月",
    ])
    d = doc_from(text, region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead],
            t.responsibility.deadline) for t in d.tasks]
    assert got == [
        ("1", ["市住房城乡建设委"], ["市公安局交警支队"], "2018年12月"),
        ("2", ["市住房城乡建设委"], ["各城区人民政府"], "2018年10月"),
        ("3", ["市交通运输局"], ["市公交公司"], "2018年11月"),
    ]


def test_unit_names_of_a_region_without_profile_are_one_warning_unless_not_understood():
    text = "\n".join([
        "某市人民政府办公室关于印发2020年重点工作任务分解的通知",
        "1.推进城市绿化。（市园林局牵头，市市政管理处、三江县配合）",
        "2.新增城市公交线路5条。（市园林局牵头，某某日报社配合）",
    ])
    d = doc_from(text, region=None)
    got = sorted((i.line, i.code, i.message) for i in d.issues if i.code in ("unknown-unit", "untyped-unit"))
    assert got == [
        (2, "unknown-unit", "2 unit name(s) that no gazetteer of region 'generic' holds (it has no profile), "
                            "kept as written and typed by their names: 市园林局 (line 2)、市市政管理处 (line 2)"),
        (2, "untyped-unit", "task 1: unknown unit name '三江县' kept as written; its type is unknown, typed kg:OtherUnit"),
        (3, "untyped-unit", "task 2: unknown unit name '某某日报社' kept as written; its type is unknown, typed kg:OtherUnit"),
    ]
    # counter-example: with a region profile, every unknown name is a gap of the profile, one warning each
    d = doc_from("一、甲\n1.推进城市绿化。（区园林局主办）\n2.新增公交线路5条。（区市政管理处主办）")
    assert sorted(i.message for i in d.issues if i.code == "unknown-unit") == [
        "task 1: unknown unit name '区园林局' kept as written", "task 2: unknown unit name '区市政管理处' kept as written",
    ]


def test_a_named_places_group_is_a_group():
    d = doc_from("某开发区任务\n1.规范涉企收费。（高新区财政局牵头，高新区各有关部门配合）", region=None)
    co = d.tasks[0].responsibility.co_lead
    assert [(m.name, m.kind) for m in co] == [("高新区各有关部门", "group")]
    assert [(m.name, m.kind) for m in d.tasks[0].responsibility.lead] == [("高新区财政局", "unit")]


def test_the_line_stating_the_first_listed_lead_rule_is_no_orphan_clause():
    text = "\n".join([
        "某县2022年重点工作任务分解方案",
        "（排在第一位的为牵头单位，其余为配合单位）",
        "1.推进老旧小区改造。",
        "责任单位：县住建局、县财政局",
        "（县发改委牵头，县财政局配合）",  # counter-example: a clause outside any task is still reported
    ])
    d = doc_from(text, region=None)
    t = d.tasks[0]
    assert ([m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) == (["县住建局"], ["县财政局"])
    assert [i.line for i in d.issues if i.code == "orphan"] == [5]


def test_items_one_shi_two_shi_one_per_line_with_their_clauses_are_tasks():
    text = "\n".join([
        "某镇2024年工作要点",
        "一、保障安全稳定",
        "一是开展隐患排查，整治隐患点20处（镇应急办负责，各村配合）。",
        "二是推进矛盾纠纷化解（镇信访办负责）。",
        "二、巩固脱贫成果",
        "一是加强动态监测。",
        "二是发展特色种植。（镇农业办负责）",  # counter-example: one clause for both lines
    ])
    d = doc_from(text, region=None)
    got = [(t.number, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) for t in d.tasks]
    assert got == [("一是", ["镇应急办"], ["各村"]), ("二是", ["镇信访办"], []), ("二", ["镇农业办"], [])]
    assert d.tasks[2].text == "巩固脱贫成果\n一是加强动态监测。\n二是发展特色种植。（镇农业办负责）"


@pytest.mark.parametrize("text,expected", [
    ("⑴推进改革。", ("ar_paren", "⑴", "推进改革。")),
    ("⒊优化服务。", ("ar_dot", "⒊", "优化服务。")),
    ("①推进改革。", ("circled", "①", "推进改革。")),
])
def test_one_character_numbers(text, expected):
    assert number_of(text) == expected


def test_a_plan_without_numbering_takes_its_paragraphs_with_clauses_as_tasks():
    text = "\n".join([
        "某区2023年重点工作任务分解方案",
        "推进老旧小区改造，改造小区30个。（区住建局牵头，区财政局配合）",
        "优化营商环境。",
        "牵头单位：区发改委；配合单位：区政务办",
        "本方案自印发之日起实施。",
    ])
    d = doc_from(text, region=None)
    got = [(t.number, t.line, [m.name for m in t.responsibility.lead], [m.name for m in t.responsibility.co_lead]) for t in d.tasks]
    assert got == [("1", 2, ["区住建局"], ["区财政局"]), ("2", 3, ["区发改委"], ["区政务办"])]
    assert d.tasks[1].text == "优化营商环境。\n牵头单位：区发改委；配合单位：区政务办"
    assert any(i.line == 2 and "no numbered tasks: 2 unnumbered paragraph(s)" in i.message for i in d.issues)
    # counter-example: a numbered plan keeps its numbered tasks only, the stray clause is an orphan
    d = doc_from("某区任务分解方案\n1.推进改革。（区发改委牵头）\n（区财政局牵头）", region=None)
    assert [t.number for t in d.tasks] == ["1"] and [i.line for i in d.issues if i.code == "orphan"] == [3]


def test_bare_host_and_co_host_column_headers():
    assert [column_meaning(x) for x in ("主办", "协办", "协助单位", "主办单位（部门）")] == ["lead", "co_lead", "co_lead", "lead"]
    d = doc_from("某县任务分解表\n序号\t工作任务\t主办\t协办\t完成时限\n1\t推进改革。\t县发改局\t县财政局\t2023年底", region=None)
    r = d.tasks[0].responsibility
    assert ([m.name for m in r.lead], [m.name for m in r.co_lead], r.deadline) == (["县发改局"], ["县财政局"], "2023年底")


def test_site_owner_lines_next_to_a_footer_line_are_page_noise():
    text = "\n".join([
        "某市2021年重点工作任务分解",
        "（一）稳定扩大就业。（牵头单位：市人社局；配合单位：市教育局）",
        "主办单位：某市人民政府办公室",
        "承办单位：某市大数据管理局",
        "网站标识码：3203820001",
    ])
    d = doc_from(text, region=None)
    r = d.tasks[0].responsibility
    assert ([m.name for m in r.lead], [m.name for m in r.co_lead]) == (["市人社局"], ["市教育局"])
    assert "承办单位" not in d.tasks[0].text
    # counter-example: the same labels without a footer line next to them are the task's fields
    d = doc_from("某区任务\n1.推进改革。\n主办单位：区发改委\n协办单位：区财政局", region=None)
    r = d.tasks[0].responsibility
    assert ([m.name for m in r.lead], [m.name for m in r.co_lead]) == (["区发改委"], ["区财政局"])


@pytest.mark.parametrize(("title", "kind"), [
    ("襄阳高新区管委会2024年工作报告", DocumentKind.WORK_REPORT),
    ("某镇人民政府2023年工作报告", DocumentKind.WORK_REPORT),
    ("2024年政府工作报告", DocumentKind.WORK_REPORT),
    # counter-examples: a plan titled after the report it splits up, and a plan by its title
    ("2024年政府工作报告重点任务分解方案", DocumentKind.TASK_PLAN),
    ("某区2024年重点工作任务分工方案", DocumentKind.TASK_PLAN),
])
def test_a_work_report_of_any_body_is_read_as_a_report_by_its_title(title, kind):
    """Without responsibility clauses the title decides: any body's 工作报告 is a work
    report (a 管委会 or a town reports too), unless the title says it splits one up."""
    text = "\n".join([title, "一、2023年工作回顾", "全区地区生产总值增长6.8%。", "二、2024年目标",
                      "地区生产总值增长8%左右。"])
    assert doc_from(text, region=None).kind is kind
