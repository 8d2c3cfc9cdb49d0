"""Charts drawn on the server as SVG: horizontal bars (a funnel, leniency around zero), columns (a rating
distribution) and a line (a rating over time). Plain markup, no scripts, readable without colour: every bar is
labelled with its number."""

from __future__ import annotations

from markupsafe import Markup, escape

ROW = 22
LABEL = 190
WIDTH = 640


def bars(items: list[tuple[str, float, str]], title: str) -> Markup:
    """One labelled bar per (label, value, text shown after the bar), longest = full width."""
    top = max((v for _, v, _ in items), default=0) or 1
    span = WIDTH - LABEL - 150
    parts = []
    for i, (label, value, text) in enumerate(items):
        y = i * ROW
        w = max(1.0, span * value / top) if value else 0
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL}" y="{y + 3}" width="{w:.1f}" height="{ROW - 7}" class="bar"/>'
            f'<text x="{LABEL + w + 6:.1f}" y="{y + 15}">{escape(text)}</text>'
        )
    return _svg(title, WIDTH, len(items) * ROW, "".join(parts))


def diverging(items: list[tuple[str, float | None, str]], title: str, limit: float = 2.0) -> Markup:
    """Bars to the left or right of zero (e.g. a reviewer's leniency against the panel); None draws no bar."""
    middle = LABEL + (WIDTH - LABEL - 150) / 2
    half = (WIDTH - LABEL - 150) / 2
    parts = [f'<line x1="{middle}" y1="0" x2="{middle}" y2="{len(items) * ROW}" class="axis"/>']
    for i, (label, value, text) in enumerate(items):
        y = i * ROW
        parts.append(f'<text x="{LABEL - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        if value is not None:
            w = half * min(abs(value), limit) / limit
            x = middle if value >= 0 else middle - w
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" height="{ROW - 7}" class="bar"/>'
            )
        parts.append(f'<text x="{LABEL + 2 * half + 8:.1f}" y="{y + 15}">{escape(text)}</text>')
    return _svg(title, WIDTH, len(items) * ROW, "".join(parts))


def columns(counts: list[tuple[str, int]], title: str, height: int = 120) -> Markup:
    top = max((n for _, n in counts), default=0) or 1
    step = 56
    parts = []
    for i, (label, n) in enumerate(counts):
        h = (height - 40) * n / top
        x = 10 + i * step
        parts.append(
            f'<rect x="{x}" y="{height - 20 - h:.1f}" width="{step - 14}" height="{h:.1f}" class="bar"/>'
            f'<text x="{x + (step - 14) / 2}" y="{height - 24 - h:.1f}" text-anchor="middle">{n}</text>'
            f'<text x="{x + (step - 14) / 2}" y="{height - 5}" text-anchor="middle">{escape(label)}</text>'
        )
    return _svg(title, 20 + len(counts) * step, height, "".join(parts))


def line(
    points: list[tuple[str, float]], title: str, low: float = 1, high: float = 5, height: int = 120
) -> Markup:
    if not points:
        return Markup("")
    step = max(40, min(90, (WIDTH - 40) // max(1, len(points))))
    width = 40 + step * len(points)

    def y(v: float) -> float:
        return height - 25 - (height - 45) * (v - low) / (high - low)

    xs = [30 + i * step for i in range(len(points))]
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x},{y(v):.1f}"
        for i, (x, (_, v)) in enumerate(zip(xs, points, strict=True))
    )
    dots = "".join(
        f'<circle cx="{x}" cy="{y(v):.1f}" r="3" class="dot"/>'
        f'<text x="{x}" y="{y(v) - 8:.1f}" text-anchor="middle">{v:.1f}</text>'
        f'<text x="{x}" y="{height - 5}" text-anchor="middle">{escape(label[-3:])}</text>'
        for x, (label, v) in zip(xs, points, strict=True)
    )
    return _svg(title, width, height, f'<path d="{path}" class="line"/>{dots}')


def _svg(title: str, width: float, height: float, body: str) -> Markup:
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width:.0f} {max(height, 1):.0f}" width="{width:.0f}" '
        f'height="{max(height, 1):.0f}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>'
    )
