"""The analyst's report: ``OUT/index.html``, ``OUT/queries.html`` and the views in ``OUT/views/``.

:func:`write_report` is an artifact writer (``report``, see :mod:`kg.pipeline.artifacts`): it runs
after the graph files, the store and the workload tables are in the temporary build
folder. It reads everything from the store, so ``python -m kg.visualize.report OUT``
rebuilds the report of an existing build folder.

The ranking comes from :func:`kg.analysis.workload.compute_workload` (:mod:`.loads`); the canned
queries and their results from :mod:`kg.queries` (:mod:`.report_queries`); what the index
shows is put together in :mod:`.index_page`. Every page works from disk with no network:
no external URL, styles and scripts inline or in a file beside the page, a
Content-Security-Policy that allows nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.analysis.facts import read_facts
from kg.analysis.workload import WorkloadOptions
from kg.analysis.workload_outputs import shared_facts, written_files

from .data import load_view_data
from .index_page import index_context, manifest, render
from .loads import load_infos, loads_from_csv, open_store, workload
from .networks import MAX_VIEW_TASKS
from .render import asset
from .report_queries import (
    BIG_QUERY_NICE,
    BIG_QUERY_WAIT,
    MAX_QUERY_ROWS,
    BackgroundQueries,
    QueryBlock,
)
from .report_queries import _query_worker as _query_worker  # (tests/test_build_safety.py)
from .style import Styler
from .views import (
    MAX_SECTION_VIEWS,
    MAX_UNIT_VIEWS,
    ViewLimits,
    ViewPage,
    ViewSelection,
    select_views,
    write_views,
)

if TYPE_CHECKING:  # pragma: no cover
    from kg.pipeline import BuildResult

__all__ = ["write_report", "write_more_views", "QueryBlock", "main"]


def write_report(
    tmp_out: Path,
    result: BuildResult | None = None,
    *,
    limits: ViewLimits | None = None,
    workload_options: WorkloadOptions | None = None,
    query_dirs: Sequence[str | Path] = (),
) -> list[ViewPage]:
    """Write ``index.html``, ``queries.html`` and ``views/`` into the build folder ``tmp_out``.

    Unit views are drawn for the ``limits.unit_views`` units with the highest load and
    section views for the ``limits.section_views`` biggest sections (default
    :class:`ViewLimits`); the index says which were left out and how to draw one. The
    ranking is :func:`kg.analysis.workload.compute_workload` under ``workload_options``
    (``kg report --expand-groups`` ranks by the expanded load). ``queries.html`` shows the
    canned queries and then those of the user's ``query_dirs`` (``kg report --queries DIR``).
    """
    out = Path(tmp_out)
    limits = limits or ViewLimits()
    built = manifest(out, result)
    # a build whose views are aggregated gives the canned queries the time the rest of its
    # report takes (they run meanwhile) and BIG_QUERY_WAIT more, not the whole budget
    big = limits.aggregate_tasks is not None and _tasks(built) > limits.aggregate_tasks
    background = BackgroundQueries(out, query_dirs, nice=BIG_QUERY_NICE if big else 0)
    store = open_store(out)
    try:
        # once, for the views and the ranking: those the workload writer read, when it ran
        facts = shared_facts(out, result) or read_facts(store, build=out)
        data = load_view_data(store, facts, build=out)
        report, workload_error = workload(store, data, out, result, workload_options, facts)
    finally:
        store.close()
    loads = load_infos(report, data)
    styler = Styler(data, loads)  # once, for the selection and the views
    selection = select_views(data, loads, limits, styler=styler)
    pages = write_views(out, data, loads, selection, limits=limits, styler=styler)
    queries, queries_error = background.result(BIG_QUERY_WAIT if big else None)
    summary = dict(built.get("summary") or {})
    if result is not None:
        summary = {**result.summary(), **summary}
    report_js = asset("report.js")
    (out / "queries.html").write_text(
        render("queries.html", [report_js], queries=queries, queries_error=queries_error,
               max_rows=MAX_QUERY_ROWS, report_js=report_js),
        encoding="utf-8",
    )
    # the workload writer's children may still be writing: list what they will have written
    context = index_context(out, data, report, workload_error, loads, selection, pages, built, summary, limits,
                            written_files(out, result))
    page = render("index.html", [report_js], queries=queries, queries_error=queries_error,
                  report_js=report_js, **context)
    (out / "index.html").write_text(page, encoding="utf-8")
    return pages


def _tasks(built: dict[str, object]) -> int:
    """The tasks of a build, as its manifest (or result) counts them; 0 when it does not say."""
    summary = built.get("summary")
    tasks = summary.get("tasks") if isinstance(summary, dict) else None
    return tasks if isinstance(tasks, int) else 0


def write_more_views(
    out: Path, units: Sequence[str] = (), sections: Sequence[str] = (), limits: ViewLimits | None = None
) -> list[ViewPage]:
    """Write the views of the named units and sections into an existing build folder
    (the ones a big build left out), leaving the rest of the report as it is.

    A unit is named by its name (``区科技局``) or IRI; a section by its title (every
    section with that title, in every document), a part of it, or its IRI. Raises
    ``KeyError`` for a name that matches nothing.
    """
    out = Path(out)
    store = open_store(out)
    try:
        data = load_view_data(store, build=out)
        loads = loads_from_csv(out)
        if not loads:
            report, _ = workload(store, data)
            loads = load_infos(report, data)
    finally:
        store.close()
    unit_iris: list[str] = []
    for name in units:
        found = [u.iri for u in data.units.values() if not u.is_group and name in (u.iri, u.label)]
        if not found:
            raise KeyError(f"no unit named {name!r} in this build")
        unit_iris += [u for u in found if u not in unit_iris]
    section_tasks = data.section_tasks()
    section_iris: list[str] = []
    for name in sections:
        candidates = [s for s in sorted(data.sections.values(), key=lambda s: (s.document, s.ordinal)) if s.iri in section_tasks]
        found = [s.iri for s in candidates if name in (s.iri, s.title)] or [s.iri for s in candidates if name in s.title]
        if not found:
            raise KeyError(f"no section titled {name!r} in this build")
        section_iris += [s for s in found if s not in section_iris]
    return write_views(out, data, loads, ViewSelection(unit_iris, section_iris, [], []), networks=False, limits=limits)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kg.visualize.report OUT``: (re)write the report of a build folder.

    ``--all-views`` draws every unit and section view (a big build draws the biggest
    only); ``--unit NAME`` / ``--section TITLE`` write just those views.
    """
    import argparse
    import sys

    from kg.layout import is_build_folder

    ap = argparse.ArgumentParser(
        prog="python -m kg.visualize.report",
        description="(Re)write the report and views of a folder written by `kg build`.",
    )
    ap.add_argument("out", type=Path, help="the build folder")
    ap.add_argument("--all-views", action="store_true", help="draw a view for every unit and every section")
    ap.add_argument("--max-unit-views", type=int, default=MAX_UNIT_VIEWS, metavar="N",
                    help=f"unit views for the N units with the highest load (default {MAX_UNIT_VIEWS})")
    ap.add_argument("--max-section-views", type=int, default=MAX_SECTION_VIEWS, metavar="N",
                    help=f"section views for the N sections with the most tasks (default {MAX_SECTION_VIEWS})")
    ap.add_argument("--max-view-tasks", type=int, default=MAX_VIEW_TASKS, metavar="N",
                    help=f"tasks drawn in one unit or section view (default {MAX_VIEW_TASKS})")
    ap.add_argument("--expand-groups", action="store_true",
                    help="rank the units by their expanded load (with the tasks groups such as 各街道 give them)")
    ap.add_argument("--unit", action="append", default=[], metavar="NAME",
                    help="only write the view of this unit (repeatable); the rest of the report is left as it is")
    ap.add_argument("--section", action="append", default=[], metavar="TITLE",
                    help="only write the views of the sections with this title (repeatable)")
    args = ap.parse_args(list(sys.argv[1:] if argv is None else argv))
    if not is_build_folder(args.out):
        print(f"error: {args.out} is not a folder written by `kg build`", file=sys.stderr)
        return 2
    limits = ViewLimits(
        unit_views=None if args.all_views else args.max_unit_views,
        section_views=None if args.all_views else args.max_section_views,
        view_tasks=args.max_view_tasks,
    )
    if args.unit or args.section:
        try:
            pages = write_more_views(args.out, args.unit, args.section, limits)
        except KeyError as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            return 2
        for p in pages:
            print(f"wrote {args.out / p.file}  ({p.title})")
        return 0
    pages = write_report(args.out, limits=limits, workload_options=WorkloadOptions(expand_groups=args.expand_groups))
    print(f"wrote {args.out / 'index.html'} and {len(pages)} views")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
