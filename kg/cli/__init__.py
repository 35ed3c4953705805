"""The ``kg`` command: a thin layer over the library.

Commands parse flags, call the library, print, and map typed errors to one line and an
exit code. Exit codes:

==  =============================================================
0   success
1   an input or output problem (``Error: …``)
2   a usage problem: bad option, bad SPARQL, missing build folder
3   ``--strict`` and the build produced warnings
4   ``kg validate``: the graph does not conform to the SHACL shapes
5   ``kg validate``: the build is damaged (a file missing or unreadable, the graph files,
    the manifest or the store disagree); one line per problem
==  =============================================================
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import StrictModeError
from ..version import __version__
from . import analysis, diff, push, query
from .common import F, handle_errors, progress_bar, require_build  # noqa: F401  (require_build: re-exported)
from .push import endpoint_write_options, make_config, push_after_build

if TYPE_CHECKING:
    from ..models import DocumentKind, Issue


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Build and query responsibility knowledge graphs of Chinese government task documents."""


# --kind's choices: the DocumentKind each names (kg.models is imported by the commands that
# use it: `kg --help`, `kg query` and `kg workload` start without it)
_KINDS = {"plan": "TaskPlan", "report": "WorkReport"}


def _kind(kind: str | None) -> DocumentKind | None:
    from ..models import DocumentKind

    return DocumentKind(_KINDS[kind]) if kind else None


