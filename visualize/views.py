"""Interactive views (pyvis / vis-network), each one self-contained HTML that works offline.

Views
-----
* ``responsibility.html`` — units and tasks: lead edges solid, co-lead edges dashed, unit
  groups (各街道, 相关部门 …) as diamonds, units sized by weighted load and coloured by
  type, tasks coloured by section;
* ``collaboration.html`` — units only, an edge per pair of units named in the same task,
  its width the number of tasks they share;
* ``unit-<hash>.html`` — one ego view per unit: its tasks, its partners on them, their
  indicators and projects (file names are hashes of the unit IRI, never the name);
* ``section-<hash>.html`` — one per section: its tasks with their units and indicators.

The networks are assembled with :class:`pyvis.network.Network` (nodes, edges, vis options)
and rendered through this package's own template, which inlines the vis-network build
that pyvis ships (``cdn_resources="in_line"``) and nothing else: pyvis's stock template
also links Bootstrap from a CDN in every mode, which :func:`safe.strip_external` would
remove and which this template never emits. Every page is checked to load nothing from
the network before it is written.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyvis.edge import Edge
from pyvis.network import Network

from .data import UNIT_TYPES, TaskInfo, UnitInfo, ViewData
from .safe import csp, external_urls, script_json, strip_external

__all__ = [
    "PHYSICS_MAX_NODES",
    "LoadInfo",
    "ViewPage",
    "KgNetwork",
    "responsibility_network",
    "collaboration_network",
    "ego_network",
    "section_network",
    "render_network",
    "write_views",
    "unit_file",
    "section_file",
    "VIEWS_DIR",
    "INLINE_MAX_VIEWS",
    "MAX_UNIT_VIEWS",
    "MAX_SECTION_VIEWS",
    "MAX_VIEW_TASKS",
    "MAX_NETWORK_TASKS",
    "MAX_NETWORK_UNITS",
    "ViewLimits",
    "ViewSelection",
    "select_views",
]

VIEWS_DIR = "views"
# Above this many nodes physics is off and positions come from networkx, so that the page
# draws at once instead of simulating for seconds.
PHYSICS_MAX_NODES = 300
RANDOM_SEED = 7
# Past this many unit and section views, those views share one local copy of vis-network.
INLINE_MAX_VIEWS = 150
VIS_FILE = "vis-network.min.js"
# Big corpora: unit views are drawn for the units with the highest load and section views
# for the sections with the most tasks, this many of each (a view costs ~0.05 s and up to
# 1 MB; a national corpus has tens of thousands of sections). Every unit stays in the
# ranking of index.html and in workload.csv; the index says which views were left out.
MAX_UNIT_VIEWS = 100
MAX_SECTION_VIEWS = 100
# One unit or section view draws at most this many tasks (a unit's lead tasks first);
# its note gives the full count and where to find the rest.
MAX_VIEW_TASKS = 150
# The responsibility network draws whole task plans, in order, up to this many tasks; the
# collaboration network the units with the highest load, up to this many. The complete
# networks are responsibility.graphml / collaboration.graphml.
MAX_NETWORK_TASKS = 3000
MAX_NETWORK_UNITS = 1000
STABILIZATION_ITERATIONS = 300
FONT_FACE = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'

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
OVERLOAD_BORDER = "#b71c1c"
INDICATOR_COLOR = "#f2b705"
PROJECT_COLOR = "#78909c"
TASK_BORDER = "#5f6b73"
# Pastel section colours: tasks are many and small; units stay saturated.
SECTION_COLORS = (
    "#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#fb9a99", "#8dd3c7",
    "#ffe38a", "#bebada", "#fccde5", "#ccebc5", "#d9d9d9", "#e5c494",
)
EDGE_LEAD = "#37474f"
EDGE_CO_LEAD = "#8c9ba5"
EDGE_VIA = "#b0bec5"
EDGE_ATTACH = "#c9d1d6"
EDGE_COLLAB = "#6b7f8c"

ROLE_ZH = {"lead": "主办", "co_lead": "协办", "lead_via": "主办（经由单位组）", "co_lead_via": "协办（经由单位组）"}
TYPE_ZH = {t: zh for t, zh, _ in UNIT_TYPES} | {"UnitGroup": "单位组"}
TYPE_EN = {t: en for t, _, en in UNIT_TYPES} | {"UnitGroup": "unit group"}


@dataclass(frozen=True)
class LoadInfo:
    """What the workload analysis says about one unit (or the simple fallback count)."""

    load: float
    lead: float = 0.0
    co_lead: float = 0.0
    rank: int = 0
    overloaded: bool = False
    reason: str = ""


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


def _digest(iri: str) -> str:
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:12]


def unit_file(iri: str) -> str:
    """File name of a unit's ego view: a hash of its IRI, safe on every file system."""
    return f"unit-{_digest(iri)}.html"


