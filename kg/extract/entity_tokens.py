"""The token side of entity matching (:mod:`kg.extract.entities`): the rules of
``ontology/patterns/entity_rules.json``, the tokenizer taught each region's names, the
clauses cut into tokens, spaCy's vocabulary and its token matchers, and the stretches of a
text that can hold a match.

Each token pattern states its ``needs``: strings of which every match holds one (tested per
pattern). A text is cut into stretches at ，；。 (no pattern crosses them); only the stretches
that hold some pattern's needs are tokenised, and each is given only to the matcher of the
patterns whose needs it holds (patterns that need the same strings share one).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, cast

from ..resources import EntityPattern, entity_patterns, entity_rules, region_unit_rows
from ..text.tokenizer import Tokenizer
from .gazetteer import load_gazetteer

if TYPE_CHECKING:
    from spacy.matcher import Matcher
    from spacy.tokens import Doc, Token
    from spacy.vocab import Vocab
    from thinc.types import Ints2d

__all__ = ["area_names", "cut"]

_PUNCT = re.compile(r"^[\W_]+$")

@dataclass(frozen=True)
class _Rules:
    stop_tokens: frozenset[str]
    stop_pos: frozenset[str]
    generic_names: frozenset[str]
    generic_modifiers: tuple[str, ...]
    not_followed_by: tuple[str, ...]
    coordinated_suffixes: tuple[str, ...]
    triggers: tuple[str, ...]
    hmm: bool
    jieba_words: tuple[str, ...]


@cache
def _rules() -> _Rules:
    d = entity_rules()
    return _Rules(
        frozenset(d["stop_tokens"]), frozenset(d["stop_pos"]), frozenset(d["generic_names"]),
        tuple(sorted(d["generic_modifiers"], key=len, reverse=True)),
        tuple(d["project_not_followed_by"]), tuple(d["coordinated_suffixes"]),
        tuple(d["triggers"]), bool(d.get("jieba_hmm", False)), tuple(d.get("jieba_words", [])),
    )


def _patterns(name: str) -> list[EntityPattern]:
    return list(entity_patterns(name))


@cache
def area_names(region: str) -> dict[str, str]:
    """Area name → canonical name of the unit that governs it, for ``region``.

    Read from the ``governs`` and optional ``area_aliases`` (``|``-separated) columns of
    ``ontology/regions/<region>/units.csv``.

    >>> area_names("nanjing-gulou")["滨江"]
    '滨江商务区管委会'
    """
    out: dict[str, str] = {}
    for row in region_unit_rows(region):
        names = [row.get("governs") or ""] + (row.get("area_aliases") or "").split("|")
        for n in names:
            n = n.strip()
            if n:
                out.setdefault(n, row["canonical"])
    return out


# -- jieba ------------------------------------------------------------------------------

class _Words:
    """The one tokenizer of this module, and the words already added to it.

    Every stop token and ``jieba_words`` entry is added first, then the unit and area
    names of each region the first time the region is met (so, as with jieba's global
    dictionary before, a region's names stay in it for the rest of the process).
    """

    def __init__(self) -> None:
        self.tok = Tokenizer()
        self.added: set[str] = set()
        rules = _rules()
        for w in (*rules.stop_tokens, *rules.jieba_words):
            if len(w) > 1:
                self.add(w, None)

    def add(self, word: str, tag: str | None) -> None:
        if word and word not in self.added:
            self.tok.add_word(word, tag)
            self.added.add(word)


@cache
def _words() -> _Words:
    return _Words()


@cache
def _prepare(region: str) -> _Words:
    """The tokenizer, taught every unit and area name of ``region`` (once)."""

    words = _words()
    for w in load_gazetteer(region).all_names():
        words.add(w, "nt")
    for w in area_names(region):
        words.add(w, "ns")
    return words


def cut(text: str, region: str | None = None, pos: bool = False) -> list[tuple[str, str]]:
    """jieba words of ``text`` (with POS flags when ``pos``), gazetteer names kept whole."""
    words = _prepare(region) if region else _words()
    if pos:
        return words.tok.posseg(text)
    return [(w, "") for w in words.tok.cut(text, True)]


# -- spaCy ------------------------------------------------------------------------------
#
# One blank vocabulary per process, created (and spaCy imported: ~0.7 s CPU) the first
# time a text needs matching. ``_.kg_name`` is read from the list ``_token_doc`` leaves in
# ``doc.user_data`` (setting an extension value token by token costs half the match); the
# token matcher itself tests it on the lemma (``_native``).

_Tok = tuple[str, str, bool]  # word, POS tag, may be part of a name (_.kg_name)
_Span = tuple[int, int, str, str]  # start, end (tokens or characters), label, pattern id


def _kg_name(token: Token) -> bool:
    return bool(token.doc.user_data["kg_name"][token.i])


# The matcher reads ``_.kg_name`` from the token's lemma, which ``_token_doc`` sets to one
# of these: a built-in attribute is compared inside spaCy's matcher, where an extension
# attribute costs a Python getter call per token and pattern state (most of a match).
_LEMMA = {True: "kg_name", False: "kg_not_name"}


def _native(element: dict[str, object]) -> dict[str, object]:
    """A pattern element with ``{"_": {"kg_name": v}}`` tested on the lemma instead."""
    ext = element.get("_")
    if not isinstance(ext, dict) or set(ext) != {"kg_name"} or "LEMMA" in element:
        return element
    out = {k: v for k, v in element.items() if k != "_"}
    out["LEMMA"] = _LEMMA[bool(ext["kg_name"])]
    return out


@cache
def _vocab() -> Vocab:
    from spacy.tokens import Token
    from spacy.vocab import Vocab

    # this module's extension: a value registered elsewhere under the name is replaced
    Token.set_extension("kg_name", getter=_kg_name, force=True)
    return Vocab()


def _keyed(vocab: Vocab, label: str, id_: str) -> tuple[str, int]:
    key = f"{label}/{id_}"
    return key, vocab.strings.add(key)


def _token_patterns() -> list[tuple[str, str, list[str], list[dict[str, object]]]]:
    """``(label, id, needs, pattern)`` of each token pattern of ``projects.jsonl`` and
    ``districts.jsonl``, its ``_.kg_name`` tested on the lemma."""
    out = []
    for entry in _patterns("projects.jsonl") + [p for p in _patterns("districts.jsonl") if isinstance(p["pattern"], list)]:
        label, id_ = str(entry["label"]), str(entry.get("id") or "")
        pattern = entry["pattern"]
        if not isinstance(pattern, list):
            raise TypeError(f"projects.jsonl: the pattern of {label}/{id_} is not a token pattern")
        if not entry.get("needs"):
            raise TypeError(f"{label}/{id_}: a token pattern without needs")
        out.append((label, id_, list(entry.get("needs") or ()), [_native(el) for el in pattern]))
    return out


def _matcher_of(patterns: Sequence[tuple[str, str, list[str], list[dict[str, object]]]]) -> tuple[Matcher, dict[int, tuple[str, str]]]:
    from spacy.matcher import Matcher

    vocab = _vocab()
    matcher = Matcher(vocab, validate=True)
    labels: dict[int, tuple[str, str]] = {}
    for label, id_, _, pattern in patterns:
        key, h = _keyed(vocab, label, id_)
        matcher.add(key, [pattern])  # type: ignore[list-item]
        labels[h] = (label, id_)
    return matcher, labels


@cache
def _token_matcher() -> tuple[Matcher, dict[int, tuple[str, str]]]:
    """One matcher of every token pattern, and the ``(label, id)`` of each match key."""
    return _matcher_of(_token_patterns())


@cache
def _token_matchers() -> tuple[tuple[re.Pattern[str], Matcher, dict[int, tuple[str, str]]], ...]:
    """One matcher per ``needs`` of the token patterns (the patterns that need the same
    strings together), with the search for those strings: a stretch of text goes only to
    the matchers whose strings it holds (the matcher's cost is per token and pattern)."""
    by_needs: dict[tuple[str, ...], list[tuple[str, str, list[str], list[dict[str, object]]]]] = {}
    for p in _token_patterns():
        by_needs.setdefault(tuple(sorted(set(p[2]))), []).append(p)
    return tuple((_alternation(needs), *_matcher_of(ps)) for needs, ps in by_needs.items())


def _alternation(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


def _token_doc(toks: Sequence[_Tok]) -> Doc:
    """A ``Doc`` of the tokens: their words, tags, ``kg_name`` (in ``user_data``) and its
    lemma. Tags and lemmas are set as one array of string ids (``Doc.from_array``): given
    to ``Doc(tags=…, lemmas=…)`` they are added to the string store token by token, which
    took twice as long as the rest of the ``Doc``."""
    import numpy
    from spacy.attrs import LEMMA, TAG
    from spacy.tokens import Doc

    vocab = _vocab()
    n = len(toks)
    doc = Doc(vocab, words=[t[0] for t in toks], spaces=[False] * n)
    tag_ids = {tag: vocab.strings.add(tag) for tag in {t[1] for t in toks}}
    lemma_ids = {name: vocab.strings.add(lemma) for name, lemma in _LEMMA.items()}
    attrs = numpy.empty((n, 2), dtype="uint64")
    attrs[:, 0] = [tag_ids[t[1]] for t in toks]
    attrs[:, 1] = [lemma_ids[t[2]] for t in toks]
    doc.from_array([TAG, LEMMA], cast("Ints2d", attrs))
    doc.user_data["kg_name"] = [t[2] for t in toks]
    return doc


def _token_spans(doc: Doc) -> list[_Span]:
    """Every ``(start, end, label, id)`` token range a pattern matches, in text order."""
    matcher, labels = _token_matcher()
    return sorted({(s, e, *labels[k]) for k, s, e in matcher(doc)})

_CLAUSE = re.compile(r"[^，；。！？\n]+|[，；。！？\n]")
_SKIP = "skip"
_LETTER = re.compile(r"[A-Za-z]")


@cache
def _trigger_re() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(_rules().triggers, key=len, reverse=True))))


