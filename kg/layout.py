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
  ``warnings.txt``; ``facts.jsonl`` (:data:`FACTS_FILE`), what the report reads
  (:mod:`kg.graph.facts_rows`).

:func:`graph_nquads` is how readers of a build folder find its N-Quads in either layout.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
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
    "Part",
    "Splice",
    "graph_nquads",
    "is_build_folder",
    "is_kg_build",
    "BUILD_SIGNATURE",
    "MANIFEST",
    "FACTS_FILE",
    "FACTS_VERSION",
    "NQuadsReader",
    "write_combined",
    "link_spare",
    "write_split",
    "write_manifest",
]

GRAPH_FILES = ("auto", "combined", "split")
COMBINED_MAX_QUADS = 2_000_000
GRAPHS_DIR = "graphs"



MANIFEST = "manifest.json"
# the facts the report, views and workload exports read (kg.graph.facts_rows, kg.pipeline.facts_file)
FACTS_FILE = "facts.jsonl"
# the format of its lines (kg.graph.facts_rows makes them; the file's header line says it)
FACTS_VERSION = 1
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


def _copy_range(src: int, dst: int, offset: int, size: int) -> None:
    """Append ``size`` bytes of the file ``src`` from ``offset`` to ``dst``, in the kernel."""
    end = offset + size
    try:
        while offset < end:
            n = os.sendfile(dst, src, offset, end - offset)
            if n == 0:
                raise OSError(f"file ended {end - offset} bytes early")
            offset += n
    except OSError:
        while offset < end:
            data = os.pread(src, min(1 << 20, end - offset), offset)
            if not data:
                raise
            os.write(dst, data)
            offset += len(data)


# A part of a file that concat writes: bytes, or a file (its path as a Path or a str).
Part = Path | str | bytes


def _part_id(part: Part) -> str:
    """What names a part in a :class:`Splice` map: a file by its name (the cache names
    its files by their content), bytes by themselves (or their hash when long)."""
    if isinstance(part, bytes):
        return "=" + (part.hex() if len(part) <= 32 else hashlib.sha256(part).hexdigest())
    text = os.fspath(part)
    return text[text.rfind("/") + 1 :]


class _Previous:
    """A file an earlier build wrote with :meth:`Splice.concat`, and where its parts lie."""

    def __init__(self, path: Path, record: object) -> None:
        self.path = path
        ids, lengths = (record.get("ids"), record.get("lengths")) if isinstance(record, dict) else (None, None)
        if not isinstance(ids, list) or not isinstance(lengths, list) or len(ids) != len(lengths):
            raise ValueError("not a parts map")
        self.ids: list[str] = ids
        self.lengths: list[int] = lengths
        self.offsets = list(itertools.accumulate(self.lengths, initial=0))
        offset = self.offsets.pop()
        # (each id's first position: the reversed pairs leave the first one last)
        self.position = dict(zip(reversed(self.ids), range(len(self.ids) - 1, -1, -1), strict=True))
        st = path.stat()  # the file must be the one the map describes, untouched since
        if (st.st_size, st.st_mtime_ns, st.st_ino) != (offset, record.get("mtime_ns"), record.get("ino")):
            raise ValueError("changed since it was written")


def concat(parts: Iterable[Part], target: Path, header: bytes = b"", splice: Splice | None = None) -> None:
    """Write ``header`` then every part (a file, copied in the kernel, or bytes) to ``target``.

    With ``splice``, the runs of parts that the file of the same name in the previous
    build already holds in a row are copied from it (one system call per run, not one
    file opened per part): see :class:`Splice`."""
    if splice is not None:
        splice.concat(parts, target, header)
        return
    _Writer(target, None).write([header, *parts] if header else parts).close()


def _common_run(a: list[str], i: int, b: list[str], j: int) -> int:
    """How many items ``a[i:]`` and ``b[j:]`` have in common from the start (at least 1:
    ``a[i] == b[j]``), by comparing doubling slices, then halving."""
    n = 1
    while i + 2 * n <= len(a) and j + 2 * n <= len(b) and a[i + n : i + 2 * n] == b[j + n : j + 2 * n]:
        n *= 2
    step = n // 2
    while step:
        if i + n + step <= len(a) and j + n + step <= len(b) and a[i + n : i + n + step] == b[j + n : j + n + step]:
            n += step
        step //= 2
    return n


