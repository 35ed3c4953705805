"""Text normalisation applied to every line before any parsing.

Government pages mix full-width and ASCII punctuation (``(`` and ``（``, ``,`` and ``，``)
and scatter stray spaces inside Chinese text. Everything downstream sees one canonical
form: full-width Chinese punctuation for ``（）：，；！？``, ASCII letters and digits, and no
spaces between Chinese characters. ``normalize_text`` is idempotent.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["normalize_text", "normalize_name"]

# Characters that mean "a space" or nothing at all in copied government text.
_SPACE_LIKE = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2009\u3000\u200a\u202f\u205f"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

# Full-width ASCII (U+FF01..U+FF5E) → ASCII, then these back to the Chinese forms.
_TO_CJK_PUNCT = {"(": "（", ")": "）", ";": "；", "!": "！", "?": "？"}
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_OR_PUNCT = _CJK + r"\u3000-\u303f\uff00-\uffef“”‘’—…·"

_RE_COMMA = re.compile(r"(?<!\d),|,(?!\d)")
_RE_COLON = re.compile(r"(?<!\d):|:(?!\d)")
_RE_SPACES_IN_CJK = re.compile(rf"(?<=[{_CJK_OR_PUNCT}]) (?=[{_CJK_OR_PUNCT}])")
_RE_SPACE_RUN = re.compile(r"[ ]{2,}")
_RE_SINGLE_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK_OR_PUNCT}]) (?=[{_CJK_OR_PUNCT}])")
_RE_TAB_BEFORE_PUNCT = re.compile(rf"(?<=[{_CJK_OR_PUNCT}])\t(?=[\u3001\uff0c\u3002\uff1b\uff1a\uff09])")
_RE_SPACE_IN_BRACKETS = re.compile(r"(?<=[（【\[])\s+|\s+(?=[）】\]])")
_RE_SPACE = re.compile(r"\s")
_RE_WHITESPACE = re.compile(r"\s+")


def _table() -> dict[int, str | None]:
    """One translation table: invisible characters out, space-likes to a space, full-width
    ASCII to ASCII, and the bracket/semicolon family to their Chinese forms."""
    table: dict[int, str | None] = {}
    table.update(_INVISIBLE)
    table.update(_SPACE_LIKE)
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    table[ord("．")] = "."
    for ascii_char, cjk in _TO_CJK_PUNCT.items():
        table[ord(ascii_char)] = cjk
        table[ord(ascii_char) + 0xFEE0] = cjk
    return table


_TABLE = _table()


def normalize_text(text: str) -> str:
    """Return ``text`` in the canonical form the parsers expect.

    >>> normalize_text("(区科技局,高新区管委会主办)")
    '（区科技局，高新区管委会主办）'
    >>> normalize_text("政 府 工 作 报 告  1,000")
    '政府工作报告\\t1,000'
    >>> normalize_text("责任单位:区发改委；时间10:30")
    '责任单位：区发改委；时间10:30'
    """
    # Each pattern needs a character most lines lack: looking for it first is cheaper
    # than running the pattern (every line of every document comes through here).
    text = text.translate(_TABLE)
    if "," in text:
        text = _RE_COMMA.sub("，", text)
    if ":" in text:
        text = _RE_COLON.sub("：", text)
    # A run of two or more spaces (or a tab) is kept as one tab: in copied tables it is
    # the only trace of a cell boundary. A single space between Chinese characters is noise.
    if " " in text:
        text = _RE_SPACE_RUN.sub("\t", text)
        text = _RE_SPACES_IN_CJK.sub("", text)
    if "\t" in text:
        text = _RE_TAB_BEFORE_PUNCT.sub("", text)
    if _RE_SPACE.search(text):
        text = _RE_SPACE_IN_BRACKETS.sub("", text)
    return text.strip(" \t")


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Canonical key for a unit name: normalised text, no spaces, NFKC-compatible.

    >>> normalize_name(" 区 发改委 ")
    '区发改委'
    """
    name = normalize_text(name)
    return unicodedata.normalize("NFC", _RE_WHITESPACE.sub("", name))
