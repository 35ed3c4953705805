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
"""

from __future__ import annotations

from collections.abc import Collection
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import KgError, UsageError

if TYPE_CHECKING:
    from . import BuildResult

__all__ = ["ARTIFACT_GROUP", "ArtifactWriter", "artifact_writers", "write_artifacts"]

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


def write_artifacts(out: Path, result: BuildResult | None = None, names: Collection[str] | None = None) -> None:
    """Run the artifact writers (all, or those in ``names``) on the folder ``out``: the
    build's new folder, with its ``result``, or a finished build folder, in place
    (``kg report``, after a build that left them out)."""
    for _, writer in artifact_writers(names):
        writer(out, result)
