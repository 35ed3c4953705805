"""Numbering styles of Chinese government documents, and the meaning of table header cells.

Styles, from the outermost by convention: ``第一部分`` (chapter), ``一、`` and articles
``第一条`` (at one level), ``（一）``, ``1.`` / ``1、``, ``1-1`` ids, ``（1）``, ``①``, and table
rows (a number in the first cell). Used by the
readers (to shape table grids) and by :mod:`kg.extract.segment` (to cut documents).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..resources import column_words as _column_words

__all__ = ["number_of", "STYLE_RANK", "column_meaning", "column_words"]

_CN_NUM = "一二三四五六七八九十百零〇两"
STYLE_RANK = {
    "chapter": 0, "cn_dun": 1, "article": 1, "cn_paren": 2, "ar_dot": 3, "row": 3, "ar_sub": 4, "ar_paren": 4,
    "circled": 5, "enum": 6,
}
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^第([{_CN_NUM}\d]{{1,4}})(?:部分|章|篇)\s*(.*)$", re.S)),
    # 第一条…第N条: articles (normalising drops the space after 条, so only a run of
    # articles from the first counts, see _article_run)
    ("article", re.compile(rf"^第([{_CN_NUM}]{{1,4}}|\d{{1,3}})条[\s：、.]*(.*)$", re.S)),
    ("cn_dun", re.compile(rf"^([{_CN_NUM}]{{1,4}})[、.]\s*(.*)$", re.S)),
    ("cn_paren", re.compile(rf"^（([{_CN_NUM}]{{1,4}})）[、.]?\s*(.*)$", re.S)),
    # （1）, 1）and the one-character ⑴…⒇
    ("ar_paren", re.compile(r"^（(\d{1,5})）[、.]?\s*(.*)$|^(\d{1,5})）\s*(.*)$|^([\u2474-\u2487])\s*(.*)$", re.S)),
    # 1. / 1、 and the one-character ⒈…⒛
    ("ar_dot", re.compile(r"^(\d{1,5})\s*[.、](?!\d)\s*(.*)$|^([\u2488-\u249b])\s*(.*)$", re.S)),
    # 1-1, 2-3, and 1.1 before a space: an item id under the 1. heading (not a month range
    # 1-2月, a score 3-1000 or a figure 1.5万)
    ("ar_sub", re.compile(r"^(\d{1,2}[-－]\d{1,3})(?![\d.%月日号年期天])\s*(.*)$|^(\d{1,2}\.\d{1,2})\s+(.*)$", re.S)),
    ("circled", re.compile(r"^([\u2460-\u2473])\s*(.*)$", re.S)),
)
# a row number may be compound (1-1, 2.3) when a table numbers sub-rows
_ROW_START = re.compile(r"^(?:[|｜]\s*)?(\d{1,5}(?:[-－.]\d{1,3})*)\s*[\t|｜]\s*(.*)$", re.S)


@lru_cache(maxsize=65536)
def number_of(text: str) -> tuple[str, str, str] | None:
    """``(style, number, rest)`` when ``text`` starts with a numbering, else ``None``
    (remembered: the segmenter asks about every line several times).

    >>> number_of("1.地区生产总值增长7%。")
    ('ar_dot', '1', '地区生产总值增长7%。')
    >>> number_of("（三）加强监管"), number_of("2020年目标")
    (('cn_paren', '三', '加强监管'), None)
    """
    m = _ROW_START.match(text)
    if m:
        return "row", m.group(1), m.group(2)
    for style, pat in _PATTERNS:
        m = pat.match(text)
        if m:
            groups = [g for g in m.groups() if g is not None]
            return style, groups[0], groups[1] if len(groups) > 1 else ""
    return None


def column_words() -> dict[str, list[str]]:
    """Each column meaning's header words (``ontology/columns.json``)."""
    return _column_words()


def column_meaning(header: str) -> str | None:
    """Meaning of a table header cell (``lead``, ``co_lead``, ``task``…), or ``None``.

    >>> column_meaning("牵头单位"), column_meaning("责任单位（配合单位）"), column_meaning("完成时限")
    ('lead', 'co_lead', 'deadline')
    """
    key = re.sub(r"\s+", "", header)
    # "责任单位（配合单位）": the bracketed word is the more specific meaning
    inner = re.search(r"[（(](.+?)[）)]", key)
    candidates = [inner.group(1), key] if inner else [key]
    best: tuple[int, str] | None = None
    for cand in candidates:
        for meaning, words in column_words().items():
            for w in words:
                if cand == w or (len(w) >= 2 and w in cand):
                    score = len(w) + (100 if cand == w else 0) + (50 if inner and cand == inner.group(1) else 0)
                    if best is None or score > best[0]:
                        best = (score, meaning)
    return best[1] if best else None
