"""Projects and districts/areas named in a task: ``extract_entities``.

Two rule sets, written in spaCy's pattern language (``ontology/patterns``), each
matching the text cut the way its rules need:

* **jieba tokens** for suffix patterns. Every clause that contains a pattern suffix
  (``triggers``) is cut and POS-tagged as ``jieba.posseg`` does without HMM (every
  gazetteer unit and area name is added to the dictionary first, so that 由区|发改委 or
  湖南路片区 stay whole; see :class:`kg.text.tokenizer.Tokenizer`, rjieba when installed);
  every token gets ``kg_name`` — it may be part of a name unless it is punctuation, a
  bare number or a stop token (``ontology/patterns/entity_rules.json``). The token
  patterns of ``ontology/patterns/projects.jsonl`` and ``districts.jsonl`` then find
  names ending in a carrier suffix (…中心, …广场二期, …大楼, …小镇二期, …小学新校区,
  地铁N号线, …过江通道, “…行动”, …园, …街区, …工程) or an area suffix (…片区, …地区,
  …区域, …硅巷, A—B).
* **characters** for gazetteer names: phrase patterns for every street, every area a
  unit governs (the ``governs`` and ``area_aliases`` columns of the region's
  ``units.csv``), the district itself (phrase patterns in the region's own
  ``ontology/regions/<region>/districts.jsonl``) and, to block them, every unit name.

Both are matched by spaCy (``spacy.matcher.Matcher`` and ``PhraseMatcher`` on one blank
``Vocab``), on ``Doc`` objects built from those tokens or characters: no spaCy tokenizer
or pipeline runs, and spaCy is imported only when a text needs matching (a clause with a
pattern suffix, or a text of a region with a gazetteer). :func:`extract_entities_batch`
matches a document's tasks together: one token ``Doc`` and one character ``Doc`` per
document (the tasks joined by a token, or a line break, that no pattern crosses), each
matcher called once, the matches given back to their tasks by offset.

Spans are filtered longest-first per label; names inside quotes are areas only when a
pattern asks for the quotes; names in ``generic_names`` (文化街区, 市政工程 …) or
opening with a ``generic_modifiers`` word (积淹水片区, 风险地区) are dropped. A district
links to the unit that governs it (``governed_by``): 华侨路街道 → 华侨路街道,
滨江 / 滨江区域 → 滨江商务区管委会, 湖南路片区 → 湖南路管委会.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, cast

from ..models import Entity
from ..resources import EntityPattern, entity_patterns, entity_rules, region_unit_rows
from ..text.tokenizer import Tokenizer
from .gazetteer import Gazetteer, available_regions, load_gazetteer

if TYPE_CHECKING:
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc, Token
    from spacy.vocab import Vocab
    from thinc.types import Ints2d

__all__ = ["extract_entities", "extract_entities_batch", "area_names", "cut"]

_PUNCT = re.compile(r"^[\W_]+$")
_NUMBER = re.compile(r"[一二三四五六七八九十百\d]+")


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


@cache
def _phrase_matcher(region: str) -> tuple[PhraseMatcher, dict[int, tuple[str, str]]]:
    """Gazetteer phrases of ``region`` (a name listed twice keeps its first entry)."""
    from spacy.matcher import PhraseMatcher


    names: dict[str, tuple[str, str]] = {}
    # the general phrases, then the region's own (its name: 鼓楼区, 鼓楼), which only a
    # document of that region matches
    for p in (*_patterns("districts.jsonl"), *entity_patterns("districts.jsonl", region)):
        if isinstance(p["pattern"], str):
            names.setdefault(p["pattern"], (str(p["label"]), str(p.get("id") or "")))
    areas = area_names(region)
    for name, unit in areas.items():
        names.setdefault(name, ("district", unit))
    for name in load_gazetteer(region).all_names():
        names.setdefault(name, ("unit", ""))
    by_label: dict[tuple[str, str], list[Doc]] = {}
    for name, label_id in names.items():
        by_label.setdefault(label_id, []).append(_char_doc(name))
    vocab = _vocab()
    matcher = PhraseMatcher(vocab)
    labels: dict[int, tuple[str, str]] = {}
    for (label, id_), docs in by_label.items():
        key, h = _keyed(vocab, label, id_)
        matcher.add(key, docs)
        labels[h] = (label, id_)
    return matcher, labels


def _char_doc(text: str) -> Doc:
    from spacy.tokens import Doc

    return Doc(_vocab(), words=list(text), spaces=[False] * len(text))


def _phrase_spans(text: str, region: str) -> list[_Span]:
    """Every ``(start, end, label, id)`` character range a gazetteer name covers."""
    return _phrase_matches([text], region)[0]


def _phrase_matches(texts: Sequence[str], region: str) -> list[list[_Span]]:
    """:func:`_phrase_spans` of each text, from one ``Doc`` of all of them.

    The texts are joined by a line break and the matcher runs once; a match is given to
    the text it starts in, in that text's offsets, and dropped if it runs past the
    text's end (no name holds a line break, so none does: the check is the guard).
    """
    matcher, labels = _phrase_matcher(region)
    starts: list[int] = []
    at = 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    out: list[list[_Span]] = [[] for _ in texts]
    for k, s, e in matcher(_char_doc("\n".join(texts))):
        i = bisect.bisect_right(starts, s) - 1
        base = starts[i]
        if e - base <= len(texts[i]):
            out[i].append((s - base, e - base, *labels[k]))
    for spans in out:
        spans.sort()
    return out


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


def _quoted(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"“[^“”]*”|《[^《》]*》", text)]


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    label: str
    governed_by: str | None
    source: str  # pattern id


def _longest(cands: list[_Cand]) -> list[_Cand]:
    """The longest candidates that overlap no longer (or earlier, equally long) one, in
    text order.

    Greedy, longest first; whether a candidate overlaps one already taken is read from
    the characters taken so far, so that the cost is the candidates' total length, not
    their number squared (a 1 MB line holds hundreds of thousands of candidates).
    """
    if not cands:
        return []
    size = max(c.end for c in cands) + 1
    taken = bytearray(size)  # characters covered by a taken candidate
    starts = bytearray(size)  # positions where a taken candidate starts
    points = bytearray(size)  # positions of taken empty candidates
    out: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.start)):
        s, e = c.start, c.end
        if s < e:
            # overlaps a taken candidate that covers a character of [s, e), or an empty
            # one strictly inside it
            if taken.find(1, s, e) >= 0 or points.find(1, s + 1, e) >= 0:
                continue
            taken[s:e] = b"\x01" * (e - s)
            starts[s] = 1
        else:
            # empty: overlaps a taken candidate that covers both sides of position s
            if s > 0 and taken[s - 1] and taken[s] and not starts[s]:
                continue
            points[s] = 1
        out.append(c)
    return sorted(out, key=lambda c: c.start)


class _Containment:
    """Whether a span lies inside one of many spans, in logarithmic time per question."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        self._reach: list[int] = []  # the furthest end among the spans up to each one
        furthest = -1
        for _, b in ordered:
            furthest = max(furthest, b)
            self._reach.append(furthest)

    def __call__(self, start: int, end: int) -> bool:
        """``any(a <= start and end <= b for a, b in spans)``."""
        i = bisect.bisect_right(self._starts, start)
        return i > 0 and self._reach[i - 1] >= end


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


