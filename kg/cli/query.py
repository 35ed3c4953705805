"""``kg query``, ``kg queries`` and ``kg serve``: the analyst's query commands."""

from __future__ import annotations

import sys

import click

from ..errors import UsageError
from .common import handle_errors

__all__ = ["register"]




def _parse_params(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        name, sep, value = v.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{v!r}: write name=value", ctx=ctx, param=param)
        out[name.strip()] = value
    return out


_QUERIES_OPTION = click.option(
    "--queries", "query_dirs", multiple=True, type=click.Path(), metavar="DIR",
    help="Also a folder of .rq query files (repeatable); a name used twice is an error.")


@click.command("query")
@click.argument("query")
@click.option("--graph", "graph", default="out", show_default=True, type=click.Path(),
              help="Build folder written by `kg build`.")
@click.option("--endpoint", metavar="URL", help="Query this SPARQL 1.1 endpoint instead of a build folder.")
@click.option("-p", "--param", "params", multiple=True, callback=_parse_params, metavar="NAME=VALUE",
              help="Value of a query parameter (repeatable); unset parameters take their defaults.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xlsx"]), default="table",
              show_default=True, help="table: aligned for reading; json: SPARQL 1.1 results JSON; xlsx: a workbook (needs -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the result to FILE instead of stdout (csv and tsv with a BOM, for Excel).")
@_QUERIES_OPTION
@click.option("--backend", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Store used to read the build folder.")
@handle_errors
def query_cmd(query: str, graph: str, endpoint: str | None, params: dict[str, str], fmt: str, output: str | None,
              query_dirs: tuple[str, ...], backend: str) -> None:
    """Run QUERY: a canned query NAME (see `kg queries`), a FILE.rq, or SPARQL text.

    \b
    Examples:
      kg query lead_counts --graph out -p limit=5
      kg query unit_tasks -p unit=区科技局 --format xlsx -o 区科技局.xlsx
      kg query my_question --queries my_queries/
      kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """
    from kg.queries import (
        check_syntax,
        coerce_params,
        format_result,
        resolve_query,
        run_query,
        write_result,
    )

    from ..store import open_store

    if fmt == "xlsx" and not output:
        raise UsageError("--format xlsx writes a file: give -o FILE.xlsx")
    q = resolve_query(query, extra_dirs=query_dirs)
    # before opening anything: a typo answers at once, with line and column; a SERVICE
    # clause is refused unless a remote endpoint (which decides for itself) runs the query
    check_syntax(q.body, allow_service=bool(endpoint))
    coerce_params(q, params)
    store = open_store(None if endpoint else graph, endpoint=endpoint, backend=backend)
    try:
        result = run_query(store, q, params, allow_service=bool(endpoint))
    finally:
        store.close()
    if output:
        write_result(result, fmt, output, q)
    else:
        click.echo(format_result(result, fmt, q), nl=False)


@click.command("queries")
@click.option("-v", "--verbose", is_flag=True, help="Also show parameters and columns.")
@_QUERIES_OPTION
@handle_errors
def queries_cmd(verbose: bool, query_dirs: tuple[str, ...]) -> None:
    """List the canned queries (and those of --queries folders) with the question each answers."""
    from kg.queries import QUERY_DIR, display_width, list_queries

    qs = list_queries(extra_dirs=query_dirs)
    width = max((display_width(q.name) for q in qs), default=0)
    for q in qs:
        params = " ".join(f"{p.name}={p.default_text}" for p in q.params)
        line = f"{q.name:<{width}}  {q.question}"
        if params and not verbose:
            line += f"  [{params}]"
        if q.path is not None and q.path.parent != QUERY_DIR:
            line += f"  ({q.path})"
        click.echo(line)
        if verbose:
            if q.notes:
                click.echo(f"{'':<{width}}    {q.notes}")
            for p in q.params:
                click.echo(f"{'':<{width}}    --param {p.name}={p.default_text}  {p.description}".rstrip())
            if q.columns:
                click.echo(f"{'':<{width}}    columns: {', '.join(q.headers or q.columns)}")


@click.command("serve")
@click.argument("out", default="out", type=click.Path())
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback makes the endpoint reachable from other machines.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header is NAME (repeatable; '*' for any). "
                   "Loopback names and --host are always allowed.")
@click.option("--timeout", default=30.0, show_default=True, type=float, help="Seconds a query may run before it is stopped.")
@click.option("--max-rows", default=10_000, show_default=True, type=int, help="Largest result (rows or triples) returned.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Queries run at once (one process each).")
@click.option("--queries", "query_dirs", multiple=True, metavar="DIR",
              help="Also list the .rq files of DIR in the workbench and the query page (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Do not log requests.")
@handle_errors
def serve_cmd(out: str, port: int, host: str, allow_hosts: tuple[str, ...], timeout: float, max_rows: int,
              workers: int, query_dirs: tuple[str, ...], quiet: bool) -> None:
    """Serve the graph of build folder OUT as a read-only SPARQL 1.1 endpoint (/sparql) with a query
    workbench (/workbench), a plain query page (/) and the build's report (/report/)."""
    from ..serve.server import make_server, serve

    server = make_server(out, host, port, timeout, max_rows, workers, quiet, allow_hosts, query_dirs)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: other machines can query this graph", err=True)
    click.echo(
        f"Serving {out} at {server.url} (read-only; timeout {timeout:g} s, at most {max_rows} rows). "
        f"Query workbench: {server.url.removesuffix('/sparql')}/workbench — Ctrl-C to stop.",
    )
    sys.stdout.flush()
    try:
        serve(server)
    except KeyboardInterrupt:
        pass
    click.echo("Stopped.", err=True)


def register(main: click.Group) -> None:
    """Add the query commands to the ``kg`` group."""
    main.add_command(query_cmd)
    main.add_command(queries_cmd)
    main.add_command(serve_cmd)


_ = UsageError  # re-exported for callers that catch it alongside the commands
