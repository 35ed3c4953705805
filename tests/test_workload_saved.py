"""kg workload from the ranking the build saved (workload.jsonl): every output the same as
ranked again, used only when it is of the build as it is and of the options asked, and the
command's start without networkx, the store or the extraction."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.analysis.workload_file import INDEX_FILE, WORKLOAD_FILE, read_saved_ranking
from kg.analysis.workload_outputs import write_workload_outputs
from kg.analysis.workload_rows import WorkloadOptions
from kg.cli import main
from kg.version import __version__ as kg_version

from .conftest import PLAN, REPORT, build_generated

SAVED = "kg workload: the ranking the build saved"
AGAIN = "kg workload: ranked again"

# every form of the command: the table, CSV, JSON, --overloaded, --top, --unit (a unit, its
# alias, a group reference)
FORMS = [
    [], ["--format", "csv"], ["--format", "json"], ["--top", "5"],
    ["--overloaded"], ["--overloaded", "--format", "csv"], ["--overloaded", "--format", "json"],
    ["--unit", "区科技局"], ["--unit", "区科技局", "--format", "csv"], ["--unit", "区科技局", "--format", "json"],
    ["--unit", "市场监管局"], ["--unit", "各街道"], ["--unit", "各街道", "--format", "json"],
]


def run(out: Path, *args: str) -> Result:
    res = CliRunner().invoke(main, ["workload", str(out), "--verbose", *args])
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="module")
def pair(example_out: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The examples' build as built, and a copy without workload.jsonl (ranked again)."""
    bare = tmp_path_factory.mktemp("bare") / "out"
    shutil.copytree(example_out, bare)
    (bare / WORKLOAD_FILE).unlink()
    return example_out, bare