def section_file(iri: str) -> str:
    return f"section-{_digest(iri)}.html"


# ---------------------------------------------------------------------------------------
# pyvis network with a linear-time add_edge and this package's template


class KgNetwork(Network):
    """A pyvis Network; ``add_edge`` is O(1) (pyvis scans all nodes and edges per call)."""

    def __init__(self, title: str, kind: str) -> None:
        super().__init__(
            height="100%", width="100%", directed=False, cdn_resources="in_line", heading=title,
        )
        self.kind = kind
        self.title = title
        self.legend: list[dict[str, object]] = []
        self.notes: list[str] = []
        self._seen_edges: set[tuple[str, str, str]] = set()

    def add_edge(self, source: str, to: str, **options: object) -> None:  # type: ignore[override]
        if source not in self.node_map or to not in self.node_map:
            raise KeyError(f"edge between unknown nodes {source!r} and {to!r}")
        a, b = (source, to) if source <= to else (to, source)
        key = (a, b, str(options.get("kind", "")))
        if key in self._seen_edges:
            return
        self._seen_edges.add(key)
        self.edges.append(Edge(source, to, self.directed, **options).options)


# ---------------------------------------------------------------------------------------
# node and edge styles


def _font(size: int = 14, color: str = "#1f2a30", **extra: object) -> dict[str, object]:
    return {"face": FONT_FACE, "size": size, "color": color, "strokeWidth": 3, "strokeColor": "#ffffff", **extra}


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


