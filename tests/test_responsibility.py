"""Responsibility parsing: every format the product promises, on real sentences, with
full-width and ASCII punctuation, and counter-examples that must find nothing."""

from __future__ import annotations

import pytest

from kg.extract.responsibility import parse_responsibility
from kg.extract.responsibility_words import states_first_listed_leads
from kg.extract.unit_lists import parse_unit_list
from kg.models import Role
from kg.text.normalize import normalize_text


def names(ms):
    return [m.name for m in ms]


def units(ms):
    return [m.unit for m in ms]


def parse(text, gaz, first=False):
    return parse_responsibility(normalize_text(text), gaz, first)


# (text, lead names, co-lead names) — the first rows are sentences of the bundled plan.
TRAILING = [
    ("2.确保全年新增硅巷10万平方米以上。(区科技局、高新区管委会主办,区相关部门、街道、板块协办)",
     ["区科技局", "高新区管委会"], ["区相关部门", "街道", "板块"]),
    ("11.地区生产总值增长7%。(区发改委主办)", ["区发改委"], []),
    ("61.落实互联网金融、平台经济等新业态监管。(区金融监管局主办,鼓楼公安分局、市场监管局、各街道、板块协办)",
     ["区金融监管局"], ["鼓楼公安分局", "市场监管局", "各街道", "板块"]),
    ("65.深化国企改革,推进国企集团高质量发展。(区国资办、各区属国企集团主办)",
     ["区国资办", "各区属国企集团"], []),
    # full-width punctuation, as most government pages have it
    ("推动信访积案化解。（区信访局主办，各街道协办）", ["区信访局"], ["各街道"]),
    # 牵头/配合 words inside the parenthesis
    ("加快推进数字政府建设。（区发改委牵头，区财政局、区统计局配合）", ["区发改委"], ["区财政局", "区统计局"]),
    ("加强安全生产监管。（区应急管理局负责）", ["区应急管理局"], []),
    # a list-final 等 is dropped from the name, not the unit
    ("推进垃圾分类。（区城管局主办，区发改委、区商务局等协办）", ["区城管局"], ["区发改委", "区商务局"]),
    # the responsibility clause may be followed by a full stop
    ("完善公共卫生体系（区卫健委主办）。", ["区卫健委"], []),
]


@pytest.mark.parametrize("text,lead,co", TRAILING)
def test_trailing_parenthesis(text, lead, co, gulou):
    r = parse(text, gulou)
    assert names(r.lead) == lead
    assert names(r.co_lead) == co


LABELLED = [
    ("推进“放管服”改革。（牵头单位：区发改委；责任单位：区行政审批局、区市场监管局）",
     ["区发改委"], ["区行政审批局", "区市场监管局"]),
    ("推进“放管服”改革。(牵头单位:区发改委;配合单位:区行政审批局)", ["区发改委"], ["区行政审批局"]),
    ("推进“放管服”改革。\n牵头单位：区发改委\n参与单位：区财政局、各街道", ["区发改委"], ["区财政局", "各街道"]),
    ("推进“放管服”改革。【牵头单位】区发改委【配合单位】区财政局", ["区发改委"], ["区财政局"]),
    ("推进“放管服”改革。[牵头单位:区发改委;责任单位:区财政局]", ["区发改委"], ["区财政局"]),
    # only 责任单位: the responsible units lead
    ("实施学生关爱工程。（责任单位：区教育局、区卫健委）", ["区教育局", "区卫健委"], []),
    ("实施学生关爱工程。\n责任单位:区教育局", ["区教育局"], []),
    # 责任单位：X（牵头）、Y
    ("实施学生关爱工程。责任单位：区教育局（牵头）、区卫健委、各街道", ["区教育局"], ["区卫健委", "各街道"]),
    ("实施学生关爱工程。责任单位:区教育局(牵头)、区卫健委", ["区教育局"], ["区卫健委"]),
]


@pytest.mark.parametrize("text,lead,co", LABELLED)
def test_labelled_fields(text, lead, co, gulou):
    r = parse(text, gulou)
    assert names(r.lead) == lead
    assert names(r.co_lead) == co


