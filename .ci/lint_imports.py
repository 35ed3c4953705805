"""Check kg's imports: the contracts of ``[tool.importlinter]`` in pyproject.toml
(import-linter), and that no module imports itself back through others (no cycle, not
even through an import inside a function).

import-linter reads the package from disk, and in the repository ``kg.queries`` and
``kg.visualize`` live beside ``kg/`` (queries/, visualize/), where only the installed
package puts them. So the Python files are copied, in the installed layout, into a
temporary folder, and checked there. Exit code 0 when every contract is kept and there
is no cycle, else 1.

    python .ci/lint_imports.py          # the repository
    python .ci/lint_imports.py TREE     # a copy made by installed_layout() (for the tests)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# installed package folder → folder of the repository (as in pyproject's package-dir)
LAYOUT = {"kg": "kg", "kg/ontology": "ontology", "kg/queries": "queries", "kg/visualize": "visualize"}


def installed_layout(dest: Path) -> None:
    """Copy the Python files of kg into ``dest`` as they are installed."""
    for target, folder in LAYOUT.items():
        for src in (ROOT / folder).rglob("*.py"):
            if "__pycache__" in src.parts:
                continue
            out = dest / target / src.relative_to(ROOT / folder)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, out)


def cycles() -> list[list[str]]:
    """The import cycles among kg's modules (TYPE_CHECKING imports left out)."""
    import grimp
    import networkx as nx

    graph = grimp.build_graph("kg", exclude_type_checking_imports=True, cache_dir=None)
    edges = nx.DiGraph((m, i) for m in graph.modules for i in graph.find_modules_directly_imported_by(m))
    found = []
    for cycle in nx.simple_cycles(edges):
        start = cycle.index(min(cycle))  # each cycle told from its first module by name
        found.append(cycle[start:] + cycle[:start])
    return sorted(found)


def lint(tree: Path) -> int:
    """Check the copy of kg in ``tree`` (run in a fresh process: kg must not be imported yet)."""
    from importlinter.cli import lint_imports

    if "kg" in sys.modules:
        raise RuntimeError("kg is already imported: the check would read it instead of the copy")
    sys.path.insert(0, str(tree))
    os.chdir(tree)
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    found = cycles()
    for cycle in found:
        print("import cycle: " + " -> ".join([*cycle, cycle[0]]))
    print(f"Import cycles: {len(found)}.")
    return 1 if code or found else 0


def main(argv: list[str]) -> int:
    if argv:
        return lint(Path(argv[0]).resolve())
    with tempfile.TemporaryDirectory(prefix="kg-imports-") as tmp:
        installed_layout(Path(tmp))
        return lint(Path(tmp))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
