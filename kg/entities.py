"""Projects and districts/areas named in a task: ``extract_entities``.

Two rule sets, written in spaCy's pattern language (``ontology/patterns``), each
matching the text cut the way its rules need:

* **jieba tokens** for suffix patterns. Every clause that contains a pattern suffix
  (``triggers``) is cut and POS-tagged as ``jieba.posseg`` does without HMM (every
  gazetteer unit and area name is added to the dictionary first, so that 由区|发改委 or
  湖南路片区 stay whole; see :class:`kg.segmenter.Tokenizer`, rjieba when installed);
  every token gets ``kg_name`` — it may be part of a name unless it is punctuation, a
  bare number or a stop token (``ontology/patterns/entity_rules.json``). The token
  patterns of ``ontology/patterns/projects.jsonl`` and ``districts.jsonl`` then find
  names ending in a carrier suffix (…中心, …广场二期, …大楼, …小镇二期, …小学新校区,
  地铁N号线, …过江通道, “…行动”, …园, …街区, …工程) or an area suffix (…片区, …地区,
  …区域, …硅巷, A—B).
* **characters** for gazetteer names: phrase patterns for every street, every area a
  unit governs (the ``governs`` and ``area_aliases`` columns of the region's
  ``units.csv``), the district itself (phrase patterns in ``districts.jsonl``) and, to
  block them, every unit name.

The patterns are matched here, not by spaCy's ``SpanRuler``: the files use a small part
of its language (``TEXT`` as a string, ``REGEX``, ``IN`` or ``NOT_IN``; ``TAG`` ``IN``;
``_.kg_name``; ``OP`` ``+ * ?``), and matching it directly spares each process spaCy's
import and each task two spaCy ``Doc`` objects (3× faster extraction). Any other key is
an error when the patterns load; ``tests/test_entities.py`` checks the matches against
spaCy's.

Spans are filtered longest-first per label; names inside quotes are areas only when a
pattern asks for the quotes; names in ``generic_names`` (文化街区, 市政工程 …) or
opening with a ``generic_modifiers`` word (积淹水片区, 风险地区) are dropped. A district
links to the unit that governs it (``governed_by``): 华侨路街道 → 华侨路街道,
滨江 / 滨江区域 → 滨江商务区管委会, 湖南路片区 → 湖南路管委会.
"""

from __future__ import annotations

import csv
import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate

from .gazetteer import Gazetteer, ontology_path
from .models import Entity

__all__ = ["extract_entities", "area_names", "cut"]

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

class _Words:
    """The one tokenizer of this module, and the words already added to it.

    Every stop token and ``jieba_words`` entry is added first, then the unit and area
    names of each region the first time the region is met (so, as with jieba's global
    dictionary before, a region's names stay in it for the rest of the process).
    """

    def __init__(self) -> None:
        from .segmenter import Tokenizer

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
    from .gazetteer import load_gazetteer

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


# -- token patterns -----------------------------------------------------------------------
#
# The pattern files are in spaCy's Matcher language (``ontology/patterns/*.jsonl``); the
# subset they use is matched here, which spares every process spaCy's import (~1 s) and
# every task a spaCy Doc. A match is every token range that the whole pattern matches
# (spaCy's non-greedy Matcher), found from a token the pattern must contain (its anchor).
# ``tests/test_entities.py`` checks the matches against spaCy's SpanRuler.

_Tok = tuple[str, str, bool]  # word, POS tag, may be part of a name (_.kg_name)
_Pred = Callable[[_Tok], bool]


def _text_pred(value: object) -> _Pred:
    if isinstance(value, str):
        return lambda t: t[0] == value
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op == "REGEX":
            rx = re.compile(str(arg))
            return lambda t: rx.search(t[0]) is not None
        if op == "IN":
            members = frozenset(arg)
            return lambda t: t[0] in members
        if op == "NOT_IN":
            members = frozenset(arg)
            return lambda t: t[0] not in members
    raise ValueError(f"unsupported TEXT value in an entity pattern: {value!r}")


def _tag_pred(tags: frozenset[str]) -> _Pred:
    return lambda t: t[1] in tags