@lru_cache(maxsize=200_000)
def _clause_tokens(clause: str, region: str | None) -> tuple[_Tok, ...]:
    """Tokens of one clause; a clause with no trigger stays one token that is no name.

    Names never cross a clause boundary, and most clauses name nothing: only those that
    contain a pattern suffix (``triggers``) are cut. Repeated clauses are cut once. A
    clause's neighbours are delimiters, so its tokens' ``kg_name`` depends on it alone.
    """
    if not _trigger_re().search(clause):
        return ((clause, _SKIP, False),)
    rules = _rules()
    words = _prepare(region) if region else _words()
    if rules.hmm:
        pairs = [(p, f) for p, f in words.tok.posseg(clause) if p]
    else:
        pairs = [(p, f) for p, f in words.tok.tag(clause) if p]
    area_words = _area_words(region)
    out: list[_Tok] = []
    for i, (w, flag) in enumerate(pairs):
        prev = pairs[i - 1][0] if i else ""
        if w.isdigit():
            # digits are part of a name only when glued to letters (5G网络安全工程中心)
            nxt = pairs[i + 1][0] if i + 1 < len(pairs) else ""
            name = bool(_LETTER.match(nxt))
        elif prev.isdigit() and not _LETTER.match(w):
            name = False  # the classifier of a count: 2处|积淹水片区
        else:
            name = not (
                _PUNCT.match(w) or w.isspace() or w in rules.stop_tokens
                or (flag in rules.stop_pos and len(w) > 1 and w not in area_words)
            )
        out.append((w, flag or "x", name))
    return tuple(out)


