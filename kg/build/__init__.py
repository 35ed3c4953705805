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
              are unchanged (see :mod:`kg.build.cache`);
``extract``   read, extract and turn into quads every other document, in parallel
              processes with ``jobs`` > 1; each worker writes the document's cache entry
              and sends back only a small :class:`kg.build.cache.DocInfo`;
``link``      cross-document graphs: report links, each region's gazetteer and names
              graphs, the metrics graph (each made again only when its inputs changed);
``write``     the graph files (:mod:`kg.layout`: combined or split), tasks.jsonl,
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
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import UsageError
from ..graph.vocab import iri_document
from ..layout import (
    COMBINED_MAX_QUADS,
    GRAPH_FILES,
    PREFIXES,
    STORE_DIR,
    concat,
    write_combined,
    write_manifest,
    write_split,
)
from ..models import DocumentKind, Issue
from ..store import load_oxigraph, update_oxigraph
from .artifacts import write_artifacts
from .cache import (
    CACHE_DIR,
    CACHE_DOCS,
    CACHE_FORMAT,
    CACHE_INDEX,
    CacheFolder,
    DocInfo,
    doc_key,
    file_digest,
    load_index,
    warning_json,
)
from .inputs import SUPPORTED_SUFFIXES, check_inputs_outside, check_out, collect_paths, document_names
from .records import BuildOptions, BuildResult, Documents, build_salt
from .shared import Graph, document_file, graph_of_chunk, report_links, shared_graphs
from .store_load import BackgroundLoad
from .swap import make_temp, recover, rmtree, swap_in
from .workers import (
    die_with_parent,
    extract_paths,
    extraction_warm,
    process_one,
    process_star,
    rare_collections,
    task_records,
    worker_context,
    worker_init,
)

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
    "CACHE_DIR",
    "load_index",
    "Documents",
    "write_artifacts",
]


# With artifacts=None (``kg build`` without --report/--no-report), the report, views and
# workload exports are written for corpora of at most this many tasks and statements.
AUTO_REPORT_MAX_TASKS = 20_000

# With jobs=0, fewer documents than this are extracted in the main process: starting a
# worker (imports, dictionaries) costs more than it saves.
AUTO_JOBS_MIN_DOCUMENTS = 8
# ...unless this many documents are reused: reading their entries takes as long as a
# worker's start, so one worker extracts the changed ones meanwhile.
ALONGSIDE_MIN_REUSED = 200


def _write_index(tmp: Path, salt: str, keys: Sequence[str], graphs: Sequence[Graph]) -> None:
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


# ---------------------------------------------------------------------------------------
# the build


def build(
    paths: Sequence[str | Path],
    out: str | Path,
    opts: BuildOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``paths`` into the folder ``out``.

    Writing the result to a SPARQL server is a separate step (:func:`kg.build.push.push_build`,
    which ``kg build --endpoint`` runs after this).
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
    check_inputs_outside(files, out, given)
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
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

    tmp = make_temp(out)
    (tmp / CACHE_DIR).mkdir()
    folder = CacheFolder(tmp / CACHE_DIR / CACHE_DOCS)
    prev_folder = out / CACHE_DIR / CACHE_DOCS
    taken = False
    held: set[str] = set()
    loader: BackgroundLoad | None = None
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
        loader = None if incremental else BackgroundLoad(tmp / STORE_DIR)
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
        alongside = jobs == 1 and len(reuse) >= ALONGSIDE_MIN_REUSED and not extraction_warm()
        args = [(files[i], opts, keys[i], dest, doc_names[i]) for i in todo]
        pool = None
        if jobs > 1 or alongside:
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(
                max_workers=jobs, mp_context=worker_context(), initializer=worker_init, initargs=(os.getpid(),)
            )
        try:
            extracted = pool.map(process_star, args, chunksize=1) if pool is not None else None
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
                with rare_collections():
                    for i, a in zip(todo, args, strict=True):
                        infos[i] = process_one(*a)
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
        result.links, merged = report_links(kept, folder)
        graphs = [
            graph_of_chunk(str(iri_document(i.name)), merged[i.key], document_file(i.name)) if i.key in merged  # type: ignore[arg-type]
            else Graph(str(iri_document(i.name)), dest / f"{i.key}.nq", i.digest, i.quads, document_file(i.name))  # type: ignore[arg-type]
            for i in kept
        ]
        graphs = [g for g in graphs if g.quads]
        shared = shared_graphs(kept, folder)
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
            write_artifacts(tmp, result, opts.artifact_writers)
        stage("artifacts")
        swap_in(tmp, out)
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
        rmtree(tmp)
        raise
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
