"""`kg query` and `kg queries` through click's CliRunner: exact lines and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

from .test_queries import EXAMPLES, build_example


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example([EXAMPLES], tmp_path_factory.mktemp("cli_query") / "out")


def kg(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_lead_counts_csv(out: Path) -> None:
    r = kg("query", "lead_counts", "--graph", str(out), "--format", "csv")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    # the headers of the query's columns line: Chinese first, the variable beside
    assert lines[0] == ("单位 unit,单位类型 type,牵头 lead,配合 co_lead,经群组牵头 lead_via_group,"
                        "经群组配合 co_lead_via_group,任务数 tasks")
    assert lines[1] == "区发改委,政府部门,10,0,0,3,13"
    assert lines[2:5] == [
        "区建设局,政府部门,7,2,0,3,12",
        "区科技局,政府部门,7,2,0,3,11",
        "区商务局,政府部门,7,0,0,3,10",
    ]


def test_top_five_by_lead(out: Path) -> None:
    r = kg("query", "lead_counts", "--graph", str(out), "-p", "limit=5", "--format", "tsv")
    assert r.exit_code == 0
    # the fifth and sixth units lead six tasks each: both are listed
    assert [line.split("\t")[:3] for line in r.stdout.splitlines()[1:]] == [
        ["区发改委", "政府部门", "10"], ["区建设局", "政府部门", "7"],
        ["区科技局", "政府部门", "7"], ["区商务局", "政府部门", "7"],
        ["区市场监管局", "政府部门", "6"], ["区文旅局", "政府部门", "6"],
    ]


def test_json_keeps_the_variable_names(out: Path) -> None:
    r = kg("query", "lead_counts", "--graph", str(out), "-p", "limit=1", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["head"]["vars"] == [
        "unit", "type", "lead", "co_lead", "lead_via_group", "co_lead_via_group", "tasks"
    ]
    # and the vocabulary keys, which the other formats show by their Chinese label
    assert doc["results"]["bindings"][0]["type"]["value"] == "GovernmentDepartment"


def test_table_output(out: Path) -> None:
    r = kg("query", "weighted_load", "--graph", str(out))
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[:4] == [
        "单位 unit         单位类型 type  牵头 lead  配合 co_lead  负荷 load",
        "----------------  -------------  ---------  ------------  ---------",
        "区发改委          政府部门              10             0        7.5",
        "区科技局          政府部门               7             2      5.333",
    ]
    assert lines[-1] == "(40 rows)"


def test_params(out: Path) -> None:
    r = kg("query", "weighted_load", "--graph", str(out), "--param", "lead_weight=2", "-p", "co_lead_weight=1",
           "--format", "csv")
    assert r.exit_code == 0
    assert r.stdout.splitlines()[1] == "区发改委,政府部门,10,0,15"
    r = kg("query", "shared_tasks", "--graph", str(out), "--param", "unit=区科技局", "--format", "tsv")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "合作单位 partner\t单位类型 type\t共同任务数 shared\t对方牵头 partner_leads\t对方配合 partner_co_leads\t任务 tasks"
    assert lines[1].startswith("各街道\t单位群组\t5\t0\t5\t")
    assert lines[2].startswith("高新区管委会\t管委会\t4\t4\t0\t")


def test_json_is_sparql_results_json(out: Path) -> None:
    r = kg("query", "SELECT (COUNT(DISTINCT ?t) AS ?tasks) WHERE { ?t a <https://w3id.org/govkg/ns#Task> }",
           "--graph", str(out), "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout) == {
        "head": {"vars": ["tasks"]},
        "results": {"bindings": [{"tasks": {"type": "literal", "value": "72",
                                            "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]},
    }


def test_ask_and_file(out: Path, tmp_path: Path) -> None:
    r = kg("query", "ASK { ?t a <https://w3id.org/govkg/ns#Task> }", "--graph", str(out))
    assert (r.exit_code, r.stdout) == (0, "true\n")
    f = tmp_path / "count.rq"
    f.write_text("# question: How many groups?\n# columns: n\n"
                 "SELECT (COUNT(*) AS ?n) WHERE { ?g a <https://w3id.org/govkg/ns#UnitGroup> }\n", encoding="utf-8")
    r = kg("query", str(f), "--graph", str(out), "--format", "csv")
    assert (r.exit_code, r.stdout) == (0, "n\n7\n")


def test_invalid_sparql_is_one_line_exit_2(out: Path) -> None:
    r = kg("query", "SELECT * WHERE { ?s ?p }", "--graph", str(out))
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr == "Error: invalid SPARQL at line 1, column 25: expected one of LATERAL, SERVICE, [_]\n"
    r = kg("query", "SELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER(?x = )\n}", "--graph", str(out))
    assert r.exit_code == 2 and len(r.stderr.splitlines()) == 1
    assert re.match(r"Error: invalid SPARQL at line [34], column \d+: expected one of ", r.stderr)
    # checked before the build folder is opened: a typo answers at once
    r = kg("query", "SELEC x", "--graph", str(out / "missing"))
    assert r.exit_code == 2 and r.stderr.startswith("Error: invalid SPARQL at line 1, column ")


def test_updates_are_refused(out: Path) -> None:
    r = kg("query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--graph", str(out))
    assert r.exit_code == 2
    assert r.stderr == ("Error: SPARQL Update is not accepted: the graph is read-only "
                        "(use SELECT, ASK, CONSTRUCT or DESCRIBE)\n")


def test_usage_errors(out: Path, tmp_path: Path) -> None:
    r = kg("query", "nosuch", "--graph", str(out))
    assert (r.exit_code, r.stderr) == (2, "Error: no canned query named 'nosuch'; `kg queries` lists them\n")
    r = kg("query", "lead", "--graph", str(out))
    assert (r.exit_code, r.stderr) == (2, "Error: no canned query named 'lead' (did you mean lead_counts, tasks_without_co_lead, unit_leads?)\n")
    r = kg("query", "shared_tasks", "--graph", str(out), "--param", "foo=1")
    assert (r.exit_code, r.stderr) == (
        2, "Error: query 'shared_tasks' has no parameter 'foo' (it takes: unit, min_shared)\n")
    r = kg("query", "shared_tasks", "--graph", str(out), "--param", "min_shared=lots")
    assert (r.exit_code, r.stderr) == (2, "Error: parameter min_shared: expected an integer, got 'lots'\n")
    r = kg("query", "shared_tasks", "--graph", str(out), "--param", "unit")
    assert r.exit_code == 2 and "write name=value" in r.stderr
    missing = tmp_path / "nowhere"
    r = kg("query", "lead_counts", "--graph", str(missing))
    assert (r.exit_code, r.stderr) == (
        2, f"Error: {missing}: not a kg build folder (no graph.nq or graphs/); run `kg build PATH -o {missing}` first\n")
    r = kg("query", "lead_counts", "--graph", str(out), "--format", "xml")
    assert r.exit_code == 2


def test_queries_lists_every_canned_query() -> None:
    from kg.queries import list_queries

    r = kg("queries")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [q.name for q in list_queries()]
    width = max(len(q.name) for q in list_queries())
    assert f"{'shared_tasks':<{width}}  Which units share tasks with a given unit, and how often?  [unit=区发改委 min_shared=1]" in lines
    r = kg("queries", "-v")
    assert r.exit_code == 0 and "--param unit=区发改委  the unit: its name or any alias in the gazetteer" in r.stdout


# ---------------------------------------------------------------------------------------
# hostile-input review (shared/RELIABILITY.md)


def _count(out: Path, query: str) -> int:
    r = kg("query", query, "--graph", str(out), "--format", "csv")
    assert r.exit_code == 0, r.stderr
    header, value = r.stdout.splitlines()
    assert header == "n"
    return int(value)


def test_M4_a_from_clause_sets_the_default_graph(out: Path) -> None:
    doc = "https://w3id.org/govkg/id/doc/gulou_task_decomposition"
    union = _count(out, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    in_doc = _count(out, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{doc}> {{ ?s ?p ?o }} }}")
    assert 0 < in_doc < union
    assert _count(out, f"SELECT (COUNT(*) AS ?n) FROM <{doc}> WHERE {{ ?s ?p ?o }}") == in_doc
    assert _count(out, "SELECT (COUNT(*) AS ?n) FROM <urn:nonexistent> WHERE { ?s ?p ?o }") == 0
    # FROM NAMED alone: the default graph is empty, the named graph is there for GRAPH
    assert _count(out, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{doc}> WHERE {{ ?s ?p ?o }}") == 0
    assert _count(out, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{doc}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == in_doc
    # "FROM" in a string or an IRI is not a dataset clause: still the union
    assert _count(out, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != 'FROM <x>') }") == union


def test_H1_service_is_refused_by_kg_query(out: Path) -> None:
    r = kg("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "--graph", str(out))
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "Error: SERVICE (federated query) is refused: kg does not send requests to other servers\n"


def test_L5_deep_nesting_is_one_line_not_a_segfault(out: Path) -> None:
    deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000
    r = kg("query", deep, "--graph", str(out))
    assert r.exit_code == 2
    assert r.stderr == "Error: query nested 5000 deep: more than 256 nested levels are refused\n"


def test_L6_a_damaged_store_is_one_line(out: Path, tmp_path: Path) -> None:
    import shutil

    damaged = tmp_path / "b"
    shutil.copytree(out, damaged)
    tables = sorted((damaged / "store").glob("*.sst"))
    assert tables
    for f in tables:
        with f.open("r+b") as fh:
            fh.truncate(100)
    # (workload with other options than the build's: its default ranking is read from
    # workload.jsonl, without the store)
    for args in (("query", "lead_counts", "--graph", str(damaged)), ("workload", str(damaged), "--expand-groups")):
        r = CliRunner().invoke(main, list(args))
        assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
        assert r.exit_code == 1, r.output
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: {damaged / 'store'}: cannot open the store (")
        assert "Traceback" not in r.stderr


def test_L13_an_unreachable_endpoint_is_an_io_problem_exit_1() -> None:
    import socket

    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = kg("query", "lead_counts", "--endpoint", f"http://127.0.0.1:{port}/sparql")
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: http://127.0.0.1:{port}/sparql: cannot reach the SPARQL endpoint (")
    assert len(r.stderr.splitlines()) == 1


def test_a_misspelt_unit_is_one_line_exit_2(out: Path) -> None:
    r = kg("query", "unit_tasks", "--graph", str(out), "-p", "unit=区科技")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr == "Error: no unit named 区科技 — did you mean 区科技局?\n"


MY_QUERY = """# question: How many tasks does each document hold?
# param kind = "TaskPlan" -- the document kind
# columns: 文件 document, 任务数 tasks
PREFIX kg: <https://w3id.org/govkg/ns#>
SELECT ?document (COUNT(?t) AS ?tasks) WHERE {
  ?t kg:inDocument ?d ; kg:text ?text . ?d kg:sourceFile ?document ; a ?cls .
  FILTER(STRAFTER(STR(?cls), "#") = ?kind)
} GROUP BY ?document
"""


def test_a_user_query_folder_is_listed_and_run(out: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "doc_tasks.rq").write_text(MY_QUERY, encoding="utf-8")
    r = kg("queries", "--queries", str(mine))
    assert r.exit_code == 0
    assert r.stdout.splitlines()[-1] == (
        f"doc_tasks                How many tasks does each document hold?  [kind=TaskPlan]  ({mine / 'doc_tasks.rq'})"
    )
    assert "doc_tasks" not in kg("queries").stdout
    r = kg("query", "doc_tasks", "--queries", str(mine), "--graph", str(out), "--format", "csv")
    assert (r.exit_code, r.stdout) == (0, "文件 document,任务数 tasks\ngulou_task_decomposition.txt,72\n")
    r = kg("query", "doc_tasks", "--queries", str(mine), "--graph", str(out), "-p", "kind=WorkReport", "--format", "csv")
    assert r.stdout.splitlines()[1] == "gulou_2020_work_report.txt,68"
    # without the folder the name is unknown
    r = kg("query", "doc_tasks", "--graph", str(out))
    assert r.exit_code == 2 and r.stderr.startswith("Error: no canned query named 'doc_tasks'")


def test_a_user_query_named_like_a_canned_one_is_an_error(out: Path, tmp_path: Path) -> None:
    (tmp_path / "lead_counts.rq").write_text(MY_QUERY, encoding="utf-8")
    for args in (("queries",), ("query", "lead_counts", "--graph", str(out))):
        r = kg(*args, "--queries", str(tmp_path))
        assert r.exit_code == 2
        assert r.stderr == (f"Error: {tmp_path / 'lead_counts.rq'}: a query named 'lead_counts' exists already "
                            "(the canned query); rename one of them\n")
    r = kg("queries", "--queries", str(tmp_path / "absent"))
    assert (r.exit_code, r.stderr) == (2, f"Error: {tmp_path / 'absent'}: no such query folder\n")


def test_csv_to_a_file_has_a_bom_and_stdout_has_none(out: Path, tmp_path: Path) -> None:
    target = tmp_path / "lead.csv"
    r = kg("query", "lead_counts", "--graph", str(out), "-p", "limit=1", "--format", "csv", "-o", str(target))
    assert (r.exit_code, r.stdout) == (0, "")
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf\xe5\x8d\x95\xe4\xbd\x8d unit,")  # BOM, then 单位 unit
    stdout = kg("query", "lead_counts", "--graph", str(out), "-p", "limit=1", "--format", "csv").stdout
    assert data.decode("utf-8") == "\ufeff" + stdout and not stdout.startswith("\ufeff")


def test_xlsx_has_headers_numbers_and_compact_iris(out: Path, tmp_path: Path) -> None:
    import openpyxl

    target = tmp_path / "lead.xlsx"
    r = kg("query", "lead_counts", "--graph", str(out), "-p", "limit=5", "--format", "xlsx", "-o", str(target))
    assert (r.exit_code, r.stdout) == (0, "")
    ws = openpyxl.load_workbook(target).active
    assert ws.title == "lead_counts"
    rows = list(ws.values)
    assert rows[0][:3] == ("单位 unit", "单位类型 type", "牵头 lead")
    assert rows[1] == ("区发改委", "政府部门", 10, 0, 0, 3, 13)
    assert len(rows) == 7 and all(isinstance(v, int) for row in rows[1:] for v in row[2:])
    assert ws.freeze_panes == "A2"
    # the same result gives the same bytes (the workbook's dates are fixed)
    again = tmp_path / "again.xlsx"
    kg("query", "lead_counts", "--graph", str(out), "-p", "limit=5", "--format", "xlsx", "-o", str(again))
    assert again.read_bytes() == target.read_bytes()
    # IRIs compacted; text that looks like a formula stays text
    iris = tmp_path / "iris.xlsx"
    r = kg("query", "PREFIX kg: <https://w3id.org/govkg/ns#> SELECT ?t ('=1+1' AS ?f) WHERE { ?t kg:taskNumber '11' ; a kg:Task }",
           "--graph", str(out), "--format", "xlsx", "-o", str(iris))
    assert r.exit_code == 0
    ws = openpyxl.load_workbook(iris).active
    assert list(ws.values)[1] == ("id:doc/gulou_task_decomposition/task/11", "=1+1")
    assert ws["B2"].data_type == "s"
    r = kg("query", "lead_counts", "--graph", str(out), "--format", "xlsx")
    assert (r.exit_code, r.stderr) == (2, "Error: --format xlsx writes a file: give -o FILE.xlsx\n")


@pytest.mark.parametrize(("args", "rows"), [
    (("lead_counts", "-p", "limit=5"), 6),  # 1. top five by lead (two tie for the fifth place)
    (("unit_tasks", "-p", "unit=区科技局"), 12),  # 3. what 区科技局 leads and co-leads
    (("tasks_without_co_lead",), 36),  # 4.
    (("unit_pairs",), 12),  # 5.
    (("group_tasks", "-p", "group=各街道"), 23),  # 6.
    (("group_members", "-p", "group=各街道"), 13),
    (("target_comparison", "-p", "unit=区发改委"), 8),  # 7.
    (("unmatched_statements",), 5),  # 8.
])
def test_the_analysts_questions_are_one_command_each(out: Path, args: tuple[str, ...], rows: int) -> None:
    """The commands of the eight questions (issue 15) as the cookbook writes them; their rows
    are checked against the plan's text in tests/test_queries_questions.py."""
    r = kg("query", *args, "--graph", str(out))
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[-1] == f"({rows} rows)"
    assert re.match(r"^\S+ [a-z_]+  ", lines[0])  # 中文 english headers
