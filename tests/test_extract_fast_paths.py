"""Extraction's shortcuts (issue 16) answer what the plain code they replace answers, on the
lines of the bundled and the real documents and on counter-examples."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from kg.extract.gazetteer import load_gazetteer
from kg.extract.indicator_words import BOUNDARY, clause_start, sentence_start
from kg.extract.page_noise import _AnyOf, _noise_rules, page_noise
from kg.extract.quantities import _ANY_FIGURE, find_quantities
from kg.extract.regions import _TOWN_ISSUER, _by_first_two, _divisions, _matches, _town_issuer
from kg.extract.responsibility import _trailing_bracket, has_responsibility, parse_responsibility
from kg.extract.responsibility_labels import has_labelled, parse_labelled
from kg.extract.table_header import split_cells
from kg.extract.table_lines import _CELL_END, _cell_text
from kg.extract.unit_lists import GazetteerKey, shifted, split_top_level, with_role
from kg.models import Line, Role, UnitMention
from kg.read import read_source
from kg.resources import available_regions, clear_region_caches, paths
from kg.resources import page_noise as page_noise_rules

ROOT = Path(__file__).resolve().parent.parent
DOCS = [*sorted((ROOT / "examples").glob("*.txt")), *sorted((ROOT / "tests" / "data").glob("*/docs/*"))]
NOISE = ["当前位置：首页 > 政务公开", "首页 > 信息公开 > 规划计划", "扫一扫在手机打开当前页", "请用微信扫一扫手机浏览",
         "> 政策文件", "图1.png", "打印本页", "【字体：大 中 小】", "索引号：11341602/2025-00023",
         "[发布日期] 2024-01-02", "来源：区政府办 浏览次数：120"]


@cache
def lines() -> list[str]:
    out = list(NOISE)
    for path in DOCS:
        if path.suffix in {".txt", ".docx", ".xlsx", ".html", ".pdf"}:
            out += [ln.text for ln in read_source(str(path)).lines]
    return out


def test_navigation_as_one_alternation() -> None:
    patterns = page_noise_rules()["navigation"]
    one = re.compile("|".join(f"(?:{p})" for p in patterns))
    nav = _noise_rules()[1]
    texts = [t.strip() for t in lines()]
    assert [bool(one.search(t)) for t in texts] == [nav.search(t) for t in texts]
    assert sum(nav.search(t) for t in texts) >= 7


@pytest.mark.parametrize("text,found", [("^a", True), ("xx a", False), ("b", True), ("xxb", True), ("ca", False)])
def test_anchored_and_floating_patterns(text: str, found: bool) -> None:
    any_of = _AnyOf(["^a|^x{3}", "b"])
    assert any_of.search(text.lstrip("^")) is found


def test_metadata_lines_need_a_colon_or_a_bracket() -> None:
    meta = _noise_rules()[0]
    hits = [t for t in lines() if meta.search(t)]
    assert hits and all(re.search(r"[：:\]】]", t) for t in hits)
    # and each of these lines is page noise
    doc = [Line(i + 1, t) for i, t in enumerate(NOISE)]
    assert page_noise(doc) == set(range(len(NOISE)))


def test_cell_text_without_the_regex() -> None:
    for t in [*lines(), "区发改委 |", "区发改委｜ ", " 区发改委 ", "a|b"]:
        assert _cell_text(t) == _CELL_END.sub("", t).strip()


def _matches_char_by_char(text: str) -> list[tuple[int, int, tuple[object, ...]]]:
    names, starts = _divisions()[1], _by_first_two()
    out: list[tuple[int, int, tuple[object, ...]]] = []
    i, n = 0, len(text)
    while i < n - 2:
        for k in starts.get(text[i : i + 2], ()):
            found = names.get(text[i : i + k]) if i + k <= n else None
            if found:
                out.append((i, i + k, found))
                i += k
                break
        else:
            i += 1
    return out


def test_division_names_found_as_before() -> None:
    texts = ["\n".join(lines()[k : k + 200]) for k in range(0, len(lines()), 200)] + ["南京市鼓楼区", "鼓楼", "", "在鼓楼", "在鼓楼区", "在鼓楼区。", "南京市南京市"]
    assert sum(len(_matches(t)) for t in texts) > 50
    for t in texts:
        assert _matches(t) == _matches_char_by_char(t)


def test_town_issuer_as_the_regex_made_per_document() -> None:
    """The town after a division's name is what the regular expression of that name finds,
    on the head of every bundled and real document and on counter-examples."""
    heads = ["\n".join(lines()[i : i + 40]) for i in range(0, len(lines()), 40)]
    heads += ["重庆市巴南区木洞镇人民政府关于印发…", "巴南区人民政府；巴南区石滩镇党委", "巴南区木洞镇", "区区街道办事处",
              "鼓楼区华侨路街道办事处、鼓楼区宁海路街道办事处"]
    found = 0
    for name in ["巴南区", "木洞", "鼓楼区", "南京市", "区", ""]:
        for head in heads:
            m = re.search(re.escape(name) + _TOWN_ISSUER, head)
            assert _town_issuer(name, head) == (m.group(1) if m else None), (name, head)
            found += m is not None
    assert found >= 5


def test_available_regions_sees_a_new_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    regions = tmp_path / "regions"
    (regions / "a").mkdir(parents=True)
    (regions / "a" / "profile.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(paths, "ontology_path", lambda: tmp_path)
    clear_region_caches()
    try:
        assert available_regions() == ["a"]
        (regions / "b").mkdir()
        (regions / "b" / "profile.json").write_text("{}", encoding="utf-8")
        (regions / "c").mkdir()  # no profile.json: not a region
        assert available_regions() == ["a", "b"]
    finally:
        monkeypatch.undo()
        clear_region_caches()


def _trailing_bracket_char_by_char(text: str) -> tuple[int, int] | None:
    stripped = text.rstrip("。；;.，, \t\n")
    if not stripped or stripped[-1] not in "）】]":
        return None
    close, depth = len(stripped) - 1, 0
    for i in range(close, -1, -1):
        if stripped[i] in "）】]":
            depth += 1
        elif stripped[i] in "（【[":
            depth -= 1
            if depth == 0:
                return i + 1, close
    return None


def test_trailing_bracket_as_before() -> None:
    texts = [*lines(), "推进改革（区发改委牵头）。", "（三）推进）", "a（b【c】d）", "a）", "【a]", "（a（b）", ""]
    assert sum(_trailing_bracket(t) is not None for t in texts) > 100
    for t in texts:
        assert _trailing_bracket(t) == _trailing_bracket_char_by_char(t), t


def test_a_shifted_mention_is_the_mention_made_there() -> None:
    m = UnitMention("区发改委", Role.LEAD, "区发展和改革委员会", "unit", 3, 7, "GovernmentDepartment")
    moved = shifted(m, 10)
    made = UnitMention("区发改委", Role.LEAD, "区发展和改革委员会", "unit", 13, 17, "GovernmentDepartment")
    assert moved == made and hash(moved) == hash(made) and repr(moved) == repr(made)
    assert (m.start, m.end) == (3, 7)  # the original is not changed
    with pytest.raises(AttributeError):
        moved.start = 0  # type: ignore[misc]
    # with_role is dataclasses.replace(m, role=…), field for field
    assert with_role(m, Role.CO_LEAD) == replace(m, role=Role.CO_LEAD) != m
    assert repr(with_role(m, Role.CO_LEAD)) == repr(replace(m, role=Role.CO_LEAD)) and m.role is Role.LEAD


def _split_top_level_char_by_char(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    depth, start = 0, 0
    for i, c in enumerate(text + "、"):
        if c in "（【[(":
            depth += 1
        elif c in "）】])" and depth:
            depth -= 1
        elif depth == 0 and (c in "、，；/\t|" or c.isspace()):
            if i > start:
                out.append((text[start:i], start))
            start = i + 1
    return out


def test_unit_lists_split_as_before() -> None:
    texts = [*lines(), "各县（市、区）人民政府、区发改委", "A、B\u3000C\u00a0D\u2028E", "（a、b", "a）、b", "[a|b]/c\td", ""]
    for t in texts:
        assert split_top_level(t) == _split_top_level_char_by_char(t), t


@pytest.mark.parametrize("first_listed", [False, True])
def test_has_responsibility_is_whether_the_parse_finds_units(first_listed: bool) -> None:
    gaz = load_gazetteer("nanjing-gulou")
    texts = [*lines(), *("\n".join(lines()[k : k + 3]) for k in range(0, len(lines()), 3)),
             "负责人：张三", "（试行）", "区发改委牵头，区财政局配合", "牵头单位：区发改委", ""]
    found = 0
    for t in texts:
        r = parse_responsibility(t, gaz, first_listed)
        assert has_responsibility(t, gaz, first_listed) is bool(r.lead or r.co_lead), t
        found += bool(r.lead or r.co_lead)
    assert 200 < found < len(texts) - 200  # both answers are seen often


@pytest.mark.parametrize("first_listed", [False, True])
def test_has_labelled_is_what_the_labelled_parse_finds(first_listed: bool) -> None:
    """Reading labelled fields only as far as the first that names a unit answers what the
    whole parse answers: on every line, on blocks of 3 and 20 lines (a heading's block
    holds the fields of all its tasks), and on fields of leaders, deadlines or no unit."""
    gaz = load_gazetteer("nanjing-gulou")
    texts = [*lines(), *("\n".join(lines()[k : k + n]) for n in (3, 20) for k in range(0, len(lines()), n)),
             "牵头领导：张三", "牵头领导：张三\n牵头单位：区发改委", "完成时限：2023年底\n责任单位：", "责任单位：2023年底前",
             "责任单位：区发改委牵头，区财政局配合", "主办单位：\n区科技局", "负责人：张三", ""]
    answers: dict[object, int] = {}
    for t in texts:
        r = parse_labelled(t, gaz, first_listed)
        expected = None if r is None else bool(r.lead or r.co_lead)
        assert has_labelled(t, gaz, first_listed) is expected, t
        answers[expected] = answers.get(expected, 0) + 1
    assert answers[True] > 100 and answers[False] >= 1 and answers[None] > 100


def _clause_start_char_by_char(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and text[i - 1] not in BOUNDARY:
        i -= 1
    return i


def _sentence_start_char_by_char(text: str, pos: int) -> int:
    i = pos
    while i > 0 and text[i - 1] not in "。；！？;!?\n":
        i -= 1
    return i


def test_clause_and_sentence_starts_as_before() -> None:
    texts = [*lines()[::7], "确保增长7%，力争增长8%。", "（一）推进改革：目前已完成80%；", "", "。"]
    checked = 0
    for t in texts:
        for pos in range(len(t) + 1):
            assert sentence_start(t, pos) == _sentence_start_char_by_char(t, pos), (t, pos)
            for floor in (0, 3, pos, pos + 2):
                assert clause_start(t, pos, floor) == _clause_start_char_by_char(t, pos, floor), (t, pos, floor)
            checked += 1
    assert checked > 5000


def test_split_cells_as_before() -> None:
    texts = [*lines(), "| 序号 | 任务 |\t牵头单位 ", "a｜b", "a\tb", " 推进改革 ", "|", "", "a |  | b"]
    assert sum(len(split_cells(t)) > 1 for t in texts) > 20
    for t in texts:
        assert split_cells(t) == [c.strip() for c in re.split(r" *(?:[|｜]\t?|\t) *", t.strip(" |｜"))], t


def test_every_figure_holds_a_figure_character() -> None:
    # find_quantities skips texts without one of these characters: each quantity it finds
    # elsewhere holds one (a digit, a Chinese numeral, the 番 of 翻一番)
    found = 0
    for t in [*lines(), "城乡居民收入翻一番", "增长-3.2%"]:
        for q in find_quantities(t):
            assert _ANY_FIGURE.search(t, q.start, q.end), (t, q)
            found += 1
    assert found > 300
    assert [(q.value, q.unit) for q in find_quantities("建成三个园区，城乡居民收入翻一番")] == [
        (Decimal(3), "个"), (Decimal(1), "番")]
    assert find_quantities("推进改革，优化营商环境") == []


def test_one_key_per_gazetteer() -> None:
    a, b = load_gazetteer("nanjing-gulou"), load_gazetteer("generic")
    key = GazetteerKey(a)
    assert GazetteerKey(b) is not key and GazetteerKey(b).gaz is b
    assert GazetteerKey(a) is key  # the same object after another gazetteer's key
    assert key == GazetteerKey(a) and hash(key) == id(a)
