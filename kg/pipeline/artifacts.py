"""Artifact writers: what a build writes besides the graph files and the store (the
workload tables, the report and views).

Writers register in the entry-point group ``kg.artifacts`` (as rdflib's plugins and
Datasette's hooks do), so that the build never imports the packages above it
(:mod:`kg.analysis`, :mod:`kg.visualize`)::

    [project.entry-points."kg.artifacts"]
    workload = "kg.analysis.workload_outputs:write_workload_outputs"

A writer is called with the (temporary) build folder and the :class:`~kg.pipeline.BuildResult`
(``None`` for a finished folder, with ``kg report``). Writers run by their ``run_order``
attribute (default 50), then by name: a writer that leaves something in
``BuildResult.shared`` for the others (the workload ranking) runs first.

A writer may leave the writing of its files to a child process and hand :func:`defer` the
function that waits for it: the next writers run meanwhile, and :func:`write_artifacts`
returns only when every such child is done (or raises its error).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import KgError, UsageError

if TYPE_CHECKING:
    from . import BuildResult

__all__ = ["ARTIFACT_GROUP", "ArtifactWriter", "artifact_writers", "defer", "write_artifacts"]

ARTIFACT_GROUP = "kg.artifacts"
DEFAULT_RUN_ORDER = 50


class ArtifactWriter(Protocol):
    def __call__(self, tmp_out: Path, result: BuildResult | None) -> None: ...


def artifact_writers(names: Collection[str] | None = None) -> list[tuple[str, ArtifactWriter]]:
    """The registered writers, ``(name, writer)`` in run order; only those in ``names``
    when given (a name that is not registered is an error)."""
    found = {ep.name: ep for ep in entry_points(group=ARTIFACT_GROUP)}
    if not found:
        raise KgError(
            f"no artifact writers are registered (entry-point group {ARTIFACT_GROUP}): "
            "kg's installed metadata is out of date; install it again with `pip install -e .`"
        )
    if names is not None:
        unknown = sorted(set(names) - set(found))
        if unknown:
            raise UsageError(f"artifact writers {', '.join(unknown)}: not registered (known: {', '.join(sorted(found))})")
        found = {n: ep for n, ep in found.items() if n in names}
    writers: list[tuple[str, ArtifactWriter]] = []
    for name, ep in found.items():
        try:
            writers.append((name, ep.load()))
        except (ImportError, AttributeError) as exc:
            raise KgError(f"artifact writer {name} ({ep.value}) cannot be loaded: {exc}") from None
    writers.sort(key=lambda nw: (getattr(nw[1], "run_order", DEFAULT_RUN_ORDER), nw[0]))
    return writers


# the waits handed to defer() by the writers write_artifacts is running (None outside it)
_deferred: list[Callable[[], None]] | None = None


def defer(wait: Callable[[], None]) -> bool:
    """Called by a writer that left work running: ``wait`` (which waits for it, raising its
    error) is called once every writer of this :func:`write_artifacts` has run. False when
    no :func:`write_artifacts` is running (a writer called directly): the writer waits itself."""
    if _deferred is None:
        return False
    _deferred.append(wait)
    return True


def write_artifacts(out: Path, result: BuildResult | None = None, names: Collection[str] | None = None) -> None:
    """Run the artifact writers (all, or those in ``names``) on the folder ``out``: the
    build's new folder, with its ``result``, or a finished build folder, in place
    (``kg report``, after a build that left them out). Returns when every file is written."""
    global _deferred
    outer, _deferred = _deferred, []
    failed: BaseException | None = None
    try:
        for _, writer in artifact_writers(names):
            writer(out, result)
            if outer is None:
                # What the writers read (the facts, the ranking: millions of objects at
                # 100,000 tasks) lives until the last one is done: the cycle collector
                # need not walk it on every full collection (~0.6 s each), nor the forked
                # children touch its pages. Undone below.
                gc.freeze()
    finally:
        if outer is None:
            gc.unfreeze()
        pending, _deferred = _deferred, outer
        for wait in pending:  # every one, even after an error: no child writes on afterwards
            try:
                wait()
            except BaseException as exc:  # noqa: BLE001 — the first is raised below
                failed = failed or exc
    if failed is not None:
        raise failed
