"""kg's import contracts (issue 14): stages import only the stages below them, the build
never imports the views, the library never pushes, and no module imports itself back.

The check is ``.ci/lint_imports.py`` (what CI runs), in a process of its own."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".ci" / "lint_imports.py"


def _installed_layout(dest: Path) -> None:
    spec = importlib.util.spec_from_file_location("kg_lint_imports", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.installed_layout(dest)


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_the_import_contracts_are_kept() -> None:
    r = _check()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Contracts: 4 kept, 0 broken." in r.stdout
    assert "Import cycles: 0." in r.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # the build naming the views: what the entry-point group is there to avoid
        ("kg/pipeline/cache.py", "from kg.visualize import report", "The build never imports the analyses or the views (they register as artifact writers)"),
        # a lower stage importing a higher one
        ("kg/read/grid.py", "from kg.store import open_store", "Stages import only the stages below them"),
        # the store pushing a build
        ("kg/store/endpoint.py", "from kg.pipeline.push import push_build", "The library never pushes: the CLI composes build, then push"),
    ],
)
def test_an_upward_import_breaks_a_contract(tmp_path: Path, module: str, line: str, broken: str) -> None:
    """Counter-examples: one import added to a copy of kg breaks the contract named."""
    _installed_layout(tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    r = _check(str(tmp_path))
    assert r.returncode == 1, r.stdout + r.stderr
    out = " ".join(r.stdout.split())
    assert f"{broken} BROKEN" in out, out


def test_an_import_inside_a_function_still_makes_a_cycle(tmp_path: Path) -> None:
    """Counter-example: an import moved into a function body does not hide a cycle."""
    _installed_layout(tmp_path)
    target = tmp_path / "kg/store/rdflib_store.py"
    target.write_text(
        target.read_text(encoding="utf-8") + "\n\ndef _late() -> None:\n    from kg.store import open_store  # noqa: F401\n",
        encoding="utf-8",
    )
    r = _check(str(tmp_path))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "import cycle: kg.store -> kg.store.rdflib_store -> kg.store\n" in r.stdout
    assert "Import cycles: 1." in r.stdout