def test_leader_line_names_a_person_not_a_unit(gulou):
    r = parse("推进改革。\n牵头单位：区发改委\n分管领导：张明\n完成时限：2021年6月底前", gulou)
    assert names(r.lead) == ["区发改委"]
    assert r.co_lead == ()
    assert r.leaders == ("张明",)
    assert r.deadline == "2021年6月底前"


INLINE = [
    ("由区发改委牵头，区财政局、区统计局配合，完成全区经济普查。", ["区发改委"], ["区财政局", "区统计局"]),
    ("全年新增养老床位400张，由区民政局负责。", ["区民政局"], []),
    ("区城管局牵头，各街道配合，开展背街小巷整治。", ["区城管局"], ["各街道"]),
    # unknown units of another government are still found by their suffix
    ("由市大数据管理局牵头，市政务服务办配合。", ["市大数据管理局"], ["市政务服务办"]),
]


@pytest.mark.parametrize("text,lead,co", INLINE)
def test_inline_phrases(text, lead, co, gulou):
    r = parse(text, gulou)
    assert names(r.lead) == lead
    assert names(r.co_lead) == co


COUNTER = [
    # prose using the role words, no units
    "积极牵头组织各类招商活动，主动配合做好服务保障。",
    "落实领导干部负责人制度。",
    # trailing parentheses that are not responsibility clauses
    "制定《鼓楼区促进楼宇经济发展办法》（试行）",
    "实施三年行动计划（2020—2022年）",
    "打造“一中心一特色”（中医药）",
    "",
]


@pytest.mark.parametrize("text", COUNTER)
def test_counter_examples_find_no_units(text, gulou):
    r = parse(text, gulou)
    assert r.lead == () and r.co_lead == ()


def test_first_listed_leads_convention(gulou):
    doc_note = "注：列第一位的为牵头单位，其他为配合单位。"
    assert states_first_listed_leads(doc_note)
    r = parse("推进改革。（区发改委、区财政局、区统计局）", gulou, first=True)
    assert names(r.lead) == ["区发改委"]
    assert names(r.co_lead) == ["区财政局", "区统计局"]
    # without the convention every listed unit leads
    r = parse("推进改革。（区发改委、区财政局）", gulou, first=False)
    assert names(r.lead) == ["区发改委", "区财政局"]
    # with it, an explicit 牵头 still wins
    r = parse("推进改革。（区财政局牵头，区发改委配合）", gulou, first=True)
    assert names(r.lead) == ["区财政局"]


def test_shared_prefix_applies_to_following_group_words(gulou):
    ms = parse_unit_list("各街道、板块", Role.CO_LEAD, gulou)
    assert names(ms) == ["各街道", "板块"]
    assert units(ms) == ["各街道", "各板块"]
    ms = parse_unit_list("相关街道、板块", Role.CO_LEAD, gulou)
    assert units(ms) == ["相关街道", "相关板块"]


def test_alias_without_level_prefix_resolves(gulou):
    ms = parse_unit_list("市场监管局", Role.CO_LEAD, gulou)
    assert units(ms) == ["区市场监管局"]


def test_unknown_names_are_kept_as_written(gulou):
    r = parse("建设智慧社区。（区数据资源管理局主办，某某科技有限公司协办）", gulou)
    assert names(r.lead) == ["区数据资源管理局"]
    assert units(r.lead) == [None]
    assert names(r.co_lead) == ["某某科技有限公司"]


def test_spans_point_at_the_names(gulou):
    text = normalize_text("61.加强监管。(区金融监管局主办,鼓楼公安分局、市场监管局、各街道、板块协办)")
    r = parse_responsibility(text, gulou)
    for m in (*r.lead, *r.co_lead):
        assert text[m.start : m.end] == m.name


def test_conjunction_splits_only_between_units(gulou):
    ms = parse_unit_list("区发改委和区科技局", Role.LEAD, gulou)
    assert names(ms) == ["区发改委", "区科技局"]
    ms = parse_unit_list("区发展和改革委员会", Role.LEAD, gulou)
    assert names(ms) == ["区发展和改革委员会"] and units(ms) == ["区发改委"]


