"""``OUT/workload.jsonl``: the ranking the build computed (default options), saved with
everything ``kg workload`` shows of it, so that the command answers from it in a fraction
of the time of ranking again (no store, no networkx: the centralities are saved).

Written by the workload writer (:mod:`kg.analysis.workload_outputs`) next to
``workload.csv``; read by ``kg workload`` only when it is the ranking asked for, of this
build (:func:`read_saved_ranking`): the same format version and kg version, the same
options, and the graphs of the build's cache index (``cache/index.json``: what the store
was loaded from, as ``facts.jsonl``'s header checks). Otherwise, or when the file cannot be
read, the command ranks again and ``--verbose`` says why.

The file, one JSON value a line:

1. the header: ``{"format": "kg workload", "version": 1, "kg": VERSION, "graphs": {graph
   IRI: digest}, "options": {…}, "fields": {…}, "tasks": N, "gini": …, "top5_share": …,
   "collaboration": [nodes, edges], "names": {"unit" | "group": [labels, aliases]},
   "units": [row, …], "groups": [row, …], "task_lines": T}``; a row holds a
   :class:`~kg.analysis.workload_rows.UnitLoad`'s fields but ``tasks`` and ``documents``, in
   the order of ``fields["unit"]``; ``names`` maps each label and alias of a unit or group
   reference to its IRIs (those of the store, for ``--unit NAME``);
2. one line per unit, then per group reference, in the order of the header:
   ``[documents, shares]``, a document ``[IRI, direct load, expanded load]``, a share
   ``[task line, role, via_group, direct_share, expanded_share, direct_role]``;
3. ``task_lines`` lines, one per task a share names: ``[IRI, number as written, document,
   ordinal, section, text]`` (``task line`` counts them from 0).

The lines of 2 and 3 are read only for the output that shows them (``--format json``,
``--unit``), and for ``--unit`` only the unit's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, fields, replace
from operator import attrgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..version import __version__
from .workload_rows import DocumentLoad, TaskShare, UnitLoad, WorkloadOptions

if TYPE_CHECKING:  # pragma: no cover
    from .workload_rows import Ranking

__all__ = ["WORKLOAD_FILE", "SavedRanking", "read_saved_ranking", "write_saved_ranking", "Names"]

WORKLOAD_FILE = "workload.jsonl"
# the build's cache index (kg.pipeline.cache.CACHE_DIR / CACHE_INDEX: the build package is
# not imported here, for the command's start-up; a test checks they are the same)
INDEX_FILE = "cache/index.json"
_FORMAT = "kg workload"
_VERSION = 1

_DETAIL = ("tasks", "documents")
_ROW_FIELDS = tuple(f.name for f in fields(UnitLoad) if f.name not in _DETAIL)
_SHARE_FIELDS = tuple(f.name for f in fields(TaskShare))
_TASK_PART = 6  # the first fields of a TaskShare say which task (the same for every unit)
_DOCUMENT_FIELDS = tuple(f.name for f in fields(DocumentLoad))
_FIELDS = {"unit": list(_ROW_FIELDS), "share": list(_SHARE_FIELDS), "document": list(_DOCUMENT_FIELDS)}
# a record's values in the order of its fields (dataclasses.astuple deep-copies every value)
_row_values, _share_values, _document_values = (
    attrgetter(*_ROW_FIELDS), attrgetter(*_SHARE_FIELDS), attrgetter(*_DOCUMENT_FIELDS))

# a kind's names: (labels, aliases), each a name → the IRIs it names
Names = Mapping[str, tuple[Mapping[str, Collection[str]], Mapping[str, Collection[str]]]]


@dataclass(frozen=True)
class NetworkCount:
    """The size of the collaboration network the build computed (what the outputs show of it)."""

    nodes: int
    edges: int

    def number_of_nodes(self) -> int:
        return self.nodes

    def number_of_edges(self) -> int:
        return self.edges


@dataclass(frozen=True)
class SavedRanking:
    """The ranking read back from ``workload.jsonl``: what :class:`kg.analysis.workload_rows.Ranking`
    asks, and the unit and group names of the store. ``units`` and ``groups`` hold their
    tasks and documents only where :func:`read_saved_ranking` was asked for them."""

    units: list[UnitLoad]
    groups: list[UnitLoad]
    gini: float
    top5_share: float
    options: WorkloadOptions
    tasks: int
    collaboration: NetworkCount
    names: dict[str, tuple[dict[str, list[str]], dict[str, list[str]]]]

    def lookup(self, name: str) -> tuple[str, ...]:
        """The IRIs of the units named ``name`` (label first, then alias), else of the
        group references: what ``kg workload --unit`` looks up in the store."""
        for kind in ("unit", "group"):
            labels, aliases = self.names.get(kind, ({}, {}))
            found = labels.get(name) or aliases.get(name)
            if found:
                return tuple(found)
        return ()


def write_saved_ranking(folder: Path, report: Ranking, names: Names) -> None:
    """Write ``workload.jsonl`` of ``report`` into the build folder ``folder`` (written after
    its cache index), or remove an old one when the folder has no index to stamp it with."""
    path = folder / WORKLOAD_FILE
    graphs = _index_graphs(folder)
    if graphs is None:
        path.unlink(missing_ok=True)
        return
    task_lines: dict[tuple[Any, ...], int] = {}
    details = [_detail(u, task_lines) for u in (*report.units, *report.groups)]
    head = {
        "format": _FORMAT, "version": _VERSION, "kg": __version__, "graphs": graphs,
        "options": asdict(report.options), "fields": _FIELDS, "tasks": report.tasks, "gini": report.gini,
        "top5_share": report.top5_share,
        "collaboration": [report.collaboration.number_of_nodes(), report.collaboration.number_of_edges()],
        "names": {kind: [_sorted_names(labels), _sorted_names(aliases)] for kind, (labels, aliases) in sorted(names.items())},
        "units": [_row(u) for u in report.units], "groups": [_row(g) for g in report.groups],
        "task_lines": len(task_lines),
    }
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(_line(head))
        fh.writelines(_line(d) for d in details)
        fh.writelines(_line(list(t)) for t in task_lines)
    os.replace(tmp, path)  # (never a half-written file under the name)


def _line(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def _sorted_names(names: Mapping[str, Collection[str]]) -> dict[str, list[str]]:
    return {name: sorted(iris) for name, iris in sorted(names.items())}


def _row(u: UnitLoad) -> list[object]:
    return list(_row_values(u))


def _detail(u: UnitLoad, task_lines: dict[tuple[Any, ...], int]) -> list[object]:
    shares = []
    for t in u.tasks:
        values = _share_values(t)
        key = values[:_TASK_PART]
        n = task_lines.get(key)
        if n is None:
            n = task_lines[key] = len(task_lines)
        shares.append([n, *values[_TASK_PART:]])
    return [[_document_values(d) for d in u.documents], shares]


def _index_graphs(folder: Path) -> dict[str, str] | None:
    """The graphs (IRI → digest) of the build's cache index; None without a readable one."""
    try:
        graphs = json.loads((folder / INDEX_FILE).read_bytes()).get("graphs")
    except (OSError, ValueError, AttributeError):
        return None
    return graphs if isinstance(graphs, dict) else None