def _spec(d: dict[str, object]) -> tuple[_Pred, str | None, int]:
    """``(predicate, OP, selectivity)`` of one token spec."""
    preds: list[_Pred] = []
    weight = 0
    for key, value in d.items():
        if key == "OP":
            if value not in ("+", "*", "?"):
                raise ValueError(f"unsupported OP in an entity pattern: {value!r}")
        elif key == "TEXT":
            preds.append(_text_pred(value))
            weight += 2 if isinstance(value, str) else 1
        elif key == "TAG" and isinstance(value, dict) and set(value) == {"IN"}:
            preds.append(_tag_pred(frozenset(value["IN"])))  # type: ignore[arg-type]
            weight += 1
        elif key == "_" and value == {"kg_name": True}:
            preds.append(lambda t: t[2])
        else:
            raise ValueError(f"unsupported key in an entity pattern: {key}={value!r}")
    if len(preds) == 1:
        pred = preds[0]
    else:
        def pred(t: _Tok, preds: tuple[_Pred, ...] = tuple(preds)) -> bool:
            return all(p(t) for p in preds)
    op = d.get("OP")
    return pred, op if isinstance(op, str) else None, weight


class _Seq:
    """A sequence of token specs (``+`` written as one then ``*``), matched as an NFA."""

    def __init__(self, specs: list[tuple[_Pred, str | None]]) -> None:
        self.preds = tuple(p for p, _ in specs)
        self.ops = tuple(o for _, o in specs)
        n = len(specs)
        # the states reachable from each state without consuming a token
        self.closure: list[frozenset[int]] = []
        for j in range(n + 1):
            reach, k = {j}, j
            while k < n and self.ops[k] in ("?", "*"):
                k += 1
                reach.add(k)
            self.closure.append(frozenset(reach))

    def ends(self, toks: Sequence[_Tok], i: int, step: int) -> list[int]:
        """Boundaries ``b`` such that the sequence matches the tokens from ``i`` up to ``b``:
        ``toks[i:b]`` going forward (``step`` 1), ``toks[b:i+1]`` going backward (-1)."""
        n = len(self.preds)
        states = self.closure[0]
        out = [i if step > 0 else i + 1] if n in states else []
        pos = i
        while states and 0 <= pos < len(toks):
            tok = toks[pos]
            nxt: set[int] = set()
            for j in states:
                if j < n and self.preds[j](tok):
                    nxt |= self.closure[j if self.ops[j] == "*" else j + 1]
            states = frozenset(nxt)
            pos += step
            if n in states:
                out.append(pos if step > 0 else pos + 1)
        return out


class _Pattern:
    def __init__(self, entry: dict[str, object]) -> None:
        self.label = str(entry["label"])
        self.id = str(entry.get("id") or "")
        specs: list[tuple[_Pred, str | None, int]] = []
        for d in entry["pattern"]:  # type: ignore[attr-defined]
            pred, op, weight = _spec(d)
            if op == "+":
                specs += [(pred, None, weight), (pred, "*", weight)]
            else:
                specs.append((pred, op, weight))
        # the anchor: a token the pattern must contain once, the most selective (last) one
        required = [k for k, (_, op, _) in enumerate(specs) if op is None]
        if not required:
            raise ValueError(f"entity pattern without a required token: {entry!r}")
        self.k = max(required, key=lambda k: (specs[k][2], k))
        self.anchor = specs[self.k][0]
        self.before = _Seq([(p, o) for p, o, _ in reversed(specs[: self.k])])
        self.after = _Seq([(p, o) for p, o, _ in specs[self.k + 1 :]])

    def matches(self, toks: Sequence[_Tok], at: Iterable[int]) -> Iterator[tuple[int, int]]:
        """``(start, end)`` token ranges the pattern matches, anchored at the tokens ``at``."""
        for a in at:
            starts = self.before.ends(toks, a - 1, -1)
            if starts:
                ends = self.after.ends(toks, a + 1, 1)
                for s in starts:
                    for e in ends:
                        yield s, e


class _TokenRules:
    def __init__(self, entries: list[dict[str, object]]) -> None:
        self.patterns = [_Pattern(e) for e in entries]
        self.anchors = list(dict.fromkeys(p.anchor for p in self.patterns))
        self.bit = {a: 1 << i for i, a in enumerate(self.anchors)}
        # which anchors a token satisfies, per token: words repeat, so do tokens
        self._masks: dict[_Tok, int] = {}

    def _mask(self, tok: _Tok) -> int:
        m = self._masks.get(tok)
        if m is None:
            m = sum(self.bit[a] for a in self.anchors if a(tok))
            if len(self._masks) >= 200_000:
                self._masks.clear()
            self._masks[tok] = m
        return m

    def spans(self, toks: Sequence[_Tok]) -> list[tuple[int, int, str, str]]:
        """Every ``(start, end, label, id)`` token range a pattern matches, in text order."""
        at: dict[int, list[int]] = {}
        for i, t in enumerate(toks):
            m = self._mask(t)
            while m:
                low = m & -m
                at.setdefault(low, []).append(i)
                m ^= low
        if not at:
            return []
        found: set[tuple[int, int, str, str]] = set()
        for p in self.patterns:
            positions = at.get(self.bit[p.anchor])
            if positions:
                for s, e in p.matches(toks, positions):
                    found.add((s, e, p.label, p.id))
        return sorted(found)


