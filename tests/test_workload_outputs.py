"""The workload files of a build at scale: the matrix keeps whole plans up to its cap, the
ranking is computed once per build and shared with the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.analysis.workload import compute_workload
from kg.analysis.workload_outputs import (
    shared_workload,
    write_responsibility_matrix,
    write_workload_outputs,
)
from kg.store import STORE_DIR, OxigraphStore

from .conftest import build_generated


@pytest.fixture(scope="module")
def generated_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_generated(tmp_path_factory.mktemp("generated"), 300, districts=1)


def test_matrix_keeps_whole_plans_up_to_its_cap_and_says_so(generated_out: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    store = OxigraphStore(generated_out / STORE_DIR, read_only=True)
    try:
        report = compute_workload(store)
        write_responsibility_matrix(store, report, tmp_path / "all.xlsx")
        write_responsibility_matrix(store, report, tmp_path / "cut.xlsx", max_tasks=150)
    finally:
        store.close()
    whole = load_workbook(tmp_path / "all.xlsx", read_only=True)
    cut = load_workbook(tmp_path / "cut.xlsx")
    assert len(whole.sheetnames) == 1 + 3 and len(cut.sheetnames) == 1 + 1
    plan = cut.worksheets[1]
    assert plan.max_row == 1 + 100 + 1 and plan.freeze_panes == "G2"  # header, tasks, 合计
    summary = cut["汇总"]
    rows = list(summary.iter_rows(values_only=True))
    # every unit is ranked whatever the matrix holds, and the summary says what is left out
    assert sum(1 for r in rows[1:] if isinstance(r[0], int)) == len(report.units)
    note = next(r[2] for r in rows if len(r) > 2 and r[1] == "矩阵范围 (matrix scope)")
    assert "前 1 个任务分解文件（100 项任务），其余 2 个文件（200 项任务）未列出" in note
    assert not any(len(r) > 1 and r[1] == "矩阵范围 (matrix scope)" for r in whole["汇总"].iter_rows(values_only=True))


def test_the_ranking_is_shared_with_the_report_of_the_same_build(generated_out: Path, tmp_path: Path) -> None:
    import shutil

    from kg.pipeline import BuildResult

    class Result:  # a result without a place for shared values
        pass

    out = tmp_path / "out"
    shutil.copytree(generated_out, out)
    result = BuildResult(out=out)  # what kg.pipeline passes to every artifact writer
    assert shared_workload(out, result) is None
    write_workload_outputs(out, result)  # type: ignore[arg-type]
    report = shared_workload(out, result)
    assert report is not None and report.units
    assert shared_workload(tmp_path / "elsewhere", result) is None
    assert shared_workload(out, Result()) is None and shared_workload(out, None) is None


def test_kg_report_shares_the_ranking_and_facts_without_a_build_result(generated_out: Path, tmp_path: Path) -> None:
    """`kg report OUT` runs the writers with no BuildResult: the report writer still gets the
    ranking and facts the workload writer computed, for this folder as it is now only."""
    import os
    import shutil

    from kg.analysis.workload_outputs import shared_facts

    out = tmp_path / "out"
    shutil.copytree(generated_out, out)
    write_workload_outputs(out, None)
    report, facts = shared_workload(out, None), shared_facts(out, None)
    assert report is not None and facts is not None
    assert report.tasks == len({f.task for f in facts.assignments}) == 300
    # counter-examples: another folder, and the same folder once a build has rewritten it
    other = tmp_path / "other"
    shutil.copytree(generated_out, other)
    assert shared_workload(other, None) is None and shared_facts(other, None) is None
    manifest = out / "manifest.json"
    manifest.write_bytes(manifest.read_bytes() + b"\n")
    os.utime(manifest, ns=(1, 1))
    assert shared_workload(out, None) is None and shared_facts(out, None) is None


def test_the_long_table_sheet_holds_the_plans_the_matrix_holds(generated_out: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from kg.analysis.exports import assignment_rows

    store = OxigraphStore(generated_out / STORE_DIR, read_only=True)
    try:
        report = compute_workload(store)
        rows = assignment_rows(report)
        write_responsibility_matrix(store, report, tmp_path / "all.xlsx", assignments=rows)
        write_responsibility_matrix(store, report, tmp_path / "cut.xlsx", max_tasks=150, assignments=rows)
    finally:
        store.close()
    documents = {r["document"] for r in rows}
    assert len(documents) == 3

    def body(path: Path) -> list[tuple[object, ...]]:
        return list(load_workbook(path, read_only=True)["任务分工"].iter_rows(min_row=2, values_only=True))[:-1]

    whole, cut = body(tmp_path / "all.xlsx"), body(tmp_path / "cut.xlsx")
    assert len(whole) == len(rows)  # counter-example: a workbook holding every plan keeps every row
    kept = {r[10] for r in cut}
    assert len(kept) == 1 and len(cut) == sum(1 for r in rows if r["document"] in kept) < len(rows)
    note = next(r[2] for r in load_workbook(tmp_path / "cut.xlsx", read_only=True)["汇总"].iter_rows(values_only=True)
                if len(r) > 2 and r[1] == "矩阵范围 (matrix scope)")
    assert "任务分工表同样只含这些文件，全部见 assignments.csv。" in note


def test_the_long_table_sheet_is_capped_at_whole_tasks_with_a_note_row(
    generated_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MAX_SHEET_ASSIGNMENTS rows (here a cap inside a task of two units, from row 40
    on) the 任务分工 sheet holds the first rows up to the end of that task, its 合计 row,
    and a note row naming assignments.csv; at a cap of every row (counter-example) every
    row and no note."""
    from openpyxl import load_workbook

    from kg.analysis import matrix
    from kg.analysis.exports import ASSIGNMENT_COLUMNS, assignment_rows

    def task(r: dict[str, object]) -> tuple[object, ...]:
        return r["document"], r["no"], r["task_id"]

    store = OxigraphStore(generated_out / STORE_DIR, read_only=True)
    try:
        report = compute_workload(store)
        rows = assignment_rows(report)
        cap = next(i for i in range(40, len(rows)) if task(rows[i]) == task(rows[i - 1]))
        monkeypatch.setattr(matrix, "MAX_SHEET_ASSIGNMENTS", cap)
        write_responsibility_matrix(store, report, tmp_path / "capped.xlsx", assignments=rows)
        monkeypatch.setattr(matrix, "MAX_SHEET_ASSIGNMENTS", len(rows))
        write_responsibility_matrix(store, report, tmp_path / "whole.xlsx", assignments=rows)
    finally:
        store.close()

    def sheet(path: Path) -> list[tuple[object, ...]]:
        return list(load_workbook(path, read_only=True)["任务分工"].iter_rows(min_row=2, values_only=True))

    capped = sheet(tmp_path / "capped.xlsx")
    n = cap + 1
    while task(rows[n]) == task(rows[n - 1]):
        n += 1
    keys = [k for _, k in ASSIGNMENT_COLUMNS]
    assert [list(r) for r in capped[:-2]] == [[x[k] if x[k] != "" else None for k in keys] for x in rows[:n]]
    assert capped[-2][0] == "合计"
    assert capped[-1][0] == (
        f"本表只列出前 {n} 行（共 {len(rows)} 行，合计为所列各行）；全部见 assignments.csv。"
        f" Only the first {n} of {len(rows)} rows (the total is theirs): every row is in assignments.csv."
    )
    whole = sheet(tmp_path / "whole.xlsx")
    assert len(whole) == len(rows) + 1 and whole[-1][0] == "合计"


