"""The build: input paths → extracted documents → graph files in an output folder.

``build`` is what ``kg build`` and ``build_graph.py`` call. It never prints; it returns a
:class:`BuildResult` with counts and every warning. Output is written to a temporary
folder beside OUT and swapped in at the end, so a failed or killed build leaves the
previous output intact. Since the swap replaces OUT as a whole, OUT must be missing,
empty or an earlier kg build (:func:`check_out`, before any work), and no input may lie
inside it; the inputs never include a folder kg built (:func:`collect_paths`). Child
processes are forked (:func:`worker_context`: a plain script calling ``build`` at its top
level runs once) and end with the build (:func:`die_with_parent`).

Stages (``--verbose`` prints the time of each):

``scan``      list the inputs, hash each file (SHA-256 of its bytes);
``reuse``     hard-link the cache entries of documents whose content, kg version and data
              are unchanged (see :mod:`kg.cache`);
``extract``   read, extract and turn into quads every other document, in parallel
              processes with ``jobs`` > 1; each worker writes the document's cache entry
              and sends back only a small :class:`kg.cache.DocInfo`;
``link``      cross-document graphs: report links, each region's gazetteer and names
              graphs, the metrics graph (each made again only when its inputs changed);
``write``     the graph files (:mod:`kg.outputs`: combined or split), tasks.jsonl,
              manifest.json;
``store``     the Oxigraph store: a hard-linked checkpoint of the previous store with only
              the changed graphs replaced, or a bulk load of every chunk;
``artifacts`` the registered artifact writers;
``swap``      the new folder replaces the old one (atomically on Linux).

The parent process never holds the documents: :attr:`BuildResult.documents` loads them
from the cache when asked. A rebuild after editing one file of a thousand re-extracts
that file only and replaces its named graph in the store (and, with an endpoint, on the
server) without touching the others.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import json
import os
import pickle
import queue
import secrets
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, overload

from . import cache
from .cache import (
    CACHE_DIR,
    CACHE_DOCS,
    CACHE_FORMAT,
    CACHE_INDEX,
    CacheFolder,
    DocInfo,
    chunk_digest,
    derived_key,
    doc_key,
    file_digest,
    load_document,
    load_index,
    sorted_nquads,
    warning_json,
    write_entry,
)
from .errors import SourceError, UsageError
from .extract import DOCUMENT_FLAGS, extract_document
from .graph import document_graphs, link_quads, region_quads
from .models import DocumentKind, ExtractedDocument, Issue, StatementLink
from .outputs import (
    COMBINED_MAX_QUADS,
    GRAPH_FILES,
    PREFIXES,
    concat,
    write_combined,
    write_manifest,
    write_split,
)
from .read import read_source
from .store import STORE_DIR, load_oxigraph, update_oxigraph
from .vocab import iri_document, iri_metrics_graph, iri_names_graph, iri_region_graph

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing.context import BaseContext

__all__ = [
    "BuildOptions",
    "BuildResult",
    "build",
    "collect_paths",
    "check_out",
    "document_names",
    "worker_context",
    "die_with_parent",
    "extract_paths",
    "task_records",
    "PREFIXES",
    "SUPPORTED_SUFFIXES",
    "ARTIFACT_WRITERS",
    "CACHE_DIR",
    "load_index",
    "Documents",
    "write_artifacts",
]

SUPPORTED_SUFFIXES = {".txt", ".text", ".md", ".docx", ".xlsx", ".xlsm", ".pdf", ".html", ".htm"}

# With artifacts=None (``kg build`` without --report/--no-report), the report, views and
# workload exports are written for corpora of at most this many tasks and statements.
AUTO_REPORT_MAX_TASKS = 20_000

# With jobs=0, fewer documents than this are extracted in the main process: starting a
# worker (imports, dictionaries) costs more than it saves.
AUTO_JOBS_MIN_DOCUMENTS = 8
# ...unless this many documents are reused: reading their entries takes as long as a
# worker's start, so one worker extracts the changed ones meanwhile.
ALONGSIDE_MIN_REUSED = 200


@dataclass(frozen=True)
class BuildOptions:
    region: str | None = None
    year: int | None = None
    kind: DocumentKind | None = None
    expand_groups: bool = True
    jobs: int = 1  # worker processes; 0: one per CPU core when several documents need extracting
    strict: bool = False
    cache: bool = True  # reuse OUT/cache from the previous build
    # run the ARTIFACT_WRITERS (report, views, workload exports); None: only when the
    # corpus has at most AUTO_REPORT_MAX_TASKS tasks (they read the whole graph: minutes
    # at 100k tasks, where the graph and store take one)
    artifacts: bool | None = True
    graph_files: str = "auto"  # "combined", "split" or "auto" (see kg.outputs)


@dataclass
class BuildResult:
    out: Path
    infos: list[DocInfo] = field(default_factory=list)  # the documents built, in input order
    documents: Sequence[ExtractedDocument] = field(default_factory=list)  # loaded when read
    issues: list[Issue] = field(default_factory=list)
    links: list[StatementLink] = field(default_factory=list)
    quads: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    extracted: int = 0  # documents extracted in this build
    reused: int = 0  # documents taken from the cache
    changed_graphs: list[str] = field(default_factory=list)  # named graphs new or different
    removed_graphs: list[str] = field(default_factory=list)  # named graphs no longer built
    store_mode: str = ""  # "bulk" or "incremental"
    graph_files: str = ""  # "combined" or "split"
    push: object | None = None  # kg.push.PushResult when an endpoint was given
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
        return len({(i.region, u) for i in self.infos for u in i.units})

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


def collect_paths(
    paths: Iterable[str | Path], issues: list[Issue] | None = None, exclude: Path | None = None
) -> list[Path]:
    """Files named, and supported files found (recursively) in folders named; sorted.

    In folders, hidden files and folders are left out, and so are ``exclude`` (the build's
    own output folder) and any other folder kg built (its pages and warnings are not
    documents). What else cannot be taken — a folder that cannot be read, a broken or
    looping symlink, a symlink to a folder (not followed) — is added to ``issues``.
    """
    found: list[Path] = []
    warn = issues.append if issues is not None else (lambda issue: None)
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(_walk(p, warn, exclude)))
        elif p.exists():
            found.append(p)
        elif p.is_symlink():
            raise UsageError(f"{raw}: is a broken symlink (what it points to does not exist)")
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return found


def _walk(root: Path, warn: Callable[[Issue], None], exclude: Path | None) -> list[Path]:
    """The supported files under ``root`` (see :func:`collect_paths`)."""
    from .outputs import is_kg_build

    skip = os.path.realpath(exclude) if exclude is not None else None

    def unreadable(exc: OSError) -> None:
        warn(Issue(str(exc.filename), 0, f"folder cannot be read ({exc.strerror}); its documents are skipped", "unreadable-folder"))

    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            sub = here / name
            if name.startswith(".") or (skip is not None and os.path.realpath(sub) == skip):
                continue
            if sub.is_symlink():
                warn(Issue(str(sub), 0, "is a symlink to a folder; not followed (name the folder itself to read it)", "symlink-skipped"))
            elif is_kg_build(sub):
                warn(Issue(str(sub), 0, "is a kg build folder; its files are not read as documents", "build-folder-skipped"))
            else:
                keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            f = here / name
            if name.startswith(".") or f.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if f.is_file():
                files.append(f)
            elif f.is_symlink():
                try:
                    f.stat()
                except OSError as exc:
                    why = "a symlink loop" if exc.errno == errno.ELOOP else "a broken symlink"
                    warn(Issue(str(f), 0, f"is {why}; skipped", "symlink-skipped"))
                    continue
                warn(Issue(str(f), 0, "is a symlink to something that is not a file; skipped", "symlink-skipped"))
    return files


def _extract_one(path: Path, opts: BuildOptions, name: str | None = None) -> tuple[ExtractedDocument | None, list[Issue]]:
    try:
        source = read_source(path)
    except SourceError as exc:
        return None, [Issue(exc.path, exc.line, exc.message, "unreadable")]
    if name is not None and name != source.name:
        source = replace(source, name=name)
    doc = extract_document(source, region=opts.region, kind=opts.kind, year=opts.year)
    return doc, list(doc.issues)


def extract_paths(
    paths: Sequence[Path], opts: BuildOptions, progress: Callable[[int, int], None] | None = None
) -> tuple[list[ExtractedDocument], list[Issue]]:
    """Read and extract every document (in parallel processes when ``opts.jobs`` > 1)."""
    docs: list[ExtractedDocument] = []
    names, issues = document_names(paths)
    results: list[tuple[ExtractedDocument | None, list[Issue]]]
    if opts.jobs > 1 and len(paths) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(
            max_workers=opts.jobs, mp_context=worker_context(), initializer=_worker_init, initargs=(os.getpid(),)
        ) as pool:
            results = []
            for i, res in enumerate(pool.map(_extract_one, paths, [opts] * len(paths), names, chunksize=4)):
                results.append(res)
                if progress:
                    progress(i + 1, len(paths))
    else:
        results = []
        for i, (p, name) in enumerate(zip(paths, names, strict=True)):
            results.append(_extract_one(p, opts, name))
            if progress:
                progress(i + 1, len(paths))
    for doc, doc_issues in results:
        issues.extend(doc_issues)
        if doc is not None:
            docs.append(doc)
    return docs, issues


def document_names(paths: Sequence[Path]) -> tuple[list[str], list[Issue]]:
    """The document name of each file (it names the document's graph), and a warning for
    each file named apart from its stem. A document is named after its file (``plan.txt``:
    ``plan``). When an earlier file has that name, the folder is added (``2021/plan.txt``:
    ``plan (2021)``), or the file type when an earlier file of that name is in the same
    folder (``plan.docx``, then ``plan.txt``: ``plan (txt)``; ``plan (2021, txt)`` when the
    first ``plan`` is elsewhere); numbered when even that is taken. The same inputs always
    give the same names."""
    taken: dict[str, Path] = {}
    earlier: dict[str, list[Path]] = {}  # stem -> the files with it so far
    names: list[str] = []
    issues: list[Issue] = []
    for p in paths:
        stem = name = p.stem
        if stem in taken:
            same = earlier.get(stem) or [taken[stem]]  # (or a name given to an earlier file)
            first = same[0]
            kind = p.suffix.lstrip(".") or "file"
            if not any(e.parent == p.parent for e in same) and p.parent.name:
                tag = p.parent.name
            elif first.parent == p.parent or not p.parent.name:
                tag = kind
            else:
                tag = f"{p.parent.name}, {kind}"
            name, n = f"{stem} ({tag})", 2
            while name in taken:
                name, n = f"{stem} ({tag} {n})", n + 1
            issues.append(Issue(
                str(p), 0, f"document name {stem!r} is also the name of {first}; this one is named {name!r}",
                "duplicate-document",
            ))
        taken[name] = p
        earlier.setdefault(stem, []).append(p)
        names.append(name)
    return names, issues


def task_records(doc: ExtractedDocument) -> Iterable[dict[str, object]]:
    """The ``kg extract --format jsonl`` records of one document (a stable contract)."""
    for t in doc.tasks:
        r = t.responsibility
        yield {
            "document": doc.name,
            "id": t.number,
            "section": doc.section_title(t.section),
            "line": t.line,
            "text": t.text,
            # "unit": the gazetteer's canonical name, or the normalised name when the
            # gazetteer does not know it (listed again under "unresolved")
            "lead": [{"name": m.name, "unit": m.node_name} for m in r.lead],
            "co_lead": [{"name": m.name, "unit": m.node_name} for m in r.co_lead],
            "indicators": [
                {
                    "text": i.text, "metric": i.metric, "comparator": i.comparator,
                    "value": i.value, "unit": i.unit, "base_value": i.base_value,
                    "base_unit": i.base_unit, "kind": i.kind, "commitment": i.commitment,
                    "period": i.period,
                }
                for i in t.indicators
            ],
            "projects": [e.text for e in t.projects],
            "districts": [e.text for e in t.districts],
            "unresolved": [m.name for m in (*r.lead, *r.co_lead) if m.unit is None],
            "leaders": list(r.leaders),
            "deadline": r.deadline,
            "kind": doc.kind.value,
        }


# Writers of extra artifacts (workload tables, views): each is called with
# (tmp_out_dir, result) after the graph files and the store are written, in this order.
ARTIFACT_WRITERS: list[str] = [
    "kg.workload_outputs:write_workload_outputs",
    "kg.visualize.report:write_report",
]


def _artifact_writers() -> list[Callable[[Path, BuildResult], None]]:
    import importlib

    writers = []
    for spec in ARTIFACT_WRITERS:
        module_name, func = spec.split(":")
        writers.append(getattr(importlib.import_module(module_name), func))
    return writers


def write_artifacts(out: Path, result: BuildResult | None = None) -> None:
    """Run the artifact writers on the folder ``out``: the build's new folder, with its
    ``result``, or a finished build folder, in place (``kg report``, after a build that
    left them out)."""
    for writer in _artifact_writers():
        writer(out, result)  # type: ignore[arg-type]


def coverage_of(doc: ExtractedDocument) -> dict[str, object]:
    """Per-document coverage: numbered items found, tasks emitted, tasks without lead, unknown names."""
    unknown = sorted({m.name for t in doc.tasks for m in (*t.responsibility.lead, *t.responsibility.co_lead) if m.unit is None})
    return {
        "document": doc.name,
        "path": doc.source.path,
        "sha256": doc.source.content_hash,
        "kind": doc.kind.value,
        "region": doc.region,
        "year": doc.year,
        "encoding": doc.source.encoding,
        "numbered_items": doc.numbered_items,
        "sections": len(doc.sections),
        "tasks": len(doc.tasks),
        "tasks_without_lead": sum(1 for t in doc.tasks if not t.responsibility.lead) if doc.kind is DocumentKind.TASK_PLAN else None,
        "unknown_units": unknown,
        "warnings": len(doc.issues),
        "flags": sorted({i.code for i in doc.issues if i.code in DOCUMENT_FLAGS}),
    }


def build_salt(opts: BuildOptions) -> str:
    """The cache salt of a build with ``opts`` (see :func:`kg.cache.build_salt`)."""
    return cache.build_salt((opts.region, opts.year, opts.kind.value if opts.kind else None, opts.expand_groups))


def _doc_info(path: Path, key: str, doc: ExtractedDocument | None, issues: list[Issue]) -> DocInfo:
    info = DocInfo(key=key, path=str(path), issues=issues)
    if doc is None:
        return info
    units: set[str] = set()
    groups: set[str] = set()
    for t in doc.tasks:
        for m in (*t.responsibility.lead, *t.responsibility.co_lead):
            if m.kind == "unit":
                units.add(m.unit or m.name)
            elif m.kind == "group" and m.unit:
                groups.add(m.unit)
    info.name, info.region, info.kind = doc.name, doc.region, doc.kind.value
    info.tasks, info.sections = len(doc.tasks), len(doc.sections)
    info.units, info.groups = sorted(units), sorted(groups)
    return info


def _process_one(path: Path, opts: BuildOptions, key: str, dest: Path, name: str | None = None) -> DocInfo:
    """Worker: read and extract one document, make its quads, write its cache entry."""
    doc, issues = _extract_one(path, opts, name)
    info = _doc_info(path, key, doc, issues)
    chunks = (b"", b"", b"")
    records: list[dict[str, object]] = []
    if doc is not None:
        own, names, metrics = document_graphs(doc, opts.expand_groups)
        chunks = (sorted_nquads(own), sorted_nquads(names), sorted_nquads(metrics))
        records = list(task_records(doc))
    write_entry(dest, info, doc, chunks, records, coverage_of(doc) if doc is not None else {})
    return info


def _process_star(args: tuple[Path, BuildOptions, str, Path, str]) -> DocInfo:
    return _process_one(*args)


# Extraction allocates millions of short-lived objects (quads, tokens, spans) next to
# long-lived memo tables; with Python's default thresholds the cyclic collector walks
# those tables again and again (~10% of a worker's time). Nothing extraction makes is
# cyclic garbage worth collecting early, so it runs with collections 40x rarer.
_EXTRACT_GC_THRESHOLD = (30_000, 20, 20)
_WORKER_NICENESS = 5


def _extraction_warm() -> bool:
    """Whether this process has already paid for extraction's imports (spaCy)."""
    return "spacy" in sys.modules


def worker_context() -> BaseContext:
    """The start method of kg's child processes: ``fork`` where it is safe (Linux and the
    other POSIX systems but macOS). It does not run the caller's ``__main__`` again, so a
    plain script that calls :func:`build` at its top level, without the ``if __name__ ==
    "__main__":`` guard, runs once (``spawn`` and ``forkserver`` import the script again in
    each child). Elsewhere ``spawn``, where scripts need that guard."""
    import multiprocessing

    if sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def die_with_parent(parent: int) -> None:
    """In a child process: end when the process ``parent`` ends, even when it is killed
    with SIGKILL (it cannot stop its children then). Linux: the kernel sends SIGKILL
    (``PR_SET_PDEATHSIG``); elsewhere a thread checks the parent every second."""
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            pr_set_pdeathsig = 1
            armed = ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before this
        os._exit(1)
    if not armed:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, name="kg-parent-watch", daemon=True).start()


