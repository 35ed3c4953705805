"""Aggregated views, for corpora too big to draw task by task (issue 16).

Above :data:`AGGREGATE_MIN_TASKS` tasks a network of every task and unit is too heavy to
draw or to read, so the report draws, instead of ``responsibility.html`` and
``collaboration.html``:

* ``type-network.html`` — one node per unit type, sized by the load its units carry,
  an edge between two types weighted by the tasks their units share;
* ``region-NAME.html`` — per region, the :data:`REGION_UNITS` units with the highest load
  and the collaboration among them;
* ``top-units.html`` — the :data:`TOP_UNITS` units with the highest load and each one's
  :data:`NEIGHBOURS` closest partners (the tasks they share).

Unit and section views are drawn as on a small corpus (capped, see :class:`ViewLimits`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from .data import UNIT_TYPES, ViewData
from .names import region_of, slug
from .networks import collaboration_pairs
from .style import EDGE_COLLAB, TYPE_COLORS, TYPE_EN, TYPE_ZH, Ids, KgNetwork, LoadInfo, Styler, num

__all__ = ["AGGREGATE_MIN_TASKS", "REGION_UNITS", "TOP_UNITS", "NEIGHBOURS", "region_file",
           "type_network", "region_networks", "top_units_network"]

AGGREGATE_MIN_TASKS = 20_000
REGION_UNITS = 80
TOP_UNITS = 40
NEIGHBOURS = 5


def region_file(region: str) -> str:
    return f"region-{slug(region or 'none')}.html"


def _load(loads: Mapping[str, LoadInfo], u: str) -> float:
    li = loads.get(u)
    return li.load if li else 0.0


def _units(data: ViewData) -> list[str]:
    """Units (not groups) named on some task."""
    return sorted({u for t in data.tasks.values() for u in t.parties if u in data.units and not data.units[u].is_group})


def type_network(data: ViewData, loads: Mapping[str, LoadInfo], pairs: Mapping[tuple[str, str], list[object]]) -> KgNetwork:
    """One node per unit type; edge weight = tasks shared by units of the two types."""
    net = KgNetwork("单位类型网络 Network of unit types", "types")
    units = _units(data)
    members: dict[str, list[str]] = defaultdict(list)
    for u in units:
        members[data.units[u].type].append(u)
    total = {t: sum(_load(loads, u) for u in us) for t, us in members.items()}
    top = max(total.values(), default=0.0) or 1.0
    for t, _zh, _en in UNIT_TYPES:
        if t not in members:
            continue
        heaviest = sorted(members[t], key=lambda u: (-_load(loads, u), data.units[u].label))[:10]
        net.add_node(
            t, label=f"{TYPE_ZH[t]}（{len(members[t])}）", shape="dot", size=round(16 + 40 * (total[t] / top) ** 0.5, 1),
            color=TYPE_COLORS[t], title=f"{TYPE_ZH[t]}：{len(members[t])} 个单位，负荷合计 {num(total[t])}",
            tip={"k": "单位类型 Unit type", "h": f"{TYPE_ZH[t]} {TYPE_EN[t]}",
                 "rows": [["单位 Units", f"{len(members[t])} 个"], ["负荷合计 Total load", num(total[t])]],
                 "items_h": "负荷最高的单位", "items": [f"{data.units[u].label}（{num(_load(loads, u))}）" for u in heaviest]},
            kind="type", search=TYPE_ZH[t], utype=t,
        )
    shared: Counter[tuple[str, str]] = Counter()
    for (a, b), ts in pairs.items():
        ta, tb = sorted((data.units[a].type, data.units[b].type))
        if ta != tb:
            shared[(ta, tb)] += len(ts)
    for (ta, tb), n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])):
        net.add_edge(ta, tb, value=n, color={"color": EDGE_COLLAB, "opacity": 0.7},
                     title=f"{TYPE_ZH[ta]} — {TYPE_ZH[tb]}：共同任务 {n} 单位次", kind="collab", weight=n)
    net.legend.append({"shape": "dot", "color": "#90a4ae", "label": "圆点 = 一类单位，大小 = 负荷合计",
                       "en": "a unit type, sized by its units' total load"})
    net.legend.append({"shape": "line", "color": EDGE_COLLAB, "width": 4, "label": "不同类型单位共同承担的任务",
                       "en": "tasks shared by units of the two types"})
    return net


def region_networks(
    data: ViewData, loads: Mapping[str, LoadInfo], st: Styler, pairs: Mapping[tuple[str, str], list[object]],
    max_units: int = REGION_UNITS,
) -> dict[str, KgNetwork]:
    """Per region (of the unit IRIs), the units with the highest load and their collaboration."""
    by_region: dict[str, list[str]] = defaultdict(list)
    for u in _units(data):
        by_region[region_of(u)].append(u)
    kept = {
        region: sorted(us, key=lambda u: (-_load(loads, u), data.units[u].label))[:max_units]
        for region, us in by_region.items()
    }
    # each region's pairs, in one pass over the corpus's pairs (not one per region)
    drawn = {u: region for region, keep in kept.items() for u in keep}
    inside: dict[str, dict[tuple[str, str], list[object]]] = defaultdict(dict)
    for (a, b), ts in pairs.items():
        region = drawn.get(a)
        if region is not None and drawn.get(b) == region:
            inside[region][(a, b)] = ts
    out: dict[str, KgNetwork] = {}
    for region, us in sorted(by_region.items()):
        keep = kept[region]
        net = KgNetwork(f"地区视图：{region or '未注明地区'}", "region")
        _collaboration(net, data, st, keep, inside[region])
        net.notes.insert(0, (
            f"{region or '未注明地区'}：单位 {len(us)} 个，绘制负荷最高的 {len(keep)} 个及其相互协作。"
            f" Region {region}: the {len(keep)} units with the highest load of {len(us)}, and the tasks they share."
        ))
        out[region] = net
    return out


def top_units_network(
    data: ViewData, loads: Mapping[str, LoadInfo], st: Styler, pairs: Mapping[tuple[str, str], list[object]],
    top: int = TOP_UNITS, neighbours: int = NEIGHBOURS,
) -> KgNetwork:
    """The ``top`` units with the highest load and each one's ``neighbours`` closest partners."""
    ranked = sorted(_units(data), key=lambda u: (-_load(loads, u), data.units[u].label))[:top]
    partners: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (a, b), ts in pairs.items():
        partners[a].append((len(ts), b))
        partners[b].append((len(ts), a))
    keep = list(ranked)
    for u in ranked:
        for _n, p in sorted(partners[u], key=lambda x: (-x[0], data.units[x[1]].label))[:neighbours]:
            if p not in keep:
                keep.append(p)
    net = KgNetwork("重点单位及其合作单位 Top units and their partners", "collaboration")
    _collaboration(net, data, st, keep, pairs)
    net.notes.insert(0, (
        f"负荷最高的 {len(ranked)} 个单位，以及各自共同任务最多的 {neighbours} 个合作单位（共 {len(keep)} 个单位）。"
        f" The {len(ranked)} units with the highest load and each one's {neighbours} closest partners."
    ))
    return net


