"""What a pool of the build's workers runs: :func:`process_entry` and :func:`warm_up_entry`
import extraction in the worker. ``import kg.pipeline`` loads this module and
:mod:`kg.pipeline.processes`, not :mod:`kg.pipeline.workers`: a rebuild that extracts one
document in a worker forked before the scan does not pay spaCy's, rdflib's and the
readers' imports in the build process first (the worker imports them while the build
scans).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .cache import DocInfo
    from .records import BuildOptions


def process_entry(args: tuple[Path, BuildOptions, str, Path, str]) -> DocInfo:
    """What a pool's worker runs for one document: :func:`kg.pipeline.workers.process_one`
    (imported in the worker, see the module's docstring)."""
    from .workers import process_one

    return process_one(*args)


def warm_up_entry(opts: BuildOptions) -> None:
    """:func:`kg.pipeline.workers.warm_up`, imported in the worker."""
    from .workers import warm_up

    warm_up(opts)
