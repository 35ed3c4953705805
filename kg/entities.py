"""Projects and districts/areas named in a task: ``extract_entities``.

Two spaCy pipelines (``spacy.blank("zh")``, no trained model), each segmenting the text
the way its rules need:

* **jieba tokens** for suffix patterns. The task is cut once with ``jieba.posseg``
  (every gazetteer unit and area name is added to jieba first, so that 由区|发改委 or
  湖南路片区 stay whole); every token gets ``_.kg_name`` — it may be part of a name
  unless it is punctuation, a bare number or a stop token
  (``ontology/patterns/entity_rules.json``). A ``SpanRuler`` with the token patterns of
  ``ontology/patterns/projects.jsonl`` and ``districts.jsonl`` then finds names ending in
  a carrier suffix (…中心, …广场二期, …大楼, …小镇二期, …小学新校区, 地铁N号线,
  …过江通道, “…行动”, …园, …街区, …工程) or an area suffix (…片区, …地区, …区域,
  …硅巷, A—B).
* **characters** for gazetteer names: a ``SpanRuler`` over a character-per-token doc
  with phrase patterns for every street, every area a unit governs (the ``governs`` and
  ``area_aliases`` columns of the region's ``units.csv``), the district itself (phrase
  patterns in ``districts.jsonl``) and, to block them, every unit name.

Spans are filtered longest-first per label; names inside quotes are areas only when a
pattern asks for the quotes; names in ``generic_names`` (文化街区, 市政工程 …) or
opening with a ``generic_modifiers`` word (积淹水片区, 风险地区) are dropped. A district
links to the unit that governs it (``governed_by``): 华侨路街道 → 华侨路街道,
滨江 / 滨江区域 → 滨江商务区管委会, 湖南路片区 → 湖南路管委会.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from .gazetteer import Gazetteer, ontology_path
from .models import Entity

__all__ = ["extract_entities", "area_names", "cut"]

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
    with (ontology_path() / "patterns" / "entity_rules.json").open(encoding="utf-8") as fh:
        d = json.load(fh)
    return _Rules(
        frozenset(d["stop_tokens"]), frozenset(d["stop_pos"]), frozenset(d["generic_names"]),
        tuple(sorted(d["generic_modifiers"], key=len, reverse=True)),
        tuple(d["project_not_followed_by"]), tuple(d["coordinated_suffixes"]),
        tuple(d["triggers"]), bool(d.get("jieba_hmm", False)), tuple(d.get("jieba_words", [])),
    )


def _patterns(name: str) -> list[dict[str, object]]:
    with (ontology_path() / "patterns" / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@cache
def area_names(region: str) -> dict[str, str]:
    """Area name → canonical name of the unit that governs it, for ``region``.

    Read from the ``governs`` and optional ``area_aliases`` (``|``-separated) columns of
    ``ontology/regions/<region>/units.csv``.

    >>> area_names("nanjing-gulou")["滨江"]
    '滨江商务区管委会'
    """
    path = ontology_path() / "regions" / region / "units.csv"
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names = [row.get("governs") or ""] + (row.get("area_aliases") or "").split("|")
            for n in names:
                n = n.strip()
                if n:
                    out.setdefault(n, row["canonical"])
    return out


# -- jieba ------------------------------------------------------------------------------

@cache
def _jieba():  # type: ignore[no-untyped-def]
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    rules = _rules()
    for w in (*rules.stop_tokens, *rules.jieba_words):
        if len(w) > 1 and w not in _ADDED:
            jieba.add_word(w)
            _ADDED.add(w)
    return jieba, jieba.posseg


_ADDED: set[str] = set()


def _add_words(words: Iterable[str], tag: str) -> None:
    jieba, _ = _jieba()
    for w in words:
        if w and w not in _ADDED:
            jieba.add_word(w, tag=tag)
            _ADDED.add(w)


@cache
def _prepare(region: str) -> bool:
    """Teach jieba every unit and area name of ``region`` (once)."""
    from .gazetteer import load_gazetteer

    gaz = load_gazetteer(region)
    _add_words(gaz.all_names(), "nt")
    _add_words(area_names(region), "ns")
    return True


def cut(text: str, region: str | None = None, pos: bool = False) -> list[tuple[str, str]]:
    """jieba words of ``text`` (with POS flags when ``pos``), gazetteer names kept whole."""
    jieba, posseg = _jieba()
    if region:
        _prepare(region)
    if pos:
        return [(p.word, p.flag) for p in posseg.lcut(text)]
    return [(w, "") for w in jieba.lcut(text)]


# -- spaCy ------------------------------------------------------------------------------

@cache
def _token_nlp():  # type: ignore[no-untyped-def]
    import spacy
    from spacy.tokens import Token

    if not Token.has_extension("kg_name"):
        Token.set_extension("kg_name", default=False)
    nlp = spacy.blank("zh")
    ruler = nlp.add_pipe("span_ruler", name="kg_token_ruler", config={"spans_key": "kg"})
    ruler.add_patterns(_patterns("projects.jsonl") + [p for p in _patterns("districts.jsonl") if isinstance(p["pattern"], list)])
    return nlp


@cache
def _char_nlp(region: str):  # type: ignore[no-untyped-def]
    import spacy

    from .gazetteer import load_gazetteer

    nlp = spacy.blank("zh")  # the default Chinese segmenter is one token per character
    ruler = nlp.add_pipe("span_ruler", name="kg_gazetteer_ruler", config={"spans_key": "kg", "phrase_matcher_attr": "ORTH"})
    patterns: list[dict[str, object]] = [p for p in _patterns("districts.jsonl") if isinstance(p["pattern"], str)]
    areas = area_names(region)
    gaz = load_gazetteer(region)
    for name, unit in areas.items():
        patterns.append({"label": "district", "id": unit, "pattern": name})
    for name in gaz.all_names():
        if name not in areas:
            patterns.append({"label": "unit", "pattern": name})
    ruler.add_patterns(patterns)
    return nlp


_CLAUSE = re.compile(r"[^，；。！？\n]+|[，；。！？\n]")
_SKIP = "skip"


@lru_cache(maxsize=200_000)
def _clause_pairs(clause: str, region: str | None) -> tuple[tuple[str, str], ...]:
    """jieba words and POS flags of one clause; a clause with no trigger stays one token.

    Names never cross a clause boundary, and most clauses name nothing: only those that
    contain a pattern suffix (``triggers``) are cut. Repeated clauses are cut once.
    """
    rules = _rules()
    if not any(t in clause for t in rules.triggers):
        return ((clause, _SKIP),)
    _, posseg = _jieba()
    if region:
        _prepare(region)
    return tuple((p.word, p.flag) for p in posseg.lcut(clause, HMM=rules.hmm) if p.word)


def _token_doc(text: str, region: str | None):  # type: ignore[no-untyped-def]
    from spacy.tokens import Doc

    nlp = _token_nlp()
    pairs = [pair for m in _CLAUSE.finditer(text) for pair in _clause_pairs(m.group(), region)]
    words = [w for w, _ in pairs]
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    rules = _rules()
    for i, (tok, (w, flag)) in enumerate(zip(doc, pairs, strict=True)):
        tok.tag_ = flag or "x"
        prev = pairs[i - 1][0] if i else ""
        if flag == _SKIP:
            tok._.kg_name = False
        elif w.isdigit():
            # digits are part of a name only when glued to letters (5G网络安全工程中心)
            nxt = pairs[i + 1][0] if i + 1 < len(pairs) else ""
            tok._.kg_name = bool(re.match(r"[A-Za-z]", nxt))
        elif prev.isdigit() and not re.match(r"[A-Za-z]", w):
            tok._.kg_name = False  # the classifier of a count: 2处|积淹水片区
        else:
            tok._.kg_name = not (
                _PUNCT.match(w) or w.isspace() or w in rules.stop_tokens
                or (flag in rules.stop_pos and len(w) > 1 and w not in _area_words(region))
            )
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def _char_doc(text: str, region: str):  # type: ignore[no-untyped-def]
    from spacy.tokens import Doc

    nlp = _char_nlp(region)
    words = list(text)
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


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
    out: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.start)):
        if all(c.end <= o.start or c.start >= o.end for o in out):
            out.append(c)
    return sorted(out, key=lambda c: c.start)


def extract_entities(text: str, gaz: Gazetteer) -> tuple[tuple[Entity, ...], tuple[Entity, ...]]:
    """``(projects, districts)`` named in ``text``, in text order.

    >>> from kg.gazetteer import load_gazetteer
    >>> p, d = extract_entities("全力推动南京华贸商务中心、金茂广场二期等高端载体建设", load_gazetteer("nanjing-gulou"))
    >>> [e.text for e in p]
    ['南京华贸商务中心', '金茂广场二期']
    """
    if not text.strip():
        return (), ()
    region = gaz.region if gaz.region in _regions() else None
    rules = _rules()
    quoted = _quoted(text)

    def in_quotes(s: int, e: int) -> bool:
        return any(a <= s and e <= b for a, b in quoted)

    tdoc = _token_doc(text, region)
    cands: list[_Cand] = []
    blocked: list[tuple[int, int]] = []  # generic names: no part of them is a name either
    for span in tdoc.spans["kg"]:
        s, e = span.start_char, span.end_char
        name = text[s:e]
        if span.label_ == "project" and name.startswith("“") and name.endswith("”"):
            s, e, name = s + 1, e - 1, name[1:-1]
        elif in_quotes(s, e):
            continue  # a name inside a slogan (“一中心一特色”) is not a place or carrier
        if span.label_ == "project" and text.startswith(rules.not_followed_by, e):
            continue
        if name in rules.generic_names or name.startswith(rules.generic_modifiers):
            blocked.append((s, e))
            continue
        if span.label_ == "district" and re.fullmatch(r"[一二三四五六七八九十百\d]+", text[s : span[-1].idx]):
            continue  # 十三片区: a number, not a name
        cands.append(_Cand(s, e, span.label_, None, span.id_))
        if span.label_ == "district":
            cands.extend(_coordinated(text, s, name, tdoc))
    gov: list[_Cand] = []
    if region:
        cdoc = _char_doc(text, region)
        for span in cdoc.spans["kg"]:
            s, e = span.start_char, span.end_char
            if span.label_ == "unit" or in_quotes(s, e):
                gov.append(_Cand(s, e, "unit", None, "unit"))
                continue
            unit = span.id_ if span.id_ in gaz.units else None
            gov.append(_Cand(s, e, "district", unit, span.id_))
    cands = [c for c in cands if not any(a <= c.start and c.end <= b for a, b in blocked)]
    # gazetteer areas (and unit names, which block them) first, then the rule matches
    gov = _longest(gov)
    districts = [c for c in gov if c.label == "district"]
    for c in cands:
        if c.label != "district":
            continue
        inner = [g for g in gov if g.start >= c.start and g.end <= c.end]
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


def _coordinated(text: str, start: int, name: str, doc) -> list[_Cand]:  # type: ignore[no-untyped-def]
    """``环南大、南工大硅巷``: the conjunct before 、 shares the suffix (环南大硅巷).

    The entity's offsets cover the conjunct as written; its text gets the suffix.
    """
    suffix = next((x for x in _rules().coordinated_suffixes if name.endswith(x)), None)
    if suffix is None or start < 2 or text[start - 1] != "、":
        return []
    last = next((t for t in doc if t.idx + len(t.text) == start - 1), None)
    if last is None or not last._.kg_name:
        return []
    first = last
    while first.i > 0 and doc[first.i - 1]._.kg_name:
        first = doc[first.i - 1]
    if last.idx + len(last.text) - first.idx > 5:
        return []
    return [_Cand(first.idx, last.idx + len(last.text), "district", None, "coordinated:" + suffix)]


@cache
def _area_words(region: str | None) -> frozenset[str]:
    return frozenset(area_names(region)) if region else frozenset()


@cache
def _regions() -> frozenset[str]:
    from .gazetteer import available_regions

    return frozenset(available_regions())
