"""Every canned query on the example graph, with real rows; the library and its formatters."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from kg import queries as Q
from kg.errors import QueryError, UsageError
from kg.store import XSD, OxigraphStore, QueryResult, RdflibStore, Term, open_store, sparql_lexer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
KG = "https://w3id.org/govkg/ns#"


def build_example(paths: list[Path], out: Path, region: str | None = None) -> Path:
    """Build with only the graph and the workload artifacts (other views are tested elsewhere)."""
    import kg.pipeline

    kg.pipeline.build(paths, out, kg.pipeline.BuildOptions(region=region, artifact_writers=("workload",)))
    return out




def run(store, name: str, **params: object) -> list[dict[str, object]]:
    return Q.run_query(store, name, params).dicts()


def has(store, predicate: str) -> bool:
    return bool(store.query(f"ASK {{ ?s <{KG}{predicate}> ?o }}").boolean)


def test_the_example_graph_has_every_feature_the_queries_ask_about(store) -> None:
    """Indicators, projects, areas and report links are always extracted: a query test
    never passes because its feature is missing."""
    for predicate in ("hasIndicator", "mentionsProject", "mentionsArea", "hasLink"):
        assert has(store, predicate), predicate


# ---------------------------------------------------------------------------------------
# the library itself


def test_every_query_has_a_header_and_runs(store) -> None:
    qs = Q.list_queries()
    names = {q.name for q in qs}
    assert {
        "lead_counts", "weighted_load", "shared_tasks", "unit_pairs", "tasks_without_co_lead", "diffuse_tasks",
        "unit_leads", "indicators_per_unit", "unit_projects_districts", "district_units", "group_references",
        "unresolved_units", "metric_series", "unmatched_statements", "unit_tasks", "group_tasks",
        "group_members", "target_comparison",
    } <= names
    assert "single_lead_tasks" not in names  # renamed tasks_without_co_lead (and corrected)
    for q in qs:
        assert q.question.endswith("?"), q.name
        assert q.columns, q.name
        for p in q.params:
            assert re.search(r"\?" + p.name + r"\b", q.body), (q.name, p.name)
        res = Q.run_query(store, q)
        assert res.kind == "select"
        assert tuple(res.variables) == q.columns, q.name


INTERNAL = sorted(p.stem for p in Q.INTERNAL_DIR.glob("*.rq"))


@pytest.mark.parametrize("name", INTERNAL)
def test_every_internal_query_is_valid_sparql_and_runs(store, name: str) -> None:
    """The queries the workload, the matrix and the views run (queries/internal/)."""
    text = Q.internal_query(name)
    assert text.startswith("PREFIX kg: <https://w3id.org/govkg/ns#>\n")  # the header comment is left out
    header = (Q.INTERNAL_DIR / f"{name}.rq").read_text(encoding="utf-8").removesuffix(text + "\n")
    # a placeholder the code fills in is named in the header
    for placeholder, value in (("SCOPE", "VALUES ?g { <urn:kg:plan> }"), ("kg:PROPERTY", "kg:taskNumber")):
        if placeholder in text:
            assert f"# {placeholder} is replaced by" in header
            text = text.replace(placeholder, value)
    Q.check_syntax(text)
    assert sparql_lexer.query_form(text) == "SELECT"
    store.query(text)


def test_the_internal_queries_are_the_ones_kg_runs() -> None:
    """Each file is read by its module, and none is listed among the canned queries."""
    assert len(INTERNAL) == 18
    sources = "".join(
        (ROOT / f).read_text(encoding="utf-8")
        for f in ("kg/analysis/facts.py", "kg/analysis/matrix.py", "kg/analysis/workload.py", "visualize/data.py")
    )
    assert sorted(re.findall(r'internal_query\("(\w+)"\)', sources)) == INTERNAL
    assert not {q.name for q in Q.list_queries()} & set(INTERNAL)


def test_an_internal_query_with_a_syntax_error_is_caught() -> None:
    """Counter-example: what the check above would say of a broken file."""
    with pytest.raises(QueryError, match=r"^invalid SPARQL at line 2, column 30: "):
        Q.check_syntax("PREFIX kg: <https://w3id.org/govkg/ns#>\nSELECT ?t WHERE { ?t kg:lead }")


def test_header_parsing() -> None:
    q = Q.parse_header(
        '# question: What?\n# a note\n# param unit = "区发改委" -- the unit\n# param n = 3\n'
        "# param w = 0.5\n# param iri = <https://example.org/x>\n# param flag = true\n# columns: a, b\nSELECT ?a ?b WHERE { ?a ?b ?unit }\n"
    )
    assert q.question == "What?"
    assert q.notes == "a note"
    assert q.columns == ("a", "b")
    d = q.defaults()
    assert d["unit"] == Term("literal", "区发改委") and q.param("unit").description == "the unit"
    assert d["n"].python == 3 and d["w"].python == 0.5 and d["flag"].python is True
    assert d["iri"] == Term("uri", "https://example.org/x")
    # the header is blanked, line numbers are kept
    assert q.body.count("\n") == q.text.count("\n") and q.body.lstrip().startswith("SELECT")


def test_params_take_the_type_of_their_default() -> None:
    q = Q.resolve_query("shared_tasks")
    b = Q.coerce_params(q, {"unit": "区科技局", "min_shared": "3"})
    # unit names are matched as the graph writes them (a @zh label), so the value is one
    assert b["unit"] == Term("literal", "区科技局", lang="zh")
    assert b["min_shared"].python == 3
    with pytest.raises(UsageError, match="expected an integer"):
        Q.coerce_params(q, {"min_shared": "three"})
    with pytest.raises(UsageError, match=r"has no parameter 'foo' \(it takes: unit, min_shared\)"):
        Q.coerce_params(q, {"foo": "1"})


def test_resolve_name_file_and_text(tmp_path: Path) -> None:
    assert Q.resolve_query("lead_counts").name == "lead_counts"
    f = tmp_path / "mine.rq"
    f.write_text("# question: Mine?\n# columns: n\nSELECT (1 AS ?n) WHERE {}\n", encoding="utf-8")
    assert Q.resolve_query(str(f)).question == "Mine?"
    assert Q.resolve_query("SELECT * WHERE { ?s ?p ?o }").name == "inline"
    with pytest.raises(UsageError, match="no canned query named 'nosuch'"):
        Q.resolve_query("nosuch")
    with pytest.raises(UsageError, match="no such query file"):
        Q.resolve_query(str(tmp_path / "absent.rq"))


def test_syntax_errors_name_line_and_column() -> None:
    with pytest.raises(QueryError) as e:
        Q.check_syntax("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?x = ) }")
    msg = str(e.value)
    assert msg.startswith("invalid SPARQL at line 3, column ") and "\n" not in msg
    with pytest.raises(QueryError, match="read-only"):
        Q.check_syntax("PREFIX a: <http://a/> INSERT DATA { a:b a:c a:d }")
    assert Q.is_update("# c\nDELETE WHERE { ?s ?p ?o }") and not Q.is_update("SELECT * { ?s ?p ?o }")


def test_syntax_error_position_ignores_bound_parameters(store) -> None:
    # the parameters' VALUES block is added to the text; the position must still be the user's
    text = '# param x = "a"\nSELECT ?x WHERE { ?s ?p ?x }\nLIMIT'
    with pytest.raises(QueryError, match="at line 3, column 6"):
        Q.run_query(store, Q.parse_header(text))


def test_inline_parameters_are_bound_as_terms_not_text(store) -> None:
    res = Q.run_query(store, "SELECT ?v WHERE { }", {"v": '" } DROP ALL #'})
    [(t,)] = res.rows
    assert t is not None and (t.kind, t.value) == ("literal", '" } DROP ALL #')
    with pytest.raises(UsageError, match="not a variable"):
        Q.run_query(store, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"nope": "1"})


# ---------------------------------------------------------------------------------------
# each canned query on the example


def test_lead_counts(store) -> None:
    rows = run(store, "lead_counts")
    top = [(r["unit"], r["lead"]) for r in rows[:4]]
    assert top[0] == ("区发改委", 10)
    assert sorted(top[1:]) == [("区商务局", 7), ("区建设局", 7), ("区科技局", 7)]
    fgw = rows[0]
    assert fgw["type"] == "GovernmentDepartment" and fgw["co_lead"] == 0
    assert fgw["co_lead_via_group"] == 3  # 各部门 on tasks 10, 67, 72
    streets = [r for r in rows if r["type"] == "StreetOffice"]
    assert len(streets) == 13 and all(r["co_lead_via_group"] >= 20 for r in streets)


def test_weighted_load_matches_the_workload_analysis(store) -> None:
    from kg.analysis.workload import compute_workload

    rows = run(store, "weighted_load")
    assert rows[0]["unit"] == "区发改委" and rows[0]["load"] == pytest.approx(7.5)
    by_unit = {r["unit"]: r["load"] for r in rows}
    assert by_unit["区科技局"] == pytest.approx(16 / 3, abs=1e-3)
    report = compute_workload(store)
    assert {u.unit: round(u.load, 3) for u in report.units if u.load > 0} == {k: round(v, 3) for k, v in by_unit.items()}
    doubled = run(store, "weighted_load", lead_weight="2", co_lead_weight="1")
    assert doubled[0]["load"] == pytest.approx(15.0)


def test_shared_tasks(store) -> None:
    rows = {r["partner"]: r for r in run(store, "shared_tasks")}
    assert rows["区投促局"]["shared"] == 2 and set(str(rows["区投促局"]["tasks"]).split()) == {"19", "21"}
    kj = {r["partner"]: r for r in run(store, "shared_tasks", unit="区科技局", min_shared="2")}
    assert kj["高新区管委会"]["shared"] == 4 and kj["高新区管委会"]["partner_leads"] == 4
    assert all(r["shared"] >= 2 for r in kj.values())
    # an alias or the full name finds the same unit
    alias = {r["partner"]: r["shared"] for r in run(store, "shared_tasks", unit="区发展和改革委员会")}
    assert alias == {k: v["shared"] for k, v in rows.items()}
    assert run(store, "shared_tasks", unit="南京市鼓楼区发展和改革委员会")
    with pytest.raises(UsageError, match="^no unit named 没有这个单位$"):
        run(store, "shared_tasks", unit="没有这个单位")


def test_unit_pairs(store) -> None:
    rows = run(store, "unit_pairs")
    pairs = {(r["unit_a"], r["unit_b"]): r for r in rows}
    assert pairs[("区科技局", "高新区管委会")]["shared"] == 4
    assert pairs[("区科技局", "高新区管委会")]["both_lead"] == 4
    assert pairs[("区建设局", "区文旅局")]["shared"] == 4
    assert rows[0]["shared"] == 4 and all(r["shared"] >= 2 for r in rows)


def test_diffuse_tasks(store) -> None:
    rows = run(store, "diffuse_tasks")
    assert {rows[0]["task"], rows[1]["task"]} == {"67", "72"}  # 各部门、街道、板块 co-lead
    assert rows[0]["units"] >= 40 and rows[0]["groups"] == 3
    assert all(r["units"] >= 10 for r in rows)
    assert len(run(store, "diffuse_tasks", min_units="40")) == 3  # tasks 10, 67, 72 (各部门)


def test_unit_leads(store) -> None:
    rows = run(store, "unit_leads")
    assert {r["task"] for r in rows} == {"5", "11", "13", "16", "19", "21", "24", "30", "43", "63"}
    # 11.地区生产总值增长7%。(区发改委主办)
    gdp = [r for r in rows if r["task"] == "11"]
    assert [(r["metric"], r["value"], r["uom"]) for r in gdp] == [("地区生产总值", 7.0, "%")]
    other = run(store, "unit_leads", unit="区财政局")
    assert {r["task"] for r in other} == {"12", "72"}


def test_indicators_per_unit(store) -> None:
    rows = {r["unit"]: r for r in run(store, "indicators_per_unit")}
    # tasks 5 (3家), 11 (7%), 13 (8%), 16 (13%), 19 (16%) and 24 (62, 34 and 54 projects)
    assert (rows["区发改委"]["indicators"], rows["区发改委"]["tasks"]) == (8, 6)
    assert {"地区生产总值", "固定资产投资"} <= set(str(rows["区发改委"]["metrics"]).split("、"))


def test_unit_projects_districts(store) -> None:
    rows = run(store, "unit_projects_districts")
    assert rows and rows[0]["projects"] + rows[0]["districts"] > 0
    by_unit = {r["unit"]: r for r in rows}
    assert "地铁5号线" in str(by_unit["区建设局"]["project_names"]).split("、")
    assert all(r["projects"] + r["districts"] > 0 for r in rows)


def test_district_units(store) -> None:
    rows = {r["district"]: r for r in run(store, "district_units")}
    assert rows["滨江商务区"]["governed_by"] == "滨江商务区管委会"
    assert rows["华侨路街道"]["governed_by"] == "华侨路街道"
    # 2.…全力推进环南大、南工大硅巷建设…(区科技局、高新区管委会主办,区相关部门、街道、板块协办)
    assert rows["南工大硅巷"]["tasks"] == 1
    assert {"区科技局", "高新区管委会"} <= set(str(rows["南工大硅巷"]["unit_names"]).split("、"))


def test_group_references(store) -> None:
    rows = {(r["group"], r["role"]): r for r in run(store, "group_references")}
    streets = rows[("各街道", "co_lead")]
    assert streets["scope"] == "all" and streets["members"] == 13 and streets["expanded_to"] == 13
    assert streets["tasks"] == 23 and set(str(streets["as_written"]).split("、")) == {"各街道", "街道"}
    assert rows[("区相关部门", "co_lead")]["scope"] == "unknown"
    assert rows[("区相关部门", "co_lead")]["expanded_to"] == 0
    assert rows[("各区属国企集团", "lead")]["tasks"] == 1


def test_unresolved_units(store) -> None:
    rows = run(store, "unresolved_units")
    got = {(r["task"], r["as_written"], r["problem"]) for r in rows}
    assert ("2", "区相关部门", "group with unknown members") in got
    assert ("15", "相关街道", "unnamed subset of a group") in got
    assert ("65", "各区属国企集团", "group with no known members") in got


def test_unresolved_unit_names(tmp_path: Path) -> None:
    """A name that is not in the gazetteer is reported as such."""
    doc = tmp_path / "plan.txt"
    doc.write_text(
        "区政府重点工作任务分解方案\n一、发展经济\n1.推进数字经济发展。（区火星开发局主办，区发改委协办）\n"
        "2.优化营商环境。（区发改委主办）\n",
        encoding="utf-8",
    )
    s = open_store(build_example([doc], tmp_path / "out", region="nanjing-gulou"))
    try:
        rows = run(s, "unresolved_units")
    finally:
        s.close()
    assert [(r["task"], r["as_written"], r["problem"], r["role"]) for r in rows] == [
        ("1", "区火星开发局", "unknown unit name", "lead")
    ]


def test_metric_series(store) -> None:
    rows = run(store, "metric_series")
    assert rows and all("地区生产总值" in str(r["metric_name"]) for r in rows)
    plan = [r for r in rows if r["document"] == "gulou_task_decomposition.txt"]
    assert [(r["value"], r["uom"], r["period"]) for r in plan] == [(7.0, "%", "target")]
    report = {(r.get("year"), r["period"], r["value"], r["uom"]) for r in rows if r["document"] == "gulou_2020_work_report.txt"}
    # the report's figures for the past year (地区生产总值1620亿元) and its target for this one
    assert ("2019", "actual", 1620.0, "亿元") in report
    assert ("2020", "target", 7.5, "%") in report
    other = run(store, "metric_series", metric="固定资产投资")
    assert other and all("固定资产投资" in str(r["metric_name"]) for r in other)


def test_unmatched_statements(store) -> None:
    rows = run(store, "unmatched_statements")
    assert rows and all(r["document"] == "gulou_2020_work_report.txt" for r in rows)
    everything = run(store, "unmatched_statements", min_score="2")  # no link scores that high
    assert len(everything) > len(rows)
    matched = {
        str(t.value)
        for (t,) in store.query(
            f"SELECT DISTINCT ?n WHERE {{ ?s a <{KG}Statement> ; <{KG}hasLink>/<{KG}score> ?sc ; <{KG}taskNumber> ?n "
            "FILTER(?sc >= 0.2) }"
        ).rows
        if t is not None
    }
    assert matched and not matched & {r["statement"] for r in rows}


def test_task_units(store) -> None:
    rows = run(store, "task_units")
    leads = {r["unit"] for r in rows if r["role"] == "lead"}
    assert leads == {"区科技局", "高新区管委会"}
    via = {r["unit"] for r in rows if r.get("via_group") == "各街道"}
    assert len(via) == 13
    assert {r["unit"] for r in run(store, "task_units", task="11")} == {"区发改委"}


@pytest.mark.parametrize("name", [
    # (not tasks_without_co_lead: the order of the names GROUP_CONCAT joins differs between stores)
    "lead_counts", "weighted_load", "unresolved_units", "metric_series", "unit_tasks",
    "group_tasks", "group_members", "target_comparison", "unmatched_statements",
])
def test_same_answer_with_rdflib(example_out: Path, store, name: str) -> None:
    """Parameters bound through VALUES (Oxigraph) and initBindings (rdflib) give the same rows."""

    def norm(res: QueryResult) -> list[tuple[str, ...]]:
        out = []
        for row in res.rows:
            cells = []
            for t in row:
                v = None if t is None else t.python
                cells.append(f"{v:.3f}" if isinstance(v, float) else str(v))
            out.append(tuple(cells))
        return sorted(out)

    assert norm(Q.run_query(store, name)) == norm(Q.run_query(_rdflib(example_out), name))


_RDFLIB: dict[Path, RdflibStore] = {}


def _rdflib(out: Path) -> RdflibStore:
    if out not in _RDFLIB:
        _RDFLIB[out] = RdflibStore(out / "graph.nq")
    return _RDFLIB[out]


# ---------------------------------------------------------------------------------------
# formatters


def _small() -> QueryResult:
    return QueryResult(
        "select",
        ["unit", "n", "iri"],
        [
            (Term("literal", "区发改委", lang="zh"), Term("literal", "10", XSD + "integer"), Term("uri", "https://w3id.org/govkg/id/x/unit/%E5%8C%BA")),
            (Term("literal", "a,b \"c\"\tx"), Term("literal", "7", XSD + "integer"), None),
        ],
    )


def test_long_cells_are_cut_at_a_whole_wide_character() -> None:
    """A cell cut to its column keeps whole characters and ends in …: a wide character that
    would cross the edge is left out, a combining mark takes no column."""
    from kg.queries.format import _truncate

    assert [_truncate("区发改委abc", w) for w in (11, 10, 7, 6, 1)] == ["区发改委abc", "区发改委a…", "区发改…", "区发…", "…"]
    assert _truncate("区a", 2) == "…" and _truncate("e\u0301xyz", 3) == "e\u0301x…"
    assert Q.display_width("e\u0301x") == 2 and Q.display_width("ＡＢ") == 4  # fullwidth letters: 2 each


def test_table_is_aligned_for_wide_characters() -> None:
    text = Q.format_table(_small())
    lines = text.splitlines()
    assert lines[-1] == "(2 rows)"
    assert Q.display_width("区发改委") == 8 and Q.display_width("ab") == 2
    # numbers are right-aligned: column "n" ends at the same display column on every line
    header, rule, *rows = lines[:-1]
    end = Q.display_width(header[: header.index(" n") + 2])
    assert Q.display_width(rule.rsplit("  ", 1)[0]) == end
    for line in rows:
        m = re.match(r"(.*?\d+)(  |$)", line)
        assert m is not None and Q.display_width(m.group(1)) == end, line
    assert "id:x/unit/区" in text  # IRIs compacted and decoded for reading


def test_csv_tsv_json() -> None:
    r = _small()
    rows = list(csv.reader(io.StringIO(Q.format_csv(r))))
    assert rows[0] == ["unit", "n", "iri"] and rows[1][0] == "区发改委" and rows[2] == ['a,b "c"\tx', "7", ""]
    tsv = Q.format_tsv(r).splitlines()
    assert tsv[0] == "unit\tn\tiri" and tsv[2] == 'a,b "c"\\tx\t7\t'
    doc = json.loads(Q.format_json(r))
    assert doc["head"]["vars"] == ["unit", "n", "iri"]
    assert doc["results"]["bindings"][0]["unit"] == {"type": "literal", "value": "区发改委", "xml:lang": "zh"}
    assert "iri" not in doc["results"]["bindings"][1]
    ask = QueryResult("ask", boolean=True)
    assert Q.format_table(ask) == "true\n" and json.loads(Q.format_json(ask)) == {"head": {}, "boolean": True}


def test_graph_results_as_turtle(store) -> None:
    from rdflib import Graph

    res = store.query(f"CONSTRUCT {{ ?g a <{KG}UnitGroup> }} WHERE {{ ?g a <{KG}UnitGroup> }}")
    ttl = Q.format_graph(res, "turtle")
    g = Graph().parse(data=ttl, format="turtle")
    assert len(g) == len({t[0] for t in res.triples}) == 7
    assert "subject,predicate,object" in Q.format_csv(res)


def test_in_memory_store_answers_like_the_disk_store(example_out: Path, store) -> None:
    mem = OxigraphStore(None)
    mem.load_nquads(example_out / "graph.nq")
    assert Q.run_query(mem, "lead_counts").rows == Q.run_query(store, "lead_counts").rows


def test_weighted_load_lists_every_unit_class_of_the_ontology() -> None:
    """weighted_load.rq names the unit classes (a scan per class is faster than a lookup
    per unit): they must be exactly the subclasses of kg:Unit."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS

    from kg.graph.vocab import KG
    from kg.resources import ontology_path

    onto = Graph().parse(str(ontology_path() / "kg.ttl"), format="turtle")
    classes = {str(c).rsplit("#", 1)[1] for c in onto.subjects(RDFS.subClassOf, URIRef(KG.Unit))}
    text = (Path(__file__).resolve().parents[1] / "queries" / "weighted_load.rq").read_text(encoding="utf-8")
    values = re.search(r"VALUES \?c \{([^}]*)\}", text)
    assert values is not None
    assert set(re.findall(r"kg:(\w+)", values.group(1))) == classes
