"""Writing builds to a SPARQL 1.1 server (kg push, kg build --endpoint) and querying it.

Servers:

* Virtuoso Open Source (``.ci/virtuoso.sh`` installs and starts it): the endpoint comes
  from ``KG_TEST_SPARQL_ENDPOINT`` (and ``KG_TEST_SPARQL_UPDATE``,
  ``KG_TEST_SPARQL_GRAPH_STORE``). Unset, the tests are skipped locally and FAIL in CI
  (when ``CI`` is set), since CI must run them.
* the ``oxigraph`` server binary (the ``oxigraph`` test dependency), started on 127.0.0.1
  for quick protocol checks; a missing binary fails the tests that need it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.pipeline import BuildOptions, build
from kg.pipeline.push import graph_digest, push_build, push_graphs
from kg.store import EndpointStore, open_store, query_form
from kg.store.endpoint import EndpointConfig, SparqlClient

PLAN_TEXT = """{title}
一、关于创新
1.推进“从0到1”的原始创新，确保新增孵化器3家。（区科技局主办，各街道协办）
2.加快硅巷建设。（区发改委、区科技局主办）
二、关于民生
3.完成老旧小区改造80万平方米。（区房产局主办，区城管局配合）
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        req = urllib.request.Request(
            url, data=b"query=ASK%20%7B%7D", headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(req, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def virtuoso() -> EndpointConfig:
    url = os.environ.get("KG_TEST_SPARQL_ENDPOINT")
    if not url:
        msg = (
            "no SPARQL server configured: set KG_TEST_SPARQL_ENDPOINT (eval \"$(bash .ci/virtuoso.sh)\" "
            "installs and starts Virtuoso on 127.0.0.1)"
        )
        if os.environ.get("CI"):
            pytest.fail("CI must run the Virtuoso integration tests: " + msg)
        pytest.skip(msg)
    if not _answers(url):
        pytest.fail(f"KG_TEST_SPARQL_ENDPOINT={url} is set but does not answer ASK {{}}")
    return EndpointConfig.make(
        url, os.environ.get("KG_TEST_SPARQL_UPDATE") or url, None,
    )


@pytest.fixture(scope="module")
def virtuoso_gsp(virtuoso: EndpointConfig) -> EndpointConfig:
    gsp = os.environ.get("KG_TEST_SPARQL_GRAPH_STORE")
    if not gsp:
        pytest.skip("KG_TEST_SPARQL_GRAPH_STORE is not set")
    return EndpointConfig.make(virtuoso.query_url, virtuoso.update_url, gsp)


def _oxigraph_binary() -> str | None:
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.is_file() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def oxigraph_server():
    binary = _oxigraph_binary()
    if binary is None:
        pytest.fail("the oxigraph server binary (a test dependency: pip install -e '.[test]') is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if _answers(base + "/query"):
                break
            time.sleep(0.1)
        else:
            pytest.fail("oxigraph serve did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(params=[
    pytest.param("virtuoso-update", marks=pytest.mark.slow), pytest.param("virtuoso-gsp", marks=pytest.mark.slow),
    "oxigraph-update", "oxigraph-gsp",
])
def server(request) -> EndpointConfig:
    kind = request.param
    if kind == "virtuoso-update":
        return request.getfixturevalue("virtuoso")
    if kind == "virtuoso-gsp":
        return request.getfixturevalue("virtuoso_gsp")
    base = request.getfixturevalue("oxigraph_server")
    if kind == "oxigraph-update":
        return EndpointConfig.make(base + "/query", base + "/update")
    return EndpointConfig.make(base + "/query", base + "/update", base + "/store")


def _graph_count(cfg: EndpointConfig, graph: str) -> int:
    res = EndpointStore(cfg.query_url).query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(res.rows[0][0].value)  # type: ignore[union-attr]


def _drop(cfg: EndpointConfig, graphs) -> None:
    client = SparqlClient(EndpointConfig.make(cfg.query_url, cfg.update_url))
    for g in graphs:
        client.delete_graph(g)


TRICKY = [
    'quote " and backslash \\ and \\"escaped\\"',
    "line\nbreak\r\nand\ttab",
    "control \x01\x1f chars",
    "中文（全角）、顿号；“引号”",
    "emoji 😀 and 𠀀 (outside the BMP)",
    "} } ; DROP ALL ; INSERT DATA { <a> <b> <c> }",
    "<http://not-an-iri> @en ^^xsd:string",
    "",
]


def _tricky_graph(g: str) -> list[ox.Triple]:
    s = ox.NamedNode(g + "/s/%E5%8C%BA%E5%8F%91%E6%94%B9%E5%A7%94")
    triples = []
    for i, text in enumerate(TRICKY):
        triples.append(ox.Triple(s, ox.NamedNode(f"{g}/p/{i}"), ox.Literal(text, language="zh")))
        triples.append(ox.Triple(s, ox.NamedNode(f"{g}/plain/{i}"), ox.Literal(text)))
    triples.append(ox.Triple(s, ox.NamedNode(g + "/int"), ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    triples.append(ox.Triple(s, ox.NamedNode(g + "/iri"), ox.NamedNode("https://w3id.org/govkg/id/unit/区发改委?x=1&y=2#frag")))
    return triples


def test_literals_and_iris_arrive_exactly(server: EndpointConfig) -> None:
    g = f"https://w3id.org/govkg/test/{uuid.uuid4().hex}"
    triples = _tricky_graph(g)
    try:
        res = push_graphs({g: triples}, server, batch=3)
        assert res.pushed == [g]
        store = EndpointStore(server.query_url)
        got = store.query(f"SELECT ?p ?o WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
        have = {(row[0].value, row[1].value, row[1].lang, row[1].kind) for row in got.rows}  # type: ignore[union-attr]
        want = set()
        for t in triples:
            o = t.object
            if isinstance(o, ox.Literal):
                want.add((t.predicate.value, o.value, o.language, "literal"))
            else:
                want.add((t.predicate.value, o.value, None, "uri"))
        assert have == want
        # CONSTRUCT comes back as a graph, whatever format the server prefers
        c = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
        assert c.kind == "graph" and len(c.triples) == len(triples)
    finally:
        _drop(server, [g])


def test_push_replaces_never_duplicates(server: EndpointConfig, tmp_path: Path) -> None:
    name = f"t{uuid.uuid4().hex[:12]}"
    src = tmp_path / "docs"
    src.mkdir()
    (src / f"{name}.txt").write_text(PLAN_TEXT.format(title=f"{name}区2021年任务分解"), encoding="utf-8")
    out = tmp_path / "out"
    build([src], out, BuildOptions(artifacts=False))
    index = json.loads((out / "cache" / "index.json").read_text(encoding="utf-8"))
    doc_graph = next(g for g in index["graphs"] if name in g)
    local = open_store(out).query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{doc_graph}> {{ ?s ?p ?o }} }}").rows[0][0].value  # type: ignore[union-attr]
    try:
        first = push_build(out, server)
        assert doc_graph in first.pushed
        again = push_build(out, server, force=True, batch=50)
        assert doc_graph in again.pushed
        assert _graph_count(server, doc_graph) == int(local)
        skipped = push_build(out, server)
        assert skipped.pushed == [] and doc_graph in skipped.unchanged and skipped.requests == 0
    finally:
        _drop(server, [doc_graph])


@pytest.mark.slow  # Virtuoso (CI starts it)
def test_incremental_build_pushes_only_the_changed_graph(virtuoso: EndpointConfig, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:10]
    src = tmp_path / "docs"
    src.mkdir()
    names = [f"t{tag}_{i}" for i in range(3)]
    for n in names:
        (src / f"{n}.txt").write_text(PLAN_TEXT.format(title=f"{n} 任务分解"), encoding="utf-8")
    out = tmp_path / "out"
    graphs: list[str] = []
    try:
        build([src], out, BuildOptions(artifacts=False))
        p1 = push_build(out, virtuoso)
        graphs = list(p1.pushed)
        assert len([g for g in graphs if tag in g]) == 3
        # edit one document: only its graph is sent again
        p = src / f"{names[1]}.txt"
        p.write_text(p.read_text(encoding="utf-8") + "4.新增一项任务。（区财政局主办）\n", encoding="utf-8")
        r2 = build([src], out, BuildOptions(artifacts=False))
        p2 = push_build(out, virtuoso)
        assert r2.extracted == 1 and r2.reused == 2
        assert [g for g in p2.pushed if tag in g] == [g for g in graphs if names[1] in g]
        g1 = next(g for g in graphs if names[1] in g)
        local = open_store(out).query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g1}> {{ ?s ?p ?o }} }}").rows[0][0].value  # type: ignore[union-attr]
        assert _graph_count(virtuoso, g1) == int(local)
        # remove a document: its graph is dropped on the server
        (src / f"{names[2]}.txt").unlink()
        build([src], out, BuildOptions(artifacts=False))
        p3 = push_build(out, virtuoso)
        g2 = next(g for g in graphs if names[2] in g)
        assert g2 in p3.dropped
        assert _graph_count(virtuoso, g2) == 0
    finally:
        _drop(virtuoso, [g for g in graphs if tag in g])


