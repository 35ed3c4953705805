"""``kg validate`` tells a whole build from a damaged one, in either layout (M9)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.pipeline import BuildOptions, build

from .conftest import PLAN, REPORT

FAST = BuildOptions(artifacts=False)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("validate")
    # the example plan's first section (10 tasks): the shapes take a second, not five
    lines = PLAN.read_text(encoding="utf-8").splitlines(keepends=True)
    plan = base / "in" / PLAN.name
    plan.parent.mkdir()
    plan.write_text("".join(lines[:13]), encoding="utf-8")
    combined = build([plan], base / "combined", FAST)
    build([plan], base / "split", BuildOptions(artifacts=False, graph_files="split"))
    build([REPORT], base / "other", FAST)
    return {"combined": base / "combined", "split": base / "split", "other": base / "other", "quads": combined.quads}  # type: ignore[dict-item]


def _validate(out: Path) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["validate", str(out)])
    return r.exit_code, r.stdout, r.stderr


def _copy(builds: dict[str, Path], tmp_path: Path, layout: str = "combined") -> Path:
    b = tmp_path / "b"
    shutil.copytree(builds[layout], b)
    return b


def test_M9_whole_builds_of_both_layouts_conform(builds: dict[str, Path]) -> None:
    n = builds["quads"]
    assert _validate(builds["combined"]) == (0, f"{builds['combined']}: conforms ({n} triples checked)\n", "")
    assert _validate(builds["split"]) == (0, f"{builds['split']}: conforms ({n} triples checked)\n", "")


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda b: (b / "graph.trig").unlink(), "{b}/graph.trig: missing"),
        (lambda b: (b / "graph.nq").unlink(), "{b}/graph.nq: missing"),
        (lambda b: (b / "manifest.json").unlink(), "{b}/manifest.json: missing"),
        (lambda b: shutil.rmtree(b / "store"), "{b}/store: missing"),
        (lambda b: (b / "manifest.json").write_text("{", encoding="utf-8"),
         "{b}/manifest.json: cannot be read as JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ],
    ids=["no-trig", "no-nq", "no-manifest", "no-store", "bad-manifest"],
)
def test_M9_damaged_build_is_one_line_per_problem_and_exit_5(builds: dict[str, Path], tmp_path: Path, damage, problem: str) -> None:  # type: ignore[no-untyped-def]
    b = _copy(builds, tmp_path)
    damage(b)
    assert _validate(b) == (
        5, "", f"problem: {problem.format(b=b)}\n{b}: the build is damaged: 1 problem; `kg build` makes it again\n"
    )


@pytest.mark.parametrize("name", ["graph.trig", "graph.nq", "graph.ttl"])
def test_M9_truncated_or_garbled_graph_file_is_a_problem_not_a_traceback(builds: dict[str, Path], tmp_path: Path, name: str) -> None:
    b = _copy(builds, tmp_path)
    data = (b / name).read_bytes()
    (b / name).write_bytes(data[: len(data) // 3])
    code, out, err = _validate(b)
    assert code == 5 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"problem: {b / name}: cannot be parsed: Parser error at line ")
    assert lines[-1].startswith(f"{b}: the build is damaged: ")
    assert "Traceback" not in err
    (b / name).write_bytes(data + bytes(range(128, 256)) * 20)  # bytes that are no UTF-8
    code, _, err = _validate(b)
    assert code == 5 and "Invalid UTF-8" in err.splitlines()[0]


def test_M9_corrupt_store_is_a_problem(builds: dict[str, Path], tmp_path: Path) -> None:
    b = _copy(builds, tmp_path)
    tables = sorted((b / "store").glob("*.sst"))
    assert tables
    for f in tables:
        f.write_bytes(f.read_bytes()[:100])
    code, _, err = _validate(b)
    assert code == 5
    assert err.splitlines()[0].startswith(f"problem: {b / 'store'}: cannot be opened: Corruption: ")
    assert len(err.splitlines()) == 2


def test_M9_store_or_manifest_that_disagree_with_the_graph_files(builds: dict[str, Path], tmp_path: Path) -> None:
    b = _copy(builds, tmp_path)
    shutil.rmtree(b / "store")
    shutil.copytree(builds["other"] / "store", b / "store")  # the store of another build
    other = json.loads((builds["other"] / "manifest.json").read_text(encoding="utf-8"))["summary"]["quads"]
    n = builds["quads"]
    assert other != n
    code, _, err = _validate(b)
    assert (code, err.splitlines()[0]) == (5, f"problem: {b / 'store'}: holds {other} quads, the graph files {n}")
    b2 = _copy(builds, tmp_path / "m")
    manifest = (b2 / "manifest.json").read_text(encoding="utf-8")
    (b2 / "manifest.json").write_text(manifest.replace(f'"quads": {n},', f'"quads": {n + 1},', 1), encoding="utf-8")
    code, _, err = _validate(b2)
    assert (code, err.splitlines()[0]) == (5, f"problem: {b2 / 'manifest.json'}: says {n + 1} quads, the graph files hold {n}")


def test_M9_split_build_with_a_damaged_graph_file(builds: dict[str, Path], tmp_path: Path) -> None:
    b = _copy(builds, tmp_path, "split")
    doc = b / "graphs" / f"{PLAN.stem}.nq"
    doc.write_bytes(doc.read_bytes()[:-40])
    code, _, err = _validate(b)
    assert code == 5 and err.splitlines()[0].startswith(f"problem: {doc}: cannot be parsed: ")
    doc.unlink()  # a graph file gone: the files no longer hold what the manifest says
    code, _, err = _validate(b)
    assert code == 5 and err.splitlines()[0].startswith(f"problem: {b / 'manifest.json'}: says {builds['quads']} quads, the graph files hold ")


def test_M9_folder_that_is_no_build_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {tmp_path}: not a kg build folder (no manifest.json, graph files or graphs/); "
        f"run `kg build PATH -o {tmp_path}` first\n"
    )