def _worker_init(parent: int) -> None:
    die_with_parent(parent)
    gc.freeze()  # what the worker inherited (modules, gazetteers) is never garbage
    gc.set_threshold(*_EXTRACT_GC_THRESHOLD)
    # The store's bulk load (a thread of the parent) goes first: it takes each chunk as
    # soon as it is written, so when the last document is extracted little is left to
    # load; at equal priority it falls behind and the build ends waiting for it.
    with contextlib.suppress(OSError):
        os.nice(_WORKER_NICENESS)


@contextlib.contextmanager
def _rare_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*_EXTRACT_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)


class _BackgroundLoad:
    """A bulk load of the store in a thread, fed chunk files as they are ready."""

    def __init__(self, target: Path) -> None:
        self._queue: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._done = False
        self._thread = threading.Thread(target=self._run, args=(target,), name="kg-store-load", daemon=True)
        self._thread.start()

    def _run(self, target: Path) -> None:
        try:
            load_oxigraph(iter(self._queue.get, None), target)
        except BaseException as exc:  # noqa: BLE001 - handed to the build's thread
            self._error = exc

    def add(self, chunk: Path) -> None:
        self._queue.put(chunk)

    def finish(self) -> None:
        """Wait for the load to end; raise what it raised."""
        self._done = True
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def abort(self) -> None:
        if not self._done:
            self._done = True
            self._queue.put(None)
            self._thread.join()


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