@pytest.mark.slow  # Virtuoso (CI starts it)
def test_cli_build_push_and_query_against_virtuoso(virtuoso: EndpointConfig, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:10]
    src = tmp_path / "docs"
    src.mkdir()
    (src / f"t{tag}.txt").write_text(PLAN_TEXT.format(title=f"t{tag} 任务分解"), encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "--endpoint", virtuoso.query_url, "--update-url", virtuoso.update_url or virtuoso.query_url])
    assert r.exit_code == 0, r.output
    assert "Pushed to" in r.output
    r = CliRunner().invoke(main, ["push", str(out), "--endpoint", virtuoso.query_url])
    assert r.exit_code == 0, r.output
    assert "0 graphs replaced" in r.output
    graph = f"https://w3id.org/govkg/id/doc/t{tag}"
    try:
        store = EndpointStore(virtuoso.query_url)
        res = store.query(
            "PREFIX kg: <https://w3id.org/govkg/ns#> SELECT ?task WHERE { GRAPH ?g { ?task a kg:Task ; kg:inDocument ?d } } ",
            {"d": graph},
        )
        assert len(res.rows) == 3
    finally:
        _drop(virtuoso, [graph])


def test_cli_build_then_push_to_a_local_server(oxigraph_server: str, tmp_path: Path) -> None:
    """``kg build --endpoint``: the library builds, the CLI pushes the finished build."""
    src = tmp_path / "docs"
    src.mkdir()
    (src / "t1.txt").write_text(PLAN_TEXT.format(title="t1 任务分解"), encoding="utf-8")
    out = tmp_path / "out"
    cfg = EndpointConfig.make(oxigraph_server + "/query", oxigraph_server + "/update")
    graph = "https://w3id.org/govkg/id/doc/t1"
    try:
        r = CliRunner().invoke(main, [
            "build", str(src), "-o", str(out), "--no-report", "--verbose",
            "--endpoint", cfg.query_url, "--update-url", str(cfg.update_url),
        ])
        assert r.exit_code == 0, r.output
        store = open_store(out)
        built = len(store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows)
        assert built >= 2  # the document's graph and its region's
        assert f"Pushed to {cfg.update_url} (update): {built} graphs replaced, 0 unchanged, 0 dropped" in r.output
        assert "  push " in r.output  # the push's time among the stages
        local = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows[0][0]
        assert _graph_count(cfg, graph) == int(local.value) > 0  # type: ignore[union-attr]
    finally:
        _drop(cfg, [graph])


