"""`kg serve`'s workbench: the canned queries with bound parameters, the unit and task
pages, the build's report at /report/ (read-only, nothing outside the build folder), CORS
for other SPARQL tools, `--queries DIR`; and, in Chromium with the network off, YASGUI
running a canned query with a parameter, the report and a view from the same server."""

from __future__ import annotations

import csv
import html
import json
import os
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from kg.queries import list_queries, load_query, with_defaults_inlined

from kg.serve.entities import local_path
from kg.serve.pages import DEFAULT_QUERY
from kg.store import open_store

from .test_queries import EXAMPLES
from .test_server import KG_CMD, http, raw_request, start_server, stop_server

try:
    from tests.browser_util import Chromium, PageResult, find_chromium
except ImportError:  # tests/ not a package
    from browser_util import Chromium, PageResult, find_chromium  # type: ignore[no-redef]

ID = "https://w3id.org/govkg/id/"
KJJ = "区科技局"
USER_QUERY = """# question: Which tasks mention a word?
# param word = "硅巷" -- a word of the task text
PREFIX kg: <https://w3id.org/govkg/ns#>
SELECT ?task ?text WHERE { ?task a kg:Task ; kg:text ?text . FILTER(CONTAINS(?text, ?word)) } ORDER BY ?task
"""
XSS_PLAN = """某区2021年重点工作任务分解方案
一、创新发展
1.测试单位名称转义。（区<script>alert(1)</script>局主办，区科技局协办）
"""


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plan and report, built with the report and the views."""
    import kg.pipeline

    out = tmp_path_factory.mktemp("workbench") / "out"
    kg.pipeline.build([EXAMPLES], out)
    return out


@pytest.fixture(scope="module")
def user_queries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("my_queries")
    (d / "word_tasks.rq").write_text(USER_QUERY, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def server(out: Path, user_queries: Path):
    url, proc = start_server(out, "--queries", str(user_queries))
    yield url.removesuffix("/sparql")
    err = stop_server(proc)
    assert "Traceback" not in err, err


def store_rows(out: Path, sparql: str) -> list[tuple[str, ...]]:
    store = open_store(out)
    try:
        result = store.query(sparql)
        return [tuple("" if t is None else t.value for t in row) for row in result.rows]
    finally:
        store.close()


def test_canned_queries_bind_parameters_as_kg_query_does(server: str) -> None:
    q = next(q for q in list_queries() if q.name == "unit_leads")
    status, headers, body = http(f"{server}/queries/unit_leads.rq?" + urllib.parse.urlencode({"unit": KJJ}))
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-query")
    assert body.decode() == with_defaults_inlined(q, {"unit": KJJ})
    assert f'VALUES (?unit) {{ ("{KJJ}"@zh) }}' in body.decode() and 'VALUES (?unit) { ("区发改委"@zh) }' not in body.decode()
    status, _, body = http(f"{server}/queries/weighted_load.rq?lead_weight=heavy")
    assert status == 400 and body.decode() == "parameter lead_weight: expected a number, got 'heavy'\n"
    status, _, body = http(f"{server}/queries/unit_leads.rq?team=x")
    assert status == 400 and "has no parameter 'team'" in body.decode()
    status, _, body = http(f"{server}/queries/no_such_query.rq")
    assert status == 404 and body.decode().count("\n") == 1


def test_a_misspelt_unit_is_a_400_with_did_you_mean_as_kg_query_says(server: str) -> None:
    status, _, body = http(f"{server}/queries/unit_tasks.rq?" + urllib.parse.urlencode({"unit": "区科技"}))
    assert (status, body.decode()) == (400, "no unit named 区科技 — did you mean 区科技局?\n")
    # an alias is a name too (ontology/regions/nanjing-gulou/units.csv), and a fuzzy match is
    # left to the query
    status, _, _ = http(f"{server}/queries/unit_tasks.rq?" + urllib.parse.urlencode({"unit": "区科学技术局"}))
    assert status == 200
    fuzzy = urllib.parse.urlencode({"metric": "产业收", "fuzzy": "true"})
    status, _, _ = http(f"{server}/queries/metric_series.rq?" + fuzzy)
    assert status == 200
    status, _, body = http(f"{server}/queries/metric_series.rq?" + urllib.parse.urlencode({"metric": "产业收"}))
    assert status == 400 and body.decode().startswith("no metric named 产业收 — did you mean ")


def test_user_query_folder_is_listed_and_bound(server: str, user_queries: Path) -> None:
    status, _, body = http(f"{server}/queries.json")
    doc = {q["name"]: q for q in json.loads(body)}
    assert status == 200 and set(doc) == {q.name for q in list_queries()} | {"word_tasks"}
    assert doc["word_tasks"]["params"] == {"word": "硅巷"}
    assert doc["word_tasks"]["param_help"] == {"word": "a word of the task text"}
    status, _, body = http(f"{server}/queries/word_tasks.rq?word=%E5%85%BB%E8%80%81")
    assert status == 200
    assert body.decode() == with_defaults_inlined(load_query(user_queries / "word_tasks.rq"), {"word": "养老"})
    status, _, body = http(f"{server}/?name=word_tasks")
    assert status == 200 and "FILTER(CONTAINS(?text, ?word))" in body.decode()


def test_kg_serve_queries_must_be_a_folder(out: Path, tmp_path: Path) -> None:
    r = subprocess.run([*KG_CMD, "serve", str(out), "--port", "0", "--queries", str(tmp_path / "missing")],
                       capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"Error: --queries {tmp_path / 'missing'}: no such folder\n"


def test_unit_page_lists_the_tasks_the_store_holds(server: str, out: Path) -> None:
    unit = store_rows(out, f'SELECT ?u WHERE {{ ?u a <https://w3id.org/govkg/ns#Unit> ; '
                           f'<http://www.w3.org/2004/02/skos/core#prefLabel> "{KJJ}"@zh }}')[0][0]
    path = local_path(unit)
    assert path is not None and path.startswith("/unit/") and unit == ID + path.removeprefix("/unit/").replace("/", "/unit/", 1)
    led = store_rows(out, f"SELECT DISTINCT ?t WHERE {{ ?t <https://w3id.org/govkg/ns#lead> <{unit}> }}")
    co = store_rows(out, f"SELECT DISTINCT ?t WHERE {{ ?t <https://w3id.org/govkg/ns#coLead> <{unit}> }}")
    status, headers, body = http(server + path)
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert f"<h1>{KJJ}</h1>" in page and "<dd>政府部门 government department</dd>" in page
    assert page.count("<td>牵头 lead</td>") == len(led) > 0
    assert page.count("<td>配合 co-lead</td>") == len(co) > 0
    for (task,) in led + co:
        assert f'href="{local_path(task)}"' in page
    # the unit's load, rank and verdict are the build's workload.csv row, as the report shows them
    with (out / "workload.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    row, = (r for r in rows if r["iri"] == unit)
    assert f"<dt>负荷 load</dt><dd>{row['load']}（直接负荷 {row['direct_load']}，" in page
    assert f"<dt>排名 rank</dt><dd>{row['rank']}</dd>" in page
    verdict = "超负荷 overloaded" if row["overloaded"] == "true" else "未超负荷 not overloaded"
    assert f"<dt>判定 verdict</dt><dd>{verdict}</dd>" in page
    assert f"<dt>理由 reason</dt><dd>{html.escape(row['reason_zh'])}</dd>" in page
    # a task page names its lead and co-lead units, linked back
    status, _, body = http(server + local_path(led[0][0]))  # type: ignore[operator]
    page = body.decode()
    assert status == 200 and f'<a href="{path}">{KJJ}</a>' in page and "<dt>章节 section</dt>" in page


def test_group_page_names_its_members_and_tasks(server: str, out: Path) -> None:
    group, = store_rows(out, 'SELECT ?g WHERE { ?g <http://www.w3.org/2004/02/skos/core#prefLabel> "各街道"@zh ; '
                             'a <https://w3id.org/govkg/ns#UnitGroup> }')
    kg = "https://w3id.org/govkg/ns#"
    members = sorted(m for (m,) in store_rows(out, f"SELECT DISTINCT ?l WHERE {{ ?r <{kg}viaGroup> <{group[0]}> ; "
                                                   f"<{kg}agent> ?m . ?m <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}"))
    tasks = store_rows(out, f"SELECT DISTINCT ?t WHERE {{ {{ ?t <{kg}lead> <{group[0]}> }} UNION {{ ?t <{kg}coLead> <{group[0]}> }} }}")
    path = local_path(group[0])
    assert path is not None and path.startswith("/group/")
    status, _, body = http(server + path)
    page = body.decode()
    assert status == 200 and "<h1>各街道</h1>" in page
    assert len(members) > 5 and f"<dd>{'、'.join(members)}</dd>" in page
    assert len(tasks) > 5 and f"<dt>任务数 tasks</dt><dd>{len(tasks)}</dd>" in page


def test_entity_pages_refuse_other_paths(server: str) -> None:
    for path in ("/unit/nanjing-gulou", "/unit/a/b/c", "/unit/a%3E/b", "/task/x/%22onmouseover", "/group/../x"):
        status, _, body = http(server + path)
        assert status == 404, path
        assert body.decode().count("\n") == 1
    status, _, body = http(server + "/unit/nanjing-gulou/%E6%97%A0%E6%AD%A4%E5%8D%95%E4%BD%8D")  # 无此单位
    assert status == 404 and body.decode().startswith("the graph holds no unit ")


def test_entity_pages_escape_document_text(tmp_path: Path) -> None:
    import kg.pipeline

    plan = tmp_path / "plan.txt"
    plan.write_text(XSS_PLAN, encoding="utf-8")
    out = tmp_path / "out"
    kg.pipeline.build([plan], out, kg.pipeline.BuildOptions(artifact_writers=("workload",)))
    unit, label, text = store_rows(out, """PREFIX kg: <https://w3id.org/govkg/ns#>
        SELECT ?u ?label ?text WHERE { ?t kg:lead ?u ; kg:text ?text . ?u <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }""")[0]
    assert "<" in text and ">" in label
    url, proc = start_server(out)
    try:
        base = url.removesuffix("/sparql")
        for path in (local_path(unit), "/task/plan/1"):
            status, _, body = http(base + str(path))
            page = body.decode()
            assert status == 200, path
            assert "<script" not in page and html.escape(text, quote=False) in page, path
            assert f"<h1>{html.escape(label)}</h1>" in page or f">{html.escape(label)}</a>" in page, path
    finally:
        assert "Traceback" not in stop_server(proc)


def test_report_is_served_read_only_and_nothing_outside_the_build(server: str, out: Path, tmp_path: Path) -> None:
    status, headers, body = http(f"{server}/report/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (out / "index.html").read_bytes()
    view = sorted((out / "views").glob("*.html"))[0]
    status, _, body = http(f"{server}/report/views/{view.name}")
    assert status == 200 and body == view.read_bytes()
    status, headers, body = http(f"{server}/report/workload.csv")
    assert status == 200 and body == (out / "workload.csv").read_bytes()
    status, _, _ = http(f"{server}/report/index.html", data=b"x", method="PUT")
    assert status == 405
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    (out / "views" / "link.txt").symlink_to(secret)
    try:
        for path in ("/report/store/", "/report/cache/", "/report/manifest.json/../../secret.txt",
                     "/report/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/report/..%2f..%2fetc%2fpasswd",
                     "/report/views/..%5c..%5cmanifest.json", "/report/views/link.txt", "/report/.hidden",
                     "/report/%00"):
            status, _, body = http(server + path)
            assert status == 404 and b"TOP-SECRET" not in body and b"root:" not in body, path
        host = urllib.parse.urlsplit(server).netloc
        for raw in ("/report/../../../../etc/passwd", "/report/views/../../secret.txt", "/report/./../manifest.json"):
            answer = raw_request(server, f"GET {raw} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            assert answer.split(b"\r\n", 1)[0].split(b" ")[1] in (b"400", b"404"), raw
            assert b"root:" not in answer and b"TOP-SECRET" not in answer, raw
    finally:
        (out / "views" / "link.txt").unlink()


def test_cors_preflight_of_a_browser_sparql_tool(server: str, out: Path) -> None:
    """What YASGUI on another origin sends: a preflight for a form POST with an Accept
    header, then the POST; both answered for any origin, and the count header exposed."""
    origin = "http://sparql-tool.example:3000"
    status, headers, body = http(f"{server}/sparql", method="OPTIONS", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "accept, content-type"})
    assert status == 200 and body == b"OK"
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert set(headers["Access-Control-Allow-Methods"].split(", ")) == {"GET", "POST", "OPTIONS"}
    assert headers["Access-Control-Allow-Headers"] == "accept, content-type"
    assert headers["Access-Control-Max-Age"] == "600"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/govkg/ns#Task> }"
    form = urllib.parse.urlencode({"query": count})
    status, headers, body = http(f"{server}/sparql", form.encode(), {
        "Origin": origin, "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Access-Control-Expose-Headers"] == "X-KG-Result-Count"
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == store_rows(out, count)[0][0]
    # a preflight for a method the endpoint does not take is refused
    status, headers, _ = http(f"{server}/sparql", method="OPTIONS", headers={
        "Origin": origin, "Access-Control-Request-Method": "PUT"})
    assert status == 400


# ---------------------------------------------------------------------------------------
# in Chromium, with no network but the loopback server

CHROMIUM = find_chromium()
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI must run the browser tests, but Chromium is not installed (.ci/run installs it)")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _off_machine(r: PageResult, base: str) -> list[str]:
    return [u for u in r.requests if not u.startswith((base + "/", "data:", "blob:", "about:"))]


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed")
def test_workbench_runs_a_canned_query_with_a_parameter(server: str, out: Path) -> None:
    expected = store_rows(out, with_defaults_inlined(next(q for q in list_queries() if q.name == "unit_leads"),
                                                     {"unit": KJJ}))
    seen: dict[str, object] = {}

    def run_unit_leads(page) -> None:  # type: ignore[no-untyped-def]
        seen["first"] = page.evaluate("kgWorkbench.yasgui.getTab().getYasqe().getValue()")
        page.evaluate("""(function () {
          var y = kgWorkbench.yasgui, ids = y.persistentConfig.getTabs();
          var id = ids.filter(function (i) { return y.persistentConfig.getTab(i).name === 'unit_leads'; })[0];
          y.selectTabId(id);
        })()""")
        assert page.wait_for("document.querySelector('#kg-params input[data-param=unit]')")
        page.evaluate(f"document.querySelector('#kg-params input[data-param=unit]').value = '{KJJ}'")
        page.evaluate("document.querySelector('#kg-params form').requestSubmit()")
        assert page.wait_for("kgWorkbench.lastRows !== null", timeout=30)
        assert page.wait_for("document.querySelectorAll('.tabPanel.active .yasr table.dataTable tbody tr').length > 0")
        seen["rows"] = page.evaluate("kgWorkbench.lastRows")
        seen["editor"] = page.evaluate("kgWorkbench.yasgui.getTab().getYasqe().getValue()")
        seen["cells"] = page.evaluate("Array.from(document.querySelectorAll('.tabPanel.active .yasr table.dataTable tbody tr'))"
                                      ".map(function (tr) { return tr.textContent; }).join('|')")
        seen["csv"] = page.evaluate("document.querySelector('#kg-params a.csv').getAttribute('href')")
        page.screenshot(ARTIFACTS / "workbench.png")
        # IRIs of the graph link to this server's pages
        page.evaluate("""(function () {
          var tab = kgWorkbench.yasgui.getTab();
          tab.getYasqe().setValue('PREFIX kg: <https://w3id.org/govkg/ns#> SELECT ?t ?u WHERE { ?t kg:lead ?u } ORDER BY ?t LIMIT 3');
          kgWorkbench.lastRows = null;
          tab.query();
        })()""")
        assert page.wait_for("kgWorkbench.lastRows === 3", timeout=30)
        assert page.wait_for("document.querySelectorAll('.tabPanel.active .yasr a[href^=\"/task/\"]').length === 3")
        seen["links"] = page.evaluate("Array.from(document.querySelectorAll('.tabPanel.active .yasr table.dataTable tbody a'))"
                                      ".map(function (a) { return a.getAttribute('href'); })")
        seen["mapped"] = page.evaluate(f"kgWorkbench.localHref('{ID}doc/plan/task/7')")
        # a count per unit draws as bars, one per row
        page.evaluate("""(function () {
          var tab = kgWorkbench.yasgui.getTab();
          tab.getYasqe().setValue('PREFIX kg: <https://w3id.org/govkg/ns#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> '
            + 'SELECT ?unit (COUNT(?t) AS ?n) WHERE { ?t kg:lead ?u . ?u skos:prefLabel ?unit } GROUP BY ?unit ORDER BY DESC(?n) ?unit LIMIT 8');
          kgWorkbench.lastRows = null;
          tab.query();
        })()""")
        assert page.wait_for("kgWorkbench.lastRows === 8", timeout=30)
        page.evaluate("kgWorkbench.yasgui.getTab().getYasr().selectPlugin('chart')")
        assert page.wait_for("document.querySelectorAll('.tabPanel.active .kg-chart .row').length === 8")
        seen["bars"] = page.evaluate("Array.from(document.querySelectorAll('.tabPanel.active .kg-chart .row'))"
                                     ".map(function (r) { return [r.querySelector('.label').textContent, "
                                     "r.querySelector('.value').textContent, r.querySelector('.bar').style.width]; })")
        page.screenshot(ARTIFACTS / "workbench-chart.png")
        # the download link gets the same rows as CSV
        page.evaluate("fetch(document.querySelector('#kg-params a.csv').getAttribute('href'))"
                      ".then(function (r) { return r.text(); }).then(function (t) { window.kgCsv = t; })")
        assert page.wait_for("typeof window.kgCsv === 'string'")
        seen["csv_text"] = page.evaluate("window.kgCsv")

    with Chromium(CHROMIUM, loopback=True) as chromium:  # type: ignore[arg-type]
        r = chromium.open(f"{server}/workbench", ready="window.kgWorkbench && kgWorkbench.ready === true",
                          timeout=60, actions=run_unit_leads)
        assert r.exceptions == [] and r.dialogs == []
        assert _off_machine(r, server) == []
        assert seen["first"] == DEFAULT_QUERY  # the first tab: kg's example query
        assert seen["rows"] == len(expected) > 0
        assert f'VALUES (?unit) {{ ("{KJJ}"@zh) }}' in str(seen["editor"])
        assert str(seen["cells"]).count("|") == len(expected) - 1 < 50  # one table page holds 50 rows
        assert str(seen["cells"]).count("gulou_task_decomposition.txt") == len(expected)
        assert str(seen["csv"]).startswith("/sparql?format=csv&query=")
        links = [str(h) for h in seen["links"]]  # type: ignore[attr-defined]
        assert links and all(h.startswith(("/task/", "/unit/", "/group/")) for h in links), links
        assert seen["mapped"] == local_path(f"{ID}doc/plan/task/7") == "/task/plan/7"
        counts = store_rows(out, "PREFIX kg: <https://w3id.org/govkg/ns#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                                 "SELECT ?unit (COUNT(?t) AS ?n) WHERE { ?t kg:lead ?u . ?u skos:prefLabel ?unit } "
                                 "GROUP BY ?unit ORDER BY DESC(?n) ?unit LIMIT 8")
        bars = [tuple(b) for b in seen["bars"]]  # type: ignore[attr-defined]
        assert [(label, value) for label, value, _ in bars] == counts
        assert bars[0][2] == "400px" and bars[-1][2] == f"{int(400 * int(counts[-1][1]) / int(counts[0][1]) + 0.5)}px"  # Math.round
        assert seen["csv_text"] == "unit,n\r\n" + "".join(f"{u},{n}\r\n" for u, n in counts)

        # the report and a view, from the same server
        r = chromium.open(f"{server}/report/", values={"rows": "document.querySelectorAll('#ranking-table tbody tr').length"})
        assert r.exceptions == [] and _off_machine(r, server) == []
        assert r.values["rows"] > 10  # type: ignore[operator]
        view = sorted((out / "views").glob("unit-*.html"))[0]
        r = chromium.open(f"{server}/report/views/{view.name}", ready="window.kgReady === true",
                          values={"nodes": "window.kgNodeCount"})
        assert r.exceptions == [] and _off_machine(r, server) == []
        assert r.values["nodes"] > 1  # type: ignore[operator]


def test_unit_page_without_workload_csv_says_how_to_get_the_load(tmp_path: Path, out: Path) -> None:
    from kg.serve.entities import workload_fields

    assert workload_fields(tmp_path, ID + "x/unit/y") == [
        ("负荷 load", f"未计算：本次构建没有 workload.csv（运行 kg report {tmp_path} 生成） / not computed: run kg report")]
    # a unit the ranking does not hold (a group's IRI) gets no workload fields; a new
    # workload.csv written while the server runs is read again
    copy = tmp_path / "b"
    copy.mkdir()
    lines = (out / "workload.csv").read_text(encoding="utf-8-sig").splitlines()
    first = next(csv.DictReader(lines))["iri"]
    (copy / "workload.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert workload_fields(copy, ID + "nanjing-gulou/group/x") == []
    assert workload_fields(copy, first)[1] == ("排名 rank", "1")
    (copy / "workload.csv").write_text(f"{lines[0]}\n9{lines[1].removeprefix('1')}\n", encoding="utf-8")
    assert workload_fields(copy, first)[1] == ("排名 rank", "9")
