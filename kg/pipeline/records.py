"""What a build is given and what it returns: :class:`BuildOptions`, :class:`BuildResult`
(with :class:`Documents`, loaded from the cache when read).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from ..models import DocumentKind, ExtractedDocument, Issue, StatementLink
from . import cache
from .cache import (
    CACHE_DIR,
    CACHE_DOCS,
    DocInfo,
    load_document,
)


@dataclass(frozen=True)
class BuildOptions:
    region: str | None = None
    year: int | None = None
    kind: DocumentKind | None = None
    expand_groups: bool = True
    jobs: int = 1  # worker processes; 0: one per CPU core when several documents need extracting
    cache: bool = True  # reuse OUT/cache from the previous build
    # run the artifact writers (report, views, workload exports: kg.pipeline.artifacts); None:
    # only when the corpus has at most AUTO_REPORT_MAX_TASKS tasks (they read the whole
    # graph: minutes at 100k tasks, where the graph and store take one)
    artifacts: bool | None = True
    # the artifact writers to run, by their entry-point names; None: every one registered
    artifact_writers: tuple[str, ...] | None = None
    graph_files: str = "auto"  # "combined", "split" or "auto" (see kg.layout)


@dataclass
class BuildResult:
    out: Path
    infos: list[DocInfo] = field(default_factory=list)  # the documents built, in input order
    documents: Sequence[ExtractedDocument] = field(default_factory=list)  # loaded when read
    issues: list[Issue] = field(default_factory=list)
    # the warnings of collecting the inputs and of the documents extracted in this build
    # (not those of the documents reused from the previous build: kg build prints these)
    fresh_issues: list[Issue] = field(default_factory=list)
    links: list[StatementLink] = field(default_factory=list)
    quads: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    extracted: int = 0  # documents extracted in this build
    reused: int = 0  # documents taken from the cache
    changed_graphs: list[str] = field(default_factory=list)  # named graphs new or different
    removed_graphs: list[str] = field(default_factory=list)  # named graphs no longer built
    store_mode: str = ""  # "bulk" or "incremental"
    graph_files: str = ""  # "combined" or "split"
    # what an artifact writer computed for the writers after it (e.g. the workload
    # ranking, computed once per build), under a name the writer chooses
    shared: dict[str, object] = field(default_factory=dict)
    artifacts: bool = False  # whether the artifact writers ran

    @property
    def tasks(self) -> int:
        return sum(i.tasks for i in self.infos if i.is_plan)

    @property
    def sections(self) -> int:
        return sum(i.sections for i in self.infos)

    @property
    def units(self) -> int:
        """Distinct units by region (each document's list added at once: ten thousand
        documents name ~150,000 units)."""
        by_region: dict[str, set[str]] = {}
        for i in self.infos:
            by_region.setdefault(i.region, set()).update(i.units)
        return sum(map(len, by_region.values()))

    @property
    def coverage(self) -> list[dict[str, object]]:
        """manifest.json's per-document entries (see :func:`coverage_of`), read from the cache."""
        folder = self.out / CACHE_DIR / CACHE_DOCS
        return [json.loads((folder / f"{i.key}.manifest.json").read_bytes()) for i in self.infos]

    def summary(self) -> dict[str, int]:
        return {
            "documents": len(self.infos),
            "sections": self.sections,
            "tasks": self.tasks,
            "statements": sum(i.tasks for i in self.infos if i.kind == DocumentKind.WORK_REPORT.value),
            "units": self.units,
            "quads": self.quads,
            "warnings": len(self.issues),
        }


def build_salt(opts: BuildOptions) -> str:
    """The cache salt of a build with ``opts`` (see :func:`kg.pipeline.cache.build_salt`)."""
    return cache.build_salt((opts.region, opts.year, opts.kind.value if opts.kind else None, opts.expand_groups))


class Documents(Sequence[ExtractedDocument]):
    """The documents of a build, loaded from its cache one at a time when asked for: a
    build of a million tasks never holds them all in memory."""

    def __init__(self, folder: Path, keys: Sequence[str]) -> None:
        self.folder = folder
        self._keys = list(keys)

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, i: int) -> ExtractedDocument: ...
    @overload
    def __getitem__(self, i: slice) -> list[ExtractedDocument]: ...
    def __getitem__(self, i: int | slice) -> ExtractedDocument | list[ExtractedDocument]:
        if isinstance(i, slice):
            return [load_document(self.folder, k) for k in self._keys[i]]
        return load_document(self.folder, self._keys[i])
