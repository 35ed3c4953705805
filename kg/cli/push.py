"""``kg push``: write a build's named graphs to a SPARQL 1.1 server.

Registered on the ``kg`` group by :func:`kg.cli._register_commands`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .common import handle_errors, progress_bar, require_build

if TYPE_CHECKING:
    from ..pipeline import BuildResult
    from ..pipeline.push import PushResult
    from ..store.endpoint import EndpointConfig

F = TypeVar("F", bound=Callable[..., Any])


def endpoint_write_options(func: F) -> F:
    """--update-url, --graph-store, --user, --password (shared by ``kg push`` and ``kg build``)."""
    func = click.option(
        "--password", envvar="KG_SPARQL_PASSWORD", default=None,
        help="Password (env KG_SPARQL_PASSWORD). Basic auth, or Digest when the server asks.",
    )(func)
    func = click.option("--user", envvar="KG_SPARQL_USER", default=None, help="User name (env KG_SPARQL_USER).")(func)
    func = click.option(
        "--graph-store", "graph_store", metavar="URL", default=None,
        help="Graph Store HTTP Protocol URL: PUT each graph instead of SPARQL Update.",
    )(func)
    func = click.option(
        "--update-url", metavar="URL", default=None, help="SPARQL Update URL (default: the endpoint URL)."
    )(func)
    return func


def make_config(
    endpoint: str, update_url: str | None, graph_store: str | None, user: str | None, password: str | None
) -> EndpointConfig:
    # imported here, like the library in every command, to keep `kg --help` fast
    from ..store.endpoint import EndpointConfig

    return EndpointConfig.make(endpoint, update_url, graph_store, user, password)


def push_after_build(result: BuildResult, config: EndpointConfig) -> PushResult:
    """``kg build --endpoint``: write the changed named graphs of the finished build to the
    server (the timing goes into ``result.timings`` as the ``push`` stage)."""
    from ..pipeline.push import push_build
    from ..store.endpoint import PushError

    start = time.perf_counter()
    try:
        pushed = push_build(result.out, config)
    except PushError as exc:
        raise PushError(f"{result.out} is built, but writing it to the SPARQL server failed: {exc}") from None
    took = time.perf_counter() - start
    total = result.timings.pop("total", 0.0)
    result.timings["push"] = took
    result.timings["total"] = total + took
    return pushed


def register(main: click.Group) -> None:
    @main.command()
    @click.argument("out", default="out", type=click.Path())
    @click.option("--endpoint", metavar="URL", required=True, help="SPARQL query endpoint of the server.")
    @endpoint_write_options
    @click.option("--force", is_flag=True, help="Replace every graph, even those unchanged since the last push.")
    @click.option("--batch", default=500, show_default=True, help="Triples per INSERT DATA request.")
    @click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
    @handle_errors
    def push(
        out: str, endpoint: str, update_url: str | None, graph_store: str | None, user: str | None,
        password: str | None, force: bool, batch: int, quiet: bool,
    ) -> None:
        """Write the named graphs of the build folder OUT to a SPARQL 1.1 server.

        Each document's graph (and each region's gazetteer graph) replaces the graph of
        the same name on the server: DROP + INSERT DATA in batches, or a Graph Store PUT
        with --graph-store. Graphs unchanged since the last push to the same server are
        skipped; graphs no longer in the build are dropped.
        """
        from ..pipeline.push import push_build

        config = make_config(endpoint, update_url, graph_store, user, password)
        result = push_build(require_build(out), config, force=force, batch=max(1, batch), progress=progress_bar(quiet, "pushing", 5))
        click.echo(result.summary())

