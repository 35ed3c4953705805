"""The report in a real browser: headless Chromium, pages opened from disk, no network.

Each page must draw (the vis network reports its node count once it has drawn), make no
request that leaves the machine, raise no script error or CSP violation, and run nothing
from the documents (no dialog, no ``window.kgXss``). Screenshots go to
``tests/artifacts/`` (git-ignored), with ``metrics.json``: the page weight and the time to
first draw of the biggest view.

Needs Debian's ``chromium`` (and ``fonts-wqy-microhei`` for the Chinese labels); skipped
when it is absent. ``KG_CHROMIUM`` names another binary.
"""

from __future__ import annotations

import json
import os
import re
import statistics
from pathlib import Path

import pytest

try:
    from tests.browser_util import Chromium, Page, PageResult, find_chromium
except ImportError:  # tests/ not a package
    from browser_util import Chromium, Page, PageResult, find_chromium  # type: ignore[no-redef]

from kg.visualize.data import DocumentInfo, IndicatorInfo, SectionInfo, TaskInfo, UnitInfo, ViewData
from kg.visualize.networks import responsibility_network
from kg.visualize.render import PHYSICS_MAX_NODES, render_network

from kg.pipeline import build

CHROMIUM = find_chromium()
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI must run the browser tests, but Chromium is not installed (.ci/run installs it)")
pytestmark = [
    # a minute of the default run: CI runs them (.ci/run), locally `python -m pytest -m slow -n 0`
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium not installed: apt-get install -y chromium fonts-wqy-microhei (CI installs it)",
    ),
]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
EXAMPLES = ROOT / "examples"

READY = "window.kgReady === true"
SETTLED = "window.kgStabilized !== undefined"
VALUES = {
    "nodes": "window.kgNodeCount",
    "edges": "window.kgEdgeCount",
    "drawn": "window.kgDrawnNodes",
    "first_draw": "window.kgFirstDraw",
    "resources": "performance.getEntriesByType('resource').map(function (e) { return e.name; })",
    "xss": "typeof window.kgXss",
    "scripts": "document.scripts.length",
    "fonts": "document.fonts.check('16px \"WenQuanYi Micro Hei\"', '区发改委')",
}
# Pixels of the canvas that are not background: proof that something was painted.
PAINTED = """(function () {
  var c = document.querySelector('#network canvas'); if (!c) { return 0; }
  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
  for (var i = 0; i < d.length; i += 16) { if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) { n++; } }
  return n;
})()"""

XSS_PLAN = """某区2021年重点工作任务分解方案
一、<script>alert(1)</script>创新发展
1.推进<script>alert(1)</script><script>window.kgXss=alert`1`</script>数字政府建设" onmouseover="window.kgXss=2，确保全年新增硅巷10万平方米以上。（区科技局主办，区发改委协办）
2.完善<img src=x onerror=window.kgXss=3>社区服务</script><!-- 功能，新增养老床位200张。（区民政局主办，各街道协办）
3.测试单位名称转义。（区<script>alert(1)</script>局主办，区"onmouseover=x"办协办）
二、社会治理
4.推动信访积案化解。（区信访局主办，各街道协办）
"""


@pytest.fixture(scope="module")
def chromium():  # type: ignore[no-untyped-def]
    assert CHROMIUM is not None
    browser = Chromium(CHROMIUM)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "out"
    build([EXAMPLES], out)
    return out


@pytest.fixture(scope="module")
def xss_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("browser-xss")
    (base / "xss_plan.txt").write_text(XSS_PLAN, encoding="utf-8")
    build([base / "xss_plan.txt"], base / "out")
    return base / "out"


def _synthetic(n_tasks: int, n_units: int) -> ViewData:
    """A big plan: ``n_tasks`` tasks over ``n_units`` units in 8 sections."""
    data = ViewData()
    doc = "https://example.org/doc/d"
    for s in range(8):
        data.sections[f"s{s}"] = SectionInfo(f"s{s}", doc, s + 1, "一二三四五六七八"[s], f"第{s + 1}部分")
    types = ["GovernmentDepartment", "StreetOffice", "ManagementCommittee", "PartyDepartment", "DeployedUnit"]
    for i in range(n_units):
        iri = f"https://example.org/unit/{i}"
        data.units[iri] = UnitInfo(iri, f"单位{i}", types[i % len(types)])
    for t in range(n_tasks):
        iri = f"https://example.org/doc/d/task/{t}"
        task = TaskInfo(iri, doc, str(t + 1), t + 1, f"任务{t + 1}的文字", f"s{t % 8}")
        task.lead.append(f"https://example.org/unit/{(t * t) % n_units}")
        task.co_lead.append(f"https://example.org/unit/{(t * 7 + 1) % n_units}")
        task.indicators.append(IndicatorInfo(f"{iri}/i/1", "新增10家", "企业数"))
        data.tasks[iri] = task
    return data


