"""The canned queries of the report, run on the build in a child process with a time limit
per query and for all of them, while the views are drawn (:class:`BackgroundQueries`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loads import open_store

__all__ = [
    "QueryBlock", "MAX_QUERY_ROWS", "QUERY_TIMEOUT", "QUERY_BUDGET", "BIG_QUERY_WAIT", "BIG_QUERY_NICE", "run_queries", "BackgroundQueries",
]

MAX_QUERY_ROWS = 100
QUERY_TIMEOUT = 10.0  # seconds for one canned query (KG_REPORT_QUERY_TIMEOUT)
QUERY_BUDGET = 60.0  # seconds for all of them (KG_REPORT_QUERY_BUDGET)
# On a build whose views are aggregated (kg.visualize.aggregate.AGGREGATE_MIN_TASKS) the
# queries run while the rest of the report is drawn, then get this many seconds more (not
# the whole budget): there most of them time out anyway, and the report of 100,000 tasks
# should take seconds (issue 16: a 5 s wait was a third of it). queries.html gives the
# `kg query` command of each one left out.
BIG_QUERY_WAIT = 1.0
# ... and their process runs at this lower priority (os.nice) there: they take the CPU the
# report's own processes leave idle, not a core from them (at 100,000 tasks the queries'
# child used a core for the whole report, mostly on queries that then timed out).
BIG_QUERY_NICE = 10
_STOPPED = "未运行：报告已写完，不再等待 (the report did not wait for it on a build this big)"


@dataclass
class QueryBlock:
    """A canned query with its result on this build (or the error it gave)."""

    name: str
    question: str
    notes: str
    params: list[tuple[str, str, str]]
    sparql: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    total: int = 0
    error: str = ""
    skipped: str = ""
    kind: str = "select"
    anchor: str = ""


def _query_block(store: Any, q: Any) -> QueryBlock:
    """Run one canned query with its defaults; the first rows as display text."""
    from kg.queries import display_value, run_query

    params = [(p.name, p.default_text, p.description) for p in q.params]
    block = QueryBlock(q.name, q.question, q.notes, params, q.text, anchor=f"q-{q.name}")
    try:
        res = run_query(store, q)
    except Exception as exc:  # a broken query is shown, not fatal to the build
        block.error = f"{type(exc).__name__}: {exc}"
        return block
    block.kind = res.kind
    if res.kind == "ask":
        block.columns = ["answer"]
        block.rows = [["true" if res.boolean else "false"]]
        block.total = 1
    elif res.kind == "graph":
        block.columns = ["subject", "predicate", "object"]
        block.rows = [[display_value(t) for t in tr] for tr in res.triples[:MAX_QUERY_ROWS]]
        block.total = len(res.triples)
    else:
        block.columns = list(res.variables)
        block.rows = [[display_value(t) for t in row] for row in res.rows[:MAX_QUERY_ROWS]]
        block.total = len(res.rows)
        block.numeric = [
            bool(res.rows) and all(
                row[i] is None or (row[i].kind == "literal" and isinstance(row[i].python, int | float)
                                   and not isinstance(row[i].python, bool))
                for row in res.rows
            )
            for i in range(len(res.variables))
        ]
    if not block.numeric:
        block.numeric = [False] * len(block.columns)
    return block


def _query_worker(out: str, names: list[str], conn: Any, parent: int, query_dirs: list[str], nice: int = 0) -> None:
    """Child process: run the named canned queries in order, reporting each as it goes,
    ``nice`` steps below its parent's priority. It ends with its parent (also when that is
    killed), quietly when the parent stops listening."""
    import os

    from kg.queries import list_queries

    from kg.pipeline import die_with_parent

    die_with_parent(parent)
    if nice and hasattr(os, "nice"):  # (a priority only: where there is no os.nice, the queries run as they did)
        os.nice(nice)
    try:
        store = open_store(Path(out))
        try:
            by_name = {q.name: q for q in list_queries(extra_dirs=query_dirs)}
            for name in names:
                conn.send(("start", name))
                conn.send(("done", name, _query_block(store, by_name[name])))
        finally:
            store.close()
        conn.send(("end",))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the build was stopped while the report was being written: nobody listens
    finally:
        conn.close()


def run_queries(
    out: Path,
    budget: float | None = None,
    until: Callable[[], float] | None = None,
    query_dirs: Sequence[str | Path] = (),
    nice: int = 0,
) -> tuple[list[QueryBlock], str]:
    """Every canned query, then those of the user's ``query_dirs``, and its result on this build.

    The queries run in a child process, each with :data:`QUERY_TIMEOUT` seconds and all
    within :data:`QUERY_BUDGET` (KG_REPORT_QUERY_BUDGET), and none after ``until()`` (a
    ``time.monotonic()`` value that may change while they run: :class:`BackgroundQueries`): on a big corpus a slow query is reported as skipped (with
    the command to run it) instead of holding up the build. One loop over the child's
    messages (a new child after a query that timed out) keeps the timing rules in one place.
    """
    import os
    import time

    from kg.queries import list_queries

    dirs = [str(d) for d in query_dirs]
    queries = list_queries(extra_dirs=dirs)
    timeout = float(os.environ.get("KG_REPORT_QUERY_TIMEOUT", QUERY_TIMEOUT))
    budget = float(os.environ.get("KG_REPORT_QUERY_BUDGET", QUERY_BUDGET if budget is None else budget))
    stop = until or (lambda: float("inf"))
    results: dict[str, QueryBlock] = {}
    pending = [q.name for q in queries]
    skipped: dict[str, str] = {}
    from kg.pipeline import worker_context

    # fork where it is safe: spawn would run a plain script that calls kg.pipeline.build()
    # at its top level again in the child (kg.pipeline.worker_context)
    ctx = worker_context()
    start = time.monotonic()
    while pending:
        left = budget - (time.monotonic() - start)
        if left <= 0 or time.monotonic() >= stop():
            used_up = f"未运行：预设查询总时限 {budget:g} 秒已用完 (time budget used up)"
            skipped.update(dict.fromkeys(pending, used_up if left <= 0 else _STOPPED))
            break
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_query_worker, args=(str(out), list(pending), child, os.getpid(), dirs, nice),
                           daemon=True)
        proc.start()
        child.close()
        current: str | None = None
        try:
            while True:
                wait = min(timeout if current else max(timeout, 60.0), budget - (time.monotonic() - start))
                if wait <= 0 or not _poll(parent, wait, stop):
                    if time.monotonic() >= stop():
                        break  # (the outer loop skips what is left)
                    if current is not None:
                        skipped[current] = f"未完成：超过 {timeout:g} 秒 (took longer than {timeout:g} s)"
                        pending.remove(current)
                    else:
                        skipped.update(dict.fromkeys(pending, "未运行 (the query process did not start)"))
                        pending = []
                    break
                try:
                    msg = parent.recv()
                except EOFError:  # the child died
                    if current is not None:
                        skipped[current] = "运行出错：查询进程意外退出 (the query process died)"
                        pending.remove(current)
                    else:
                        pending = []
                    break
                if msg[0] == "start":
                    current = msg[1]
                elif msg[0] == "done":
                    results[msg[1]] = msg[2]
                    pending.remove(msg[1])
                    current = None
                else:
                    pending = [n for n in pending if n not in results]
                    break
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(10)
            parent.close()
    return _blocks(queries, results, skipped), ""


def _blocks(queries: Sequence[Any], results: dict[str, QueryBlock], skipped: dict[str, str]) -> list[QueryBlock]:
    """Each query's block: its result, or what it would run and why it did not."""
    blocks = []
    for q in queries:
        if q.name in results:
            blocks.append(results[q.name])
            continue
        params = [(p.name, p.default_text, p.description) for p in q.params]
        block = QueryBlock(q.name, q.question, q.notes, params, q.text, anchor=f"q-{q.name}")
        block.skipped = skipped.get(q.name, "未运行")
        blocks.append(block)
    return blocks