class _Writer:
    """``concat``'s file: bytes buffered, files and runs of the previous file copied."""

    def __init__(self, target: Path, previous: _Previous | None) -> None:
        self.fh = target.open("wb", buffering=0)
        self.fd = self.fh.fileno()
        self.previous = previous
        self.old_fd = os.open(previous.path, os.O_RDONLY) if previous is not None else -1
        self.pending = bytearray()
        self.run: list[int] = []  # [offset, length] in the previous file, not copied yet
        # the parts written (their ids and lengths, two lists: ten thousand pairs cost more)
        self.ids: list[str] = []
        self.lengths: list[int] = []

    def _flush(self) -> None:
        if self.run:
            self._write_pending()
            _copy_range(self.old_fd, self.fd, self.run[0], self.run[1])
            self.run = []

    def _write_pending(self) -> None:
        if self.pending:
            self.fh.write(self.pending)  # (unbuffered: FileIO writes it whole)
            self.pending = bytearray()

    def _old(self, part: Part, pid: str) -> int | None:
        """The index of ``part`` in the previous file: a file anywhere, bytes right after
        the previous part when that one came from the previous file too."""
        prev = self.previous
        if prev is None:
            return None
        if not isinstance(part, bytes):
            return prev.position.get(pid)
        if self.run and self._cursor + 1 < len(prev.ids) and prev.ids[self._cursor + 1] == pid:
            return self._cursor + 1
        return None

    _cursor = -1

    def write(self, parts: Iterable[Part]) -> _Writer:
        prev = self.previous
        parts = list(parts)
        ids = [_part_id(p) for p in parts]
        i = 0
        while i < len(parts):
            part, pid = parts[i], ids[i]
            at = self._old(part, pid)
            if at is None or prev is None:
                self._one(part, pid)
                i += 1
                continue
            # the run of parts that follow in both files, found by comparing the lists
            # (in C): a rebuild that changed one document of ten thousand makes three runs
            n = _common_run(ids, i, prev.ids, at)
            offset = prev.offsets[at]
            length = prev.offsets[at + n - 1] + prev.lengths[at + n - 1] - offset
            if self.run and self.run[0] + self.run[1] == offset:
                self.run[1] += length
            else:
                self._flush()
                self.run = [offset, length]
            self.ids += ids[i : i + n]
            self.lengths += prev.lengths[at : at + n]
            self._cursor = at + n - 1
            i += n
        return self

    def _one(self, part: Part, pid: str) -> None:
        """A part the previous file does not hold here: bytes are buffered, a file copied."""
        self._flush()
        if isinstance(part, bytes):
            self.pending += part
            length = len(part)
        else:
            self._write_pending()
            with open(part, "rb") as src:
                length = os.fstat(src.fileno()).st_size
                _copy_range(src.fileno(), self.fd, 0, length)
        if length:
            self.ids.append(pid)
            self.lengths.append(length)

    def close(self) -> os.stat_result:
        try:
            self._flush()
            self._write_pending()
            return os.fstat(self.fd)
        finally:
            self.fh.close()
            if self.old_fd >= 0:
                os.close(self.old_fd)


class Splice:
    """Files written from parts (cache files and bytes) so that the next build copies what
    did not change from the previous build's files: after editing one document of ten
    thousand, tasks.jsonl, manifest.json, warnings.txt and the combined graph files are
    written in a few runs copied from the previous files instead of one file opened per
    document.

    ``maps`` is what an earlier build recorded (:attr:`record`, kept in its cache) for the
    files in the folder ``previous``: for each file its parts (by :func:`_part_id`) and
    their lengths, its size, mtime and inode. A part file must be named by its content (as
    the cache's ``KEY.*`` files are); a previous file that does not match its map (edited,
    replaced) is not used, so the output is always exactly the parts."""

    def __init__(self, previous: Path | None = None, maps: object = None) -> None:
        self.previous = previous
        self.maps = maps if isinstance(maps, dict) else {}
        self.record: dict[str, object] = {}
        self.copied = 0  # files written from a previous one

    def _previous(self, name: str) -> _Previous | None:
        if self.previous is None or name not in self.maps:
            return None
        try:
            return _Previous(self.previous / name, self.maps[name])
        except (OSError, ValueError, TypeError):
            return None

    def concat(self, parts: Iterable[Part], target: Path, header: bytes = b"") -> None:
        previous = self._previous(target.name)
        writer = _Writer(target, previous).write([header, *parts] if header else parts)
        st = writer.close()
        self.copied += previous is not None
        self.record[target.name] = {"mtime_ns": st.st_mtime_ns, "ino": st.st_ino, "ids": writer.ids, "lengths": writer.lengths}


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


