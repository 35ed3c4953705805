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
from typing import Any

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


# ---------------------------------------------------------------------------------------
# Traditional characters and inserted pinyin: a matching form, mapped back to the text


# 經(jīng): a pinyin syllable in brackets right after a Chinese character, inserted by some
# mirror sites; it is kept in the text as written and ignored for matching.
_PINYIN_NOISE = re.compile(rf"(?<=[{_CJK}])[（(][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{{1,7}}[）)]")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # imported on first use: most documents are in simplified characters

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def _simplified_char(ch: str) -> str:
    if not ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"):
        return ch
    out = _t2s().convert(ch)
    return out if len(out) == 1 else ch




def matching_form(text: str) -> tuple[str, list[str]]:
    """``text`` in simplified characters without inserted pinyin, and for every character of
    it the piece of ``text`` it stands for (the character as written, with its pinyin).

    Conversion is character by character, so that every character maps back.

    >>> m, pieces = matching_form("湘西經（jīng）開區（qū）管委會")
    >>> m, "".join(pieces[2:4])
    ('湘西经开区管委会', '經（jīng）開')
    """
    out: list[str] = []
    pieces: list[str] = []
    pos = 0
    for noise in (*_PINYIN_NOISE.finditer(text), None):
        end = noise.start() if noise else len(text)
        for ch in text[pos:end]:
            out.append(_simplified_char(ch))
            pieces.append(ch)
        if noise:
            if pieces:
                pieces[-1] += noise.group(0)
            pos = noise.end()
    return "".join(out), pieces


def needs_matching_form(text: str) -> bool:
    """Whether ``text`` is written in traditional characters (more than 2% of its Chinese
    characters, so that a 繁體中文 link on a page does not count) or holds inserted pinyin.

    >>> needs_matching_form("加大簡政放權力度"), needs_matching_form("加入收藏 | 繁體中文 | " + "推进改革工作。" * 20)
    (True, False)
    """
    if _PINYIN_NOISE.search(text):
        return True
    if _t2s().convert(text) == text:
        return False  # (the converter's own loop is fast; most documents stop here)
    cjk = traditional = 0
    for ch in text:
        if "\u3400" <= ch <= "\u9fff":
            cjk += 1
            traditional += _simplified_char(ch) != ch
    return traditional > 0 and traditional * 50 > cjk


class Restorer:
    """Maps strings of a document's matching form back to the document as written.

    Built from the lines as written; :meth:`restore` finds a string of the matching form
    in the matching text and returns what the document writes there; :meth:`offsets`
    maps every character offset of such a string.
    """

    def __init__(self, lines: list[str]) -> None:
        texts: list[str] = []
        self.pieces: list[str] = []
        for i, line in enumerate(lines):
            m, p = matching_form(line)
            if i:
                texts.append("\n")
                self.pieces.append("\n")
            texts.append(m)
            self.pieces.extend(p)
        self.text = "".join(texts)

    def offsets(self, s: str) -> tuple[str, list[int]]:
        """``s`` as written, and for each offset 0..len(s) of ``s`` the offset in it."""
        out: list[str] = []
        offs: list[int] = []
        length = 0
        hint = 0
        for part in re.split(r"(\n| \| )", s):
            found = self.text.find(part, hint) if part else -1
            if found < 0 and part:
                found = self.text.find(part)
            for k, ch in enumerate(part):
                piece = self.pieces[found + k] if found >= 0 and not part.startswith((" | ", "\n")) else ch
                offs.append(length)
                out.append(piece)
                length += len(piece)
            if found >= 0:
                hint = found + len(part)
        offs.append(length)
        return "".join(out), offs

    def restore(self, s: str) -> str:
        return self.offsets(s)[0]