class _Ids:
    """Short node ids (``u3``, ``t17``) instead of long IRIs: smaller pages."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._count: dict[str, int] = defaultdict(int)

    def __call__(self, prefix: str, key: str) -> str:
        k = prefix + key
        if k not in self._ids:
            self._count[prefix] += 1
            self._ids[k] = f"{prefix}{self._count[prefix]}"
        return self._ids[k]


class _Styler:
    """Styles shared by all views of one build (section colours, unit sizes)."""

    def __init__(self, data: ViewData, loads: Mapping[str, LoadInfo]) -> None:
        self.data = data
        self.loads = loads
        self.tasks = sorted(data.tasks.values(), key=lambda t: (t.document, t.ordinal))
        self.task_top = {t.iri: data.top_section(t.section) for t in self.tasks}
        used_tops = set(self.task_top.values())
        # colours restart in each document, so that its first section is always the first colour
        self.section_color: dict[str, str] = {}
        per_doc: dict[str, int] = defaultdict(int)
        for s in sorted(data.sections.values(), key=lambda s: (s.document, s.ordinal)):
            if s.iri in used_tops and s.iri not in self.section_color:
                self.section_color[s.iri] = SECTION_COLORS[per_doc[s.document] % len(SECTION_COLORS)]
                per_doc[s.document] += 1
        self._section_tasks: dict[str, list[TaskInfo]] | None = None
        # once, not per task node: a tooltip names the document only when there are several
        self.multi_document = len({t.document for t in self.tasks}) > 1
        self.max_load = max((li.load for li in loads.values()), default=0.0) or 1.0
        self._role_counts: dict[str, tuple[int, int, int]] = {}
        self.unit_tasks: dict[str, dict[str, str]] = defaultdict(dict)
        for t in data.tasks.values():
            for u in t.lead:
                self.unit_tasks[u][t.iri] = "lead"
            for u in t.co_lead:
                self.unit_tasks[u].setdefault(t.iri, "co_lead")
            for u, _ in t.lead_via_group:
                self.unit_tasks[u].setdefault(t.iri, "lead_via")
            for u, _ in t.co_lead_via_group:
                self.unit_tasks[u].setdefault(t.iri, "co_lead_via")

    def role_counts(self, unit: str) -> tuple[int, int, int]:
        """Tasks a unit leads, co-leads and has through a group (cached: a unit is drawn
        in many views, and a big unit has thousands of tasks)."""
        counts = self._role_counts.get(unit)
        if counts is None:
            roles = list(self.unit_tasks.get(unit, {}).values())
            counts = self._role_counts[unit] = (
                roles.count("lead"), roles.count("co_lead"), sum(1 for r in roles if r.endswith("_via"))
            )
        return counts

    def section_label(self, section: str | None) -> str:
        s = self.data.sections.get(section or "")
        if s is None:
            return "（无章节）"
        return f"{s.number}、{s.title}" if s.number and not s.title.startswith(s.number) else s.title

    def task_color(self, task: TaskInfo) -> str:
        return self.section_color.get(self.task_top.get(task.iri) or "", "#e0e0e0")

    def section_tasks(self) -> dict[str, list[TaskInfo]]:
        if self._section_tasks is None:
            self._section_tasks = self.data.section_tasks()
        return self._section_tasks

    def label(self, iri: str) -> str:
        u = self.data.units.get(iri)
        return u.label if u else iri

    def labels(self, iris: Iterable[str]) -> str:
        return "、".join(self.label(u) for u in iris) or "—"

    # -- nodes ---------------------------------------------------------------------------

    def unit_node(
        self, net: KgNetwork, nid: str, unit: UnitInfo, *, focus: bool = False, link: bool = True, scale: float = 1.0
    ) -> None:
        if unit.is_group:
            members = [self.label(m) for m in unit.members]
            tip = {
                "k": "单位组 Unit group",
                "h": unit.label,
                "rows": [["成员 Members", f"{len(members)} 个" if members else "未列出（范围不确定）"]],
                "items_h": "成员单位" if members else "",
                "items": members[:40] + (["…"] if len(members) > 40 else []),
            }
            net.add_node(
                nid, label=unit.label, shape="diamond", size=16 if not focus else 24,
                color={"background": "#ffffff", "border": GROUP_COLOR,
                       "highlight": {"background": "#eceff1", "border": "#000000"},
                       "hover": {"background": "#eceff1", "border": "#000000"}},
                borderWidth=2.5, font=_font(17, "#37474f"), title=f"单位组 {unit.label}", tip=tip, kind="group",
                search=unit.label,
            )
            return
        li = self.loads.get(unit.iri)
        load = li.load if li else 0.0
        size = (14 + 30 * math.sqrt(max(load, 0.0) / self.max_load)) * scale
        if focus:
            size = 40
        n_lead, n_co, n_via = self.role_counts(unit.iri)
        rows = []
        if li is not None:
            rank = f"（第 {li.rank} 名）" if li.rank else ""
            rows.append(["加权负荷 Load", f"{_num(li.load)}{rank}"])
        rows += [["主办 Lead", f"{n_lead} 项"], ["协办 Co-lead", f"{n_co} 项"]]
        if n_via:
            rows.append(["经由单位组 Via group", f"{n_via} 项"])
        tip: dict[str, object] = {
            "k": f"单位 Unit · {TYPE_ZH.get(unit.type, unit.type)}",
            "h": unit.label,
            "rows": rows,
        }
        if unit.unresolved:
            tip["note"] = "未在名录中识别的单位名称 (not in the gazetteer)"
        if li is not None and li.overloaded:
            tip["flag"] = "超负荷 Overloaded" + (f"：{li.reason}" if li.reason else "")
        if link:
            tip["link"] = unit_file(unit.iri)
            tip["link_text"] = "打开单位视图 Open unit view"
        color = TYPE_COLORS.get(unit.type, TYPE_COLORS["OtherUnit"])
        overloaded = li is not None and li.overloaded
        border = OVERLOAD_BORDER if overloaded else _darker(color)
        net.add_node(
            nid, label=unit.label, shape="dot", size=round(size, 1),
            color={"background": color, "border": border,
                   "highlight": {"background": color, "border": "#000000"},
                   "hover": {"background": color, "border": "#000000"}},
            borderWidth=4 if overloaded else 1.5, borderWidthSelected=4,
            font=_font(24, "#1f2a30", bold=True) if focus else _font(20),
            title=f"{unit.label}：加权负荷 {_num(load)}", tip=tip, kind="unit", search=unit.label,
            mass=1 + size / 20,
            **({"shadow": {"enabled": True, "color": "rgba(0,0,0,0.35)", "size": 16, "x": 0, "y": 2}} if focus else {}),
        )

    def task_node(self, net: KgNetwork, nid: str, task: TaskInfo, *, link_section: bool = True) -> None:
        doc = self.data.documents.get(task.document)
        rows = [["主办 Lead", self.labels(task.lead)], ["协办 Co-lead", self.labels(task.co_lead)]]
        if task.deadline:
            rows.append(["时限 Deadline", task.deadline])
        if doc is not None and self.multi_document:
            rows.append(["文件 Document", doc.title or doc.name])
        tip: dict[str, object] = {
            "k": "任务 Task",
            "h": f"第 {task.number} 项" if task.number else "任务",
            "s": self.section_label(task.section),
            "t": task.text,
            "rows": rows,
            "items_h": "指标 Indicators" if task.indicators else "",
            "items": [i.text for i in task.indicators],
        }
        if task.projects:
            tip["items2_h"] = "项目 Projects"
            tip["items2"] = [label for _, label in task.projects]
        top = self.task_top.get(task.iri)
        if link_section and top:
            tip["link"] = section_file(top)
            tip["link_text"] = "打开章节视图 Open section view"
        color = self.task_color(task)
        net.add_node(
            nid, label=task.number or "·", shape="box",
            color={"background": color, "border": TASK_BORDER,
                   "highlight": {"background": color, "border": "#000000"},
                   "hover": {"background": color, "border": "#000000"}},
            borderWidth=1, margin=6, font=_font(16, "#1f2a30", strokeWidth=0),
            title=f"任务 {task.number}：{_short(task.text, 120)}", tip=tip, kind="task",
            search=f"{task.number} {task.text}",
        )

    def indicator_node(self, net: KgNetwork, nid: str, task: TaskInfo, i: int) -> None:
        ind = task.indicators[i]
        net.add_node(
            nid, label=_short(ind.metric or ind.text, 12), shape="triangle", size=9,
            color={"background": INDICATOR_COLOR, "border": "#a67c00",
                   "highlight": {"background": INDICATOR_COLOR, "border": "#000000"}},
            borderWidth=1, font=_font(14, "#5d4a00"),
            title=f"指标：{ind.text}",
            tip={"k": "指标 Indicator", "h": ind.metric or "指标", "t": ind.text,
                 "rows": [["任务 Task", f"第 {task.number} 项"]]},
            kind="indicator", search=ind.text,
        )

    def project_node(self, net: KgNetwork, nid: str, label: str, tasks: list[TaskInfo]) -> None:
        net.add_node(
            nid, label=_short(label, 14), shape="hexagon", size=11,
            color={"background": PROJECT_COLOR, "border": "#455a64",
                   "highlight": {"background": PROJECT_COLOR, "border": "#000000"}},
            borderWidth=1, font=_font(14, "#37474f"),
            title=f"项目：{label}",
            tip={"k": "项目 Project", "h": label,
                 "rows": [["任务 Tasks", "、".join(f"第 {t.number} 项" for t in tasks)]]},
            kind="project", search=label,
        )

    # -- edges ---------------------------------------------------------------------------

    @staticmethod
    def role_edge(net: KgNetwork, a: str, b: str, role: str, via: str | None = None) -> None:
        title = ROLE_ZH[role] + (f"：经由 {via}" if via else "")
        if role == "lead":
            net.add_edge(a, b, color=EDGE_LEAD, width=2.2, title=title, kind=role)
        elif role == "co_lead":
            net.add_edge(a, b, color=EDGE_CO_LEAD, width=1.3, dashes=[7, 5], title=title, kind=role)
        else:
            net.add_edge(a, b, color=EDGE_VIA, width=1.1, dashes=[2, 4], title=title, kind=role)

    @staticmethod
    def attach_edge(net: KgNetwork, a: str, b: str) -> None:
        net.add_edge(a, b, color=EDGE_ATTACH, width=1, title="", kind="attach")

    # -- legend --------------------------------------------------------------------------

    def unit_legend(self, net: KgNetwork, units: Iterable[UnitInfo], *, sized: bool = True) -> None:
        present = {u.type for u in units if not u.is_group}
        for t, zh, en in UNIT_TYPES:
            if t in present:
                net.legend.append({"shape": "dot", "color": TYPE_COLORS[t], "label": zh, "en": en})
        if any(u.is_group for u in units):
            net.legend.append({"shape": "diamond", "color": GROUP_COLOR, "label": "单位组（各街道、相关部门等）", "en": "unit group reference"})
        if sized:
            net.legend.append({"shape": "sizes", "color": "#90a4ae", "label": "圆点大小 = 加权负荷", "en": "dot size = weighted load"})
        if any((li := self.loads.get(u.iri)) is not None and li.overloaded for u in units):
            net.legend.append({"shape": "dot", "color": "#ffffff", "border": OVERLOAD_BORDER, "label": "红色粗边框 = 超负荷", "en": "thick red ring = overloaded"})

    def task_legend(self, net: KgNetwork, tasks: Iterable[TaskInfo]) -> None:
        entries: dict[tuple[str, str], str] = {}  # (label, colour) -> full title
        tops: set[str | None] = set()
        for t in tasks:
            top = self.task_top.get(t.iri)
            if top in tops:
                continue
            tops.add(top)
            label = self.section_label(top)
            entries.setdefault((_short(label, 22), self.section_color.get(top or "", "#e0e0e0")), label)
        net.legend.append({"shape": "box", "color": "#ffffff", "label": "任务（标签为任务编号）", "en": "task, labelled with its number"})
        if len(entries) > len(SECTION_COLORS):
            # many documents: one line per colour, not one per section
            for i, color in enumerate(SECTION_COLORS):
                net.legend.append({"shape": "box", "color": color, "label": f"各文件第 {i + 1} 章",
                                   "en": "colour = the section's place in its document (12 colours, repeating)" if i == 0 else ""})
            return
        for (label, color), title in entries.items():
            net.legend.append({"shape": "box", "color": color, "label": label, "en": "", "title": title})

    @staticmethod
    def edge_legend(net: KgNetwork, roles: Iterable[str]) -> None:
        roles = set(roles)
        if "lead" in roles:
            net.legend.append({"shape": "line", "color": EDGE_LEAD, "width": 2.2, "label": "主办（牵头）", "en": "lead"})
        if "co_lead" in roles:
            net.legend.append({"shape": "line", "color": EDGE_CO_LEAD, "dash": "7 5", "width": 1.5, "label": "协办（配合）", "en": "co-lead"})
        if roles & {"lead_via", "co_lead_via"}:
            net.legend.append({"shape": "line", "color": EDGE_VIA, "dash": "2 4", "width": 1.5, "label": "经由单位组承担", "en": "via a unit group (各街道 …)"})
        if "attach" in roles:
            net.legend.append({"shape": "line", "color": EDGE_ATTACH, "width": 1.5, "label": "任务的指标 / 项目", "en": "indicator or project of a task"})


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _darker(color: str, f: float = 0.7) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"#{int(r * f):02x}{int(g * f):02x}{int(b * f):02x}"


def _legend_extras(net: KgNetwork, tasks: list[TaskInfo]) -> None:
    if any(t.indicators for t in tasks):
        net.legend.append({"shape": "triangle", "color": INDICATOR_COLOR, "label": "量化指标", "en": "indicator"})
    if any(t.projects for t in tasks):
        net.legend.append({"shape": "hexagon", "color": PROJECT_COLOR, "label": "项目", "en": "project"})


# ---------------------------------------------------------------------------------------
# the four kinds of view


def _plan_tasks(data: ViewData) -> list[TaskInfo]:
    return sorted(data.tasks.values(), key=lambda t: (t.document, t.ordinal))


def responsibility_network(
    data: ViewData, loads: Mapping[str, LoadInfo], styler: _Styler | None = None,
    max_tasks: int | None = MAX_NETWORK_TASKS,
) -> KgNetwork:
    """Units and tasks: who leads (solid) and who co-leads (dashed) each task.

    Past ``max_tasks`` tasks, the first task plans (whole, in order) up to that many.
    """
    st = styler or _Styler(data, loads)
    net = KgNetwork("责任网络 Responsibility network", "responsibility")
    ids = _Ids()
    tasks = _whole_documents(st.tasks, max_tasks)
    used: dict[str, UnitInfo] = {}
    for t in tasks:
        for u in t.parties:
            if u in data.units:
                used[u] = data.units[u]
    for u in sorted(used.values(), key=lambda u: (-(loads[u.iri].load if u.iri in loads else 0), u.label)):
        st.unit_node(net, ids("u", u.iri), u)
    roles = set()
    for t in tasks:
        st.task_node(net, ids("t", t.iri), t)
        for u in t.lead:
            if u in used:
                st.role_edge(net, ids("u", u), ids("t", t.iri), "lead")
                roles.add("lead")
        for u in t.co_lead:
            if u in used and u not in t.lead:
                st.role_edge(net, ids("u", u), ids("t", t.iri), "co_lead")
                roles.add("co_lead")
    st.unit_legend(net, used.values())
    st.task_legend(net, tasks)
    st.edge_legend(net, roles)
    if any(t.lead_via_group or t.co_lead_via_group for t in tasks):
        net.notes.append("单位组（如“各街道”）的成员单位在此不单独连线；其经由单位组承担的任务见各单位视图。")
    if len(tasks) < len(st.tasks):
        n_docs = len({t.document for t in tasks})
        net.notes.insert(0, (
            f"任务较多，仅绘制前 {n_docs} 个文件的 {len(tasks)} 项任务（共 {len(st.tasks)} 项）；"
            "完整的任务—单位网络见 responsibility.graphml（可用 Gephi、Cytoscape 打开）。"
            f" Drawn: the first {len(tasks)} of {len(st.tasks)} tasks; the whole network is responsibility.graphml."
        ))
    return net


def _whole_documents(tasks: list[TaskInfo], limit: int | None) -> list[TaskInfo]:
    """``tasks`` (in document order) cut after the last whole document that fits in
    ``limit``; the first document is cut at ``limit`` when even it does not fit."""
    if limit is None or len(tasks) <= limit:
        return tasks
    end = 0
    for i in range(1, limit + 1):
        if i == len(tasks) or tasks[i].document != tasks[i - 1].document:
            end = i
    return tasks[: end or limit]


def collaboration_pairs(data: ViewData) -> dict[tuple[str, str], list[TaskInfo]]:
    """Pairs of units (not groups) named in the same task, with the tasks they share."""
    pairs: dict[tuple[str, str], list[TaskInfo]] = defaultdict(list)
    for t in _plan_tasks(data):
        units = sorted(u for u in t.parties if u in data.units and not data.units[u].is_group)
        for i, a in enumerate(units):
            for b in units[i + 1 :]:
                pairs[(a, b)].append(t)
    return dict(pairs)


def collaboration_network(
    data: ViewData, loads: Mapping[str, LoadInfo], styler: _Styler | None = None,
    max_units: int | None = MAX_NETWORK_UNITS,
) -> KgNetwork:
    """Units only; an edge joins two units named in the same task, width = tasks shared.

    Past ``max_units`` units, the ``max_units`` with the highest load and the edges among them.
    """
    st = styler or _Styler(data, loads)
    net = KgNetwork("协作网络 Collaboration network", "collaboration")
    ids = _Ids()
    pairs = collaboration_pairs(data)
    every = {u for t in data.tasks.values() for u in t.parties if u in data.units and not data.units[u].is_group}
    ranked = sorted(every, key=lambda u: (-(loads[u].load if u in loads else 0), st.label(u)))
    units = set(ranked[:max_units] if max_units is not None else ranked)
    for u in ranked:
        if u in units:
            st.unit_node(net, ids("u", u), data.units[u])
    if len(units) < len(every):
        pairs = {k: ts for k, ts in pairs.items() if k[0] in units and k[1] in units}
        net.notes.append(
            f"单位较多，仅绘制负荷最高的 {len(units)} 个单位（共 {len(every)} 个）及其相互协作；"
            "完整网络见 collaboration.graphml / collaboration.gexf，全部单位见报告首页的负荷排名。"
            f" Drawn: the {len(units)} units with the highest load of {len(every)}; the whole network is collaboration.graphml."
        )
    top = max((len(ts) for ts in pairs.values()), default=1)
    for (a, b), ts in sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        nums = "、".join(t.number for t in ts[:12]) + ("…" if len(ts) > 12 else "")
        net.add_edge(
            ids("u", a), ids("u", b), value=len(ts), color={"color": EDGE_COLLAB, "opacity": 0.7},
            title=f"{st.label(a)} — {st.label(b)}：共同任务 {len(ts)} 项（第 {nums} 项）",
            kind="collab", weight=len(ts),
        )
    st.unit_legend(net, [data.units[u] for u in units])
    net.legend.append({"shape": "line", "color": EDGE_COLLAB, "width": 1.5, "label": "1 项共同任务", "en": "one shared task"})
    if top > 1:
        net.legend.append({"shape": "line", "color": EDGE_COLLAB, "width": 7, "label": f"{top} 项共同任务", "en": "edge width = tasks shared"})
    net.notes.append("连线表示两个单位在同一任务中同被列为主办或协办；单位组（各街道等）不计入。")
    return net


def ego_network(
    data: ViewData, unit: str, loads: Mapping[str, LoadInfo], styler: _Styler | None = None,
    max_tasks: int | None = MAX_VIEW_TASKS,
) -> KgNetwork:
    """One unit with its tasks, its partners on those tasks, their indicators and projects.

    Past ``max_tasks`` tasks: the tasks it leads first, then those it co-leads, then those
    it has through a group, each in document order, up to ``max_tasks``.
    """
    st = styler or _Styler(data, loads)
    info = data.units[unit]
    net = KgNetwork(f"单位视图：{info.label}", "unit")
    ids = _Ids()
    st.unit_node(net, ids("u", unit), info, focus=True, link=False)
    mine = st.unit_tasks.get(unit, {})
    order = sorted(mine, key=lambda t: (data.tasks[t].document, data.tasks[t].ordinal))
    if max_tasks is not None and len(order) > max_tasks:
        strength = {"lead": 0, "co_lead": 1, "lead_via": 2, "co_lead_via": 3}
        keep = set(sorted(order, key=lambda t: strength[mine[t]])[:max_tasks])  # (stable: document order within a role)
        order = [t for t in order if t in keep]
    tasks = [data.tasks[t] for t in order]
    roles = set()
    partners: dict[str, UnitInfo] = {unit: info}
    projects: dict[str, tuple[str, list[TaskInfo]]] = {}
    for t in tasks:
        st.task_node(net, ids("t", t.iri), t)
    for t in tasks:
        tid = ids("t", t.iri)
        role = mine[t.iri]
        via = None
        if role.endswith("_via"):
            groups = [g for u, g in (*t.lead_via_group, *t.co_lead_via_group) if u == unit]
            via = st.labels(dict.fromkeys(groups))
        st.role_edge(net, ids("u", unit), tid, role, via)
        roles.add(role)
        _task_units_and_indicators(net, st, ids, data, t, partners, roles, skip=unit, scale=0.7)
        for piri, label in t.projects:
            projects.setdefault(piri, (label, []))[1].append(t)
    for piri, (label, ts) in sorted(projects.items(), key=lambda kv: kv[1][0]):
        pid = ids("p", piri)
        st.project_node(net, pid, label, ts)
        for t in ts:
            st.attach_edge(net, ids("t", t.iri), pid)
            roles.add("attach")
    st.unit_legend(net, partners.values())
    st.task_legend(net, tasks)
    st.edge_legend(net, roles)
    _legend_extras(net, tasks)
    li = loads.get(unit)
    n_direct = sum(1 for r in mine.values() if not r.endswith("_via"))
    summary = f"{info.label}：直接承担任务 {n_direct} 项"
    if len(mine) > n_direct:
        summary += f"，经由单位组承担 {len(mine) - n_direct} 项"
    if li is not None:
        summary += f"；加权负荷 {_num(li.load)}" + (f"（第 {li.rank} 名）" if li.rank else "")
    net.notes.insert(0, summary + "。")
    if li is not None and li.overloaded:
        net.notes.insert(1, "超负荷：" + (li.reason or "是"))
    if not tasks:
        net.notes.append("该单位没有直接或经由单位组承担的任务。")
    if len(tasks) < len(mine):
        shown = sum(1 for t in tasks if mine[t.iri] == "lead")
        n_lead = sum(1 for r in mine.values() if r == "lead")
        net.notes.append(_cut_note(len(tasks), len(mine), f"主办任务 {shown}/{n_lead} 项优先", info.label))
    return net


def _cut_note(shown: int, total: int, which: str, unit: str | None = None) -> str:
    where = (f"kg query unit_leads --param unit={unit} --graph OUT" if unit else "kg query task_units --graph OUT")
    return (
        f"任务较多，仅绘制 {shown} 项（共 {total} 项；{which}）；全部任务见 responsibility_matrix.xlsx"
        f"，或运行 {where}。 Drawn: {shown} of {total} tasks."
    )


def _task_units_and_indicators(
    net: KgNetwork, st: _Styler, ids: _Ids, data: ViewData, t: TaskInfo,
    seen: dict[str, UnitInfo], roles: set[str], skip: str | None = None, scale: float = 1.0,
) -> None:
    """A task's units (each drawn once, kept in ``seen``) with role edges, and its indicators."""
    tid = ids("t", t.iri)
    for u in t.parties:
        if u == skip or u not in data.units:
            continue
        if u not in seen:
            seen[u] = data.units[u]
            st.unit_node(net, ids("u", u), data.units[u], **({"scale": scale} if scale != 1.0 else {}))
        r = "lead" if u in t.lead else "co_lead"
        st.role_edge(net, ids("u", u), tid, r)
        roles.add(r)
    for i in range(len(t.indicators)):
        iid = ids("i", f"{t.iri}#{i}")
        st.indicator_node(net, iid, t, i)
        st.attach_edge(net, tid, iid)
        roles.add("attach")


