"""The ``scan`` stage: the inputs, their document names and cache keys, and what the
previous build of OUT left (its cache index and state).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..models import Issue
from .cache import BuildState, doc_key, load_index, load_state, scan_digest
from .inputs import check_inputs_outside, collect_paths, document_names
from .records import BuildOptions, build_salt
from .swap import recover

__all__ = ["Inputs", "scan"]


@dataclass(frozen=True)
class Inputs:
    """What the ``scan`` stage found: the input files in order, their document names and
    cache keys, what collecting them skipped, and what the previous build of OUT had (its
    cache index, when it can be reused)."""

    files: list[Path]
    names: list[str]
    keys: list[str]
    salt: str
    collected: list[Issue]  # what collecting the inputs skipped, documents named apart
    reusable: bool  # the previous build's cache index matches these options
    prev_graphs: dict[str, str] = field(default_factory=dict)  # graph IRI → digest
    prev_keys: frozenset[str] = frozenset()
    previous: BuildState = field(default_factory=BuildState)  # the previous build's state, when reusable
    stats: dict[str, tuple[tuple[int, int, int, int, int], str]] = field(default_factory=dict)  # path → stat, digest
    scanned: int = 0  # when the scan began (time.time_ns())


def scan(paths: Sequence[str | Path], out: Path, opts: BuildOptions, given: str | Path | None = None) -> Inputs:
    """``scan``: list the inputs, name the documents, hash each file into its cache key, and
    read the previous build's cache index (after removing what a killed build left)."""
    collected: list[Issue] = []
    links: set[str] = set()
    files = collect_paths(paths, collected, exclude=out, links=links)
    if not files:
        raise UsageError("no documents found in " + ", ".join(map(str, paths)))
    check_inputs_outside(files, out, given if given is not None else out, links)
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    salt = build_salt(opts)
    index = load_index(out) if opts.cache else None
    if index is not None and index.get("salt") != salt:
        index = None
    previous = load_state(out) if index is not None else BuildState()
    names, renamed = document_names(files)
    collected += renamed
    scanned, stats = time.time_ns(), {}  # type: ignore[var-annotated]
    # (a file named apart from its stem has that name in its key: it is in its graph)
    keys = [
        doc_key(salt, p, (scan_digest(p, previous, stats) or f"unreadable {time.time_ns()}") + ("" if name == p.stem else f"\n{name}"))
        for p, name in zip(files, names, strict=True)
    ]
    if index is None:
        return Inputs(files, names, keys, salt, collected, False, stats=stats, scanned=scanned)
    return Inputs(
        files, names, keys, salt, collected, True,
        dict(index.get("graphs", {})),  # type: ignore[call-overload]
        frozenset(index.get("keys", [])),  # type: ignore[call-overload]
        previous, stats, scanned,
    )