def test_cli_build_keeps_the_build_when_the_push_fails(tmp_path: Path) -> None:
    """Counter-example: a server that cannot be reached fails the command with one line,
    after the build folder is in place."""
    src = tmp_path / "docs"
    src.mkdir()
    (src / "t1.txt").write_text(PLAN_TEXT.format(title="t1 任务分解"), encoding="utf-8")
    out = tmp_path / "out"
    url = f"http://127.0.0.1:{_free_port()}/sparql"
    r = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "--no-report", "--endpoint", url])
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {out} is built, but writing it to the SPARQL server failed: ")
    assert r.output.count("\n") == 1
    assert (out / "graph.nq").is_file()


@pytest.mark.slow  # Virtuoso (CI starts it)
def test_digest_authenticated_endpoints(virtuoso: EndpointConfig) -> None:
    url = os.environ.get("KG_TEST_SPARQL_AUTH_UPDATE")
    user = os.environ.get("KG_TEST_SPARQL_AUTH_USER")
    if not url or not user:
        pytest.skip("KG_TEST_SPARQL_AUTH_UPDATE / _USER / _PASSWORD not set")
    password = os.environ.get("KG_TEST_SPARQL_AUTH_PASSWORD", "")
    g = f"https://w3id.org/govkg/test/{uuid.uuid4().hex}"
    triples = _tricky_graph(g)
    base = virtuoso.query_url.rsplit("/", 1)[0]
    try:
        ok = EndpointConfig.make(virtuoso.query_url, url, None, user, password)
        assert push_graphs({g: triples}, ok).pushed == [g]
        assert _graph_count(virtuoso, g) == len(triples)
        gsp = EndpointConfig.make(virtuoso.query_url, None, base + "/sparql-graph-crud-auth", user, password)
        assert push_graphs({g: triples[:3]}, gsp).pushed == [g]
        assert _graph_count(virtuoso, g) == 3
        from kg.store.endpoint import PushError

        bad = EndpointConfig.make(virtuoso.query_url, url, None, user, password + "-wrong")
        with pytest.raises(PushError, match="401"):
            push_graphs({g: triples}, bad)
    finally:
        _drop(virtuoso, [g])


