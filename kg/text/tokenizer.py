"""Word tokenizing (jieba's cuts and tags), accelerated by rjieba.

:class:`Tokenizer` is for code whose output must stay exactly what plain jieba gives
(``kg.extract.entities``): a dictionary of its own that grows the way ``jieba.add_word`` grows
jieba's, cut and tagged like ``jieba.posseg`` without HMM. By default it runs on ``rjieba``
(a dependency of kg; a Rust port of jieba with the same dictionary and algorithm, 5–15×
faster; a missing rjieba is an error, not a silent fallback); ``KG_SEGMENTER=jieba`` selects
plain ``jieba``. With rjieba it computes the frequency jieba would give every added word
(from jieba's ``dict.txt``, looked up by binary search instead of loading it: ~0.1 s instead
of ~2 s for jieba and its tag table) and keeps rjieba's word total equal to jieba's, so both
backends find the same routes; ``tests/test_rjieba.py`` proves it on the example corpus,
``tests/test_tokenizer.py`` on the scored corpora (cuts with and without HMM, tags). Two
corrections make rjieba's output jieba's: a word outside jieba's ``dict.txt`` is tagged ``x``,
and with HMM a run without Han characters is cut as jieba's ``finalseg`` cuts it.
"""

from __future__ import annotations

import bisect
import os
import re
from typing import Any

__all__ = ["Tokenizer"]


def _want() -> str:
    return os.environ.get("KG_SEGMENTER", "").strip().lower()


class Tokenizer:
    """A jieba dictionary of its own: words added as ``jieba.add_word`` adds them, text cut
    as ``jieba.lcut`` cuts it and tagged as ``jieba.posseg.lcut(text, HMM=False)`` tags it.

    Backed by rjieba, or by jieba with ``KG_SEGMENTER=jieba``. Not
    thread-safe: callers hold one per process and add words before cutting.
    """

    def __init__(self, backend_name: str | None = None) -> None:
        want = backend_name or _want()
        self._impl: _RjiebaDict | _JiebaDict | None = None
        if want != "jieba":  # rjieba is a dependency of kg: no fallback when it is missing
            self._impl = _RjiebaDict()
        else:
            self._impl = _JiebaDict()
        self.backend = self._impl.name
        self._log: list[tuple[str, str | None]] = []
        self._posseg: _JiebaDict | None = None

    def add_word(self, word: str, tag: str | None = None) -> None:
        """``jieba.add_word(word, tag=tag)``: the frequency jieba suggests, the tag if given."""
        assert self._impl is not None
        self._log.append((word, tag))
        self._impl.add_word(word, tag)
        if self._posseg is not None:
            self._posseg.add_word(word, tag)

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        """``jieba.lcut(text, HMM=hmm)``."""
        assert self._impl is not None
        return self._impl.cut(text, hmm)

    def tag(self, text: str) -> list[tuple[str, str]]:
        """``[(w.word, w.flag) for w in jieba.posseg.lcut(text, HMM=False)]``."""
        assert self._impl is not None
        return self._impl.tag(text)

    def posseg(self, text: str) -> list[tuple[str, str]]:
        """``jieba.posseg.lcut(text)`` with HMM, always by jieba (its HMM tags words itself)."""
        if isinstance(self._impl, _JiebaDict):
            return self._impl.posseg(text)
        if self._posseg is None:
            self._posseg = _JiebaDict()
            for word, tag in self._log:
                self._posseg.add_word(word, tag)
        return self._posseg.posseg(text)


class _JiebaDict:
    name = "jieba"

    def __init__(self) -> None:
        import logging

        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        self._tok = jieba.Tokenizer()
        self._tok.initialize()
        self._pos = jieba.posseg.POSTokenizer(self._tok)

    def add_word(self, word: str, tag: str | None) -> None:
        self._tok.add_word(word, tag=tag)

    def cut(self, text: str, hmm: bool) -> list[str]:
        return self._tok.lcut(text, HMM=hmm)  # type: ignore[no-any-return]

    def tag(self, text: str) -> list[tuple[str, str]]:
        return [(p.word, p.flag) for p in self._pos.lcut(text, HMM=False)]

    def posseg(self, text: str) -> list[tuple[str, str]]:
        return [(p.word, p.flag) for p in self._pos.lcut(text, HMM=True)]


