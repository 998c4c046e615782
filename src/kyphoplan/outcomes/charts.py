"""Server-rendered SVG charts. Each has a <title> and a <desc> that reads the numbers out, and
the page shows the same numbers in a table beside it: the chart is never the only carrier."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

W, H = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 20, 48
OURS, BENCH = "#0b4f8a", "#8a1c1c"


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    low: list[float | None] | None = None
    high: list[float | None] | None = None
    dashed: bool = False
    colour: str = OURS


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def line_chart(chart_id: str, title: str, desc: str, labels: list[str], series: list[Series], *, y_min: float,
               y_max: float, y_label: str) -> str:
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = plot_w / max(1, len(labels))

    def x(i: int) -> float:
        return LEFT + step * (i + 0.5)

    def y(v: float) -> float:
        v = min(max(v, y_min), y_max)
        return TOP + plot_h * (1 - (v - y_min) / (y_max - y_min))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
             f'aria-labelledby="{chart_id}-t {chart_id}-d" id="{chart_id}">',
             f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>',
             f'<rect x="0" y="0" width="{W}" height="{H}" fill="#fff"/>']
    ticks = 5
    for k in range(ticks + 1):
        tick = y_min + (y_max - y_min) * k / ticks
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#d0d0d0"/>'
                     f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" fill="#1a1a1a">{_fmt(tick)}</text>')
    if y_min < 0 < y_max:
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#6b6b6b"/>')
    for i, label in enumerate(labels):
        parts.append(f'<text x="{x(i):.1f}" y="{H - BOTTOM + 18}" text-anchor="middle" font-size="12" '
                     f'fill="#1a1a1a">{escape(label)}</text>')
    parts.append(f'<text x="14" y="{TOP + plot_h / 2:.1f}" transform="rotate(-90 14 {TOP + plot_h / 2:.1f})" '
                 f'text-anchor="middle" font-size="12" fill="#1a1a1a">{escape(y_label)}</text>')
    for s in series:
        points = [(x(i), y(v)) for i, v in enumerate(s.values) if v is not None]
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2.5"{dash}/>')
        for i, v in enumerate(s.values):
            if v is None:
                continue
            lo = s.low[i] if s.low else None
            hi = s.high[i] if s.high else None
            if lo is not None and hi is not None:
                parts.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{y(lo):.1f}" y2="{y(hi):.1f}" '
                             f'stroke="{s.colour}" stroke-width="2"/>')
            marker = (f'<rect x="{x(i) - 4:.1f}" y="{y(v) - 4:.1f}" width="8" height="8" fill="{s.colour}"/>' if s.dashed
                      else f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="5" fill="{s.colour}"/>')
            parts.append(marker)
    legend_y = H - 12
    lx = LEFT
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        parts.append(f'<line x1="{lx}" x2="{lx + 28}" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="{s.colour}" '
                     f'stroke-width="3"{dash}/><text x="{lx + 34}" y="{legend_y}" font-size="12" fill="#1a1a1a">'
                     f'{escape(s.name)}</text>')
        lx += 40 + 7 * len(s.name)
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(chart_id: str, title: str, desc: str, labels: list[str], shares: list[float | None]) -> str:
    """Horizontal bars, 0–100%."""
    row = 30
    height = TOP + row * len(labels) + 24
    plot_w = W - 200 - 50  # room for the percentage after a full bar
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" role="img" '
             f'aria-labelledby="{chart_id}-t {chart_id}-d" id="{chart_id}">',
             f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>',
             f'<rect x="0" y="0" width="{W}" height="{height}" fill="#fff"/>']
    for i, (label, share) in enumerate(zip(labels, shares, strict=True)):
        top = TOP + i * row
        parts.append(f'<text x="190" y="{top + 18}" text-anchor="end" font-size="12" fill="#1a1a1a">{escape(label)}</text>')
        if share is None:
            parts.append(f'<text x="200" y="{top + 18}" font-size="12" fill="#1a1a1a">no data</text>')
            continue
        width = plot_w * share
        parts.append(f'<rect x="200" y="{top + 4}" width="{width:.1f}" height="20" fill="{OURS}"/>'
                     f'<text x="{200 + width + 6:.1f}" y="{top + 18}" font-size="12" fill="#1a1a1a">{share * 100:.0f}%</text>')
    parts.append("</svg>")
    return "".join(parts)
