"""The wheel holds every module and data file of the source tree, and nothing else.

The repository keeps ``ontology/``, ``queries/`` and ``visualize/`` beside ``kg/``; the
install maps them into the package as ``kg.ontology``, ``kg.queries`` and ``kg.visualize``
(``pyproject.toml``). A subpackage missing from ``packages`` or a data file no glob of
``package-data`` matches is absent from a non-editable install only, which the rest of
the suite (run on an editable install) cannot see.

The wheel compared is ``$KG_WHEEL`` when set (the CI wheel job sets it to the wheel it
installs), else one built here from a copy of the source tree. This module imports no
kg code: ``.ci/wheel_smoke.sh`` runs it in a venv without kg.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
PACKAGE_DIR: dict[str, str] = SETUPTOOLS["package-dir"]
# where each installed top folder of the package comes from
SOURCES = {"kg": "kg", "kg/ontology": "ontology", "kg/queries": "queries", "kg/visualize": "visualize"}


def is_cache(rel: PurePosixPath) -> bool:
    return "__pycache__" in rel.parts or rel.suffix in (".pyc", ".pyo")


def source_files(root: Path = ROOT) -> set[str]:
    """Every file of the source tree as the wheel must hold it (``ontology/kg.ttl`` →
    ``kg/ontology/kg.ttl``), caches left out."""
    out: set[str] = set()
    for target, folder in SOURCES.items():
        base = root / folder
        for path in base.rglob("*"):
            rel = PurePosixPath(path.relative_to(base).as_posix())
            if path.is_file() and not is_cache(rel):
                out.add(f"{target}/{rel}")
    return out


def wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return {n for n in zf.namelist() if not n.endswith("/") and ".dist-info/" not in n}


def build_wheel(dest: Path) -> Path:
    """A wheel built with pip from a copy of the sources (a build in the checkout would
    leave build/ and *.egg-info behind, and reuse stale files from an earlier build/)."""
    src = dest / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for folder in SOURCES.values():
        shutil.copytree(ROOT / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(src), "-w", str(dest / "dist")],
        capture_output=True, text=True, timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    (wheel,) = (dest / "dist").glob("kg-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("KG_WHEEL")
    if given:
        return Path(given)
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_every_folder_with_an_init_is_a_listed_package() -> None:
    found = set()
    for target, folder in SOURCES.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            if "__pycache__" not in init.parts:
                rel = init.parent.relative_to(ROOT / folder).parts
                found.add(".".join((*PurePosixPath(target).parts, *rel)))
    assert found == set(SETUPTOOLS["packages"])
    assert {k.replace(".", "/"): v for k, v in PACKAGE_DIR.items()} == SOURCES


def test_the_package_data_globs_cover_every_data_file() -> None:
    """setuptools matches each glob of ``package-data`` in the package's folder; a new
    kind of data file must be added there."""
    globs: dict[str, list[str]] = SETUPTOOLS["package-data"]
    packages = set(SETUPTOOLS["packages"])
    uncovered = []
    for target, folder in SOURCES.items():
        base = ROOT / folder
        for path in base.rglob("*"):
            rel = PurePosixPath(path.relative_to(base).as_posix())
            if not path.is_file() or is_cache(rel):
                continue
            package = ".".join((*PurePosixPath(target).parts, *rel.parent.parts))
            if path.suffix == ".py" and package in packages:
                continue  # a module, installed with its package
            # the globs of the package that holds the file, in that package's folder
            owner = max((p for p in packages if package == p or package.startswith(p + ".")), key=len)
            top = target.replace("/", ".")
            if owner != top and not owner.startswith(top + "."):
                uncovered.append(f"{folder}/{rel}")
                continue
            owner_dir = base.joinpath(*owner.split(".")[len(top.split(".")):])
            covered = {p for g in globs.get(owner, []) for p in owner_dir.glob(g) if p.is_file()}
            if path not in covered:
                uncovered.append(f"{folder}/{rel}")
    assert uncovered == []


def test_the_comparison_sees_a_missing_and_a_stray_file(tmp_path: Path) -> None:
    """Counter-example: the check below fails on the two mistakes it is there for."""
    whl = tmp_path / "kg-0-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w") as zf:
        zf.writestr("kg/__init__.py", "")
        zf.writestr("kg/ontology/old.json", "{}")
        zf.writestr("kg-0.dist-info/RECORD", "")
    src = tmp_path / "src"
    for folder in SOURCES.values():
        (src / folder / "__pycache__").mkdir(parents=True)
        (src / folder / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"")
    (src / "kg" / "__init__.py").write_text("", encoding="utf-8")
    (src / "ontology" / "stopwords.txt").write_text("的\n", encoding="utf-8")
    got, want = wheel_files(whl), source_files(src)
    assert sorted(want - got) == ["kg/ontology/stopwords.txt"]
    assert sorted(got - want) == ["kg/ontology/old.json"]


def test_the_wheel_holds_exactly_the_source_tree(wheel: Path) -> None:
    got, want = wheel_files(wheel), source_files()
    assert sorted(want - got) == [], "missing from the wheel"
    assert sorted(got - want) == [], "in the wheel but not in the source tree"
    assert {"kg/read/html_reader.py", "kg/ontology/stopwords.txt", "kg/queries/lead_counts.rq"} <= got


def test_check_wheel_contents_finds_nothing_wrong(wheel: Path) -> None:
    """check-wheel-contents (a test dependency): no duplicate, empty or stray files, no
    module outside a package, one top-level package."""
    r = subprocess.run(
        [str(Path(sys.executable).parent / "check-wheel-contents"), str(wheel)],
        capture_output=True, text=True, timeout=120,
    )
    assert (r.returncode, r.stdout, r.stderr) == (0, f"{wheel}: OK\n", "")


def test_the_wheel_declares_the_kg_command(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt")]
        entry_points = zf.read(name).decode("utf-8")
    assert "[console_scripts]\nkg = kg.cli:main\n" in entry_points


def test_no_import_of_a_module_that_ships_is_guarded() -> None:
    """Fail loudly: every module of kg and every dependency is imported plainly, so a
    broken install is an error, never a stage that silently does nothing."""
    guarded = []
    for folder in SOURCES.values():
        for path in sorted((ROOT / folder).rglob("*.py")):
            for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip().startswith(("except ImportError", "except ModuleNotFoundError")):
                    guarded.append(f"{path.relative_to(ROOT)}:{no}")
    assert guarded == []


def test_the_bare_source_folder_says_it_is_not_an_installed_kg() -> None:
    """From the repository root without an install (``-S``: no site-packages, so no
    editable finder either), ``import kg`` finds ./kg: one clear error, not a missing
    data file later."""
    r = subprocess.run(
        [sys.executable, "-S", "-c", "import kg"], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1] == (
        f"ImportError: kg was imported from the source folder {ROOT / 'kg'}, which is not an installed kg "
        "(no kg.ontology): install it with `pip install -e .`, or run from outside the repository "
        "after `pip install .`"
    )
