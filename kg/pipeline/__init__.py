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

``scan``      list the inputs, hash each file (SHA-256 of its bytes; a file whose stat is
              unchanged since the previous build keeps its digest), read the previous
              build's index and state (:class:`kg.pipeline.cache.BuildState`);
``reuse``     take the cache entries of documents whose content, kg version and data are
              unchanged (see :mod:`kg.pipeline.cache`), their infos from the state;
``extract``   read, extract and turn into quads every other document, in parallel
              processes with ``jobs`` > 1; each worker writes the document's cache entry
              and sends back only a small :class:`kg.pipeline.cache.DocInfo`;
``link``      cross-document graphs: report links, each region's gazetteer and names
              graphs, the metrics graph (each made again only when its inputs changed);
``write``     the graph files (:mod:`kg.layout`: combined or split), tasks.jsonl,
              manifest.json: unchanged runs of documents copied from the previous
              files (:class:`kg.layout.Splice`), the split graph files hard-linked
              (into the graphs folder the swap before set aside, only those changed);
``store``     the Oxigraph store: a hard-linked checkpoint of the previous store with only
              the changed graphs replaced, or a bulk load of every chunk;
``artifacts`` the registered artifact writers;
``swap``      the new folder replaces the old one (atomically on Linux); the old split
              graphs folder is set aside in the cache for the next build.

The parent process never holds the documents: :attr:`BuildResult.documents` loads them
from the cache when asked. A rebuild after editing one file of ten thousand re-extracts
that file only (in a worker started before the scan, so that extraction's imports
overlap it), replaces its named graph in the store (and, with an endpoint, on the
server) without touching the others, and reads no file per unchanged document (one
state file; their output copied in runs from the previous files).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..layout import (
    COMBINED_MAX_QUADS,
    GRAPH_FILES,
    GRAPHS_DIR,
    STORE_DIR,
    Part,
    Splice,
    concat,
    link_spare,
    write_combined,
    write_manifest,
    write_split,
)
from ..models import DocumentKind, Issue
from .cache import (
    CACHE_DIR,
    CACHE_DOCS,
    CACHE_FORMAT,
    CACHE_INDEX,
    CACHE_SPARE,
    CACHE_STATE,
    BuildState,
    CacheFolder,
    DocInfo,
    load_index,
    warning_json,
)
from .entries import process_entry, warm_up_entry
from .facts_file import write_facts_file
from .inputs import (
    SUPPORTED_SUFFIXES,
    check_out,
    collect_paths,
    document_names,
)
from .processes import (
    die_with_parent,
    extraction_warm,
    rare_collections,
    worker_context,
    worker_init,
)
from .records import BuildOptions, BuildResult, Documents
from .scan import Inputs, scan
from .shared import Graph, document_file, graph_of_chunk, report_links, shared_graphs
from .swap import swap_in
from .workspace import Clock, Workspace

if TYPE_CHECKING:  # pragma: no cover
    from .artifacts import write_artifacts
    from .store_load import BackgroundLoad
    from .workers import extract_paths, task_records

# What ``import kg.pipeline`` leaves out (see :mod:`kg.pipeline.entries`): extraction,
# rdflib, the store's query side and the artifact writers are imported where they are
# used, so that a rebuild starts its worker, and scans, before paying for them. These
# names of the package are taken from their modules when first asked for.
_LAZY = {"extract_paths": "workers", "task_records": "workers", "write_artifacts": "artifacts"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BuildOptions",
    "BuildResult",
    "build",
    # the stages of build(), in order
    "Inputs",
    "scan",
    "plan_reuse",
    "reuse_and_extract",
    "link",
    "write_files",
    "write_store",
    "collect_paths",
    "check_out",
    "document_names",
    "worker_context",
    "die_with_parent",
    "extract_paths",
    "task_records",
    "SUPPORTED_SUFFIXES",
    "CACHE_DIR",
    "load_index",
    "Documents",
    "write_artifacts",
]


# With artifacts=None (``kg build`` without --report/--no-report), the report, views and
# workload exports are written for corpora of at most this many tasks and statements.
AUTO_REPORT_MAX_TASKS = 20_000
REPORT_WRITER = "report"  # the artifact writer a build above AUTO_REPORT_MAX_TASKS still runs

