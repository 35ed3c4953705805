"""The build: input paths → extracted documents → graph files in an output folder.

``build`` is what ``kg build`` and ``build_graph.py`` call. It never prints; it returns a
:class:`BuildResult` with counts and every warning. Output is written to a temporary
folder beside OUT and swapped in at the end, so a failed or killed build leaves the
previous output intact.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import SourceError, UsageError
from .extract import extract_document
from .graph import build_quads, link_quads, sort_quads
from .models import DocumentKind, ExtractedDocument, Issue, StatementLink
from .normalize import normalize_name
from .read import read_source
from .store import STORE_DIR, load_oxigraph

__all__ = [
    "BuildOptions",
    "BuildResult",
    "build",
    "collect_paths",
    "extract_paths",
    "task_records",
    "PREFIXES",
    "SUPPORTED_SUFFIXES",
    "ARTIFACT_WRITERS",
]

SUPPORTED_SUFFIXES = {".txt", ".text", ".md", ".docx", ".xlsx", ".xlsm", ".pdf", ".html", ".htm"}

PREFIXES = {
    "kg": "https://w3id.org/govkg/ns#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class BuildOptions:
    region: str | None = None
    year: int | None = None
    kind: DocumentKind | None = None
    expand_groups: bool = True
    jobs: int = 1
    strict: bool = False


@dataclass
class BuildResult:
    out: Path
    documents: list[ExtractedDocument] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    links: list[StatementLink] = field(default_factory=list)
    quads: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def tasks(self) -> int:
        return sum(len(d.tasks) for d in self.documents if d.kind is DocumentKind.TASK_PLAN)

    @property
    def sections(self) -> int:
        return sum(len(d.sections) for d in self.documents)

    @property
    def units(self) -> int:
        names = set()
        for d in self.documents:
            for t in d.tasks:
                for m in (*t.responsibility.lead, *t.responsibility.co_lead):
                    if m.kind == "unit":
                        names.add((d.region, m.unit or m.name))
        return len(names)

    def summary(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "sections": self.sections,
            "tasks": self.tasks,
            "statements": sum(len(d.tasks) for d in self.documents if d.kind is DocumentKind.WORK_REPORT),
            "units": self.units,
            "quads": self.quads,
            "warnings": len(self.issues),
        }


def collect_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and supported files found (recursively) in folders named; sorted."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(
                sorted(
                    f for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                )
            )
        elif p.exists():
            out.append(p)
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return out


def _extract_one(path: Path, opts: BuildOptions) -> tuple[ExtractedDocument | None, list[Issue]]:
    try:
        source = read_source(path)
    except SourceError as exc:
        return None, [Issue(exc.path, exc.line, exc.message, "unreadable")]
    doc = extract_document(source, region=opts.region, kind=opts.kind, year=opts.year)
    return doc, list(doc.issues)


def extract_paths(
    paths: Sequence[Path], opts: BuildOptions, progress: Callable[[int, int], None] | None = None
) -> tuple[list[ExtractedDocument], list[Issue]]:
    """Read and extract every document (in parallel processes when ``opts.jobs`` > 1)."""
    docs: list[ExtractedDocument] = []
    issues: list[Issue] = []
    results: list[tuple[ExtractedDocument | None, list[Issue]]]
    if opts.jobs > 1 and len(paths) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=opts.jobs) as pool:
            results = []
            for i, res in enumerate(pool.map(_extract_one, paths, [opts] * len(paths), chunksize=4)):
                results.append(res)
                if progress:
                    progress(i + 1, len(paths))
    else:
        results = []
        for i, p in enumerate(paths):
            results.append(_extract_one(p, opts))
            if progress:
                progress(i + 1, len(paths))
    names: dict[str, str] = {}
    for doc, doc_issues in results:
        issues.extend(doc_issues)
        if doc is None:
            continue
        if doc.name in names:
            # Two files with the same stem (a.txt and a.docx) would share a named graph.
            issues.append(Issue(doc.source.path, 0, f"document name {doc.name!r} also used by {names[doc.name]}; skipped", "duplicate-document"))
            continue
        names[doc.name] = doc.source.path
        docs.append(doc)
    return docs, issues


def link_corpus(docs: Sequence[ExtractedDocument]) -> tuple[list[StatementLink], list[ox.Quad]]:
    """Link every work report's statements to similar tasks of the task plans of its region."""
    try:
        from .linking import infer_units, link_statements
    except ImportError:
        return [], []
    all_links: list[StatementLink] = []
    quads: list[ox.Quad] = []
    for report in docs:
        if report.kind is not DocumentKind.WORK_REPORT:
            continue
        plans = [d for d in docs if d.kind is DocumentKind.TASK_PLAN and d.region == report.region]
        if not plans:
            continue
        links = link_statements(report, plans)
        inferred = infer_units(links, plans)
        all_links.extend(links)
        quads.extend(link_quads(report, links, inferred))
    return all_links, quads


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
            "lead": [{"name": m.name, "unit": m.unit or normalize_name(m.name)} for m in r.lead],
            "co_lead": [{"name": m.name, "unit": m.unit or normalize_name(m.name)} for m in r.co_lead],
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
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        writers.append(getattr(module, func))
    return writers


def _write_graph_files(tmp: Path, quads: list[ox.Quad]) -> None:
    ox.serialize(quads, str(tmp / "graph.nq"), ox.RdfFormat.N_QUADS)
    ox.serialize(quads, str(tmp / "graph.trig"), ox.RdfFormat.TRIG, prefixes=PREFIXES)
    triples = sorted(
        {str(q.triple): q.triple for q in quads}.values(),
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    ox.serialize(triples, str(tmp / "graph.ttl"), ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def _write_reports(tmp: Path, result: BuildResult) -> None:
    with (tmp / "tasks.jsonl").open("w", encoding="utf-8") as fh:
        for doc in result.documents:
            for rec in task_records(doc):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    coverage = [coverage_of(doc) for doc in result.documents]
    manifest = {
        "summary": result.summary(),
        "documents": coverage,
        "warnings": [
            {"path": i.path, "line": i.line, "code": i.code, "message": i.message} for i in result.issues
        ],
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (tmp / "warnings.txt").write_text("".join(f"{i}\n" for i in result.issues), encoding="utf-8")


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
    }


def _swap_in(tmp: Path, out: Path) -> None:
    """Replace ``out`` with ``tmp`` so that a reader sees the old or the new output, never half."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(
    paths: Sequence[str | Path],
    out: str | Path,
    opts: BuildOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``paths`` into the folder ``out``."""
    opts = opts or BuildOptions()
    out = Path(out)
    result = BuildResult(out=out)
    t0 = time.perf_counter()
    files = collect_paths(paths)
    if not files:
        raise UsageError("no documents found in " + ", ".join(map(str, paths)))
    docs, issues = extract_paths(files, opts, progress)
    result.documents, result.issues = docs, issues
    t1 = time.perf_counter()
    links, link_q = link_corpus(docs)
    result.links = links
    quads = sort_quads([*build_quads(docs, opts.expand_groups), *link_q])
    result.quads = len(quads)
    t2 = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        _write_graph_files(tmp, quads)
        _write_reports(tmp, result)
        load_oxigraph(tmp / "graph.nq", tmp / STORE_DIR)
        for writer in _artifact_writers():
            writer(tmp, result)
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    t3 = time.perf_counter()
    result.timings = {"extract": t1 - t0, "graph": t2 - t1, "write": t3 - t2, "total": t3 - t0}
    return result