def write_combined(tmp: Path, chunks: Sequence[Path], splice: Splice | None = None) -> None:
    """graph.nq, graph.trig and graph.ttl by concatenating the chunks (in graph order)."""
    concat(chunks, tmp / "graph.nq", splice=splice)
    forms = [_trig_ttl(c) for c in chunks]
    header = _prefix_header()
    concat([t for t, _ in forms], tmp / "graph.trig", header, splice)
    concat([t for _, t in forms], tmp / "graph.ttl", header, splice)


def write_split(
    tmp: Path, files: Sequence[tuple[str, Path | str]], spare: Path | None = None,
    spare_map: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """``graphs/NAME.nq`` for each (name, chunk): hard links, so nothing is copied. Returns
    the folder's map (file name → the chunk's file name), for the next build.

    ``spare``: a graphs folder an earlier build of OUT wrote and no longer shows, whose
    map is ``spare_map``; it is taken (renamed) and only its files that differ are linked
    again — after editing one document of ten thousand, a few links instead of ten
    thousand. Taken only when it holds exactly the files of its map (the cache's chunks
    are named by their content, so a file of the same chunk name holds the same bytes)."""
    folder = tmp / GRAPHS_DIR
    want = {f"{name}.nq": chunk for name, chunk in files}
    if len(want) != len(files):
        twice = next(name for name, n in Counter(name for name, _ in files).items() if n > 1)
        raise ValueError(f"two graphs of the build would share the file graphs/{twice}.nq")
    made = {name: os.path.basename(chunk) for name, chunk in want.items()}
    old = _take_spare(folder, spare, spare_map)
    if old is None:
        folder.mkdir()
        old = {}
    else:
        for name, chunk in old.items():
            if made.get(name) != chunk:
                os.unlink(f"{folder}/{name}")
    for name, chunk in want.items():
        if old.get(name) != made[name]:
            _link(chunk, f"{folder}/{name}")
    return made


def link_spare(folder: Path, spare: Path, made: Mapping[str, str]) -> None:
    """``spare``: a second graphs folder of hard links to ``folder``'s files (``made``: its
    map), for the next build to take (:func:`write_split`); a spare that exists is replaced."""
    if spare.exists():
        shutil.rmtree(spare)
    spare.mkdir()
    for name in made:
        _link(f"{folder}/{name}", f"{spare}/{name}")


def _take_spare(folder: Path, spare: Path | None, spare_map: Mapping[str, str] | None) -> Mapping[str, str] | None:
    """The spare graphs folder renamed to ``folder``, and its map; None when there is none
    or it does not hold exactly the files of its map (then it is removed)."""
    if spare is None or not spare_map or not spare.is_dir():
        return None
    try:
        os.rename(spare, folder)
    except OSError:
        return None
    present = os.listdir(folder)
    if len(present) == len(spare_map) and all(name in spare_map for name in present):
        return spare_map
    shutil.rmtree(folder)
    return None


def _link(chunk: Path | str, target: str) -> None:
    """``target``: a hard link to the cache file ``chunk`` (a copy where links fail)."""
    try:
        os.link(chunk, target)
    except FileExistsError:  # never write through a hard link into the cache entry
        raise ValueError(f"the graph file {target} exists already") from None
    except OSError:
        if os.path.lexists(target):
            raise ValueError(f"the graph file {target} exists already") from None
        shutil.copyfile(chunk, target)


def write_manifest(
    tmp: Path, head: dict[str, object], documents: Sequence[Part], warnings: Sequence[Part],
    warnings_text: Sequence[Part], splice: Splice | None = None,
) -> None:
    """manifest.json and warnings.txt from fragments (files or bytes) made per document:
    ``documents`` one JSON object each, ``warnings`` comma-separated JSON objects (an empty
    fragment is given as ``b""``, not as an empty file), ``warnings_text`` lines — so a rebuild does not encode again what
    did not change (and, with ``splice``, copies the runs of what did not change from the
    previous files)."""

    def joined(parts: Sequence[Part]) -> list[Part]:
        out: list[Part] = []
        for part in parts:
            if part == b"":
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
        splice=splice,
    )
    concat(warnings_text, tmp / "warnings.txt", splice=splice)
