"""The tags extraction relies on (issue 16): rjieba's tagging, as :class:`kg.text.tokenizer.Tokenizer`
corrects it, equals ``jieba.posseg`` without HMM on every clause of the three scored corpora
(tests/data/real, holdout, holdout2) and the examples that ``kg.extract.entities`` cuts, with the
dictionary extraction builds (stop tokens, ``jieba_words``, every region's unit and area names).
``tests/test_rjieba.py`` covers the example corpus line by line; this covers what is tagged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.extract.entity_tokens import _CLAUSE, _rules, _trigger_re, area_names
from kg.extract.gazetteer import available_regions, load_gazetteer
from kg.text.tokenizer import Tokenizer

ROOT = Path(__file__).resolve().parents[1]
CORPORA = [ROOT / "tests" / "data" / d / "docs" for d in ("real", "holdout", "holdout2")] + [ROOT / "examples"]


def _texts() -> list[str]:
    paths = sorted(p for d in CORPORA for p in d.rglob("*.txt"))
    assert len(paths) >= 40, paths  # the corpora are there: 14 + holdouts + examples
    return [p.read_text(encoding="utf-8-sig") for p in paths]


def _tagged_clauses() -> list[str]:
    """The clauses extraction tags: those holding a pattern suffix (a trigger)."""
    trig = _trigger_re()
    return sorted({c for t in _texts() for c in _CLAUSE.findall(t) if trig.search(c)})


@pytest.fixture(scope="module")
def pair() -> tuple[Tokenizer, Tokenizer]:
    by_rjieba, by_jieba = Tokenizer("rjieba"), Tokenizer("jieba")
    rules = _rules()
    words: dict[str, str | None] = {w: None for w in (*rules.stop_tokens, *rules.jieba_words) if len(w) > 1}
    for region in available_regions():
        for w in load_gazetteer(region).all_names():
            words.setdefault(w, "nt")
        for w in area_names(region):
            words.setdefault(w, "ns")
    for w, tag in words.items():
        by_rjieba.add_word(w, tag)
        by_jieba.add_word(w, tag)
    return by_rjieba, by_jieba


def test_the_tagged_clauses_are_many_and_varied() -> None:
    clauses = _tagged_clauses()
    assert len(clauses) > 800
    # counter-example: a clause without a pattern suffix is not tagged
    assert not _trigger_re().search("确保完成全年目标")
    assert _trigger_re().search("推进湖南路片区建设")


def test_rjieba_tags_every_tagged_clause_as_posseg_does(pair: tuple[Tokenizer, Tokenizer]) -> None:
    by_rjieba, by_jieba = pair
    differ = [c for c in _tagged_clauses() if by_rjieba.tag(c) != by_jieba.tag(c)]
    assert differ == []


def test_rjieba_cuts_and_tags_whole_documents_as_jieba_does(pair: tuple[Tokenizer, Tokenizer]) -> None:
    """Without HMM as extraction cuts, with HMM as ``kg.extract.linking`` cuts: whole documents
    and every line alone."""
    by_rjieba, by_jieba = pair
    texts = _texts()
    for text in texts + [ln for t in texts for ln in t.splitlines()]:
        assert by_rjieba.cut(text, hmm=False) == by_jieba.cut(text, hmm=False), text[:40]
        assert by_rjieba.cut(text) == by_jieba.cut(text), text[:40]
        assert by_rjieba.tag(text) == by_jieba.tag(text), text[:40]


def test_runs_without_han_characters_are_cut_as_jiebas_hmm_cuts_them(pair: tuple[Tokenizer, Tokenizer]) -> None:
    """rjieba keeps 2021-03-08 and www.qqhr.gov.cn whole; jieba's HMM step cuts them at each
    run of letters and digits, and keeps PM2.5 and 12.5% whole."""
    by_rjieba, by_jieba = pair
    text = "成文日期：2021-03-08 齐齐哈尔市人民政府 www.qqhr.gov.cn，PM2.5下降12.5%"
    assert by_rjieba.cut(text) == by_jieba.cut(text)
    words = by_rjieba.cut(text)
    assert ["2021", "-", "03", "-", "08"] == words[words.index("2021") : words.index("2021") + 5]
    assert "www.qqhr.gov.cn" not in words and "gov" in words
    assert "PM2.5" in words and "12.5%" in words


def test_characters_outside_jiebas_dictionary_are_tagged_x(pair: tuple[Tokenizer, Tokenizer]) -> None:
    """rjieba's own dictionary tags some traditional characters (務 "d", 實 "a") that jieba's
    lacks, and posseg tags those "x"; a dictionary word keeps its tag."""
    by_rjieba, by_jieba = pair
    text = "優化服務窗口，全面落實"
    assert by_rjieba.tag(text) == by_jieba.tag(text)
    assert ("務", "x") in by_rjieba.tag(text) and ("實", "x") in by_rjieba.tag(text)
    assert ("窗口", "s") in by_rjieba.tag(text)


def test_a_word_added_to_one_side_only_is_seen() -> None:
    """Counter-example: the comparison notices a dictionary that differs."""
    a, b = Tokenizer("rjieba"), Tokenizer("jieba")
    a.add_word("湖南路片区", "ns")
    text = "推进湖南路片区建设"
    assert a.tag(text) != b.tag(text)
    assert re.sub(r"\s", "", "".join(w for w, _ in a.tag(text))) == text