class _Unusable(Exception):
    """Why the saved ranking is not the one asked for (said by ``kg workload --verbose``)."""


def read_saved_ranking(
    folder: Path, options: WorkloadOptions, name: str | None = None, details: bool = False
) -> tuple[SavedRanking | None, tuple[str, ...], str]:
    """The ranking saved in the build folder ``folder`` when it is the one asked for (of
    ``options``, of the build's graphs as they are now), the IRIs ``name`` stands for (a
    unit or group name: their tasks and documents are read, and those of every unit or group
    of the same label), and where it was read; or None, (), and why it cannot be used.

    ``details``: read the tasks and documents of every unit and group. A ``name`` the file
    does not know is a reason to rank again (the store says what it is, or suggests names).
    """
    path = folder / WORKLOAD_FILE
    try:
        with path.open("rb") as fh:
            saved = _header(fh, folder, options)
            iris: tuple[str, ...] = ()
            wanted: Collection[str] | None = None
            if name is not None:
                iris = saved.lookup(name.strip())
                if not iris:
                    raise _Unusable(f"{name.strip()} is not a unit or group name it holds")
                labels = {u.unit for u in (*saved.units, *saved.groups) if u.iri in iris}
                wanted = {u.iri for u in (*saved.units, *saved.groups) if u.unit in labels}
            if details or wanted:
                saved = _with_details(fh, saved, None if details else wanted)
    except FileNotFoundError:
        return None, (), f"no {path} (written with the workload files: `kg report` writes them)"
    except _Unusable as why:
        return None, (), f"{path}: {why}"
    except (OSError, ValueError, TypeError, KeyError, IndexError) as e:  # (ValueError: the JSON's errors too)
        return None, (), f"{path} cannot be read: {type(e).__name__}: {e}"
    return saved, iris, f"the ranking the build saved ({path})"


