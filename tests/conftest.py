"""Shared fixtures: paths of the bundled examples and the golden-file switch."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PLAN = EXAMPLES / "gulou_task_decomposition.txt"
REPORT = EXAMPLES / "gulou_2020_work_report.txt"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite golden files from the current output."
    )


def build_generated(base: Path, tasks: int, districts: int, seed: int = 5) -> Path:
    """A corpus from ``bench/generate.py`` (100 tasks per plan) built into ``base/out``
    without the artifact writers; returns the build folder."""
    import sys

    from kg.pipeline import BuildOptions, build

    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    generate.generate(base / "corpus", tasks, per_doc=100, seed=seed, districts=districts)
    build([base / "corpus"], base / "out", BuildOptions(artifacts=False))
    return base / "out"


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def gulou():
    from kg.extract.gazetteer import load_gazetteer

    return load_gazetteer("nanjing-gulou")


@pytest.fixture(scope="session")
def generic():
    from kg.extract.gazetteer import load_gazetteer

    return load_gazetteer("generic")


@pytest.fixture(scope="session")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled examples built once per session (graph, store and workload artifacts)."""
    from .test_queries import build_example

    return build_example([EXAMPLES], tmp_path_factory.mktemp("example") / "out")


@pytest.fixture(scope="session")
def store(example_out: Path):
    """The default store of :func:`example_out`."""
    from kg.store import open_store

    s = open_store(example_out)
    yield s
    s.close()