def _payload_nodes(path: Path) -> int:
    page = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL)
    assert m
    return len(json.loads(m.group(1))["nodes"])


def _assert_offline_and_clean(r: PageResult) -> None:
    assert r.network_requests == [], r.network_requests
    resources = r.values.get("resources") or []
    assert all(str(u).startswith(("file:", "data:", "blob:")) for u in resources), resources  # type: ignore[union-attr]
    assert r.dialogs == [], r.dialogs
    assert r.exceptions == [], r.exceptions
    assert r.console_errors == [], r.console_errors  # includes CSP violations


def _open_view(chromium: Chromium, path: Path, shot: str | None = None, **kw: object) -> PageResult:
    values = {**VALUES, "painted": PAINTED, **kw.pop("values", {})}  # type: ignore[dict-item]
    r = chromium.open(
        path, ready=READY, wait_for=SETTLED, values=values,
        screenshot=ARTIFACTS / shot if shot else None, settle_ms=200 if shot else 0, **kw,  # type: ignore[arg-type]
    )
    return r


# ---------------------------------------------------------------------------------------


def test_every_view_draws_offline(chromium: Chromium, example_out: Path) -> None:
    views = sorted((example_out / "views").glob("*.html"))
    assert len(views) > 10
    shots = {"responsibility.html", "collaboration.html"}
    shots |= {p.name for p in views if p.name.startswith("section-")}
    biggest_units = sorted((p for p in views if p.name.startswith("unit-")), key=lambda p: -p.stat().st_size)[:3]
    shots |= {p.name for p in biggest_units}
    for path in views:
        r = _open_view(chromium, path, shot=f"view-{path.stem}.png" if path.name in shots else None)
        expected = _payload_nodes(path)
        assert r.values["nodes"] == expected > 0, path.name
        assert r.values["drawn"] == expected, path.name
        assert r.values["painted"] > 500, path.name  # type: ignore[operator]
        assert r.values["scripts"] == 4, path.name  # data, vis-network, the search index, view.js
        _assert_offline_and_clean(r)


def test_report_pages_open_offline(chromium: Chromium, example_out: Path) -> None:
    def sort_by_unit(page: Page) -> None:
        first = page.evaluate("document.querySelector('#ranking-table tbody tr td:nth-child(2)').textContent")
        page.evaluate("document.querySelector('#ranking-table thead th:nth-child(2)').click()")
        after = page.evaluate("document.querySelector('#ranking-table tbody tr td:nth-child(2)').textContent")
        page.result.values["sorted"] = (first, after)

    r = chromium.open(
        example_out / "index.html", values={**VALUES, "svg_bars": "document.querySelectorAll('svg.chart rect').length",
                                            "rows": "document.querySelectorAll('#ranking-table tbody tr').length"},
        screenshot=ARTIFACTS / "index.png", full_page=True, actions=sort_by_unit,
    )
    _assert_offline_and_clean(r)
    assert r.values["rows"] > 10 and r.values["svg_bars"] > 10  # type: ignore[operator]
    first, after = r.values["sorted"]  # type: ignore[misc]
    assert first != after  # the table sorts
    r = chromium.open(example_out / "queries.html", values=VALUES, screenshot=ARTIFACTS / "queries.png")
    _assert_offline_and_clean(r)


def _node_screen_position(page: Page, predicate_js: str) -> tuple[str, float, float]:
    found = page.evaluate(f"""(function () {{
      var ids = window.kgNetwork.body.data.nodes.getIds().filter(function (id) {{
        var n = window.kgNetwork.body.data.nodes.get(id); return {predicate_js};
      }});
      if (!ids.length) {{ return null; }}
      var id = ids[0];
      window.kgNetwork.focus(id, {{ scale: 1.2, animation: false }});
      var p = window.kgNetwork.canvasToDOM(window.kgNetwork.getPositions([id])[id]);
      var r = document.getElementById('network').getBoundingClientRect();
      return [String(id), p.x + r.left, p.y + r.top];
    }})()""")
    assert found, predicate_js
    return str(found[0]), float(found[1]), float(found[2])  # type: ignore[index]


