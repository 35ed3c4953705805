"""Workload artifacts written by ``kg build`` (the ``workload`` writer of :mod:`kg.pipeline.artifacts`).

Into the build folder:

* ``workload.csv`` — the ranking of :func:`kg.analysis.workload.compute_workload` (default
  options), direct and expanded load side by side, the verdict and its reasons;
* ``workload.jsonl`` — the same ranking with everything ``kg workload`` shows of it, for
  the command to answer from (:mod:`kg.analysis.workload_file`);
* ``assignments.csv`` — the long table, one row per unit and task (task, section, unit,
  type, role, via_group, shares, document), for pivot tables;
* ``responsibility_matrix.xlsx`` — tasks × units, cells 牵头/配合 (the RACI-style sheet
  analysts use): one sheet per task plan, header and task columns frozen, a ``汇总``
  summary sheet with each unit's counts, loads and verdict, and the ``任务分工`` sheet of
  the long table;
* ``collaboration.graphml`` / ``collaboration.gexf`` — the unit–unit network (weight =
  tasks shared), for Gephi or Cytoscape;
* ``responsibility.graphml`` — the task–unit bipartite network (edge role and share); on
  a build of more than :data:`RESPONSIBILITY_NETWORK_MAX_TASKS` tasks only when asked
  (:data:`RESPONSIBILITY_NETWORK_COMMAND`: a node per task is of little use in Gephi, and
  the file took a sixth of the report's time at 100,000 tasks); the unit–unit networks
  are always written.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KgError
from ..layout import MANIFEST
from ..pipeline.artifacts import defer
from ..pipeline.facts_file import no_collections
from ..pipeline.workers import die_with_parent, worker_context
from ..queries.names import name_index
from ..spreadsheet import WORKBOOK_DATE, formula_like, neutralise_csv, neutralise_csv_cell
from ..store import open_store
from .exports import assignment_rows, report_csv, write_assignments_csv, write_excel_csv
from .facts import Facts, read_facts
from .matrix import MAX_MATRIX_TASKS, plan_documents, write_responsibility_matrix
from .networks import write_network
from .workload import WorkloadReport, compute_workload
from .workload_file import WORKLOAD_FILE, Names, write_saved_ranking

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import BuildResult

__all__ = [
    "write_workload_outputs", "write_responsibility_matrix", "shared_workload", "shared_facts", "FILES", "written_files",
    "MAX_MATRIX_TASKS", "RESPONSIBILITY_NETWORK_MAX_TASKS", "RESPONSIBILITY_NETWORK_COMMAND",
    "writes_responsibility_network", "responsibility_network_command", "responsibility_network_notice",
    "formula_like", "neutralise_csv", "neutralise_csv_cell", "WORKBOOK_DATE",
]

FILES = (
    "workload.csv",
    WORKLOAD_FILE,
    "assignments.csv",
    "responsibility_matrix.xlsx",
    "collaboration.graphml",
    "collaboration.gexf",
    "responsibility.graphml",
)

# Up to this many tasks (of the ranking: tasks with a lead or co-lead) the workload writer
# writes responsibility.graphml, the task–unit network of every task; above, the command
# below does (the index and `kg report` say so). The threshold of the aggregated views.
RESPONSIBILITY_NETWORK_MAX_TASKS = 20_000
RESPONSIBILITY_NETWORK_FILE = "responsibility.graphml"
# {out}: the build folder (shell-quoted)
RESPONSIBILITY_NETWORK_COMMAND = "kg export {out} --network responsibility -o {file}"


def writes_responsibility_network(tasks: int) -> bool:
    """Whether the workload writer writes responsibility.graphml for a ranking of ``tasks``
    tasks (:attr:`WorkloadReport.tasks`)."""
    return tasks <= RESPONSIBILITY_NETWORK_MAX_TASKS


def responsibility_network_command(out: Path | str) -> str:
    """The command that writes the responsibility.graphml a big build left out."""
    folder = Path(out)
    return RESPONSIBILITY_NETWORK_COMMAND.format(
        out=shlex.quote(str(folder)), file=shlex.quote(str(folder / RESPONSIBILITY_NETWORK_FILE)))


def responsibility_network_notice(out: Path | str) -> str | None:
    """One line for the user of a build folder whose workload files are written but not
    responsibility.graphml (a build of more than RESPONSIBILITY_NETWORK_MAX_TASKS tasks):
    what was left out and the command that writes it; None otherwise."""
    folder = Path(out)
    if not (folder / "workload.csv").is_file() or (folder / RESPONSIBILITY_NETWORK_FILE).is_file():
        return None
    return (
        f"  not written: {RESPONSIBILITY_NETWORK_FILE} (the task–unit network of every task; more than "
        f"{RESPONSIBILITY_NETWORK_MAX_TASKS:,} tasks): `{responsibility_network_command(folder)}` writes it"
    )


# The name of the ranking and facts in BuildResult.shared, for the report writer that runs
# after this one: they are computed once per build.
_SHARED_KEY = "workload"

# `kg report OUT` runs the writers with no BuildResult: the workload writer then leaves its
# ranking and facts here, for the report writer that runs next in the same process. One slot
# (the last folder only), keyed by the folder and the identity of its manifest.json (a new
# build of the folder writes a new one), so a rebuilt folder never gets the old figures.
_LAST: tuple[tuple[object, ...], WorkloadReport, Facts] | None = None


def _folder_key(out: Path) -> tuple[object, ...] | None:
    """The folder and its manifest's inode, size and mtime; None without a manifest."""
    try:
        st = (out / MANIFEST).stat()
    except OSError:
        return None
    return (out.resolve(), st.st_ino, st.st_size, st.st_mtime_ns)