def _tokens(text: str, region: str | None) -> list[_Tok]:
    """The tokens of ``text``, clause by clause."""
    toks: list[_Tok] = []
    for clause in _CLAUSE.findall(text):
        toks.extend(_clause_tokens(clause, region))
    return toks


# No token pattern crosses ，；。 (each is a clause of its own: a token that is no name, in
# every NOT_IN list, matching no REGEX; tests/test_entities.py checks every element), and
# every match of a pattern holds one of its ``needs`` (it has an element, neither optional
# nor negated, whose every text holds one: tested too). So only the stretches of a text
# between ，；。 that hold a pattern's needs can hold its match, and only those are matched
# by it: about half of the tokens the matcher was given, and a few patterns each.
_STRETCH = re.compile(r"[^，；。]+")


@cache
def _needs_re() -> re.Pattern[str]:
    return _alternation([w for p in _token_patterns() for w in p[2]])


def _stretches(text: str, region: str | None) -> list[tuple[int, str, list[_Tok]]] | None:
    """``(offset, text, tokens)`` of each stretch of ``text`` a token pattern could match in;
    None when no clause of ``text`` holds a pattern suffix (nothing to match)."""
    if not _trigger_re().search(text):
        return None
    needs = _needs_re()
    return [
        (m.start(), m.group(), _tokens(m.group(), region)) for m in _STRETCH.finditer(text) if needs.search(m.group())
    ]

