"""The build: input paths → extracted documents → graph files in an output folder.

``build`` is what ``kg build`` and ``build_graph.py`` call. It never prints; it returns a
:class:`BuildResult` with counts and every warning. Output is written to a temporary
folder beside OUT and swapped in at the end, so a failed or killed build leaves the
previous output intact.

Stages (``--verbose`` prints the time of each):

``scan``      list the inputs, hash each file (SHA-256 of its bytes);
``extract``   read, extract and turn into quads every document that is not in the cache,
              in parallel processes with ``jobs`` > 1; each worker writes the document's
              N-Quads, TriG, Turtle and task records to the cache and returns the document;
``reuse``     load the cached documents whose content, kg version and data are unchanged;
``link``      cross-document statements links, region gazetteer graphs;
``write``     graph.nq / graph.trig / graph.ttl by concatenating the per-graph chunks,
              tasks.jsonl, manifest.json;
``store``     the Oxigraph store: a hard-linked checkpoint of the previous store with only
              the changed graphs replaced, or a bulk load of graph.nq;
``artifacts`` the registered artifact writers;
``swap``      the new folder replaces the old one (atomically on Linux).

The cache lives in ``OUT/cache``: one entry per document, keyed by the file's path and
content hash, kg's version and code, the ontology data and the build options. A rebuild
after editing one file of a thousand re-extracts that file only and replaces its named
graph in the store (and, with an endpoint, on the server) without touching the others.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import SourceError, UsageError
from .extract import extract_document
from .graph import document_quads, link_quads, region_quads
from .models import DocumentKind, ExtractedDocument, Issue, StatementLink
from .normalize import normalize_name
from .read import read_source
from .store import STORE_DIR, load_oxigraph, update_oxigraph

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
    cache: bool = True  # reuse OUT/cache from the previous build
    artifacts: bool = True  # run the ARTIFACT_WRITERS (reports, views)


@dataclass
class BuildResult:
    out: Path
    documents: list[ExtractedDocument] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    links: list[StatementLink] = field(default_factory=list)
    quads: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    extracted: int = 0  # documents extracted in this build
    reused: int = 0  # documents taken from the cache
    changed_graphs: list[str] = field(default_factory=list)  # named graphs new or different
    removed_graphs: list[str] = field(default_factory=list)  # named graphs no longer built
    store_mode: str = ""  # "bulk" or "incremental"
    push: object | None = None  # kg.push.PushResult when an endpoint was given

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
        if _claim_name(doc, names, issues):
            docs.append(doc)
    return docs, issues


def _claim_name(doc: ExtractedDocument, names: dict[str, str], issues: list[Issue]) -> bool:
    """Whether ``doc`` may have its name: two files with the same stem (a.txt and a.docx)
    would share a named graph, so the second is skipped with a warning."""
    if doc.name in names:
        issues.append(Issue(doc.source.path, 0, f"document name {doc.name!r} also used by {names[doc.name]}; skipped", "duplicate-document"))
        return False
    names[doc.name] = doc.source.path
    return True


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


# ---------------------------------------------------------------------------------------
# the per-document cache

CACHE_DIR = "cache"
CACHE_DOCS = "docs"
CACHE_INDEX = "index.json"
CACHE_FORMAT = 2
_CHUNKS = (".nq", ".trig", ".ttl", ".jsonl", ".pkl")
_DATA_SUFFIXES = {".ttl", ".csv", ".json", ".jsonl", ".txt", ".rq", ".yaml", ".yml"}


def build_salt(opts: BuildOptions) -> str:
    """What a cached document depends on besides its bytes: kg's version and code, the
    ontology/gazetteer data, and the build options that change extraction or the graph."""
    from . import __version__
    from .gazetteer import ontology_path

    h = hashlib.sha256(f"kg {__version__} cache {CACHE_FORMAT}\n".encode())
    pkg = Path(__file__).resolve().parent
    for f in sorted(pkg.rglob("*.py")):
        if "__pycache__" not in f.parts:
            h.update(f"{f.relative_to(pkg)}\n".encode())
            h.update(f.read_bytes())
    data = ontology_path()
    for f in sorted(data.rglob("*")):
        if f.is_file() and f.suffix.lower() in _DATA_SUFFIXES and "__pycache__" not in f.parts:
            h.update(f"{f.relative_to(data)}\n".encode())
            h.update(f.read_bytes())
    h.update(repr((opts.region, opts.year, opts.kind.value if opts.kind else None, opts.expand_groups)).encode())
    return h.hexdigest()


def _doc_key(salt: str, path: Path, digest: str) -> str:
    return hashlib.sha256(f"{salt}\n{path}\n{digest}".encode()).hexdigest()[:40]


def _file_digest(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None  # read_source reports it


@dataclass
class _Entry:
    """One input document in this build (index.json records it)."""

    path: str
    key: str
    name: str | None = None  # document name, None when unreadable
    graph: str | None = None  # named graph IRI
    digest: str | None = None  # digest of the graph's triples (push and store updates)
    tasks: int = 0
    quads: int = 0
    reused: bool = False


def _strip_prefixes(data: bytes) -> bytes:
    """A TriG/Turtle chunk without its leading ``@prefix`` lines (written once per file)."""
    pos = 0
    while data.startswith(b"@prefix ", pos):
        pos = data.index(b"\n", pos) + 1
    return data[pos:]


def _prefix_header() -> bytes:
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in PREFIXES.items()).encode()


def _sorted_nquads(quads: Iterable[ox.Quad]) -> bytes:
    """N-Quads of ``quads``, one per line, without repeats, in canonical (byte) order."""
    data: bytes = ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS)
    lines = sorted(set(data.splitlines()))
    return b"\n".join(lines) + b"\n" if lines else b""


def _triples_digest(nq: bytes) -> str:
    """Digest of the triples of one graph's sorted N-Quads (graph name left out)."""
    quads = ox.parse(nq, format=ox.RdfFormat.N_QUADS)
    from .push import graph_digest

    return graph_digest(q.triple for q in quads)