def _shared(tmp_out: Path, result: object | None) -> tuple[WorkloadReport, Facts] | None:
    if result is None:
        key = _folder_key(Path(tmp_out))
        if _LAST is None or key is None or _LAST[0] != key:
            return None
        return _LAST[1], _LAST[2]
    shared = getattr(result, "shared", None)
    kept = shared.get(_SHARED_KEY) if isinstance(shared, dict) else None
    if kept is None or kept[0] != Path(tmp_out).resolve():
        return None
    return kept[1], kept[2]


def shared_workload(tmp_out: Path, result: object | None) -> WorkloadReport | None:
    """The ranking (default options) :func:`write_workload_outputs` computed for this
    build folder and ``result`` (``None``: the last run with no result, on this folder as
    it is now), or None when it did not run for them."""
    kept = _shared(tmp_out, result)
    return kept[0] if kept is not None else None


def shared_facts(tmp_out: Path, result: object | None) -> Facts | None:
    """The facts (default weights) :func:`write_workload_outputs` read for this build folder
    and ``result``, as :func:`shared_workload`; None when it did not run for them."""
    kept = _shared(tmp_out, result)
    return kept[1] if kept is not None else None


def written_files(tmp_out: Path, result: object | None) -> tuple[str, ...] | None:
    """The files of :data:`FILES` that :func:`write_workload_outputs` wrote into ``tmp_out``
    for ``result`` (as :func:`shared_workload`), or that its children are still writing:
    what a page may list before they are done. None when it did not run for them."""
    kept = _shared(tmp_out, result)
    if kept is None:
        return None
    big = not writes_responsibility_network(kept[0].tasks)  # (one `kg export` wrote since stays: not written now)
    return tuple(f for f in FILES if not (big and f == RESPONSIBILITY_NETWORK_FILE and not (Path(tmp_out) / f).is_file()))


# From this many tasks on, the files are written by a child process while the next writer
# (the report) runs: the workbook and the networks take seconds there, a fork ~0.1 s.
PARALLEL_MIN_TASKS = 5_000


