"""`kg serve` over HTTP with real clients: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from .test_queries import EXAMPLES, build_example

KG = "https://w3id.org/govkg/ns#"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 2.0
# the installed console script (as a user runs it); `python -m kg.cli` otherwise
_SCRIPT = Path(sys.executable).with_name("kg")
KG_CMD = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "kg.cli"]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example([EXAMPLES], tmp_path_factory.mktemp("server") / "out")


def start_server(out: Path, *extra: str) -> tuple[str, subprocess.Popen[str]]:
    """``kg serve OUT --port 0 …`` in a subprocess: (url, process) once it listens."""
    proc = subprocess.Popen(
        [*KG_CMD, "serve", str(out), "--port", "0", "--timeout", str(TIMEOUT),
         "--max-rows", "2000", "--workers", "2", "-q", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "Serving OUT at http://127.0.0.1:PORT/sparql (…)"
    if "Serving" not in line:
        proc.kill()
        pytest.fail(f"kg serve did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return line.split(" at ", 1)[1].split(" ", 1)[0], proc


def stop_server(proc: subprocess.Popen[str]) -> str:
    """Stop it as Ctrl-C would; its stderr."""
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate(timeout=5)
    return err


@pytest.fixture(scope="module")
def server(out: Path):
    """``kg serve OUT --port 0`` in a subprocess; yields (url, process)."""
    url, proc = start_server(out)
    yield url, proc
    err = stop_server(proc)
    # no request of this module, however broken, may leave a traceback in the log (L7)
    assert "Traceback" not in err, err


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, Message, bytes]:
    """Status, headers (names are case-insensitive, as in HTTP) and body."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def get(url: str, query: str, accept: str | None = None, **extra: str) -> tuple[int, Message, bytes]:
    qs = urllib.parse.urlencode({"query": query, **extra})
    return http(f"{url}?{qs}", headers={"Accept": accept} if accept else {})


def test_listens_on_loopback_by_default(server) -> None:
    url, _ = server
    assert url.startswith("http://127.0.0.1:") and url.endswith("/sparql")


def test_sparqlwrapper_select_json_and_xml(server) -> None:
    from SPARQLWrapper import JSON, XML, SPARQLWrapper

    url, _ = server
    sw = SPARQLWrapper(url)
    sw.setQuery(f"""PREFIX kg: <{KG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?unit (COUNT(DISTINCT ?t) AS ?lead) WHERE {{ ?t a kg:Task ; kg:lead ?u . ?u skos:prefLabel ?unit }}
        GROUP BY ?unit ORDER BY DESC(?lead) ?unit LIMIT 4""")
    sw.setReturnFormat(JSON)
    res = sw.query().convert()
    rows = [(b["unit"]["value"], int(b["lead"]["value"])) for b in res["results"]["bindings"]]
    assert rows == [("区发改委", 10), ("区商务局", 7), ("区建设局", 7), ("区科技局", 7)]
    assert res["results"]["bindings"][0]["unit"]["xml:lang"] == "zh"
    sw.setReturnFormat(XML)
    doc = sw.query().convert()  # a DOM document
    assert len(doc.getElementsByTagName("result")) == 4


def test_sparqlwrapper_ask_construct_describe(server) -> None:
    from rdflib import Graph
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    url, _ = server
    sw = SPARQLWrapper(url)
    sw.setQuery(f"ASK {{ ?t a <{KG}Task> }}")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True
    sw.setQuery(f"CONSTRUCT {{ ?g a <{KG}UnitGroup> }} WHERE {{ ?g a <{KG}UnitGroup> }}")
    sw.setReturnFormat(TURTLE)
    result = sw.query()
    assert result.info()["content-type"].startswith("text/turtle")
    data = result.convert()
    g = Graph().parse(data=data.decode() if isinstance(data, bytes) else data, format="turtle")
    assert len(g) == 7
    status, headers, body = get(url, "DESCRIBE <https://w3id.org/govkg/id/doc/gulou_task_decomposition/task/11>")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    # the task's own triples: its text (with its clause) as written
    assert "地区生产总值增长7%。（区发改委主办）" in body.decode()


