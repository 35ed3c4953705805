"""rjieba (the optional accelerator) cuts exactly like jieba on the whole example corpus."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg import segmenter

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))

rjieba = pytest.importorskip("rjieba", reason="rjieba (optional accelerator, pip install kg[fast]) is not installed")
jieba = pytest.importorskip("jieba")


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


def test_segmenter_helper_backends_agree() -> None:
    texts = _corpus()
    try:
        segmenter.reset("jieba")
        assert segmenter.backend() == "jieba"
        by_jieba = [segmenter.cut(t) for t in texts]
        segmenter.reset("rjieba")
        assert segmenter.backend() == "rjieba"
        by_rjieba = [segmenter.cut(t) for t in texts]
    finally:
        segmenter.reset()
    assert by_rjieba == by_jieba
    assert segmenter.backend() == "rjieba"  # the default when installed


def test_add_words_keeps_names_whole() -> None:
    try:
        for name in ("jieba", "rjieba"):
            segmenter.reset(name)
            segmenter.add_words(["鼓楼区硅巷联盟"], freq=100000)
            assert "鼓楼区硅巷联盟" in segmenter.cut("支持鼓楼区硅巷联盟发展")
    finally:
        segmenter.reset()