def write_workload_outputs(tmp_out: Path, result: BuildResult | None) -> None:
    """Write the workload files into the (temporary) build folder ``tmp_out``.

    The store is read here (facts, ranking, task plans); the files are written from what
    was read, on a big build by a forked child process that the artifact writers' caller
    waits for (:func:`kg.pipeline.artifacts.defer`), so that the report is drawn meanwhile.
    """
    tmp_out = Path(tmp_out)
    store = open_store(tmp_out)
    try:
        facts = read_facts(store, build=tmp_out)
        report = compute_workload(store, facts=facts)
        documents = plan_documents(store)
        with no_collections():  # (the facts are many objects, none cyclic: see no_collections)
            names: Names = {kind: (index.labels, index.aliases) for kind in ("unit", "group")
                            for index in (name_index(store, kind),)}
    finally:
        store.close()
    _share(tmp_out, result, report, facts)
    parts = (partial(_write_tables, tmp_out, report, facts, documents), partial(_write_networks, tmp_out, report))
    if len(facts.tasks) >= PARALLEL_MIN_TASKS:
        ctx = worker_context()
        if ctx.get_start_method() == "fork":  # (spawn would pickle the whole ranking)
            # two children, the tables and the networks (each ~half the CPU at 100k tasks),
            # so that neither is left alone on the critical path once the report is drawn;
            # the saved ranking is written here meanwhile (~2 s of CPU at 100k tasks)
            waits = [_start_child(ctx, tmp_out, part) for part in parts]
            _save_ranking(tmp_out, report, names)
            for wait in waits:
                if not defer(wait):
                    wait()
            return
    for part in parts:
        part()
    _save_ranking(tmp_out, report, names)


def _save_ranking(tmp_out: Path, report: WorkloadReport, names: Names) -> None:
    """workload.jsonl, what ``kg workload`` answers from (:mod:`kg.analysis.workload_file`)."""
    with no_collections():
        write_saved_ranking(tmp_out, report, names)


def _write_tables(tmp_out: Path, report: WorkloadReport, facts: Facts, documents: list[tuple[str | None, ...]]) -> None:
    # Excel on a Chinese Windows reads a CSV without BOM as GBK
    write_excel_csv(tmp_out / "workload.csv", report_csv(report))
    assignments = assignment_rows(report)
    write_assignments_csv(tmp_out / "assignments.csv", assignments)
    write_responsibility_matrix(None, report, tmp_out / "responsibility_matrix.xlsx", facts=facts,
                                assignments=assignments, documents=documents)


def _write_networks(tmp_out: Path, report: WorkloadReport) -> None:
    write_network(report.collaboration, tmp_out / "collaboration.graphml", "graphml")
    write_network(report.collaboration, tmp_out / "collaboration.gexf", "gexf")
    if writes_responsibility_network(report.tasks):  # (a big build's, written by `kg export`, stays)
        write_network(report.responsibility, tmp_out / RESPONSIBILITY_NETWORK_FILE, "graphml")


def _child(conn: Connection, parent: int, work: Callable[[], None]) -> None:
    """In the forked child: write the files, then say ``ok`` or the error in one line."""
    die_with_parent(parent)
    try:
        work()
        conn.send(("ok", ""))
    except BaseException as exc:  # noqa: BLE001 — reported to the parent, which raises it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _start_child(ctx: BaseContext, tmp_out: Path, work: Callable[[], None]) -> Callable[[], None]:
    """Fork a child that writes files (``work``); return the function that waits for it."""
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(  # type: ignore[attr-defined]
        target=_child, args=(sender, os.getpid(), work),
        name="kg-workload-files", daemon=True,
    )
    proc.start()
    sender.close()

    def wait() -> None:
        try:
            status, message = receiver.recv()
        except EOFError:  # the child died before it could say
            status, message = "error", "the process writing them ended unexpectedly"
        finally:
            receiver.close()
            proc.join()
        if status != "ok" or proc.exitcode != 0:
            raise KgError(f"the workload files of {tmp_out} could not be written: {message or proc.exitcode}")

    return wait


def _share(tmp_out: Path, result: object | None, report: WorkloadReport, facts: Facts) -> None:
    """Leave the ranking and facts for the report writer (see :func:`shared_workload`)."""
    global _LAST
    if result is None:
        key = _folder_key(tmp_out)
        _LAST = (key, report, facts) if key is not None else None
        return
    shared = getattr(result, "shared", None)
    if isinstance(shared, dict):
        shared[_SHARED_KEY] = (tmp_out.resolve(), report, facts)


# first of the artifact writers: the report reads the ranking it leaves in BuildResult.shared
write_workload_outputs.run_order = 10  # type: ignore[attr-defined]
