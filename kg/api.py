"""The Python API at the top of the package: build a graph, open it, ask it questions,
and take the answers to pandas.

``kg.build``, ``kg.open`` and the classes below are this module's, reached through
``kg`` itself::

    import kg

    summary = kg.build(["examples"], "out")        # BuildSummary(out='out', documents=2, …)
    with kg.open("out") as graph:                  # Graph('out': 2 documents, 72 tasks, 40 units)
        top = graph.query("shared_tasks", unit="区科技局")  # a canned query, its parameters
        top.to_pandas()                            # a DataFrame (pandas is an extra)
        graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows  # SPARQL text
        graph.workload(expand_groups=True).to_pandas()

A plain script may call :func:`build` at its top level, without an ``if __name__ ==
"__main__":`` guard: kg's child processes are forked (:func:`kg.pipeline.worker_context`),
so the script is not run again in them.

Errors are kg's typed errors (:mod:`kg.errors`): a bad option or a missing build folder is
a :class:`kg.errors.UsageError`, a bad query a :class:`kg.errors.QueryError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from importlib.util import find_spec
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .analysis.exports import report_rows
from .analysis.workload import WorkloadOptions, WorkloadReport, compute_workload
from .errors import UsageError
from .layout import graph_nquads
from .models import DocumentKind
from .pipeline import BuildOptions, BuildResult
from .pipeline import build as run_build
from .queries import format_table, run_query
from .store import QueryResult, Store, Term, open_store

if TYPE_CHECKING:  # pandas is an extra: imported by to_pandas() only
    import pandas

__all__ = ["build", "open", "BuildSummary", "Graph", "QueryTable", "Workload"]

# the rows a repr shows (the whole table is in .rows and .to_pandas())
REPR_ROWS = 10

_KINDS = {"plan": DocumentKind.TASK_PLAN, "report": DocumentKind.WORK_REPORT}


def _pandas() -> Any:
    """pandas, imported when a table is first turned into a DataFrame (it is an extra)."""
    if find_spec("pandas") is None:
        raise ImportError(
            "to_pandas() needs pandas, which kg does not install: pip install pandas "
            "(or pip install 'kg[pandas]')"
        )
    import pandas

    return pandas


# ---------------------------------------------------------------------------------------
# build


@dataclass(frozen=True)
class BuildSummary:
    """What :func:`build` did: the counts of ``kg build``'s summary line, the warnings
    (``file:line: message``) and the full :class:`kg.pipeline.BuildResult`."""

    out: Path
    documents: int
    sections: int
    tasks: int
    statements: int
    units: int
    quads: int
    warnings: tuple[str, ...]
    result: BuildResult = field(repr=False, compare=False)

    def __repr__(self) -> str:
        return (
            f"BuildSummary(out={str(self.out)!r}, documents={self.documents}, tasks={self.tasks}, "
            f"statements={self.statements}, units={self.units}, quads={self.quads}, "
            f"warnings={len(self.warnings)})"
        )


def _build_options(options: dict[str, Any]) -> BuildOptions:
    known = {f.name for f in fields(BuildOptions)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise UsageError(f"kg.build() has no option {unknown[0]!r} (it takes: {', '.join(sorted(known))})")
    kind = options.get("kind")
    if isinstance(kind, str):
        if kind not in _KINDS:
            raise UsageError(f"kind: {kind!r} is not one of {', '.join(sorted(_KINDS))}")
        options = {**options, "kind": _KINDS[kind]}
    if isinstance(options.get("artifact_writers"), list):
        options = {**options, "artifact_writers": tuple(options["artifact_writers"])}
    return BuildOptions(**options)


def build(paths: str | Path | Sequence[str | Path], out: str | Path = "out", **options: Any) -> BuildSummary:
    """Build the knowledge graph of ``paths`` (files or folders) into the folder ``out``, as
    ``kg build PATHS -o OUT`` does, and return its :class:`BuildSummary`.

    ``options`` are the fields of :class:`kg.pipeline.BuildOptions`: ``region``, ``year``,
    ``kind`` (``"plan"`` or ``"report"``), ``expand_groups``, ``jobs`` (default 0: one
    worker per CPU core when there are several documents to extract), ``cache``,
    ``artifacts`` (the report, views and workload exports; default as ``kg build``),
    ``artifact_writers``, ``graph_files``.
    """
    given = [paths] if isinstance(paths, str | Path) else list(paths)
    opts = _build_options({"jobs": 0, "artifacts": None, **options})
    result = run_build(given, out, opts)
    s = result.summary()
    return BuildSummary(
        out=Path(out), documents=s["documents"], sections=s["sections"], tasks=s["tasks"],
        statements=s["statements"], units=s["units"], quads=s["quads"],
        warnings=tuple(str(i) for i in result.issues), result=result,
    )


# ---------------------------------------------------------------------------------------
# query results


def _cell(t: Term | None) -> object:
    return None if t is None else t.python


class QueryTable:
    """The answer of :meth:`Graph.query`: ``columns`` (the query's variables) and ``rows``
    (tuples of Python values: ``int``/``float`` for numbers, ``str`` for text and IRIs,
    ``None`` where a variable is unbound). An ASK query has the one column ``boolean``;
    a CONSTRUCT or DESCRIBE query the columns ``subject``, ``predicate``, ``object``.
    The result as kg's store returned it is ``.result``."""

    def __init__(self, result: QueryResult, name: str = "") -> None:
        self.result, self.name = result, name
        if result.kind == "ask":
            self.columns: list[str] = ["boolean"]
            self.rows: list[tuple[object, ...]] = [(bool(result.boolean),)]
        elif result.kind == "graph":
            self.columns = ["subject", "predicate", "object"]
            self.rows = [tuple(_cell(t) for t in triple) for triple in result.triples]
        else:
            self.columns = list(result.variables)
            self.rows = [tuple(_cell(t) for t in row) for row in result.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, object]]:
        """The rows as ``{column: value}``."""
        return (dict(zip(self.columns, row, strict=True)) for row in self.rows)

    def column(self, name: str) -> list[object]:
        """The values of one column (a ``KeyError`` naming the columns if it is not one)."""
        if name not in self.columns:
            raise KeyError(f"{name!r} is not a column (the columns: {', '.join(self.columns)})")
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def to_pandas(self) -> pandas.DataFrame:
        """The table as a ``pandas.DataFrame`` (pandas is not installed with kg)."""
        return _pandas().DataFrame(self.rows, columns=self.columns)

    def _repr_html_(self) -> str | None:
        """A notebook shows the table as pandas does (escaped), when pandas is installed."""
        if find_spec("pandas") is None:
            return None
        html: str = self.to_pandas()._repr_html_()
        return html

    def __repr__(self) -> str:
        head = QueryResult(
            self.result.kind, self.result.variables, self.result.rows[:REPR_ROWS],
            self.result.boolean, self.result.triples[:REPR_ROWS],
        )
        table = format_table(head, max_width=30).rstrip("\n")
        if self.result.kind == "select" and len(self.rows) > REPR_ROWS:
            # format_table counts the rows it was given: say how many there are in all
            table = table.rsplit("\n", 1)[0] + f"\n({len(self.rows)} rows, the first {REPR_ROWS} shown)"
        title = f"QueryTable {self.name}" if self.name else "QueryTable"
        return f"{title}\n{table}"


