"""kg's own matchers (kg/extract/token_patterns.py) match what spaCy's ``Matcher`` and
``PhraseMatcher`` match, on the tokens and texts of the bundled and the real documents."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from kg.errors import OntologyError
from kg.extract import extract_document
from kg.extract.entities import _offsets, _patterns, _phrase_matcher, _token_matcher, _tokens
from kg.extract.mentions import task_text
from kg.extract.token_patterns import PhraseIndex, TokenMatcher
from kg.read import read_source

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "examples" / "gulou_task_decomposition.txt", ROOT / "examples" / "gulou_2020_work_report.txt",
        *sorted((ROOT / "tests" / "data").glob("*/docs/*.txt"))]


@cache
def task_texts() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for path in DOCS:
        doc = extract_document(read_source(str(path)))
        out += [(task_text(t, doc.kind), doc.region) for t in doc.tasks]
    return out


def _spacy_token_matches(toks: list[tuple[str, str, bool]]) -> list[tuple[int, int, str]]:
    spacy = pytest.importorskip("spacy")
    from spacy.matcher import Matcher
    from spacy.tokens import Doc, Token

    Token.set_extension("kg_name_test", default=False, force=True)
    vocab = spacy.vocab.Vocab()
    matcher = Matcher(vocab, validate=True)
    for e in _patterns("projects.jsonl") + _patterns("districts.jsonl"):
        if isinstance(e["pattern"], list):
            pattern = [{("_" if k == "_" else k): ({"kg_name_test": v["kg_name"]} if k == "_" else v)  # type: ignore[index]
                        for k, v in spec.items()} for spec in e["pattern"]]
            matcher.add(f"{e['label']}/{e.get('id') or ''}", [pattern])
    doc = Doc(vocab, words=[t[0] for t in toks], spaces=[False] * len(toks), tags=[t[1] for t in toks])
    for token, t in zip(doc, toks, strict=True):
        token._.kg_name_test = t[2]
    return sorted({(s, e, vocab.strings[k]) for k, s, e in matcher(doc)})


def test_token_matches_equal_spacys_on_real_tasks() -> None:
    compared = matched = 0
    for text, region in task_texts():
        toks = _tokens(text, region)
        if not toks:
            continue
        got = _token_matcher()(toks)
        assert got == _spacy_token_matches(toks), text
        compared += 1
        matched += bool(got)
    assert compared > 300 and matched > 100  # the comparison saw real matches


def test_phrase_matches_equal_spacys() -> None:
    pytest.importorskip("spacy")
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    index = _phrase_matcher("nanjing-gulou")
    vocab = Vocab()
    matcher = PhraseMatcher(vocab)
    for phrase, key in index._phrases.items():
        matcher.add(key, [Doc(vocab, words=list(phrase), spaces=[False] * len(phrase))])
    found = 0
    for text, _ in task_texts():  # the gazetteer's names in every text, of any region
        want = sorted((s, e, vocab.strings[k]) for k, s, e in matcher(Doc(vocab, words=list(text), spaces=[False] * len(text))))
        got = index(text)
        assert got == want, text
        found += len(got)
    assert found > 100


def test_every_range_a_pattern_matches() -> None:
    m = TokenMatcher([("k", [{"TEXT": "a", "OP": "+"}]), ("j", [{"TEXT": "a"}, {"TEXT": "b", "OP": "?"}])])
    toks = [("a", "x", False), ("a", "x", False), ("b", "x", False)]
    assert m(toks) == [(0, 1, "j"), (0, 1, "k"), (0, 2, "k"), (1, 2, "j"), (1, 2, "k"), (1, 3, "j")]
    assert m([("b", "x", False)]) == []


def test_conditions_all_hold() -> None:
    m = TokenMatcher([("k", [{"_": {"kg_name": True}, "TEXT": {"REGEX": "园$"}}, {"TAG": {"IN": ["m"]}, "OP": "*"}])])
    assert m([("公园", "n", True), ("1", "m", False)]) == [(0, 1, "k"), (0, 2, "k")]
    assert m([("公园", "n", False)]) == []  # not a name
    assert m([("园区", "n", True)]) == []  # the regex is searched, anchored by its $


@pytest.mark.parametrize("spec", [{"LOWER": "a"}, {"TEXT": "a", "OP": "!"}, {"TEXT": {"FUZZY": "a"}}, {"_": {"other": True}}])
def test_unsupported_patterns_are_refused(spec: dict[str, object]) -> None:
    with pytest.raises(OntologyError):
        TokenMatcher([("k", [spec])])


def test_phrases_every_occurrence_overlapping() -> None:
    index = PhraseIndex({"鼓楼": "a", "鼓楼区": "b", "楼区": "c", "": "d"})
    assert index("鼓楼区与鼓楼") == [(0, 2, "a"), (0, 3, "b"), (1, 3, "c"), (4, 6, "a")]
    assert index("鼓楼") == [(0, 2, "a")]  # no phrase runs past the end of the text
    assert PhraseIndex({})("鼓楼") == []


def test_offsets_are_the_text_cut() -> None:
    text = "建设南京大学二期。推进湖南路片区"
    toks = _tokens(text, "nanjing-gulou")
    assert toks is not None
    starts = _offsets(toks)
    assert [text[s : s + len(w)] for s, (w, _, _) in zip(starts, toks, strict=True)] == [w for w, _, _ in toks]
    assert "".join(w for w, _, _ in toks) == text