def test_rdflib_sparqlstore(server) -> None:
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    url, _ = server
    g = Graph(store=SPARQLStore(url))
    rows = list(g.query(f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ ?t a <{KG}Task> }}"))
    assert int(rows[0][0]) == 72
    labels = {str(r[0]) for r in g.query(
        f"SELECT ?l WHERE {{ ?g a <{KG}UnitGroup> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}")}
    assert "各街道" in labels
    assert bool(g.query(f"ASK {{ ?t a <{KG}Task> }}").askAnswer) is True


def test_results_by_accept_header_and_post(server) -> None:
    url, _ = server
    q = f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ ?t a <{KG}Task> }}"
    status, headers, body = get(url, q, "text/csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and body == b"n\r\n72\r\n"
    status, headers, body = get(url, q, "text/tab-separated-values")
    assert status == 200 and body == b"?n\n72\n"
    status, headers, body = get(url, q, "application/sparql-results+xml")
    assert status == 200 and b"<sparql" in body and b">72</literal>" in body
    status, headers, body = get(url, q, "text/csv;q=0.5, application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "72"
    # POST: a form, and the query as the body
    status, _, body = http(url, urllib.parse.urlencode({"query": q}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert status == 200 and body == b"n\r\n72\r\n"
    status, _, body = http(url, q.encode(), {"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and body == b"n\r\n72\r\n"
    # default-graph-uri restricts the default graph (here: the region's gazetteer, which has no tasks)
    status, _, body = get(url, q, "text/csv", **{"default-graph-uri": "https://w3id.org/govkg/id/nanjing-gulou/gazetteer"})
    assert status == 200 and body == b"n\r\n0\r\n"


def test_updates_are_refused(server) -> None:
    from SPARQLWrapper import POST, SPARQLWrapper

    url, _ = server
    sw = SPARQLWrapper(url)
    sw.setMethod(POST)
    sw.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(urllib.error.HTTPError) as e:
        sw.query()
    assert e.value.code == 403
    status, _, body = http(url, b"update=DELETE+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D",
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and b"read-only" in body
    status, _, body = http(url, b"DROP ALL", {"Content-Type": "application/sparql-update"})
    assert status == 403
    status, _, body = get(url, "CLEAR DEFAULT")
    assert status == 403 and b"read-only" in body
    status, _, _ = http(url, b"x", {"Content-Type": "text/turtle"}, method="PUT")
    assert status == 405
    # and the data is intact
    status, _, body = get(url, "ASK { <urn:a> <urn:b> <urn:c> }", "application/sparql-results+json")
    assert json.loads(body)["boolean"] is False


def test_rdflib_update_store_is_refused(server) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

    url, _ = server
    st = SPARQLUpdateStore(url, url)
    with pytest.raises(Exception) as e:
        st.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert "403" in str(e.value)


def _children(pid: int) -> set[int]:
    kids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                kids.add(int(entry))
    return kids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the worker processes")
def test_runaway_query_is_stopped_by_the_timeout(server) -> None:
    url, proc = server
    before = _children(proc.pid)
    assert len(before) >= 2
    t0 = time.monotonic()
    status, _, body = get(url, RUNAWAY, "application/sparql-results+json")
    elapsed = time.monotonic() - t0
    assert status == 503 and b"timed out" in body
    assert TIMEOUT - 0.5 < elapsed < TIMEOUT + 5
    # the worker that ran it was killed and replaced; the server still answers
    deadline = time.monotonic() + 60
    after = _children(proc.pid)
    while time.monotonic() < deadline and (len(after) < len(before) or after == before):
        time.sleep(0.2)
        after = _children(proc.pid)
    assert len(after) == len(before) and after != before
    status, _, body = get(url, f"ASK {{ ?t a <{KG}Task> }}", "application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_result_size_limit(server) -> None:
    url, _ = server
    status, _, body = get(url, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 413 and b"more than 2000 rows" in body
    status, _, body = get(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 5", "text/csv")
    assert status == 200 and body.count(b"\r\n") == 6


def test_bad_sparql_over_http(server) -> None:
    url, _ = server
    status, _, body = get(url, "SELECT * WHERE { ?s ?p }")
    text = body.decode().strip()
    assert status == 400 and text.startswith("invalid SPARQL at line 1, column 25") and "\n" not in text
    status, _, body = get(url.replace("/sparql", "/nothing"), "x")
    assert status == 404


def test_query_page_lists_the_canned_queries_escaped(server) -> None:
    from kg.queries import list_queries

    url, _ = server
    base = url.removesuffix("/sparql")
    status, headers, body = http(base + "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    for q in list_queries():
        assert f"<code>{q.name}</code>" in page
    assert "&lt;https://w3id.org/govkg/ns#&gt;" in page  # the default query, escaped
    status, _, body = http(base + "/?name=shared_tasks")
    assert status == 200 and "VALUES (?unit ?min_shared)" in body.decode()
    status, _, body = get(url, 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }', format="html")
    page = body.decode()
    assert status == 200 and "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    status, _, body = get(url, "SELECT * WHERE { ?s ?p }", format="html")
    assert status == 400 and "invalid SPARQL at line 1" in body.decode()


def test_kg_query_against_the_endpoint(server, out: Path) -> None:
    url, _ = server
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    remote = subprocess.run([*KG_CMD, "query", "lead_counts", "--endpoint", url, "--format", "csv"],
                            capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    local = subprocess.run([*KG_CMD, "query", "lead_counts", "--graph", str(out), "--format", "csv"],
                           capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert remote.stdout.splitlines()[1] == "区发改委,政府部门,10,0,0,3,13"
    shared = subprocess.run([*KG_CMD, "query", "shared_tasks", "--endpoint", url,
                             "--param", "unit=区科技局", "--format", "csv"],
                            capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert shared.returncode == 0, shared.stderr
    assert "高新区管委会,管委会,4,4,0," in shared.stdout


def test_bad_sparql_in_the_cli_is_one_line_exit_2(out: Path) -> None:
    res = subprocess.run([*KG_CMD, "query", "SELECT * WHERE {\n ?s ?p }", "--graph", str(out)],
                         capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert res.returncode == 2
    assert res.stdout == ""
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: invalid SPARQL at line 2, column 9: ")
    assert "Traceback" not in res.stderr


def test_serve_refuses_a_folder_that_is_not_a_build(tmp_path: Path) -> None:
    res = subprocess.run([*KG_CMD, "serve", str(tmp_path), "--port", "0"],
                         capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert res.returncode == 2 and res.stderr.startswith("Error: ") and "not a kg build folder" in res.stderr


def test_endpoint_counts_equal_the_local_store(server, out: Path) -> None:
    """Regression: the server asked a store that keeps the union as its default graph for
    the union again, so a triple shared by two documents matched twice."""
    from SPARQLWrapper import JSON, SPARQLWrapper

    from kg.store import open_store

    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"
    url, _ = server
    sw = SPARQLWrapper(url)
    sw.setQuery(q)
    sw.setReturnFormat(JSON)
    remote = int(sw.query().convert()["results"]["bindings"][0]["n"]["value"])
    local = open_store(out).query(q).dicts()[0]["n"]
    assert remote == local


# ---------------------------------------------------------------------------------------
# hostile-input review (shared/RELIABILITY.md): the endpoint cases


def test_C2_name_param_cannot_read_files(server, out: Path, tmp_path: Path) -> None:
    url, _ = server
    base = url.removesuffix("/sparql")
    secret = tmp_path / "secret.rq"
    secret.write_text("# question: not for the web\nSELECT ('TOP-SECRET' AS ?x) WHERE { }\n", encoding="utf-8")
    plain = tmp_path / "notes.txt"
    plain.write_text("TOP-SECRET notes\n", encoding="utf-8")
    for name in ("/etc/passwd", "../../../../etc/passwd", str(secret), str(plain), str(secret.with_suffix("")),
                 "../queries/lead_counts", "%2e%2e/etc/passwd"):
        status, _, body = http(f"{base}/?{urllib.parse.urlencode({'name': name})}")
        page = body.decode()
        assert status == 404, name
        assert "root:x:" not in page and "TOP-SECRET" not in page
        assert "no canned query named" in page
    # a canned query, and a .rq of the served build's queries/ folder, are shown
    status, _, body = http(f"{base}/?name=lead_counts")
    assert status == 200 and "kg:lead" in body.decode()
    (out / "queries").mkdir(exist_ok=True)
    (out / "queries" / "mine.rq").write_text("# question: mine\nSELECT ('MINE-42' AS ?x) WHERE { }\n", encoding="utf-8")
    try:
        status, _, body = http(f"{base}/?name=mine")
        assert status == 200 and "MINE-42" in body.decode()
    finally:
        (out / "queries" / "mine.rq").unlink()
        (out / "queries").rmdir()


class _Listener:
    """A TCP listener on loopback that counts the connections made to it."""

    def __init__(self) -> None:
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.sock.close()


def test_H1_service_is_refused_and_no_request_leaves(server) -> None:
    url, _ = server
    listener = _Listener()
    try:
        target = f"http://127.0.0.1:{listener.port}/sparql"
        for q in (f"SELECT * WHERE {{ SERVICE <{target}> {{ ?x ?p ?o }} }}",
                  f"select * where {{ service silent <{target}> {{ ?x ?p ?o }} }}",
                  f"PREFIX : <urn:x#> ASK {{ ?s ?p ?o . SERVICE\n<{target}> {{ ?s ?p ?o }} }}"):
            status, _, body = get(url, q, "application/sparql-results+json")
            assert status == 400, q
            assert body.decode() == "SERVICE (federated query) is refused: this endpoint sends no requests to other servers\n"
        time.sleep(0.5)
        assert listener.hits == 0
    finally:
        listener.close()
    # the word in a string or an IRI is no SERVICE clause
    status, _, body = get(url, "SELECT ?x WHERE { BIND('SERVICE <http://x/>' AS ?x) }", "text/csv")
    assert status == 200 and body == b"x\r\nSERVICE <http://x/>\r\n"


def test_M4_the_query_dataset_clause_is_used(server) -> None:
    url, _ = server
    doc = "https://w3id.org/govkg/id/doc/gulou_task_decomposition"

    def count(q: str, **extra: str) -> int:
        status, _, body = get(url, q, "text/csv", **extra)
        assert status == 200, body
        return int(body.split(b"\r\n")[1])

    union = count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    in_doc = count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{doc}> {{ ?s ?p ?o }} }}")
    assert 0 < in_doc < union
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <{doc}> WHERE {{ ?s ?p ?o }}") == in_doc
    assert count("SELECT (COUNT(*) AS ?n) FROM <urn:nonexistent> WHERE { ?s ?p ?o }") == 0
    # the protocol's default-graph-uri wins over the query's FROM (SPARQL 1.1 Protocol 2.1.4)
    assert count("SELECT (COUNT(*) AS ?n) FROM <urn:nonexistent> WHERE { ?s ?p ?o }",
                 **{"default-graph-uri": doc}) == in_doc


def test_M5_tsv_results_parse_back_to_the_same_terms(server) -> None:
    import pyoxigraph as ox

    url, _ = server
    q = 'SELECT ?x ?y WHERE { VALUES (?x ?y) { ("a,b" "c\\"d") ("e\\nf" "g\\th\\\\i") } }'
    status, headers, body = get(url, q, "text/tab-separated-values")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    rows = [(s["x"].value, s["y"].value) for s in ox.parse_query_results(body, ox.QueryResultsFormat.TSV)]
    assert rows == [("a,b", 'c"d'), ("e\nf", "g\th\\i")]
    status, _, body = get(url, q, "text/csv")
    assert body == b'x,y\r\n"a,b","c""d"\r\n"e\nf",g\th\\i\r\n'


def test_L5_deep_nesting_is_refused_and_no_worker_dies(server) -> None:
    url, proc = server
    before = _children(proc.pid)
    deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000
    status, _, body = http(url, deep.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 400
    assert body.decode() == "query nested 5000 deep: more than 256 nested levels are refused\n"
    assert _children(proc.pid) == before
    status, _, body = get(url, f"ASK {{ ?t a <{KG}Task> }}", "application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True


def raw_request(url: str, request: bytes) -> bytes:
    """Send bytes as they are; the server's answer until it closes (or 10 s)."""
    import socket

    host, port = urllib.parse.urlsplit(url).netloc.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(request)
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_L7_unknown_format_is_400_before_the_query_runs(server) -> None:
    url, _ = server
    t0 = time.monotonic()
    status, _, body = get(url, RUNAWAY, format="foo")
    assert time.monotonic() - t0 < TIMEOUT / 2  # the runaway query never started
    assert status == 400 and body.decode().startswith("unknown format 'foo' (choose from html, json, xml")
    status, _, body = get(url, "ASK { }", format="csv")
    assert status == 200 and body == b"true"


def test_L7_bad_content_length_is_400(server) -> None:
    url, _ = server
    host = urllib.parse.urlsplit(url).netloc
    answer = raw_request(url, f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Length: abc\r\n"
                              "Content-Type: application/sparql-query\r\n\r\nASK {}".encode())
    assert answer.startswith(b"HTTP/1.1 400 ")


def test_L7_a_client_that_hangs_up_leaves_no_traceback(server) -> None:
    import socket

    url, _ = server
    host, port = urllib.parse.urlsplit(url).netloc.rsplit(":", 1)
    q = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1999")
    for _ in range(3):
        with socket.create_connection((host, int(port))) as s:
            s.sendall(f"GET /sparql?query={q} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            s.recv(10)  # then close with most of the answer unread
    status, _, _ = get(url, "ASK { }")
    assert status == 200  # (and the module's teardown finds no traceback in the log)


def test_L7_cors_and_the_options_preflight(server) -> None:
    url, _ = server
    status, headers, body = get(url, "ASK { }", "application/sparql-results+json", )
    origin = {"Origin": "https://sparql-tool.example"}
    q = urllib.parse.urlencode({"query": "ASK { }"})
    status, headers, body = http(f"{url}?{q}", headers={**origin, "Accept": "application/sparql-results+json"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = http(url, method="OPTIONS", headers={
        **origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
    status, headers, _ = http(url, method="OPTIONS")
    assert status == 204 and headers["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_L7_host_header_must_name_this_server(server) -> None:
    url, _ = server
    port = urllib.parse.urlsplit(url).port
    q = urllib.parse.urlencode({"query": "ASK { }"})
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example"):
        answer = raw_request(url, f"GET /sparql?{q} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert answer.startswith(b"HTTP/1.1 400 "), host
        assert b"unknown Host" in answer
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        answer = raw_request(url, f"GET /sparql?{q} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert answer.startswith(b"HTTP/1.1 200 "), host


def test_request_limits_that_held_still_hold(server) -> None:
    url, _ = server
    status, _, _ = get(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 100_000)
    assert status == 414
    big = ("SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 900_000).encode()
    status, _, _ = http(url, big, {"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200
    host = urllib.parse.urlsplit(url).netloc
    # 413 from the headers alone: the 2 MB body is never read
    answer = raw_request(url, f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query\r\n"
                              "Content-Length: 2000000\r\n\r\n#xxxx".encode())
    assert answer.startswith(b"HTTP/1.1 413 ") and b"request too large: 2000000 bytes" in answer
    status, _, _ = get(url, "ASK { }", "text/csv;q=0.1," + "application/x-junk;q=0.1," * 3000)
    assert status == 431
    many = "".join(f"X-H{i}: v\r\n" for i in range(150))
    q = urllib.parse.urlencode({"query": "ASK { }"})
    answer = raw_request(url, f"GET /sparql?{q} HTTP/1.1\r\nHost: {host}\r\n{many}Connection: close\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 431 ")
    for method in ("PUT", "DELETE", "PATCH"):
        status, headers, _ = http(url, b"x", {"Content-Type": "text/turtle"}, method=method)
        assert status == 405 and "POST" in headers["Allow"]
    status, _, body = http(url, b"query=ASK+%7B%7D", {"Content-Type": "text/plain"})
    assert status == 415
    status, headers, body = http(f"{url}?{q}", method="HEAD")
    assert status == 200 and body == b""


def test_M10_a_rebuild_under_a_running_server_is_served_by_every_worker(tmp_path: Path) -> None:
    from kg.store import open_store

    plan = EXAMPLES / "gulou_task_decomposition.txt"
    out = build_example([plan], tmp_path / "out")
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = open_store(out).query(q).dicts()[0]["n"]
    url, proc = start_server(out)
    try:
        status, _, body = get(url, q, "text/csv")
        assert status == 200 and int(body.split(b"\r\n")[1]) == before
        build_example([EXAMPLES], out)  # both documents now
        after = open_store(out).query(q).dicts()[0]["n"]
        assert after > before
        counts = []
        for _ in range(6):
            status, _, body = get(url, q, "text/csv")
            assert status == 200, body
            counts.append(int(body.split(b"\r\n")[1]))
        assert counts == [after] * 6
    finally:
        err = stop_server(proc)
    assert "Traceback" not in err


def test_a_script_that_starts_a_server_is_not_run_again(tmp_path: Path, out: Path) -> None:
    """The workers are fresh interpreters running kg.serve.sparql_worker: a caller's script
    without a ``__main__`` guard runs once (multiprocessing's spawn/forkserver re-import it)."""
    script = tmp_path / "myscript.py"
    script.write_text(
        "import sys\n"
        "from kg.serve.server import make_server\n"
        "print('SCRIPT TOP LEVEL', flush=True)\n"
        f"server = make_server({str(out)!r}, port=0, workers=2, quiet=True)\n"
        "print(server.url.startswith('http://127.0.0.1:'), flush=True)\n"
        "server.close()\n",
        encoding="utf-8",
    )
    res = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "SCRIPT TOP LEVEL\nTrue\n"


def test_serve_on_a_damaged_store_is_one_line_exit_1(out: Path, tmp_path: Path) -> None:
    import shutil

    damaged = tmp_path / "b"
    shutil.copytree(out, damaged)
    for f in (damaged / "store").glob("*.sst"):
        with f.open("r+b") as fh:
            fh.truncate(100)
    res = subprocess.run([*KG_CMD, "serve", str(damaged), "--port", "0"],
                         capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert res.returncode == 1 and res.stdout == ""
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {damaged / 'store'}: cannot open the store (")


UPDATE_FORMS = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "INSERT { ?s ?p 1 } USING <urn:g> WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/x.ttl>",
    "LOAD SILENT <http://127.0.0.1:9/x.ttl> INTO GRAPH <urn:g>",
    "CLEAR ALL",
    "CREATE GRAPH <urn:g>",
    "DROP SILENT GRAPH <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "MOVE <urn:a> TO <urn:b>",
    "ADD <urn:a> TO <urn:b>",
    "PREFIX kg: <https://w3id.org/govkg/ns#> # a comment\ninsert data { kg:a kg:b kg:c }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
]


@pytest.mark.parametrize("update", UPDATE_FORMS)
def test_every_update_form_is_refused(server, update: str) -> None:
    url, _ = server
    status, _, body = get(url, update, format="foo")  # refused before the format is even looked at
    assert status == 403 and body.startswith(b"this endpoint is read-only")
    status, _, _ = http(url, urllib.parse.urlencode({"update": update}).encode(),
                        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403
    status, _, _ = http(url, update.encode(), {"Content-Type": "application/sparql-update; charset=UTF-8"})
    assert status == 403


def test_malformed_urls_and_path_traversal_are_4xx(server) -> None:
    url, _ = server
    host = urllib.parse.urlsplit(url).netloc
    for target in ("/sparql?query=%E0%A4%A", "/sparql?query=%zz", "/%zz", "/sparql?query=%", "/../../etc/passwd",
                   "/sparql/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/queries/../../../etc/passwd"):
        answer = raw_request(url, f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        status = int(answer.split(b" ", 2)[1])
        assert status in (400, 404), (target, answer[:200])
        assert b"root:x:" not in answer
