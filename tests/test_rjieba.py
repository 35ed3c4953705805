"""rjieba (kg's default segmenter) cuts exactly like jieba on the whole example corpus."""

from __future__ import annotations

import csv
from pathlib import Path

import jieba
import pytest
import rjieba

from kg.text.tokenizer import Tokenizer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))



def _corpus() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in EXAMPLES]
    assert texts, "no example documents found"
    # whole documents, and every line alone (cut boundaries differ from whole-text cuts)
    return texts + [ln for t in texts for ln in t.splitlines() if ln.strip()]


def _gazetteer_names() -> list[str]:
    names: list[str] = []
    for units in sorted((ROOT / "ontology" / "regions").glob("*/units.csv")):
        with units.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                names += [row["canonical"], row["full_name"], *row["aliases"].split("|")]
    return sorted({n.strip() for n in names if n and n.strip()})


def test_same_cuts_default_dictionary() -> None:
    j = jieba.Tokenizer()
    rj = rjieba.Jieba()
    for text in _corpus():
        assert rj.cut(text, True) == j.lcut(text, HMM=True), text[:60]


@pytest.mark.parametrize("explicit_freq", [None, 1000])
def test_same_cuts_with_gazetteer_words(explicit_freq: int | None) -> None:
    j = jieba.Tokenizer()
    rj = rjieba.Jieba()
    words = _gazetteer_names()
    assert words
    for w in words:
        j.add_word(w, freq=explicit_freq)
        rj.add_word(w, explicit_freq, None)
    for text in _corpus():
        assert rj.cut(text, True) == j.lcut(text, HMM=True), text[:60]


# -- Tokenizer: jieba's dictionary arithmetic on rjieba -------------------------

def _entity_words() -> list[tuple[str, str | None]]:
    """The words kg.extract.entities adds, in its order: stop tokens, then unit and area names."""
    from kg.extract.entity_tokens import _rules, area_names
    from kg.extract.gazetteer import load_gazetteer

    rules = _rules()
    words: dict[str, str | None] = {}
    for w in (*rules.stop_tokens, *rules.jieba_words):
        if len(w) > 1:
            words.setdefault(w, None)
    for w in load_gazetteer("nanjing-gulou").all_names():
        words.setdefault(w, "nt")
    for w in area_names("nanjing-gulou"):
        words.setdefault(w, "ns")
    return list(words.items())


def _clauses() -> list[str]:
    import re

    texts = _corpus()
    return texts + [c for t in texts for c in re.findall(r"[^，；。！？\n]+", t)]


@pytest.fixture(scope="module")
def tokenizers() -> tuple[Tokenizer, Tokenizer]:
    by_rjieba, by_jieba = Tokenizer("rjieba"), Tokenizer("jieba")
    assert (by_rjieba.backend, by_jieba.backend) == ("rjieba", "jieba")
    for word, tag in _entity_words():
        by_rjieba.add_word(word, tag)
        by_jieba.add_word(word, tag)
    return by_rjieba, by_jieba


def test_tokenizer_frequencies_are_jiebas(tokenizers) -> None:
    by_rjieba, by_jieba = tokenizers
    rj, j = by_rjieba._impl, by_jieba._impl._tok
    assert rj.total == j.total
    for word, _ in _entity_words():
        for k in range(1, len(word) + 1):
            assert rj._lookup(word[:k]) == j.FREQ.get(word[:k]), word[:k]
        for seg in j.lcut(word, HMM=False):
            assert rj._lookup(seg) == j.FREQ.get(seg), seg


def test_tokenizer_backends_agree(tokenizers) -> None:
    by_rjieba, by_jieba = tokenizers
    for text in _clauses():
        assert by_rjieba.tag(text) == by_jieba.tag(text), text[:60]
        assert by_rjieba.cut(text, hmm=False) == by_jieba.cut(text, hmm=False), text[:60]
        assert by_rjieba.cut(text) == by_jieba.cut(text), text[:60]


def test_tokenizer_tags_like_posseg() -> None:
    tok = Tokenizer("rjieba")
    tok.add_word("湖南路片区", "ns")
    tok.add_word("社区", "nt")  # a dictionary word: the added tag wins, as in jieba
    assert tok.tag("推进湖南路片区建设") == [("推进", "v"), ("湖南路片区", "ns"), ("建设", "vn")]
    assert ("社区", "nt") in tok.tag("建设智慧社区")
    # posseg tags a run of ASCII letters and digits "eng", numbers included
    assert tok.tag("增长8%，PM2.5") == [("增长", "v"), ("8", "eng"), ("%", "x"), ("，", "x"), ("PM2", "eng"), (".", "x"), ("5", "eng")]


def test_the_backend_is_rjieba_unless_jieba_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_SEGMENTER", raising=False)
    assert Tokenizer().backend == "rjieba"
    monkeypatch.setenv("KG_SEGMENTER", "jieba")
    assert Tokenizer().backend == "jieba"
    assert Tokenizer("rjieba").backend == "rjieba"  # a name given wins over the environment