_Entities = tuple[tuple[Entity, ...], tuple[Entity, ...]]


def extract_entities(text: str, gaz: Gazetteer) -> _Entities:
    """``(projects, districts)`` named in ``text``, in text order.

    >>> from kg.extract.gazetteer import load_gazetteer
    >>> p, d = extract_entities("全力推动南京华贸商务中心、金茂广场二期等高端载体建设", load_gazetteer("nanjing-gulou"))
    >>> [e.text for e in p]
    ['南京华贸商务中心', '金茂广场二期']
    """
    return extract_entities_batch([text], gaz)[0]


def extract_entities_batch(texts: Sequence[str], gaz: Gazetteer) -> list[_Entities]:
    """:func:`extract_entities` of each text (a document's tasks), the same results.

    spaCy's matchers cost about as much per call as per token, so each runs once on one
    ``Doc`` of all the texts and the matches are given back to their texts.
    """
    region = gaz.region if gaz.region in _regions() else None
    live = [t if t.strip() else "" for t in texts]
    token_matches = _token_matches(live, region)
    phrases = _phrase_matches(live, region) if region and any(live) else [[] for _ in live]
    return [
        _entities(text, gaz, region, token_matches[i], phrases[i]) if text else ((), ())
        for i, text in enumerate(live)
    ]


