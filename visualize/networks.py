"""The networks the views draw: responsibility (tasks and units), collaboration (unit pairs),
ego (one unit) and section networks, each capped so that a view stays drawable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from kg.labels import label

from .data import TaskInfo, UnitInfo, ViewData
from .style import (
    EDGE_COLLAB,
    EDGE_VIA,
    ROLE_ZH,
    Ids,
    KgNetwork,
    LoadInfo,
    Styler,
    legend_extras,
    short,
)

__all__ = ["MAX_VIEW_TASKS", "MAX_NETWORK_TASKS", "MAX_NETWORK_UNITS", "responsibility_network", "collaboration_pairs", "via_group_pairs", "collaboration_network", "ego_network", "section_network"]

# One unit or section view draws at most this many tasks (a unit's lead tasks first);
# its note gives the full count and where to find the rest.
MAX_VIEW_TASKS = 150


# The responsibility network draws whole task plans, in order, up to this many tasks; the
# collaboration network the units with the highest load, up to this many. The complete
# networks are responsibility.graphml / collaboration.graphml.
MAX_NETWORK_TASKS = 3000


MAX_NETWORK_UNITS = 1000


# An ego view's task table lists this many of the unit's tasks (all of them, but for the
# few units of a national corpus with thousands).
MAX_TABLE_TASKS = 2000


def _plan_tasks(data: ViewData) -> list[TaskInfo]:
    return sorted(data.tasks.values(), key=lambda t: (t.document, t.ordinal))


def responsibility_network(
    data: ViewData, loads: Mapping[str, LoadInfo], styler: Styler | None = None,
    max_tasks: int | None = MAX_NETWORK_TASKS,
) -> KgNetwork:
    """Units and tasks: who leads (solid) and who co-leads (dashed) each task.

    Past ``max_tasks`` tasks, the first task plans (whole, in order) up to that many.
    """
    st = styler or Styler(data, loads)
    net = KgNetwork("责任网络 Responsibility network", "responsibility")
    ids = Ids()
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


def via_group_pairs(data: ViewData) -> dict[tuple[str, str], list[TaskInfo]]:
    """Pairs of a unit named in a task and a unit the task reaches through a group (各街道
    → each street), with the tasks, where the two are not also named together."""
    pairs: dict[tuple[str, str], list[TaskInfo]] = defaultdict(list)
    for t in _plan_tasks(data):
        named = {u for u in t.parties if u in data.units and not data.units[u].is_group}
        reached = {u for u, _ in (*t.lead_via_group, *t.co_lead_via_group) if u in data.units} - named
        for a in named:
            for b in reached:
                key = (a, b) if a < b else (b, a)
                pairs[key].append(t)
    return dict(pairs)


def collaboration_network(
    data: ViewData, loads: Mapping[str, LoadInfo], styler: Styler | None = None,
    max_units: int | None = MAX_NETWORK_UNITS,
) -> KgNetwork:
    """Units only; an edge joins two units named in the same task, width = tasks shared.

    Past ``max_units`` units, the ``max_units`` with the highest load and the edges among them.
    """
    st = styler or Styler(data, loads)
    net = KgNetwork("协作网络 Collaboration network", "collaboration")
    ids = Ids()
    pairs = collaboration_pairs(data)
    via = {k: ts for k, ts in via_group_pairs(data).items() if k not in pairs}
    every = {u for t in data.tasks.values() for u in t.parties if u in data.units and not data.units[u].is_group}
    every |= {u for k in via for u in k}
    ranked = sorted(every, key=lambda u: (-(loads[u].load if u in loads else 0), st.label(u)))
    units = set(ranked[:max_units] if max_units is not None else ranked)
    for u in ranked:
        if u in units:
            st.unit_node(net, ids("u", u), data.units[u])
    via = {k: ts for k, ts in via.items() if k[0] in units and k[1] in units}
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
    for (a, b), ts in sorted(via.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        nums = "、".join(t.number for t in ts[:12]) + ("…" if len(ts) > 12 else "")
        net.add_edge(
            ids("u", a), ids("u", b), value=len(ts), color={"color": EDGE_VIA, "opacity": 0.6}, dashes=[2, 4],
            title=f"{st.label(a)} — {st.label(b)}：经由单位组共同任务 {len(ts)} 项（第 {nums} 项）",
            kind="collab_via", weight=len(ts),
        )
    st.unit_legend(net, [data.units[u] for u in units])
    net.legend.append({"shape": "line", "color": EDGE_COLLAB, "width": 1.5, "label": "1 项共同任务", "en": "one shared task"})
    if top > 1:
        net.legend.append({"shape": "line", "color": EDGE_COLLAB, "width": 7, "label": f"{top} 项共同任务", "en": "edge width = tasks shared"})
    if via:
        net.legend.append({"shape": "line", "color": EDGE_VIA, "dash": "2 4", "width": 1.5, "label": "经由单位组的共同任务",
                           "en": "a task shared through a group (各街道 …)"})
    net.notes.append("实线表示两个单位在同一任务中同被列为牵头或配合；虚线连接任务点名的单位与经“各街道”等单位组分到该任务的成员单位。"
                     " Solid: named together on a task; dashed: a unit named on a task and a member a group on it reaches.")
    return net


def ego_network(
    data: ViewData, unit: str, loads: Mapping[str, LoadInfo], styler: Styler | None = None,
    max_tasks: int | None = MAX_VIEW_TASKS,
) -> KgNetwork:
    """One unit with its tasks, its partners on those tasks, their indicators and projects.

    Past ``max_tasks`` tasks: the tasks it leads first, then those it co-leads, then those
    it has through a group, each in document order, up to ``max_tasks``.
    """
    st = styler or Styler(data, loads)
    info = data.units[unit]
    net = KgNetwork(f"单位视图：{info.label}", "unit")
    ids = Ids()
    net.focus = ids("u", unit)
    st.unit_node(net, net.focus, info, focus=True, link=False)
    mine = st.unit_tasks.get(unit, {})
    in_order = sorted(mine, key=lambda t: (data.tasks[t].document, data.tasks[t].ordinal))  # (the table's too)
    order = in_order
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
        for piri, name in t.projects:
            projects.setdefault(piri, (name, []))[1].append(t)
    for piri, (name, ts) in sorted(projects.items(), key=lambda kv: kv[1][0]):
        pid = ids("p", piri)
        st.project_node(net, pid, name, ts)
        for t in ts:
            st.attach_edge(net, ids("t", t.iri), pid)
            roles.add("attach")
    st.unit_legend(net, partners.values())
    st.task_legend(net, tasks)
    st.edge_legend(net, roles)
    legend_extras(net, tasks)
    li = loads.get(unit)
    n_direct = sum(1 for r in mine.values() if not r.endswith("_via"))
    summary = f"{info.label}：直接承担任务 {n_direct} 项"
    if len(mine) > n_direct:
        summary += f"，经由单位组承担 {len(mine) - n_direct} 项"
    if li is not None:
        summary += f"；{label('measure', 'load')} {li.both_loads()}" + (f"（第 {li.rank} 名）" if li.rank else "")
    net.notes.insert(0, summary + "。")
    if li is not None and li.reason:
        verdict = "超负荷 Overloaded" if li.overloaded else "未超负荷 Not overloaded"
        net.notes.insert(1, f"{verdict}：{li.reason}" + (f" ({li.reason_en})" if li.reason_en else ""))
    if not tasks:
        net.notes.append("该单位没有直接或经由单位组承担的任务。")
    net.table = _task_table(st, ids, unit, mine, in_order, {t.iri for t in tasks})
    if len(tasks) < len(mine):
        shown = sum(1 for t in tasks if mine[t.iri] == "lead")
        n_lead = sum(1 for r in mine.values() if r == "lead")
        net.notes.append(_cut_note(len(tasks), len(mine), f"牵头任务 {shown}/{n_lead} 项优先", info.label))
    return net


def _task_table(
    st: Styler, ids: Ids, unit: str, mine: Mapping[str, str], in_order: list[str], drawn: set[str],
) -> list[dict[str, str]]:
    """The rows of an ego view's task table: every task of the unit (``in_order``: the
    IRIs of ``mine`` in document order; up to :data:`MAX_TABLE_TASKS`) with its role,
    section and partners; ``node`` is the id of the task's node where it is drawn (a click
    selects it)."""
    data = st.data
    rows = []
    for iri in in_order[:MAX_TABLE_TASKS]:
        t = data.tasks[iri]
        role = mine[iri]
        via = t.lead_via_group if role == "lead_via" else t.co_lead_via_group if role == "co_lead_via" else []
        groups = [g for u, g in via if u == unit]
        doc = data.documents.get(t.document)
        rows.append({
            "node": ids("t", iri) if iri in drawn else "",
            "number": t.number,
            "role": ROLE_ZH[role] if not groups else f"{ROLE_ZH[role.removesuffix('_via')]}（经由 {st.labels(dict.fromkeys(groups))}）",
            "section": st.section_label(t.section),
            "partners": st.labels(u for u in t.parties if u != unit),
            "text": t.text,
            "deadline": t.deadline or "",
            "document": (doc.title or doc.name) if doc is not None and st.multi_document else "",
        })
    return rows


def _cut_note(shown: int, total: int, which: str, unit: str | None = None) -> str:
    where = (f"kg query unit_leads --param unit={unit} --graph OUT" if unit else "kg query task_units --graph OUT")
    return (
        f"任务较多，仅绘制 {shown} 项（共 {total} 项；{which}）；全部任务见 responsibility_matrix.xlsx"
        f"，或运行 {where}。 Drawn: {shown} of {total} tasks."
    )


def _task_units_and_indicators(
    net: KgNetwork, st: Styler, ids: Ids, data: ViewData, t: TaskInfo,
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
    data: ViewData, section: str, loads: Mapping[str, LoadInfo], styler: Styler | None = None,
    max_tasks: int | None = MAX_VIEW_TASKS,
) -> KgNetwork:
    """The tasks of a section (and its subsections), their units and indicators; past
    ``max_tasks`` tasks, the first ``max_tasks``."""
    st = styler or Styler(data, loads)
    every = st.section_tasks().get(section, [])
    tasks = every[:max_tasks] if max_tasks is not None else every
    net = KgNetwork(f"章节视图：{short(st.section_label(section), 40)}", "section")
    ids = Ids()
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
        for piri, name in t.projects:
            pid = ids("p", piri)
            if pid not in net.node_map:
                st.project_node(net, pid, name, project_tasks[piri])
            st.attach_edge(net, tid, pid)
            roles.add("attach")
    st.unit_legend(net, used.values())
    st.task_legend(net, tasks)
    st.edge_legend(net, roles)
    legend_extras(net, tasks)
    n_groups = sum(1 for u in used.values() if u.is_group)
    groups = f"、单位组 {n_groups} 个" if n_groups else ""
    net.notes.insert(0, f"{st.section_label(section)}：任务 {len(every)} 项，涉及单位 {len(used) - n_groups} 个{groups}。")
    if len(tasks) < len(every):
        net.notes.append(_cut_note(len(tasks), len(every), "按文件顺序的前几项"))
    return net
