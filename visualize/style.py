"""How a view looks: the colours and labels of unit types, roles and edges, the network class
(:class:`KgNetwork`), the node and edge styles (:class:`Styler`) and the views' file names.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pyvis.edge import Edge
from pyvis.network import Network

from kg.analysis.networks import GROUP_COLOR, TYPE_COLORS
from kg.labels import both, label, note

from .data import UNIT_TYPES, TaskInfo, UnitInfo, ViewData
from .names import ViewNames

__all__ = ["TYPE_COLORS", "TYPE_ZH", "TYPE_EN", "ROLE_ZH", "LoadInfo", "KgNetwork", "Styler", "Ids"]

FONT_FACE = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'


# the unit types' colours: one table for the views and the Gephi exports (kg.analysis.networks)


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


LEAD, CO_LEAD = label("role", "lead"), label("role", "co_lead")  # 牵头, 配合 (kg.labels)
ROLE_ZH = {"lead": LEAD, "co_lead": CO_LEAD, "lead_via": f"{LEAD}（经由单位组）", "co_lead_via": f"{CO_LEAD}（经由单位组）"}


TYPE_ZH = {t: zh for t, zh, _ in UNIT_TYPES} | {"UnitGroup": "单位组"}


TYPE_EN = {t: en for t, _, en in UNIT_TYPES} | {"UnitGroup": "unit group"}


@dataclass(frozen=True)
class LoadInfo:
    """What the workload analysis says about one unit (or the simple fallback count)."""

    load: float  # the ranked load: the direct load, or the expanded one (kg report --expand-groups)
    lead: float = 0.0
    co_lead: float = 0.0
    rank: int = 0
    overloaded: bool = False
    reason: str = ""  # the verdict's reason in Chinese (every unit has one when the workload ran)
    reason_en: str = ""
    direct: float | None = None  # the load of the tasks that name the unit
    expanded: float | None = None  # … plus those that reach it through an every-member group (各街道)

    def both_loads(self) -> str:
        """``7.5``, or ``0.5（含群组 12）`` when the expanded load differs from the ranked one."""
        if self.expanded is None or abs(self.expanded - self.load) < 1e-9:
            return num(self.load)
        return f"{num(self.load)}（{label('measure', 'expanded_load')} {num(self.expanded)}）"


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
        self.table: list[dict[str, str]] = []  # an ego view's tasks, as a table under the network
        self.focus = ""  # the node of an ego view's unit (shown whatever the filters)
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


def font(size: int = 14, color: str = "#1f2a30", **extra: object) -> dict[str, object]:
    return {"face": FONT_FACE, "size": size, "color": color, "strokeWidth": 3, "strokeColor": "#ffffff", **extra}


def short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


class Ids:
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


class Styler:
    """Styles shared by all views of one build (section colours, unit sizes)."""

    def __init__(self, data: ViewData, loads: Mapping[str, LoadInfo]) -> None:
        self.data = data
        self.loads = loads
        self.names = ViewNames(data)
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
                borderWidth=2.5, font=font(17, "#37474f"), title=f"单位组 {unit.label}", tip=tip, kind="group",
                search=unit.label, utype="UnitGroup", alias=unit.aliases,
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
            rows.append([both("measure", "load"), f"{num(li.load)}{rank}"])
            for key, value in (("direct_load", li.direct), ("expanded_load", li.expanded)):
                if value is not None and li.expanded is not None and abs(li.expanded - (li.direct or 0.0)) > 1e-9:
                    rows.append([both("measure", key), num(value)])
        rows += [[both("role", "lead"), f"{n_lead} 项"], [both("role", "co_lead"), f"{n_co} 项"]]
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
        elif li is not None and li.reason:
            tip["note"] = f"未超负荷：{li.reason}"
        if link:
            tip["link"] = self.names.unit(unit.iri)
            tip["link_text"] = "打开单位视图 Open unit view"
        color = TYPE_COLORS.get(unit.type, TYPE_COLORS["OtherUnit"])
        overloaded = li is not None and li.overloaded
        border = OVERLOAD_BORDER if overloaded else darker(color)
        net.add_node(
            nid, label=unit.label, shape="dot", size=round(size, 1),
            color={"background": color, "border": border,
                   "highlight": {"background": color, "border": "#000000"},
                   "hover": {"background": color, "border": "#000000"}},
            borderWidth=4 if overloaded else 1.5, borderWidthSelected=4,
            font=font(24, "#1f2a30", bold=True) if focus else font(20),
            title=f"{unit.label}：加权负荷 {num(load)}", tip=tip, kind="unit", search=unit.label,
            utype=unit.type, alias=unit.aliases,
            mass=1 + size / 20,
            **({"shadow": {"enabled": True, "color": "rgba(0,0,0,0.35)", "size": 16, "x": 0, "y": 2}} if focus else {}),
        )

    def task_node(self, net: KgNetwork, nid: str, task: TaskInfo, *, link_section: bool = True) -> None:
        doc = self.data.documents.get(task.document)
        rows = [[both("role", "lead"), self.labels(task.lead)], [both("role", "co_lead"), self.labels(task.co_lead)]]
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
            tip["link"] = self.names.section(top)
            tip["link_text"] = "打开章节视图 Open section view"
        color = self.task_color(task)
        net.add_node(
            nid, label=task.number or "·", shape="box",
            color={"background": color, "border": TASK_BORDER,
                   "highlight": {"background": color, "border": "#000000"},
                   "hover": {"background": color, "border": "#000000"}},
            borderWidth=1, margin=6, font=font(16, "#1f2a30", strokeWidth=0),
            title=f"任务 {task.number}：{short(task.text, 120)}", tip=tip, kind="task",
            search=f"{task.number} {task.text}", num=task.number,
            sec=self.section_label(top), doc=(doc.title or doc.name) if doc is not None else "",
        )

    def indicator_node(self, net: KgNetwork, nid: str, task: TaskInfo, i: int) -> None:
        ind = task.indicators[i]
        net.add_node(
            nid, label=short(ind.metric or ind.text, 12), shape="triangle", size=9,
            color={"background": INDICATOR_COLOR, "border": "#a67c00",
                   "highlight": {"background": INDICATOR_COLOR, "border": "#000000"}},
            borderWidth=1, font=font(14, "#5d4a00"),
            title=f"指标：{ind.text}",
            tip={"k": "指标 Indicator", "h": ind.metric or "指标", "t": ind.text,
                 "rows": [["任务 Task", f"第 {task.number} 项"]]},
            kind="indicator", search=ind.text,
        )

    def project_node(self, net: KgNetwork, nid: str, label: str, tasks: list[TaskInfo]) -> None:
        net.add_node(
            nid, label=short(label, 14), shape="hexagon", size=11,
            color={"background": PROJECT_COLOR, "border": "#455a64",
                   "highlight": {"background": PROJECT_COLOR, "border": "#000000"}},
            borderWidth=1, font=font(14, "#37474f"),
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
            net.legend.append({"shape": "sizes", "color": "#90a4ae", "label": f"圆点大小 = {label('measure', 'load')}",
                               "en": f"dot size = {label('measure', 'load', 'en')}", "title": note("measure", "load")})
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
            entries.setdefault((short(label, 22), self.section_color.get(top or "", "#e0e0e0")), label)
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
            net.legend.append({"shape": "line", "color": EDGE_LEAD, "width": 2.2, "label": LEAD, "en": label("role", "lead", "en"),
                               "title": note("role", "lead")})
        if "co_lead" in roles:
            net.legend.append({"shape": "line", "color": EDGE_CO_LEAD, "dash": "7 5", "width": 1.5, "label": CO_LEAD,
                               "en": label("role", "co_lead", "en"), "title": note("role", "co_lead")})
        if roles & {"lead_via", "co_lead_via"}:
            net.legend.append({"shape": "line", "color": EDGE_VIA, "dash": "2 4", "width": 1.5, "label": "经由单位组承担", "en": "via a unit group (各街道 …)"})
        if "attach" in roles:
            net.legend.append({"shape": "line", "color": EDGE_ATTACH, "width": 1.5, "label": "任务的指标 / 项目", "en": "indicator or project of a task"})


def num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def darker(color: str, f: float = 0.7) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"#{int(r * f):02x}{int(g * f):02x}{int(b * f):02x}"


def legend_extras(net: KgNetwork, tasks: list[TaskInfo]) -> None:
    if any(t.indicators for t in tasks):
        net.legend.append({"shape": "triangle", "color": INDICATOR_COLOR, "label": "量化指标", "en": "indicator"})
    if any(t.projects for t in tasks):
        net.legend.append({"shape": "hexagon", "color": PROJECT_COLOR, "label": "项目", "en": "project"})