_ASCII_WORD = re.compile(r"[a-zA-Z0-9]+")
# jieba.finalseg's re_han and re_skip
_HAN = re.compile(r"[\u4E00-\u9FD5]")
_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
# A word no text can contain (jieba cuts private-use characters one by one): its
# frequency makes up the difference between rjieba's word total and jieba's.
_PAD = "\U000f0000\U000f0001"


class _RjiebaDict:
    """rjieba with jieba's dictionary arithmetic.

    ``jieba.add_word(w)`` gives ``w`` the frequency ``suggest_freq(w)`` computes from the
    frequencies of the words ``w`` is cut into, and adds it to the total even when ``w``
    was already a word; rjieba rounds the suggestion differently and replaces the old
    frequency in the total. Here every frequency is computed as jieba does (same float
    operations), from jieba's own ``dict.txt``, and passed to rjieba explicitly; the
    difference in totals goes to a word that never occurs in text. ``posseg`` tags every
    run of ASCII letters and digits ``eng`` and takes user tags over the dictionary's;
    both are applied to rjieba's tags.
    """

    name = "rjieba"

    def __init__(self) -> None:
        self._rj = _rjieba_class()()
        self._lines, self.total = _jieba_dict()
        self._rj_total = self.total
        self._freq: dict[str, int] = {}  # added words and their new prefixes (0)
        self._user_tags: dict[str, str] = {}
        self._in_dict: dict[str, bool] = {}  # whether a word tagged has a line in dict.txt

    def _lookup(self, s: str) -> int | None:
        """jieba's ``FREQ.get(s)``: a word's frequency, 0 for a prefix of a word, else None."""
        f = self._freq.get(s)
        if f is not None:
            return f
        key = s.encode("utf-8")
        lines = self._lines
        i = bisect.bisect_left(lines, key + b" ")
        if i < len(lines) and lines[i].startswith(key + b" "):
            # the last line of a word wins in jieba (duplicates sort by their content)
            j = i
            while j + 1 < len(lines) and lines[j + 1].startswith(key + b" "):
                j += 1
            return int(lines[i if i == j else _last_line(lines, i, j)].split(b" ")[1])
        i = bisect.bisect_left(lines, key)
        return 0 if i < len(lines) and lines[i].startswith(key) else None

    def add_word(self, word: str, tag: str | None) -> None:
        # jieba.Tokenizer.suggest_freq(word, tune=False), operation for operation
        ftotal = float(self.total)
        freq: float = 1
        for seg in self._rj.cut(word, False):
            f = self._lookup(seg)
            freq *= (1 if f is None else f) / ftotal
        old = self._lookup(word)
        new = max(int(freq * self.total) + 1, 1 if old is None else old)
        # jieba.Tokenizer.add_word(word, new, tag)
        self._freq[word] = new
        self.total += new
        if tag:
            self._user_tags[word] = tag
        for k in range(1, len(word)):
            if self._lookup(word[:k]) is None:
                self._freq[word[:k]] = 0
        self._rj.add_word(word, new, tag or None)
        # rjieba replaces an existing word's frequency in its total; jieba adds to it
        self._rj_total += new - (old or 0)
        self._rj.add_word(_PAD, self.total - self._rj_total, None)

    def cut(self, text: str, hmm: bool) -> list[str]:
        words: list[str] = self._rj.cut(text, hmm)
        if not hmm:
            return words
        # jieba's HMM step (finalseg) cuts a run of characters outside its dictionary that
        # holds no Han character at every letter-and-digit run (2021-03-08 → 2021|-|03|-|08,
        # www.gov.cn → www|.|gov|.|cn); rjieba keeps such a run whole
        out: list[str] = []
        for w in words:
            if len(w) > 1 and not _HAN.search(w) and not _SKIP.fullmatch(w) and not self._lookup(w):
                out.extend(x for x in _SKIP.split(w) if x)
            else:
                out.append(w)
        return out

    def tag(self, text: str) -> list[tuple[str, str]]:
        out = []
        user = self._user_tags
        in_dict = self._in_dict
        for w, t in self._rj.tag(text, False):
            if w in user:
                t = user[w]
            elif _ASCII_WORD.fullmatch(w) and (len(w) == 1 or not self._lookup(w)):
                t = "eng"  # posseg joins single ASCII characters into one "eng" word
            elif not t:
                t = "x"
            else:
                known = in_dict.get(w)
                if known is None:
                    known = in_dict[w] = self._dict_line(w) is not None
                if not known:
                    t = "x"  # rjieba's own dictionary tags characters jieba's lacks (務 "d")
            out.append((w, t))
        return out

    def _dict_line(self, w: str) -> bytes | None:
        """A line of jieba's ``dict.txt`` for the word ``w``, or ``None``."""
        key = w.encode("utf-8") + b" "
        lines = self._lines
        i = bisect.bisect_left(lines, key)
        return lines[i] if i < len(lines) and lines[i].startswith(key) else None

    def posseg(self, text: str) -> list[tuple[str, str]]:
        raise NotImplementedError  # Tokenizer.posseg uses jieba


