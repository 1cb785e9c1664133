"""Server-side SVG charts: the same markup serves the page and the PDF (DESIGN.md "Documents").

Presentation attributes only (fill, stroke, font-size): the CSP forbids style attributes, and
WeasyPrint reads attributes as well as a browser does.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 24, 40


def completion_trend_svg(points: list[tuple[str, float | None]], title: str) -> SafeString:
    """A bar chart of completion rates (0..1) per month; None (nothing due) draws no bar.

    Each bar carries its percentage as text, so the chart reads without colour.
    """
    count = max(len(points), 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / count
    bar_w = step * 0.7
    bars, labels = [], []
    for i, (label, rate) in enumerate(points):
        x = LEFT + i * step + (step - bar_w) / 2
        centre = x + bar_w / 2
        labels.append((f"{centre:.1f}", HEIGHT - BOTTOM + 16, label))
        if rate is None:
            bars.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#555">{}</text>',
                    f"{centre:.1f}",
                    HEIGHT - BOTTOM - 4,
                    _("n/a"),
                )
            )
            continue
        h = plot_h * max(0.0, min(rate, 1.0))
        y = TOP + plot_h - h
        percent = f"{round(rate * 100)}%"
        bars.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#b71c1c">'
                "<title>{}: {}</title></rect>"
                '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#222">{}</text>',
                f"{x:.1f}",
                f"{y:.1f}",
                f"{bar_w:.1f}",
                f"{h:.1f}",
                label,
                percent,
                f"{centre:.1f}",
                f"{y - 4:.1f}",
                percent,
            )
        )
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ccc" stroke-width="1"/>'
        '<text x="{}" y="{}" font-size="10" text-anchor="end" fill="#555">{}%</text>',
        (
            (
                LEFT,
                f"{TOP + plot_h * (1 - p / 100):.1f}",
                WIDTH - RIGHT,
                f"{TOP + plot_h * (1 - p / 100):.1f}",
                LEFT - 4,
                f"{TOP + plot_h * (1 - p / 100) + 3:.1f}",
                p,
            )
            for p in (0, 50, 100)
        ),
    )
    axis_labels = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#222">{}</text>',
        labels,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'class="chart" aria-labelledby="chart-title"><title id="chart-title">{}</title>'
        "{}{}{}</svg>",
        WIDTH,
        HEIGHT,
        title,
        grid,
        SafeString("".join(bars)),
        axis_labels,
    )
