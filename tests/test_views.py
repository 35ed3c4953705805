"""The report and the interactive views, read as files: offline, escaped, complete.

The browser half (drawing, no requests, no dialogs) is ``test_browser.py``.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from kg.visualize.data import IndicatorInfo, SectionInfo, TaskInfo, UnitInfo, ViewData
from kg.visualize.names import SAFE_NAME, ViewNames, slug
from kg.visualize.networks import (
    collaboration_pairs,
    ego_network,
    responsibility_network,
    via_group_pairs,
)
from kg.visualize.render import PHYSICS_MAX_NODES, render_network
from kg.visualize.safe import (
    OfflineError,
    csp,
    external_urls,
    page_external_urls,
    script_json,
    strip_external,
)
from kg.visualize.style import LoadInfo

from kg.pipeline import BuildOptions, build
from kg.text.normalize import normalize_text

from .html_parser_scan import parsed_external_urls

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# The brief's strings, and forms that survive normalisation (which turns "(" into "（"),
# so that each would really run if it reached the page unescaped.
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_RUNS = "<script>window.kgXss=alert`1`</script>"
XSS_ATTR = '" onmouseover="window.kgXss=2'
XSS_IMG = "<img src=x onerror=window.kgXss=3>"

# A task plan whose text tries to break out of every context it lands in: a section title,
# task text, an indicator sentence, and (unknown) unit names in the responsibility clause.
XSS_PLAN = f"""某区2021年重点工作任务分解方案
一、{XSS_SCRIPT}创新发展
1.推进{XSS_SCRIPT}{XSS_RUNS}数字政府建设{XSS_ATTR}，确保全年新增硅巷10万平方米以上。（区科技局主办，区发改委协办）
2.完善{XSS_IMG}社区服务</script><!-- 功能，新增养老床位200张。（区民政局主办，各街道协办）
3.测试单位名称转义。（区{XSS_SCRIPT}局主办，区"onmouseover=x"办协办）
二、社会治理
4.推动信访积案化解。（区信访局主办，各街道协办）
"""

EXTERNAL_REF = re.compile(
    r"""(?:\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*(?:https?:|ftp:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import)""",
    re.IGNORECASE,
)
JSON_BLOCK = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.DOTALL)
SCRIPT_BLOCK = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)


@pytest.fixture(scope="module")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("views") / "out"
    build([EXAMPLES], out)
    return out


@pytest.fixture(scope="module")
def xss_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("xss")
    src = base / "xss_plan.txt"
    src.write_text(XSS_PLAN, encoding="utf-8")
    out = base / "out"
    build([src], out)
    return out


def _pages(out: Path) -> list[Path]:
    return [out / "index.html", out / "queries.html", *sorted((out / "views").glob("*.html"))]


def _payload(page: str) -> dict:
    m = JSON_BLOCK.search(page)
    assert m, "no data block"
    return json.loads(m.group(1))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        self.tags.append((tag, d))
        if tag == "a" and d.get("href"):
            self.links.append(str(d["href"]))


def _csp_of(parsed: _Links) -> str:
    for tag, attrs in parsed.tags:
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            return str(attrs.get("content"))
    return ""


def _parse(page: str) -> _Links:
    p = _Links()
    p.feed(page)
    return p


# ---------------------------------------------------------------------------------------
# offline


def test_every_page_written(example_out: Path) -> None:
    views = sorted(p.name for p in (example_out / "views").glob("*.html"))
    assert "responsibility.html" in views and "collaboration.html" in views
    assert any(v.startswith("unit-") for v in views) and any(v.startswith("section-") for v in views)
    assert (example_out / "index.html").is_file() and (example_out / "queries.html").is_file()
    for v in views:
        assert v in ("responsibility.html", "collaboration.html") or SAFE_NAME.fullmatch(v), v
    # readable names: the unit's name, the section's document, number and title
    assert "unit-区发改委.html" in views and "unit-各街道.html" not in views  # (a group has no view)
    assert "section-gulou_task_decomposition-一-关于完善创新生态-打造转型升级新引擎.html" in views, views
    assert (example_out / "views" / "vis-network.min.js").is_file()


def test_no_page_loads_anything_from_the_network(example_out: Path) -> None:
    for path in _pages(example_out):
        page = path.read_text(encoding="utf-8")
        assert not EXTERNAL_REF.findall(page), f"{path.name}: {EXTERNAL_REF.findall(page)[:3]}"
        parsed = _parse(SCRIPT_BLOCK.sub(lambda m: f"<script{m.group(1)}></script>", page))
        for tag, attrs in parsed.tags:
            # the one script file a view loads is vis-network, beside it on disk
            assert not (tag == "script" and attrs.get("src") not in (None, "vis-network.min.js", "search-index.js")), path.name
            assert not (tag == "link" and attrs.get("href")), f"{path.name}: linked resource"
            assert tag not in ("img", "iframe", "embed", "object", "source", "audio", "video"), path.name
        assert "bootstrap" not in page.lower() and "cdn.jsdelivr" not in page and "cdnjs" not in page
        assert "sourceMappingURL" not in page
        # a CSP that allows no network at all
        policy = _csp_of(parsed)
        assert "default-src 'none'" in policy and "connect-src 'none'" in policy, path.name
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    for name in ("vis-network.min.js", "search-index.js"):
        shared = (example_out / "views" / name).read_text(encoding="utf-8")
        assert not EXTERNAL_REF.findall(shared) and "sourceMappingURL" not in shared


def test_views_share_one_vis_network_file_and_the_csp_hashes_match(example_out: Path) -> None:
    from kg.visualize.render import vis_assets

    views = sorted((example_out / "views").glob("*.html"))
    assert (example_out / "views" / "vis-network.min.js").read_text(encoding="utf-8") == vis_assets()[0]
    total = 0
    for path in views:
        page = path.read_text(encoding="utf-8")
        total += len(page.encode("utf-8"))
        scripts = [(attrs, body) for attrs, body in SCRIPT_BLOCK.findall(page) if "application/json" not in attrs]
        assert [a.strip() for a, _ in scripts] == ['src="vis-network.min.js"', 'src="search-index.js"', ""], path.name
        assert "new vis.Network" in scripts[2][1] and "vis-network" not in scripts[2][1][:300]
        assert _csp_of(_parse(page)) == csp([scripts[2][1]], self_scripts=True)
    # each view carries its own data only, not a copy of the 470 kB library
    assert total < 150_000 * len(views), total


def test_index_links_every_view_and_every_link_resolves(example_out: Path) -> None:
    index = (example_out / "index.html").read_text(encoding="utf-8")
    links = _parse(index).links
    local = {link.split("#")[0] for link in links if not link.startswith("#")}
    for view in (example_out / "views").glob("*.html"):
        assert f"views/{view.name}" in local, view.name
    assert "queries.html" in local
    for link in local:
        assert (example_out / link).is_file(), link
    for view in (example_out / "views").glob("*.html"):
        for link in _parse(view.read_text(encoding="utf-8")).links:
            assert (view.parent / link).resolve().is_file(), (view.name, link)


def test_index_has_the_ranking_chart_and_concentration(example_out: Path) -> None:
    from kg.analysis.workload import compute_workload
    from kg.store import OxigraphStore

    store = OxigraphStore(example_out / "store", read_only=True)
    try:
        report = compute_workload(store)
    finally:
        store.close()
    index = (example_out / "index.html").read_text(encoding="utf-8")
    table = index.split('id="ranking-table"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    assert body.count("<tr") == len(report.units)
    assert body.count('class="flag"') == sum(u.overloaded for u in report.units) > 0
    first = report.units[0]
    assert first.unit in body.split("<tr", 2)[1]
    for u in report.units:
        if u.overloaded:
            assert _esc_text(u.reason) in body
    # the static chart: inline SVG with a bar label per unit, readable without JavaScript
    svg = index.split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    for u in report.units[:50]:
        label = u.unit if len(u.unit) <= 11 else u.unit[:10] + "…"
        assert f">{label}</text>" in svg
    assert f"{report.gini:.3f}" in index
    assert f"{report.top5_share * 100:.1f}%" in index
    for word in ("文件", "任务", "单位", "警告"):
        assert f"{word} <span class=\"en\">" in index


def _strings(obj: object):  # type: ignore[no-untyped-def]
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def _esc_text(s: str) -> str:
    import html

    return html.escape(s, quote=True)


def test_queries_page_lists_every_canned_query_with_its_result(example_out: Path) -> None:
    from kg import queries

    page = (example_out / "queries.html").read_text(encoding="utf-8")
    index = (example_out / "index.html").read_text(encoding="utf-8")
    for q in queries.list_queries():
        assert f'id="q-{q.name}"' in page
        assert _esc_text(q.question) in page
        assert f'href="queries.html#q-{q.name}"' in index
    assert "运行出错" not in page  # every canned query ran on the example


def test_view_payload_matches_the_graph(example_out: Path) -> None:
    page = (example_out / "views" / "responsibility.html").read_text(encoding="utf-8")
    data = _payload(page)
    kinds = [n["kind"] for n in data["nodes"]]
    assert kinds.count("task") == 72
    assert data["options"]["layout"]["randomSeed"] == 7
    assert data["options"]["physics"]["enabled"] is True
    dashed = [e for e in data["edges"] if e.get("dashes")]
    solid = [e for e in data["edges"] if not e.get("dashes")]
    assert dashed and solid
    groups = [n for n in data["nodes"] if n["kind"] == "group"]
    assert groups and all(n["shape"] == "diamond" for n in groups)
    assert all(n["shape"] == "dot" for n in data["nodes"] if n["kind"] == "unit")
    # Chinese font first in the node fonts
    assert data["nodes"][0]["font"]["face"].startswith('"WenQuanYi Micro Hei", "Noto Sans CJK SC"')
    # a tooltip carries the task number, the text and the indicators
    task = next(n for n in data["nodes"] if n["kind"] == "task" and n["tip"]["items"])
    assert task["tip"]["h"].startswith("第 ") and task["tip"]["t"] and task["tip"]["items_h"].startswith("指标")


def _plan_tasks(out: Path) -> list[dict]:
    lines = (out / "tasks.jsonl").read_text(encoding="utf-8").splitlines()
    return [t for t in map(json.loads, lines) if t["kind"] == "TaskPlan"]


def test_ego_view_has_a_table_of_every_task_of_the_unit(example_out: Path) -> None:
    page = (example_out / "views" / "unit-区科技局.html").read_text(encoding="utf-8")
    table = page.split('id="kg-task-table"', 1)[1].split("</table>", 1)[0]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", tr, re.DOTALL) for tr in re.findall(r"<tr\b[^>]*>(.*?)</tr>", table, re.DOTALL)[1:]]
    tasks = _plan_tasks(example_out)
    leads = [t["id"] for t in tasks if any(u["unit"] == "区科技局" for u in t["lead"])]
    co = [t["id"] for t in tasks if any(u["unit"] == "区科技局" for u in t["co_lead"])
          and not any(u["unit"] == "区科技局" for u in t["lead"])]
    assert leads and co
    assert [r[0] for r in rows if r[1] == "牵头"] == leads
    assert [r[0] for r in rows if r[1] == "配合"] == co
    # tasks it has through a group it belongs to (各部门), with the group named
    via = [r for r in rows if r[1].startswith("配合（经由 ")]
    assert via and len(rows) == len(leads) + len(co) + len(via)
    by_id = {t["id"]: t for t in tasks}
    for r in via:
        group = r[1].removeprefix("配合（经由 ").removesuffix("）")
        assert group in [u["unit"] for u in by_id[r[0]]["co_lead"]] and group.startswith("各"), r[:2]
    # every row's task is a node of the view (a click finds it), and the row's text is the task's
    payload = _payload(page)
    task_ids = {n["id"] for n in payload["nodes"] if n["kind"] == "task"}
    assert set(re.findall(r'<tr data-node="(t\d+)"', table)) == task_ids
    first = next(t for t in tasks if t["id"] == leads[0])
    assert rows[0][3] == _esc_text(first["text"])
    assert payload["focus"] == "u1"
    # a section view has no table; a unit on no task plan has none to show
    section = next((example_out / "views").glob("section-*.html")).read_text(encoding="utf-8")
    assert 'id="kg-task-table"' not in section


def test_the_search_index_lists_every_unit_and_task_with_its_view(example_out: Path) -> None:
    text = (example_out / "views" / "search-index.js").read_text(encoding="utf-8")
    assert text.startswith("window.kgIndex = {") and text.endswith("};\n")
    index = json.loads(text.removeprefix("window.kgIndex = ").removesuffix(";\n"))
    units = {u[0]: u for u in index["units"]}
    assert units["区发改委"][2] == "unit-区发改委.html" and "发改委" in units["区发改委"][1]
    assert units["各街道"][2] == ""  # a group has no view
    for _, _, file in index["units"]:
        assert not file or (example_out / "views" / file).is_file()
    tasks = _plan_tasks(example_out)
    assert [t[0] for t in index["tasks"]] == [t["id"] for t in tasks]
    assert all(t[2] and (example_out / "views" / t[2]).is_file() for t in index["tasks"])


def test_views_carry_their_filters_and_the_units_aliases(example_out: Path) -> None:
    payload = _payload((example_out / "views" / "responsibility.html").read_text(encoding="utf-8"))
    f = payload["filters"]
    units = [n for n in payload["nodes"] if n["kind"] in ("unit", "group")]
    assert [t for t, _ in f["types"]] == [t for t in (
        "PartyDepartment", "GovernmentDepartment", "DeployedUnit", "ManagementCommittee", "StreetOffice",
        "TownOffice", "SOEGroup", "LocalGovernment", "PeopleOrganisation", "OtherUnit", "UnitGroup",
    ) if any(n["utype"] == t for n in units)]
    assert "UnitGroup" in dict(f["types"]) and "GovernmentDepartment" in dict(f["types"])
    # the sections are the plan's top sections, in order; each task points at its own
    tasks = _plan_tasks(example_out)
    assert len(f["sections"]) == 7 and f["sections"][0].startswith("一、关于完善创新生态")
    nodes = {n["label"]: n for n in payload["nodes"] if n["kind"] == "task"}
    assert f["sections"][nodes["1"]["sec"]].startswith("一、") and f["sections"][nodes["11"]["sec"]].startswith("二、")
    assert f["sections"][nodes[tasks[-1]["id"]]["sec"]].startswith("七、")
    assert f["documents"] == []  # one task plan: nothing to choose
    assert [r for r, _ in f["roles"]] == ["lead", "co_lead"]
    ndrc = next(n for n in units if n["label"] == "区发改委")
    assert "发改委" in ndrc["alias"] and "区发展和改革委员会" in ndrc["alias"]
    assert all("alias" not in n or n["alias"] for n in units)
    # the collaboration view draws no tasks: a type filter only
    collab = _payload((example_out / "views" / "collaboration.html").read_text(encoding="utf-8"))["filters"]
    assert collab["types"] and collab["sections"] == [] and collab["roles"] == []


def test_collaboration_weights_agree_with_the_workload(example_out: Path) -> None:
    from kg.visualize.data import load_view_data

    from kg.analysis.workload import compute_workload
    from kg.store import OxigraphStore

    store = OxigraphStore(example_out / "store", read_only=True)
    try:
        data = load_view_data(store)
        report = compute_workload(store)
    finally:
        store.close()
    pairs = {frozenset(k): len(v) for k, v in collaboration_pairs(data).items()}
    graph = {frozenset((a, b)): d["weight"] for a, b, d in report.collaboration.edges(data=True)}
    assert pairs == graph
    # the view draws those pairs, and (dashed) the units each task reaches through a group
    view = _payload((example_out / "views" / "collaboration.html").read_text(encoding="utf-8"))
    label = {n["id"]: n["label"] for n in view["nodes"]}
    by_label = {u.label: u.iri for u in data.units.values()}
    drawn = {frozenset((by_label[label[e["from"]]], by_label[label[e["to"]]])): e["value"]
             for e in view["edges"] if e["kind"] == "collab"}
    assert drawn == pairs
    via = {frozenset(k): len(v) for k, v in via_group_pairs(data).items() if k not in collaboration_pairs(data)}
    dashed = {frozenset((by_label[label[e["from"]]], by_label[label[e["to"]]])): e["value"]
              for e in view["edges"] if e["kind"] == "collab_via"}
    assert dashed == via and via
    # a street that no task names is in the view, through 各街道 only
    street = next(n for n in view["nodes"] if n["label"] == "中央门街道")
    assert {e["kind"] for e in view["edges"] if street["id"] in (e["from"], e["to"])} == {"collab_via"}


# ---------------------------------------------------------------------------------------
# safety


def test_document_text_is_escaped_everywhere(xss_out: Path) -> None:
    pages = _pages(xss_out)
    assert len(pages) > 4
    seen_in_json = False
    for path in pages:
        page = path.read_text(encoding="utf-8")
        # the raw markup never appears, JSON blocks included
        assert "<script>alert" not in page, path.name
        assert "<script>window" not in page, path.name
        assert "<img src=x" not in page, path.name
        assert "<!-- 功能" not in page and "</script><!--" not in page, path.name
        outside = JSON_BLOCK.sub("", page)
        assert '" onmouseover=' not in outside, path.name
        assert '"onmouseover=x"' not in outside, path.name
        # exactly our own script elements, nothing injected
        scripts = SCRIPT_BLOCK.findall(page)
        assert len(scripts) <= 4, path.name
        skeleton = SCRIPT_BLOCK.sub("<script></script>", page)  # (vis-network's code mentions "<script>")
        assert skeleton.count("<script") == len(scripts), path.name
        assert all("alert(" not in attrs for attrs, _ in scripts), path.name
        for tag, attrs in _parse(page).tags:
            assert not any(k.startswith("on") for k in attrs), (path.name, tag, attrs)
        m = JSON_BLOCK.search(page)
        if m:
            # …and the JSON still holds the text exactly, so the page shows it as text
            texts = list(_strings(json.loads(m.group(1))))
            if any("kgXss=alert" in t for t in texts):
                seen_in_json = True
                assert any(normalize_text(XSS_RUNS) in t and normalize_text(XSS_ATTR) in t for t in texts)
    assert seen_in_json
    # the search index names units as written, as JSON with no markup character left
    index = (xss_out / "views" / "search-index.js").read_text(encoding="utf-8")
    assert "<" not in index and ">" not in index and "\\u003cscript\\u003e" in index
    index = (xss_out / "index.html").read_text(encoding="utf-8")
    section = next(p for p in (xss_out / "views").glob("section-xss_plan-一-*.html"))
    assert "&lt;script&gt;alert（1）&lt;/script&gt;" in section.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert（1）&lt;/script&gt;" in index


def test_script_json_cannot_close_its_script_element() -> None:
    text = script_json({"t": "</script><!-- <script>alert(1)</script> & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text)["t"] == "</script><!-- <script>alert(1)</script> & \u2028"


def test_strip_external_removes_cdn_tags_and_refuses_other_references() -> None:
    pyvis_head = (
        '<link href="https://cdn.jsdelivr.net/npm/bootstrap@5.0.0-beta3/dist/css/bootstrap.min.css" rel="stylesheet"/>'
        '<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.0.0-beta3/dist/js/bootstrap.bundle.min.js"></script>'
    )
    assert strip_external(f"<head>{pyvis_head}</head>") == "<head></head>"
    with pytest.raises(RuntimeError):
        strip_external('<img src="//example.org/x.png">')
    assert external_urls('<a href="views/x.html">') == []


# what a CDN link and document text put into a page unescaped (a fault) would add to it
_INJECTED = (
    '<link rel="stylesheet" href="https://cdn.example/x.css">'
    "<p>推进 <IMG/src=//evil.example/a.png> 工作</p>"
    '<div style="background:url(&#47;&#47;evil.example/b.png)">'
    '<img srcset="a.png 1x, //s.example/b.png 2x"><STYLE>p{background:url(//c.example/i.png)}</STYLE>'
)
_INJECTED_FOUND = [
    "<link href=https://cdn.example/x.css>", "<img src=//evil.example/a.png>",
    "<div style=background:url(//evil.example/b.png)>", "<img srcset=a.png 1x, //s.example/b.png 2x>",
    "<style>url(//",
]


def test_the_lxml_offline_check_finds_what_html_parser_finds(example_out: Path, xss_out: Path) -> None:
    """page_external_urls (lxml) against the html.parser scan on every page kg writes:
    nothing on the pages as written, the same references once a CDN link and unescaped
    document text are put into them, and the page is refused."""
    pages = _pages(example_out) + _pages(xss_out)
    assert len(pages) > 10
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert page_external_urls(page) == parsed_external_urls(page) == []
        bad = page.replace("</body>", _INJECTED + "</body>", 1)
        assert page_external_urls(bad) == parsed_external_urls(bad) == _INJECTED_FOUND
        with pytest.raises(OfflineError):
            strip_external(bad)


@pytest.mark.parametrize(("markup", "found"), [
    ("<!-- <img src=//in.comment/x.png> -->", []),
    ("<![CDATA[<img src=//c.example>]]><svg><![CDATA[<img src=//d.example>]]></svg>", []),
    ('<SCRIPT TYPE="application/json">{"a":"<img src=//x.example>"}</SCRIPT >', []),
    ('<script type="text/plain">x</script><script>i.src = "https://x.example/a"</script>', ['src = "https://x.example/a"']),
    ("<a href='https://x.example/'>x</a><a href=views/u.html>u</a><a\nhref=\n//y.example>y</a>",
     ["<a href=https://x.example/>", "<a href=//y.example>"]),
    ('<img src="data:image/png;base64,AA" title="//t.example"><img src=&#104;ttps://e.example/>', ["<img src=https://e.example/>"]),
    ('<meta http-equiv="Refresh" content="0; URL=https://x.example/"><meta charset="utf-8">',
     ["<meta http-equiv=refresh content=0; URL=https://x.example/>"]),
    ('<p data-x="//d.example" class="a:b">text src=//not.markup</p><object data="//o.example"></object>', ["<object data=//o.example>"]),
    ("<style>p{}</style><style media=x>@import url(//s.example/a.css)</style><style>div{}", ["<style>url(//"]),
    ('<a href="//x.example" <img src="//y.example">', ["<a href=//x.example>", "<a src=//y.example>"]),
    ("<img src='//x.example/a.png' src='b.png'>", ["<img src=//x.example/a.png>"]),
    ("<svg><image xlink:href='//x.example/i.png'/></svg><input type=image src=https://i.example>",
     ["<image xlink:href=//x.example/i.png>", "<input src=https://i.example>"]),
    ("<p>&lt;img src=//escaped.example&gt; 推进 &amp; src=//text.example</p>", []),
])
def test_the_lxml_offline_check_agrees_with_html_parser_on_odd_markup(markup: str, found: list[str]) -> None:
    page = f"<!DOCTYPE html><html><body>{markup}</body></html>"
    assert page_external_urls(page) == parsed_external_urls(page) == found


@pytest.mark.parametrize("markup", [
    "<img src='b.png' src='//x.example/a.png'>",  # of two src a browser loads the first
    "<textarea><img src=//t.example/a.png></textarea>",  # a textarea's content is its text
])
def test_where_the_parsers_differ_lxml_reads_the_page_as_a_browser_does(markup: str) -> None:
    """The two places html.parser reported what a browser never loads (HTML5's rules,
    which libxml2 2.14 follows); the same markup outside them is still caught."""
    page = f"<!DOCTYPE html><html><body>{markup}</body></html>"
    assert page_external_urls(page) == []
    assert parsed_external_urls(page) != []
    loose = page.replace("<textarea>", "<p>").replace("src='b.png' ", "")
    assert page_external_urls(loose) == parsed_external_urls(loose) != []


def test_the_lxml_offline_check_reads_a_view_sized_script_whole() -> None:
    """A view's JSON payload is megabytes in one text node: libxml2 would stop at 10 MB
    without huge_tree; a reference at its end is still found."""
    page = "<script>" + "var a = 1;" * 1_200_000 + ' s.src = "//x.example/p";</script><p>x</p>'
    assert page_external_urls(page) == parsed_external_urls(page) == ['src = "//x.example/p";']


def test_pyvis_stock_output_is_made_offline() -> None:
    """pyvis 0.3.2 in ``in_line`` mode still links Bootstrap from a CDN; stripping fixes that."""
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.add_node(1, label="区科技局")
    raw = net.generate_html()
    assert external_urls(raw)  # the problem is real…
    assert not EXTERNAL_REF.findall(strip_external(raw).replace(raw[raw.find("<script>/**"): raw.find("</script>", raw.find("<script>/**"))], ""))


# ---------------------------------------------------------------------------------------
# layout, names, determinism


def _synthetic(n_tasks: int, n_units: int) -> ViewData:
    data = ViewData()
    doc = "https://example.org/doc/d"
    data.sections["s1"] = SectionInfo("s1", doc, 1, "一", "第一部分")
    for i in range(n_units):
        iri = f"https://example.org/unit/{i}"
        data.units[iri] = UnitInfo(iri, f"单位{i}", "GovernmentDepartment")
    for t in range(n_tasks):
        iri = f"https://example.org/doc/d/task/{t}"
        task = TaskInfo(iri, doc, str(t + 1), t + 1, f"任务{t + 1}的文字", "s1")
        task.lead.append(f"https://example.org/unit/{t % n_units}")
        task.co_lead.append(f"https://example.org/unit/{(t * 7 + 1) % n_units}")
        task.indicators.append(IndicatorInfo(f"{iri}/i/1", "新增10家", "企业数"))
        data.tasks[iri] = task
    return data


def test_small_graphs_simulate_big_graphs_get_fixed_positions() -> None:
    small = _synthetic(20, 6)
    page = render_network(responsibility_network(small, {}))
    data = _payload(page)
    assert data["physics"] is True and data["options"]["physics"]["enabled"] is True
    assert data["options"]["layout"]["randomSeed"] == 7
    big = _synthetic(PHYSICS_MAX_NODES + 50, 40)
    page = render_network(responsibility_network(big, {}))
    data = _payload(page)
    assert len(data["nodes"]) > PHYSICS_MAX_NODES
    assert data["physics"] is False and data["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    xs = [n["x"] for n in data["nodes"]]
    assert max(xs) - min(xs) > 500  # spread out, not a heap


def test_rendering_is_deterministic() -> None:
    data = _synthetic(30, 8)
    loads = {u: LoadInfo(float(i), rank=i + 1) for i, u in enumerate(data.units)}
    assert render_network(responsibility_network(data, loads)) == render_network(responsibility_network(data, loads))


def test_file_names_are_readable_safe_stable_and_unique() -> None:
    evil = "..%2F..%2Fetc%2Fpasswd<script>"
    assert slug(evil) == "2F-2Fetc-2Fpasswd-script"
    assert slug("区发改委") == "区发改委" and slug("../..") == "x"
    data = _synthetic(4, 2)
    a, b = "https://w3id.org/govkg/id/a-qu/unit/x", "https://w3id.org/govkg/id/b-qu/unit/x"
    data.units[a] = UnitInfo(a, "区发改委", "GovernmentDepartment")
    data.units[b] = UnitInfo(b, "区发改委", "GovernmentDepartment")
    data.units["e"] = UnitInfo("e", f"区/{evil} 局", "OtherUnit")
    names = ViewNames(data)
    # the same name in two regions: each gets its region
    assert names.unit(a) == "unit-区发改委-a-qu.html" and names.unit(b) == "unit-区发改委-b-qu.html"
    assert names.unit("https://example.org/unit/0") == "unit-单位0.html"
    assert SAFE_NAME.fullmatch(names.unit("e")) and "/" not in names.unit("e") and ".." not in names.unit("e")
    assert names.unit("e") == ViewNames(data).unit("e")  # stable
    every = [f for _, f in names.units()]
    assert len(every) == len(set(every))
    # two sections with the same number and title in one document: a hash keeps them apart
    data.sections["s2"] = SectionInfo("s2", "https://example.org/doc/d", 2, "一", "第一部分")
    names = ViewNames(data)
    assert names.section("s1") != names.section("s2")
    assert names.section("s1").startswith("section-d-一-第一部分-")


def test_ego_view_shows_tasks_partners_indicators() -> None:
    data = _synthetic(12, 4)
    unit = "https://example.org/unit/0"
    net = ego_network(data, unit, {})
    kinds = [n["kind"] for n in net.nodes]
    mine = [t for t in data.tasks.values() if unit in t.lead or unit in t.co_lead]
    assert kinds.count("task") == len(mine)
    assert kinds.count("indicator") == len(mine)
    assert kinds.count("unit") > 1
    page = render_network(net)
    assert "单位视图：单位0" in page


def test_write_report_regenerates_from_a_build_folder(example_out: Path, tmp_path: Path) -> None:
    import shutil

    from kg.visualize.report import main

    copy = tmp_path / "copy"
    shutil.copytree(example_out, copy)
    for f in [copy / "index.html", copy / "queries.html"]:
        f.unlink()
    shutil.rmtree(copy / "views")
    assert main([str(copy)]) == 0
    assert (copy / "index.html").read_text(encoding="utf-8") == (example_out / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (copy / "views").iterdir()) == sorted(p.name for p in (example_out / "views").iterdir())


def test_the_index_says_when_betweenness_is_sampled(
    example_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Betweenness is estimated from a sample of sources above BETWEENNESS_EXACT_MAX
    units: the index says so (and from how many), and not when it is exact."""
    import shutil

    from kg.visualize.report import write_report

    import kg.analysis.networks as networks
    from kg.analysis.workload import compute_workload
    from kg.store import open_store

    assert 'id="sampled"' not in (example_out / "index.html").read_text(encoding="utf-8")
    copy = tmp_path / "copy"
    shutil.copytree(example_out, copy)
    monkeypatch.setattr(networks, "BETWEENNESS_EXACT_MAX", 2)
    monkeypatch.setattr(networks, "BETWEENNESS_MIN_SAMPLE", 2)
    monkeypatch.setattr(networks, "BETWEENNESS_SAMPLE", 2)
    store = open_store(copy)
    try:
        units = compute_workload(store).collaboration.number_of_nodes()
    finally:
        store.close()
    assert units > 2
    write_report(copy)
    index = (copy / "index.html").read_text(encoding="utf-8")
    assert f"中介中心度按固定抽样的 2 个起点单位估算（共 {units} 个单位" in index
    assert f"estimated from a fixed sample of 2 source units of {units}" in index


def test_slow_canned_queries_are_skipped_not_waited_for(example_out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from kg.visualize.report_queries import run_queries

    monkeypatch.setenv("KG_REPORT_QUERY_TIMEOUT", "0.0001")
    monkeypatch.setenv("KG_REPORT_QUERY_BUDGET", "4")
    t0 = time.monotonic()
    blocks, error = run_queries(example_out)
    assert not error and blocks
    assert time.monotonic() - t0 < 40
    assert any("超过" in b.skipped for b in blocks)
    assert all(b.skipped or b.columns for b in blocks)
    assert not any(b.error for b in blocks)


def test_a_build_without_task_plans_still_gets_a_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([EXAMPLES / "gulou_2020_work_report.txt"], out, BuildOptions(artifact_writers=("report",)))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "no tasks of a task plan" in index
    assert (out / "views" / "responsibility.html").is_file()
    assert not EXTERNAL_REF.findall(index)


def test_layout_without_numpy_or_scipy_is_an_error_not_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy and scipy are dependencies of kg: a broken install fails loudly instead of
    drawing a different layout."""
    import networkx as nx

    def missing(*args: object, **kwargs: object) -> None:
        raise ImportError("No module named 'numpy'")

    monkeypatch.setattr(nx, "spring_layout", missing)
    with pytest.raises(ImportError, match="numpy"):
        render_network(responsibility_network(_synthetic(40, 6), {}))


# ---------------------------------------------------------------------------------------
# big corpora: capped views, every unit still ranked


@pytest.fixture(scope="module")
def generated_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus of 3 districts × 2 plans (600 tasks), built without the report."""
    from kg.analysis.workload_outputs import write_workload_outputs

    from .conftest import build_generated

    out = build_generated(tmp_path_factory.mktemp("generated"), 600, districts=3)

    write_workload_outputs(out, None)
    return out


def test_big_corpora_get_capped_views_and_the_index_names_the_rest(generated_out: Path, tmp_path: Path) -> None:
    import csv
    import shutil

    import kg.visualize.views as views
    from kg.visualize.report import main, write_report

    out = tmp_path / "out"
    shutil.copytree(generated_out, out)
    limits = views.ViewLimits(unit_views=4, section_views=3, view_tasks=20, network_tasks=150, network_units=10)
    pages = write_report(out, limits=limits)
    kinds = [p.kind for p in pages]
    assert kinds.count("unit") == 4 and kinds.count("section") == 3
    files = sorted(p.name for p in (out / "views").glob("*.html"))
    assert len(files) == 2 + 4 + 3
    ranking = list(csv.DictReader((out / "workload.csv").open(encoding="utf-8")))
    # the views drawn are those of the units with the highest load
    drawn = {p.key for p in pages if p.kind == "unit"}
    assert drawn == {r["iri"] for r in ranking[:4]}

    index = (out / "index.html").read_text(encoding="utf-8")
    parsed = _parse(index)
    for link in parsed.links:  # nothing points at a view that was not drawn
        if not link.startswith(("#", "queries.html")):
            assert (out / link.split("#")[0]).is_file(), link
    # every unit is still in the ranking table, with or without a view
    table = index.split('id="ranking-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr") == len(ranking) + 1
    for r in ranking:
        assert f">{r['unit']}<" in table
    # the index says what was left out and how to draw it
    n_units = sum(1 for u in ranking)
    assert 'id="omitted-units"' in index and 'id="omitted-sections"' in index
    assert f"其余 {n_units - 4} 个单位未生成视图" in index
    assert "python -m kg.visualize.report OUT --unit" in index and "--all-views" in index
    assert f"<li>{ranking[4]['unit']} " in index.split('id="omitted-units"', 1)[1]

    # views and networks cut to their caps say so
    top = next(p for p in pages if p.kind == "unit" and p.key == ranking[0]["iri"])
    page = (out / top.file).read_text(encoding="utf-8")
    assert _payload(page)["nodes"] and "仅绘制 20 项" in page
    assert sum(1 for n in _payload(page)["nodes"] if n["kind"] == "task") == 20
    resp = (out / "views" / "responsibility.html").read_text(encoding="utf-8")
    assert sum(1 for n in _payload(resp)["nodes"] if n["kind"] == "task") == 100  # whole plans only
    assert "responsibility.graphml" in resp
    collab = _payload((out / "views" / "collaboration.html").read_text(encoding="utf-8"))
    assert sum(1 for n in collab["nodes"] if n["kind"] == "unit") == 10

    # one left-out unit's view, on demand, leaves the rest as it was
    left_out = ranking[-1]
    assert main([str(out), "--unit", left_out["unit"]]) == 0
    assert (out / "views" / f"unit-{slug(left_out['unit'])}.html").is_file()
    assert (out / "index.html").read_text(encoding="utf-8") == index
    assert main([str(out), "--unit", "没有这个单位"]) == 2
    assert main([str(out), "--section", "扩大有效投入"]) == 0
    assert len(list((out / "views").glob("section-*.html"))) > 3


def test_small_builds_keep_every_view(example_out: Path) -> None:
    """The bundled example is under every cap: a view per unit and per section, no notice."""
    import csv

    index = (example_out / "index.html").read_text(encoding="utf-8")
    assert "omitted-units" not in index and "omitted-sections" not in index
    ranking = list(csv.DictReader((example_out / "workload.csv").open(encoding="utf-8")))
    for r in ranking:
        assert (example_out / "views" / f"unit-{slug(r['unit'])}.html").is_file(), r["unit"]


# ---------------------------------------------------------------------------------------
# one vocabulary of labels; the expanded load


def test_the_index_explains_its_measures_in_the_label_vocabulary(example_out: Path) -> None:
    from kg.labels import label, note

    index = (example_out / "index.html").read_text(encoding="utf-8")
    notes = index.split('id="glossary"', 1)[1].split("</details>", 1)[0]
    for key in ("load", "partners", "betweenness", "fence"):
        assert f'<dt id="m-{key}">{label("measure", key)} <span class="en">{label("measure", key, "en")}</span></dt>' in notes
        import html

        assert note("measure", key) in html.unescape(notes) and note("measure", key, "en") in html.unescape(notes)
    # the roles are named alike everywhere: 牵头 / 配合, never 主办 / 协办 (the original's words)
    table = index.split('id="ranking-table"', 1)[1].split("</thead>", 1)[0]
    assert f'{label("role", "lead")}<br>' in table and f'{label("role", "co_lead")}<br>' in table
    assert "主办" not in table and "协办" not in table
    view = (example_out / "views" / "responsibility.html").read_text(encoding="utf-8")
    legend = view.split('class="legend"', 1)[1]
    assert f'title="{_esc_text(note("role", "lead"))}"' in legend and ">牵头 <span" in legend
    assert ">主办" not in legend and ">协办" not in legend  # (the note quotes the original words)


def test_kg_report_expand_groups_ranks_by_the_expanded_load(example_out: Path, tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner

    from kg.cli import main

    out = tmp_path / "out"
    shutil.copytree(example_out, out)
    direct = (out / "index.html").read_text(encoding="utf-8")
    r = CliRunner().invoke(main, ["report", str(out), "--expand-groups"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert r.output == f"wrote the report of {out}: {out / 'index.html'}\n"
    expanded = (out / "index.html").read_text(encoding="utf-8")
    said = "“各街道”等单位组已展开到成员单位。"
    assert said in expanded and said not in direct
    # a street reached only through 各街道 is ranked by the load it gets from it
    table = expanded.split('id="ranking-table"', 1)[1].split("</table>", 1)[0]
    assert ">华侨路街道<" in table
    assert (out / "workload.csv").is_file() and (out / "views" / "unit-华侨路街道.html").is_file()
    bad = CliRunner().invoke(main, ["report", str(tmp_path / "nothing"), "--expand-groups"])
    assert bad.exit_code == 2 and bad.output.startswith("Error: ")


def test_kg_report_queries_adds_a_user_query_folder(example_out: Path, tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner

    from kg.cli import main

    out = tmp_path / "out"
    shutil.copytree(example_out, out)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "street_count.rq").write_text(
        "# question: 有多少个街道？How many streets?\n"
        "PREFIX kg: <https://w3id.org/govkg/ns#>\n"
        "SELECT (COUNT(?s) AS ?streets) WHERE { ?s a kg:StreetOffice }\n",
        encoding="utf-8",
    )
    before = (out / "queries.html").read_text(encoding="utf-8")
    r = CliRunner().invoke(main, ["report", str(out), "--queries", str(mine)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    after = (out / "queries.html").read_text(encoding="utf-8")
    assert "street_count" not in before and "有多少个街道？How many streets?" in after
    # its answer, run on the build: the example has 13 streets
    block = after.split('id="q-street_count"', 1)[1]
    assert ">13<" in block.split("</table>", 1)[0]
    # a folder that does not exist is one line, and nothing is rewritten
    bad = CliRunner().invoke(main, ["report", str(out), "--queries", str(tmp_path / "none")])
    assert bad.exit_code == 2 and bad.output.startswith("Error: ") and bad.output.count("\n") == 1


def test_big_corpora_get_aggregated_views_and_the_index_says_why(generated_out: Path, tmp_path: Path) -> None:
    import csv
    import shutil

    import kg.visualize.views as views
    from kg.visualize.aggregate import NEIGHBOURS, REGION_UNITS, TOP_UNITS
    from kg.visualize.report import write_report

    out = tmp_path / "out"
    shutil.copytree(generated_out, out)
    limits = views.ViewLimits(unit_views=3, section_views=2, aggregate_tasks=500)
    pages = write_report(out, limits=limits)
    files = sorted(p.name for p in (out / "views").glob("*.html"))
    assert "responsibility.html" not in files and "collaboration.html" not in files
    regions = sorted(f for f in files if f.startswith("region-"))
    ranking = list(csv.DictReader((out / "workload.csv").open(encoding="utf-8-sig")))
    by_region: dict[str, list[dict]] = {}
    for r in ranking:
        by_region.setdefault(r["iri"].split("/unit/")[0].rsplit("/", 1)[-1], []).append(r)
    assert len(by_region) > 1 and regions == sorted(f"region-{slug(k)}.html" for k in by_region)
    assert [p.kind for p in pages].count("unit") == 3 and [p.kind for p in pages].count("section") == 2
    # one node per unit type, its size from its units' total load; the types' edges are
    # the tasks shared by units of two types
    types = _payload((out / "views" / "type-network.html").read_text(encoding="utf-8"))
    by_type: dict[str, int] = {}
    for r in ranking:
        by_type[r["type"]] = by_type.get(r["type"], 0) + 1
    from kg.labels import label

    assert sorted(n["label"] for n in types["nodes"]) == sorted(f"{label('unit_type', t)}（{n}）" for t, n in by_type.items())
    assert types["edges"] and all(e["kind"] == "collab" and e["value"] > 0 for e in types["edges"])
    # a region's view draws its units with the highest load
    first = sorted(by_region)[0]
    region = _payload((out / "views" / f"region-{slug(first)}.html").read_text(encoding="utf-8"))
    labels = {n["label"] for n in region["nodes"] if n["kind"] == "unit"}
    assert labels == {r["unit"] for r in by_region[first][:REGION_UNITS]}
    # the top units, each with its closest partners
    top = _payload((out / "views" / "top-units.html").read_text(encoding="utf-8"))
    top_labels = [n["label"] for n in top["nodes"]]
    assert top_labels[: min(TOP_UNITS, len(ranking))] == [r["unit"] for r in ranking[:TOP_UNITS]]
    assert len(top_labels) <= TOP_UNITS * (1 + NEIGHBOURS)
    index = (out / "index.html").read_text(encoding="utf-8")
    notice = index.split('id="aggregated"', 1)[1].split("</p>", 1)[0]
    assert "任务较多（600 项，超过 500 项）" in notice and f"{len(by_region)} 个地区视图" in notice
    for f in ("type-network.html", "top-units.html", *regions):
        assert f'href="views/{f}"' in index
    view = (out / "views" / "top-units.html").read_text(encoding="utf-8")
    assert 'href="type-network.html"' in view and 'href="responsibility.html"' not in view
    # under the threshold: the two networks, no notice (counter-example)
    small = tmp_path / "small"
    shutil.copytree(generated_out, small)
    write_report(small, limits=views.ViewLimits(unit_views=1, section_views=1, aggregate_tasks=600))
    assert (small / "views" / "responsibility.html").is_file() and 'id="aggregated"' not in (small / "index.html").read_text(encoding="utf-8")


def test_streets_show_the_load_they_get_through_groups_beside_their_direct_load(example_out: Path) -> None:
    """华侨路街道 is named once (a co-lead: 0.5) and reached through 各街道 on many tasks."""
    import csv

    row = next(r for r in csv.DictReader((example_out / "workload.csv").open(encoding="utf-8-sig"))
               if r["unit"] == "华侨路街道")
    direct, expanded = float(row["direct_load"]), float(row["expanded_load"])
    assert direct == 0.5 and expanded > 5 * direct
    index = (example_out / "index.html").read_text(encoding="utf-8")
    table = index.split('id="ranking-table"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table.split(">华侨路街道</a>", 1)[1].split("</tr>", 1)[0], re.DOTALL)
    # type, lead, co-lead, load, direct load, expanded load
    assert cells[1:6] == [row["lead"], row["co_lead"], "<b>0.5</b>", "0.5", f"{expanded:g}"]
    # the chart draws what 各街道 adds as a dashed box after the bar, and says how much
    svg = index.split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    bar = svg.split(">华侨路街道</text>", 1)[1].split("</g>", 1)[0]
    assert 'class="via"' in bar and f">0.5（+{expanded - direct:g}）</text>" in bar
    rows = list(csv.DictReader((example_out / "workload.csv").open(encoding="utf-8-sig")))
    same = next(r for r in rows if r["direct_load"] == r["expanded_load"] and float(r["load"]) > 0)
    assert 'class="via"' not in svg.split(f">{same['unit']}</text>", 1)[1].split("</g>", 1)[0]
    grid = index.split('class="unit-grid"', 1)[1].split("</ul>", 1)[0]
    assert f">华侨路街道</a> <span class=\"muted small\">0.5（含群组负荷 {expanded:g}）</span>" in grid
    view = (example_out / "views" / "unit-华侨路街道.html").read_text(encoding="utf-8")
    focus = next(n for n in _payload(view)["nodes"] if n["id"] == "u1")
    assert ["直接负荷 direct load", "0.5"] in focus["tip"]["rows"]
    assert ["含群组负荷 expanded load", f"{expanded:g}"] in focus["tip"]["rows"]
    assert f"负荷 0.5（含群组负荷 {expanded:g}）" in view
    assert f"未超负荷 Not overloaded：{_esc_text(row['reason_zh'])}" in view
    # a unit no group reaches shows one load (counter-example)
    page = (example_out / "views" / f"unit-{slug(same['unit'])}.html").read_text(encoding="utf-8")
    stats = page.split('class="stats"', 1)[1].split("</section>", 1)[0]
    assert f"负荷 {float(same['load']):g}" in stats and "含群组负荷" not in stats


def test_an_lxml_without_the_html5_tokenizer_is_refused_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.visualize.safe as safe

    from kg.errors import KgError

    monkeypatch.setattr(safe, "_HTML5_LIBXML", (99, 0, 0))
    with pytest.raises(KgError, match=r"needs libxml2 >= 2.14 .*install lxml >= 6.0"):
        page_external_urls("<p>区发改委</p>")


def test_the_views_read_the_facts_file_one_record_at_a_time_or_the_store(tmp_path: Path) -> None:
    from kg.visualize.data import load_view_data

    from kg.layout import FACTS_FILE
    from kg.store import open_store

    out = tmp_path / "out"
    build([EXAMPLES / "gulou_task_decomposition.txt"], out, BuildOptions(artifacts=False))
    store = open_store(out)
    try:
        from_file, from_store = load_view_data(store, build=out), load_view_data(store)
        path = out / FACTS_FILE
        head, line = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text(head + line + line[: len(line) // 2] + "\n", encoding="utf-8")  # a second line cut short
        cut = load_view_data(store, build=out)
    finally:
        store.close()
    assert from_file.source == FACTS_FILE and len(from_file.tasks) == 72
    for name in ("documents", "sections", "tasks", "units"):
        assert getattr(from_file, name) == getattr(from_store, name), name
    # the cut line is met after the first document's record was taken: the store is read
    assert cut.source.startswith(f"store ({FACTS_FILE} cannot be read: {path}:3: ")
    assert cut == from_store


def _downloads(out: Path) -> list[str]:
    page = (out / "index.html").read_text(encoding="utf-8")
    section = page.split('<section id="downloads">', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li><a href="([^"]+)">', section)


def test_the_index_lists_the_files_the_slow_children_will_have_written(
    example_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workload files are written by forked children while the report is drawn: the
    index lists what they will have written, not what happens to exist yet."""
    import shutil
    import time

    import kg.analysis.workload_outputs as wo
    from kg.pipeline.artifacts import write_artifacts

    inline, slow = tmp_path / "inline", tmp_path / "slow"
    for out in (inline, slow):
        shutil.copytree(example_out, out)
        for name in (*wo.FILES, "index.html"):
            (out / name).unlink(missing_ok=True)
    write_artifacts(inline)
    monkeypatch.setattr(wo, "PARALLEL_MIN_TASKS", 1)

    def after_the_index(write: object) -> object:
        def late(tmp_out: Path, *args: object) -> None:
            deadline = time.monotonic() + 120
            while not (tmp_out / "index.html").is_file() and time.monotonic() < deadline:  # (in the child)
                time.sleep(0.05)
            write(tmp_out, *args)  # type: ignore[operator]
        return late

    monkeypatch.setattr(wo, "_write_tables", after_the_index(wo._write_tables))
    monkeypatch.setattr(wo, "_write_networks", after_the_index(wo._write_networks))
    write_artifacts(slow)
    assert _downloads(slow) == _downloads(inline)
    assert {"workload.csv", "responsibility_matrix.xlsx", "collaboration.gexf", "responsibility.graphml"} <= set(_downloads(slow))
    assert all((slow / f).is_file() for f in _downloads(slow))


def test_the_index_does_not_list_the_network_a_big_build_leaves_out(
    example_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import kg.analysis.workload_outputs as wo
    from kg.pipeline.artifacts import write_artifacts

    out = tmp_path / "out"
    shutil.copytree(example_out, out)
    (out / wo.RESPONSIBILITY_NETWORK_FILE).unlink()
    monkeypatch.setattr(wo, "RESPONSIBILITY_NETWORK_MAX_TASKS", 10)  # the example's 72 tasks: a "big" build
    write_artifacts(out)
    assert "responsibility.graphml" not in _downloads(out) and "workload.csv" in _downloads(out)
    assert not (out / wo.RESPONSIBILITY_NETWORK_FILE).exists()
    (out / wo.RESPONSIBILITY_NETWORK_FILE).write_text("<graphml/>", encoding="utf-8")  # as `kg export` writes it
    write_artifacts(out)
    assert "responsibility.graphml" in _downloads(out)


def test_the_index_says_when_the_workbook_holds_the_largest_plans_only(
    example_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from kg.analysis import matrix
    from kg.pipeline.artifacts import write_artifacts

    assert 'id="capped-matrix"' not in (example_out / "index.html").read_text(encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(example_out, out)
    monkeypatch.setattr(matrix, "BIG_MATRIX_TASKS", 10)  # the example's 72 tasks: a "big" build
    write_artifacts(out)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "任务较多（72 项，超过 10 项）：责任矩阵 responsibility_matrix.xlsx 的汇总表列出全部单位" in page
    assert f"至多 {matrix.MAX_BIG_PLAN_SHEETS} 个文件、{matrix.MAX_BIG_MATRIX_TASKS} 项任务" in page