# With jobs=0, fewer documents than this are extracted in the main process: starting a
# worker (imports, dictionaries) costs more than it saves.
AUTO_JOBS_MIN_DOCUMENTS = 8
# ...unless this many documents are reused: reading their entries takes as long as a
# worker's start, so one worker extracts the changed ones meanwhile.
ALONGSIDE_MIN_REUSED = 200


def _write_index(
    tmp: Path, inputs: Inputs, infos: Sequence[DocInfo | None], graphs: Sequence[Graph], files: dict[str, object],
    iris: dict[str, str], state: BuildState,
) -> None:
    """cache/index.json (the salt, the documents' keys, each graph's digest and chunk) and
    cache/state.pkl (:class:`kg.pipeline.cache.BuildState`: what the next build reads
    instead of one file per document)."""
    data = {
        "format": CACHE_FORMAT,
        "salt": inputs.salt,
        "keys": list(inputs.keys),
        "graphs": {g.iri: g.digest for g in graphs},
        "chunks": {g.iri: f"{CACHE_DOCS}/{os.path.basename(g.chunk)}" for g in graphs},
    }
    state.iris = {i.key: iris[i.key] for i in infos if i is not None and i.key in iris}
    state.stats, state.scanned, state.files = inputs.stats, inputs.scanned, files
    for info in infos:
        if info is not None:
            state.keep(info, inputs.previous)
    state.write(tmp / CACHE_DIR / CACHE_STATE)
    (tmp / CACHE_DIR / CACHE_INDEX).write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------
# the build, stage by stage


class _Settled:
    """The documents in input order as they are done: their warnings go to ``issues`` in
    order, the kept ones to ``kept``, and their chunks to the store's bulk load (a report's
    graph waits for its links)."""

    def __init__(self, count: int, loader: BackgroundLoad | None, issues: list[Issue]) -> None:
        self.infos: list[DocInfo | None] = [None] * count
        self.kept: list[DocInfo] = []
        self.fresh: list[Issue] = []  # the warnings of the documents extracted, in input order
        self._next = 0
        self._loader = loader
        self._issues = issues

    def put(self, i: int, info: DocInfo, dest: Path) -> None:
        self.infos[i] = info
        while self._next < len(self.infos) and self.infos[self._next] is not None:
            done = self.infos[self._next]
            self._next += 1
            assert done is not None
            self._issues.extend(done.issues)
            if done.name is None:
                continue
            self.kept.append(done)
            if self._loader is not None and done.kind != DocumentKind.WORK_REPORT.value and done.quads:
                self._loader.add(dest / f"{done.key}.nq")


def _warm_worker(out: Path, opts: BuildOptions) -> ProcessPoolExecutor | None:
    """A worker that starts paying extraction's one-time costs before the scan, for a
    rebuild (OUT has a cache index) that extracts in one process: when a few documents
    changed among many, it extracts them (see :func:`reuse_and_extract`). None when the
    build will not need it."""
    if not opts.cache or opts.jobs > 1 or extraction_warm() or not (out / CACHE_DIR / CACHE_INDEX).is_file():
        return None
    pool = ProcessPoolExecutor(max_workers=1, mp_context=worker_context(), initializer=worker_init, initargs=(os.getpid(), 0))
    pool.submit(warm_up_entry, opts)
    return pool


