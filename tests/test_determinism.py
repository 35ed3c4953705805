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
    assert {"graph.nq", "graph.trig", "graph.ttl", "tasks.jsonl", "manifest.json", "index.html",
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