def _hover_tooltip(page: Page, predicate_js: str) -> str:
    page.mouse_move(5, 5)
    _, x, y = _node_screen_position(page, predicate_js)
    page.wait(0.2)
    page.mouse_move(x, y)
    page.mouse_move(x + 1, y + 1)
    assert page.wait_for("document.querySelector('.vis-tooltip') && document.querySelector('.vis-tooltip').style.visibility === 'visible'", 5)
    return str(page.evaluate("document.querySelector('.vis-tooltip').textContent"))


def test_tooltip_search_and_details(chromium: Chromium, example_out: Path) -> None:
    seen: dict[str, object] = {}

    def interact(page: Page) -> None:
        seen["tooltip"] = _hover_tooltip(page, "n.shape === 'box' && n.label === '11'")
        page.screenshot(ARTIFACTS / "tooltip-task.png")
        page.mouse_move(5, 5)
        seen["selected"] = page.evaluate("window.kgSearch('区发改委')")
        page.wait(0.6)
        seen["details"] = page.evaluate("document.getElementById('kg-details').hidden ? '' : document.getElementById('kg-details-body').textContent")
        seen["dimmed"] = page.evaluate("window.kgNetwork.body.data.nodes.get().filter(function (n) { return n.opacity < 1; }).length")
        page.screenshot(ARTIFACTS / "search-unit.png")
        seen["missing"] = page.evaluate("window.kgSearch('不存在的单位'), document.getElementById('kg-search-msg').textContent")

    r = _open_view(chromium, example_out / "views" / "responsibility.html", actions=interact)
    _assert_offline_and_clean(r)
    tip = str(seen["tooltip"])
    assert "任务 Task" in tip and "第 11 项" in tip and "地区生产总值增长7%" in tip
    assert "牵头 lead" in tip and "区发改委" in tip
    assert "指标 Indicators" in tip
    assert seen["selected"] and "区发改委" in str(seen["details"]) and "负荷 load" in str(seen["details"])
    assert int(seen["dimmed"]) > 0  # type: ignore[call-overload]
    assert "未找到" in str(seen["missing"])


def test_document_text_shows_as_text_and_runs_nothing(chromium: Chromium, xss_out: Path) -> None:
    pages = [xss_out / "index.html", xss_out / "queries.html", *sorted((xss_out / "views").glob("*.html"))]
    for path in pages:
        is_view = path.parent.name == "views"
        r = chromium.open(path, ready=READY if is_view else "true", values={**VALUES}, settle_ms=100)
        _assert_offline_and_clean(r)
        assert r.values["xss"] == "undefined", path.name
        assert r.values["scripts"] == (4 if is_view else 1), path.name
    shown: dict[str, object] = {}

    def interact(page: Page) -> None:
        shown["tip1"] = _hover_tooltip(page, "n.shape === 'box' && n.label === '1'")
        page.screenshot(ARTIFACTS / "xss-tooltip.png")
        shown["tip2"] = _hover_tooltip(page, "n.shape === 'box' && n.label === '2'")
        page.mouse_move(5, 5)
        page.evaluate("window.kgSearch('kgXss=alert')")
        page.wait(0.5)
        shown["details"] = page.evaluate("document.getElementById('kg-details-body').textContent")
        shown["h1"] = page.evaluate("document.querySelector('h1').textContent")
        shown["xss"] = page.evaluate("typeof window.kgXss")
        page.screenshot(ARTIFACTS / "xss-details.png")

    section = next(p for p in (xss_out / "views").glob("section-*.html") if "创新发展" in p.read_text(encoding="utf-8"))
    r = _open_view(chromium, section, actions=interact)
    _assert_offline_and_clean(r)
    assert "<script>window.kgXss=alert`1`</script>" in str(shown["tip1"])
    assert "<script>alert（1）</script>" in str(shown["tip1"])
    assert "<img src=x onerror=window.kgXss=3>" in str(shown["tip2"])
    assert '" onmouseover="window.kgXss=2' in str(shown["details"])
    assert "<script>alert（1）</script>" in str(shown["h1"])
    assert shown["xss"] == "undefined"
    r2 = chromium.open(xss_out / "index.html", values={"h": "document.getElementById('views').textContent"},
                       screenshot=ARTIFACTS / "xss-index.png", full_page=True)
    assert "<script>alert（1）</script>创新发展" in str(r2.values["h"])
    assert r2.dialogs == []