@cache
def _token_rules() -> _TokenRules:
    return _TokenRules(
        _patterns("projects.jsonl") + [p for p in _patterns("districts.jsonl") if isinstance(p["pattern"], list)]
    )


class _PhraseRules:
    """Gazetteer phrases matched character by character: every occurrence of every name."""

    def __init__(self, entries: list[tuple[str, str, str]]) -> None:
        self.names: dict[str, tuple[str, str]] = {}
        for text, label, id_ in entries:
            self.names.setdefault(text, (label, id_))  # a name listed twice keeps its first entry
        lengths: dict[str, set[int]] = {}
        for text in self.names:
            lengths.setdefault(text[0], set()).add(len(text))
        self.lengths = {c: tuple(sorted(ls)) for c, ls in lengths.items()}
        # the positions worth looking at: a character that starts a name
        self.first = re.compile("[" + "".join(sorted(map(re.escape, lengths))) + "]") if lengths else None

    def spans(self, text: str) -> list[tuple[int, int, str, str]]:
        out: list[tuple[int, int, str, str]] = []
        if self.first is None:
            return out
        names, lengths = self.names, self.lengths
        for m in self.first.finditer(text):
            i = m.start()
            for n in lengths[m.group()]:
                hit = names.get(text[i : i + n])
                if hit is not None:
                    out.append((i, i + n, *hit))
        return out


@cache
def _phrase_rules(region: str) -> _PhraseRules:
    from .gazetteer import load_gazetteer

    entries = [(str(p["pattern"]), str(p["label"]), str(p.get("id") or "")) for p in _patterns("districts.jsonl") if isinstance(p["pattern"], str)]
    areas = area_names(region)
    entries += [(name, "district", unit) for name, unit in areas.items()]
    entries += [(name, "unit", "") for name in load_gazetteer(region).all_names() if name not in areas]
    return _PhraseRules(entries)


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
    """The tokens of ``text``."""
    toks: list[_Tok] = []
    for clause in _CLAUSE.findall(text):
        toks.extend(_clause_tokens(clause, region))
    return toks


def _starts(toks: Sequence[_Tok]) -> list[int]:
    """The character offset of each token."""
    starts = list(accumulate([len(t[0]) for t in toks], initial=0))
    starts.pop()
    return starts


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

    toks = _tokens(text, region)
    spans = _token_rules().spans(toks)
    starts = _starts(toks) if spans else []
    cands: list[_Cand] = []
    blocked: list[tuple[int, int]] = []  # generic names: no part of them is a name either
    for ts, te, label, pid in spans:
        s, e = starts[ts], starts[te - 1] + len(toks[te - 1][0])
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
        if label == "district" and _NUMBER.fullmatch(text[s : starts[te - 1]]):
            continue  # 十三片区: a number, not a name
        cands.append(_Cand(s, e, label, None, pid))
        if label == "district":
            cands.extend(_coordinated(text, s, name, toks, starts))
    gov: list[_Cand] = []
    if region:
        for s, e, label, pid in _phrase_rules(region).spans(text):
            if label == "unit" or in_quotes(s, e):
                gov.append(_Cand(s, e, "unit", None, "unit"))
                continue
            unit = pid if pid in gaz.units else None
            gov.append(_Cand(s, e, "district", unit, pid))
    if not cands and not gov:
        return (), ()  # most tasks name nothing
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


def _coordinated(text: str, start: int, name: str, toks: Sequence[_Tok], starts: Sequence[int]) -> list[_Cand]:
    """``环南大、南工大硅巷``: the conjunct before 、 shares the suffix (环南大硅巷).

    The entity's offsets cover the conjunct as written; its text gets the suffix.
    """
    suffix = next((x for x in _rules().coordinated_suffixes if name.endswith(x)), None)
    if suffix is None or start < 2 or text[start - 1] != "、":
        return []
    # the conjunct's last token ends where the 、 starts
    i = bisect_left(starts, start - 1)
    if i == 0 or i == len(starts) or starts[i] != start - 1:
        return []
    last = i - 1
    if not toks[last][2]:
        return []
    first = last
    while first > 0 and toks[first - 1][2]:
        first -= 1
    end = starts[last] + len(toks[last][0])
    if end - starts[first] > 5:
        return []
    return [_Cand(starts[first], end, "district", None, "coordinated:" + suffix)]


@cache
def _area_words(region: str | None) -> frozenset[str]:
    return frozenset(area_names(region)) if region else frozenset()


@cache
def _regions() -> frozenset[str]:
    from .gazetteer import available_regions

    return frozenset(available_regions())