def section_network(
    data: ViewData, section: str, loads: Mapping[str, LoadInfo], styler: _Styler | None = None,
    max_tasks: int | None = MAX_VIEW_TASKS,
) -> KgNetwork:
    """The tasks of a section (and its subsections), their units and indicators; past
    ``max_tasks`` tasks, the first ``max_tasks``."""
    st = styler or _Styler(data, loads)
    every = st.section_tasks().get(section, [])
    tasks = every[:max_tasks] if max_tasks is not None else every
    net = KgNetwork(f"章节视图：{_short(st.section_label(section), 40)}", "section")
    ids = _Ids()
    used: dict[str, UnitInfo] = {}
    roles = set()
    for t in tasks:
        st.task_node(net, ids("t", t.iri), t, link_section=False)
    project_tasks: dict[str, list[TaskInfo]] = defaultdict(list)
    for t in tasks:
        for piri, _ in t.projects:
            project_tasks[piri].append(t)
    for t in tasks:
        tid = ids("t", t.iri)
        _task_units_and_indicators(net, st, ids, data, t, used, roles)
        for piri, label in t.projects:
            pid = ids("p", piri)
            if pid not in net.node_map:
                st.project_node(net, pid, label, project_tasks[piri])
            st.attach_edge(net, tid, pid)
            roles.add("attach")
    st.unit_legend(net, used.values())
    st.task_legend(net, tasks)
    st.edge_legend(net, roles)
    _legend_extras(net, tasks)
    n_groups = sum(1 for u in used.values() if u.is_group)
    groups = f"、单位组 {n_groups} 个" if n_groups else ""
    net.notes.insert(0, f"{st.section_label(section)}：任务 {len(every)} 项，涉及单位 {len(used) - n_groups} 个{groups}。")
    if len(tasks) < len(every):
        net.notes.append(_cut_note(len(tasks), len(every), "按文件顺序的前几项"))
    return net