def test_unreachable_endpoint_is_a_clean_error(tmp_path: Path) -> None:
    port = _free_port()
    cfg = EndpointConfig.make(f"http://127.0.0.1:{port}/sparql")
    from kg.errors import KgError

    with pytest.raises(KgError, match="cannot reach"):
        push_graphs({"https://w3id.org/govkg/test/x": _tricky_graph("https://w3id.org/govkg/test/x")}, cfg)


def test_graph_digest_ignores_order() -> None:
    ts = _tricky_graph("https://w3id.org/govkg/test/d")
    assert graph_digest(ts) == graph_digest(list(reversed(ts)))
    assert graph_digest(ts) != graph_digest(ts[1:])


def test_query_form() -> None:
    assert query_form("# c\nPREFIX a: <x:>\nBASE <http://b/>\n  describe <x:y>") == "DESCRIBE"
    assert query_form("ASK {}") == "ASK"
    assert query_form("select * {}") == "SELECT"


def test_bad_urls_are_usage_errors() -> None:
    from kg.errors import UsageError

    with pytest.raises(UsageError):
        EndpointConfig.make("ftp://example.org/sparql")


@pytest.mark.slow  # Virtuoso (CI starts it)
def test_workload_over_virtuoso_equals_local(virtuoso: EndpointConfig, tmp_path: Path) -> None:
    from kg.analysis.exports import report_rows
    from kg.analysis.workload import compute_workload

    from .conftest import PLAN

    folder = tmp_path / "docs"
    folder.mkdir()
    tag = uuid.uuid4().hex[:8]
    (folder / f"w{tag}.txt").write_text(PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    build([folder], out, BuildOptions(artifacts=False))
    graph = f"https://w3id.org/govkg/id/doc/w{tag}"
    # an endpoint with only this build: a private graph set is not possible on a shared
    # server, so compare the rows of this document's units only
    try:
        push_build(out, virtuoso, force=True)
        local = {r["unit"]: r for r in report_rows(compute_workload(open_store(out)))}
        remote = {r["unit"]: r for r in report_rows(compute_workload(EndpointStore(virtuoso.query_url)))}
        for unit, row in local.items():
            assert remote[unit]["lead"] >= row["lead"], unit
    finally:
        _drop(virtuoso, [graph])
