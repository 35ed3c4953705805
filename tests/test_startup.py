"""Start-up (issue 16): the CLI imports the heavy libraries only in the commands that use them.

``import kg.cli`` (what ``kg --help``, ``kg query`` and ``kg workload`` pay before their
command runs) must not import spaCy, jieba, rjieba, rdflib, networkx, pyoxigraph or pyshacl:
each costs 0.05–0.7 s. Checked in a fresh interpreter, since this test process has imported
them all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("spacy", "jieba", "rjieba", "rdflib", "networkx", "pyoxigraph", "pyshacl")


def _imported_after(code: str, cwd: Path | None = None) -> set[str]:
    """The heavy top-level packages in ``sys.modules`` after running ``code`` in a new interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=cwd)
    assert r.returncode == 0, r.stderr
    return set(json.loads(r.stdout.strip().splitlines()[-1])) & set(HEAVY)


def test_importing_the_cli_imports_no_heavy_library() -> None:
    assert _imported_after("import kg.cli") == set()


def test_importing_the_cli_imports_no_stage_of_the_library() -> None:
    """The commands import the library where they run: ``import kg.cli`` loads no stage (nor
    kg.models, whose text tables take ~20 ms)."""
    probe = "import kg.cli, sys\nprint(sorted(m for m in sys.modules if m.startswith('kg.') and not m.startswith('kg.cli')))"
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "['kg.errors', 'kg.version']"  # the version: a constant


@pytest.mark.parametrize("args", [["--help"], ["query", "--help"], ["workload", "--help"], ["build", "--help"]])
def test_help_imports_no_heavy_library(args: list[str]) -> None:
    code = (
        "import sys\nfrom kg.cli import main\n"
        f"try:\n    main.main(args={args!r}, prog_name='kg')\nexcept SystemExit as e:\n    assert not e.code, e.code"
    )
    assert _imported_after(code) == set()


def test_the_probe_sees_a_heavy_import() -> None:
    """Counter-example: the check above would notice a command module that imports one."""
    assert "networkx" in _imported_after("import kg.cli\nimport kg.analysis.workload")


def test_query_imports_no_nlp_library(tmp_path: Path) -> None:
    """``kg query`` reads the store: pyoxigraph, but neither spaCy, jieba nor rdflib."""
    from kg.pipeline import BuildOptions, build

    root = Path(__file__).resolve().parents[1]
    plan = root / "examples" / "gulou_task_decomposition.txt"
    build([str(plan)], str(tmp_path / "out"), BuildOptions(jobs=1, artifacts=False))
    code = (
        "from kg.cli import main\n"
        f"try:\n    main.main(args=['query', 'lead_counts', '--graph', {str(tmp_path / 'out')!r}], prog_name='kg')\n"
        "except SystemExit as e:\n    assert not e.code, e.code"
    )
    assert _imported_after(code) == {"pyoxigraph"}


def test_the_kind_choices_name_every_document_kind() -> None:
    """``--kind`` maps its choices to DocumentKind by value, without importing kg.models first."""
    from kg.cli import _KINDS, _kind
    from kg.models import DocumentKind

    assert {k: _kind(k) for k in _KINDS} == {"plan": DocumentKind.TASK_PLAN, "report": DocumentKind.WORK_REPORT}
    assert _kind(None) is None


def test_kind_report_is_applied(tmp_path: Path) -> None:
    """``kg extract --kind report`` reads the example plan as a work report: no tasks printed
    unless ``--statements``; as a plan it prints its tasks."""
    from click.testing import CliRunner

    from kg.cli import main

    root = Path(__file__).resolve().parents[1]
    plan = str(root / "examples" / "gulou_task_decomposition.txt")
    as_plan = CliRunner().invoke(main, ["extract", plan, "--kind", "plan", "--no-warnings"])
    as_report = CliRunner().invoke(main, ["extract", plan, "--kind", "report", "--no-warnings", "--statements"])
    assert as_plan.exit_code == 0 and as_report.exit_code == 0, as_plan.output + as_report.output
    kinds = {json.loads(x)["kind"] for x in as_report.output.splitlines()}
    assert kinds == {"WorkReport"}
    assert {json.loads(x)["kind"] for x in as_plan.output.splitlines()} == {"TaskPlan"}


def test_importing_the_build_imports_no_extraction() -> None:
    """``import kg.pipeline`` (what ``kg build`` pays before the build starts its worker)
    loads the store's engine, but neither extraction nor the graph's modules nor rdflib:
    a rebuild's worker imports them while the build scans (kg.pipeline.processes)."""
    assert _imported_after("import kg.pipeline") == {"pyoxigraph"}
    probe = "import kg.pipeline, sys\nprint(sorted({'.'.join(m.split('.')[:2]) for m in sys.modules if m.startswith('kg.')}))"
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    loaded = set(json.loads(r.stdout.strip().replace("'", '"')))
    assert not loaded & {"kg.extract", "kg.read", "kg.graph", "kg.store", "kg.analysis"}, loaded
    assert "kg.pipeline" in loaded  # (the probe sees the package it imported)


def test_the_build_names_left_out_of_the_import_are_there_when_asked_for() -> None:
    """Counter-example: the names ``kg.pipeline`` takes from its modules on first use are
    the modules' own, and asking for them imports extraction."""
    code = "import kg.pipeline\nfrom kg.pipeline import extract_paths, task_records, write_artifacts"
    assert "rdflib" in _imported_after(code)
    import kg.pipeline
    from kg.pipeline import workers

    assert kg.pipeline.extract_paths is workers.extract_paths
    with pytest.raises(AttributeError):
        kg.pipeline.no_such_name  # noqa: B018


def test_a_rebuild_after_an_edit_leaves_extraction_to_its_worker(tmp_path: Path) -> None:
    """A rebuild after editing one plan: the worker started before the scan extracts it and
    names its graph, so the build process imports neither extraction, the readers, the
    graph's modules nor rdflib (0.3–0.5 s of its imports, now in the worker beside the scan)."""
    from kg.pipeline import BuildOptions, build

    root = Path(__file__).resolve().parents[1]
    text = (root / "examples" / "gulou_task_decomposition.txt").read_text(encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a", "b", "c"):
        (src / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    build([str(src)], str(out), BuildOptions(artifacts=False))
    (src / "b.txt").write_text(text + "99.新增一项补充任务。（区城管局主办）\n", encoding="utf-8")
    code = (
        "import json, sys\nfrom kg.pipeline import BuildOptions, build\n"
        f"r = build([{str(src)!r}], {str(out)!r}, BuildOptions(jobs=0, artifacts=False))\n"
        "kg = sorted({'.'.join(m.split('.')[:2]) for m in sys.modules if m.startswith(('kg.extract', 'kg.read', 'kg.graph'))})\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})\n"
        "print(json.dumps([r.extracted, r.store_mode, kg, heavy]))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.strip().splitlines()[-1]) == [1, "incremental", [], ["pyoxigraph"]]
