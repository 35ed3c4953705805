"""The ``extract`` stage: reading and extracting one document (in a worker process or
this one), its cache entry and task records; the start method and life of the workers.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SourceError
from ..extract import DOCUMENT_FLAGS, extract_document
from ..graph.facts_rows import facts_line
from ..graph.quads import document_graphs
from ..models import DocumentKind, ExtractedDocument, Issue, Line, SourceText
from ..read import read_source
from .cache import (
    DocInfo,
    sorted_nquads,
    write_entry,
)
from .facts_file import FACTS_SUFFIX

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing.context import BaseContext
from .inputs import document_names
from .records import BuildOptions


def extract_one(path: Path, opts: BuildOptions, name: str | None = None) -> tuple[ExtractedDocument | None, list[Issue]]:
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
            max_workers=opts.jobs, mp_context=worker_context(), initializer=worker_init, initargs=(os.getpid(),)
        ) as pool:
            results = []
            for i, res in enumerate(pool.map(extract_one, paths, [opts] * len(paths), names, chunksize=4)):
                results.append(res)
                if progress:
                    progress(i + 1, len(paths))
    else:
        results = []
        for i, (p, name) in enumerate(zip(paths, names, strict=True)):
            results.append(extract_one(p, opts, name))
            if progress:
                progress(i + 1, len(paths))
    for doc, doc_issues in results:
        issues.extend(doc_issues)
        if doc is not None:
            docs.append(doc)
    return docs, issues


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


def process_one(path: Path, opts: BuildOptions, key: str, dest: Path, name: str | None = None) -> DocInfo:
    """Worker: read and extract one document, make its quads, write its cache entry."""
    doc, issues = extract_one(path, opts, name)
    info = _doc_info(path, key, doc, issues)
    chunks = (b"", b"", b"")
    records: list[dict[str, object]] = []
    if doc is not None:
        own, names, metrics = document_graphs(doc, opts.expand_groups)
        chunks = (sorted_nquads(own), sorted_nquads(names), sorted_nquads(metrics))
        records = list(task_records(doc))
    (dest / f"{key}{FACTS_SUFFIX}").write_bytes(facts_line(doc, opts.expand_groups))  # (before the entry's info: it marks it complete)
    write_entry(dest, info, doc, chunks, records, coverage_of(doc) if doc is not None else {})
    return info


def process_star(args: tuple[Path, BuildOptions, str, Path, str]) -> DocInfo:
    return process_one(*args)


# A made-up plan that goes through every stage of extraction and the graph.
_WARM_UP = (
    "鼓楼区2021年目标任务分解方案",
    "一、科技创新",
    "1.推进科技创新平台建设，地区生产总值增长7%，新增城镇就业2.8万人。（区科技局主办，区发改委、各街道协办）",
)


def warm_up(opts: BuildOptions) -> None:
    """In a worker started before it has work: pay extraction's one-time costs (spaCy's
    import, the matchers, the tokenizer's dictionary: ~1 s) on a small made-up plan, while
    the build scans its inputs. (Extraction keeps no state from one document to the next
    that changes what it finds, so the documents extracted after it are unchanged.)"""
    lines = tuple(Line(n, text, f"line {n}") for n, text in enumerate(_WARM_UP, 1))
    doc = extract_document(SourceText("<warm-up>", "warm-up", lines), region=opts.region, kind=opts.kind, year=opts.year)
    document_graphs(doc, opts.expand_groups)


# Extraction allocates millions of short-lived objects (quads, tokens, spans) next to
# long-lived memo tables; with Python's default thresholds the cyclic collector walks
# those tables again and again (~10% of a worker's time). Nothing extraction makes is
# cyclic garbage worth collecting early, so it runs with collections 40x rarer.
_EXTRACT_GC_THRESHOLD = (30_000, 20, 20)


_WORKER_NICENESS = 5


def extraction_warm() -> bool:
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


def worker_init(parent: int, niceness: int = _WORKER_NICENESS) -> None:
    die_with_parent(parent)
    gc.freeze()  # what the worker inherited (modules, gazetteers) is never garbage
    gc.set_threshold(*_EXTRACT_GC_THRESHOLD)
    # The store's bulk load (a thread of the parent) goes first: it takes each chunk as
    # soon as it is written, so when the last document is extracted little is left to
    # load; at equal priority it falls behind and the build ends waiting for it. (A
    # rebuild's single worker, which the build waits for, runs at the build's priority.)
    if niceness:
        with contextlib.suppress(OSError):
            os.nice(niceness)


@contextlib.contextmanager
def rare_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*_EXTRACT_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)