class Workload:
    """The workload ranking of a graph (:func:`kg.analysis.workload.compute_workload`'s
    :class:`~kg.analysis.workload.WorkloadReport`, as ``.report``), with
    :meth:`to_pandas`. Every attribute of the report is read through this object
    (``.units``, ``.gini``, ``.unit("区发改委")`` …)."""

    def __init__(self, report: WorkloadReport) -> None:
        self.report = report

    def __getattr__(self, name: str) -> Any:
        if name == "report":  # not set yet (copy, pickle): no recursion
            raise AttributeError(name)
        return getattr(self.report, name)

    def to_pandas(self) -> pandas.DataFrame:
        """One row per ranked unit (the columns of ``workload.csv``)."""
        return _pandas().DataFrame(report_rows(self.report))

    def __repr__(self) -> str:
        flagged = [u.unit for u in self.report.units if u.overloaded]
        return (
            f"Workload({len(self.report.units)} units, {self.report.tasks} tasks, "
            f"overloaded: {', '.join(flagged) if flagged else 'none'})"
        )


# ---------------------------------------------------------------------------------------
# an opened build


class Graph:
    """A build folder opened for questions (:func:`open`); a context manager that closes
    its store on leaving, or call :meth:`close`."""

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        graph_nquads(self.out)  # a UsageError telling how to build it, if it is none
        manifest = self.out / "manifest.json"
        summary: dict[str, int] = {}
        if manifest.is_file():
            summary = json.loads(manifest.read_text(encoding="utf-8")).get("summary", {})
        self.documents = int(summary.get("documents", 0))
        self.tasks = int(summary.get("tasks", 0))
        self.units = int(summary.get("units", 0))
        self._store: Store | None = open_store(self.out)

    @property
    def store(self) -> Store:
        """The graph's store (:class:`kg.store.Store`), for SPARQL of your own."""
        if self._store is None:
            raise UsageError(f"{self.out}: the graph was closed")
        return self._store

    def query(self, name_or_text: str, **params: object) -> QueryTable:
        """Run a canned query by name (``kg queries`` lists them), a ``.rq`` file or SPARQL
        text, with its parameters as keyword arguments (``unit="区科技局"``, ``min_shared=2``)."""
        result = run_query(self.store, name_or_text, params)
        name = name_or_text if not any(c.isspace() for c in name_or_text) else ""
        return QueryTable(result, name)

    def workload(self, **options: Any) -> Workload:
        """The workload ranking; ``options`` are the fields of
        :class:`kg.analysis.workload.WorkloadOptions` (``expand_groups=True``,
        ``co_lead_weight=0.3`` …)."""
        known = {f.name for f in fields(WorkloadOptions)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise UsageError(f"workload() has no option {unknown[0]!r} (it takes: {', '.join(sorted(known))})")
        return Workload(compute_workload(self.store, WorkloadOptions(**options)))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Graph:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "" if self._store is not None else ", closed"
        return f"Graph({str(self.out)!r}: {self.documents} documents, {self.tasks} tasks, {self.units} units{state})"


def open(out: str | Path = "out") -> Graph:
    """Open the build folder ``out`` (written by :func:`build` or ``kg build``)."""
    return Graph(out)

