"""A network drawn into a self-contained page: seeded positions (each component laid out on
its own, big ones around their hubs), vis-network options and assets inlined, the page
template.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from kg.labels import both

from .safe import csp, external_urls, script_json, strip_external
from .style import FONT_FACE, KgNetwork

__all__ = ["PHYSICS_MAX_NODES", "render_network", "asset", "env", "vis_assets"]

# Above this many nodes physics is off and positions come from networkx, so that the page
# draws at once instead of simulating for seconds.
PHYSICS_MAX_NODES = 300


RANDOM_SEED = 7


STABILIZATION_ITERATIONS = 300


def _options(net: KgNetwork, physics: bool) -> dict[str, object]:
    n = len(net.nodes)
    opts: dict[str, object] = {
        "autoResize": True,
        "layout": {"randomSeed": RANDOM_SEED, "improvedLayout": n <= 150},
        "interaction": {
            "hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n > 400,
            "navigationButtons": False, "keyboard": False, "multiselect": False,
        },
        "nodes": {"font": {"face": FONT_FACE}},
        "edges": {"smooth": False, "color": {"inherit": False}, "selectionWidth": 1.5,
                  "hoverWidth": 0.5, "scaling": {"min": 1, "max": 9}},
    }
    if physics:
        opts["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60 if net.kind != "collaboration" else -110,
                "centralGravity": 0.03,
                "springLength": 60 if net.kind != "collaboration" else 130,
                "springConstant": 0.06,
                "damping": 0.5,
                "avoidOverlap": 0.5,
            },
            "minVelocity": 1.0,
            "maxVelocity": 60,
            "stabilization": {"enabled": True, "iterations": STABILIZATION_ITERATIONS, "updateInterval": 50, "fit": True},
        }
    else:
        opts["physics"] = {"enabled": False}
    return opts


def _component_layout(g: object, seed: int, iterations: int | None = None) -> dict[object, tuple[float, float]]:
    """A seeded spring layout of one connected graph, in [-1, 1]²."""
    import networkx as nx

    n = len(g)  # type: ignore[arg-type]
    if n == 1:
        return {next(iter(g)): (0.0, 0.0)}  # type: ignore[call-overload]
    if n > HUB_LAYOUT_MIN:
        return _hub_layout(g, seed)
    # method="force": the classic Fruchterman–Reingold; networkx picks a far slower
    # energy minimiser for 500+ nodes (networkx needs numpy, and scipy from 500 nodes on:
    # both are dependencies of kg)
    pos = nx.spring_layout(g, seed=seed, iterations=iterations or (60 if n < 500 else 40), method="force")
    xs = [float(p[0]) for p in pos.values()]
    ys = [float(p[1]) for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) / 2
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {k: ((float(x) - cx) / span, (float(y) - cy) / span) for k, (x, y) in pos.items()}


HUB_LAYOUT_MIN = PHYSICS_MAX_NODES  # components larger than this (drawn without physics) are laid out around their hubs


HUB_COUNT = 100


HUB_ITERATIONS = 30  # spring iterations for the hubs (the cost of a big view is mostly this layout)


def _hub_layout(g: object, seed: int) -> dict[object, tuple[float, float]]:
    """Big components (a district's tasks and units): a spring layout of the best-connected
    nodes (the units), then every other node on a ring around its best-connected neighbour.
    Linear in the nodes, where a spring layout of thousands of nodes takes seconds each."""
    degree = dict(g.degree())  # type: ignore[attr-defined]
    hubs = sorted(degree, key=lambda v: (-degree[v], str(v)))[:HUB_COUNT]
    hub_set = set(hubs)
    pos = dict(_component_layout(_ordered_subgraph(g, hubs), seed, HUB_ITERATIONS) if len(hubs) > 1 else {hubs[0]: (0.0, 0.0)})
    satellites: dict[object, list[object]] = {}
    loose = []
    for v in sorted((v for v in g if v not in hub_set), key=str):  # type: ignore[attr-defined]
        anchors = [u for u in g[v] if u in hub_set]  # type: ignore[index]
        if anchors:
            satellites.setdefault(max(anchors, key=lambda u: (degree[u], str(u))), []).append(v)
        else:
            loose.append(v)
    ring = 0.9 / math.sqrt(max(len(hubs), 1))
    for hub, vs in satellites.items():
        hx, hy = pos[hub]
        for i, v in enumerate(vs):
            # concentric rings of growing radius, about 12 more nodes per ring
            r = ring * (0.35 + 0.25 * math.sqrt(i / 12))
            a = i * math.pi * (3 - math.sqrt(5))
            pos[v] = (hx + r * math.cos(a), hy + r * math.sin(a))
    for v, (x, y) in _spiral(g.subgraph(loose)).items() if loose else ():  # type: ignore[attr-defined]
        pos[v] = (1.2 * x, 1.2 * y + 1.3)
    return pos


def _ordered_subgraph(g: object, nodes: Iterable[object]) -> object:
    """The subgraph of ``g`` on ``nodes`` as a new graph whose nodes and edges are in sorted
    order. (networkx's ``subgraph`` view iterates a set of the nodes: its order, and so a
    seeded layout, would change with PYTHONHASHSEED from one run to the next.)"""
    import networkx as nx

    keep = sorted(nodes, key=str)
    sub = nx.Graph()
    sub.add_nodes_from(keep)
    inside = set(keep)
    sub.add_edges_from(sorted(
        (tuple(sorted((u, v), key=str)) for u, v in g.edges(keep) if u in inside and v in inside),  # type: ignore[attr-defined]
        key=lambda e: (str(e[0]), str(e[1])),
    ))
    return sub


def _spiral(g: object) -> dict[object, tuple[float, float]]:
    """Nodes on a golden-angle spiral, best connected first (the nodes of a big component
    that no hub anchors)."""
    nodes = sorted(g, key=lambda v: (-g.degree(v), str(v)))  # type: ignore[attr-defined]
    golden = math.pi * (3 - math.sqrt(5))
    n = max(len(nodes), 1)
    return {v: (math.sqrt((i + 0.5) / n) * math.cos(i * golden), math.sqrt((i + 0.5) / n) * math.sin(i * golden))
            for i, v in enumerate(nodes)}


# Spring-layout iterations for a view the browser goes on simulating: a rough start is
# enough, vis-network's own stabilisation does the rest (the layout is most of the time
# of drawing a small view).
PHYSICS_START_ITERATIONS = 25


def _precompute_positions(net: KgNetwork, iterations: int | None = None) -> None:
    """Seeded positions from networkx: each connected component laid out on its own (a
    corpus of several districts is several components) and the components packed in rows,
    biggest first, so that nothing drifts off and big graphs draw at once."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in net.nodes)
    for e in net.edges:
        g.add_edge(e["from"], e["to"])
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    unit = 60.0  # vis units per sqrt(node)
    placed: list[tuple[list[str], float]] = [(c, unit * math.sqrt(len(c)) * (1.0 if len(c) > 1 else 0.6)) for c in comps]
    total = sum((2 * r) ** 2 for _, r in placed)
    row_width = max(math.sqrt(total) * 1.3, 2 * placed[0][1]) if placed else 0.0
    x = y = row_h = 0.0
    pos: dict[str, tuple[float, float]] = {}
    for comp, r in placed:
        if x > 0 and x + 2 * r > row_width:
            x, y, row_h = 0.0, y + row_h + unit, 0.0
        local = _component_layout(_ordered_subgraph(g, comp), RANDOM_SEED, iterations)
        for k, (px, py) in local.items():
            pos[k] = (x + r + px * r, y + r + py * r)
        x += 2 * r + unit
        row_h = max(row_h, 2 * r)
    if pos:  # centre on the origin (where vis puts its view)
        cx = (max(p[0] for p in pos.values()) + min(p[0] for p in pos.values())) / 2
        cy = (max(p[1] for p in pos.values()) + min(p[1] for p in pos.values())) / 2
        for node in net.nodes:
            px, py = pos[node["id"]]
            node["x"] = round(px - cx, 1)
            node["y"] = round(py - cy, 1)


@cache
def asset(name: str) -> str:
    return (Path(__file__).parent / name).read_text(encoding="utf-8")


@cache
def vis_assets() -> tuple[str, str]:
    """vis-network as bundled by pyvis (the same files its ``in_line`` mode inlines)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib"
    folder = max((p for p in lib.glob("vis-*") if (p / "vis-network.min.js").is_file()), key=lambda p: _version_key(p.name))
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    # (split on "\n" only: the minified code holds U+2028 and friends inside strings)
    js = "\n".join(line for line in js.split("\n") if not line.startswith("//# sourceMappingURL="))
    css = css.replace("/*# sourceMappingURL=vis-network.min.css.map */", "")
    # The navigation and manipulation buttons (not used here) carry 200 kB of PNG data URIs.
    css = re.sub(r'background-image:url\("data:[^"]*"\);?', "", css)
    if "</script" in js.lower() or "</style" in css.lower() or external_urls(js) or external_urls(css):
        raise RuntimeError("vis-network assets cannot be inlined safely")
    return js, css


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(x) for x in name.removeprefix("vis-").split(".") if x.isdigit())


@cache
def env():  # type: ignore[no-untyped-def]
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(str(Path(__file__).parent)),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_network(
    net: KgNetwork,
    *,
    nav: list[dict[str, str]] | None = None,
    home: str = "../index.html",
    vis_src: str | None = None,
    index_src: str | None = None,
) -> str:
    """The page of one view: vis-network inline, the data as JSON, legend, search, details.

    With ``vis_src`` (a file name beside the page) vis-network is loaded from that local
    file instead of inlined: the compact form used when a build has very many views.
    """
    physics = len(net.nodes) <= PHYSICS_MAX_NODES
    # Start from a seeded networkx layout: big graphs keep it (physics off), small ones
    # settle from it in a few hundred iterations instead of from a random cloud.
    _precompute_positions(net, PHYSICS_START_ITERATIONS if physics else None)
    net.options = _options(net, physics)
    nodes, edges, heading, _h, _w, options = net.get_network_data()
    vis_js, vis_css = vis_assets()
    view_js = asset("view.js")
    payload = script_json({
        "nodes": nodes, "edges": edges, "options": json.loads(options),
        "kind": net.kind, "physics": physics, "filters": _filters(nodes, edges), "focus": net.focus,
    })
    page = env().get_template("view.html").render(
        title=heading,
        kind=net.kind,
        legend=net.legend,
        notes=net.notes,
        table=net.table,
        nav=nav or [],
        home=home,
        n_nodes=len(nodes),
        n_edges=len(edges),
        counts=_counts(nodes),
        physics=physics,
        physics_max=PHYSICS_MAX_NODES,
        payload=payload,
        vis_js=vis_js,
        vis_src=vis_src,
        index_src=index_src,
        vis_css=vis_css,
        view_js=view_js,
        base_css=asset("base.css"),
        view_css=asset("view.css"),
        csp=csp([view_js], self_scripts=True) if vis_src else csp([vis_js, view_js]),
    )
    return strip_external(page, trusted=(vis_js,))


ROLE_FILTERS = (
    ("lead", both("role", "lead"), ("lead",)),
    ("co_lead", both("role", "co_lead"), ("co_lead",)),
    ("via", "经由单位组 via a group", ("lead_via", "co_lead_via")),
)


def _filters(nodes: list[dict[str, object]], edges: list[dict[str, object]]) -> dict[str, object]:
    """The choices of the view's filters (unit type, section, role, document), each only
    where the view has two or more; a node's ``sec`` / ``doc`` become indexes into them."""
    from .data import UNIT_TYPES

    present = {str(n["utype"]) for n in nodes if n.get("utype")}
    types = [[t, f"{zh} {en}"] for t, zh, en in UNIT_TYPES if t in present]
    if "UnitGroup" in present:
        types.append(["UnitGroup", "单位组 unit group"])
    out: dict[str, object] = {"types": types if len(types) > 1 else []}
    for key, name in (("sec", "sections"), ("doc", "documents")):
        values = list(dict.fromkeys(str(n[key]) for n in nodes if key in n))
        index = {v: i for i, v in enumerate(values)}
        for n in nodes:
            if key in n:
                n[key] = index[str(n[key])]
        out[name] = values if len(values) > 1 else []
    for n in nodes:
        if not n.get("alias"):
            n.pop("alias", None)
    kinds = {str(e.get("kind")) for e in edges}
    roles = [[key, label] for key, label, of in ROLE_FILTERS if kinds & set(of)]
    out["roles"] = roles if len(roles) > 1 else []
    return out


def _counts(nodes: list[dict[str, object]]) -> list[tuple[str, int]]:
    names = {"type": "单位类型", "unit": "单位", "group": "单位组", "task": "任务", "indicator": "指标", "project": "项目"}
    c: dict[str, int] = defaultdict(int)
    for n in nodes:
        c[str(n.get("kind", ""))] += 1
    return [(names[k], c[k]) for k in names if c.get(k)]
