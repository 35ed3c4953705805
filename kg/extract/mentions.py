"""Stage 3b: fill every task's indicators, projects and districts (``enrich_document``).

``kg.extract`` calls :func:`enrich_document` on every document it extracts. For a task
plan the text searched is the task without its responsibility clause (unit names in
``（…主办，…协办）`` are units, not places). For a work report every statement is searched
whole, and each indicator gets a *period*:

* ``"actual"`` — the statement lies in a section whose title, or an enclosing section's
  title, looks back (回顾, 过去一年, 上年, 去年, or names the year before the report's
  year: ``2019年政府主要工作回顾`` in the 2020 report), or the sentence itself opens with
  an earlier year or 去年 (``2019年，地区生产总值突破1600亿元``);
* ``"target"`` — everything else: the plan part (``2020年政府主要工作任务``) with its main
  targets paragraph (今年全区国民经济和社会发展的主要预期目标为：…).

In both kinds a figure that reports progress (:func:`kg.extract.indicators.in_progress`: its sentence
or paragraph opens with a period to date such as ``1-2月，`` ``截至`` ``目前`` or with 已) is
an achieved figure: in a work report it is ``"actual"``; in a task plan (a progress column,
进展情况, printed in the task's row) it is not one of the task's targets and is left out.

When ``doc.year`` is ``None`` the report's year is read from the text
(:func:`detect_report_year`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ..models import DocumentKind, ExtractedDocument, Indicator, Section, Task
from .entities import extract_entities_batch
from .gazetteer import Gazetteer
from .indicators import extract_indicators, in_progress

__all__ = ["enrich_document", "detect_report_year", "past_sections", "task_text"]

_LOOK_BACK = re.compile(r"回顾|过去一年|过去的一年|上年|去年|上一年")
_YEAR = re.compile(r"((?:19|20)\d\d)年")
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？\n]?")


def detect_report_year(doc: ExtractedDocument) -> int | None:
    """The year a work report is about, from its headings, else its title and first lines.

    ``2020年政府主要工作任务`` → 2020; ``2019年政府主要工作回顾`` → 2020; else the most
    frequent year in the title and the first lines.
    """
    for s in doc.sections:
        m = _YEAR.search(s.title)
        if m and re.search(r"工作任务|工作安排|主要目标|预期目标", s.title):
            return int(m.group(1))
    for s in doc.sections:
        m = _YEAR.search(s.title)
        if m and _LOOK_BACK.search(s.title):
            return int(m.group(1)) + 1
    head = [doc.title, *(ln.text for ln in doc.source.lines[:30])]
    years = Counter(int(y) for text in head for y in _YEAR.findall(text))
    if years:
        return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return None


def past_sections(sections: tuple[Section, ...], year: int | None) -> frozenset[int]:
    """Ordinals of the sections that report past results (their own title or an ancestor's)."""
    by_ordinal = {s.ordinal: s for s in sections}

    def looks_back(s: Section) -> bool:
        if _LOOK_BACK.search(s.title):
            return True
        if year is not None:
            years = [int(y) for y in _YEAR.findall(s.title)]
            # a heading dated the year before (2019年政府主要工作回顾), not a date line
            if years and all(y < year for y in years) and not re.search(r"\d月", s.title):
                return True
        return False

    past = set()
    for s in sections:
        cur: Section | None = s
        seen = set()
        while cur is not None and cur.ordinal not in seen:
            seen.add(cur.ordinal)
            if looks_back(cur):
                past.add(s.ordinal)
                break
            cur = by_ordinal.get(cur.parent) if cur.parent is not None else None
    return frozenset(past)


def task_text(task: Task, kind: DocumentKind) -> str:
    r"""The part of a task searched for mentions: without its responsibility clause. When
    the clause is a bracket with text after it (a heading's ``（牵头单位：…）`` and then the
    items that carry the targets), that text is searched too: the clause is blanked out
    with line breaks, so that offsets stay those of the task text.

    >>> from kg.models import Responsibility
    >>> t = Task(1, "1", 1, "推进园区建设。（牵头单位：市发改委）\n1.新增企业1500家。", None,
    ...          Responsibility(clause="（牵头单位：市发改委）", clause_start=7))
    >>> task_text(t, DocumentKind.TASK_PLAN).split("\n")[0], task_text(t, DocumentKind.TASK_PLAN)[-12:]
    ('推进园区建设。', '1.新增企业1500家。')
    """
    cs = task.responsibility.clause_start
    if kind is DocumentKind.TASK_PLAN and cs > 0:
        text = task.text
        close = _bracket_end(text, cs)
        if close is not None and text[close:].strip(" \n。；"):
            return text[:cs] + "\n" * (close - cs) + text[close:]
        return text[:cs]
    return task.text


_OPENING = frozenset("（【[")
_BRACKET = re.compile(r"[（【\[）】\]]")


def _bracket_end(text: str, start: int) -> int | None:
    """The position after the bracket that opens at ``start``, or ``None`` (any of （【[ opens,
    any of ）】] closes).

    >>> _bracket_end("推进（区发改委【牵头】）。", 2), _bracket_end("推进（区发改委", 2), _bracket_end("推进", 0)
    (12, None, None)
    """
    if start >= len(text) or text[start] not in _OPENING:
        return None
    depth = 0
    for m in _BRACKET.finditer(text, start):  # the brackets only, not every character
        if m.group() in _OPENING:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    return None


def _sentence_period(text: str, pos: int, year: int | None, default: str) -> str:
    """``actual`` when the sentence around ``pos`` opens with an earlier year or 去年."""
    for m in _SENTENCE.finditer(text):
        if m.start() <= pos < m.end():
            head = m.group()[:8]
            if re.match(r"(去年|上年|过去一年)", head):
                return "actual"
            y = _YEAR.match(head)
            if y and year is not None:
                return "actual" if int(y.group(1)) < year else "target"
            return default
    return default


def _indicators(text: str, period: str, year: int | None, report: bool) -> tuple[Indicator, ...]:
    found = extract_indicators(text, period)
    if not report:
        return tuple(i for i in found if i.start < 0 or not in_progress(text, i.start))
    return tuple(
        replace(i, period="actual" if in_progress(text, i.start) else _sentence_period(text, i.start, year, period))
        if i.start >= 0 else i
        for i in found
    )


def enrich_document(doc: ExtractedDocument, gaz: Gazetteer) -> ExtractedDocument:
    """``doc`` with every task's ``indicators``, ``projects`` and ``districts`` filled."""
    report = doc.kind is DocumentKind.WORK_REPORT
    year = doc.year
    if year is None and report:
        year = detect_report_year(doc)
    past = past_sections(doc.sections, year) if report else frozenset()
    tasks = []
    texts = [task_text(t, doc.kind) for t in doc.tasks]
    entities = extract_entities_batch(texts, gaz)  # spaCy's matchers once per document
    for t, text, (projects, districts) in zip(doc.tasks, texts, entities, strict=True):
        period = "actual" if t.section in past else "target"
        indicators = _indicators(text, period, year, report)
        if (indicators, projects, districts) == (t.indicators, t.projects, t.districts):
            tasks.append(t)  # nothing found (most tasks name no project or area): no copy
            continue
        tasks.append(replace(t, indicators=indicators, projects=projects, districts=districts))
    return replace(doc, tasks=tuple(tasks), year=year)
