"""The Python API at the package top (kg.api): kg.build, kg.open, query results and
workload to pandas, readable reprs, and a plain script that calls it at its top level."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kg
from kg.errors import QueryError, UsageError

from .conftest import EXAMPLES, PLAN


def test_import_kg_does_not_load_the_build_or_the_store():
    """The API is imported when first used: ``import kg`` stays as cheap as before."""
    code = "import sys, kg; print(sorted(m for m in ('kg.api', 'kg.pipeline', 'kg.store', 'pyoxigraph') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert "build" in dir(kg) and "open" in dir(kg)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        kg.nothing  # noqa: B018


def test_build_returns_a_summary_with_the_counts_of_kg_build(tmp_path):
    summary = kg.build(PLAN, tmp_path / "out", artifacts=False)
    assert (summary.documents, summary.tasks, summary.statements, summary.units) == (1, 72, 0, 40)
    # the example plan names no year (tests/test_year.py); the year given silences that
    assert [w.split(": ", 1)[1] for w in summary.warnings] == [
        "no year found for this plan (none in its title, a document number such as 〔2021〕12号, "
        "or an issue date): its targets have no year; give it with --year"
    ]
    assert kg.build(PLAN, tmp_path / "out", artifacts=False, year=2020).warnings == ()
    assert repr(summary) == (
        f"BuildSummary(out={str(tmp_path / 'out')!r}, documents=1, tasks=72, statements=0, "
        f"units=40, quads={summary.quads}, warnings=1)"
    )
    assert summary.quads == summary.result.quads > 0
    assert (tmp_path / "out" / "store").is_dir()


def test_build_options_are_checked(tmp_path):
    with pytest.raises(UsageError, match=r"no option 'yaer' \(it takes: .*year"):
        kg.build(PLAN, tmp_path / "out", yaer=2021)
    with pytest.raises(UsageError, match="kind: 'plans' is not one of plan, report"):
        kg.build(PLAN, tmp_path / "out", kind="plans")
    assert not (tmp_path / "out").exists()


def test_build_kind_by_name(tmp_path):
    summary = kg.build(PLAN, tmp_path / "out", kind="report", artifacts=False)
    assert summary.tasks == 0 and summary.statements > 0
    summary = kg.build(PLAN, tmp_path / "out", kind="plan", artifacts=False)
    assert (summary.tasks, summary.statements) == (72, 0)


def test_open_a_build_query_and_close(example_out: Path):
    with kg.open(example_out) as graph:
        assert repr(graph) == f"Graph({str(example_out)!r}: 2 documents, 72 tasks, 40 units)"
        table = graph.query("lead_counts")
        assert table.columns[:4] == ["unit", "type", "lead", "co_lead"]
        first = dict(zip(table.columns, table.rows[0], strict=True))
        assert (first["unit"], first["lead"]) == ("区发改委", 10)
        assert table.column("lead")[:4] == [10, 7, 7, 7]
        assert next(iter(table))["unit"] == "区发改委"
        # a parameter as a keyword argument
        partners = graph.query("shared_tasks", unit="区科技局")
        assert partners.column("partner")[:2] == ["各街道", "高新区管委会"]
        assert graph.query("ASK { ?t a <https://w3id.org/govkg/ns#Task> }").rows == [(True,)]
    assert repr(graph).endswith(", closed)")
    with pytest.raises(UsageError, match="the graph was closed"):
        graph.query("lead_counts")


def test_query_errors_are_kg_errors(example_out: Path):
    with kg.open(example_out) as graph:
        with pytest.raises(UsageError, match="no canned query named 'lead_count'"):
            graph.query("lead_count")
        with pytest.raises(QueryError, match="invalid SPARQL at line 1"):
            graph.query("SELECT ?x WHERE { ?x ")
        with pytest.raises(KeyError, match="'leads' is not a column"):
            graph.query("lead_counts").column("leads")


def test_open_a_folder_that_is_no_build(tmp_path):
    with pytest.raises(UsageError, match="kg build"):
        kg.open(tmp_path)


def test_query_table_repr_shows_the_first_rows_and_the_count(example_out: Path):
    with kg.open(example_out) as graph:
        table = graph.query("lead_counts")
    text = repr(table)
    lines = text.splitlines()
    assert lines[0] == "QueryTable lead_counts"
    assert lines[1].split()[:4] == ["unit", "type", "lead", "co_lead"]
    assert lines[3].split()[:3] == ["区发改委", "GovernmentDepartment", "10"]
    assert len(lines) == 3 + 10 + 1
    assert lines[-1] == f"({len(table)} rows, the first 10 shown)"


def test_to_pandas(example_out: Path):
    with kg.open(example_out) as graph:
        df = graph.query("lead_counts").to_pandas()
        load = graph.workload()
    assert list(df.columns[:3]) == ["unit", "type", "lead"]
    assert df.loc[df["unit"] == "区科技局", "lead"].item() == 7
    assert str(df["lead"].dtype) == "int64"
    frame = load.to_pandas()
    # 40 units with a load, and the 13 streets reached only through 各街道 (direct load 0)
    assert len(frame) == len(load.units) == 53
    assert frame.iloc[0]["unit"] == load.units[0].unit
    assert frame["load"].tolist() == [u.load for u in load.units]


def test_to_pandas_without_pandas_says_how_to_install_it(example_out: Path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    with kg.open(example_out) as graph:
        table = graph.query("lead_counts")
        with pytest.raises(ImportError, match=r"to_pandas\(\) needs pandas.*pip install pandas"):
            table.to_pandas()


def test_workload_options_and_repr(example_out: Path):
    with kg.open(example_out) as graph:
        direct = graph.workload()
        expanded = graph.workload(expand_groups=True)
        with pytest.raises(UsageError, match="no option 'expand'"):
            graph.workload(expand=True)
    flagged = [u.unit for u in direct.units if u.overloaded]
    assert repr(direct) == f"Workload(53 units, 72 tasks, overloaded: {', '.join(flagged)})"
    assert direct.report.options.expand_groups is False and expanded.options.expand_groups is True
    # the report's attributes and methods through the wrapper
    assert direct.unit("区发改委").lead == 10
    # streets co-lead through 各街道 only when groups are expanded
    streets = [u for u in expanded.units if u.type == "StreetOffice"]
    direct_co_lead = {u.unit: u.co_lead for u in direct.units}
    assert len(streets) == 13
    assert all(u.co_lead > direct_co_lead.get(u.unit, 0) for u in streets)


SCRIPT = """\
import kg