def test_generic_region_still_parses_other_governments(generic):
    r = parse("（县发改局、县财政局主办，各乡镇协办）", generic)
    assert names(r.lead) == ["县发改局", "县财政局"]
    assert names(r.co_lead) == ["各乡镇"]
    assert units(r.co_lead) == ["各乡镇"]


MORE_FORMATS = [
    # 按职责分工负责: co-leads beside a named lead, leads when alone
    ("（省发展改革委牵头，省财政厅、省自然资源厅等按职责分工负责）", ["省发展改革委"], ["省财政厅", "省自然资源厅"]),
    ("（市教育局、市人社局按职责分工负责）", ["市教育局", "市人社局"], []),
    # 会同: the units after it co-lead
    ("（区发改委牵头，会同区财政局、区统计局）", ["区发改委"], ["区财政局", "区统计局"]),
    ("由区发改委牵头，会同区财政局、区统计局制定实施方案。", ["区发改委"], ["区财政局", "区统计局"]),
    # a role word followed by 、 ends its clause
    ("（区发改委牵头、区财政局配合）", ["区发改委"], ["区财政局"]),
    # separators inside brackets do not split a name
    ("（市发展改革委牵头，各县（市、区）人民政府负责）", ["市发展改革委"], ["各县（市、区）人民政府"]),
    ("（区委组织部（区人才办）主办，各街道协办）", ["区委组织部（区人才办）"], ["各街道"]),
    # 分别 belongs to the list
    ("（区发改委、区财政局分别牵头）", ["区发改委", "区财政局"], []),
    # ideographic spaces between labelled fields
    ("推进改革。牵头单位：区发改委\u3000\u3000配合单位：区财政局", ["区发改委"], ["区财政局"]),
    # stray separators and a trailing 等
    ("（区发改委、、区财政局等主办）", ["区发改委", "区财政局"], []),
]


@pytest.mark.parametrize("text,lead,co", MORE_FORMATS)
def test_more_real_world_formats(text, lead, co, generic):
    r = parse(text, generic)
    assert names(r.lead) == lead
    assert names(r.co_lead) == co


# Forms seen in real plans of other governments (tests/data/real), written here as
# made-up but realistic sentences, full-width and ASCII alike.
REAL_PLAN_FORMATS = [
    # X牵头，Y配合 after any label
    ("推动工业稳增长。部门分工:市工信局牵头,市发改委、市财政局配合。", ["市工信局"], ["市发改委", "市财政局"]),
    ("强化市场监管。任务分工：区市场监管局牵头；区公安分局配合。", ["区市场监管局"], ["区公安分局"]),
    # labelled lines with the labels of real plans
    ("落实积极应对人口老龄化战略。\n牵头责任单位:县卫健委、县民政局\n主要协作单位:各乡镇人民政府、县政府有关部门",
     ["县卫健委", "县民政局"], ["各乡镇人民政府", "县政府有关部门"]),
    ("持续推进学前教育普及普惠。\n主要责任单位：区教育局\n协同配合单位：区政府有关部门，各乡镇人民政府、街道办事处。",
     ["区教育局"], ["区政府有关部门", "各乡镇人民政府", "街道办事处"]),
    # 责任单位：X。 alone leads; the full stop is not part of the name
    ("财政总收入与经济增长基本同步。\n责任单位:县财政局。", ["县财政局"], []),
    # (A、B负责): all lead; (X等N个部门负责): the count is not part of the name
    ("加快农业现代化。(县农业农村局、县林业局负责)", ["县农业农村局", "县林业局"], []),
    ("推动文旅融合发展。（县文旅局等5个部门负责）", ["县文旅局"], []),
    ("优化基层治理。（市民政局等十个相关单位负责）", ["市民政局"], []),
    # a deadline inside the parenthesis is the deadline, not a unit; 及 joins two units
    ("加大简政放权力度。(牵头单位:州行政审批服务局;责任单位:州司法局、州委编办及州直相关单位,各县市人民政府,6月底完成)",
     ["州行政审批服务局"], ["州司法局", "州委编办", "州直相关单位", "各县市人民政府"]),
    # a closing 等 is dropped from the name
    ("区级一般公共预算收入增长5%。\n牵头单位:区财政局\n责任单位:区税务局、区国资委等", ["区财政局"], ["区税务局", "区国资委"]),
    # unit names run together where a separator was lost
    ("推进审批改革。牵头单位：市行政审批局市司法局；配合单位：市委编办市人社局",
     ["市行政审批局", "市司法局"], ["市委编办", "市人社局"]),
]