def _last_line(lines: list[bytes], i: int, j: int) -> int:
    """Of the sorted duplicate lines ``i..j`` of one word, the one last in ``dict.txt``."""
    data = b"\n" + _jieba_dict_bytes()
    best, at = i, -1
    for k in range(i, j + 1):
        pos = data.rfind(b"\n" + lines[k] + b"\n")
        if pos > at:
            best, at = k, pos
    return best


def _rjieba_class() -> Any:
    """``rjieba.Jieba``, loaded without running ``rjieba/__init__.py``: that builds a
    default tokenizer (~0.1 s of every process's start) which kg never uses."""
    import importlib.machinery
    import importlib.util
    import sys

    mod = sys.modules.get("rjieba.rjieba")
    if mod is None:
        spec = importlib.util.find_spec("rjieba")  # finds the package without importing it
        if spec is None:
            raise ImportError("rjieba (a dependency of kg) is not installed; KG_SEGMENTER=jieba uses jieba")
        for folder in spec.submodule_search_locations or ():
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                path = os.path.join(folder, "rjieba" + suffix)
                if os.path.isfile(path):
                    loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", path)
                    ext_spec = importlib.util.spec_from_file_location("rjieba.rjieba", path, loader=loader)
                    assert ext_spec is not None
                    mod = importlib.util.module_from_spec(ext_spec)
                    loader.exec_module(mod)
                    # ``import rjieba`` later reuses it instead of loading it again
                    sys.modules["rjieba.rjieba"] = mod
                    break
            if mod is not None:
                break
    if mod is None:  # an unusual layout: the ordinary import
        import rjieba

        return rjieba.Jieba
    return mod.Jieba


def _jieba_dict_bytes() -> bytes:
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.origin is not None
    with open(os.path.join(os.path.dirname(spec.origin), "dict.txt"), "rb") as fh:
        return fh.read()


# The word total of the dictionaries jieba ships, by SHA-1 of dict.txt (summing it takes
# ~80 ms of every process's start): jieba 0.42.1.
_KNOWN_TOTALS = {"996ce5ef6d6e5c5d68dd7430a9822ef7d21b2c21": 60101967}


def _jieba_dict() -> tuple[list[bytes], int]:
    """The lines of jieba's ``dict.txt``, sorted for binary search, and its word total."""
    import hashlib

    data = _jieba_dict_bytes()
    lines = data.splitlines()
    lines.sort()
    known = _KNOWN_TOTALS.get(hashlib.sha1(data).hexdigest())
    if known is not None:
        return lines, known
    fields = data.split()
    if len(fields) == 3 * (len(lines) - lines.count(b"")):  # word, frequency, tag on every line
        total = sum(map(int, fields[1::3]))
    else:
        total = sum(int(ln.split(b" ")[1]) for ln in lines if ln)
    return lines, total