@dataclass
class _Graph:
    """One named graph of the output: its chunk (sorted N-Quads), digest, size, and the
    name of its file in the split layout."""

    iri: str
    chunk: Path
    digest: str
    quads: int
    file: str


def _derived(folder: CacheFolder, key: str, make: Callable[[], bytes]) -> Path | None:
    """The derived chunk ``KEY.nq``: from the cache, or made now. None when it is empty."""
    folder.use(key)
    target = folder.path / f"{key}.nq"
    if not target.is_file():
        target.write_bytes(make())
    return target if target.stat().st_size else None


def _graph_of_chunk(iri: str, chunk: Path, file: str) -> _Graph:
    data = chunk.read_bytes()
    return _Graph(iri, chunk, chunk_digest(data), data.count(b"\n"), file)


def _file_part(text: str) -> str:
    return text.replace("/", "_").replace("\\", "_") or "_"


def _document_file(name: str) -> str:
    """The file name (without ``.nq``) of a document's graph in the split layout. The
    shared graphs' files start with ``_`` (``_metrics``, ``_names-REGION``…): a document
    named so (or starting with ``~``) gets a ``~`` in front, so no two graphs share a file
    (the mapping is one-to-one). Names too long for a file name end in a hash instead."""
    part = _file_part(name)
    if part.startswith(("_", "~")):
        part = "~" + part
    if len(os.fsencode(part)) > 200:
        digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        part = os.fsencode(part)[:150].decode("utf-8", "ignore") + "~" + digest
    return part


