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


@cache
def _noise_rules() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    d = page_noise_rules()
    labels = "|".join(map(re.escape, sorted(d["metadata_labels"], key=len, reverse=True)))
    meta = re.compile(rf"^(?:[\[【]\s*(?:{labels})\s*[\]】]|(?:{labels})\s*[：:])|(?:{labels})\s*[：:].*(?:{labels})\s*[：:]")
    nav = re.compile("|".join(f"(?:{p})" for p in d["navigation"]))
    footer = re.compile("|".join(f"(?:{p})" for p in d["footer_marks"]))
    return meta, nav, footer, re.compile(d["addressee"]), re.compile(d["signature_date"])


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
        if meta.search(text) or nav.search(ln.text.strip()) or _is_footer(text, footer):
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