@pytest.mark.parametrize("text,lead,co", REAL_PLAN_FORMATS)
def test_real_plan_formats(text, lead, co, generic):
    r = parse(text, generic)
    assert names(r.lead) == lead
    assert names(r.co_lead) == co


def test_deadline_inside_the_parenthesis(generic):
    r = parse("优化营商环境。（县政务服务中心负责，6月底前完成）", generic)
    assert names(r.lead) == ["县政务服务中心"] and r.deadline == "6月底前完成"
    r = parse("加大简政放权力度。(牵头单位:州行政审批服务局;责任单位:州司法局,6月底完成)", generic)
    assert names(r.co_lead) == ["州司法局"] and r.deadline == "6月底完成"


RUN_TOGETHER_COUNTER_EXAMPLES = [
    # a level and an ending alone are not a name; one office written as one name stays whole
    ("县乡镇企业局", ["县乡镇企业局"]),
    ("区委区政府督查室", ["区委区政府督查室"]),
    ("各乡镇人民政府", ["各乡镇人民政府"]),
    ("省市场监管局", ["省市场监管局"]),
    ("县乡村振兴局", ["县乡村振兴局"]),
    # 及 inside prose is not split into units
    ("州委编办及州直相关单位", ["州委编办", "州直相关单位"]),
]


@pytest.mark.parametrize("text,expected", RUN_TOGETHER_COUNTER_EXAMPLES)
def test_names_are_split_only_between_units(text, expected, generic):
    assert names(parse_unit_list(text, Role.LEAD, generic)) == expected


def test_note_bracket_after_a_list_is_not_part_of_the_last_name(generic):
    text = "责任单位:财政局、发改局、工商联(列第一位者为牵头或汇总单位,下同)"
    r = parse(text, generic, first=states_first_listed_leads(normalize_text(text)))
    assert names(r.lead) == ["财政局"] and names(r.co_lead) == ["发改局", "工商联"]
    # a bracket that belongs to the name stays
    assert names(parse("（各县（市、区）人民政府负责）", generic).lead) == ["各县（市、区）人民政府"]


@pytest.mark.parametrize("text,states", [
    ("(列第一位者为牵头或汇总单位,下同)", True),
    ("首位单位为牵头单位，下同。", True),
    ("注：列第一位的部门为牵头部门。", True),
    ("排在首位的为牵头单位", True),
    # counter-examples: words about leading, not the convention
    ("各牵头单位要切实承担起牵头协调职责", False),
    ("列入第一批试点单位", False),
])
def test_first_listed_conventions(text, states):
    assert states_first_listed_leads(normalize_text(text)) is states


def test_persons_are_leaders_never_units(generic):
    r = parse("稳企业防风险。\n分管省领导:李某某\n牵头单位:省发展改革委、省财政厅", generic)
    assert names(r.lead) == ["省发展改革委", "省财政厅"] and list(r.leaders) == ["李某某"]
    r = parse("推动义务教育优质均衡发展。\n分管县领导：俞悦\n牵头责任单位：县教育局", generic)
    assert names(r.lead) == ["县教育局"] and list(r.leaders) == ["俞悦"]