print("script started", flush=True)
summary = kg.build([{examples!r}], {out!r})
print(summary.tasks, summary.statements, flush=True)
with kg.open({out!r}) as graph:
    df = graph.query("lead_counts").to_pandas()
print(df.iloc[0]["unit"], df.iloc[0]["lead"], flush=True)
"""


def test_a_plain_script_builds_queries_and_exits_once(tmp_path):
    """No ``if __name__ == "__main__":`` guard: the build's child processes (the report's
    query worker, the extraction workers) are forked, so the script does not run again."""
    out = tmp_path / "out"
    script = tmp_path / "script.py"
    script.write_text(SCRIPT.format(examples=str(EXAMPLES), out=str(out)), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["script started", "72 68", "区发改委 10"]
    # the report ran its canned queries in its (forked) child process
    queries = (out / "queries.html").read_text(encoding="utf-8")
    assert "lead_counts" in queries and "未运行" not in queries


def test_plain_script_with_several_workers(tmp_path):
    """jobs=2 starts extraction workers even for two documents' worth of inputs."""
    out = tmp_path / "out"
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(f"""\
        import kg
        print("once", flush=True)
        s = kg.build([{str(EXAMPLES)!r}], {str(out)!r}, jobs=2, artifacts=False)
        print(s.documents, flush=True)
    """), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["once", "2"]


def test_query_table_in_a_notebook_is_an_escaped_html_table(example_out: Path):
    with kg.open(example_out) as graph:
        html = graph.query('SELECT ?x WHERE { VALUES ?x { "<b>区科技局</b>" } }')._repr_html_()
    assert "&lt;b&gt;区科技局&lt;/b&gt;" in html and "<b>" not in html


def test_workload_copies_without_recursion(example_out: Path):
    import copy

    with kg.open(example_out) as graph:
        load = graph.workload()
    assert copy.copy(load).report is load.report
