"""docs/cookbook.ipynb runs without an error (nbclient, a real kernel) and answers the
analyst's questions on the bundled example."""

from __future__ import annotations

import shutil

import nbclient
import nbformat
import pytest

from .conftest import EXAMPLES, ROOT

NOTEBOOK = ROOT / "docs" / "cookbook.ipynb"

# the test extras install nbclient, nbformat, ipykernel and pandas: a missing one is an error


def output_text(cell) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] in ("execute_result", "display_data"):
            parts.append(out["data"].get("text/plain", ""))
    return "".join(parts)


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The notebook run in a copy of its folder beside a copy of examples/ (it builds into
    docs/cookbook-out); the text output of each tagged cell, by tag."""
    base = tmp_path_factory.mktemp("cookbook")
    (base / "docs").mkdir()
    shutil.copy(NOTEBOOK, base / "docs" / NOTEBOOK.name)
    shutil.copytree(EXAMPLES, base / "examples")
    nb = nbformat.read(base / "docs" / NOTEBOOK.name, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(base / "docs")}}
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on an error
    assert (base / "docs" / "cookbook-out" / "manifest.json").is_file()
    return {tag: output_text(c) for c in nb.cells if c.cell_type == "code" for tag in c.metadata.get("tags", [])}


def test_every_code_cell_ran(executed):
    assert sorted(executed) == sorted(
        ["build", "open", "top5", "overloaded", "unit_tasks", "no_co_lead", "pairs", "group", "targets",
         "unmatched", "pivot"]
    )


def test_build_and_open(executed):
    assert executed["build"].startswith("BuildSummary(out='cookbook-out', documents=2, tasks=72, statements=68, units=40")
    assert executed["build"].endswith("warnings=0)")
    assert executed["open"] == "Graph('cookbook-out': 2 documents, 72 tasks, 40 units)"


def test_the_answers(executed):
    top5 = executed["top5"].splitlines()
    assert top5[1].split()[1:4] == ["区发改委", "GovernmentDepartment", "10"]
    # a header and six units: the fifth and the sixth lead six tasks each
    assert len(top5) == 7 and top5[5].split()[1] == "区市场监管局" and top5[6].split()[1] == "区文旅局"
    overloaded = executed["overloaded"]
    assert "区发改委" in overloaded and "fence 6.15 of government department" in overloaded
    assert "同类上限" in overloaded
    assert executed["unit_tasks"].splitlines()[0] == "{'lead': 7, 'co_lead': 5}"
    assert executed["no_co_lead"].splitlines()[0] == "36 tasks have no co-lead"
    assert executed["pairs"].splitlines()[1].split()[1:4] == ["区建设局", "区文旅局", "4"]
    assert executed["group"].splitlines()[0].startswith("23 tasks name 各街道; 13 streets carry them: 中央门街道、")
    # 地区生产总值: the plan's 7%, the report's ≥7.5% for the year, its 8% for the year before
    gdp = next(ln for ln in executed["targets"].splitlines() if "地区生产总值" in ln and "growth_rate" in ln)
    assert gdp.split()[1:8] == ["11", "地区生产总值", "growth_rate", "%", "7", "≥7.5", "8"]
    assert executed["unmatched"].splitlines()[0] == "5 statements of the work report match no task"
    pivot = executed["pivot"].splitlines()
    assert pivot[0].split() == ["角色", "role", "牵头", "配合"]
    assert pivot[2].split() == ["区发改委", "10", "0"]
    assert pivot[3].split() == ["区建设局", "7", "2"]