def _write_chunks(dest: Path, key: str, nq: bytes, records: list[dict[str, object]]) -> tuple[str, int]:
    """Write a graph's N-Quads, TriG and Turtle chunks (and task records); return its digest
    and number of quads."""
    quads = list(ox.parse(nq, format=ox.RdfFormat.N_QUADS)) if nq else []
    (dest / f"{key}.nq").write_bytes(nq)
    trig = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) if quads else b""
    (dest / f"{key}.trig").write_bytes(_strip_prefixes(trig))
    ttl = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) if quads else b""
    (dest / f"{key}.ttl").write_bytes(_strip_prefixes(ttl))
    with (dest / f"{key}.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    from .push import graph_digest

    return graph_digest(q.triple for q in quads), len(quads)


def _process_one(
    path: Path, opts: BuildOptions, key: str, dest: Path
) -> tuple[ExtractedDocument | None, list[Issue], str | None, int]:
    """Worker: read, extract, make the quads and write the cache chunks of one document."""
    doc, issues = _extract_one(path, opts)
    digest, count = None, 0
    if doc is not None:
        nq = _sorted_nquads(document_quads(doc, opts.expand_groups))
        digest, count = _write_chunks(dest, key, nq, list(task_records(doc)))
    with (dest / f"{key}.pkl").open("wb") as fh:
        pickle.dump((doc, issues, digest, count), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return doc, issues, digest, count


def _process_star(args: tuple[Path, BuildOptions, str, Path]) -> tuple[ExtractedDocument | None, list[Issue], str | None, int]:
    return _process_one(*args)


@dataclass
class _PrevIndex:
    keys: set[str] = field(default_factory=set)
    graphs: dict[str, str] = field(default_factory=dict)  # graph -> digest


def load_index(out: str | Path) -> dict[str, object] | None:
    """``OUT/cache/index.json`` of a build folder, or None."""
    try:
        data = json.loads((Path(out) / CACHE_DIR / CACHE_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return None
    return data


def _load_prev(out: Path, salt: str) -> _PrevIndex | None:
    """The previous build's index, if it was made with the same salt."""
    data = load_index(out)
    if data is None or data.get("salt") != salt:
        return None
    docs = data.get("documents", [])
    assert isinstance(docs, list)
    return _PrevIndex({e["key"] for e in docs}, dict(data.get("graphs", {})))  # type: ignore[arg-type]


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _concat(parts: Iterable[Path | bytes], target: Path, header: bytes = b"") -> None:
    """Write ``header`` then every part (a file, copied in the kernel, or bytes) to ``target``."""
    with target.open("wb") as out:
        out.write(header)
        out.flush()
        fd = out.fileno()
        for part in parts:
            if isinstance(part, bytes):
                out.write(part)
                out.flush()
                continue
            with part.open("rb") as src:
                size = os.fstat(src.fileno()).st_size
                sent = 0
                try:
                    while sent < size:
                        n = os.sendfile(fd, src.fileno(), sent, size - sent)
                        if n == 0:
                            break
                        sent += n
                except OSError:
                    src.seek(sent)
                    shutil.copyfileobj(src, out, 1 << 20)
                    out.flush()


# ---------------------------------------------------------------------------------------
# outputs


def _write_graph_files(tmp: Path, quads: list[ox.Quad]) -> None:
    """graph.nq, graph.trig and graph.ttl of a list of quads (used by callers of old)."""
    ox.serialize(quads, str(tmp / "graph.nq"), ox.RdfFormat.N_QUADS)
    ox.serialize(quads, str(tmp / "graph.trig"), ox.RdfFormat.TRIG, prefixes=PREFIXES)
    triples = sorted(
        {str(q.triple): q.triple for q in quads}.values(),
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    ox.serialize(triples, str(tmp / "graph.ttl"), ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def _write_reports(tmp: Path, result: BuildResult, chunks: Sequence[Path] | None = None) -> None:
    if chunks is None:
        with (tmp / "tasks.jsonl").open("w", encoding="utf-8") as fh:
            for doc in result.documents:
                for rec in task_records(doc):
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    else:
        _concat(chunks, tmp / "tasks.jsonl")
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


def _swap_in(tmp: Path, out: Path) -> None:
    """Replace ``out`` with ``tmp`` so that a reader sees the old or the new output, never half.

    On Linux both folders are exchanged in one system call; elsewhere the old folder is
    renamed aside first (and :func:`_recover` puts it back if the process dies between
    the two renames).
    """
    if out.exists() and _rename_exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
    for p in out.parent.glob(f".{out.name}.*"):
        rest = p.name[len(out.name) + 2 :]
        kind, _, tail = rest.partition("-")
        pid_text = tail.split("-", 1)[0]
        if kind not in ("tmp", "old") or not pid_text.isdigit():
            continue
        if int(pid_text) != os.getpid() and _pid_alive(int(pid_text)):
            continue  # another build is running
        if kind == "old" and not out.exists():
            os.replace(p, out)
        else:
            shutil.rmtree(p, ignore_errors=True)


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
    out = Path(out)
    result = BuildResult(out=out)
    timings: dict[str, float] = {}
    clock = [time.perf_counter()]

    def stage(name: str) -> None:
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock[0]
        clock[0] = now

    t_start = clock[0]
    files = collect_paths(paths)
    if not files:
        raise UsageError("no documents found in " + ", ".join(map(str, paths)))
    out.parent.mkdir(parents=True, exist_ok=True)
    _recover(out)
    salt = build_salt(opts)
    prev = _load_prev(out, salt) if opts.cache else None
    prev_docs = out / CACHE_DIR / CACHE_DOCS
    entries = [_Entry(str(p), _doc_key(salt, p, _file_digest(p) or f"unreadable {time.time_ns()}")) for p in files]
    stage("scan")

    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    try:
        dest = tmp / CACHE_DIR / CACHE_DOCS
        dest.mkdir(parents=True)
        todo: list[int] = []
        loaded: dict[int, tuple[ExtractedDocument | None, list[Issue], str | None, int]] = {}
        for i, e in enumerate(entries):
            if prev is not None and e.key in prev.keys and all((prev_docs / f"{e.key}{s}").is_file() for s in _CHUNKS):
                e.reused = True
            else:
                todo.append(i)
        # extract what changed (in worker processes when jobs > 1)
        jobs = min(opts.jobs, len(todo))
        args = [(files[i], opts, entries[i].key, dest) for i in todo]
        done = 0
        total = len(entries)
        if jobs > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for i, res in zip(todo, pool.map(_process_star, args, chunksize=1), strict=True):
                    loaded[i] = res
                    done += 1
                    if progress:
                        progress(done, total)
        else:
            for i, a in zip(todo, args, strict=True):
                loaded[i] = _process_one(*a)
                done += 1
                if progress:
                    progress(done, total)
        stage("extract")
        # reuse the rest: hard-link the cached chunks, load the documents (without the
        # cyclic garbage collector, which otherwise walks the new objects again and again)
        gc_was_on = gc.isenabled()
        gc.disable()
        try:
            for i, e in enumerate(entries):
                if not e.reused:
                    continue
                for s in _CHUNKS:
                    _link(prev_docs / f"{e.key}{s}", dest / f"{e.key}{s}")
                loaded[i] = pickle.loads((dest / f"{e.key}.pkl").read_bytes())
                done += 1
                if progress:
                    progress(done, total)
        finally:
            if gc_was_on:
                gc.enable()
        result.extracted = len(todo)
        result.reused = len(entries) - len(todo)
        stage("reuse")

        docs: list[ExtractedDocument] = []
        issues: list[Issue] = []
        names: dict[str, str] = {}
        kept: list[_Entry] = []
        for i, e in enumerate(entries):
            doc, doc_issues, digest, count = loaded[i]
            issues.extend(doc_issues)
            if doc is None:
                continue
            if not _claim_name(doc, names, issues):
                continue
            docs.append(doc)
            from .vocab import iri_document

            e.name, e.graph, e.digest, e.tasks = doc.name, str(iri_document(doc.name)), digest, len(doc.tasks)
            e.quads = count
            kept.append(e)
        result.documents, result.issues = docs, issues
        del loaded

        # cross-document quads: links from reports to plans (in the report's graph) and
        # each region's gazetteer graph
        links, link_q = link_corpus(docs)
        result.links = links
        extra: dict[str, list[ox.Quad]] = {}
        for q in link_q:
            extra.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]
        groups: dict[str, set[str]] = {}
        for doc in docs:
            used = groups.setdefault(doc.region, set())
            for t in doc.tasks:
                for m in (*t.responsibility.lead, *t.responsibility.co_lead):
                    if m.kind == "group" and m.unit:
                        used.add(m.unit)
        from .gazetteer import load_gazetteer

        for region, used in sorted(groups.items()):
            for q in region_quads(load_gazetteer(region), used):
                extra.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]
        # one chunk per graph: a document's chunk, merged with its link quads if any
        quad_count: dict[str, int] = {}
        graph_chunk: dict[str, tuple[Path, str]] = {}  # graph -> (nq chunk, digest)
        for e in kept:
            assert e.graph is not None and e.digest is not None
            if e.graph in extra:
                key = hashlib.sha256(f"{e.key} links".encode()).hexdigest()[:40]
                merged = _sorted_nquads([*ox.parse(path=str(dest / f"{e.key}.nq"), format=ox.RdfFormat.N_QUADS), *extra.pop(e.graph)])
                e.digest, e.quads = _write_chunks(dest, key, merged, [])
                graph_chunk[e.graph] = (dest / f"{key}.nq", e.digest)
                quad_count[e.graph] = e.quads
            else:
                graph_chunk[e.graph] = (dest / f"{e.key}.nq", e.digest)
                quad_count[e.graph] = e.quads
        for g, quads in sorted(extra.items()):
            key = hashlib.sha256(f"graph {g}".encode()).hexdigest()[:40]
            digest, quad_count[g] = _write_chunks(dest, key, _sorted_nquads(quads), [])
            graph_chunk[g] = (dest / f"{key}.nq", digest)
        order = sorted(graph_chunk, key=lambda g: f"<{g}>")
        prev_graphs = prev.graphs if prev is not None else {}
        graphs_now = {g: graph_chunk[g][1] for g in order}
        result.changed_graphs = [g for g in order if prev_graphs.get(g) != graphs_now[g]]
        result.removed_graphs = sorted(set(prev_graphs) - set(graphs_now))
        stage("link")

        # the graph files, by concatenating the chunks in graph order
        chunk_paths = [graph_chunk[g][0] for g in order]
        _concat(chunk_paths, tmp / "graph.nq")
        header = _prefix_header()
        _concat([p.with_suffix(".trig") for p in chunk_paths], tmp / "graph.trig", header)
        _concat([p.with_suffix(".ttl") for p in chunk_paths], tmp / "graph.ttl", header)
        result.quads = sum(quad_count.values())
        _write_reports(tmp, result, [dest / f"{e.key}.jsonl" for e in kept])
        _write_index(tmp, salt, entries, {g: (graph_chunk[g][1], graph_chunk[g][0].name) for g in order})
        for f in (out / CACHE_DIR).glob("pushed-*.json") if out.is_dir() else ():
            shutil.copy2(f, tmp / CACHE_DIR / f.name)
        stage("write")

        # the store: update the previous one in place (a hard-linked checkpoint) when few
        # graphs changed, else bulk-load everything
        prev_store = out / STORE_DIR
        changed = result.changed_graphs
        if prev is not None and prev_store.is_dir() and len(changed) + len(result.removed_graphs) <= max(8, len(order) // 5):
            try:
                update_oxigraph(
                    prev_store, tmp / STORE_DIR,
                    remove=[*changed, *result.removed_graphs],
                    add=[graph_chunk[g][0] for g in changed],
                )
                result.store_mode = "incremental"
            except (OSError, RuntimeError, ValueError):
                shutil.rmtree(tmp / STORE_DIR, ignore_errors=True)
        if not result.store_mode:
            load_oxigraph(tmp / "graph.nq", tmp / STORE_DIR, union=tmp / "graph.ttl")
            result.store_mode = "bulk"
        stage("store")
        for writer in _artifact_writers() if opts.artifacts else ():
            writer(tmp, result)
        stage("artifacts")
        _swap_in(tmp, out)
        stage("swap")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
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


def _write_index(tmp: Path, salt: str, entries: Sequence[_Entry], graphs: dict[str, tuple[str, str]]) -> None:
    data = {
        "format": CACHE_FORMAT,
        "salt": salt,
        "documents": [
            {"key": e.key, "path": e.path, "name": e.name, "graph": e.graph, "digest": e.digest, "tasks": e.tasks}
            for e in entries
        ],
        "graphs": {g: d for g, (d, _) in graphs.items()},
        "chunks": {g: f"{CACHE_DOCS}/{name}" for g, (_, name) in graphs.items()},
    }
    (tmp / CACHE_DIR / CACHE_INDEX).write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