def _entities(text: str, gaz: Gazetteer, region: str | None, matched: _Matched, phrases: list[_Span]) -> _Entities:
    """The entities of one text from its matches (see :func:`extract_entities`)."""
    rules = _rules()
    in_quotes = _Containment(_quoted(text))
    cands: list[_Cand] = []
    blocked: list[tuple[int, int]] = []  # generic names: no part of them is a name either
    for sl, (ts, te, label, pid) in matched:
        doc, base = sl.doc, sl.base
        s, e = doc[ts].idx - base, doc[te - 1].idx + len(doc[te - 1]) - base
        name = text[s:e]
        if label == "project" and name.startswith("“") and name.endswith("”"):
            s, e, name = s + 1, e - 1, name[1:-1]
        elif in_quotes(s, e):
            continue  # a name inside a slogan (“一中心一特色”) is not a place or carrier
        if label == "project" and text.startswith(rules.not_followed_by, e):
            continue
        if name in rules.generic_names or name.startswith(rules.generic_modifiers):
            blocked.append((s, e))
            continue
        if label == "district" and _NUMBER.fullmatch(text[s : doc[te - 1].idx - base]):
            continue  # 十三片区: a number, not a name
        cands.append(_Cand(s, e, label, None, pid))
        if label == "district":
            cands.extend(_coordinated(text, s, name, sl))
    gov: list[_Cand] = []
    for s, e, label, pid in phrases:
        if label == "unit" or in_quotes(s, e):
            gov.append(_Cand(s, e, "unit", None, "unit"))
            continue
        unit = pid if pid in gaz.units else None
        gov.append(_Cand(s, e, "district", unit, pid))
    if not cands and not gov:
        return (), ()  # most tasks name nothing
    in_blocked = _Containment(blocked)
    cands = [c for c in cands if not in_blocked(c.start, c.end)]
    # gazetteer areas (and unit names, which block them) first, then the rule matches
    gov = _longest(gov)
    gov_starts = [g.start for g in gov]  # in text order
    districts = [c for c in gov if c.label == "district"]
    for c in cands:
        if c.label != "district":
            continue
        # the gazetteer matches inside c: those that start in [c.start, c.end] and end by c.end
        near = gov[bisect.bisect_left(gov_starts, c.start): bisect.bisect_right(gov_starts, c.end)]
        inner = [g for g in near if g.end <= c.end]
        if any(g.label == "unit" for g in inner):
            continue
        unit = next((g.governed_by for g in inner if g.governed_by), None)
        districts.append(_Cand(c.start, c.end, "district", unit, c.source))
    districts = _longest(districts)
    projects = _longest([c for c in cands if c.label == "project"])

    def ent(c: _Cand, label: str) -> Entity:
        name = text[c.start : c.end]
        if c.source.startswith("coordinated:"):
            name += c.source.split(":", 1)[1]
        return Entity(name, label, c.start, c.end, c.governed_by)

    return tuple(ent(c, "project") for c in projects), tuple(ent(c, "district") for c in districts)


def _coordinated(text: str, start: int, name: str, sl: _Slice) -> list[_Cand]:
    """``环南大、南工大硅巷``: the conjunct before 、 shares the suffix (环南大硅巷).

    The entity's offsets cover the conjunct as written; its text gets the suffix.
    """
    suffix = next((x for x in _rules().coordinated_suffixes if name.endswith(x)), None)
    if suffix is None or start < 2 or text[start - 1] != "、":
        return []
    # the conjunct's last token ends where the 、 token starts
    doc = sl.doc
    comma = doc.char_span(sl.base + start - 1, sl.base + start)
    if comma is None or comma.start == sl.first:
        return []
    is_name = doc.user_data["kg_name"]
    first = last = comma.start - 1
    if not is_name[last]:
        return []
    while first > sl.first and is_name[first - 1]:
        first -= 1
    conjunct = doc[first : last + 1]
    if len(conjunct.text) > 5:
        return []
    return [_Cand(conjunct.start_char - sl.base, conjunct.end_char - sl.base, "district", None, "coordinated:" + suffix)]


@cache
def _area_words(region: str | None) -> frozenset[str]:
    return frozenset(area_names(region)) if region else frozenset()


@cache
def _regions() -> frozenset[str]:

    return frozenset(available_regions())