class BackgroundQueries:
    """:func:`run_queries` in a thread, so that the canned queries (in their child process)
    run while this process draws the views."""

    def __init__(self, out: Path, query_dirs: Sequence[str | Path] = (), nice: int = 0) -> None:
        import threading

        self._result: tuple[list[QueryBlock], str] = ([], "")
        self._error: BaseException | None = None
        self._until = float("inf")
        self._thread = threading.Thread(target=self._run, args=(out, query_dirs, nice), name="kg-report-queries",
                                        daemon=True)
        self._thread.start()

    def _run(self, out: Path, query_dirs: Sequence[str | Path], nice: int) -> None:
        try:
            self._result = run_queries(out, until=lambda: self._until, query_dirs=query_dirs, nice=nice)
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc

    def result(self, wait: float | None = None) -> tuple[list[QueryBlock], str]:
        """The queries' blocks; with ``wait``, those not done ``wait`` seconds from now are skipped."""
        if wait is not None:
            import time

            self._until = time.monotonic() + wait
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


def _poll(conn: Any, wait: float, until: Callable[[], float]) -> bool:
    """``conn.poll(wait)``, given up at ``until()`` (looked at every quarter second)."""
    import time

    end = time.monotonic() + wait
    while True:
        now = time.monotonic()
        step = min(end, until()) - now
        if step <= 0:
            return bool(conn.poll(0))
        if conn.poll(min(step, 0.25)):
            return True
