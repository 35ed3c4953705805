"""The same input gives the same files (README: "byte-identical"), whatever the process's
hash seed and the time of the build (M11, issue 12 item 5)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SKIPPED = {"store", "cache"}  # the binary store, and the cache (its keys hold the input paths)


def _build(out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    code = "import sys; from kg.pipeline import build; build([sys.argv[1]], sys.argv[2])"
    subprocess.run([sys.executable, "-c", code, str(EXAMPLES), str(out)], env=env, check=True, timeout=600)


def _files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.relative_to(out).parts[0] not in SKIPPED
    }


@pytest.mark.slow  # two whole builds of the examples in fresh processes
def test_M11_two_builds_are_identical_file_by_file(tmp_path: Path) -> None:
    _build(tmp_path / "one", "1")
    _build(tmp_path / "two", "2")
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    # the build wrote the files the comparison is about
    assert {"graph.nq", "graph.trig", "graph.ttl", "tasks.jsonl", "facts.jsonl", "manifest.json", "index.html",
            "responsibility_matrix.xlsx", "workload.csv", "views/responsibility.html"} <= set(one)
    assert len([f for f in one if f.startswith("views/section-")]) >= 5
    assert sorted(one) == sorted(two)
    assert [f for f in one if one[f] != two[f]] == []
    # a rebuild into the first folder (from its cache, the store updated in place) too
    _build(tmp_path / "one", "3")
    again = _files(tmp_path / "one")
    assert sorted(again) == sorted(two)
    assert [f for f in again if again[f] != two[f]] == []


def test_M11_workbook_has_fixed_dates(tmp_path: Path) -> None:
    from kg.analysis.workload_outputs import WORKBOOK_DATE
    from kg.pipeline import BuildOptions, build

    build([EXAMPLES / "gulou_task_decomposition.txt"], tmp_path / "out", BuildOptions())
    with zipfile.ZipFile(tmp_path / "out" / "responsibility_matrix.xlsx") as z:
        core = z.read("docProps/core.xml").decode()
        stamps = {i.date_time for i in z.infolist()}
    assert WORKBOOK_DATE.year == 1980
    assert core.count(">1980-01-01T00:00:00Z<") == 2  # created and modified
    assert stamps == {(1980, 1, 1, 0, 0, 0)}


def _generated(src: Path) -> list[Path]:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    return generate.generate(src, 120, 20, seed=4)


@pytest.mark.parametrize("graph_files", ["combined", "split"])
def test_incremental_build_writes_the_files_of_a_full_build(tmp_path: Path, graph_files: str) -> None:
    """After editing, adding and removing documents, a rebuild from the cache (the store
    updated per graph, the files copied in runs from the previous ones) writes the same
    bytes as a build from scratch, and `kg validate` passes on it."""
    from kg.graph.validate import validate_build
    from kg.pipeline import BuildOptions, build

    opts = BuildOptions(artifacts=False, graph_files=graph_files)
    src = tmp_path / "corpus"
    paths = _generated(src)
    build([src], tmp_path / "inc", opts)
    with paths[2].open("a", encoding="utf-8") as fh:  # an edited document with a new warning
        fh.write("99.新增一项补充任务，确保全年新增停车泊位200个以上。（区城管局主办，各街道协办）\n100.加强督查。\n")
    paths[4].unlink()
    (src / "新增任务.txt").write_text("1.推进老旧小区改造。（区建设局主办，各街道协办）\n", encoding="utf-8")
    inc = build([src], tmp_path / "inc", opts)
    assert (inc.extracted, inc.reused, inc.store_mode) == (2, 4, "incremental")
    full = build([src], tmp_path / "full", opts)
    assert full.extracted == 6
    one, two = _files(tmp_path / "inc"), _files(tmp_path / "full")
    assert sorted(one) == sorted(two)
    assert [f for f in one if one[f] != two[f]] == []
    assert b"\xe6\x96\xb0\xe5\xa2\x9e\xe4\xbb\xbb\xe5\x8a\xa1" in one["tasks.jsonl"]  # 新增任务
    assert "新增任务".encode() in one["facts.jsonl"]
    report = validate_build(tmp_path / "inc")
    assert report.ok, report.problems