def _common_extract_options(func: F) -> F:
    func = click.option(
        "--region", help="Region: a profile (folder under ontology/regions), a division id (cn-440100) or name (广州市); default: read from the document."
    )(func)
    func = click.option("--year", type=int, help="Year of the documents; default: detected from the text.")(func)
    func = click.option(
        "--kind", type=click.Choice(sorted(_KINDS)), help="Treat every input as a task plan or a work report."
    )(func)
    return func


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--out", default="out", show_default=True, type=click.Path(), help="Output folder.")
@_common_extract_options
@click.option("--no-expand", is_flag=True, help="Do not expand group references (各街道) to their members.")
@click.option(
    "--graph-files", type=click.Choice(["auto", "combined", "split"]), default="auto", show_default=True,
    help="combined: graph.nq/.trig/.ttl; split: graphs/NAME.nq per named graph; auto: split past 2 M quads.",
)
@click.option(
    "-j", "--jobs", default=0, show_default=True,
    help="Worker processes extracting documents (0: one per CPU core when there are several documents to extract).",
)
@click.option(
    "--report/--no-report", default=None,
    help="Write the HTML report, the views and the workload exports (workload.csv, the matrix, "
    "the networks), or not. Default: for corpora of up to 20,000 tasks (they read the whole "
    "graph: minutes at 100,000 tasks); `kg report OUT` writes them later.",
)
@click.option("--strict", is_flag=True, help="Exit with code 3 when there are warnings.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@click.option("-v", "--verbose", is_flag=True, help="Print the time of each stage, and every warning.")
@click.option("--endpoint", metavar="URL", default=None, help="Also write the changed named graphs to this SPARQL server.")
@endpoint_write_options
@handle_errors
def build(
    paths: tuple[str, ...], out: str, region: str | None, year: int | None, kind: str | None,
    no_expand: bool, graph_files: str, jobs: int, report: bool | None, strict: bool, quiet: bool, verbose: bool,
    endpoint: str | None = None, update_url: str | None = None, graph_store: str | None = None,
    user: str | None = None, password: str | None = None,
) -> None:
    """Build the knowledge graph of PATHS (files or folders) into OUT.

    Writes OUT/graph.trig (one named graph per document), OUT/graph.ttl, OUT/graph.nq
    (or OUT/graphs/*.nq for big corpora), OUT/store, OUT/tasks.jsonl and OUT/manifest.json
    (coverage and warnings).
    """
    from ..pipeline import AUTO_REPORT_MAX_TASKS, BuildOptions
    from ..pipeline import build as run_build

    opts = BuildOptions(
        region=region, year=year, kind=_kind(kind),
        expand_groups=not no_expand, jobs=max(0, jobs), graph_files=graph_files,
        artifacts=report,
    )
    # the library builds, then (with --endpoint) pushes: the output is in place before
    # anything is sent to the server
    config = make_config(endpoint, update_url, graph_store, user, password) if endpoint else None
    result = run_build(list(paths), out, opts, progress=progress_bar(quiet, "extracting", 20))
    pushed = push_after_build(result, config) if config is not None else None
    if not quiet:
        # a rebuild shows the warnings of what it read again, not again those of the
        # documents it reused (ten thousand lines after editing one document)
        shown = result.issues if verbose or not result.reused else result.fresh_issues
        _echo_warnings(shown, out, None if verbose else WARNINGS_SHOWN_PER_DOCUMENT)
        if len(shown) < len(result.issues):
            n = len(result.issues) - len(shown)
            click.echo(
                f"warning: {n} more warning{'' if n == 1 else 's'} of the {result.reused} documents unchanged since "
                f"the previous build not shown again (every one is in {Path(out) / 'warnings.txt'}, or use --verbose)",
                err=True,
            )
    s = result.summary()
    click.echo(
        f"Built {out}: {s['documents']} documents, {s['sections']} sections, {s['tasks']} tasks, "
        f"{s['statements']} report statements, {s['units']} units, {s['quads']} quads, "
        f"{s['warnings']} warning{'' if s['warnings'] == 1 else 's'}"
    )
    if pushed is not None:
        click.echo(pushed.summary())
    if result.artifacts:
        from ..analysis.workload_outputs import responsibility_network_notice

        if left_out := responsibility_network_notice(out):
            click.echo(left_out)
    if report is None and not result.artifacts:
        click.echo(
            f"  no workload exports for {s['tasks'] + s['statements']} tasks (more than {AUTO_REPORT_MAX_TASKS:,}), "
            f"the report only: `kg report {out}` writes the workload exports too"
        )
    if not quiet and (verbose or len(result.infos) <= COVERAGE_LINES_MAX):
        _echo_coverage(result)
    if verbose:
        click.echo(f"  cache: {result.reused} documents reused, {result.extracted} extracted; store: {result.store_mode}")
        for stage, secs in result.timings.items():
            click.echo(f"  {stage:<9} {secs:8.2f} s")
    if strict and result.issues:
        raise StrictModeError(f"{len(result.issues)} warnings and --strict was given")


COVERAGE_LINES_MAX = 20  # documents listed one per line without --verbose
WARNINGS_SHOWN_PER_DOCUMENT = 20  # warnings printed per input file without --verbose


def _echo_warnings(issues: Any, out: str, per_file: int | None) -> None:
    """Each warning on stderr, but at most ``per_file`` per input file: then one line
    saying how many more there are and where they all are (OUT/warnings.txt)."""
    shown: dict[str, int] = {}
    for issue in issues:
        n = shown[issue.path] = shown.get(issue.path, 0) + 1
        if per_file is None or n <= per_file:
            click.echo(f"warning: {issue}", err=True)
    for path, n in shown.items():
        if per_file is not None and n > per_file:
            where = Path(out) / "warnings.txt"
            click.echo(f"warning: {path}: {n - per_file} more warnings not shown ({n} in all; every one is in {where}, or use --verbose)", err=True)


def _echo_coverage(result: Any) -> None:
    """One line per document: numbered items found, tasks emitted, tasks without lead,
    unknown unit names — so that nothing is silently dropped (also in OUT/manifest.json)."""
    for c in result.coverage:
        if c["kind"] == _KINDS["report"]:
            click.echo(f"  {c['document']}: work report {c['year'] or ''}, {c['tasks']} statements".replace("  ,", ","))
            continue
        click.echo(
            f"  {c['document']}: {c['numbered_items']} numbered lines ({c['sections']} section headings), {c['tasks']} tasks, "
            f"{c['tasks_without_lead']} without lead, {len(c['unknown_units'])} unknown unit names"
        )



@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", show_default=True)
@_common_extract_options
@click.option("--warnings/--no-warnings", default=True, help="Print warnings on stderr.")
@click.option("--statements", is_flag=True, help="Also print the statements of work reports (kind WorkReport).")
@handle_errors
def extract(
    paths: tuple[str, ...], fmt: str, region: str | None, year: int | None, kind: str | None,
    warnings: bool, statements: bool,
) -> None:
    """Print the tasks of PATHS with their lead and co-lead units, one JSON object per task."""
    from ..models import DocumentKind
    from ..pipeline import BuildOptions, collect_paths, extract_paths, task_records

    opts = BuildOptions(region=region, year=year, kind=_kind(kind))
    skipped: list[Issue] = []  # what collecting the inputs left out
    docs, issues = extract_paths(collect_paths(paths, skipped), opts)
    issues = [*skipped, *issues]
    records = [
        rec for doc in docs if statements or doc.kind is DocumentKind.TASK_PLAN for rec in task_records(doc)
    ]
    if fmt == "jsonl":
        for rec in records:
            click.echo(json.dumps(rec, ensure_ascii=False))
    else:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    if warnings:
        for issue in issues:
            click.echo(f"warning: {issue}", err=True)


@main.command()
@click.argument("out", default="out", type=click.Path())
@click.option("--shapes", type=click.Path(exists=True), help="SHACL shapes file (default: the bundled shapes).")
@handle_errors
def validate(out: str, shapes: str | None) -> None:
    """Check the build folder OUT: that it is whole (manifest, graph files, store, of
    either layout) and that its graph conforms to the SHACL shapes.

    Exit 0 if both hold, 5 if the build is damaged (one line per problem), 4 if the graph
    does not conform."""
    from ..graph.validate import validate_build

    report = validate_build(Path(out), Path(shapes) if shapes else None)
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    if report.ok:
        click.echo(f"{out}: conforms ({report.triples} triples checked)")
        return
    if not report.conforms and report.text:
        click.echo(f"{out}: does not conform: {report.violations} violations", err=True)
        click.echo(report.text, err=True)
    if report.problems:
        n = len(report.problems)
        click.echo(f"{out}: the build is damaged: {n} problem{'' if n == 1 else 's'}; `kg build` makes it again", err=True)
        sys.exit(5)
    sys.exit(4)


@main.command()
@click.argument("out", default="out", type=click.Path())
@click.option("--expand-groups", is_flag=True,
              help="Rank and judge the units of the report by their expanded load (with the tasks that "
              "reach them through an every-member group such as 各街道); both loads are shown either way.")
@click.option("--queries", "query_dirs", multiple=True, type=click.Path(), metavar="DIR",
              help="Also run the .rq queries of this folder (repeatable) and show them in queries.html.")
@handle_errors
def report(out: str, expand_groups: bool, query_dirs: tuple[str, ...]) -> None:
    """(Re)write the HTML report, the views and the workload exports (workload.csv, the
    responsibility matrix, the networks) of the build folder OUT: what `kg build
    --no-report` leaves out."""
    from ..analysis.workload_outputs import responsibility_network_notice
    from ..pipeline.artifacts import artifact_writers, write_artifacts

    folder = require_build(out)
    if expand_groups or query_dirs:
        from ..analysis.workload import WorkloadOptions
        from ..queries import list_queries
        from ..visualize.report import write_report

        list_queries(extra_dirs=query_dirs)  # a missing folder or a clash: one line, before any work
        write_artifacts(folder, names=[n for n, _ in artifact_writers() if n != "report"])
        write_report(folder, workload_options=WorkloadOptions(expand_groups=expand_groups), query_dirs=query_dirs)
    else:
        write_artifacts(folder)
    click.echo(f"wrote the report of {folder}: {folder / 'index.html'}")
    if left_out := responsibility_network_notice(folder):
        click.echo(left_out)


@main.command()
@click.argument("out", default="out", type=click.Path())
@click.option("--region", required=True, help="Region of the build: its id (cn-440100), a division name (广州市) or a profile id.")
@click.option("--id", "profile_id", help="Id (folder name) of the profile; default: the region id, so that IRIs stay the same.")
@click.option("--to", "dest", type=click.Path(), help="Folder to write to; default: ontology/regions/ID of this source checkout.")
@click.option("--force", is_flag=True, help="Overwrite an existing profile.")
@handle_errors
def profile(out: str, region: str, profile_id: str | None, dest: str | None, force: bool) -> None:
    """Write a draft region profile (units.csv, profile.json) from what the build in OUT found
    for REGION: units with their canonical names, aliases and types, and group references,
    for an analyst to review and commit."""
    from ..analysis.profile import draft_profile

    done = draft_profile(Path(out), region, Path(dest) if dest else None, profile_id, force)
    click.echo(
        f"wrote a draft profile of {done.region} to {done.folder}: {done.units} units "
        f"({done.kept_as_written} kept as written, to review), {done.groups} group references, "
        f"from {done.documents} documents"
    )


def _register_commands() -> None:
    """Commands that live in their own modules (query, serve, workload, views, push)."""
    for module in (query, analysis, push, diff):
        module.register(main)



_register_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
