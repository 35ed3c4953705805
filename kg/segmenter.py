"""Word segmentation (jieba cutting) through one helper, accelerated by rjieba when installed.

Every piece of kg that needs words calls :func:`cut` instead of ``jieba.lcut``:

* with the optional ``rjieba`` package (``pip install kg[fast]``; a Rust port of jieba
  with the same dictionary and the same algorithm: DAG of dictionary words, max
  probability route, HMM for unknown words) cutting is 5–15× faster;
* without it, plain ``jieba`` is used.

The helper owns its tokenizer (a ``jieba.Tokenizer`` or ``rjieba.Jieba`` of its own), so
words that other code adds to the global ``jieba`` never change its cuts. Both backends
give the same words for the same text; ``tests/test_rjieba.py`` proves it on the
whole example corpus. Set ``KG_SEGMENTER=jieba`` to force plain jieba.

Custom words (:func:`add_words`): ``jieba.add_word(w)`` and ``rjieba.add_word(w, None,
None)`` both give the word the frequency "just enough to keep it whole" but compute it
with a rounding that differs by one (jieba gives 1 where rjieba gives 2 for most
multi-word names). That difference never changed a cut of the corpus (the test adds
every gazetteer name and compares); pass ``freq=`` to give both backends the very same
dictionary. POS tagging (``jieba.posseg``, ~6× slower than cutting) is deliberately not
offered here: use a gazetteer or character match where it answers the question.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from typing import Any

__all__ = ["cut", "add_words", "backend", "reset"]

_lock = threading.Lock()
_impl: Any = None
_name: str | None = None
_added: dict[str, int | None] = {}
_forced: str | None = None


def _load() -> Any:
    global _impl, _name
    with _lock:
        if _impl is not None:
            return _impl
        want = _forced or os.environ.get("KG_SEGMENTER", "").strip().lower()
        if want != "jieba":
            try:
                import rjieba

                _impl, _name = rjieba.Jieba(), "rjieba"
            except ImportError:
                if want == "rjieba":
                    raise
        if _impl is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            _impl, _name = jieba.Tokenizer(), "jieba"
        for word, freq in _added.items():
            _add(word, freq)
        return _impl


def _add(word: str, freq: int | None) -> None:
    if _name == "rjieba":
        _impl.add_word(word, freq, None)
    else:
        _impl.add_word(word, freq=freq)


def backend() -> str:
    """``"rjieba"`` or ``"jieba"``: what :func:`cut` uses."""
    _load()
    assert _name is not None
    return _name


def cut(text: str) -> list[str]:
    """The words of ``text`` (jieba's default mode, HMM on), as a list."""
    impl = _load()
    if _name == "rjieba":
        return impl.cut(text, True)  # type: ignore[no-any-return]
    return impl.lcut(text, HMM=True)  # type: ignore[no-any-return]


def add_words(words: Iterable[str], freq: int | None = None) -> None:
    """Add words to the dictionary (e.g. gazetteer unit names) so that they are cut whole.

    Words are remembered, so a backend loaded later (or :func:`reset`) gets them too.
    """
    impl_loaded = _impl is not None
    for w in words:
        w = w.strip()
        if not w or _added.get(w, -1) == freq:
            continue
        _added[w] = freq
        if impl_loaded:
            _add(w, freq)


def reset(name: str | None = None) -> None:
    """Forget the loaded backend (tests): the next call loads ``name`` (or the default)."""
    global _impl, _name, _forced
    with _lock:
        _impl, _name, _forced = None, None, name
