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

Each token pattern states its ``needs``: strings of which every match holds one. Only the
stretches of a text (between ，；。) that hold some pattern's needs are tokenised and matched,
each by the matcher of the patterns it can hold (:mod:`kg.extract.entity_tokens`).

Both are matched by spaCy (``spacy.matcher.Matcher`` and ``PhraseMatcher`` on one blank
``Vocab``), on ``Doc`` objects built from those tokens or characters: no spaCy tokenizer
or pipeline runs, and spaCy is imported only when a text needs matching (a clause with a
pattern suffix, or a text of a region with a gazetteer). :func:`extract_entities_batch`
matches a document's tasks together: one token ``Doc`` and one character ``Doc`` per
document (the stretches joined by a token, or the texts by a line break, that no pattern
crosses), the matches given back to their tasks by offset.

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
from functools import cache
from typing import TYPE_CHECKING

from ..models import Entity
from ..resources import entity_patterns
from .entity_tokens import (
    _keyed,
    _Matched,
    _patterns,
    _rules,
    _Slice,
    _Span,
    _token_matches,
    _vocab,
    area_names,
    cut,
)
from .gazetteer import Gazetteer, available_regions, load_gazetteer

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

__all__ = ["extract_entities", "extract_entities_batch", "area_names", "cut"]

_NUMBER = re.compile(r"[一二三四五六七八九十百\d]+")


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
def _regions() -> frozenset[str]:

    return frozenset(available_regions())