def _discard(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once, its workers killed (a warm-up left running would hold the
    build's exit until it ends)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, AttributeError):
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def plan_reuse(inputs: Inputs, folder: CacheFolder) -> tuple[list[int], list[int]]:
    """The inputs (by index) to extract, and those whose cache entry is reused (their
    content, kg's version and data, and the options are unchanged)."""
    todo: list[int] = []
    reuse: list[int] = []
    for i, key in enumerate(inputs.keys):
        folder.use(key)
        (reuse if key in inputs.prev_keys and folder.has(key) else todo).append(i)
    return todo, reuse


def reuse_and_extract(
    inputs: Inputs, opts: BuildOptions, folder: CacheFolder, todo: Sequence[int], reuse: Sequence[int],
    settled: _Settled, clock: Clock, progress: Callable[[int, int], None] | None = None,
    warm: ProcessPoolExecutor | None = None,
) -> None:
    """``reuse`` and ``extract``: take the cache entries of the documents in ``reuse``,
    extract those in ``todo`` into ``folder`` (the settled documents go to ``settled``, in
    input order).

    Extraction runs in worker processes when jobs > 1, or when a few documents changed among
    many kept ones: then one worker extracts them (importing spaCy, ~0.6 s) while this
    process reads the kept entries — ``warm``, a worker started before the scan, when
    there is one (:func:`_warm_worker`; stopped when not used). Workers send back only the
    small DocInfo, the rest stays in the cache entry."""
    dest = folder.path
    jobs = min(opts.jobs or (os.cpu_count() or 1 if len(todo) >= AUTO_JOBS_MIN_DOCUMENTS else 1), len(todo))
    alongside = jobs == 1 and (warm is not None or len(reuse) >= ALONGSIDE_MIN_REUSED and not extraction_warm())
    args = [(inputs.files[i], opts, inputs.keys[i], dest, inputs.names[i]) for i in todo]
    pool = warm if alongside else None
    if warm is not None and pool is None:
        _discard(warm)
    if pool is None and (jobs > 1 or alongside):
        # the workers, forked now, inherit extraction's modules instead of each importing them
        importlib.import_module(f"{__name__}.workers")
        pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=worker_context(), initializer=worker_init, initargs=(os.getpid(),)
        )
    finished = False
    try:
        extracted = pool.map(process_entry, args, chunksize=1) if pool is not None else None
        known = inputs.previous  # (read in one go; an entry's own file when the state is gone)
        for i in reuse:
            key = inputs.keys[i]
            settled.put(i, known.info(key) if key in known else folder.info(key), dest)
        clock.stage("reuse")
        done, total = len(reuse), len(inputs.files)
        if progress and done:
            progress(done, total)
        with contextlib.nullcontext() if extracted is not None else rare_collections():
            infos = extracted if extracted is not None else (process_entry(a) for a in args)
            for i, info in zip(todo, infos, strict=True):
                settled.put(i, info, dest)
                settled.fresh.extend(info.issues)
                done += 1
                if progress:
                    progress(done, total)
        finished = True
    finally:
        # every result in: the workers end (~0.1 s each: spaCy's teardown) while the build
        # goes on, and the interpreter's exit joins them; after a failure, waited for here
        if pool is not None:
            pool.shutdown(wait=not finished, cancel_futures=True)


def link(
    kept: Sequence[DocInfo], folder: CacheFolder, loader: BackgroundLoad | None, result: BuildResult,
    iris: dict[str, str] | None = None, state: BuildState | None = None, previous: BuildState | None = None,
) -> list[Graph]:
    """``link``: the cross-document graphs (report links, merged into the reports' graphs,
    go to ``result.links``; each region's gazetteer and names graphs; the metrics graph).
    Returns every named graph of the output, sorted; the bulk load gets the new chunks.
    ``iris``: the documents' graph IRIs by key, known from the previous build (the new
    ones are added); ``state`` gets what each shared graph is the union of, counted from
    what ``previous`` had (see :func:`kg.pipeline.shared.shared_graphs`)."""
    dest = folder.path
    iris = iris if iris is not None else {}
    for i in kept:  # (named where the document was extracted: no rdflib here)
        if i.key not in iris:
            iris[i.key] = i.iri
    result.links, merged = report_links(kept, folder)
    graphs = [
        graph_of_chunk(iris[i.key], merged[i.key], document_file(i.name)) if i.key in merged  # type: ignore[arg-type]
        else Graph(iris[i.key], f"{dest}/{i.key}.nq", i.digest, i.quads, document_file(i.name))  # type: ignore[arg-type]
        for i in kept
    ]
    graphs = [g for g in graphs if g.quads]
    shared = shared_graphs(
        kept, folder, previous.unions if previous is not None else None, state.unions if state is not None else None,
        previous.graph_iris if previous is not None else None, state.graph_iris if state is not None else None,
    )
    if loader is not None:
        for i in kept:
            if i.kind == DocumentKind.WORK_REPORT.value:
                loader.add(merged.get(i.key, dest / f"{i.key}.nq"))
        for g in shared:
            loader.add(Path(g.chunk))
    graphs += shared
    graphs.sort(key=lambda g: f"<{g.iri}>")
    return graphs


def write_files(
    tmp: Path, out: Path, inputs: Inputs, graphs: Sequence[Graph], result: BuildResult, settled: _Settled,
    folder: CacheFolder, mode: str, iris: dict[str, str] | None = None, state: BuildState | None = None,
) -> None:
    """``write``: the graph files (``mode``: combined, split or auto), tasks.jsonl,
    manifest.json, warnings.txt and the cache index and state (``iris``: the documents'
    graph IRIs by key, kept for the next build; ``state``: what :func:`link` left for it),
    into ``tmp``."""
    iris = iris if iris is not None else {}
    state = state if state is not None else BuildState()
    if mode == "auto":
        mode = "combined" if result.quads <= COMBINED_MAX_QUADS else "split"
    result.graph_files = mode
    # the files made of one part per document are copied from the previous build's in runs
    splice = Splice(out, inputs.previous.files) if inputs.reusable else Splice()
    if mode == "combined":
        write_combined(tmp, [Path(g.chunk) for g in graphs], splice)
    else:
        # the graphs folder of the build before the previous one, set aside by its swap, is
        # updated (a few links after one edit); the previous one's is set aside in turn
        spare = out / CACHE_DIR / CACHE_SPARE if inputs.reusable else None
        state.split = write_split(tmp, [(g.file, g.chunk) for g in graphs], spare, inputs.previous.spare)
        state.spare = inputs.previous.split
        if not state.spare:
            # no earlier graphs folder to set aside (a first build, or a full one): a spare
            # of links made now spares the first rebuild relinking every file (the swap then
            # keeps this one, not the old folder)
            link_spare(tmp / GRAPHS_DIR, tmp / CACHE_DIR / CACHE_SPARE, state.split)
            state.spare = dict(state.split)
    _write_reports(tmp, result, folder.path, [i for i in settled.infos if i is not None], inputs.collected, splice)
    write_facts_file(tmp, folder.path, result.infos, graphs, splice)
    _write_index(tmp, inputs, settled.infos, graphs, splice.record, iris, state)
    for f in (out / CACHE_DIR).glob("pushed-*.json") if out.is_dir() else ():
        shutil.copy2(f, tmp / CACHE_DIR / f.name)
    folder.collect()


def write_store(
    tmp: Path, out: Path, graphs: Sequence[Graph], result: BuildResult, loader: BackgroundLoad | None
) -> None:
    """``store``: wait for the bulk load to end, or update the previous store (a
    hard-linked checkpoint) with the changed graphs; a bulk load when the update fails."""
    from ..store import load_oxigraph, update_oxigraph  # (its query side: imported after the scan)

    changed = set(result.changed_graphs)
    if loader is not None:
        loader.finish()
        result.store_mode = "bulk"
    else:
        try:
            update_oxigraph(
                out / STORE_DIR, tmp / STORE_DIR,
                remove=[*sorted(changed), *result.removed_graphs],
                add=[Path(g.chunk) for g in graphs if g.iri in changed],
            )
            result.store_mode = "incremental"
        except (OSError, RuntimeError, ValueError):
            shutil.rmtree(tmp / STORE_DIR, ignore_errors=True)
    if not result.store_mode:
        load_oxigraph([Path(g.chunk) for g in graphs], tmp / STORE_DIR)
        result.store_mode = "bulk"


def build(
    paths: Sequence[str | Path],
    out: str | Path,
    opts: BuildOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``paths`` into the folder ``out``: the stages of the
    module's docstring, in order.

    Writing the result to a SPARQL server is a separate step (:func:`kg.pipeline.push.push_build`,
    which ``kg build --endpoint`` runs after this).
    """
    opts = opts or BuildOptions()
    if opts.graph_files not in GRAPH_FILES:
        raise UsageError(f"graph files: {opts.graph_files!r} is not one of {', '.join(GRAPH_FILES)}")
    given = out
    out = check_out(out)
    result = BuildResult(out=out)
    clock = Clock()
    warm = _warm_worker(out, opts)
    try:
        inputs = scan(paths, out, opts, given)
    except BaseException:
        if warm is not None:
            _discard(warm)
        raise
    clock.stage("scan")

    ws = Workspace(out)
    try:
        ws.take_cache(inputs.reusable)
        result.issues.extend(inputs.collected)
        # the store: when much changed it is bulk-loaded from scratch, in a thread that
        # takes each document's chunk as soon as it is settled (the load waits on the
        # disk while the workers use the processors); else updated at the end
        todo, reuse = plan_reuse(inputs, ws.folder)
        result.extracted, result.reused = len(todo), len(reuse)
        gone = len(inputs.prev_keys - set(inputs.keys))
        incremental = inputs.reusable and (out / STORE_DIR).is_dir() and len(todo) + gone <= max(8, len(inputs.files) // 5)
        if not incremental:  # (imported here, never in the load's thread: the workers fork meanwhile)
            from .store_load import BackgroundLoad

            ws.loader = BackgroundLoad(ws.tmp / STORE_DIR)
        settled = _Settled(len(inputs.files), ws.loader, result.issues)
        reuse_and_extract(inputs, opts, ws.folder, todo, reuse, settled, clock, progress, warm)
        clock.stage("extract")
        result.infos = settled.kept
        result.fresh_issues = [*inputs.collected, *settled.fresh]
        result.documents = Documents(ws.folder.path, [i.key for i in settled.kept])

        iris = dict(inputs.previous.iris)
        state = BuildState()
        graphs = link(settled.kept, ws.folder, ws.loader, result, iris, state, inputs.previous)
        result.quads = sum(g.quads for g in graphs)
        result.changed_graphs = [g.iri for g in graphs if inputs.prev_graphs.get(g.iri) != g.digest]
        result.removed_graphs = sorted(set(inputs.prev_graphs) - {g.iri for g in graphs})
        clock.stage("link")
        write_files(ws.tmp, out, inputs, graphs, result, settled, ws.folder, opts.graph_files, iris, state)
        clock.stage("write")
        write_store(ws.tmp, out, graphs, result, ws.loader)
        clock.stage("store")
        result.artifacts = bool(opts.artifacts) or (
            opts.artifacts is None and result.tasks + result.summary()["statements"] <= AUTO_REPORT_MAX_TASKS
        )
        if result.artifacts or opts.artifacts is None:  # (the writers' imports only then)
            from .artifacts import write_artifacts

            # a big corpus still gets its report (aggregated views), not the exports
            write_artifacts(ws.tmp, result, opts.artifact_writers if result.artifacts else [REPORT_WRITER])
        clock.stage("artifacts")
        keep = result.graph_files == "split" and bool(inputs.previous.split)
        swap_in(ws.tmp, out, (GRAPHS_DIR, f"{CACHE_DIR}/{CACHE_SPARE}") if keep else None)
        result.documents.folder = out / CACHE_DIR / CACHE_DOCS
        clock.stage("swap")
    except BaseException:
        if warm is not None:
            _discard(warm)
        ws.roll_back()
        raise
    result.timings = clock.total()
    return result


def _write_reports(
    tmp: Path, result: BuildResult, folder: Path, infos: Sequence[DocInfo],
    collected: Sequence[Issue] = (), splice: Splice | None = None,
) -> None:
    """tasks.jsonl (the documents' task records, in input order), manifest.json and
    warnings.txt, from the fragments in each document's cache entry; ``collected``, what
    collecting the inputs skipped, comes first. (The warnings of a document without any
    are empty: not opened.)"""
    # (paths as strings: ten thousand Path objects cost more than the copying)
    concat([f"{folder}/{i.key}.jsonl" for i in result.infos if i.tasks], tmp / "tasks.jsonl", splice=splice)
    warnings: list[Part] = [warning_json(i).encode() for i in collected]
    text: list[Part] = [f"{i}\n".encode() for i in collected]
    for info in infos:
        if info.issues:
            warnings.append(f"{folder}/{info.key}.warnings.json")
            text.append(f"{folder}/{info.key}.warnings.txt")
    documents: list[Part] = [f"{folder}/{i.key}.manifest.json" for i in result.infos]
    head: dict[str, object] = {"summary": result.summary(), "graph_files": result.graph_files}
    write_manifest(tmp, head, documents, warnings, text, splice)