def _union(folder: CacheFolder, infos: Sequence[DocInfo], suffix: str) -> set[bytes]:
    """The lines of the documents' ``suffix`` chunks, without repeats."""
    lines: set[bytes] = set()
    for info in infos:
        lines.update((folder.path / f"{info.key}{suffix}").read_bytes().splitlines())
    return lines


def _shared_graphs(infos: Sequence[DocInfo], folder: CacheFolder) -> list[_Graph]:
    """Each region's gazetteer and names graphs, and the metrics graph."""
    from .gazetteer import load_gazetteer

    regions: dict[str, list[DocInfo]] = {}
    for info in infos:
        regions.setdefault(info.region, []).append(info)
    out: list[_Graph] = []
    for region, members in sorted(regions.items()):
        groups = sorted({g for i in members for g in i.groups})
        gkey = derived_key("gazetteer", region, *groups)
        gazetteer = _derived(
            folder, gkey,
            lambda region=region, groups=groups: sorted_nquads(region_quads(load_gazetteer(region), groups)),  # type: ignore[misc]
        )
        if gazetteer:
            out.append(_graph_of_chunk(str(iri_region_graph(region)), gazetteer, f"_gazetteer-{_file_part(region)}"))

        def names(members: list[DocInfo] = members, gazetteer: Path | None = gazetteer) -> bytes:
            lines = _union(folder, members, ".names.nq")
            if gazetteer:  # what the gazetteer graph says (an area it knows) is not said again
                known = {line.rsplit(b" ", 2)[0] for line in gazetteer.read_bytes().splitlines()}
                lines = {line for line in lines if line.rsplit(b" ", 2)[0] not in known}
            return sorted_nquads(lines)

        # made again only when what the documents contribute changed (most edits do not)
        chunk = _derived(folder, derived_key("names", region, gkey, *sorted({i.names_digest for i in members})), names)
        if chunk:
            out.append(_graph_of_chunk(str(iri_names_graph(region)), chunk, f"_names-{_file_part(region)}"))
    iri = str(iri_metrics_graph())
    chunk = _derived(
        folder, derived_key("metrics", *sorted({i.metrics_digest for i in infos})),
        lambda: sorted_nquads(_union(folder, infos, ".metrics.nq")),
    )
    if chunk:
        out.append(_graph_of_chunk(iri, chunk, "_metrics"))
    return out


