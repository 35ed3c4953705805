"""Static SVG charts for the report: readable without JavaScript, labels escaped, CJK fonts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .safe import esc

__all__ = ["Bar", "bar_chart", "lorenz_curve"]

FONT = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    lead: float  # the lead part of the load
    co_lead: float  # the co-lead part
    color: str
    overloaded: bool = False
    href: str = ""
    note: str = ""
    via: float = 0.0  # what groups such as 各街道 add (expanded load − load), drawn as a dashed box

    @property
    def total(self) -> float:
        return self.lead + self.co_lead


def _tint(color: str, f: float = 0.55) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c + (255 - c) * f) for c in (r, g, b)))


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _ticks(top: float) -> list[float]:
    if top <= 0:
        return [0.0]
    raw = top / 5
    mag = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 0.1
    for step in (mag, 2 * mag, 2.5 * mag, 5 * mag, 10 * mag):
        if top / step <= 6:
            break
    n = int(top / step + 0.999)
    return [round(i * step, 6) for i in range(n + 1)]


def bar_chart(bars: Sequence[Bar], *, title: str = "", width: int = 760, row: int = 22) -> str:
    """Horizontal stacked bars (lead part dark, co-lead part light), one row per unit."""
    label_w = 150
    right = 70
    top_pad = 34
    plot_w = width - label_w - right
    height = top_pad + row * len(bars) + 30
    vmax = max((b.total + b.via for b in bars), default=0.0)
    ticks = _ticks(vmax)
    scale_max = ticks[-1] or 1.0
    out = [
        f'<svg class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}" font-family="{FONT}" font-size="12">',
        f"<title>{esc(title)}</title>",
    ]
    # grid and axis
    for t in ticks:
        x = label_w + plot_w * t / scale_max
        out.append(f'<line x1="{x:.1f}" y1="{top_pad - 6}" x2="{x:.1f}" y2="{height - 24}" stroke="#e3e8eb"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#5f6b73">{_fmt(t)}</text>')
    via_note = "；虚框：经单位组分到的部分 via groups" if any(b.via > 0 for b in bars) else ""
    out.append(f'<text x="{label_w}" y="14" fill="#5f6b73">负荷 load — 深色：牵头部分 lead part；浅色：配合部分 co-lead part{via_note}</text>')
    for i, b in enumerate(bars):
        y = top_pad + i * row
        w_lead = plot_w * b.lead / scale_max
        w_co = plot_w * b.co_lead / scale_max
        label_color = "#b71c1c" if b.overloaded else "#1f2a30"
        weight = ' font-weight="bold"' if b.overloaded else ""
        label = esc(b.label if len(b.label) <= 11 else b.label[:10] + "…")
        via = f"；经单位组另有 {_fmt(b.via)}" if b.via > 0 else ""
        tip = esc(f"{b.label}: {_fmt(b.total)}（牵头 {_fmt(b.lead)} + 配合 {_fmt(b.co_lead)}{via}）" + (f" — {b.note}" if b.note else ""))
        text = f'<text x="{label_w - 8}" y="{y + row * 0.68:.1f}" text-anchor="end" fill="{label_color}"{weight}>{label}</text>'
        if b.href:
            text = f'<a href="{esc(b.href)}">{text}</a>'
        out.append(f"<g><title>{tip}</title>{text}")
        out.append(f'<rect x="{label_w}" y="{y + 3}" width="{w_lead:.1f}" height="{row - 6}" fill="{b.color}"/>')
        if w_co > 0:
            out.append(f'<rect x="{label_w + w_lead:.1f}" y="{y + 3}" width="{w_co:.1f}" height="{row - 6}" fill="{_tint(b.color)}"/>')
        if b.overloaded:
            out.append(f'<rect x="{label_w}" y="{y + 3}" width="{w_lead + w_co:.1f}" height="{row - 6}" fill="none" stroke="#b71c1c" stroke-width="2"/>')
        w_via = plot_w * b.via / scale_max
        if w_via > 0:
            out.append(f'<rect class="via" x="{label_w + w_lead + w_co:.1f}" y="{y + 4}" width="{w_via:.1f}" height="{row - 8}" '
                       f'fill="none" stroke="{b.color}" stroke-dasharray="4 3"/>')
        mark = " ⚠" if b.overloaded else ""
        more = f"（+{_fmt(b.via)}）" if b.via > 0 else ""
        out.append(f'<text x="{label_w + w_lead + w_co + w_via + 5:.1f}" y="{y + row * 0.68:.1f}" fill="{label_color}"{weight}>'
                   f'{_fmt(b.total)}{more}{mark}</text></g>')
    out.append(f'<line x1="{label_w}" y1="{top_pad - 6}" x2="{label_w}" y2="{height - 24}" stroke="#90a4ae"/>')
    out.append("</svg>")
    return "\n".join(out)


def lorenz_curve(values: Sequence[float], *, title: str = "", size: int = 220) -> str:
    """The Lorenz curve of ``values`` against the line of equality (the Gini is twice the gap)."""
    xs = sorted(max(0.0, float(v)) for v in values)
    total = sum(xs)
    pad = 34
    plot = size - pad - 10
    pts = [(0.0, 0.0)]
    acc = 0.0
    for i, v in enumerate(xs, start=1):
        acc += v
        pts.append((i / len(xs), acc / total if total else i / len(xs)))

    def xy(p: tuple[float, float]) -> str:
        return f"{pad + p[0] * plot:.1f},{10 + plot - p[1] * plot:.1f}"

    poly = " ".join(xy(p) for p in pts)
    return "\n".join([
        f'<svg class="chart" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img" aria-label="{esc(title)}" font-family="{FONT}" font-size="11">',
        f"<title>{esc(title)}</title>",
        f'<rect x="{pad}" y="10" width="{plot}" height="{plot}" fill="#fff" stroke="#cfd8dc"/>',
        f'<polygon points="{xy((0, 0))} {poly} {xy((1, 0))}" fill="#e3edf8"/>',
        f'<line x1="{pad}" y1="{10 + plot}" x2="{pad + plot}" y2="10" stroke="#90a4ae" stroke-dasharray="4 3"/>',
        f'<polyline points="{poly}" fill="none" stroke="#2f6db5" stroke-width="2"/>',
        f'<text x="{pad + plot / 2}" y="{size - 4}" text-anchor="middle" fill="#5f6b73">单位累计占比 share of units</text>',
        f'<text x="10" y="{10 + plot / 2}" text-anchor="middle" fill="#5f6b73" transform="rotate(-90 10 {10 + plot / 2})">牵头负荷累计占比</text>',
        "</svg>",
    ])
