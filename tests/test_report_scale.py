"""The report of a big build: what it leaves out to be drawn in seconds (issue 16)."""

from __future__ import annotations

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
