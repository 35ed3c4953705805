"""The report of a big build: what it leaves out to be drawn in seconds (issue 16)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import kg.visualize.report as report_module
import pytest
from kg.visualize.report_queries import BIG_QUERY_BUDGET, QUERY_BUDGET
from kg.visualize.views import ViewLimits

from kg.pipeline import BuildOptions, build

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gulou_task_decomposition.txt"


@pytest.fixture(scope="module")
def plan_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scale") / "out"
    build([EXAMPLE], out, BuildOptions(artifact_writers=()))
    return out


@pytest.mark.parametrize(("aggregate_tasks", "budget"), [(10, BIG_QUERY_BUDGET), (None, None), (1000, None)])
def test_the_canned_queries_get_the_short_budget_only_when_the_views_are_aggregated(
    plan_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aggregate_tasks: int | None, budget: float | None,
) -> None:
    """72 tasks: aggregated (short budget) past a limit of 10 tasks; not with no limit, nor
    under a limit of 1000 (counter-examples: the full QUERY_BUDGET, the default None)."""
    assert BIG_QUERY_BUDGET < QUERY_BUDGET
    out = tmp_path / "out"
    shutil.copytree(plan_out, out)
    budgets: list[float | None] = []
    real = report_module.BackgroundQueries

    def recording(folder: Path, b: float | None = None) -> object:
        budgets.append(b)
        return real(folder, b)

    monkeypatch.setattr(report_module, "BackgroundQueries", recording)
    report_module.write_report(out, limits=ViewLimits(aggregate_tasks=aggregate_tasks))
    assert budgets == [budget]
    assert (out / "queries.html").is_file() and (out / "index.html").is_file()


def test_views_drawn_by_two_processes_are_those_one_process_draws(
    plan_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.visualize.views as views_module

    folders = {}
    for name, least in (("one", 10**9), ("two", 1)):
        monkeypatch.setattr(views_module, "PARALLEL_MIN_VIEWS", least)
        out = folders[name] = tmp_path / name
        shutil.copytree(plan_out, out)
        pages = report_module.write_report(out)
        assert len(pages) > 2
    one = sorted(p.relative_to(folders["one"]) for p in (folders["one"] / "views").iterdir())
    assert one == sorted(p.relative_to(folders["two"]) for p in (folders["two"] / "views").iterdir())
    for rel in [*one, Path("index.html")]:
        assert (folders["one"] / rel).read_bytes() == (folders["two"] / rel).read_bytes(), rel


def test_an_error_drawing_a_view_in_the_child_is_raised(
    plan_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counter-example: a view the child could not draw is not silently missing."""
    import kg.visualize.views as views_module

    monkeypatch.setattr(views_module, "PARALLEL_MIN_VIEWS", 1)
    real = views_module.render_network
    parent = os.getpid()

    def fails_in_the_child(*a: object, **k: object) -> str:
        if os.getpid() != parent:
            raise ValueError("layout failed")
        return real(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(views_module, "render_network", fails_in_the_child)
    out = tmp_path / "out"
    shutil.copytree(plan_out, out)
    with pytest.raises(RuntimeError, match=r"^views could not be drawn: ValueError: layout failed$"):
        report_module.write_report(out)