def test_biggest_view_weight_and_first_draw(chromium: Chromium, example_out: Path, tmp_path: Path) -> None:
    views = sorted((example_out / "views").glob("*.html"))
    biggest = max(views, key=_payload_nodes)
    runs = [_open_view(chromium, biggest) for _ in range(3)]
    for r in runs:
        _assert_offline_and_clean(r)
    first_draw = statistics.median(float(r.values["first_draw"]) for r in runs)  # type: ignore[arg-type]
    metrics: dict[str, object] = {
        "biggest_view": biggest.name,
        "nodes": _payload_nodes(biggest),
        "bytes": biggest.stat().st_size,
        "first_draw_ms": round(first_draw, 1),
        "physics": _payload_nodes(biggest) <= PHYSICS_MAX_NODES,
        "views": len(views),
        "all_views_bytes": sum(p.stat().st_size for p in views),
    }
    # and a view above the physics threshold (fixed networkx layout): it must draw at once
    net = responsibility_network(_synthetic(900, 120), {})
    big = tmp_path / "big.html"
    big.write_text(render_network(net, home="index.html"), encoding="utf-8")
    r = _open_view(chromium, big, shot="view-synthetic-big.png")
    _assert_offline_and_clean(r)
    assert r.values["nodes"] == len(net.nodes) > PHYSICS_MAX_NODES
    metrics["synthetic_nodes"] = len(net.nodes)
    metrics["synthetic_bytes"] = big.stat().st_size
    metrics["synthetic_first_draw_ms"] = round(float(r.values["first_draw"]), 1)  # type: ignore[arg-type]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics))
    assert metrics["bytes"] < 2_000_000  # type: ignore[operator]
    assert first_draw < 15_000
    assert float(metrics["synthetic_first_draw_ms"]) < 15_000  # type: ignore[arg-type]


def test_views_sharing_a_local_vis_network_draw(chromium: Chromium, tmp_path: Path) -> None:
    import kg.visualize.views as views

    pages = views.write_views(tmp_path, _synthetic(60, 12), {})
    unit = next(p for p in pages if p.kind == "unit")
    path = tmp_path / unit.file
    assert f'<script src="{views.VIS_FILE}">' in path.read_text(encoding="utf-8")
    r = _open_view(chromium, path, shot="view-shared-vis.png")
    _assert_offline_and_clean(r)
    assert r.values["nodes"] == _payload_nodes(path) > 0
    assert any(u.endswith("/views/" + views.VIS_FILE) for u in r.requests)  # read from disk


def _expected_visible(payload: dict, *, utype: str = "", section: int | None = None, role: str = "",
                      document: int | None = None) -> int:
    """What a filter should leave in view, computed from the view's data (the rule view.js
    applies): tasks of the chosen section and document; units of the chosen type; a unit or
    task only with an edge of the chosen role to a node shown; an indicator or project only
    with a task shown; an ego view's own unit always."""
    nodes = {n["id"]: n for n in payload["nodes"]}
    roles = {"lead": {"lead"}, "co_lead": {"co_lead"}, "via": {"lead_via", "co_lead_via"}}

    def ok(n: dict) -> bool:
        if n["kind"] == "task":
            return (section is None or n["sec"] == section) and (document is None or n["doc"] == document)
        if n["kind"] in ("unit", "group"):
            return not utype or n["utype"] == utype
        return True

    linked: set[str] = set()
    for e in payload["edges"]:
        a, b = nodes[e["from"]], nodes[e["to"]]
        if not (ok(a) and ok(b)):
            continue
        if e["kind"] == "attach":
            linked.add(b["id"] if a["kind"] == "task" else a["id"])
        elif not role or e["kind"] in roles[role]:
            linked |= {a["id"], b["id"]}
    return sum(1 for n in nodes.values() if ok(n) and (n["id"] in linked or n["id"] == payload.get("focus")))


def _payload(path: Path) -> dict:
    page = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL)
    assert m
    return json.loads(m.group(1))