@pytest.mark.parametrize("text,lead,co", [
    # a bare list before a role-marked one shares its role; names stay in the order written
    ("（区发改局牵头，区财政局、区住建局等部门，各街道配合）", ["区发改局"], ["区财政局", "区住建局", "各街道"]),
    # a bare list after the lead: co-leads
    ("（区发改委牵头，区财政局、区统计局）", ["区发改委"], ["区财政局", "区统计局"]),
    # the distractor 由区级负责审批 in the body is not a clause
    ("环境影响报告表原则上由区级负责审批。（区环保局牵头，区水务局、区级相关部门配合）",
     ["区环保局"], ["区水务局", "区级相关部门"]),
])
def test_bare_lists_beside_role_marked_ones(text, lead, co, generic):
    r = parse(text, generic)
    assert names(r.lead) == lead
    assert names(r.co_lead) == co


@pytest.mark.parametrize("text,lead,co", [
    # the label alone on its line, the units on the next
    ("创建国家卫生县城。\n牵头责任单位：\n县卫健委\n主要协作单位：\n各乡镇人民政府", ["县卫健委"], ["各乡镇人民政府"]),
    # a tab (a lost cell boundary) instead of the colon, at the start of a line
    ("创建国家卫生县城。\n牵头单位\t县卫健委\n配合单位\t县财政局、县住建局", ["县卫健委"], ["县财政局", "县住建局"]),
])
def test_labels_without_a_colon_or_value_on_the_next_line(text, lead, co, generic):
    r = parse(text, generic)
    assert names(r.lead) == lead
    assert names(r.co_lead) == co


def test_label_words_inside_a_sentence_are_not_labels(generic):
    # 牵头 starts a sentence here; no colon, no tab: not a label
    r = parse("牵头抓好安全生产工作，落实属地责任。", generic)
    assert not r.lead and not r.co_lead


@pytest.mark.parametrize("text,lead,co", [
    ("推进改革。（责任单位：区发改委牵头，区财政局配合）", ["区发改委"], ["区财政局"]),
    ("推进改革。（区发改委为牵头单位，区财政局为配合单位）", ["区发改委"], ["区财政局"]),
    # counter-example: a marked lead inside the list, no role word ending a clause
    ("推进改革。\n责任单位：区发改委（牵头）、区财政局", ["区发改委"], ["区财政局"]),
])
def test_roles_written_inside_a_labelled_value(text, lead, co, generic):
    r = parse(text, generic)
    assert names(r.lead) == lead
    assert names(r.co_lead) == co


@pytest.mark.parametrize("text,lead,co,deadline", [
    # a unit the gazetteer does not know, in a bracket that assigns roles: kept as written
    ("推进国企改革。（区国资委牵头，区属各重点国企）", ["区国资委"], ["区属各重点国企"], None),
    # counter-examples: deadlines and prose in the same slot are not units
    ("推进国企改革。（区国资委牵头，年底前完成）", ["区国资委"], [], "年底前完成"),
    ("推进国企改革。（区国资委牵头，按季度报送进展）", ["区国资委"], [], None),
    ("推进国企改革。（区国资委牵头，长期坚持）", ["区国资委"], [], "长期坚持"),
])
def test_unknown_names_in_a_unit_slot_are_kept(text, lead, co, deadline, generic):
    r = parse(text, generic)
    assert (names(r.lead), names(r.co_lead), r.deadline) == (lead, co, deadline)


def test_a_label_inside_a_bracket_of_a_value_belongs_to_that_value(generic):
    r = parse("推进改革。\n责任单位：县教育局（责任人：张三）、县财政局", generic)
    assert names(r.lead) == ["县教育局", "县财政局"] and r.co_lead == ()
    # counter-example: labels inside the one bracket that holds them all are fields
    r = parse("推进改革（牵头单位：区发改委；配合单位：区财政局）", generic)
    assert names(r.lead) == ["区发改委"] and names(r.co_lead) == ["区财政局"]


@pytest.mark.parametrize(("cell", "want"), [
    ("区发改局，2022年6月底前完成", ("区发改局", "2022年6月底前完成")),
    ("区住建局、区城管局；12月底前", ("区住建局、区城管局", "12月底前")),
    ("长期坚持", ("", "长期坚持")),
    # counter-examples: no deadline, or a clause that goes on after the date
    ("区发改局、区财政局", ("区发改局、区财政局", None)),
    ("区教育局，2022年秋季学期开学前建成投用并验收", ("区教育局，2022年秋季学期开学前建成投用并验收", None)),
])
def test_a_deadline_inside_a_unit_cell_is_the_deadline_never_a_unit(cell, want):
    from kg.extract.table_rows import split_cell_deadline

    assert split_cell_deadline(cell) == want


