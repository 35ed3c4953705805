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
    plan = sorted((root / "examples").glob("*.txt"))[0]
    build([str(plan)], str(tmp_path / "out"), BuildOptions(jobs=1, artifacts=False))
    code = (
        "from kg.cli import main\n"
        f"try:\n    main.main(args=['query', 'lead_counts', '--graph', {str(tmp_path / 'out')!r}], prog_name='kg')\n"
        "except SystemExit as e:\n    assert not e.code, e.code"
    )
    assert _imported_after(code) == {"pyoxigraph"}