@dataclass(frozen=True)
class _Slice:
    """One stretch of a text in the ``Doc`` of a batch: tokens ``[first, end)``; a
    character ``c`` of the text is ``c + base`` in ``doc.text``."""

    doc: Doc
    first: int
    end: int
    base: int


# Between two stretches' tokens: no token pattern matches it (it is no name, its tag is
# none of the patterns', its text is in every NOT_IN list and matches no REGEX), so no
# match crosses it; _token_matches drops any that would, as a guard.
_SEPARATOR: _Tok = ("。", "x", False)

_Matched = list[tuple[_Slice, _Span]]  # the token matches in a text, with their stretch


def _token_matches(texts: Sequence[str], region: str | None) -> list[_Matched]:
    """The token patterns matched in each text (token offsets of one ``Doc`` of the
    stretches of all the texts that could hold a match, in text order), each with its
    stretch. The matcher runs once per batch, not once per text."""
    toks: list[_Tok] = []
    # (text, first token, end token, offset of the stretch in its text), in Doc order
    parts: list[tuple[int, int, int, int]] = []
    stretches: list[str] = []
    for i, text in enumerate(texts):
        for offset, stretch, own in (_stretches(text, region) if text.strip() else None) or ():
            if toks:
                toks.append(_SEPARATOR)
            parts.append((i, len(toks), len(toks) + len(own), offset))
            stretches.append(stretch)
            toks.extend(own)
    out: list[_Matched] = [[] for _ in texts]
    if not toks:
        return out
    doc = _token_doc(toks)
    firsts = [p[1] for p in parts]
    found: dict[int, set[_Span]] = {}
    for needs, matcher, labels in _token_matchers():
        # each run of consecutive stretches that hold the matcher's needs, as one span
        runs: list[tuple[int, int]] = []
        for (_, first, end, _), stretch in zip(parts, stretches, strict=True):
            if needs.search(stretch):
                if runs and runs[-1][1] == first - 1:
                    runs[-1] = (runs[-1][0], end)
                else:
                    runs.append((first, end))
        for a, b in runs:
            for k, s, e in matcher(doc[a:b]):
                found.setdefault(bisect.bisect_right(firsts, a + s) - 1, set()).add((a + s, a + e, *labels[k]))
    for j, (i, first, end, offset) in enumerate(parts):
        if j in found:
            sl = _Slice(doc, first, end, doc[first].idx - offset)
            out[i].extend((sl, x) for x in sorted(found[j]) if x[1] <= end)
    return out

@cache
def _area_words(region: str | None) -> frozenset[str]:
    return frozenset(area_names(region)) if region else frozenset()
