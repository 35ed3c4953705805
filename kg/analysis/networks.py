"""The networks of the workload: task–unit (responsibility) and unit–unit (collaboration),
their centralities, and the GraphML / GEXF files Gephi and Cytoscape open.

``collaboration``: the weighted projection of the task–unit graph (edge ``weight`` =
tasks shared). ``degree`` is degree centrality (the fraction of the other units a unit
shares a task with); ``betweenness`` is betweenness centrality with edge length
``1/weight`` (units that bridge otherwise separate groups of units score high: brokers).

GEXF files carry ``viz:color`` (by unit type, the views' legend colours; tasks grey,
group references slate) and ``viz:size`` (by load), and Chinese labels; task nodes carry
their number as written, text and section in GraphML and GEXF alike.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from pathlib import Path

import networkx as nx

__all__ = [
    "collaboration_graph", "centralities", "betweenness_sample", "write_network", "TYPE_COLORS", "TASK_COLOR", "GROUP_COLOR",
    "BETWEENNESS_EXACT_MAX",
]

# Above this many units, betweenness centrality is estimated from BETWEENNESS_SAMPLE sources;
# on a network of more than BETWEENNESS_WORK / BETWEENNESS_SAMPLE edges from fewer (one
# source costs a pass over every edge: 100 sources over the 108,000 edges of a 100,000-task
# corpus took 40 s), never fewer than BETWEENNESS_MIN_SAMPLE.
BETWEENNESS_EXACT_MAX = 200
BETWEENNESS_SAMPLE = 100
BETWEENNESS_WORK = 2_000_000
BETWEENNESS_MIN_SAMPLE = 20

# The unit types' colours, in the Gephi exports (viz:color) and in the views' legend
# (kg.visualize.style uses this table).
TYPE_COLORS = {
    "PartyDepartment": "#c0392b",
    "GovernmentDepartment": "#2f6db5",
    "DeployedUnit": "#7e57c2",
    "ManagementCommittee": "#e67e00",
    "StreetOffice": "#17917f",
    "TownOffice": "#5d8c2b",
    "SOEGroup": "#8d6e63",
    "LocalGovernment": "#1b4f72",
    "PeopleOrganisation": "#ad1457",
    "OtherUnit": "#8a8f94",
}
GROUP_COLOR = "#455a64"
TASK_COLOR = "#b0bec5"


def collaboration_graph(unit_tasks: Mapping[str, Iterable[str]]) -> nx.Graph:
    """The unit–unit network of units and the tasks each carries (in the order of the
    nodes): edge ``weight`` = tasks shared, i.e. the weighted projection of the task–unit
    graph onto its units, counted from the pairs of units of each task (no graph of
    the tasks is made: at 100,000 tasks it was ~3 s and ~100 MB).

    ``distance`` (= 1/weight) is set for shortest-path measures such as betweenness.

    >>> G = collaboration_graph({"a": ["t1", "t2"], "b": ["t1", "t2"], "c": ["t2"], "d": []})
    >>> G["a"]["b"]["weight"], G["a"]["c"]["weight"], list(G), G.degree("d")
    (2, 1, ['a', 'b', 'c', 'd'], 0)
    """
    by_task: defaultdict[str, list[str]] = defaultdict(list)
    for u, tasks in unit_tasks.items():
        for t in tasks:
            by_task[t].append(u)
    # What nx.bipartite.weighted_projected_graph computes, counted task by task: it
    # intersects the task sets of every pair of units that meet, which is quadratic in
    # a unit's tasks (45 s at 100k tasks, against 1 s here).
    pairs: Counter[tuple[str, str]] = Counter()
    for units in by_task.values():
        if len(units) > 1:
            pairs.update(combinations(sorted(set(units)), 2))
    G = nx.Graph()
    G.add_nodes_from(unit_tasks)
    G.add_edges_from((a, b, {"weight": w, "distance": 1.0 / w}) for (a, b), w in sorted(pairs.items()))
    return G


def betweenness_sample(G: nx.Graph) -> int | None:
    """How many sources the betweenness of :func:`centralities` is estimated from on ``G``
    (None: computed exactly); the report says so where it shows the measure."""
    n = G.number_of_nodes()
    if n <= BETWEENNESS_EXACT_MAX:
        return None
    return min(n, max(BETWEENNESS_MIN_SAMPLE, min(BETWEENNESS_SAMPLE, BETWEENNESS_WORK // max(1, G.number_of_edges()))))


def centralities(G: nx.Graph) -> tuple[dict[str, float], dict[str, float]]:
    """``(degree, betweenness)`` centrality of every node of a collaboration graph.

    Exact betweenness is O(V·E); past BETWEENNESS_EXACT_MAX units it is estimated from a
    fixed, seeded sample of sources (deterministic, and close for the top brokers).
    """
    n = G.number_of_nodes()
    degree = nx.degree_centrality(G) if n > 1 else dict.fromkeys(G, 0.0)
    k = betweenness_sample(G)
    betweenness = (
        nx.betweenness_centrality(G, k=k, seed=0, weight="distance", normalized=True)
        if n > 2 else dict.fromkeys(G, 0.0)
    )
    return degree, betweenness


def _rgb(color: str) -> dict[str, int | float]:
    return {"r": int(color[1:3], 16), "g": int(color[3:5], 16), "b": int(color[5:7], 16), "a": 1.0}


def _viz(d: dict[str, object]) -> dict[str, object]:
    """GEXF ``viz`` of a node: colour by kind and type, size by load (tasks small)."""
    kind = d.get("kind")
    if kind == "task":
        return {"color": _rgb(TASK_COLOR), "size": 4.0}
    color = GROUP_COLOR if kind == "group" or d.get("type") == "UnitGroup" else TYPE_COLORS.get(
        str(d.get("type")), TYPE_COLORS["OtherUnit"])
    load = d.get("load")
    size = 8.0 + 6.0 * math.sqrt(float(load)) if isinstance(load, int | float) else 8.0
    return {"color": _rgb(color), "size": round(size, 3)}


# Edge attributes kept out of the files: ``distance`` (1/weight) is the edge length of the
# betweenness computation, not a fact of the network (Gephi and Cytoscape derive what they
# need from ``weight``); it was a third of the data the writers serialised.
_NOT_EXPORTED = frozenset({"distance"})


def _export_ready(G: nx.Graph, viz: bool) -> nx.Graph:
    """A copy whose attributes GraphML and GEXF writers accept (no None, plain types, none
    of :data:`_NOT_EXPORTED`), with ``viz`` attributes for GEXF."""
    H = nx.Graph() if not G.is_directed() else nx.DiGraph()
    for n, d in G.nodes(data=True):
        attrs = {k: v for k, v in d.items() if v is not None}
        if viz:
            attrs["viz"] = _viz(d)
        H.add_node(n, **attrs)
    H.add_edges_from(
        (u, v, {k: val for k, val in d.items() if val is not None and k not in _NOT_EXPORTED})
        for u, v, d in G.edges(data=True)
    )
    return H


def write_network(G: nx.Graph, path: str | Path, fmt: str | None = None) -> None:
    """Write a network as GraphML or GEXF (by ``fmt`` or the file suffix) for Gephi/Cytoscape."""
    p = Path(path)
    f = (fmt or p.suffix.lstrip(".")).lower()
    if f == "graphml":
        nx.write_graphml(_export_ready(G, viz=False), p, encoding="utf-8")
    elif f == "gexf":
        nx.write_gexf(_export_ready(G, viz=True), p, encoding="utf-8")
    else:
        raise ValueError(f"unknown network format {f!r} (graphml or gexf)")
