"""kg's own matcher for the token patterns of ``ontology/patterns`` (spaCy's pattern
language, kept as data): ``TokenMatcher`` and ``PhraseIndex``.

The patterns use a small part of spaCy's ``Matcher`` language, and this module accepts
only that part (anything else is a :class:`~kg.errors.OntologyError` when the patterns are
loaded): per token ``TEXT`` (a string, or ``{"REGEX"|"IN"|"NOT_IN": …}``), ``TAG``
(``{"IN": …}``) and ``_: {"kg_name": bool}``, all of which must hold, and ``OP`` ``?``,
``*`` or ``+``. Like spaCy's ``Matcher``, it returns **every** non-empty token range
``[start, end)`` that a pattern matches (not only the longest), once per pattern key;
``tests/test_token_patterns.py`` checks that against spaCy on the bundled documents.

How: every pattern element (``+`` unrolled into one element and a ``*``) is one bit of
one non-deterministic automaton over all patterns; each distinct token is turned once
into the bits of the elements it satisfies, and a run from each start token is a few
integer operations per token (a Python ``Doc`` and a spaCy matcher call per task cost
~100 µs; this costs ~5 µs for a typical task).

``PhraseIndex`` replaces spaCy's ``PhraseMatcher`` over characters: every occurrence of
every phrase, found by a dictionary of the phrases' lengths per first character.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import OntologyError

__all__ = ["TokenMatcher", "PhraseIndex", "Tok"]

Tok = tuple[str, str, bool]  # word, POS tag, may be part of a name (_.kg_name)
_Pred = Callable[[Tok], bool]


def _text_pred(spec: Any, where: str) -> _Pred:
    if isinstance(spec, str):
        return lambda t: t[0] == spec
    if isinstance(spec, dict) and len(spec) == 1:
        (how, arg), = spec.items()
        if how == "REGEX":
            rx = re.compile(arg)
            return lambda t: rx.search(t[0]) is not None
        if how == "IN":
            ins = frozenset(arg)
            return lambda t: t[0] in ins
        if how == "NOT_IN":
            outs = frozenset(arg)
            return lambda t: t[0] not in outs
    raise OntologyError(f"{where}: unsupported TEXT condition {spec!r}")


def _element(spec: Mapping[str, Any], where: str) -> tuple[list[_Pred], str]:
    preds: list[_Pred] = []
    op = "1"
    for key, value in spec.items():
        if key == "OP":
            if value not in ("?", "*", "+"):
                raise OntologyError(f"{where}: unsupported OP {value!r}")
            op = value
        elif key in ("TEXT", "ORTH"):
            preds.append(_text_pred(value, where))
        elif key == "TAG" and isinstance(value, dict) and list(value) == ["IN"]:
            tags = frozenset(value["IN"])
            preds.append(lambda t, tags=tags: t[1] in tags)  # type: ignore[misc]
        elif key == "_" and isinstance(value, dict) and list(value) == ["kg_name"] and isinstance(value["kg_name"], bool):
            want = value["kg_name"]
            # first: the cheapest condition, and the one most tokens fail
            preds.insert(0, lambda t, want=want: t[2] is want)  # type: ignore[misc]
        else:
            raise OntologyError(f"{where}: unsupported token condition {key}: {value!r}")
    return preds, op


@dataclass(frozen=True)
class _Automaton:
    preds: tuple[tuple[_Pred, ...], ...]  # per bit: the conditions of its element
    init: int  # the first element of every pattern, before the epsilon closure
    step1: int  # elements that consume one token and move on (no OP, ?)
    star: int  # elements that consume tokens and stay (*)
    eps: int  # elements that may be skipped (?, *)
    accept: int  # the bit after each pattern's last element
    keys: dict[int, int]  # accept bit → the index of the pattern's key


class TokenMatcher:
    """Every ``(start, end, key)`` token range matched by patterns added under ``key``."""

    def __init__(self, patterns: Iterable[tuple[str, Sequence[Mapping[str, Any]]]]) -> None:
        preds: list[tuple[_Pred, ...]] = []
        init = step1 = star = eps = accept = 0
        self.key_names: list[str] = []
        keys: dict[int, int] = {}
        for key, pattern in patterns:
            if not pattern:
                raise OntologyError(f"token pattern {key}: empty")
            if key not in self.key_names:
                self.key_names.append(key)
            init |= 1 << len(preds)
            for n, spec in enumerate(pattern):
                p, op = _element(spec, f"token pattern {key}, token {n}")
                for o in ("1", "*") if op == "+" else (op,):
                    bit = 1 << len(preds)
                    preds.append(tuple(p))
                    if o == "*":
                        star |= bit
                    else:
                        step1 |= bit
                    if o in ("?", "*"):
                        eps |= bit
            bit = 1 << len(preds)
            preds.append(())  # the accept bit: no token satisfies it
            accept |= bit
            keys[bit] = self.key_names.index(key)
        self._a = _Automaton(tuple(preds), init, step1, star, eps, accept, keys)
        self._start = self._closure(init)
        self.mask = lru_cache(maxsize=200_000)(self._mask)

    def _closure(self, s: int) -> int:
        eps = self._a.eps
        while True:
            nxt = s | ((s & eps) << 1)
            if nxt == s:
                return s
            s = nxt

    def _mask(self, tok: Tok) -> int:
        """The elements ``tok`` satisfies, as bits (each distinct token once)."""
        m = 0
        for i, ps in enumerate(self._a.preds):
            if ps and all(p(tok) for p in ps):
                m |= 1 << i
        return m

    def __call__(self, toks: Sequence[Tok]) -> list[tuple[int, int, str]]:
        """Every ``(start, end, key)`` match, sorted; each once."""
        a = self._a
        masks = [self.mask(t) for t in toks]
        start, step1, star, accept = self._start, a.step1, a.star, a.accept
        out: set[tuple[int, int, str]] = set()
        n = len(toks)
        for s in range(n):
            if not start & masks[s]:
                continue
            state = start
            for t in range(s, n):
                m = masks[t]
                state = self._closure((((state & step1 & m) << 1)) | (state & star & m))
                if not state:
                    break
                hit = state & accept
                while hit:
                    bit = hit & -hit
                    out.add((s, t + 1, self.key_names[a.keys[bit]]))
                    hit ^= bit
        return sorted(out)


class PhraseIndex:
    """Every ``(start, end, key)`` character range of ``text`` that is one of the phrases."""

    def __init__(self, phrases: Mapping[str, str]) -> None:
        self._phrases = {p: k for p, k in phrases.items() if p}
        lengths: dict[str, set[int]] = {}
        for p in self._phrases:
            lengths.setdefault(p[0], set()).add(len(p))
        self._lengths = {c: tuple(sorted(ls)) for c, ls in lengths.items()}
        self._first = re.compile("[" + "".join(map(re.escape, sorted(self._lengths))) + "]") if self._lengths else None

    def __call__(self, text: str) -> list[tuple[int, int, str]]:
        if self._first is None:
            return []
        phrases, lengths = self._phrases, self._lengths
        out: list[tuple[int, int, str]] = []
        size = len(text)
        for m in self._first.finditer(text):
            i = m.start()
            for n in lengths[text[i]]:
                if i + n > size:
                    break  # the lengths are in ascending order
                key = phrases.get(text[i : i + n])
                if key is not None:
                    out.append((i, i + n, key))
        return sorted(out)