def _report_links(infos: Sequence[DocInfo], folder: CacheFolder) -> tuple[list[StatementLink], dict[str, Path]]:
    """Links from each work report's statements to similar tasks of its region's plans:
    the links, and per report the chunk of its graph with its link quads merged in.
    Cached by the keys of the report and the plans, so unchanged regions load nothing."""
    from .linking import infer_units, link_statements

    plans: dict[str, list[DocInfo]] = {}
    for info in infos:
        if info.is_plan:
            plans.setdefault(info.region, []).append(info)
    loaded: dict[str, ExtractedDocument] = {}

    def doc(info: DocInfo) -> ExtractedDocument:
        if info.key not in loaded:
            loaded[info.key] = load_document(folder.path, info.key)
        return loaded[info.key]

    links: list[StatementLink] = []
    merged: dict[str, Path] = {}
    for info in infos:
        if info.kind != DocumentKind.WORK_REPORT.value or not plans.get(info.region):
            continue
        region_plans = plans[info.region]
        lkey = derived_key("links", info.key, *(p.key for p in region_plans))
        folder.use(lkey)
        cached = folder.path / f"{lkey}.links.pkl"
        if cached.is_file():
            found, quads = pickle.loads(cached.read_bytes())
        else:
            report = doc(info)
            plan_docs = [doc(p) for p in region_plans]
            found = link_statements(report, plan_docs)
            quads = sorted_nquads(link_quads(report, found, infer_units(found, plan_docs)))
            cached.write_bytes(pickle.dumps((found, quads), protocol=pickle.HIGHEST_PROTOCOL))
        links.extend(found)
        if quads:
            merged[info.key] = _derived(  # type: ignore[assignment]
                folder, derived_key("merged", info.key, lkey),
                lambda info=info, quads=quads: sorted_nquads([*(folder.path / f"{info.key}.nq").read_bytes().splitlines(), *quads.splitlines()]),  # type: ignore[misc]
            )
    return links, merged


def _write_index(tmp: Path, salt: str, keys: Sequence[str], graphs: Sequence[_Graph]) -> None:
    data = {
        "format": CACHE_FORMAT,
        "salt": salt,
        "keys": list(keys),
        "graphs": {g.iri: g.digest for g in graphs},
        "chunks": {g.iri: f"{CACHE_DOCS}/{g.chunk.name}" for g in graphs},
    }
    (tmp / CACHE_DIR / CACHE_INDEX).write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------
# the atomic swap


def _rename_exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def _temp_stem(out: Path) -> str:
    """The start of the names of the build's temporary folders beside ``out``: ``.NAME``,
    or a hash of a name too long for a suffix (file names are at most 255 bytes)."""
    name = out.name
    if len(os.fsencode(name)) > 200:
        name = "kg-" + hashlib.sha256(os.fsencode(name)).hexdigest()[:16]
    return f".{name}"