def test_a_table_row_with_the_deadline_in_its_unit_cell(generic):
    from kg.extract.table_rows import row_responsibility

    r, _ = row_responsibility(["新建标准化厂房5万平方米。", "区工信局（牵头）、区商务局，2022年6月底前完成"],
                              ["task", "responsible"], generic)
    assert (names(r.lead), names(r.co_lead), r.deadline) == (["区工信局"], ["区商务局"], "2022年6月底前完成")
    # counter-example: a deadline column keeps its own cell
    r, _ = row_responsibility(["新建标准化厂房5万平方米。", "区工信局", "11月底"], ["task", "lead", "deadline"], generic)
    assert (names(r.lead), names(r.co_lead), r.deadline) == (["区工信局"], [], "11月底")


def test_roles_written_inside_a_table_cell_win_over_its_column(generic):
    from kg.extract.table_rows import row_responsibility

    r, _ = row_responsibility(["推进城市更新。", "区住建局牵头，区城管局、各街道配合", "12月底"],
                              ["task", "responsible", "deadline"], generic)
    assert (names(r.lead), names(r.co_lead), r.deadline) == (["区住建局"], ["区城管局", "各街道"], "12月底")
    # counter-example: a cell without role words keeps the meaning of its column
    r, _ = row_responsibility(["推进城市更新。", "区住建局", "区城管局、各街道"], ["task", "lead", "co_lead"], generic)
    assert (names(r.lead), names(r.co_lead)) == (["区住建局"], ["区城管局", "各街道"])


def test_persons_named_inside_a_unit_cell_are_leaders_never_units(generic):
    from kg.extract.table_rows import row_responsibility

    r, text = row_responsibility(["新增就业3000人。", "区人社局（牵头，分管领导：李强）、区财政局", "11月底"],
                                 ["task", "responsible", "deadline"], generic)
    assert (names(r.lead), names(r.co_lead), r.leaders) == (["区人社局"], ["区财政局"], ("李强",))
    assert [text[m.start : m.end] for m in (*r.lead, *r.co_lead)] == ["区人社局", "区财政局"]
    r, text = row_responsibility(["推进城市更新。", "区住建局（责任人：张伟、王芳）", "区城管局"],
                                 ["task", "lead", "co_lead"], generic)
    assert (names(r.lead), names(r.co_lead), r.leaders) == (["区住建局"], ["区城管局"], ("张伟", "王芳"))
    assert [text[m.start : m.end] for m in (*r.lead, *r.co_lead)] == ["区住建局", "区城管局"]
    # counter-example: a bracket without a leader label is left to the unit list
    r, _ = row_responsibility(["推进城市更新。", "各镇（街道）、区城管局"], ["task", "responsible"], generic)
    assert (names(r.lead), r.leaders) == (["各镇（街道）", "区城管局"], ())


def test_a_leader_column_gives_persons_without_their_titles(generic):
    from kg.extract.table_rows import row_responsibility

    r, _ = row_responsibility(["新增就业3000人。", "区政府副区长李强、王芳（副区长）", "区人社局"],
                              ["task", "leader", "lead"], generic)
    assert (names(r.lead), r.leaders) == (["区人社局"], ("李强", "王芳"))
    # counter-examples: a title alone, or a name with no title, is kept as written
    r, _ = row_responsibility(["新增就业3000人。", "区长、欧阳娜娜", "区人社局"], ["task", "leader", "lead"], generic)
    assert r.leaders == ("区长", "欧阳娜娜")


