"""The report of a big build: what it leaves out to be drawn in seconds (issue 16)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import kg.visualize.report as report_module
import pytest
from kg.visualize.report_queries import BIG_QUERY_NICE, BIG_QUERY_WAIT, QUERY_BUDGET, QueryBlock
from kg.visualize.views import ViewLimits

from kg.pipeline import BuildOptions, build

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gulou_task_decomposition.txt"


@pytest.fixture(scope="module")
def plan_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scale") / "out"
    build([EXAMPLE], out, BuildOptions(artifact_writers=()))
    return out


@pytest.mark.parametrize(("aggregate_tasks", "wait"), [(10, BIG_QUERY_WAIT), (None, None), (1000, None)])
def test_the_report_waits_briefly_for_the_canned_queries_only_when_the_views_are_aggregated(
    plan_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aggregate_tasks: int | None, wait: float | None,
) -> None:
    """72 tasks: aggregated (a short wait) past a limit of 10 tasks; not with no limit, nor
    under a limit of 1000 (counter-examples: the whole QUERY_BUDGET)."""
    assert BIG_QUERY_WAIT < QUERY_BUDGET
    out = tmp_path / "out"
    shutil.copytree(plan_out, out)
    waits: list[float | None] = []
    nices: list[int] = []

    class Recording(report_module.BackgroundQueries):  # type: ignore[misc,name-defined]
        def __init__(self, out: Path, query_dirs: tuple[str, ...] = (), nice: int = 0) -> None:
            nices.append(nice)
            super().__init__(out, query_dirs, nice)

        def result(self, wait: float | None = None) -> tuple[list[QueryBlock], str]:
            waits.append(wait)
            return super().result(wait)

    monkeypatch.setattr(report_module, "BackgroundQueries", Recording)
    report_module.write_report(out, limits=ViewLimits(aggregate_tasks=aggregate_tasks))
    assert waits == [wait]
    # and, aggregated, their process at a lower priority than the report's own
    assert nices == [BIG_QUERY_NICE if wait is not None else 0]
    assert (out / "queries.html").is_file() and (out / "index.html").is_file()


@pytest.mark.parametrize("nice", [BIG_QUERY_NICE, 0])
def test_the_query_process_lowers_its_own_priority_only_when_asked(
    plan_out: Path, monkeypatch: pytest.MonkeyPatch, nice: int
) -> None:
    """The worker (run here in this process, os.nice recorded) lowers its priority by
    ``nice`` before it opens the store; not at all with 0 (counter-example)."""
    import multiprocessing

    from kg.visualize.report_queries import _query_worker

    calls: list[int] = []
    monkeypatch.setattr(os, "nice", lambda n: calls.append(n) or 0)
    monkeypatch.setattr("kg.pipeline.die_with_parent", lambda parent: None)
    receiver, sender = multiprocessing.Pipe(duplex=False)
    _query_worker(str(plan_out), ["lead_counts"], sender, os.getpid(), [], nice)
    messages = []
    try:
        while True:
            messages.append(receiver.recv())
    except EOFError:  # (the worker closed its end)
        pass
    assert calls == ([nice] if nice else [])
    assert [m[0] for m in messages] == ["start", "done", "end"] and messages[1][2].rows


def test_queries_not_done_when_the_report_stops_waiting_are_skipped_and_say_why(plan_out: Path) -> None:
    import time

    from kg.visualize.report_queries import run_queries

    blocks, error = run_queries(plan_out, until=lambda: time.monotonic() - 1)  # (stopped already)
    assert not error and blocks
    assert all(b.skipped == "未运行：报告已写完，不再等待 (the report did not wait for it on a build this big)"
               for b in blocks)
    # counter-example: with time left, they run
    blocks, _ = run_queries(plan_out, until=lambda: time.monotonic() + 600)
    assert not any(b.skipped for b in blocks) and all(b.columns for b in blocks)


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


def test_a_big_build_leaves_the_task_unit_network_out_says_so_and_names_the_command(
    plan_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past RESPONSIBILITY_NETWORK_MAX_TASKS (here 10; the example ranks 72 tasks) `kg report`
    writes no responsibility.graphml but the unit–unit networks, says so in one line and in
    the index, and the command it names writes the file; under the threshold (counter-
    example) the file is written and nothing is said."""
    import networkx as nx
    from click.testing import CliRunner

    from kg.analysis import workload_outputs
    from kg.cli import main

    out = tmp_path / "big"
    shutil.copytree(plan_out, out)
    monkeypatch.setattr(workload_outputs, "RESPONSIBILITY_NETWORK_MAX_TASKS", 10)
    r = CliRunner().invoke(main, ["report", str(out)])
    assert r.exit_code == 0, r.output
    command = f"kg export {out} --network responsibility -o {out / 'responsibility.graphml'}"
    assert r.output.splitlines()[-1] == (
        f"  not written: responsibility.graphml (the task–unit network of every task; more than 10 tasks): `{command}` writes it"
    )
    assert not (out / "responsibility.graphml").exists()
    assert (out / "collaboration.graphml").is_file() and (out / "collaboration.gexf").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    notice = index.split('id="responsibility-network"', 1)[1].split("</p>", 1)[0]
    assert "任务较多（72 项，超过 10 项）" in notice
    assert "<code>kg export OUT --network responsibility -o OUT/responsibility.graphml</code>" in notice
    assert 'href="responsibility.graphml"' not in index
    # the command named writes it, and a report after that keeps it and lists it
    r = CliRunner().invoke(main, command.split()[1:])
    assert r.exit_code == 0, r.output
    B = nx.read_graphml(out / "responsibility.graphml")
    assert sum(1 for _, d in B.nodes(data=True) if d["kind"] == "task") == 72
    r = CliRunner().invoke(main, ["report", str(out)])
    assert r.exit_code == 0 and "not written" not in r.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="responsibility.graphml"' in index and 'id="responsibility-network"' not in index
    # counter-example: a build under the threshold
    small = tmp_path / "small"
    shutil.copytree(plan_out, small)
    monkeypatch.setattr(workload_outputs, "RESPONSIBILITY_NETWORK_MAX_TASKS", 72)
    r = CliRunner().invoke(main, ["report", str(small)])
    assert r.exit_code == 0 and "not written" not in r.output
    assert nx.read_graphml(small / "responsibility.graphml").number_of_nodes() == B.number_of_nodes()
    assert 'id="responsibility-network"' not in (small / "index.html").read_text(encoding="utf-8")


def test_kg_build_with_its_report_names_the_command_for_the_task_unit_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from kg.analysis import workload_outputs
    from kg.cli import main

    monkeypatch.setattr(workload_outputs, "RESPONSIBILITY_NETWORK_MAX_TASKS", 10)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(out), "--report", "--quiet"])
    assert r.exit_code == 0, r.output
    command = f"kg export {out} --network responsibility -o {out / 'responsibility.graphml'}"
    assert f"  not written: responsibility.graphml (the task–unit network of every task; more than 10 tasks): `{command}` writes it" in r.output.splitlines()
    assert not (out / "responsibility.graphml").exists() and (out / "workload.csv").is_file()