# ---------------------------------------------------------------------------------------
# layout and rendering


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
def _asset(name: str) -> str:
    return (Path(__file__).parent / name).read_text(encoding="utf-8")


@cache
def _vis_assets() -> tuple[str, str]:
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
def _env():  # type: ignore[no-untyped-def]
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
    vis_js, vis_css = _vis_assets()
    view_js = _asset("view.js")
    payload = script_json({
        "nodes": nodes, "edges": edges, "options": json.loads(options),
        "kind": net.kind, "physics": physics,
    })
    page = _env().get_template("view.html").render(
        title=heading,
        kind=net.kind,
        legend=net.legend,
        notes=net.notes,
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
        vis_css=vis_css,
        view_js=view_js,
        base_css=_asset("base.css"),
        view_css=_asset("view.css"),
        csp=csp([view_js], self_scripts=True) if vis_src else csp([vis_js, view_js]),
    )
    return strip_external(page, trusted=(vis_js,))


def _counts(nodes: list[dict[str, object]]) -> list[tuple[str, int]]:
    names = {"unit": "单位", "group": "单位组", "task": "任务", "indicator": "指标", "project": "项目"}
    c: dict[str, int] = defaultdict(int)
    for n in nodes:
        c[str(n.get("kind", ""))] += 1
    return [(names[k], c[k]) for k in names if c.get(k)]


# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewLimits:
    """How much a build draws; ``None`` is no limit (see the module constants)."""

    unit_views: int | None = MAX_UNIT_VIEWS
    section_views: int | None = MAX_SECTION_VIEWS
    view_tasks: int | None = MAX_VIEW_TASKS
    network_tasks: int | None = MAX_NETWORK_TASKS
    network_units: int | None = MAX_NETWORK_UNITS


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
    styler: _Styler | None = None,
) -> ViewSelection:
    """Every unit and section view, or on a big corpus the ``limits.unit_views`` units with
    the highest load and the ``limits.section_views`` sections with the most tasks."""
    lim = limits or ViewLimits()
    max_unit_views, max_section_views = lim.unit_views, lim.section_views
    st = styler or _Styler(data, loads)
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


def write_views(
    out: Path,
    data: ViewData,
    loads: Mapping[str, LoadInfo],
    selection: ViewSelection | None = None,
    *,
    limits: ViewLimits | None = None,
    networks: bool = True,
) -> list[ViewPage]:
    """Write the views under ``out/views/``; return what was written (for the index).

    ``selection`` (default :func:`select_views` with ``limits``) says which unit and
    section views; ``limits`` also caps the tasks of each view and of the networks.
    ``networks=False`` leaves out the two network views (writing one more unit view
    into an existing build).

    The two network views always inline vis-network. Unit and section views do too, up to
    :data:`INLINE_MAX_VIEWS` of them; past that (a corpus of many districts) they load it
    from ``views/vis-network.min.js`` beside them — still from disk, never the network —
    so that a thousand views do not each carry the same 470 kB.
    """
    folder = out / VIEWS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    st = _Styler(data, loads)
    lim = limits or ViewLimits()
    sel = selection or select_views(data, loads, lim, styler=st)
    plans: list[_Plan] = []
    if networks:
        plans += [
            _Plan("responsibility.html", "responsibility", "",
                  lambda: responsibility_network(data, loads, st, lim.network_tasks)),
            _Plan("collaboration.html", "collaboration", "",
                  lambda: collaboration_network(data, loads, st, lim.network_units)),
        ]
    for s in sel.sections:
        plans.append(_Plan(section_file(s), "section", s,
                           lambda s=s: section_network(data, s, loads, st, lim.view_tasks)))
    for u in sel.units:
        plans.append(_Plan(unit_file(u), "unit", u, lambda u=u: ego_network(data, u, loads, st, lim.view_tasks)))
    n_small = sum(1 for p in plans if p.kind in ("unit", "section"))
    # (a view written alone into a build that already shares the file keeps sharing it)
    compact = n_small > INLINE_MAX_VIEWS or (not networks and (folder / VIS_FILE).is_file())
    if compact and (networks or not (folder / VIS_FILE).is_file()):
        (folder / VIS_FILE).write_text(_vis_assets()[0], encoding="utf-8")
    pages = []
    for p in plans:
        net = p.build()  # type: ignore[operator]
        shared = compact and p.kind in ("unit", "section")
        page = render_network(net, nav=NAV, vis_src=VIS_FILE if shared else None)
        path = folder / p.file
        path.write_text(page, encoding="utf-8")
        pages.append(ViewPage(
            f"{VIEWS_DIR}/{p.file}", net.title, p.kind, len(net.nodes), len(net.edges), p.key,
            len(net.nodes) <= PHYSICS_MAX_NODES, path.stat().st_size,
        ))
    return pages