def _header(fh: IO[bytes], folder: Path, options: WorkloadOptions) -> SavedRanking:
    head = json.loads(fh.readline() or b"null")
    if not isinstance(head, dict) or head.get("format") != _FORMAT or head.get("version") != _VERSION:
        raise _Unusable(f"not version {_VERSION} of the format")
    if head.get("kg") != __version__:
        raise _Unusable(f"written by kg {head.get('kg')}, not {__version__}")
    if head.get("fields") != _FIELDS:
        raise _Unusable("written with other record fields (by another kg)")
    if head.get("options") != asdict(options):
        raise _Unusable("written with other options (the build's are the defaults)")
    graphs = _index_graphs(folder)
    if graphs is None or head.get("graphs") != graphs:
        raise _Unusable(f"not of the graphs of {INDEX_FILE} (the build changed since it was written)")
    nodes, edges = head["collaboration"]
    return SavedRanking(
        units=[_unit(r) for r in head["units"]], groups=[_unit(r) for r in head["groups"]], gini=head["gini"],
        top5_share=head["top5_share"], options=options, tasks=head["tasks"],
        collaboration=NetworkCount(nodes, edges), names={k: (v[0], v[1]) for k, v in head["names"].items()},
    )


def _unit(row: list[Any]) -> UnitLoad:
    values = dict(zip(_ROW_FIELDS, row, strict=True))
    values["rules"] = tuple(values["rules"])
    return UnitLoad(**values)


def _with_details(fh: IO[bytes], saved: SavedRanking, wanted: Collection[str] | None) -> SavedRanking:
    """``saved`` with the tasks and documents of the units and groups in ``wanted`` (all:
    None), read from the lines after the header."""
    rows = (*saved.units, *saved.groups)
    lines = iter(fh)
    found: dict[int, tuple[list[Any], list[Any]]] = {}
    for i, u in enumerate(rows):
        line = next(lines, None)
        if line is None:
            raise ValueError(f"{len(rows) - i} lines of units missing")
        if wanted is None or u.iri in wanted:
            documents, shares = json.loads(line)
            found[i] = (documents, shares)
    needed = {s[0] for _, shares in found.values() for s in shares}
    tasks: dict[int, list[Any]] = {}
    for n, line in enumerate(lines):
        if len(tasks) == len(needed):
            break
        if n in needed:
            tasks[n] = json.loads(line)
    if len(tasks) != len(needed):
        raise ValueError(f"{len(needed) - len(tasks)} task lines missing")
    done = [
        replace(u, documents=tuple(DocumentLoad(*d) for d in found[i][0]),
                tasks=tuple(TaskShare(*tasks[s[0]], *s[1:]) for s in found[i][1]))
        if i in found else u
        for i, u in enumerate(rows)
    ]
    return replace(saved, units=done[:len(saved.units)], groups=done[len(saved.units):])

