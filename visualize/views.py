"""Interactive views (pyvis / vis-network): HTML pages that work offline.

Views
-----
* ``responsibility.html`` — units and tasks: lead edges solid, co-lead edges dashed, unit
  groups (各街道, 相关部门 …) as diamonds, units sized by weighted load and coloured by
  type, tasks coloured by section;
* ``collaboration.html`` — units only, an edge per pair of units named in the same task,
  its width the number of tasks they share;
* ``unit-NAME.html`` — one ego view per unit: its tasks (drawn, and as a table), its
  partners on them, their indicators and projects;
* ``section-DOCUMENT-NUMBER-TITLE.html`` — one per section: its tasks with their units and
  indicators. (Names: :mod:`.names`.)

The networks are made by :mod:`.networks` in the styles of :mod:`.style` and drawn by
:mod:`.render`; this module selects the views of a build and writes them. Every view loads
vis-network from one file beside it, ``views/vis-network.min.js`` (the build that pyvis
ships, written once per folder: still from disk, never the network), where pyvis would
inline it into each page or link it from a CDN. Every page is checked to load nothing from
the network before it is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .aggregate import (
    AGGREGATE_MIN_TASKS,
    aggregate_pairs,
    region_file,
    region_networks,
    top_units_network,
    type_network,
)
from .data import ViewData
from .networks import (
    MAX_NETWORK_TASKS,
    MAX_NETWORK_UNITS,
    MAX_VIEW_TASKS,
    collaboration_network,
    ego_network,
    responsibility_network,
    section_network,
)
from .render import PHYSICS_MAX_NODES, render_network, vis_assets
from .safe import script_json
from .style import LoadInfo, Styler

__all__ = [
    "write_views",
    "VIEWS_DIR",
    "VIS_FILE",
    "INDEX_FILE",
    "MAX_UNIT_VIEWS",
    "MAX_SECTION_VIEWS",
    "ViewPage",
    "ViewLimits",
    "ViewSelection",
    "select_views",
]

VIEWS_DIR = "views"
VIS_FILE = "vis-network.min.js"
# Every unit of the build (names, aliases, its view) and every task (number, its section's
# view), so that a view's search finds what it does not draw; loaded like VIS_FILE.
INDEX_FILE = "search-index.js"
MAX_INDEX_TASKS = 20_000
# Big corpora: unit views are drawn for the units with the highest load and section views
# for the sections with the most tasks, this many of each (a view costs ~0.05 s and up to
# 1 MB; a national corpus has tens of thousands of sections). Every unit stays in the
# ranking of index.html and in workload.csv; the index says which views were left out.
MAX_UNIT_VIEWS = 100
MAX_SECTION_VIEWS = 100


@dataclass
class ViewPage:
    """A view written to disk: ``file`` is relative to the build folder."""

    file: str
    title: str
    kind: str  # responsibility | collaboration | unit | section
    nodes: int
    edges: int
    key: str = ""  # unit or section IRI
    physics: bool = True
    bytes: int = 0


@dataclass(frozen=True)
class ViewLimits:
    """How much a build draws; ``None`` is no limit (see the module constants)."""

    unit_views: int | None = MAX_UNIT_VIEWS
    section_views: int | None = MAX_SECTION_VIEWS
    view_tasks: int | None = MAX_VIEW_TASKS
    network_tasks: int | None = MAX_NETWORK_TASKS
    network_units: int | None = MAX_NETWORK_UNITS
    # above this many tasks the two networks of every task and unit give way to aggregated
    # views (per unit type, per region, top units with their partners: .aggregate)
    aggregate_tasks: int | None = AGGREGATE_MIN_TASKS

    def aggregated(self, data: ViewData) -> bool:
        return self.aggregate_tasks is not None and len(data.tasks) > self.aggregate_tasks


@dataclass
class ViewSelection:
    """Which unit and section views a build gets (IRIs, in drawing order), and which not."""

    units: list[str]
    sections: list[str]
    omitted_units: list[str]  # by load, highest first
    omitted_sections: list[str]  # by size, biggest first


def select_views(
    data: ViewData,
    loads: Mapping[str, LoadInfo],
    limits: ViewLimits | None = None,
    styler: Styler | None = None,
) -> ViewSelection:
    """Every unit and section view, or on a big corpus the ``limits.unit_views`` units with
    the highest load and the ``limits.section_views`` sections with the most tasks."""
    lim = limits or ViewLimits()
    max_unit_views, max_section_views = lim.unit_views, lim.section_views
    st = styler or Styler(data, loads)
    units = sorted(
        (u for u in data.units.values() if not u.is_group),
        key=lambda u: (-(loads[u.iri].load if u.iri in loads else 0), u.label),
    )
    order = [u.iri for u in units]
    cut = len(order) if max_unit_views is None else max(0, max_unit_views)
    section_tasks = st.section_tasks()
    sections = [s.iri for s in sorted(data.sections.values(), key=lambda s: (s.document, s.ordinal)) if s.iri in section_tasks]
    by_size = sorted(range(len(sections)), key=lambda i: (-len(section_tasks[sections[i]]), i))
    keep = set(by_size if max_section_views is None else by_size[: max(0, max_section_views)])
    return ViewSelection(
        units=order[:cut],
        sections=[s for i, s in enumerate(sections) if i in keep],
        omitted_units=order[cut:],
        omitted_sections=[sections[i] for i in by_size if i not in keep],
    )


@dataclass
class _Plan:
    file: str
    kind: str
    key: str
    build: object


NAV = [
    {"href": "responsibility.html", "label": "责任网络", "kind": "responsibility"},
    {"href": "collaboration.html", "label": "协作网络", "kind": "collaboration"},
]
AGGREGATED_NAV = [
    {"href": "type-network.html", "label": "单位类型网络", "kind": "types"},
    {"href": "top-units.html", "label": "重点单位", "kind": "collaboration"},
]


def _network_plans(data: ViewData, loads: Mapping[str, LoadInfo], st: Styler, lim: ViewLimits) -> list[_Plan]:
    """The views of the whole corpus: the two networks, or on a big corpus the aggregated views."""
    if not lim.aggregated(data):
        return [
            _Plan("responsibility.html", "responsibility", "",
                  lambda: responsibility_network(data, loads, st, lim.network_tasks)),
            _Plan("collaboration.html", "collaboration", "",
                  lambda: collaboration_network(data, loads, st, lim.network_units)),
        ]
    pairs = aggregate_pairs(data)
    regions = region_networks(data, loads, st, pairs)
    plans = [
        _Plan("type-network.html", "types", "", lambda: type_network(data, loads, pairs)),
        _Plan("top-units.html", "collaboration", "", lambda: top_units_network(data, loads, st, pairs)),
    ]
    plans += [_Plan(region_file(r), "region", r, lambda net=net: net) for r, net in regions.items()]
    return plans


def write_views(
    out: Path,
    data: ViewData,
    loads: Mapping[str, LoadInfo],
    selection: ViewSelection | None = None,
    *,
    limits: ViewLimits | None = None,
    networks: bool = True,
    styler: Styler | None = None,
) -> list[ViewPage]:
    """Write the views under ``out/views/``; return what was written (for the index).

    ``selection`` (default :func:`select_views` with ``limits``) says which unit and
    section views; ``limits`` also caps the tasks of each view and of the networks.
    ``networks=False`` leaves out the two network views (writing one more unit view
    into an existing build). ``styler``: the one :func:`select_views` used, if any.

    Every view loads vis-network from ``views/vis-network.min.js``, written here once.
    From :data:`PARALLEL_MIN_VIEWS` views on, a forked child draws every other one.
    """
    folder = out / VIEWS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    st = styler or Styler(data, loads)
    lim = limits or ViewLimits()
    sel = selection or select_views(data, loads, lim, styler=st)
    plans = _network_plans(data, loads, st, lim) if networks else []
    for s in sel.sections:
        plans.append(_Plan(st.names.section(s), "section", s,
                           lambda s=s: section_network(data, s, loads, st, lim.view_tasks)))
    for u in sel.units:
        plans.append(_Plan(st.names.unit(u), "unit", u, lambda u=u: ego_network(data, u, loads, st, lim.view_tasks)))
    write_vis_file(folder)
    nav = AGGREGATED_NAV if lim.aggregated(data) else NAV
    if networks:  # the whole set of views: those of an earlier report go
        keep = {p.file for p in plans}
        for old in folder.glob("*.html"):
            if old.name not in keep:
                old.unlink()
    pages = _draw_all(plans, folder, nav)
    write_search_index(folder, data, st)
    return pages


# From this many views on (a big build's 200 unit and section views take ~20 s), a forked
# child draws every other view while this process draws the rest: pages are independent
# and each layout is seeded, so the files are those one process writes.
PARALLEL_MIN_VIEWS = 40


def _draw(plans: list[_Plan], folder: Path, nav: list[dict[str, str]]) -> list[ViewPage]:
    pages = []
    for p in plans:
        net = p.build()  # type: ignore[operator]
        page = render_network(net, nav=nav, vis_src=VIS_FILE, index_src=INDEX_FILE)
        path = folder / p.file
        path.write_text(page, encoding="utf-8")
        pages.append(ViewPage(
            f"{VIEWS_DIR}/{p.file}", net.title, p.kind, len(net.nodes), len(net.edges), p.key,
            len(net.nodes) <= PHYSICS_MAX_NODES, path.stat().st_size,
        ))
    return pages


def _draw_all(plans: list[_Plan], folder: Path, nav: list[dict[str, str]]) -> list[ViewPage]:
    """Every view of ``plans``, in their order; two processes where that pays."""
    import os

    from kg.pipeline.workers import die_with_parent, worker_context

    ctx = worker_context()
    if len(plans) < PARALLEL_MIN_VIEWS or ctx.get_start_method() != "fork":
        return _draw(plans, folder, nav)
    receiver, sender = ctx.Pipe(duplex=False)
    parent = os.getpid()

    def child() -> None:
        die_with_parent(parent)
        try:
            sender.send(("ok", _draw(plans[1::2], folder, nav)))
        except BaseException as exc:  # noqa: BLE001 — raised by the parent
            sender.send(("error", f"{type(exc).__name__}: {exc}"))
        finally:
            sender.close()

    proc = ctx.Process(target=child, name="kg-views", daemon=True)  # type: ignore[attr-defined]
    proc.start()
    sender.close()
    try:
        mine = _draw(plans[0::2], folder, nav)
        try:
            status, theirs = receiver.recv()
        except EOFError:
            status, theirs = "error", "the process drawing them ended unexpectedly"
    finally:
        receiver.close()
        proc.join()
    if status != "ok":
        raise RuntimeError(f"views could not be drawn: {theirs}")
    pages: list[ViewPage] = []
    for i in range(len(plans)):
        pages.append(mine[i // 2] if i % 2 == 0 else theirs[i // 2])
    return pages


def write_search_index(folder: Path, data: ViewData, st: Styler) -> None:
    """``folder/search-index.js``: ``window.kgIndex`` = every unit with its aliases and the
    file of its view, and the tasks (up to :data:`MAX_INDEX_TASKS`) with the file of their
    section's view ("" where the view was not drawn)."""
    present = {f.name for f in folder.iterdir() if f.is_file()}  # (one listing, not a stat per unit and task)

    def drawn(file: str) -> str:
        return file if file in present else ""

    units = [
        [u.label, u.aliases, "" if u.is_group else drawn(st.names.unit(u.iri))]
        for u in sorted(data.units.values(), key=lambda u: u.label)
    ]
    tasks = []
    for t in st.tasks[:MAX_INDEX_TASKS]:
        doc = data.documents.get(t.document)
        top = st.task_top.get(t.iri)
        tasks.append([t.number, (doc.title or doc.name) if doc else "", drawn(st.names.section(top)) if top else ""])
    index = script_json({"units": units, "tasks": tasks})
    (folder / INDEX_FILE).write_text(f"window.kgIndex = {index};\n", encoding="utf-8")


def write_vis_file(folder: Path) -> None:
    """``folder/vis-network.min.js``, unless it is there already with the same text."""
    js = vis_assets()[0]
    path = folder / VIS_FILE
    if not path.is_file() or path.read_text(encoding="utf-8") != js:
        path.write_text(js, encoding="utf-8")
