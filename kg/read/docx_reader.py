"""Word .docx: paragraphs and tables in body order, with Word's list numbering restored.

The body's XML children are walked in order, so paragraphs between tables stay where
they are. A paragraph numbered by Word (``w:numPr``, directly or through its style)
shows a number that is not in its text; it is computed from the numbering definitions
(format and level text of each level, counters per list, restarts, nested levels) and
put in front of the text. Table cells are spread over the table grid (``gridSpan``,
``vMerge``, ``gridBefore``/``gridAfter``) before :class:`~kg.read.grid.TableShaper`
reads them. A table of one column is a frame around prose: its paragraphs are read as
paragraphs.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from ..text.normalize import normalize_text
from ..text.numbering import number_of
from .common import GridCell, LineSink, join_pieces
from .grid import TableShaper

__all__ = ["read"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {
    "w": W,
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}
_TEXT_XPATH = (
    ".//w:t[not(ancestor::w:txbxContent) and not(ancestor::mc:Fallback)]"
    " | .//w:tab[not(ancestor::w:txbxContent) and not(ancestor::mc:Fallback) and not(ancestor::w:tabs)]"
    " | .//w:br[not(ancestor::w:txbxContent) and not(ancestor::mc:Fallback)]"
    " | .//w:cr[not(ancestor::w:txbxContent) and not(ancestor::mc:Fallback)]"
    " | .//w:noBreakHyphen"
)
_TEXT_NODES = etree.XPath(_TEXT_XPATH, namespaces=_NS)


def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def _val(el: Any, tag: str) -> str | None:
    """``w:val`` of the child ``tag`` of ``el``, or ``None``."""
    if el is None:
        return None
    child = el.find(_q(tag))
    if child is None:
        return None
    return child.get(_q("w:val"))


def read(path: Path, data: bytes) -> LineSink:
    import docx

    document = docx.Document(io.BytesIO(data))
    reader = _DocxReader(document)
    reader.walk(document.element.body)
    return reader.sink


class _DocxReader:
    def __init__(self, document: Any) -> None:
        self.sink = LineSink()
        self.shaper = TableShaper(self.sink)
        self.numbering = _Numbering(document)
        self.styles = _style_numbering(document)
        self.paragraphs = 0

    def walk(self, container: Any) -> None:
        for child in _block_children(container):
            if child.tag == _q("w:p"):
                self.paragraph(child)
            elif child.tag == _q("w:tbl"):
                self.table(child)

    def paragraph(self, p: Any) -> None:
        self.paragraphs += 1
        text = paragraph_text(p)
        prefix = self.numbering.label(*self._num_pr(p))
        pieces = text.split("\n")
        if prefix and pieces and number_of(normalize_text(pieces[0])) is None:
            pieces[0] = prefix + pieces[0].lstrip()
        for k, piece in enumerate(pieces):
            loc = f"paragraph {self.paragraphs}" + (f" line {k + 1}" if len(pieces) > 1 else "")
            self.sink.prose(piece, loc)

    def _num_pr(self, p: Any) -> tuple[str | None, int]:
        ppr = p.find(_q("w:pPr"))
        num_pr = ppr.find(_q("w:numPr")) if ppr is not None else None
        num_id = _val(num_pr, "w:numId")
        ilvl = _val(num_pr, "w:ilvl")
        if num_id is None:
            style = _val(ppr, "w:pStyle")
            if style and style in self.styles:
                num_id, style_lvl = self.styles[style]
                ilvl = ilvl or style_lvl
        return num_id, int(ilvl) if ilvl and ilvl.isdigit() else 0

    def table(self, tbl: Any) -> None:
        rows = tbl.findall(_q("w:tr"))
        grid = [self._row_cells(tr) for tr in rows]
        width = max((len(r) for r in grid), default=0)
        if width <= 1:
            # a one-column table frames prose: read its paragraphs as paragraphs
            for tr in rows:
                for tc in tr.findall(_q("w:tc")):
                    self.walk(tc)
            return
        t = self.shaper.tables + 1
        spread = _spread_vertical(grid, width)
        self.shaper.add(spread, lambda i: f"table {t} row {i + 1}")

    def _row_cells(self, tr: Any) -> list[tuple[str, bool, bool]]:
        """(text, continues a vertical merge, covered by a horizontal span) per grid column."""
        cells: list[tuple[str, bool, bool]] = []
        tr_pr = tr.find(_q("w:trPr"))
        before = _val(tr_pr, "w:gridBefore")
        cells.extend(("", False, False) for _ in range(int(before or 0)))
        for tc in _cells_of_row(tr):
            tc_pr = tc.find(_q("w:tcPr"))
            span = int(_val(tc_pr, "w:gridSpan") or 1)
            vmerge_el = tc_pr.find(_q("w:vMerge")) if tc_pr is not None else None
            continues = vmerge_el is not None and vmerge_el.get(_q("w:val"), "continue") == "continue"
            text = join_pieces([paragraph_text(p) for p in tc.iter(_q("w:p"))])
            cells.append((text, continues, False))
            cells.extend((text, continues, True) for _ in range(span - 1))
        return cells


def _spread_vertical(grid: list[list[tuple[str, bool, bool]]], width: int) -> list[list[GridCell]]:
    out: list[list[GridCell]] = []
    for r, row in enumerate(grid):
        cells: list[GridCell] = []
        for j in range(width):
            text, continues, from_left = row[j] if j < len(row) else ("", False, False)
            if continues and r > 0 and j < len(out[r - 1]):
                cells.append(GridCell(out[r - 1][j].text, from_above=True, from_left=from_left))
            else:
                cells.append(GridCell(text, from_left=from_left))
        out.append(cells)
    return out


def _block_children(container: Any) -> Iterator[Any]:
    """Paragraphs and tables of a body or cell, looking into content controls."""
    for child in container:
        if child.tag in (_q("w:p"), _q("w:tbl")):
            yield child
        elif child.tag in (_q("w:sdt"), _q("w:customXml")):
            content = child.find(_q("w:sdtContent")) if child.tag == _q("w:sdt") else child
            if content is not None:
                yield from _block_children(content)


def _cells_of_row(tr: Any) -> Iterator[Any]:
    for child in tr:
        if child.tag == _q("w:tc"):
            yield child
        elif child.tag in (_q("w:sdt"), _q("w:customXml")):
            content = child.find(_q("w:sdtContent")) if child.tag == _q("w:sdt") else child
            if content is not None:
                yield from _cells_of_row(content)


def paragraph_text(p: Any) -> str:
    """The visible text of a ``w:p``: runs, hyperlinks, tracked insertions, fields;
    tabs as ``\\t``, line breaks as ``\\n``; deleted text and text boxes left out."""
    out: list[str] = []
    for el in _TEXT_NODES(p):
        tag = el.tag
        if tag == _q("w:t"):
            out.append(el.text or "")
        elif tag == _q("w:tab"):
            out.append("\t")
        elif tag == _q("w:br"):
            if el.get(_q("w:type")) in (None, "textWrapping"):
                out.append("\n")
        elif tag == _q("w:cr"):
            out.append("\n")
        else:
            out.append("-")
    return "".join(out)


def _style_numbering(document: Any) -> dict[str, tuple[str, str | None]]:
    """styleId → (numId, ilvl) for paragraph styles that number their paragraphs,
    following ``basedOn`` chains."""
    styles_el = document.styles.element
    direct: dict[str, tuple[str | None, str | None, str | None]] = {}
    for st in styles_el.findall(_q("w:style")):
        sid = st.get(_q("w:styleId"))
        if not sid:
            continue
        ppr = st.find(_q("w:pPr"))
        num_pr = ppr.find(_q("w:numPr")) if ppr is not None else None
        direct[sid] = (_val(num_pr, "w:numId"), _val(num_pr, "w:ilvl"), _val(st, "w:basedOn"))
    out: dict[str, tuple[str, str | None]] = {}
    for sid in direct:
        seen: set[str] = set()
        cur: str | None = sid
        while cur and cur in direct and cur not in seen:
            seen.add(cur)
            num_id, ilvl, based = direct[cur]
            if num_id is not None:
                if num_id != "0":
                    out[sid] = (num_id, ilvl)
                break
            cur = based
    return out


# --- list numbering -------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def chinese_number(n: int) -> str:
    """Chinese counting as Word writes it: 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一.

    >>> [chinese_number(n) for n in (1, 10, 12, 20, 21, 105)]
    ['一', '十', '十二', '二十', '二十一', '一百零五']
    """
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _CN_DIGITS[tens] + "十" + (_CN_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            return _CN_DIGITS[hundreds] + "百"
        tail = chinese_number(rest) if rest >= 10 else "零" + _CN_DIGITS[rest]
        if 10 <= rest < 20:
            tail = "一" + tail
        return _CN_DIGITS[hundreds] + "百" + tail
    return str(n)


def _roman(n: int) -> str:
    vals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for v, s in vals:
        while n >= v:
            out, n = out + s, n - v
    return out


def _letters(n: int) -> str:
    # Word repeats the letter: a…z, aa…zz
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """One level's counter in Word's ``numFmt``."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting",
               "taiwaneseCountingThousand", "japaneseCounting", "ideographDigital"):
        return chinese_number(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "ideographTraditional" and 1 <= n <= len(_TIANGAN):
        return _TIANGAN[n - 1]
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


class _Numbering:
    """Counters of Word's numbered lists, fed paragraph by paragraph in body order."""

    def __init__(self, document: Any) -> None:
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractId, start overrides)
        self.levels: dict[str, dict[int, tuple[int, str, str | None]]] = {}  # abstract → ilvl → (start, fmt, text)
        self.counters: dict[str, list[int]] = {}  # numId → counters per level
        try:
            part = document.part.numbering_part
        except (NotImplementedError, KeyError, AttributeError):
            return
        root = part.element
        for ab in root.findall(_q("w:abstractNum")):
            aid = ab.get(_q("w:abstractNumId"))
            if aid is not None:
                self.levels[aid] = {
                    int(lvl.get(_q("w:ilvl"), "0")): (
                        int(_val(lvl, "w:start") or 1),
                        _val(lvl, "w:numFmt") or "decimal",
                        _val(lvl, "w:lvlText"),
                    )
                    for lvl in ab.findall(_q("w:lvl"))
                }
        for num in root.findall(_q("w:num")):
            nid, aid = num.get(_q("w:numId")), _val(num, "w:abstractNumId")
            if nid is None or aid is None:
                continue
            overrides = {}
            for ov in num.findall(_q("w:lvlOverride")):
                start = _val(ov, "w:startOverride")
                if start is not None:
                    overrides[int(ov.get(_q("w:ilvl"), "0"))] = int(start)
            self.nums[nid] = (aid, overrides)

    def label(self, num_id: str | None, ilvl: int) -> str:
        """The number Word shows in front of the next paragraph of list ``num_id``."""
        if num_id is None or num_id == "0":
            return ""
        ilvl = max(0, min(ilvl, 8))
        aid, overrides = self.nums.get(num_id, ("", {}))
        levels = self.levels.get(aid, {})

        def start_of(level: int) -> int:
            if level in overrides:
                return overrides[level]
            return levels[level][0] if level in levels else 1

        counters = self.counters.get(num_id)
        if counters is None:
            counters = [start_of(k) - 1 for k in range(9)]
            self.counters[num_id] = counters
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = start_of(deeper) - 1
        for shallower in range(ilvl):  # a nested item before any parent shows the parent's start
            if counters[shallower] < start_of(shallower):
                counters[shallower] = start_of(shallower)
        if ilvl not in levels:
            # no definition: "1." at the top level, "（1）" below
            return f"{counters[ilvl]}." if ilvl == 0 else f"（{counters[ilvl]}）"
        _start, fmt, text = levels[ilvl]
        if fmt == "bullet" or not text:
            return ""

        def fill(k: int) -> str:
            lvl = levels.get(k)
            return format_number(counters[k], lvl[1] if lvl else "decimal")

        out = text
        for k in range(9):
            out = out.replace(f"%{k + 1}", fill(k))
        return out