def test_filters_and_search_by_alias_and_task_number(chromium: Chromium, example_out: Path) -> None:
    path = example_out / "views" / "responsibility.html"
    payload = _payload(path)
    node = {n["label"]: n["id"] for n in payload["nodes"] if n["kind"] != "task"}
    task = {n["label"]: n["id"] for n in payload["nodes"] if n["kind"] == "task"}
    seen: dict[str, object] = {}

    def interact(page: Page) -> None:
        seen["all"] = page.evaluate("window.kgVisibleNodes")
        seen["filters_shown"] = page.evaluate(
            "['type', 'section', 'role', 'document'].map(function (f) { "
            "return document.getElementById('kg-filter-' + f + '-row').getBoundingClientRect().height > 0; })")
        seen["party"] = page.evaluate("window.kgFilter('type', 'PartyDepartment')")
        seen["drawn_party"] = page.evaluate("window.kgNetwork.body.nodeIndices.length")
        page.screenshot(ARTIFACTS / "filter-type.png")
        # a unit of another type is filtered out: the search does not find it
        seen["hidden_search"] = page.evaluate("window.kgSearch('区发改委')")
        page.evaluate("window.kgFilter('type', '')")
        seen["co_lead"] = page.evaluate("window.kgFilter('role', 'co_lead')")
        seen["co_lead_section"] = page.evaluate("window.kgFilter('section', '1')")
        page.screenshot(ARTIFACTS / "filter-role-section.png")
        page.evaluate("window.kgFilter('role', ''), window.kgFilter('section', '')")
        seen["reset"] = page.evaluate("window.kgVisibleNodes")
        seen["alias"] = page.evaluate("window.kgSearch('区发展和改革委员会')")
        seen["alias_short"] = page.evaluate("window.kgSearch('发改委')")
        seen["number"] = page.evaluate("window.kgSearch('第11项')")
        seen["number_plain"] = page.evaluate("window.kgSearch('11')")
        seen["missing"] = page.evaluate("window.kgSearch('区发改'), window.kgSearch('不存在的单位'), document.getElementById('kg-search-msg').textContent")

    r = _open_view(chromium, path, actions=interact)
    _assert_offline_and_clean(r)
    assert seen["all"] == len(payload["nodes"])
    assert seen["filters_shown"] == [True, True, True, False]  # one task plan: no document filter
    party = _expected_visible(payload, utype="PartyDepartment")
    assert seen["party"] == party == seen["drawn_party"] and 0 < party < len(payload["nodes"])
    assert seen["hidden_search"] == []
    co_lead = _expected_visible(payload, role="co_lead")
    assert seen["co_lead"] == co_lead and 0 < co_lead < len(payload["nodes"])
    both = _expected_visible(payload, role="co_lead", section=1)
    assert seen["co_lead_section"] == both and 0 < both < co_lead
    assert seen["reset"] == len(payload["nodes"])
    assert seen["alias"] == seen["alias_short"] == [node["区发改委"]]
    assert seen["number"] == seen["number_plain"] == [task["11"]]
    assert "未找到" in str(seen["missing"])


def test_document_filter_and_ego_task_table(chromium: Chromium, tmp_path: Path) -> None:
    import kg.visualize.views as views

    data = _synthetic(40, 6)
    other = "https://example.org/doc/e"
    data.documents["https://example.org/doc/d"] = DocumentInfo("https://example.org/doc/d", "甲方案", "d", "TaskPlan")
    data.documents[other] = DocumentInfo(other, "乙方案", "e", "TaskPlan")
    for i, t in enumerate(sorted(data.tasks.values(), key=lambda t: t.ordinal)):
        if i >= 25:
            t.document = other
    pages = views.write_views(tmp_path, data, {})
    resp = tmp_path / "views" / "responsibility.html"
    payload = _payload(resp)
    assert _payload(resp)["filters"]["documents"] == ["甲方案", "乙方案"]
    seen: dict[str, object] = {}

    def by_document(page: Page) -> None:
        seen["doc"] = page.evaluate("window.kgFilter('document', '1')")
        seen["tasks"] = page.evaluate(
            "window.kgNetwork.body.data.nodes.get().filter(function (n) { return !n.hidden && n.shape === 'box'; }).length")

    r = _open_view(chromium, resp, actions=by_document)
    _assert_offline_and_clean(r)
    assert seen["doc"] == _expected_visible(payload, document=1)
    assert seen["tasks"] == 15

    unit = next(p for p in pages if p.kind == "unit" and p.key == "https://example.org/unit/1")
    path = tmp_path / unit.file

    def click_row(page: Page) -> None:
        seen["rows"] = page.evaluate("document.querySelectorAll('#kg-task-table tbody tr').length")
        row = page.evaluate("""(function () {
          var tr = document.querySelectorAll('#kg-task-table tbody tr')[2]; tr.scrollIntoView({ block: 'center' });
          var r = tr.getBoundingClientRect(); return [tr.getAttribute('data-node'), r.left + 20, r.top + r.height / 2];
        })()""")
        page.click(float(row[1]), float(row[2]))  # type: ignore[index]
        page.wait(0.6)
        seen["row_node"] = row[0]  # type: ignore[index]
        seen["selected"] = page.evaluate("window.kgNetwork.getSelectedNodes()")
        seen["details"] = page.evaluate("document.getElementById('kg-details-body').textContent")
        page.screenshot(ARTIFACTS / "ego-task-table.png")

    r = _open_view(chromium, path, actions=click_row)
    _assert_offline_and_clean(r)
    mine = [t for t in data.tasks.values() if "https://example.org/unit/1" in (*t.lead, *t.co_lead)]
    assert seen["rows"] == len(mine) > 2
    assert seen["selected"] == [seen["row_node"]]
    third = sorted(mine, key=lambda t: (t.document, t.ordinal))[2]
    assert f"第 {third.number} 项" in str(seen["details"])


