"""The build's per-document cache (``OUT/cache``): what one document turns into, kept so
that a rebuild re-extracts only what changed.

One entry per input document, keyed by the file's path and content hash, kg's version and
code, the ontology data and the build options (:func:`build_salt`). An entry is a few
files named ``KEY.*``:

``.nq``          the document's named graph: sorted N-Quads, no repeats (the *chunk*);
``.names.nq``    what the document contributes to its region's names graph, and
``.metrics.nq``  to the metrics graph, in the same form;
``.jsonl``       its ``kg extract`` task records;
``.pkl``         the extracted document (loaded only when something needs it);
``.info.json``   its :class:`DocInfo`: counts, warnings, digest — all the build needs of a
                 document to assemble the output without loading it;
``.manifest.json``, ``.warnings.json``, ``.warnings.txt``
                 its entry and warnings in manifest.json and warnings.txt, ready to be
                 concatenated.

Derived chunks (a region's gazetteer and names graphs, the
metrics graph, report links) are named after a hash of what they are made of, so a
rebuild reuses them as long as their inputs are unchanged.

A build takes the previous build's entries folder over (one rename, given back if the
build fails), adds what it makes and, at the end, drops the files no longer used
(:class:`CacheFolder`): a rebuild costs time in proportion to what changed.

Beside the entries, ``index.json`` (the salt, the keys, each graph's digest and chunk: what
``kg push`` reads) and ``state.bin`` (:class:`BuildState`: every document's info, the
input files' stats and digests, where the parts of the written files lie) are what the
next build reads instead of one file per document.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import pickle
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..models import DocumentKind, ExtractedDocument, Issue
from ..resources import ontology_path
from ..version import __version__

__all__ = [
    "CACHE_DIR",
    "CACHE_DOCS",
    "CACHE_INDEX",
    "CACHE_FORMAT",
    "CACHE_STATE",
    "CACHE_SPARE",
    "BuildState",
    "load_state",
    "scan_digest",
    "DocInfo",
    "build_salt",
    "doc_key",
    "derived_key",
    "file_digest",
    "sorted_nquads",
    "chunk_digest",
    "load_index",
    "write_entry",
    "warning_json",
    "load_document",
    "CacheFolder",
]

CACHE_DIR = "cache"
CACHE_DOCS = "docs"
CACHE_INDEX = "index.json"
# what the next build needs of this one besides the index, in one file (BuildState)
CACHE_STATE = "state.bin"
# the graphs folder of the build before, kept for the next build to update (kg.layout.write_split)
CACHE_SPARE = "graphs.spare"
# 4: the build state file; 5: the shared graphs' IRIs in it; 6: the split files' maps;
# 7: each info marshalled on its own; 8: the graph IRI in the info
CACHE_FORMAT = 8
# A file's digest is taken from the previous build when its size, times, inode and device
# are unchanged and it was last changed this long before that build's scan began (a file
# written in the same clock tick as the scan read it is read again: git's "racy clean").
RACY_NS = 2_000_000_000
_DATA_SUFFIXES = {".ttl", ".csv", ".json", ".jsonl", ".txt", ".rq", ".yaml", ".yml"}


def build_salt(options: tuple[object, ...]) -> str:
    """What a cached document depends on besides its bytes: kg's version and code, the
    ontology/gazetteer data, and the build options that change extraction or the graph."""
    h = hashlib.sha256(f"kg {__version__} cache {CACHE_FORMAT}\n".encode())
    pkg = Path(__file__).resolve().parents[1]  # kg/: extraction's and the graph's code too
    for f in sorted(pkg.rglob("*.py")):
        if "__pycache__" not in f.parts:
            h.update(f"{f.relative_to(pkg)}\n".encode())
            h.update(f.read_bytes())
    data = ontology_path()
    for f in sorted(data.rglob("*")):
        if f.is_file() and f.suffix.lower() in _DATA_SUFFIXES and "__pycache__" not in f.parts:
            h.update(f"{f.relative_to(data)}\n".encode())
            h.update(f.read_bytes())
    h.update(repr(options).encode())
    return h.hexdigest()


def doc_key(salt: str, path: Path, digest: str) -> str:
    return hashlib.sha256(f"{salt}\n{path}\n{digest}".encode()).hexdigest()[:40]


def derived_key(*parts: object) -> str:
    """Key of a chunk made from other chunks: a hash of what it is made of."""
    return hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()[:40]


def file_digest(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None  # read_source reports it


def sorted_nquads(lines: Iterable[str] | Iterable[bytes]) -> bytes:
    """N-Quads lines (without their newline), each once, in canonical (byte) order — the
    form of every chunk, so that equal graphs give equal bytes. (Code point order of
    ``str`` lines is the byte order of their UTF-8.)"""
    unique = set(lines)
    unique.discard(b"")  # type: ignore[arg-type]
    unique.discard("")  # type: ignore[arg-type]
    if not unique:
        return b""
    if isinstance(next(iter(unique)), bytes):
        return b"".join(line + b"\n" for line in sorted(unique))  # type: ignore[operator]
    # sorted as bytes: comparing str lines that hold Chinese is per character, not memcmp
    return b"\n".join(sorted(line.encode() for line in unique)) + b"\n"  # type: ignore[union-attr]


def chunk_digest(chunk: bytes) -> str:
    """Digest of a graph: its chunk is canonical (sorted lines, one graph name), so equal
    triples in the same graph give the same digest."""
    return hashlib.sha256(chunk).hexdigest()


@dataclass
class DocInfo:
    """What the build keeps of one input document (``KEY.json``)."""

    key: str
    path: str
    issues: list[Issue] = field(default_factory=list)
    name: str | None = None  # None: the file could not be read
    region: str = ""
    kind: str = ""  # DocumentKind value
    tasks: int = 0
    sections: int = 0
    units: list[str] = field(default_factory=list)  # units named (canonical, else normalised)
    groups: list[str] = field(default_factory=list)  # group references the gazetteer resolved
    digest: str = ""  # of the document's graph chunk
    names_digest: str = ""  # of its contribution to the names graph
    metrics_digest: str = ""  # of its contribution to the metrics graph
    quads: int = 0
    iri: str = ""  # of the document's graph (made in the worker, which has the graph's modules)

    @property
    def is_plan(self) -> bool:
        return self.kind == DocumentKind.TASK_PLAN.value

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> DocInfo:
        raw = json.loads(data)
        raw["issues"] = [Issue(**i) for i in raw["issues"]]
        return cls(**raw)


FileStat = tuple[int, int, int, int, int]  # size, mtime, ctime (ns), inode, device


_INFO_FIELDS = tuple(f.name for f in fields(DocInfo))
_ISSUES = _INFO_FIELDS.index("issues")


def _info_row(info: DocInfo) -> bytes:
    """A DocInfo as the state keeps it: its fields marshalled on their own, so that the
    state of ten thousand documents is read and written as ten thousand byte strings (the
    warnings' text is decoded only for the documents whose info is asked for)."""
    row = [getattr(info, f) for f in _INFO_FIELDS]
    row[_ISSUES] = tuple((i.path, i.line, i.message, i.code) for i in info.issues)
    return marshal.dumps(tuple(row))


def _info_of_row(row: bytes) -> DocInfo:
    values = list(marshal.loads(row))
    values[_ISSUES] = [Issue(*i) for i in values[_ISSUES]]
    return DocInfo(*values)


@dataclass
class BuildState:
    """What a build leaves for the next one besides the index (``cache/state.bin``, read
    in one go): each document's :class:`DocInfo` and graph IRI by key, each input file's
    stat and digest by path (with the time the scan began), and where the parts of the
    written files lie (:class:`kg.layout.Splice`). A rebuild after editing one document
    of ten thousand reads this one file, not one per document.

    The file is :mod:`marshal` data (plain tuples, ~10× faster to read and write than
    pickled objects); an info is made a :class:`DocInfo` when asked for (:meth:`info`),
    and a reused one is written back as it was read."""

    rows: dict[str, bytes] = field(default_factory=dict)  # key → DocInfo's fields (_info_row)
    iris: dict[str, str] = field(default_factory=dict)
    stats: dict[str, tuple[FileStat, str]] = field(default_factory=dict)
    scanned: int = 0  # time.time_ns() when the scan began
    files: dict[str, object] = field(default_factory=dict)
    # what each shared graph is the union of (kg.pipeline.shared.Union), by graph
    unions: dict[str, tuple[list[str], dict[bytes, int]]] = field(default_factory=dict)
    graph_iris: dict[str, str] = field(default_factory=dict)  # the shared graphs' (kg.pipeline.shared.shared_iri)
    # the split layout's graphs folder (file name → chunk file name), and that of the spare
    # folder this build leaves in its cache (the previous build's, see kg.layout.write_split)
    split: dict[str, str] = field(default_factory=dict)
    spare: dict[str, str] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.rows

    def info(self, key: str) -> DocInfo:
        return _info_of_row(self.rows[key])

    def keep(self, info: DocInfo, previous: BuildState) -> None:
        """Keep ``info`` for the next build (as ``previous`` had it, when it had it)."""
        row = previous.rows.get(info.key)
        self.rows[info.key] = row if row is not None else _info_row(info)

    def write(self, path: Path) -> None:
        data = {"format": CACHE_FORMAT, "rows": self.rows, "iris": self.iris, "stats": self.stats,
                "scanned": self.scanned, "files": self.files, "unions": self.unions,
                "graph_iris": self.graph_iris, "split": self.split, "spare": self.spare}
        path.write_bytes(marshal.dumps(data))


def load_state(out: Path) -> BuildState:
    """The state a build of ``out`` left; an empty one when there is none or it cannot be
    read (then each reused document's info is read from its cache entry)."""
    try:
        data = marshal.loads((out / CACHE_DIR / CACHE_STATE).read_bytes())
    except (OSError, EOFError, TypeError, ValueError):
        return BuildState()
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return BuildState()
    try:
        return BuildState(
            data["rows"], data["iris"], data["stats"], data["scanned"], data["files"], data["unions"], data["graph_iris"],
            data["split"], data["spare"],
        )
    except (KeyError, TypeError):
        return BuildState()


def scan_digest(path: Path, previous: BuildState, stats: dict[str, tuple[FileStat, str]]) -> str | None:
    """The SHA-256 of the file ``path`` (None when it cannot be read): the previous build's
    when the file's stat is the same and it was last changed well before that build's
    scan (:data:`RACY_NS`), else read now. Its stat and digest go to ``stats``."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
    known = previous.stats.get(str(path))
    cutoff = previous.scanned - RACY_NS
    if known is not None and known[0] == sig and st.st_ctime_ns < cutoff and st.st_mtime_ns < cutoff:
        digest: str | None = known[1]
    else:
        digest = file_digest(path)
    if digest is not None:
        stats[str(path)] = (sig, digest)
    return digest


def warning_json(issue: Issue) -> str:
    """A warning as manifest.json lists it."""
    return json.dumps({"path": issue.path, "line": issue.line, "code": issue.code, "message": issue.message}, ensure_ascii=False)


def load_index(out: str | Path) -> dict[str, object] | None:
    """``OUT/cache/index.json`` of a build folder, or None."""
    try:
        data = json.loads((Path(out) / CACHE_DIR / CACHE_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return None
    return data


def write_entry(
    dest: Path,
    info: DocInfo,
    doc: ExtractedDocument | None,
    chunks: tuple[bytes, bytes, bytes],
    records: Iterable[dict[str, object]],
    coverage: dict[str, object],
) -> None:
    """Write one document's cache entry: ``chunks`` are its own graph, names and metrics
    contributions (``info`` gets their digests and the size of its own graph)."""
    key = info.key
    own, names, metrics = chunks
    info.digest, info.names_digest, info.metrics_digest = map(chunk_digest, chunks)
    info.quads = own.count(b"\n")
    (dest / f"{key}.nq").write_bytes(own)
    (dest / f"{key}.names.nq").write_bytes(names)
    (dest / f"{key}.metrics.nq").write_bytes(metrics)
    with (dest / f"{key}.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with (dest / f"{key}.pkl").open("wb") as fh:
        pickle.dump(doc, fh, protocol=pickle.HIGHEST_PROTOCOL)
    (dest / f"{key}.manifest.json").write_text(json.dumps(coverage, ensure_ascii=False) if coverage else "", encoding="utf-8")
    (dest / f"{key}.warnings.json").write_text(",\n    ".join(map(warning_json, info.issues)), encoding="utf-8")
    (dest / f"{key}.warnings.txt").write_text("".join(f"{i}\n" for i in info.issues), encoding="utf-8")
    (dest / f"{key}.info.json").write_bytes(info.to_json())


class CacheFolder:
    """The entries folder of the build being made. Every file is named ``KEY.suffix``;
    the build says which keys it uses (:meth:`use`), and :meth:`collect` drops the files
    of every other key — entries of edited or removed documents, stale derived chunks."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.used: set[str] = set()
        # the keys of the complete entries, when the folder was listed (before extraction)
        self.complete: set[str] | None = None
        # the files the folder held when it was taken over: what this build adds is of
        # keys it uses, so only these can be left unused
        self.listed: list[str] | None = None

    def use(self, key: str) -> None:
        self.used.add(key)

    def has(self, key: str) -> bool:
        """Whether the folder holds a complete entry ``key`` (its info is written last)."""
        if self.complete is not None:
            return key in self.complete
        return os.path.isfile(f"{self.path}/{key}.info.json")

    def info(self, key: str) -> DocInfo:
        with open(f"{self.path}/{key}.info.json", "rb") as fh:
            return DocInfo.from_json(fh.read())

    def collect(self) -> int:
        dropped = 0
        names = self.listed if self.listed is not None else os.listdir(self.path)
        for name in names:
            if name.split(".", 1)[0] not in self.used:
                os.unlink(f"{self.path}/{name}")
                dropped += 1
        return dropped


def load_document(folder: Path, key: str) -> ExtractedDocument:
    doc = pickle.loads((folder / f"{key}.pkl").read_bytes())
    assert isinstance(doc, ExtractedDocument)
    return doc
