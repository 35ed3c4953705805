"""Write a build's named graphs to an external SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, Neptune).

Each document's named graph, and each region's gazetteer graph, is *replaced* on the
server, never appended to, so pushing the same build twice leaves one copy:

* SPARQL 1.1 Update (default): ``DROP SILENT GRAPH <g>`` then ``INSERT DATA { GRAPH <g> {…} }``
  in batches of at most ``batch`` triples (500: Virtuoso refuses much larger INSERT DATA
  requests); the first batch travels in the same request as the DROP;
* the Graph Store HTTP Protocol, when a graph-store URL is given: one ``PUT ?graph=<g>``
  with the graph's N-Triples per graph (``DELETE`` for a graph that is gone).

Terms are written by pyoxigraph's N-Triples serialiser, so IRIs and literals (quotes,
backslashes, newlines, any Unicode, language tags, datatypes) arrive exactly.

Only what changed is sent: the digest of every graph pushed to an endpoint is kept in
``OUT/cache/pushed-<endpoint hash>.json``; a graph whose digest is unchanged is skipped,
a graph that is no longer in the build is dropped. ``force=True`` pushes everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import UsageError
from ..layout import graph_nquads
from ..store.endpoint import EndpointConfig, SparqlClient
from .cache import CACHE_DIR, load_index

__all__ = [
    "GraphSource",
    "PushResult",
    "graph_digest",
    "graphs_of_nquads",
    "push_build",
    "push_graphs",
    "BATCH_TRIPLES",
]

BATCH_TRIPLES = 500
STATE_DIR = "cache"


# ---------------------------------------------------------------------------------------
# graphs of a build


def graphs_of_nquads(path: Path) -> Iterator[tuple[str, list[ox.Triple]]]:
    """``(graph IRI, triples)`` for each named graph of an N-Quads file, in file order.

    A build's graph.nq is sorted by graph, so each graph comes as one run; a graph met
    again later is merged by the caller (:func:`_group`).
    """
    current: str | None = None
    triples: list[ox.Triple] = []
    for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        g = q.graph_name
        name = g.value if isinstance(g, ox.NamedNode) else ""
        if name != current:
            if current is not None:
                yield current, triples
            current, triples = name, []
        triples.append(q.triple)
    if current is not None:
        yield current, triples


def _group(pairs: Iterable[tuple[str, list[ox.Triple]]]) -> dict[str, list[ox.Triple]]:
    out: dict[str, list[ox.Triple]] = {}
    for g, ts in pairs:
        out.setdefault(g, []).extend(ts)
    return out


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """Exact N-Triples of ``triples`` (pyoxigraph's serialiser)."""
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[no-any-return]


def graph_digest(triples: Iterable[ox.Triple]) -> str:
    """Order-independent digest of a graph's triples."""
    lines = sorted(ntriples(triples).splitlines())
    h = hashlib.sha256()
    for line in lines:
        h.update(line)
        h.update(b"\n")
    return h.hexdigest()


# ---------------------------------------------------------------------------------------
# pushing


@dataclass(frozen=True)
class GraphSource:
    """A graph to push: its digest now, and how to get its triples (only if it changed)."""

    digest: str
    load: Callable[[], list[ox.Triple]]

    @classmethod
    def of(cls, triples: list[ox.Triple]) -> GraphSource:
        return cls(graph_digest(triples), lambda: triples)

    @classmethod
    def of_nquads_file(cls, digest: str, path: Path) -> GraphSource:
        return cls(digest, lambda: [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)])


@dataclass
class PushResult:
    endpoint: str
    method: str
    pushed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    triples: int = 0
    requests: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"Pushed to {self.endpoint} ({self.method}): {len(self.pushed)} graphs replaced, "
            f"{len(self.unchanged)} unchanged, {len(self.dropped)} dropped, {self.triples} triples, "
            f"{self.requests} requests, {self.seconds:.1f} s"
        )


