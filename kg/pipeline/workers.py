"""The ``extract`` stage: reading and extracting one document (in a worker process or
this one), its cache entry and task records. (The start method and life of the workers
are in :mod:`kg.pipeline.processes`, which the build imports without this module.)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import SourceError
from ..extract import DOCUMENT_FLAGS, extract_document
from ..graph.facts_rows import facts_line
from ..graph.quads import document_graphs
from ..graph.vocab import iri_document
from ..models import DocumentKind, ExtractedDocument, Issue, Line, SourceText
from ..read import read_source
from .cache import (
    DocInfo,
    sorted_nquads,
    write_entry,
)
from .facts_file import FACTS_SUFFIX
from .inputs import document_names
from .processes import (  # noqa: F401 - kg.analysis.workload_outputs imports them from here
    die_with_parent,
    extraction_warm,
    rare_collections,
    worker_context,
    worker_init,
)
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
    info.iri = str(iri_document(doc.name))
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