def _collaboration(
    net: KgNetwork, data: ViewData, st: Styler, units: list[str], pairs: Mapping[tuple[str, str], list[object]],
) -> None:
    ids = Ids()
    inside = set(units)
    for u in units:
        st.unit_node(net, ids("u", u), data.units[u])
    # the pairs inside first, then sorted (sorting every pair of the corpus per view took
    # 1 s per region at 100k tasks)
    kept = [((a, b), len(ts)) for (a, b), ts in pairs.items() if a in inside and b in inside]
    for (a, b), n in sorted(kept, key=lambda kv: (-kv[1], kv[0])):
        net.add_edge(ids("u", a), ids("u", b), value=n, color={"color": EDGE_COLLAB, "opacity": 0.7},
                     title=f"{st.label(a)} — {st.label(b)}：共同任务 {n} 项", kind="collab", weight=n)
    st.unit_legend(net, [data.units[u] for u in units])
    net.legend.append({"shape": "line", "color": EDGE_COLLAB, "width": 4, "label": "共同任务（线越粗越多）",
                       "en": "tasks shared (width)"})


def aggregate_pairs(data: ViewData) -> dict[tuple[str, str], list[object]]:
    """:func:`collaboration_pairs`, typed for the functions above."""
    return dict(collaboration_pairs(data))  # type: ignore[arg-type]