def test_a_big_build_writes_the_same_files_from_a_child_process(
    generated_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past PARALLEL_MIN_TASKS two forked children write the files (the tables, the
    networks) while the next writer runs; write_artifacts returns once they are written,
    byte for byte those written inline."""
    import shutil

    import kg.analysis.workload_outputs as wo
    from kg.analysis.workload_outputs import FILES
    from kg.pipeline.artifacts import write_artifacts

    inline, child = tmp_path / "inline", tmp_path / "child"
    shutil.copytree(generated_out, inline)
    shutil.copytree(generated_out, child)
    write_workload_outputs(inline, None)
    monkeypatch.setattr(wo, "PARALLEL_MIN_TASKS", 1)
    started: list[str] = []
    real_start = wo._start_child
    monkeypatch.setattr(wo, "_start_child", lambda *a: started.append("child") or real_start(*a))
    write_artifacts(child, names=["workload"])
    assert started == ["child", "child"]
    for name in FILES:
        assert (child / name).read_bytes() == (inline / name).read_bytes(), name


def test_an_error_in_the_child_is_raised_by_write_artifacts(
    generated_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counter-example: the child's failure is not lost with the process."""
    import shutil

    import kg.analysis.workload_outputs as wo
    from kg.errors import KgError
    from kg.pipeline.artifacts import write_artifacts

    out = tmp_path / "out"
    shutil.copytree(generated_out, out)
    (out / "responsibility_matrix.xlsx").unlink(missing_ok=True)
    monkeypatch.setattr(wo, "PARALLEL_MIN_TASKS", 1)

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(wo, "_write_networks", broken)
    with pytest.raises(KgError, match=r"could not be written: OSError: disk full$"):
        write_artifacts(out, names=["workload"])
    assert (out / "responsibility_matrix.xlsx").is_file()  # the other child's files are written


@pytest.mark.parametrize("text", [
    'unit,load\n区科技局,1.5\n"区发改委,办公室",0.5\n',  # no cell could be a formula: kept as is
    'unit,load\n=1+1,-0.5\n"a,b",1.0\n',
    'unit,task\n区科技局,"推进\n-1 项工作"\n区发改委,"@SUM(A1)"\n',
    "=cmd,x\n",
    'a,"x,+1"\n',  # a comma and a sign inside a quoted cell: read in full, kept
])
def test_excel_csv_neutralises_as_the_full_pass_does(text: str) -> None:
    from kg.analysis.exports import BOM, excel_csv
    from kg.spreadsheet import neutralise_csv

    assert excel_csv(text) == BOM + neutralise_csv(text)



def test_a_big_builds_workbook_holds_every_unit_and_the_largest_plans_only(
    generated_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past BIG_MATRIX_TASKS (here 200 of the 300 tasks) the plan sheets hold the largest
    plans up to MAX_BIG_MATRIX_TASKS tasks and MAX_BIG_PLAN_SHEETS sheets; the summary
    every unit and a note naming the CSVs; at 300 (counter-example) every plan."""
    from openpyxl import load_workbook

    from kg.analysis import matrix

    store = OxigraphStore(generated_out / STORE_DIR, read_only=True)
    try:
        report = compute_workload(store)
        monkeypatch.setattr(matrix, "BIG_MATRIX_TASKS", 300)
        write_responsibility_matrix(store, report, tmp_path / "whole.xlsx")
        monkeypatch.setattr(matrix, "BIG_MATRIX_TASKS", 200)
        monkeypatch.setattr(matrix, "MAX_BIG_MATRIX_TASKS", 250)
        write_responsibility_matrix(store, report, tmp_path / "big.xlsx")
        monkeypatch.setattr(matrix, "MAX_BIG_PLAN_SHEETS", 1)
        write_responsibility_matrix(store, report, tmp_path / "one.xlsx")
    finally:
        store.close()
    whole, big, one = (load_workbook(tmp_path / f"{n}.xlsx", read_only=True) for n in ("whole", "big", "one"))
    assert whole.sheetnames[1:] == [*big.sheetnames[1:], whole.sheetnames[-1]]  # (equal plans: the first two by title)
    assert len(whole.sheetnames) == 1 + 3 and len(big.sheetnames) == 1 + 2 and len(one.sheetnames) == 1 + 1
    rows = list(big["汇总"].iter_rows(values_only=True))
    assert sum(1 for r in rows[1:] if r and isinstance(r[0], int)) == len(report.units) > 0
    note = next(r[2] for r in rows if len(r) > 2 and r[1] == "矩阵范围 (matrix scope)")
    assert note.startswith("任务较多（300 项，超过 200 项）：本工作簿的汇总表列出全部单位；矩阵只含任务最多的 2 个任务分解文件（200 项任务，按标题排序），")
    assert "全部见 assignments.csv。" in note and "workload.csv" in note
    assert not any(len(r) > 1 and r[1] == "矩阵范围 (matrix scope)" for r in whole["汇总"].iter_rows(values_only=True))


def test_the_long_table_is_written_row_by_row_as_the_whole_text_was(generated_out: Path, tmp_path: Path) -> None:
    """write_assignments_csv writes, a row at a time, the bytes write_excel_csv wrote of
    the whole CSV text: on the build's rows and on rows with formula-like, quoted,
    multi-line and numeric cells (counter-example: a cell left as is would differ)."""
    from kg.analysis.exports import (
        assignment_rows,
        assignments_csv,
        write_assignments_csv,
        write_excel_csv,
    )

    store = OxigraphStore(generated_out / STORE_DIR, read_only=True)
    try:
        rows = assignment_rows(compute_workload(store))
    finally:
        store.close()
    odd = dict(rows[0])
    odd.update(task='=HYPERLINK("x")，推进\n"一流"', unit="+区科技局", section="-1 项", via_group="@各街道",
               direct_share=-0.5, expanded_share=1.25, no=3)
    for case in (rows, [*rows[:3], odd]):
        write_excel_csv(tmp_path / "text.csv", assignments_csv(case))
        write_assignments_csv(tmp_path / "rows.csv", case)
        assert (tmp_path / "rows.csv").read_bytes() == (tmp_path / "text.csv").read_bytes()
    written = (tmp_path / "rows.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in written and ",'+区科技局," in written and ",-0.5," in written