def test_search_finds_what_the_view_does_not_draw(chromium: Chromium, example_out: Path) -> None:
    sections = sorted((example_out / "views").glob("section-*.html"))
    path = next(p for p in sections if "区发改委" not in {n["label"] for n in _payload(p)["nodes"]})
    drawn = {n["label"] for n in _payload(path)["nodes"] if n["kind"] == "task"}
    task = next(str(n) for n in range(1, 73) if str(n) not in drawn)
    seen: dict[str, object] = {}
    link = "(function () { var a = document.getElementById('kg-search-elsewhere'); return a ? a.getAttribute('href') : null; })()"

    def interact(page: Page) -> None:
        seen["unit"] = page.evaluate("window.kgSearch('发改委')")
        seen["unit_msg"] = page.evaluate("document.getElementById('kg-search-msg').textContent")
        seen["unit_link"] = page.evaluate(link)
        seen["task"] = page.evaluate(f"window.kgSearch('第{task}项')")
        seen["task_link"] = page.evaluate(link)
        seen["group"] = page.evaluate("window.kgSearch('各板块'), [document.getElementById('kg-search-msg').textContent, " + link + "]")
        seen["none"] = page.evaluate("window.kgSearch('没有这个单位'), [document.getElementById('kg-search-msg').textContent, " + link + "]")

    r = _open_view(chromium, path, actions=interact)
    _assert_offline_and_clean(r)
    assert seen["unit"] == [] and "“区发改委” 不在本视图中" in str(seen["unit_msg"])
    assert seen["unit_link"] == "unit-区发改委.html"
    index = json.loads((example_out / "views" / "search-index.js").read_text(encoding="utf-8")
                       .removeprefix("window.kgIndex = ").removesuffix(";\n"))
    assert seen["task"] == [] and seen["task_link"] == next(t[2] for t in index["tasks"] if t[0] == task)
    assert seen["group"] == ["单位 “各板块” 不在本视图中 (not drawn here)", None]  # a group has no view
    assert seen["none"] == ["未找到 “没有这个单位” (not found)", None]


def test_aggregated_views_draw_offline(chromium: Chromium, tmp_path: Path) -> None:
    import kg.visualize.views as views

    pages = views.write_views(tmp_path, _synthetic(120, 30), {}, limits=views.ViewLimits(
        unit_views=1, section_views=1, aggregate_tasks=100))
    kinds = sorted(p.kind for p in pages)
    assert kinds == ["collaboration", "region", "section", "types", "unit"]
    for p in pages:
        if p.kind in ("types", "region", "collaboration"):
            path = tmp_path / p.file
            r = _open_view(chromium, path, shot=f"aggregated-{p.kind}.png", values={"filter_rows": (
                "['type', 'section', 'role', 'document'].filter(function (f) { "
                "return document.getElementById('kg-filter-' + f + '-row').getBoundingClientRect().height > 0; })")})
            _assert_offline_and_clean(r)
            assert r.values["nodes"] == _payload_nodes(path) == p.nodes > 0, p.file
            assert r.values["painted"] > 500, p.file  # type: ignore[operator]
            # a filter with nothing to choose is not shown
            assert r.values["filter_rows"] == ["type"], p.file