def push_graphs(
    graphs: Mapping[str, GraphSource | list[ox.Triple]],
    config: EndpointConfig,
    state_file: Path | None = None,
    force: bool = False,
    batch: int = BATCH_TRIPLES,
    progress: Callable[[int, int], None] | None = None,
) -> PushResult:
    """Replace each graph of ``graphs`` on the server; drop graphs pushed before and now gone.

    With ``state_file``, graphs whose digest matches the last push to this endpoint are
    skipped (unless ``force``) and the file is updated after each graph, so an
    interrupted push resumes where it stopped.
    """
    if batch < 1:
        raise UsageError("batch must be at least 1 triple")
    client = SparqlClient(config)
    method = "graph-store" if config.graph_store_url else "update"
    result = PushResult(config.write_url, method)
    t0 = time.perf_counter()
    state: dict[str, str] = {}
    if state_file is not None and state_file.is_file() and not force:
        try:
            state = json.loads(state_file.read_text(encoding="utf-8")).get("graphs", {})
        except (OSError, ValueError):
            state = {}
    new_state = dict(state)
    sources = {g: v if isinstance(v, GraphSource) else GraphSource.of(v) for g, v in graphs.items()}
    names = sorted(g for g in sources if g)
    if "" in sources and sources[""].load():
        raise UsageError("the build has triples in the default graph; kg writes only named graphs")
    for i, g in enumerate(names):
        digest = sources[g].digest
        if not force and state.get(g) == digest:
            result.unchanged.append(g)
        else:
            triples = sources[g].load()
            result.requests += _replace_graph(client, g, triples, batch)
            result.pushed.append(g)
            result.triples += len(triples)
            new_state[g] = digest
            if state_file is not None:
                _save_state(state_file, config, new_state)
        if progress:
            progress(i + 1, len(names))
    for g in sorted(set(state) - set(names)):
        client.delete_graph(g)
        result.requests += 1
        result.dropped.append(g)
        new_state.pop(g, None)
    if state_file is not None:
        _save_state(state_file, config, new_state)
    result.seconds = time.perf_counter() - t0
    return result


def _replace_graph(client: SparqlClient, graph: str, triples: list[ox.Triple], batch: int) -> int:
    if client.config.graph_store_url:
        if triples:
            client.put_graph(graph, ntriples(triples))
        else:
            client.delete_graph(graph)
        return 1
    _check_iri(graph)
    head = f"DROP SILENT GRAPH <{graph}>"
    if not triples:
        client.update(head)
        return 1
    requests = 0
    for start in range(0, len(triples), batch):
        body = ntriples(triples[start : start + batch]).decode("utf-8")
        insert = f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"
        client.update(f"{head} ;\n{insert}" if start == 0 else insert)
        requests += 1
    return requests


def _check_iri(iri: str) -> None:
    # named graphs are IRIs that pyoxigraph accepted; refuse anything that could close <…>
    if any(c in iri for c in '<>"{}|^`\\ \n'):
        raise UsageError(f"graph name {iri!r} is not a plain IRI")


def _save_state(path: Path, config: EndpointConfig, graphs: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    tmp.write_text(
        json.dumps({"endpoint": config.write_url, "graphs": dict(sorted(graphs.items()))}, ensure_ascii=False, indent=0),
        encoding="utf-8",
    )
    os.replace(tmp, path)


def state_path(out: Path, config: EndpointConfig) -> Path:
    return out / STATE_DIR / f"pushed-{config.state_key()}.json"


def push_build(
    out: str | Path,
    config: EndpointConfig,
    force: bool = False,
    batch: int = BATCH_TRIPLES,
    progress: Callable[[int, int], None] | None = None,
) -> PushResult:
    """Push the named graphs of the build folder ``out`` to ``config``.

    The build's cache index gives each graph's digest and its own N-Quads chunk, so only
    changed graphs are read; without it (an old build), graph.nq is read whole.
    """
    out = Path(out)
    files = graph_nquads(out)
    index = load_index(out)
    graphs: Mapping[str, GraphSource | list[ox.Triple]]
    chunks = index.get("chunks") if index else None
    digests = index.get("graphs") if index else None
    if (
        isinstance(chunks, dict) and isinstance(digests, dict) and set(chunks) == set(digests)
        and all((out / CACHE_DIR / str(c)).is_file() for c in chunks.values())
    ):
        graphs = {
            g: GraphSource.of_nquads_file(str(digests[g]), out / CACHE_DIR / str(chunks[g])) for g in chunks
        }
    else:
        graphs = _group(pair for f in files for pair in graphs_of_nquads(f))
    return push_graphs(graphs, config, state_path(out, config), force=force, batch=batch, progress=progress)