@pytest.mark.parametrize("args", FORMS, ids=" ".join)
def test_every_form_from_the_saved_ranking_is_the_one_ranked_again(pair: tuple[Path, Path], args: list[str]) -> None:
    saved, bare = pair
    fast, slow = run(saved, *args), run(bare, *args)
    assert fast.stderr == f"{SAVED} ({saved / WORKLOAD_FILE})\n"
    assert slow.stderr == f"{AGAIN} (no {bare / WORKLOAD_FILE} (written with the workload files: `kg report` writes them))\n"
    assert fast.stdout == slow.stdout and len(fast.stdout) > 500


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A generated build of 300 tasks in two districts (group references of every scope:
    各街道, 相关街道, 区相关部门 …) with its workload files, and a copy without workload.jsonl."""
    out = build_generated(tmp_path_factory.mktemp("gen"), 300, districts=2)
    write_workload_outputs(out, None)
    bare = out.parent / "bare"
    shutil.copytree(out, bare)
    (bare / WORKLOAD_FILE).unlink()
    return out, bare


def test_a_generated_build_with_groups_answers_the_same_either_way(generated: tuple[Path, Path]) -> None:
    saved, bare = generated
    data = json.loads(run(saved, "--format", "json").stdout)
    assert {g["unit"] for g in data["groups"]} >= {"各街道", "相关街道", "区相关部门"}
    # a name of two units, one in each district (both shown)
    names = [u["unit"] for u in data["units"]]
    twice = next(n for n in names if names.count(n) == 2)
    for args in ([], ["--format", "csv"], ["--format", "json"], ["--overloaded"], ["--unit", "各街道"],
                 ["--unit", "相关街道", "--format", "json"], ["--unit", data["units"][0]["unit"], "--format", "csv"],
                 ["--unit", twice], ["--unit", twice, "--format", "csv"]):
        fast, slow = run(saved, *args), run(bare, *args)
        assert fast.stderr.startswith(SAVED) and slow.stderr.startswith(AGAIN), args
        assert fast.stdout == slow.stdout, args
    assert run(saved, "--unit", twice).stdout.count(f"{twice}  (") == 2


def test_other_options_rank_again(pair: tuple[Path, Path]) -> None:
    saved, _ = pair
    for args in (["--min-load", "2"], ["--expand-groups"], ["--co-lead-weight", "0.4"], ["--no-split"]):
        res = run(saved, *args)
        assert res.stderr == f"{AGAIN} ({saved / WORKLOAD_FILE}: written with other options (the build's are the defaults))\n"
    # the defaults written out are the defaults
    assert run(saved, "--lead-weight", "1", "--min-load", "3.0").stderr.startswith(SAVED)


def test_a_saved_ranking_of_an_edited_build_is_not_used(tmp_path: Path) -> None:
    """The build is rebuilt from an edited plan after its ranking was saved, and the old
    ranking put back: the command ranks the new graphs, as without it."""
    from kg.pipeline import BuildOptions, build

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(REPORT, src)
    plan = PLAN.read_text(encoding="utf-8")
    (src / PLAN.name).write_text(plan, encoding="utf-8")
    build([src], out, BuildOptions(artifacts=True))
    old = (out / WORKLOAD_FILE).read_bytes()
    before = run(out).stdout
    assert "区科技局" in before
    # every task 区科技局 leads is now 区发改委's
    assert plan.count("区科技局主办") >= 2
    (src / PLAN.name).write_text(plan.replace("区科技局主办", "区发改委主办"), encoding="utf-8")
    build([src], out, BuildOptions(artifacts=False))
    assert not (out / WORKLOAD_FILE).exists()  # a build without its report saves no ranking
    (out / WORKLOAD_FILE).write_bytes(old)
    res = run(out)
    assert res.stderr == (f"{AGAIN} ({out / WORKLOAD_FILE}: not of the graphs of {INDEX_FILE} "
                          "(the build changed since it was written))\n")
    assert res.stdout != before
    (out / WORKLOAD_FILE).unlink()
    assert run(out).stdout == res.stdout


def test_an_unreadable_or_cut_file_ranks_again(pair: tuple[Path, Path], tmp_path: Path) -> None:
    saved, bare = pair
    out = tmp_path / "out"
    shutil.copytree(saved, out)
    lines = (saved / WORKLOAD_FILE).read_bytes().splitlines(keepends=True)
    head = json.loads(lines[0])
    # cut after the units' lines: the table needs only the header, JSON the tasks too
    (out / WORKLOAD_FILE).write_bytes(b"".join(lines[: 1 + len(head["units"]) + len(head["groups"])]))
    assert run(out).stderr.startswith(SAVED)
    res = run(out, "--format", "json")
    assert res.stderr == (f"{AGAIN} ({out / WORKLOAD_FILE} cannot be read: ValueError: "
                          f"{head['task_lines']} task lines missing)\n")
    assert res.stdout == run(bare, "--format", "json").stdout
    (out / WORKLOAD_FILE).write_bytes(b'{"format": "kg workload", "version": 1, "kg": ')
    res = run(out, "--overloaded")
    assert res.stderr.startswith(f"{AGAIN} ({out / WORKLOAD_FILE} cannot be read: JSONDecodeError: ")
    assert res.stdout == run(bare, "--overloaded").stdout
    (out / WORKLOAD_FILE).write_text('{"format": "kg facts", "version": 1}\n', encoding="utf-8")
    assert run(out).stderr == f"{AGAIN} ({out / WORKLOAD_FILE}: not version 1 of the format)\n"
    # written by another kg: the same file but for the version in its header
    (out / WORKLOAD_FILE).write_bytes(b"".join([json.dumps(head | {"kg": "0.0.1"}).encode() + b"\n", *lines[1:]]))
    res = run(out)
    assert res.stderr == f"{AGAIN} ({out / WORKLOAD_FILE}: written by kg 0.0.1, not {kg_version})\n"
    assert res.stdout == run(bare).stdout
    (out / WORKLOAD_FILE).write_bytes(b"".join([json.dumps(head).encode() + b"\n", *lines[1:]]))
    assert run(out).stderr.startswith(SAVED)  # (the same header, rewritten: used)


def test_a_name_the_saved_ranking_does_not_hold_asks_the_store(pair: tuple[Path, Path]) -> None:
    saved, _ = pair
    res = CliRunner().invoke(main, ["workload", str(saved), "--unit", "区科技", "--verbose"])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == "Error: no unit named 区科技 — did you mean 区科技局?"
    ranking, iris, why = read_saved_ranking(saved, WorkloadOptions(), "区科技")
    assert ranking is None and iris == () and why == f"{saved / WORKLOAD_FILE}: 区科技 is not a unit or group name it holds"


def test_only_the_named_units_tasks_are_read(pair: tuple[Path, Path]) -> None:
    saved, _ = pair
    ranking, iris, _ = read_saved_ranking(saved, WorkloadOptions(), "市场监管局")
    assert ranking is not None and len(iris) == 1
    with_tasks = [u.unit for u in (*ranking.units, *ranking.groups) if u.tasks]
    assert with_tasks == ["区市场监管局"]
    assert [len(u.tasks) for u in ranking.units if u.tasks] == [10]
    full, _, _ = read_saved_ranking(saved, WorkloadOptions(), details=True)
    assert full is not None and all(u.tasks and u.documents for u in (*full.units, *full.groups))


def test_the_index_file_is_the_builds() -> None:
    from kg.pipeline.cache import CACHE_DIR, CACHE_INDEX

    assert INDEX_FILE == f"{CACHE_DIR}/{CACHE_INDEX}"


# what the saved ranking's readers never import (the records and formatters only)
HEAVY_PACKAGES = ("networkx", "pyoxigraph", "spacy", "jieba", "rjieba", "rdflib", "kg.store", "kg.queries",
                  "kg.pipeline", "kg.extract", "kg.graph", "kg.read")
HEAVY_MODULES = ("kg.models", "kg.layout", "kg.analysis.workload", "kg.analysis.facts", "kg.analysis.networks")


def heavy(module: str) -> bool:
    return module in HEAVY_MODULES or any(module == p or module.startswith(p + ".") for p in HEAVY_PACKAGES)


@pytest.mark.parametrize("args", [[], ["--format", "json"], ["--unit", "区科技局"], ["--overloaded", "--format", "csv"]],
                         ids=" ".join)
def test_the_saved_ranking_is_read_without_networkx_the_store_or_the_extraction(pair: tuple[Path, Path],
                                                                               args: list[str]) -> None:
    saved, bare = pair
    code = (
        "import json, sys\nfrom kg.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )

    def modules(out: Path) -> list[str]:
        proc = subprocess.run([sys.executable, "-c", code, "workload", str(out), *args], capture_output=True,
                              text=True, check=True)
        return json.loads(proc.stderr.splitlines()[-1])

    loaded = modules(saved)
    assert "kg.analysis.workload_file" in loaded
    assert [m for m in loaded if heavy(m)] == []
    # counter-example: ranked again, they are
    assert {"networkx", "kg.store", "kg.analysis.workload"} <= set(modules(bare))
