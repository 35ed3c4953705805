"""The CLI, run in-process: exact outputs and exit codes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kg.cli import main

from .conftest import PLAN


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_extract_jsonl_contract():
    r = run("extract", str(PLAN), "--format", "jsonl")
    assert r.exit_code == 0
    records = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(records) == 72
    first = records[0]
    for key in ("document", "id", "section", "line", "text", "lead", "co_lead", "indicators", "projects", "districts"):
        assert key in first
    assert first["document"] == "gulou_task_decomposition"
    assert first["id"] == "1" and first["line"] == 4
    assert first["section"] == "关于完善创新生态，打造转型升级新引擎"
    assert first["lead"] == [{"name": "区科技局", "unit": "区科技局"}, {"name": "高新区管委会", "unit": "高新区管委会"}]
    t61 = records[60]
    assert {"name": "市场监管局", "unit": "区市场监管局"} in t61["co_lead"]


def test_build_prints_a_summary_and_validate_conforms(tmp_path):
    out = tmp_path / "out"
    r = run("build", str(PLAN), "-o", str(out))
    assert r.exit_code == 0
    assert "1 documents, 7 sections, 72 tasks" in r.stdout
    for name in ("graph.trig", "graph.ttl", "graph.nq", "manifest.json", "tasks.jsonl"):
        assert (out / name).is_file()
    r = run("validate", str(out))
    assert r.exit_code == 0 and "conforms" in r.stdout


def test_no_report_leaves_the_artifacts_out_and_kg_report_writes_them(tmp_path):
    out = tmp_path / "out"
    artifacts = ("index.html", "workload.csv", "responsibility_matrix.xlsx", "collaboration.graphml")
    r = run("build", str(PLAN), "-o", str(out), "--no-report")
    assert r.exit_code == 0, r.output
    assert (out / "graph.nq").is_file() and (out / "store").is_dir()
    assert not any((out / name).exists() for name in artifacts)
    r = run("report", str(out))
    assert r.exit_code == 0, r.output
    assert all((out / name).is_file() for name in artifacts)
    assert "区发改委" in (out / "workload.csv").read_text(encoding="utf-8")
    r = CliRunner().invoke(main, ["report", str(tmp_path / "nothing")])
    assert r.exit_code == 2 and "not a kg build folder" in r.output


def test_big_corpora_get_the_report_but_not_the_workload_exports_and_the_build_says_so(tmp_path, monkeypatch):
    import kg.pipeline

    monkeypatch.setattr(kg.pipeline, "AUTO_REPORT_MAX_TASKS", 71)  # the plan has 72 tasks
    r = run("build", str(PLAN), "-o", str(tmp_path / "big"))
    assert r.exit_code == 0, r.output
    assert "no workload exports for 72 tasks (more than 71), the report only: `kg report" in r.stdout
    assert (tmp_path / "big" / "index.html").is_file() and not (tmp_path / "big" / "workload.csv").exists()
    r = run("build", str(PLAN), "-o", str(tmp_path / "asked"), "--report")
    assert "no workload exports" not in r.stdout and (tmp_path / "asked" / "workload.csv").is_file()
    r = run("build", str(PLAN), "-o", str(tmp_path / "none"), "--no-report")
    assert "no workload exports" not in r.stdout and not (tmp_path / "none" / "index.html").exists()
    monkeypatch.setattr(kg.pipeline, "AUTO_REPORT_MAX_TASKS", 72)
    r = run("build", str(PLAN), "-o", str(tmp_path / "small"))
    assert "no workload exports" not in r.stdout and (tmp_path / "small" / "workload.csv").is_file()


def test_missing_input_is_one_line_and_exit_2(tmp_path):
    r = CliRunner().invoke(main, ["build", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == [f"Error: {tmp_path / 'missing.txt'}: no such file or folder"]


def test_validate_without_a_build_is_exit_2(tmp_path):
    r = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert r.exit_code == 2
    assert "not a kg build folder" in r.output
    assert "Traceback" not in r.output


def test_bad_files_become_warnings_and_the_build_goes_on(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (docs / "plan.txt").write_text("一、甲\n1.推进改革。（区发改委主办）\n2.没有责任单位的任务。\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(docs), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0
    assert f"warning: {docs / 'binary.txt'}:0: looks like a binary file (NUL bytes, no text BOM); skipped\n" in r.output
    assert "plan.txt:3: task 2: no responsibility clause found" in r.output
    r = CliRunner().invoke(main, ["build", str(docs), "-o", str(tmp_path / "out"), "--strict"])
    assert r.exit_code == 3


def test_failed_build_keeps_previous_output(tmp_path, monkeypatch):
    import kg.pipeline as b

    out = tmp_path / "out"
    assert run("build", str(PLAN), "-o", str(out)).exit_code == 0
    before = (out / "graph.nq").read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(b, "_write_reports", boom)
    r = CliRunner().invoke(main, ["build", str(PLAN), "-o", str(out)])
    assert r.exit_code != 0
    assert (out / "graph.nq").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.tmp")]


def test_extract_on_the_examples_folder_prints_the_72_tasks_and_statements_on_request():
    folder = str(PLAN.parent)
    r = run("extract", folder, "--no-warnings")
    assert len(r.stdout.splitlines()) == 72
    r = run("extract", folder, "--no-warnings", "--statements")
    kinds = {json.loads(x)["kind"] for x in r.stdout.splitlines()}
    assert kinds == {"TaskPlan", "WorkReport"}
