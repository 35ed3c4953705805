"""Property-based tests (hypothesis) of normalisation, segmentation and the responsibility parser."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract import extract_document
from kg.extract.gazetteer import load_gazetteer
from kg.extract.responsibility import parse_responsibility
from kg.models import SourceText
from kg.read.text import lines_from_text
from kg.text.normalize import normalize_text

GAZ = load_gazetteer("nanjing-gulou")

# Text made of the pieces real documents are made of, so that the parser's branches run.
PIECES = [
    "区发改委", "区科技局", "高新区管委会", "各街道", "板块", "相关街道", "区相关部门", "市场监管局",
    "主办", "协办", "牵头", "配合", "负责", "参与", "由", "等", "牵头单位", "责任单位", "配合单位",
    "分管领导", "完成时限", "2021年6月底前", "：", ":", "，", ",", "、", "；", ";", "。", "（", "）",
    "(", ")", "【", "】", "[", "]", "\n", " ", "\t", "|", "1.", "2、", "（一）", "一、", "（3）",
    "推进改革", "确保完成", "增长7%", "地铁5号线", "<script>", "\"", "'",
]
chinese_like = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=40).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(chinese_like)
def test_parser_never_raises_and_names_are_substrings(text):
    norm = normalize_text(text)
    r = parse_responsibility(norm, GAZ)
    for m in (*r.lead, *r.co_lead):
        assert m.name
        assert m.name in norm
        if m.start >= 0:
            assert norm[m.start : m.end] == m.name


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalisation_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(chinese_like, max_size=15).map("\n".join))
def test_segmenter_never_raises_and_never_invents_tasks(text):
    lines = lines_from_text(text)
    doc = extract_document(SourceText("p.txt", "p", lines), region="nanjing-gulou")
    paragraphs = any("unnumbered paragraph(s) with a responsibility clause read as tasks" in i.message
                     for i in doc.issues)
    if paragraphs:
        # no numbered item is a task (none, or only empty ones such as a lone "1."): the
        # paragraphs that carry a clause are the tasks, and the warning says so (never a
        # silent invention)
        assert doc.tasks and all(t.responsibility.lead or t.responsibility.co_lead for t in doc.tasks)
    else:
        assert len(doc.tasks) <= doc.numbered_items
    all_text = "\n".join(ln.text for ln in lines)
    for t in doc.tasks:
        for m in (*t.responsibility.lead, *t.responsibility.co_lead):
            assert m.name in all_text


def test_an_empty_numbered_line_does_not_hide_clause_paragraphs():
    """Found by the property above: a lone "1." is a numbered item but no task, so the
    clause paragraphs are read as tasks, with the warning."""
    lines = lines_from_text("区发改委主办\n区发改委主办\n1.")
    doc = extract_document(SourceText("p.txt", "p", lines), region="nanjing-gulou")
    assert doc.numbered_items == 1
    assert [(t.number, t.line) for t in doc.tasks] == [("1", 1), ("2", 2)]
    assert "p.txt:1: no numbered tasks: 2 unnumbered paragraph(s) with a responsibility clause read as tasks" in [
        str(i) for i in doc.issues
    ]
