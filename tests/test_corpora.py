"""kg's extraction scored on annotated corpora, per document, against thresholds that can
only go up (tests/corpus_scoring.py has the scoring).

* ``tests/data/real/``: real plans and reports of other governments (the development corpus);
* ``tests/data/holdout/`` and ``tests/data/holdout2/``: documents the team wrote afterwards in
  the styles of real ones, the second batch blind to the rules when it was written.

Each folder's ``thresholds.json`` holds the scores reached so far; a lower score fails. When
a change raises a score, raise its threshold in the same commit. The documents and their
gold are never edited to fit kg: never tune a rule to one of them.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from kg.models import DocumentKind

from .corpus_scoring import Corpus, indicator_counts, score

CORPORA = {name: Corpus(name) for name in ("real", "holdout", "holdout2")}
DOCUMENTS = [(name, stem) for name, corpus in CORPORA.items() for stem in corpus.stems]


@pytest.mark.parametrize("name", CORPORA)
def test_every_document_has_a_threshold(name):
    corpus = CORPORA[name]
    assert corpus.stems and sorted(corpus.thresholds["documents"]) == corpus.stems


@pytest.mark.parametrize(("name", "stem"), DOCUMENTS)
def test_document_scores_do_not_fall_below_their_thresholds(name, stem):
    corpus = CORPORA[name]
    got = corpus.scores(stem)
    want = corpus.thresholds["documents"][stem]
    low = {k: (got[k], v) for k, v in want.items() if got[k] < v}
    assert not low, f"{name}/{stem}: scores below threshold (got, threshold): {low}"


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_totals_do_not_fall(name):
    corpus = CORPORA[name]
    got = corpus.totals()
    want = corpus.thresholds["total"]
    low = {k: (got[k], v) for k, v in want.items() if got[k] < v}
    assert not low, f"{name}: totals below threshold (got, threshold): {low}"


@pytest.mark.parametrize(("name", "stem"), DOCUMENTS)
def test_document_kind_follows_the_evidence_and_no_plan_is_empty(name, stem):
    """Gold with tasks is a task plan, gold without is a work report — whatever the title —
    and a task plan never gives zero tasks."""
    corpus = CORPORA[name]
    doc, records = corpus.extracted(stem)
    gold = corpus.gold(stem)
    assert doc.kind is (DocumentKind.TASK_PLAN if gold["tasks"] else DocumentKind.WORK_REPORT)
    if gold["tasks"]:
        assert records


def test_traditional_text_and_names_are_kept_as_written():
    corpus = CORPORA["real"]
    (stem,) = [s for s in corpus.stems if "trad" in s]
    _, records = corpus.extracted(stem)
    names = [m["name"] for r in records for m in (*r["lead"], *r["co_lead"])]
    assert names and all(re.search(r"[審單關編縣區會]", n) or n == "州司法局" for n in names)
    assert "湘西經（jīng）開區（qū）管委會" in names
    assert records[0]["text"].startswith("加大簡政放權力度。")
    assert records[0]["deadline"] == "6月底完成"


def test_scoring_counts_a_wrong_name_and_a_missed_task():
    """The scoring itself: a counter-example so that the thresholds above mean something."""
    gold = {"tasks": [
        {"text_start": "推进科技创新工作体系建设", "lead": ["区科技局"], "co_lead": ["各街道"]},
        {"text_start": "加快人才集聚步伐全面提升", "lead": ["区人社局"], "co_lead": []},
    ]}
    records = [{"text": "推进科技创新工作体系建设。", "lead": [{"name": "区科技局"}],
                "co_lead": [{"name": "街道等"}, {"name": "区财政局"}]}]
    c = score(gold, records)
    assert (c["found_tasks"], c["lead_tp"], c["lead_gold"], c["co_lead_tp"], c["co_lead_pred"]) == (1, 1, 2, 1, 2)


def test_indicator_scoring_counts_a_miss_and_a_false_figure():
    gold = {"tasks": [{"text_start": "新增城镇就业岗位一万二", "lead": [], "co_lead": [],
                       "indicators": [{"value": 1.2, "unit": "万人"}, {"value": 5, "unit": "%"}]}]}
    records = [{"text": "新增城镇就业岗位一万二千个",
                "indicators": [{"value": 12000, "unit": "人"}, {"value": 10, "unit": "家"}]}]
    assert indicator_counts(gold, records) == Counter({"tp": 1, "gold": 2, "pred": 2})
