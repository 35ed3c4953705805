"""``OUT/facts.jsonl``: the facts the report, the views and the workload exports read,
written by the build, read back in about a second instead of from the store.

The first line says what the file is and which graphs it describes::

    {"format":"kg facts","version":1,"graphs":"<sha-256 of the build's graphs and their digests>"}

then one line per document (:mod:`kg.graph.facts_rows` says what a line holds), in input
order: the lines of the documents' cache entries (``KEY.facts.jsonl``, written by the
worker that made the document's quads) concatenated like ``tasks.jsonl``, so a rebuild
copies the unchanged runs (:class:`kg.layout.Splice`) and writes the same bytes as a
full build.

A reader takes the file only when it belongs to the build it reports on
(:func:`build_facts_records`, :func:`load_build_facts`): its ``graphs`` digest must be
that of the graphs the build's cache index (``cache/index.json``) lists, i.e. of what the
store was loaded from. A build made by an older kg has no such file, and an endpoint has
no build folder: the readers then query the store, and say so
(:attr:`kg.analysis.facts.Facts.source`). Nothing read is kept here between readers: each
reads the file (~0.7 s of CPU at 100,000 tasks) and keeps what it needs.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from ..layout import FACTS_FILE, FACTS_VERSION, Splice, concat
from .cache import CACHE_DIR, CACHE_INDEX, DocInfo
from .shared import Graph

__all__ = [
    "FACTS_FILE", "FACTS_SUFFIX", "FactsFileError", "FactsRecords", "build_facts_records", "graphs_digest", "load_build_facts",
    "no_collections", "write_facts_file",
]

FACTS_SUFFIX = ".facts.jsonl"  # a document's line, in its cache entry
_FORMAT = "kg facts"

FactsRecords = list[dict[str, Any]]  # one per document, as kg.graph.facts_rows.document_facts makes it


def graphs_digest(graphs: Mapping[str, str]) -> str:
    """What identifies a build's graphs: the SHA-256 of each named graph's IRI and digest."""
    return hashlib.sha256(json.dumps(sorted(graphs.items()), ensure_ascii=False).encode()).hexdigest()


def write_facts_file(
    tmp: Path, folder: Path, infos: Sequence[DocInfo], graphs: Sequence[Graph], splice: Splice | None = None
) -> None:
    """``facts.jsonl`` of the build in ``tmp``: the header, then the line of each document
    read (``infos``, in input order) from its cache entry in ``folder``."""
    head = {"format": _FORMAT, "version": FACTS_VERSION, "graphs": graphs_digest({g.iri: g.digest for g in graphs})}
    header = (json.dumps(head, separators=(",", ":")) + "\n").encode()
    parts = [f"{folder}/{i.key}{FACTS_SUFFIX}" for i in infos if i.name is not None]
    concat(parts, tmp / FACTS_FILE, header=header, splice=splice)


@contextmanager
def no_collections() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: reading the facts makes millions of lists,
    strings and records, none of them cyclic, and with Python's thresholds the collector
    walks them again and again (a third of the time of reading 20k tasks' facts)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class FactsFileError(ValueError):
    """A line of a facts file that cannot be read (found while reading it line by line)."""


def build_facts_records(out: str | Path) -> tuple[Iterator[dict[str, Any]] | None, str]:
    """The facts records of the build folder ``out``, one document's at a time, and
    ``"facts.jsonl"``; or None and why the file cannot be used (missing, of another format,
    not of this build's graphs).

    The records are parsed as they are taken (one line each), so that a reader that keeps
    what it needs of them never holds the whole file's (~300 MB of lists and strings at
    100,000 tasks, whose memory Python then keeps); a line that cannot be parsed raises
    :class:`FactsFileError` where it is met.
    """
    path, index = Path(out) / FACTS_FILE, Path(out) / CACHE_DIR / CACHE_INDEX
    try:
        graphs = json.loads(index.read_bytes()).get("graphs")
        fh = path.open("rb")
    except FileNotFoundError:
        return None, f"no {FACTS_FILE} with a cache index (a build by an older kg)"
    except (OSError, ValueError, AttributeError) as e:
        return None, f"{FACTS_FILE} cannot be read: {e}"
    try:
        head = json.loads(fh.readline() or b"null")
    except (OSError, ValueError) as e:
        fh.close()
        return None, f"{FACTS_FILE} cannot be read: {e}"
    if not isinstance(head, dict) or head.get("format") != _FORMAT or head.get("version") != FACTS_VERSION:
        fh.close()
        return None, f"{FACTS_FILE} is not of version {FACTS_VERSION} of the format"
    if not isinstance(graphs, dict) or head.get("graphs") != graphs_digest(graphs):
        fh.close()
        return None, f"{FACTS_FILE} does not describe the graphs of {CACHE_DIR}/{CACHE_INDEX}"
    return _records(fh, path), FACTS_FILE


def _records(fh: BinaryIO, path: Path) -> Iterator[dict[str, Any]]:
    with fh:
        for n, line in enumerate(fh, start=2):
            try:
                rec = json.loads(line)
            except ValueError as e:
                raise FactsFileError(f"{path}:{n}: {e}") from None
            if not isinstance(rec, dict):
                raise FactsFileError(f"{path}:{n}: not a document's record")
            yield rec


def load_build_facts(out: str | Path) -> tuple[FactsRecords | None, str]:
    """The facts records of the build folder ``out`` in a list, as
    :func:`build_facts_records` reads them (a line that cannot be read: None and why)."""
    records, why = build_facts_records(out)
    if records is None:
        return None, why
    try:
        with no_collections():
            return list(records), why
    except (OSError, FactsFileError) as e:
        return None, f"{FACTS_FILE} cannot be read: {e}"
