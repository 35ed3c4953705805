"""Page noise of government web pages copied as text — site navigation, metadata (索引号,
发布日期…), image names, the site footer and the notice that hands a plan out — found
line by line (rules in ``ontology/page_noise.json``), and the document's title."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

from ..models import Line
from ..resources import page_noise as page_noise_rules
from ..text.numbering import column_meaning, number_of
from .table_header import (
    header_words,
)

__all__ = ["page_noise", "document_title"]


class _AnyOf:
    """``search`` of the alternation of ``patterns``, tried as two regexes: the patterns
    anchored at the start (each alternative begins with ``^``) only at position 0, the
    others at every position (one alternation searched everywhere costs ~7 µs a line)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        anchored = [p for p in patterns if _anchored(p)]
        floating = [p for p in patterns if not _anchored(p)]
        self._start = re.compile("|".join(f"(?:{p})" for p in anchored)) if anchored else None
        self._anywhere = re.compile("|".join(f"(?:{p})" for p in floating)) if floating else None

    def search(self, text: str) -> bool:
        return bool(
            (self._start is not None and self._start.match(text))
            or (self._anywhere is not None and self._anywhere.search(text))
        )


def _anchored(pattern: str) -> bool:
    """Whether every top-level alternative of ``pattern`` starts with ``^``.

    >>> _anchored("^(a|b)c"), _anchored("^a|b"), _anchored("^[|]|^b"), _anchored("a^")
    (True, False, True, False)
    """
    alternatives, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
        i += 1
    alternatives.append(pattern[start:])
    return all(a.startswith("^") for a in alternatives)


@cache
def _noise_rules() -> tuple[re.Pattern[str], _AnyOf, re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    d = page_noise_rules()
    labels = "|".join(map(re.escape, sorted(d["metadata_labels"], key=len, reverse=True)))
    meta = re.compile(rf"^(?:[\[【]\s*(?:{labels})\s*[\]】]|(?:{labels})\s*[：:])|(?:{labels})\s*[：:].*(?:{labels})\s*[：:]")
    footer = re.compile("|".join(f"(?:{p})" for p in d["footer_marks"]))
    return meta, _AnyOf(d["navigation"]), footer, re.compile(d["addressee"]), re.compile(d["signature_date"])


# every match of the metadata regex holds one of these (a colon or a closing bracket)
_META_MARKS = re.compile(r"[：:\]】]")


@cache
def _footer_label_line() -> re.Pattern[str]:
    return re.compile(page_noise_rules()["footer_label_line"])


def _is_footer(text: str, footer: re.Pattern[str]) -> bool:
    """A site footer line: a footer mark (ICP备, 版权所有…) in a line that is not a sentence."""
    return len(text) <= 200 and footer.search(text) is not None and not re.search(r"[。；！？]", text)


_BULLET = re.compile(r"^[•·●]\s*")


_TITLE_WORDS = re.compile(r"方案|分解|分工|通知|计划|报告|清单|任务|安排|意见|要点|事项|台账|[表单]$")


def page_noise(lines: Sequence[Line], is_task: Callable[[str], bool] | None = None) -> set[int]:
    """Indices of the lines that are page noise, not document text: site navigation and
    widgets (当前位置, 扫一扫, 分享到…), metadata (索引号, 发布日期, 浏览次数…), image names,
    site footers (主办单位：…　ICP备…, 版权所有…),
    and the notice that hands a plan out, from its addressee line (各区人民政府、各部门：)
    to the date under its signature — unless a numbered line in it is a task
    (``is_task``): then the plan is in the notice, and only the addressee line is noise.

    >>> [i for i in sorted(page_noise([Line(1, "索引号：11341602/2025-00023"), Line(2, "一、经济发展"),
    ...                                 Line(3, "扫一扫在手机打开当前页")]))]
    [0, 2]
    """
    meta, nav, footer, addressee, date = _noise_rules()
    out: set[int] = set()
    for i, ln in enumerate(lines):
        text = _BULLET.sub("", ln.text.strip())
        if not text.strip(" •·●-|"):
            if text != ln.text.strip():
                out.add(i)
            continue
        if (_META_MARKS.search(text) and meta.search(text)) or nav.search(ln.text.strip()) or _is_footer(text, footer):
            out.add(i)
    # the site's owner lines next to a footer line (主办单位：… / 承办单位：… / 网站标识码：…)
    owners = _footer_label_line()
    for i, ln in enumerate(lines):
        if _is_footer(ln.text.strip(), footer):
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(lines) and (owners.match(lines[j].text.strip()) or not lines[j].text.strip()):
                    out.add(j)
                    j += step
    for i, ln in enumerate(lines):
        if addressee.match(ln.text.strip()) and not number_of(ln.text):
            end = next((j for j in range(i + 1, min(i + 30, len(lines))) if date.match(lines[j].text.strip())), None)
            inside = range(i + 1, end) if end is not None else range(0)
            if end is not None and not (is_task and any(number_of(lines[k].text) for k in inside) and is_task(
                "\n".join(lines[k].text for k in inside)
            )):
                out.update(range(i, end + 1))
            else:
                out.add(i)
    return out


def document_title(lines: Sequence[Line], noise: set[int] | frozenset[int] = frozenset()) -> str:
    """The title: the first line that is not page noise and reads as a title (方案, 分解,
    通知, 报告, …表), else the first line that is not page noise."""
    candidates = [ln.text for i, ln in enumerate(lines[:60]) if i not in noise and ln.text.strip()]
    for text in candidates:
        if (len(text) <= 80 and _TITLE_WORDS.search(text) and not re.search(r"[。；？！]$", text)
                and not (len(text) <= 8 and column_meaning(text)) and not header_words(text)
                and not number_of(text) and not re.search(r"〔\d{4}〕\d+号$", text)):
            return text
    return candidates[0] if candidates else (lines[0].text if lines else "")
