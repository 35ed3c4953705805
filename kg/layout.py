"""The files of a build folder, assembled from cached chunks without parsing the graph.

* the graph, in one of two layouts (:data:`GRAPH_FILES`):

  ``combined``  ``graph.nq`` (canonical: sorted by graph, then bytes), ``graph.trig`` (one
                named graph per document) and ``graph.ttl`` (every triple, as Turtle);
  ``split``     ``graphs/NAME.nq``, one N-Quads file per named graph (hard links to the
                cache: a rebuild after editing one document of a thousand writes one file).

  ``auto`` (the default) is ``combined`` up to :data:`COMBINED_MAX_QUADS` quads, ``split``
  above: a national corpus would otherwise rewrite gigabytes of the same text on every
  rebuild. ``kg export`` writes one file of any build.
* ``tasks.jsonl``, ``manifest.json`` (summary, per-document coverage, warnings) and
  ``warnings.txt``.

:func:`graph_nquads` is how readers of a build folder find its N-Quads in either layout.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from .errors import UsageError
from .namespaces import FILE_PREFIXES
from .version import __version__

__all__ = [
    "GRAPH_FILES",
    "COMBINED_MAX_QUADS",
    "GRAPHS_DIR",
    "concat",
    "graph_nquads",
    "is_build_folder",
    "is_kg_build",
    "BUILD_SIGNATURE",
    "MANIFEST",
    "NQuadsReader",
    "write_combined",
    "write_split",
    "write_manifest",
]

GRAPH_FILES = ("auto", "combined", "split")
COMBINED_MAX_QUADS = 2_000_000
GRAPHS_DIR = "graphs"



MANIFEST = "manifest.json"
# the Oxigraph store of a build (see kg.store)
STORE_DIR = "store"
# The first key of every manifest.json kg writes: how kg knows a folder is its own build
# (the only kind of folder ``kg build -o`` replaces).
BUILD_SIGNATURE = "kg build"
_SIGNED_HEAD = b'{\n  "generator": "' + BUILD_SIGNATURE.encode()
# manifest.json of builds made before the signature (kg 0.1 up to this change)
_LEGACY_HEAD = b'{\n  "summary": {\n    "documents": '


# ---------------------------------------------------------------------------------------
# reading a build folder


def is_build_folder(out: Path) -> bool:
    return (out / "graph.nq").is_file() or (out / GRAPHS_DIR).is_dir()


def is_kg_build(out: Path) -> bool:
    """Whether ``out`` is a folder kg built: a real folder (not a symlink) whose
    manifest.json starts with kg's signature (or is the manifest of an earlier kg, next to
    its graph files)."""
    if out.is_symlink() or not out.is_dir():
        return False
    try:
        with (out / MANIFEST).open("rb") as fh:
            head = fh.read(max(len(_SIGNED_HEAD), len(_LEGACY_HEAD)))
    except OSError:
        return False
    return head.startswith(_SIGNED_HEAD) or (head.startswith(_LEGACY_HEAD) and is_build_folder(out))


def graph_nquads(out: str | Path) -> list[Path]:
    """The N-Quads file(s) of a build folder: ``graph.nq``, or each ``graphs/*.nq``."""
    out = Path(out)
    if (out / "graph.nq").is_file():
        return [out / "graph.nq"]
    if (out / GRAPHS_DIR).is_dir():
        return sorted((out / GRAPHS_DIR).glob("*.nq"))
    raise UsageError(f"{out}: not a kg build folder (no graph.nq or graphs/); run `kg build PATH -o {out}` first")


class NQuadsReader(io.RawIOBase):
    """Several N-Quads files read as one stream (for ``Store.bulk_load``), without copying
    them into one file first. ``paths`` may be an iterator that waits for files still
    being written (the build loads chunks while workers make the next ones)."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self._paths = iter(paths)
        self._fh: io.BufferedReader | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while True:
            if self._fh is None:
                path = next(self._paths, None)
                if path is None:
                    return 0
                self._fh = open(path, "rb")  # noqa: SIM115 - closed at its end
            n = self._fh.readinto(buffer)
            if n:
                return n
            self._fh.close()
            self._fh = None

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        super().close()


# ---------------------------------------------------------------------------------------
# writing


def concat(parts: Iterable[Path | bytes], target: Path, header: bytes = b"") -> None:
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


def _strip_prefixes(data: bytes) -> bytes:
    """A TriG/Turtle chunk without its leading ``@prefix`` lines (written once per file)."""
    pos = 0
    while data.startswith(b"@prefix ", pos):
        pos = data.index(b"\n", pos) + 1
    return data[pos:]


def _prefix_header() -> bytes:
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in FILE_PREFIXES.items()).encode()


def _trig_ttl(chunk: Path) -> tuple[Path, Path]:
    """The TriG and Turtle forms of an N-Quads chunk, made once and kept beside it."""
    trig, ttl = chunk.with_suffix(".trig"), chunk.with_suffix(".ttl")
    if trig.is_file() and ttl.is_file():
        return trig, ttl
    quads = list(ox.parse(path=str(chunk), format=ox.RdfFormat.N_QUADS))
    data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=FILE_PREFIXES) if quads else b""
    trig.write_bytes(_strip_prefixes(data))
    data = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.TURTLE, prefixes=FILE_PREFIXES) if quads else b""
    ttl.write_bytes(_strip_prefixes(data))
    return trig, ttl


def write_combined(tmp: Path, chunks: Sequence[Path]) -> None:
    """graph.nq, graph.trig and graph.ttl by concatenating the chunks (in graph order)."""
    concat(chunks, tmp / "graph.nq")
    forms = [_trig_ttl(c) for c in chunks]
    header = _prefix_header()
    concat([t for t, _ in forms], tmp / "graph.trig", header)
    concat([t for _, t in forms], tmp / "graph.ttl", header)


def write_split(tmp: Path, files: Sequence[tuple[str, Path]]) -> None:
    """``graphs/NAME.nq`` for each (name, chunk): hard links, so nothing is copied."""
    folder = tmp / GRAPHS_DIR
    folder.mkdir()
    for name, chunk in files:
        target = folder / f"{name}.nq"
        if target.exists():  # never write through a hard link into the cache entry
            raise ValueError(f"two graphs of the build would share the file graphs/{target.name}")
        try:
            os.link(chunk, target)
        except OSError:
            shutil.copyfile(chunk, target)


def write_manifest(
    tmp: Path, head: dict[str, object], documents: Sequence[Path | bytes], warnings: Sequence[Path | bytes],
    warnings_text: Sequence[Path | bytes],
) -> None:
    """manifest.json and warnings.txt from fragments (files or bytes) made per document:
    ``documents`` one JSON object each, ``warnings`` comma-separated JSON objects (empty
    fragments allowed), ``warnings_text`` lines — so a rebuild does not encode again what
    did not change."""

    def joined(parts: Sequence[Path | bytes]) -> list[Path | bytes]:
        out: list[Path | bytes] = []
        for part in parts:
            if isinstance(part, Path) and part.stat().st_size == 0 or part == b"":
                continue
            if out:
                out.append(b",\n    ")
            out.append(part)
        return out

    head = {"generator": f"{BUILD_SIGNATURE} {__version__}", **head}
    text = json.dumps(head, ensure_ascii=False, indent=2)[:-2].encode()
    concat(
        [
            text, b',\n  "documents": [\n    ', *joined(documents), b"\n  ],\n",
            b'  "warnings": [\n    ', *joined(warnings), b"\n  ]\n}\n",
        ],
        tmp / MANIFEST,
    )
    concat(warnings_text, tmp / "warnings.txt")