def _make_temp(out: Path) -> Path:
    """A new, empty folder beside ``out`` for the build to write into. Made with the
    umask's mode (as any new folder), since it becomes OUT."""
    for _ in range(100):
        tmp = out.parent / f"{_temp_stem(out)}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            tmp.mkdir()
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "cannot make a temporary folder", str(out.parent))


def _rmtree(path: Path) -> None:
    """Remove a folder kg made, also when parts of it were made read-only."""

    root = os.fspath(path)

    def retry(func: Callable[..., object], p: str, _exc: object) -> None:
        parent = os.path.dirname(p)
        if parent != root and not parent.startswith(root + os.sep):
            return  # (never touch what is outside the folder)
        with contextlib.suppress(OSError):
            os.chmod(parent, 0o700)
            func(p)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=retry)
    else:
        shutil.rmtree(path, onerror=retry)


def _swap_in(tmp: Path, out: Path) -> None:
    """Replace ``out`` with ``tmp`` so that a reader sees the old or the new output, never half.

    On Linux both folders are exchanged in one system call; elsewhere the old folder is
    renamed aside first (and :func:`_recover` puts it back if the process dies between
    the two renames).
    """
    if out.exists() and _rename_exchange(tmp, out):
        _rmtree(tmp)
        return
    old = None
    if out.exists():
        old = out.with_name(f"{_temp_stem(out)}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        _rmtree(old)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _recover(out: Path) -> None:
    """Clean up after a killed build: restore an output renamed aside, drop stale temp folders."""
    if not out.parent.is_dir():
        return
    stem = _temp_stem(out)
    for p in out.parent.iterdir():
        if not p.name.startswith(f"{stem}.") or p.is_symlink() or not p.is_dir():
            continue  # (kg before 0.2 renamed a file or symlink OUT aside: the user's, kept)
        rest = p.name[len(stem) + 1 :]
        kind, _, tail = rest.partition("-")
        pid_text = tail.split("-", 1)[0]
        if kind not in ("tmp", "old") or not pid_text.isdigit():
            continue
        if int(pid_text) != os.getpid() and _pid_alive(int(pid_text)):
            continue  # another build is running
        if kind == "old" and not out.exists():
            os.replace(p, out)
            continue
        # a killed build had taken the cache entries over: give them back
        taken = p / CACHE_DIR / CACHE_DOCS
        if kind == "tmp" and taken.is_dir() and (out / CACHE_DIR).is_dir() and not (out / CACHE_DIR / CACHE_DOCS).exists():
            os.rename(taken, out / CACHE_DIR / CACHE_DOCS)
        _rmtree(p)


def check_out(out: str | Path) -> Path:
    """The folder a build may write to for the ``-o`` value ``out``, as an absolute path;
    else a :class:`UsageError` saying why not. A build replaces its output folder as a
    whole, so OUT must be missing, empty, or a folder kg built (:func:`kg.outputs.is_kg_build`);
    never a file, the current folder or one holding it. A symlink to a kg build (or an
    empty folder) is followed: the build replaces the folder it points to, the link stays."""
    from .outputs import is_kg_build

    text = os.fspath(out)
    if not text.strip():
        raise UsageError("the output folder name is empty: give one with -o, e.g. -o out")
    path = Path(os.path.abspath(text))  # "." and "./" are the current folder
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        if not (is_kg_build(target) or target.is_dir() and next(target.iterdir(), None) is None):
            raise UsageError(f"{text}: is a symlink (to {target}), not a kg build folder; refusing to replace it")
        path = target
    here = Path.cwd().resolve()
    if path == here or path in here.parents:
        raise UsageError(
            f"{text}: is the current folder or holds it, and a build replaces its output folder; "
            f"name a folder of its own, e.g. -o {os.path.join(text, 'out')}"
        )
    if path.exists():
        if not path.is_dir():
            raise UsageError(f"{text}: is a file, not a kg build folder; refusing to replace it (choose another -o)")
        if not is_kg_build(path) and next(path.iterdir(), None) is not None:
            raise UsageError(
                f"{text}: is a folder that kg did not build (no kg manifest.json) and is not empty; "
                "refusing to replace what it holds (choose another -o, or a new or empty folder)"
            )
        # (the mode too: root may write anywhere, but a folder made read-only says "keep")
        if not os.access(path, os.W_OK | os.X_OK) or not path.stat().st_mode & 0o222:
            raise UsageError(f"{text}: the build folder is read-only; refusing to replace it (make it writable or choose another -o)")
    return path


def _check_inputs_outside(files: Sequence[Path], out: Path, given: str | Path) -> None:
    """A build replaces OUT as a whole: no input may live in it."""
    real = os.path.realpath(out)
    for f in files:
        here = os.path.realpath(f)
        if here == real or here.startswith(real.rstrip(os.sep) + os.sep):
            raise UsageError(f"{f}: is inside the output folder {given}, which the build replaces; move it or choose another -o")


# ---------------------------------------------------------------------------------------
# the build


def build(
    paths: Sequence[str | Path],
    out: str | Path,
    opts: BuildOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
    endpoint: object | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``paths`` into the folder ``out``.

    ``endpoint`` (a :class:`kg.push.EndpointConfig`) also writes the changed named graphs
    to that SPARQL server once the local output is in place.
    """
    opts = opts or BuildOptions()
    if opts.graph_files not in GRAPH_FILES:
        raise UsageError(f"graph files: {opts.graph_files!r} is not one of {', '.join(GRAPH_FILES)}")
    given = out
    out = check_out(out)
    result = BuildResult(out=out)
    timings: dict[str, float] = {}
    clock = [time.perf_counter()]

    def stage(name: str) -> None:
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock[0]
        clock[0] = now

    t_start = clock[0]
    collected: list[Issue] = []  # what collecting the inputs skipped
    files = collect_paths(paths, collected, exclude=out)
    if not files:
        raise UsageError("no documents found in " + ", ".join(map(str, paths)))
    _check_inputs_outside(files, out, given)
    out.parent.mkdir(parents=True, exist_ok=True)
    _recover(out)
    salt = build_salt(opts)
    index = load_index(out) if opts.cache else None
    if index is not None and index.get("salt") != salt:
        index = None
    prev_graphs: dict[str, str] = dict(index.get("graphs", {})) if index else {}  # type: ignore[call-overload]
    prev_keys: set[str] = set(index.get("keys", [])) if index else set()  # type: ignore[call-overload]
    doc_names, renamed = document_names(files)
    collected += renamed
    # (a file named apart from its stem has that name in its key: it is in its graph)
    keys = [
        doc_key(salt, p, (file_digest(p) or f"unreadable {time.time_ns()}") + ("" if name == p.stem else f"\n{name}"))
        for p, name in zip(files, doc_names, strict=True)
    ]
    stage("scan")

    tmp = _make_temp(out)
    (tmp / CACHE_DIR).mkdir()
    folder = CacheFolder(tmp / CACHE_DIR / CACHE_DOCS)
    prev_folder = out / CACHE_DIR / CACHE_DOCS
    taken = False
    held: set[str] = set()
    loader: _BackgroundLoad | None = None
    try:
        # take the previous build's cache entries over (given back if this build fails)
        if index is not None and prev_folder.is_dir():
            os.rename(prev_folder, folder.path)
            taken = True
            held = {n.split(".", 1)[0] for n in os.listdir(folder.path)}  # keys given back on failure
        else:
            folder.path.mkdir()
        dest = folder.path
        infos: list[DocInfo | None] = [None] * len(files)
        todo: list[int] = []
        reuse: list[int] = []
        for i, key in enumerate(keys):
            folder.use(key)
            (reuse if key in prev_keys and folder.has(key) else todo).append(i)
        result.extracted, result.reused = len(todo), len(reuse)
        result.issues.extend(collected)
        # the store: when much changed it is bulk-loaded from scratch, in a thread that
        # takes each document's chunk as soon as it is settled (the load waits on the
        # disk while the workers use the processors); else updated at the end
        prev_store = out / STORE_DIR
        gone = len(prev_keys - set(keys))
        incremental = index is not None and prev_store.is_dir() and len(todo) + gone <= max(8, len(files) // 5)
        loader = None if incremental else _BackgroundLoad(tmp / STORE_DIR)
        kept: list[DocInfo] = []
        settled = 0

        def settle() -> None:
            """Take the documents in input order as they are done (their warnings, in
            order) and hand their chunks to the loader."""
            nonlocal settled
            while settled < len(infos) and infos[settled] is not None:
                info = infos[settled]
                settled += 1
                assert info is not None
                result.issues.extend(info.issues)
                if info.name is None:
                    continue
                kept.append(info)
                if loader is not None and info.kind != DocumentKind.WORK_REPORT.value and info.quads:
                    loader.add(dest / f"{info.key}.nq")  # a report's graph waits for its links

        # extract what changed, in worker processes when jobs > 1, or when a few documents
        # changed among many kept ones: then one worker extracts them (importing spaCy,
        # ~0.6 s) while this process reads the kept entries. Workers send back only the
        # small DocInfo, the rest stays in the cache entry.
        jobs = min(opts.jobs or (os.cpu_count() or 1 if len(todo) >= AUTO_JOBS_MIN_DOCUMENTS else 1), len(todo))
        alongside = jobs == 1 and len(reuse) >= ALONGSIDE_MIN_REUSED and not _extraction_warm()
        args = [(files[i], opts, keys[i], dest, doc_names[i]) for i in todo]
        pool = None
        if jobs > 1 or alongside:
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(
                max_workers=jobs, mp_context=worker_context(), initializer=_worker_init, initargs=(os.getpid(),)
            )
        try:
            extracted = pool.map(_process_star, args, chunksize=1) if pool is not None else None
            for i in reuse:
                infos[i] = folder.info(keys[i])
            settle()
            stage("reuse")
            done, total = result.reused, len(files)
            if progress and done:
                progress(done, total)
            if extracted is not None:
                for i, info in zip(todo, extracted, strict=True):
                    infos[i] = info
                    settle()
                    done += 1
                    if progress:
                        progress(done, total)
            else:
                with _rare_collections():
                    for i, a in zip(todo, args, strict=True):
                        infos[i] = _process_one(*a)
                        settle()
                        done += 1
                        if progress:
                            progress(done, total)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        stage("extract")
        result.infos = kept
        result.documents = Documents(dest, [i.key for i in kept])

        # cross-document graphs: report links (merged into the reports' graphs), each
        # region's gazetteer and names graphs, the metrics graph
        result.links, merged = _report_links(kept, folder)
        graphs = [
            _graph_of_chunk(str(iri_document(i.name)), merged[i.key], _document_file(i.name)) if i.key in merged  # type: ignore[arg-type]
            else _Graph(str(iri_document(i.name)), dest / f"{i.key}.nq", i.digest, i.quads, _document_file(i.name))  # type: ignore[arg-type]
            for i in kept
        ]
        graphs = [g for g in graphs if g.quads]
        shared = _shared_graphs(kept, folder)
        if loader is not None:
            for i in kept:
                if i.kind == DocumentKind.WORK_REPORT.value:
                    loader.add(merged.get(i.key, dest / f"{i.key}.nq"))
            for g in shared:
                loader.add(g.chunk)
        graphs += shared
        graphs.sort(key=lambda g: f"<{g.iri}>")
        result.quads = sum(g.quads for g in graphs)
        result.changed_graphs = [g.iri for g in graphs if prev_graphs.get(g.iri) != g.digest]
        result.removed_graphs = sorted(set(prev_graphs) - {g.iri for g in graphs})
        stage("link")

        # the graph files, tasks.jsonl, manifest.json, the cache index
        mode = opts.graph_files
        if mode == "auto":
            mode = "combined" if result.quads <= COMBINED_MAX_QUADS else "split"
        result.graph_files = mode
        if mode == "combined":
            write_combined(tmp, [g.chunk for g in graphs])
        else:
            write_split(tmp, [(g.file, g.chunk) for g in graphs])
        _write_reports(tmp, result, folder.path, [i for i in infos if i is not None], collected)
        _write_index(tmp, salt, keys, graphs)
        for f in (out / CACHE_DIR).glob("pushed-*.json") if out.is_dir() else ():
            shutil.copy2(f, tmp / CACHE_DIR / f.name)
        folder.collect()
        stage("write")

        # the store: update the previous one (a hard-linked checkpoint), or wait for the
        # bulk load to end
        changed = set(result.changed_graphs)
        if loader is not None:
            loader.finish()
            result.store_mode = "bulk"
        else:
            try:
                update_oxigraph(
                    prev_store, tmp / STORE_DIR,
                    remove=[*sorted(changed), *result.removed_graphs],
                    add=[g.chunk for g in graphs if g.iri in changed],
                )
                result.store_mode = "incremental"
            except (OSError, RuntimeError, ValueError):
                shutil.rmtree(tmp / STORE_DIR, ignore_errors=True)
        if not result.store_mode:
            load_oxigraph([g.chunk for g in graphs], tmp / STORE_DIR)
            result.store_mode = "bulk"
        stage("store")
        result.artifacts = bool(opts.artifacts) or (
            opts.artifacts is None and result.tasks + result.summary()["statements"] <= AUTO_REPORT_MAX_TASKS
        )
        if result.artifacts:
            write_artifacts(tmp, result)
        stage("artifacts")
        _swap_in(tmp, out)
        result.documents.folder = out / CACHE_DIR / CACHE_DOCS
        stage("swap")
    except BaseException:
        if loader is not None:
            loader.abort()
        if taken and folder.path.is_dir() and (out / CACHE_DIR).is_dir():
            # the entries this build added go (a build that failed on a full disk must
            # not leave the disk full), the previous build's go back
            for name in os.listdir(folder.path):
                if name.split(".", 1)[0] not in held:
                    with contextlib.suppress(OSError):
                        os.unlink(folder.path / name)
            os.rename(folder.path, prev_folder)
        _rmtree(tmp)
        raise
    if endpoint is not None:
        from .push import PushError, push_build

        try:
            result.push = push_build(out, endpoint)  # type: ignore[arg-type]
        except PushError as exc:
            raise PushError(f"{out} is built, but writing it to the SPARQL server failed: {exc}") from None
        stage("push")
    timings["total"] = time.perf_counter() - t_start
    result.timings = timings
    return result


def _write_reports(
    tmp: Path, result: BuildResult, folder: Path, infos: Sequence[DocInfo],
    collected: Sequence[Issue] = (),
) -> None:
    """tasks.jsonl (the documents' task records, in input order), manifest.json and
    warnings.txt, from the fragments in each document's cache entry; ``collected``, what
    collecting the inputs skipped, comes first."""
    concat([folder / f"{i.key}.jsonl" for i in result.infos], tmp / "tasks.jsonl")
    warnings: list[Path | bytes] = [warning_json(i).encode() for i in collected]
    text: list[Path | bytes] = [f"{i}\n".encode() for i in collected]
    for info in infos:
        warnings.append(folder / f"{info.key}.warnings.json")
        text.append(folder / f"{info.key}.warnings.txt")
    documents: list[Path | bytes] = [folder / f"{i.key}.manifest.json" for i in result.infos]
    head = {"summary": result.summary(), "graph_files": result.graph_files}
    write_manifest(tmp, head, documents, warnings, text)
