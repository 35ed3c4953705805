"""A plan's year: the year a task plan is for, read from its title, its document number
(文号) or its issue date.

Precedence, first found wins:

1. **the title**: the first year written in it (``2021年重点工作任务分解方案`` → 2021; a span
   ``2021—2023年`` → its first year). The title says what the plan is for: a 2021 plan
   issued in December 2020 (文号 〔2020〕, dated 2020年12月28日) is a 2021 plan.
2. **the document number** (文号), on a line of its own or labelled (``文号：``, ``文件编号``,
   ``发文字号``): ``鼓政发〔2021〕12号``, ``[2021]``, ``（2021）``, ``【2021】``. A number quoted
   inside a sentence (根据《…》（宁政发〔2019〕5号）) names another document and is not read.
3. **the issue date**: a date on a line of its own (the signature, ``2021年1月5日``, also in
   brackets, in Chinese numerals ``二〇二一年一月五日``, or followed by 印发/发布), or labelled
   (``发布日期：2021-01-05``, ``发文日期``, ``成文日期``, ``印发日期``, ``发表时间``).

Only lines outside the tasks are read for 2 and 3 (``skip``: the caller passes the
lines of the task body): a year inside a task (2021年6月底前完成) is a deadline, not
the plan's year. Years outside 1949–2100 are not years.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass

from ..models import Issue, Line, SourceText, Task

__all__ = ["PlanYear", "plan_year", "year_of_plan", "YEAR_SOURCES"]

YEAR_SOURCES = ("title", "document number", "issue date")
FIRST_YEAR, LAST_YEAR = 1949, 2100

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}
_YEAR = r"(?:\d{4}|[〇零○Ｏ一二三四五六七八九]{4})"
# a year followed by 年, or the first year of a span (2021—2023年, 2021-2023年)
_TITLE_YEAR = re.compile(rf"(?<![\d〇零○一二三四五六七八九])({_YEAR})\s*(?:[-—–~～至到]\s*{_YEAR}\s*)?年")
# the year of a document number: 〔2021〕12号, [2021]12号, （2021）12号, 【2021】12号
_NUMBER = r"[\u4e00-\u9fff]{1,12}\s*[〔\[［（(【]\s*(\d{4})\s*[〕\]］）)】]\s*第?\s*\d+\s*号"
_NUMBER_ALONE = re.compile(rf"^\s*{_NUMBER}\s*$")
_NUMBER_LABELLED = re.compile(rf"(?:文号|文件编号|发文字号|发文号)\s*[]:：|｜\s]*\s*{_NUMBER}")
# a date alone on its line (brackets, 印发/发布 allowed), or after an issue-date label
_MD = r"\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
_DATE_ALONE = re.compile(rf"^\s*[（(]?\s*({_YEAR}){_MD}\s*(?:印发|发布|公布|起施行)?\s*[）)]?\s*$")
_DATE_LABELLED = re.compile(
    r"(?:发布日期|发文日期|成文日期|印发日期|发布时间|发文时间|发表时间|印发时间)\s*[]:：|｜\s]*\s*"
    rf"(\d{{4}})\s*(?:[-/.]\s*\d{{1,2}}\s*[-/.]\s*\d{{1,2}}|{_MD})"
)


@dataclass(frozen=True)
class PlanYear:
    """The year of a plan, where it was read (one of :data:`YEAR_SOURCES`) and on which
    line (0: the title, when its line is not among the lines given)."""

    year: int
    source: str
    line: int


def _as_year(text: str) -> int | None:
    """``"2021"`` or ``"二〇二一"`` → 2021; ``None`` outside 1949–2100."""
    digits = text if text.isascii() else "".join(str(_CN_DIGITS.get(c, "")) for c in text)
    if len(digits) != 4 or not digits.isdigit():
        return None
    year = int(digits)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _title_line(title: str, lines: Sequence[Line]) -> int:
    t = title.strip()
    return next((ln.number for ln in lines if ln.text.strip() == t), 0)


def plan_year(title: str, lines: Sequence[Line], skip: Container[int] = ()) -> PlanYear | None:
    """The year of the plan titled ``title`` with these ``lines`` (the lines whose number
    is in ``skip``, the tasks, are not read), by the precedence of the module's docstring.

    >>> from kg.models import Line
    >>> plan_year("2021年区政府重点工作任务分解方案", [Line(1, "鼓政办发〔2020〕88号")])
    PlanYear(year=2021, source='title', line=0)
    >>> plan_year("区政府主要工作目标任务分解方案", [Line(1, "鼓政办发〔2020〕88号")])
    PlanYear(year=2020, source='document number', line=1)
    >>> plan_year("区政府主要工作目标任务分解方案", [Line(9, "1.2021年6月底前完成。")], skip={9}) is None
    True
    """
    for t in _TITLE_YEAR.finditer(title):
        year = _as_year(t.group(1))
        if year is not None:
            return PlanYear(year, "title", _title_line(title, lines))
    outside = [ln for ln in lines if ln.number not in skip]
    for ln in outside:
        m = _NUMBER_ALONE.match(ln.text) or _NUMBER_LABELLED.search(ln.text)
        if m and (year := _as_year(m.group(1))) is not None:
            return PlanYear(year, "document number", ln.number)
    for ln in outside:
        m = _DATE_ALONE.match(ln.text) or _DATE_LABELLED.search(ln.text)
        if m and (year := _as_year(m.group(1))) is not None:
            return PlanYear(year, "issue date", ln.number)
    return None


def year_of_plan(source: SourceText, title: str, tasks: Sequence[Task], issues: list[Issue]) -> int | None:
    """:func:`plan_year` of an extracted plan, the lines of its tasks (from the first task's
    line to the last's) not read; a warning in ``issues`` when a plan with tasks has none
    (a plan without tasks has a warning of its own, and no targets to date)."""
    body = range(min(t.line for t in tasks), max(t.line for t in tasks) + 1) if tasks else range(0)
    found = plan_year(title, source.lines, body)
    if found is None and tasks:
        line = _title_line(title, source.lines) or (source.lines[0].number if source.lines else 0)
        issues.append(Issue(
            source.path, line,
            "no year found for this plan (none in its title, a document number such as 〔2021〕12号, "
            "or an issue date): its targets have no year; give it with --year", "no-year",
        ))
    return found.year if found else None
