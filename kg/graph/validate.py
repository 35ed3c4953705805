"""Validation of a build folder: is the build whole, and does its graph conform?

Two checks, of either layout (``combined`` or ``split``, :mod:`kg.layout`):

* the build itself (:func:`check_build`): manifest.json is there and is kg's; every graph
  file is there and parses; the files hold the same graph (graph.nq, graph.trig and
  graph.ttl, or the ``graphs/*.nq`` files) with as many quads as the manifest says; the
  store opens and holds the same number of quads. Each problem is one line.
* the shapes: pySHACL over the union of the named graphs, against ``ontology/shapes.ttl``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import UsageError
from ..layout import BUILD_SIGNATURE, GRAPHS_DIR, MANIFEST, STORE_DIR
from ..resources import shapes_file

__all__ = ["ValidationReport", "BuildCheck", "check_build", "validate_build", "load_union_graph"]

_COMBINED = ("graph.nq", "graph.trig", "graph.ttl")
_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG, ".ttl": ox.RdfFormat.TURTLE}


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool  # the graph conforms to the shapes (see ``ok`` for the build as a whole)
    violations: int
    triples: int
    text: str
    problems: tuple[str, ...] = ()  # what is wrong with the build itself, one line each

    @property
    def ok(self) -> bool:
        return self.conforms and not self.problems


@dataclass
class BuildCheck:
    """What :func:`check_build` found: the problems, and the graph's quads (from the first
    graph file that parsed; None when none did)."""

    layout: str = ""  # "combined" or "split"
    problems: list[str] = field(default_factory=list)
    quads: list[ox.Quad] | None = None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _parse(path: Path, problems: list[str]) -> list[ox.Quad] | None:
    try:
        return list(ox.parse(path=str(path), format=_FORMATS[path.suffix]))
    except (SyntaxError, ValueError, OSError) as exc:
        problems.append(f"{path}: cannot be parsed: {_one_line(exc)}")
        return None


def _triples(quads: list[ox.Quad]) -> set[ox.Triple]:
    return {q.triple for q in quads}


def _manifest(out: Path, problems: list[str]) -> dict[str, object]:
    path = out / MANIFEST
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        problems.append(f"{path}: missing")
        return {}
    except (OSError, ValueError) as exc:
        problems.append(f"{path}: cannot be read as JSON: {_one_line(exc)}")
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path}: is not a kg manifest (not a JSON object)")
        return {}
    generator = data.get("generator")
    if generator is not None and not str(generator).startswith(BUILD_SIGNATURE):
        problems.append(f"{path}: was not written by kg (generator {generator!r})")
    return data


def check_build(out: str | Path) -> BuildCheck:
    """Check that the build folder ``out`` is whole (see the module's docstring); a
    :class:`UsageError` when it is no build folder at all."""
    out = Path(out)
    graphs = out / GRAPHS_DIR
    if not out.is_dir() or not (
        (out / MANIFEST).exists() or graphs.is_dir() or any((out / f).exists() for f in _COMBINED)
    ):
        raise UsageError(f"{out}: not a kg build folder (no manifest.json, graph files or graphs/); run `kg build PATH -o {out}` first")
    check = BuildCheck()
    problems = check.problems
    manifest = _manifest(out, problems)
    layout = manifest.get("graph_files")
    if layout not in ("combined", "split"):
        layout = "split" if graphs.is_dir() and not (out / "graph.nq").exists() else "combined"
    check.layout = str(layout)

    quads: list[ox.Quad] | None = None
    count: int | None = None  # distinct quads in the named graphs' files
    if layout == "combined":
        parsed: dict[str, list[ox.Quad] | None] = {}
        for name in _COMBINED:
            if (out / name).is_file():
                parsed[name] = _parse(out / name, problems)
            else:
                problems.append(f"{out / name}: missing")
        nq, trig, ttl = (parsed.get(n) for n in _COMBINED)
        # (compared by count: a blank node is named anew in each file)
        if nq is not None and trig is not None and len(set(nq)) != len(set(trig)):
            problems.append(f"{out / 'graph.trig'}: holds {len(set(trig))} quads, graph.nq {len(set(nq))}")
        quads = nq if nq is not None else trig
        if quads is not None:
            count = len(set(quads))
            if ttl is not None and len(_triples(ttl)) != len(_triples(quads)):
                problems.append(f"{out / 'graph.ttl'}: holds {len(_triples(ttl))} triples, the named graphs {len(_triples(quads))}")
        elif ttl is not None:
            quads = ttl  # the triples alone, for the shapes
    else:
        files = sorted(graphs.glob("*.nq")) if graphs.is_dir() else []
        if not files:
            problems.append(f"{graphs}: missing, or holds no .nq files")
        chunks = [_parse(f, problems) for f in files]
        if files and all(c is not None for c in chunks):
            quads = [q for c in chunks for q in c]  # type: ignore[union-attr]
            count = len(set(quads))
    check.quads = quads

    summary = manifest.get("summary")
    expected = summary.get("quads") if isinstance(summary, dict) else None
    if isinstance(expected, int) and count is not None and count != expected:
        problems.append(f"{out / MANIFEST}: says {expected} quads, the graph files hold {count}")
    if count is None and isinstance(expected, int):
        count = expected
    _check_store(out, count, problems)
    return check


def _check_store(out: Path, expected: int | None, problems: list[str]) -> None:
    folder = out / STORE_DIR
    if not folder.is_dir():
        problems.append(f"{folder}: missing")
        return
    try:
        store = ox.Store.read_only(str(folder))
        rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        held = int(next(iter(rows))["n"].value)  # type: ignore[index]
        del store
    except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
        problems.append(f"{folder}: cannot be opened: {_one_line(exc)}")
        return
    if expected is not None and held != expected:
        problems.append(f"{folder}: holds {held} quads, the graph files {expected}")


def load_union_graph(out: Path):  # type: ignore[no-untyped-def]
    """The union of every named graph of a build (either layout), as one rdflib Graph; a
    :class:`UsageError` when its graph files are missing or do not parse."""
    check = check_build(out)
    if check.quads is None:
        raise UsageError(f"{out}: the graph files cannot be read: {'; '.join(check.problems)}")
    return _rdflib_graph(check.quads)


def _rdflib_graph(quads: list[ox.Quad]):  # type: ignore[no-untyped-def]
    from rdflib import Graph

    data = ox.serialize(_triples(quads), format=ox.RdfFormat.N_TRIPLES) if quads else b""
    return Graph().parse(data=data, format="nt")


def validate_build(out: Path, shapes: Path | None = None) -> ValidationReport:
    """Check the build folder ``out`` (:func:`check_build`) and its graph against the SHACL
    shapes. The shapes run on whatever graph file parsed, also when the build has problems."""
    from pyshacl import validate
    from rdflib import Graph, URIRef

    check = check_build(Path(out))
    if check.quads is None:
        return ValidationReport(False, 0, 0, "", tuple(check.problems))
    data = _rdflib_graph(check.quads)
    shacl = Graph().parse(str(shapes or shapes_file()), format="turtle")
    conforms, report_graph, text = validate(data, shacl_graph=shacl, inference="none", advanced=True)
    n = len(list(report_graph.subjects(URIRef("http://www.w3.org/ns/shacl#resultSeverity"), None)))
    return ValidationReport(bool(conforms), n, len(data), str(text), tuple(check.problems))
