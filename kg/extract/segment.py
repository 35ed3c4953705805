"""Stage 2: cut a document into sections and numbered items.

Numbering styles, from the outermost by convention: ``第一部分`` (chapter), ``一、`` and
articles ``第一条`` (at one level), ``（一）``, ``1.`` / ``1、``, ``1-1`` ids, ``（1）``, ``①``, and
table rows (a number in the first cell).
Which numbered items are *tasks* is not fixed by style: it is decided on the tree of
numbered items by where the responsibility clauses are (see :func:`kg.extract.number_tree.classify_numbered`). Items
above the tasks are section headings; items below are sub-points folded into their task.

A task runs over several paragraphs until its responsibility clause closes it (tasks
25–27 of the bundled plan); after that, unnumbered lines are not task text unless they
are labelled fields of the task (``牵头单位：…``, ``完成时限：…``).

Page noise — site navigation, metadata (索引号, 发布日期…), image names and the notice
that hands a plan out — is skipped (:func:`kg.extract.page_noise.page_noise`, rules in
``ontology/page_noise.json``). Tables whose separators were lost, one cell per line, are
rebuilt into rows from their header's column words
(:func:`kg.extract.table_lines.rebuild_vertical_tables`); table headers give the meaning
of each column (:mod:`kg.extract.table_header`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

from ..models import Line, RawItem, Section
from ..resources import responsibility_rules
from ..text.numbering import STYLE_RANK, number_of
from .number_tree import classify_numbered
from .page_noise import (
    document_title,
    page_noise,
)
from .table_header import (
    TableHeader,
    carried_down,
    detect_header,
    sub_header,
)
from .table_lines import (
    RUN_ON_ROW,
    join_broken_rows,
    rebuild_vertical_tables,
    row_number,
    split_cells,
)

__all__ = ["Segmentation", "segment_lines"]


@dataclass
class Segmentation:
    title: str
    sections: list[Section] = field(default_factory=list)
    items: list[RawItem] = field(default_factory=list)
    numbered_items: int = 0
    task_style: str | None = None
    header: TableHeader | None = None
    orphans: list[Line] = field(default_factory=list)  # unnumbered lines outside any task
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, message) warnings


@cache
def _labelled_field_re() -> re.Pattern[str]:
    d = responsibility_rules()
    labels = d["lead_labels"] + d["co_lead_labels"] + d["responsible_labels"] + d["leader_labels"] + d["deadline_labels"]
    # the bracket and colon after a label are optional: a label at the start is enough;
    # a two-character label (主办, 配合) needs its colon, else it is a verb (配合做好…)
    alternatives = "|".join(re.escape(lab) for lab in labels if len(lab) > 2)
    short = "|".join(re.escape(lab) for lab in labels if len(lab) <= 2)
    return re.compile(rf"[【\[（]?(?:{alternatives}|(?:{short})[：:])")


def _is_labelled_field(text: str) -> bool:
    return _labelled_field_re().match(text) is not None


_Numbered = list[tuple[int, tuple[str, str, str] | None]]


def segment_lines(
    lines: Sequence[Line],
    has_responsibility: Callable[[str], bool],
    report: bool = False,
    paragraph_tasks: bool = False,
) -> Segmentation:
    """Cut ``lines`` into sections and numbered items.

    ``has_responsibility(text)`` tells whether a text block carries a responsibility
    clause; it decides which numbering style numbers the tasks. With ``report`` (a work
    report), every paragraph becomes an item and numbered or short unpunctuated lines are
    headings. With ``paragraph_tasks``, a plan where no numbered item is a task takes its
    paragraphs that carry a clause as tasks.
    """
    noise = page_noise(lines, None if report else has_responsibility)
    seg = Segmentation(title=document_title(lines, noise))
    skipped_numbered = [lines[i] for i in sorted(noise) if number_of(lines[i].text)]
    if skipped_numbered and not report:
        seg.notes.append((skipped_numbered[0].number, (
            f"{len(skipped_numbered)} numbered line(s) in page noise or in the notice before the plan "
            "skipped: not tasks")))
    lines = [ln for i, ln in enumerate(lines) if i not in noise]
    enumerated: dict[int, tuple[str, str, str]] = {}
    if not report:
        lines, enumerated = _split_enumerations(join_broken_rows(rebuild_vertical_tables(lines)), has_responsibility)
    numbered = _numbered_lines(lines, enumerated)
    seg.numbered_items = sum(1 for _, n in numbered if n is not None)
    if report:
        return _segment_report(lines, numbered, seg)
    headers = _table_headers(lines, numbered, seg)
    roles = classify_numbered(lines, numbered, has_responsibility, seg.header is not None)
    task_styles = Counter(numbered[i][1][0] for i, r in roles.items() if r == "task")  # type: ignore[index]
    seg.task_style = task_styles.most_common(1)[0][0] if task_styles else None
    _Assembly(seg, has_responsibility).run(lines, numbered, headers, roles)
    if paragraph_tasks and not seg.items:
        _paragraph_tasks(seg, has_responsibility)
    return seg


def _numbered_lines(lines: Sequence[Line], enumerated: dict[int, tuple[str, str, str]]) -> _Numbered:
    """The number of each line (``(style, number, text)``, or ``None``): its numbering, an
    enumeration it was split from, or the number cell of a table row."""
    numbered = _article_run([(i, enumerated.get(i) or number_of(ln.text)) for i, ln in enumerate(lines)])
    for i, ln in enumerate(lines):
        number = row_number(ln.cells[0]) if ln.cells and numbered[i][1] is None else None
        if number is not None:
            numbered[i] = (i, ("row", number, " | ".join(ln.cells[1:])))
    return numbered


def _table_headers(lines: Sequence[Line], numbered: _Numbered, seg: Segmentation) -> dict[int, TableHeader]:
    """Table headers by line index: each one gives the meaning of the columns of the rows
    below it. Under a header, rows whose cell separators were lost are numbered as rows
    (``numbered`` is updated); columns not understood are noted."""
    headers: dict[int, TableHeader] = {}
    for i, ln in enumerate(lines):
        if numbered[i][1] is None or numbered[i][1][0] != "row":  # type: ignore[index]
            hdr = detect_header(ln)
            if hdr:
                headers[i] = hdr
                words = list(ln.cells) if ln.cells else split_cells(ln.text)
                unknown = [w for w, m in zip(words, hdr.meanings, strict=False) if m is None and w.strip()]
                if len(words) == len(hdr.meanings) and unknown:
                    seg.notes.append((ln.number, (
                        f"table column(s) {'、'.join(unknown)} not understood: their cells are neither "
                        "task text nor units (add the header word to ontology/columns.json)")))
    for i in sorted(headers):
        sub = sub_header(headers[i], lines[i], lines[i + 1]) if i + 1 < len(lines) and i + 1 not in headers else None
        if sub is not None:
            headers[i] = headers[i + 1] = sub
    if headers:
        seg.header = headers[min(headers)]
        _number_run_on_rows(lines, numbered, min(headers))
        seg.numbered_items = sum(1 for _, n in numbered if n is not None)
    return headers


def _number_run_on_rows(lines: Sequence[Line], numbered: _Numbered, first: int) -> None:
    """Under a table header (line ``first``), "1推进……" is a row whose cell separators were
    lost, and so is a row whose number cell reads 1. / 1、 / （1）."""
    for i, ln in enumerate(lines):
        if i <= first or ln.cells or (numbered[i][1] is not None and numbered[i][1][0] == "row"):  # type: ignore[index]
            continue
        m = RUN_ON_ROW.match(ln.text)
        if numbered[i][1] is None and m:
            numbered[i] = (i, ("row", m.group(1), m.group(2)))
            continue
        cells = split_cells(ln.text) if re.search(r"[\t|｜]", ln.text) else []
        number = row_number(cells[0]) if len(cells) >= 2 else None
        if number is not None:
            numbered[i] = (i, ("row", number, " | ".join(cells[1:])))


class _Assembly:
    """The sections and items of a plan, collected line by line: the open task takes the
    lines that continue it until its responsibility clause closes it."""

    def __init__(self, seg: Segmentation, has_responsibility: Callable[[str], bool]) -> None:
        self.seg = seg
        self.has_responsibility = has_responsibility
        self.section_stack: list[Section] = []
        self.current: dict[str, object] | None = None  # the open task being collected
        self.closed = True
        self.header: TableHeader | None = None
        self.prev_row: list[str] = []
        self.awaiting_value = False

    def run(
        self, lines: Sequence[Line], numbered: _Numbered, headers: dict[int, TableHeader], roles: dict[int, str],
    ) -> None:
        for idx, ln in enumerate(lines):
            n = numbered[idx][1]
            if idx in headers:
                self.flush()
                self.header = headers[idx]
                self.closed = True
                continue
            role = roles.get(idx)
            if n is not None and role == "heading":
                self.heading(n, ln)
            elif n is not None and role == "prose":
                self.flush()
                self.closed = True
                self.seg.orphans.append(ln)
            elif n is not None and role == "task":
                self.task(n, ln, last=idx == len(lines) - 1)
            elif self.current is not None and (
                not self.closed or n is not None or _is_labelled_field(ln.text) or self.awaiting_value
                or (ln.cells and not ln.cells[0].strip())
            ):
                # a deeper numbered sub-point, or an unnumbered line
                self.continuation(ln)
            else:
                self.seg.orphans.append(ln)
        self.flush()

    def flush(self) -> None:
        current = self.current
        if current is not None:
            self.seg.items.append(
                RawItem(
                    ordinal=len(self.seg.items) + 1,
                    number=str(current["number"]),
                    style=str(current["style"]),
                    line=int(current["line"]),  # type: ignore[call-overload]
                    text="\n".join(current["texts"]),  # type: ignore[arg-type]
                    section=int(current["section"]) if current["section"] is not None else None,  # type: ignore[call-overload]
                    cells=tuple(current["cells"]),  # type: ignore[arg-type]
                    columns=current["columns"],  # type: ignore[arg-type]
                )
            )
        self.current = None

    def heading(self, n: tuple[str, str, str], ln: Line) -> None:
        self.flush()
        level = STYLE_RANK[n[0]]
        stack = self.section_stack
        while stack and stack[-1].level >= level:
            stack.pop()
        sec = Section(
            ordinal=len(self.seg.sections) + 1, number=n[1], title=n[2].strip() or ln.text,
            line=ln.number, level=level, parent=stack[-1].ordinal if stack else None,
        )
        self.seg.sections.append(sec)
        stack.append(sec)
        self.closed = True
        self.prev_row = []  # a cell merged over rows never spans a section row

    def task(self, n: tuple[str, str, str], ln: Line, last: bool) -> None:
        self.flush()
        self.awaiting_value = False
        header = self.header
        # a task at the level of a heading before it is not inside that heading's section
        stack = self.section_stack
        while stack and stack[-1].level >= STYLE_RANK[n[0]]:
            stack.pop()
        row_cells: list[tuple[str, ...]] = [ln.cells[1:]] if ln.cells else []
        current: dict[str, object] = {
            "number": n[1], "style": n[0], "line": ln.number, "texts": [n[2] if not ln.cells else ln.text],
            "section": stack[-1].ordinal if stack else None, "cells": row_cells,
            "columns": header.meanings if header is not None and n[0] == "row" else None,
        }
        if ln.cells:
            current["texts"] = [" | ".join(ln.cells[1:])]
        if header is not None and n[0] == "row":
            row = list(ln.cells[1:]) if ln.cells else split_cells(n[2])
            filled = carried_down(row, self.prev_row, header, last=last)
            if filled is not row:
                current["cells"] = [tuple(filled)]
                current["texts"] = [" | ".join(filled)]
            self.prev_row = filled
        self.current = current
        # a table row is complete in itself; rows continuing it have an empty first cell
        self.closed = n[0] == "row" or self.has_responsibility(n[2])

    def continuation(self, ln: Line) -> None:
        assert self.current is not None
        texts = self.current["texts"]
        assert isinstance(texts, list)
        texts.append(ln.text if not ln.cells else " | ".join(ln.cells[1:]))
        # a label alone on its line (牵头单位：): its value is the next line
        self.awaiting_value = _is_labelled_field(ln.text) and bool(
            re.fullmatch(r"[【\[]?[^：】\]]{2,8}[】\]]?[：]?", ln.text))
        if ln.cells:
            cells_list = self.current["cells"]
            assert isinstance(cells_list, list)
            cells_list.append(ln.cells[1:])
        if self.has_responsibility("\n".join(texts)) and not ln.cells:
            self.closed = True


def _paragraph_tasks(seg: Segmentation, has_responsibility: Callable[[str], bool]) -> None:
    """A plan without numbering: each paragraph that carries a clause is a task (style
    ``paragraph``, numbered in order); a clause alone on its line (牵头单位：…) closes the
    paragraph before it."""
    pending: Line | None = None
    orphans: list[Line] = []
    for ln in seg.orphans:
        if ln.cells or not has_responsibility(ln.text):
            if pending is not None:
                orphans.append(pending)
            pending = ln
            continue
        texts = [ln.text]
        line = ln.number
        if _is_labelled_field(ln.text) and pending is not None:
            texts, line = [pending.text, ln.text], pending.number
        elif pending is not None:
            orphans.append(pending)
        pending = None
        n = len(seg.items) + 1
        seg.items.append(RawItem(ordinal=n, number=str(n), style="paragraph", line=line, text="\n".join(texts), section=None))
    if pending is not None:
        orphans.append(pending)
    seg.orphans = orphans
    if seg.items:
        seg.task_style = "paragraph"
        seg.notes.append((seg.items[0].line, (
            f"no numbered tasks: {len(seg.items)} unnumbered paragraph(s) with a responsibility clause read as tasks")))


_ENUM = re.compile(r"(?:(?<=[。；：！？\s])|^)([一二三四五六七八九十]{1,2})是")
_ENUM_ORDER = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")


def _enumeration(text: str) -> list[tuple[int, str]]:
    """Where the items ``一是…二是…三是…`` of a paragraph start, in order from 一是 (at least two).

    >>> _enumeration("做强旅游。一是提升民宿品质。二是办好音乐节。")
    [(5, '一是'), (14, '二是')]
    >>> _enumeration("坚持统一是前提。二是办好音乐节。")
    []
    """
    if "是" not in text:
        return []  # asked about every line; the regex has no literal to skip ahead with
    chain: list[tuple[int, str]] = []
    for m in _ENUM.finditer(text):
        if len(chain) < len(_ENUM_ORDER) and m.group(1) == _ENUM_ORDER[len(chain)]:
            chain.append((m.start(), m.group(0)))
    return chain if len(chain) >= 2 else []


def _split_enumerations(
    lines: list[Line], has_responsibility: Callable[[str], bool],
) -> tuple[list[Line], dict[int, tuple[str, str, str]]]:
    """A paragraph whose ``一是…二是…`` items each carry their own responsibility clause is
    a heading (its number and the words before 一是) over those items, each a numbered line
    of its own (style ``enum``, below every other style). A paragraph whose items share one
    clause stays whole. The same items written one per line are numbered the same way.
    Returns the lines and the numbering of the items made here.

    >>> out, nums = _split_enumerations([Line(3, "一、做强旅游。一是新培育民宿20家（镇文旅办负责）。"
    ...                                        "二是新增停车位800个（镇综治办负责）。")], lambda t: "负责" in t)
    >>> [ln.text for ln in out], sorted(nums.values())
    (['一、做强旅游。', '一是新培育民宿20家（镇文旅办负责）。', '二是新增停车位800个（镇综治办负责）。'], [('enum', '一是', '新培育民宿20家（镇文旅办负责）。'), ('enum', '二是', '新增停车位800个（镇综治办负责）。')])
    """
    out: list[Line] = []
    numbering: dict[int, tuple[str, str, str]] = {}
    for ln in lines:
        n = None if ln.cells else number_of(ln.text)
        rest = n[2] if n is not None else ln.text
        chain = [] if ln.cells else _enumeration(rest)
        starts = [p for p, _ in chain] + [len(rest)]
        pieces = [rest[starts[k] : starts[k + 1]].strip() for k in range(len(chain))]
        if sum(1 for p in pieces if has_responsibility(p)) < 2:
            out.append(ln)
            continue
        head = ln.text[: len(ln.text) - len(rest)] + rest[: starts[0]].strip()
        if head.strip():
            out.append(Line(ln.number, head, ln.location))
        for (_, word), piece in zip(chain, pieces, strict=True):
            numbering[len(out)] = ("enum", word, piece[len(word) :])
            out.append(Line(ln.number, piece, ln.location))
    # the same items one per line (一是…（A负责） / 二是…（B负责）): a run from 一是, in order
    run: list[int] = []
    for i, ln in enumerate([*out, Line(0, "")]):
        m = None if ln.cells or i in numbering or number_of(ln.text) else re.match(r"([一二三四五六七八九十]{1,2})是", ln.text)
        if m and len(run) < len(_ENUM_ORDER) and m.group(1) == _ENUM_ORDER[len(run)]:
            run.append(i)
            continue
        if len(run) >= 2 and sum(1 for k in run if has_responsibility(out[k].text)) >= 2:
            for k in run:
                word = out[k].text[: out[k].text.index("是") + 1]
                numbering[k] = ("enum", word, out[k].text[len(word) :])
        run = [i] if m and m.group(1) == "一" else []
    return out, numbering


def _article_run(
    numbered: list[tuple[int, tuple[str, str, str] | None]],
) -> list[tuple[int, tuple[str, str, str] | None]]:
    """Articles (``第二条…``) number items only in a document of articles: at least two,
    one of them ``第一条``. A lone paragraph opening with 第三条 is prose.

    >>> [n for _, n in _article_run([(0, number_of("第三条高速公路建成通车。"))])]
    [None]
    """
    articles = [n[1] for _, n in numbered if n is not None and n[0] == "article"]
    if len(articles) >= 2 and ("一" in articles or "1" in articles):
        return numbered
    return [(i, None if n is not None and n[0] == "article" else n) for i, n in numbered]


def _segment_report(
    lines: Sequence[Line], numbered: list[tuple[int, tuple[str, str, str] | None]], seg: Segmentation
) -> Segmentation:
    """Work reports: headings are numbered lines or short lines without sentence punctuation;
    every other paragraph is a statement."""
    stack: list[Section] = []
    for idx, ln in enumerate(lines):
        n = numbered[idx][1]
        short = len(ln.text) <= 40 and not re.search(r"[。；！？]", ln.text)
        if idx == 0:
            continue  # the title
        if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", ln.text):
            continue  # a date line (signature, issue date) is neither heading nor statement
        if short and (n is not None or not re.search(r"[：，]$|^——", ln.text)):
            level = STYLE_RANK[n[0]] if n else 0
            if n is not None and n[0] == "ar_dot":
                level = 1  # a numbered heading among 一、二、 headings is at their level
            while stack and stack[-1].level >= level:
                stack.pop()
            sec = Section(
                ordinal=len(seg.sections) + 1, number=n[1] if n else "", title=(n[2] if n else ln.text).strip(),
                line=ln.number, level=level, parent=stack[-1].ordinal if stack else None,
            )
            seg.sections.append(sec)
            stack.append(sec)
            continue
        seg.items.append(
            RawItem(
                ordinal=len(seg.items) + 1, number=str(len(seg.items) + 1), style="paragraph",
                line=ln.number, text=ln.text, section=stack[-1].ordinal if stack else None,
            )
        )
    return seg