@pytest.mark.parametrize("text,lead,co", [
    # the bare labels 主办：/协办： (without 单位): inline, in brackets, on their own line
    ("深化行政审批制度改革，审批时限压缩50%。主办：开发区政务服务中心；协办：开发区党政办、开发区法制办。",
     ["开发区政务服务中心"], ["开发区党政办", "开发区法制办"]),
    ("推进老旧小区改造。（主办：县住建局；协办：县财政局）", ["县住建局"], ["县财政局"]),
    ("推进老旧小区改造。\n主办：县住建局；协办：县财政局、各乡镇", ["县住建局"], ["县财政局", "各乡镇"]),
    # counter-examples: the words as verbs and nouns of a sentence, no colon
    ("主办第十届音乐节，协办全省运动会。", [], []),
    ("本办法自印发之日起施行，由开发区党政办负责解释。", [], []),
])
def test_bare_host_and_co_host_labels(text, lead, co, generic):
    r = parse(text, generic)
    assert (names(r.lead), names(r.co_lead)) == (lead, co)


@pytest.mark.parametrize("text,lead,co", [
    # a shared 各 and a shared head noun: one group, not 各县 and 区人民政府
    ("开展免费体检3万人次。（市卫健委牵头，各县、区人民政府配合）", ["市卫健委"], ["各县、区人民政府"]),
    ("（市农业农村局牵头，市财政局、各县、市、区人民政府配合）", ["市农业农村局"], ["市财政局", "各县、市、区人民政府"]),
    # the member units of a body
    ("（市应急管理局牵头，市安委会各成员单位按职责分工负责）", ["市应急管理局"], ["市安委会各成员单位"]),
    ("（区食安委各成员单位负责）", ["区食安委各成员单位"], []),
    # counter-examples: two units, and a group beside a unit, stay two
    ("（市卫健委牵头，各县、区发改局配合）", ["市卫健委"], ["各县", "区发改局"]),
    ("（市应急管理局牵头，市安委会、各成员单位配合）", ["市应急管理局"], ["市安委会", "各成员单位"]),
])
def test_group_names_are_not_split(text, lead, co, generic):
    r = parse(text, generic)
    assert (names(r.lead), names(r.co_lead)) == (lead, co)
    assert all(m.kind == "group" for m in r.co_lead if "、" in m.name or "成员" in m.name)


@pytest.mark.parametrize("text,lead,co", [
    # a short bracketed qualifier between a label and its colon
    ("推进改革。牵头单位（部门）：县发改局；配合单位（部门）：县财政局、县统计局", ["县发改局"], ["县财政局", "县统计局"]),
    ("推进改革。\n责任单位（科室）：就业促进科", ["就业促进科"], []),
    # counter-example: a bracket after a label word in a sentence, without a colon, is no label
    ("牵头单位（部门）要切实履行牵头职责，配合单位积极配合。", [], []),
])
def test_a_bracketed_qualifier_between_label_and_colon(text, lead, co, generic):
    r = parse(text, generic)
    assert (names(r.lead), names(r.co_lead)) == (lead, co)


@pytest.mark.parametrize(("text", "lead", "co"), [
    # a bracket inside a group name does not end the co-lead list (各县（市、区）…)
    ("落实就业优先政策。由就业促进科负责，市就业服务中心、各县（市、区）人社局配合。",
     ["就业促进科"], ["市就业服务中心", "各县（市、区）人社局"]),
    ("抓好重点群体就业。由市就业服务中心负责，各县（市、区）配合。", ["市就业服务中心"], ["各县（市、区）"]),
    ("推进工伤保险省级统筹（市人社局牵头，各县（市、区）人民政府配合）",
     ["市人社局"], ["各县（市、区）人民政府"]),
    # the sections of a bureau (…科, …股) are units in its own plan
    ("扩大社会保险覆盖面。由养老保险科、失业保险科负责，市社会保险中心配合。",
     ["养老保险科", "失业保险科"], ["市社会保险中心"]),
    # counter-examples: a closed note before the clause is no unit, and 科 inside a word is none
    ("完成老旧小区改造（含加装电梯）。由区住建局负责。", ["区住建局"], []),
    ("推进学科建设。由区教育局负责，区科技局配合。", ["区教育局"], ["区科技局"]),
])
def test_role_clauses_of_real_plans_with_bracketed_group_names_and_sections(generic, text, lead, co):
    r = parse(text, generic)
    assert (names(r.lead), names(r.co_lead)) == (lead, co)
