"""The ``link`` stage: the cross-document graphs (report links, each region's gazetteer
and names graphs, the metrics graph), each made again only when its inputs changed.

Extraction's and the graph's modules (and rdflib with them) are imported where a graph
is made again, not with this module: a rebuild whose shared graphs are all in the cache,
their IRIs in the build state, does not import them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..models import DocumentKind, ExtractedDocument, StatementLink
from .cache import (
    CacheFolder,
    DocInfo,
    chunk_digest,
    derived_key,
    load_document,
    sorted_nquads,
)


@dataclass
class Graph:
    """One named graph of the output: its chunk (sorted N-Quads), digest, size, and the
    name of its file in the split layout."""

    iri: str
    chunk: str  # the chunk file's path (strings: ten thousand Path objects cost more than the stage's work)
    digest: str
    quads: int
    file: str


def _derived(folder: CacheFolder, key: str, make: Callable[[], bytes]) -> Path | None:
    """The derived chunk ``KEY.nq``: from the cache, or made now. None when it is empty."""
    folder.use(key)
    target = folder.path / f"{key}.nq"
    if not target.is_file():
        target.write_bytes(make())
    return target if target.stat().st_size else None


def _gazetteer_chunk(region: str, groups: Sequence[str]) -> bytes:
    from ..extract.gazetteer import load_gazetteer
    from ..graph.quads import region_quads

    return sorted_nquads(region_quads(load_gazetteer(region), groups))


def shared_iri(kind: str, region: str, known: Mapping[str, str], used: dict[str, str]) -> str:
    """The IRI of a shared graph (``kind``: gazetteer, names or metrics): as ``known`` (the
    previous build's, by ``"KIND REGION"``) has it, else made (importing rdflib); kept in
    ``used`` for the next build."""
    label = f"{kind} {region}"
    iri = known.get(label)
    if iri is None:
        from ..graph import vocab

        made = {"gazetteer": vocab.iri_region_graph, "names": vocab.iri_names_graph}
        iri = str(made[kind](region) if kind in made else vocab.iri_metrics_graph())
    used[label] = iri
    return iri


def graph_of_chunk(iri: str, chunk: Path, file: str) -> Graph:
    data = chunk.read_bytes()
    return Graph(iri, str(chunk), chunk_digest(data), data.count(b"\n"), file)


def _file_part(text: str) -> str:
    return text.replace("/", "_").replace("\\", "_") or "_"


def document_file(name: str) -> str:
    """The file name (without ``.nq``) of a document's graph in the split layout. The
    shared graphs' files start with ``_`` (``_metrics``, ``_names-REGION``…): a document
    named so (or starting with ``~``) gets a ``~`` in front, so no two graphs share a file
    (the mapping is one-to-one). Names too long for a file name end in a hash instead."""
    part = _file_part(name)
    if part.startswith(("_", "~")):
        part = "~" + part
    if len(os.fsencode(part)) > 200:
        digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        part = os.fsencode(part)[:150].decode("utf-8", "ignore") + "~" + digest
    return part


# What a shared graph is the union of: its members' keys, and for each line the number of
# members whose chunk holds it (kept in the build state, so that the next build reads only
# the chunks of the members that changed).
Union = tuple[list[str], dict[bytes, int]]


def _count(folder: CacheFolder, keys: Sequence[str], suffix: str, counts: dict[bytes, int], step: int) -> None:
    for key in keys:
        for line in set((folder.path / f"{key}{suffix}").read_bytes().splitlines()):
            n = counts.get(line, 0) + step
            if n:
                counts[line] = n
            else:
                del counts[line]


def _union(folder: CacheFolder, infos: Sequence[DocInfo], suffix: str, previous: Union | None) -> Union:
    """The lines of the documents' ``suffix`` chunks, counted: from ``previous`` (the
    previous build's union) with the chunks of the members gone taken away and those of
    the new ones added, else from every member's chunk."""
    keys = [i.key for i in infos]
    if previous is not None:
        old_keys, old_counts = previous
        before, now = set(old_keys), set(keys)
        counts = dict(old_counts)
        try:
            _count(folder, [k for k in old_keys if k not in now], suffix, counts, -1)
            _count(folder, [k for k in keys if k not in before], suffix, counts, 1)
            if all(n > 0 for n in counts.values()):
                return keys, counts
        except (OSError, KeyError):
            pass  # (an entry of the previous build is gone: counted again from every member)
    counts = {}
    _count(folder, keys, suffix, counts, 1)
    return keys, counts


def shared_graphs(
    infos: Sequence[DocInfo], folder: CacheFolder, previous: Mapping[str, Union] | None = None,
    unions: dict[str, Union] | None = None, iris: Mapping[str, str] | None = None,
    used_iris: dict[str, str] | None = None,
) -> list[Graph]:
    """Each region's gazetteer and names graphs, and the metrics graph. ``previous``: what
    each graph was the union of in the previous build; ``unions`` gets it for this one.
    ``iris``: the graphs' IRIs the previous build made (see :func:`shared_iri`);
    ``used_iris`` gets this build's."""
    previous = previous or {}
    unions = unions if unions is not None else {}
    known_iris = iris or {}
    used = used_iris if used_iris is not None else {}
    regions: dict[str, list[DocInfo]] = {}
    for info in infos:
        regions.setdefault(info.region, []).append(info)
    out: list[Graph] = []
    for region, members in sorted(regions.items()):
        groups = sorted({g for i in members for g in i.groups})
        gkey = derived_key("gazetteer", region, *groups)
        gazetteer = _derived(
            folder, gkey,
            lambda region=region, groups=groups: _gazetteer_chunk(region, groups),  # type: ignore[misc]
        )
        if gazetteer:
            out.append(graph_of_chunk(shared_iri("gazetteer", region, known_iris, used), gazetteer, f"_gazetteer-{_file_part(region)}"))

        union = unions[f"names {region}"] = _union(folder, members, ".names.nq", previous.get(f"names {region}"))

        def names(union: Union = union, gazetteer: Path | None = gazetteer) -> bytes:
            lines = set(union[1])
            if gazetteer:  # what the gazetteer graph says (an area it knows) is not said again
                known = {line.rsplit(b" ", 2)[0] for line in gazetteer.read_bytes().splitlines()}
                lines = {line for line in lines if line.rsplit(b" ", 2)[0] not in known}
            return sorted_nquads(lines)

        # made again only when what the documents contribute changed (most edits do not)
        chunk = _derived(folder, derived_key("names", region, gkey, *sorted({i.names_digest for i in members})), names)
        if chunk:
            out.append(graph_of_chunk(shared_iri("names", region, known_iris, used), chunk, f"_names-{_file_part(region)}"))
    iri = shared_iri("metrics", "", known_iris, used)
    union = unions["metrics"] = _union(folder, infos, ".metrics.nq", previous.get("metrics"))
    chunk = _derived(
        folder, derived_key("metrics", *sorted({i.metrics_digest for i in infos})),
        lambda: sorted_nquads(union[1]),
    )
    if chunk:
        out.append(graph_of_chunk(iri, chunk, "_metrics"))
    return out


def report_links(infos: Sequence[DocInfo], folder: CacheFolder) -> tuple[list[StatementLink], dict[str, Path]]:
    """Links from each work report's statements to similar tasks of its region's plans:
    the links, and per report the chunk of its graph with its link quads merged in.
    Cached by the keys of the report and the plans, so unchanged regions load nothing."""
    plans: dict[str, list[DocInfo]] = {}
    for info in infos:
        if info.is_plan:
            plans.setdefault(info.region, []).append(info)
    loaded: dict[str, ExtractedDocument] = {}

    def doc(info: DocInfo) -> ExtractedDocument:
        if info.key not in loaded:
            loaded[info.key] = load_document(folder.path, info.key)
        return loaded[info.key]

    links: list[StatementLink] = []
    merged: dict[str, Path] = {}
    for info in infos:
        if info.kind != DocumentKind.WORK_REPORT.value or not plans.get(info.region):
            continue
        region_plans = plans[info.region]
        lkey = derived_key("links", info.key, *(p.key for p in region_plans))
        folder.use(lkey)
        cached = folder.path / f"{lkey}.links.pkl"
        if cached.is_file():
            found, quads = pickle.loads(cached.read_bytes())
        else:
            from ..extract.linking import infer_units, link_statements
            from ..graph.quads import link_quads

            report = doc(info)
            plan_docs = [doc(p) for p in region_plans]
            found = link_statements(report, plan_docs)
            quads = sorted_nquads(link_quads(report, found, infer_units(found, plan_docs)))
            cached.write_bytes(pickle.dumps((found, quads), protocol=pickle.HIGHEST_PROTOCOL))
        links.extend(found)
        if quads:
            merged[info.key] = _derived(  # type: ignore[assignment]
                folder, derived_key("merged", info.key, lkey),
                lambda info=info, quads=quads: sorted_nquads([*(folder.path / f"{info.key}.nq").read_bytes().splitlines(), *quads.splitlines()]),  # type: ignore[misc]
            )
    return links, merged
