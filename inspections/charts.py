"""Server-side SVG charts: the same markup serves the page and the PDF (DESIGN.md "Documents").

Presentation attributes only (fill, stroke, font-size): the CSP forbids style attributes, and
WeasyPrint reads attributes as well as a browser does. The font is named on the <svg> so the
PDF draws Chinese labels with the embedded WenQuanYi font.

Charts are drawn from plain data (an inspection's stored snapshot, an assessment's rows), so a
stored inspection draws the same chart on its page and in its PDF, now and later.
"""

from __future__ import annotations

from collections import Counter

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from talks.obligations import MonthState

from . import scoring
from .models import Grade

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 24, 40
# Horizontal bar charts (one row per member): room for a name on the left.
ROW_H, NAME_W, H_TOP, H_BOTTOM = 20, 120, 8, 24
FONT = "WenQuanYi Micro Hei, sans-serif"


def _svg(chart_id: str, width: int, height: int, title: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" class="chart" font-family="{}" aria-labelledby="{}-title">'
        '<title id="{}-title">{}</title>'
        '<text x="0" y="14" font-size="12" font-weight="bold" fill="#222">{}</text>{}</svg>',
        width,
        height,
        width,
        height,
        FONT,
        chart_id,
        chart_id,
        title,
        title,
        body,
    )


def _percent(rate: float) -> str:
    return f"{round(rate * 100)}%"


def bar_chart_svg(
    points: list[tuple[str, float | None]],
    title: str,
    *,
    chart_id: str = "chart",
    max_value: float = 1.0,
    fmt=_percent,
    grid: tuple = (0, 0.5, 1),
    notes: dict[str, str] | None = None,
) -> SafeString:
    """Vertical bars, one per label; None (nothing to count) draws "n/a" and no bar, or the
    label's note (a month still running: "not yet decided").

    Each bar carries its value as text, so the chart reads without colour.
    """
    count = max(len(points), 1)
    max_value = max_value or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / count
    bar_w = step * 0.7
    bars, labels = [], []
    for i, (label, value) in enumerate(points):
        x = LEFT + i * step + (step - bar_w) / 2
        centre = x + bar_w / 2
        labels.append((f"{centre:.1f}", HEIGHT - BOTTOM + 16, label))
        if value is None:
            bars.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#555">{}</text>',
                    f"{centre:.1f}",
                    HEIGHT - BOTTOM - 4,
                    (notes or {}).get(label) or _("n/a"),
                )
            )
            continue
        h = plot_h * max(0.0, min(value / max_value, 1.0))
        y = TOP + plot_h - h
        text = fmt(value)
        bars.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#b71c1c">'
                "<title>{}{}{}</title></rect>"
                '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#222">{}</text>',
                f"{x:.1f}",
                f"{y:.1f}",
                f"{bar_w:.1f}",
                f"{h:.1f}",
                label,
                pgettext("separator", ": "),
                text,
                f"{centre:.1f}",
                f"{y - 4:.1f}",
                text,
            )
        )
    lines = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ccc" stroke-width="1"/>'
        '<text x="{}" y="{}" font-size="10" text-anchor="end" fill="#555">{}</text>',
        (
            (
                LEFT,
                f"{TOP + plot_h * (1 - g / max_value):.1f}",
                WIDTH - RIGHT,
                f"{TOP + plot_h * (1 - g / max_value):.1f}",
                LEFT - 4,
                f"{TOP + plot_h * (1 - g / max_value) + 3:.1f}",
                fmt(g),
            )
            for g in grid
        ),
    )
    axis_labels = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#222">{}</text>',
        labels,
    )
    return _svg(chart_id, WIDTH, HEIGHT, title, lines + SafeString("".join(bars)) + axis_labels)


def completion_trend_svg(
    points: list[tuple[str, float | None]],
    title: str,
    *,
    chart_id: str = "trend",
    notes: dict[str, str] | None = None,
) -> SafeString:
    """Completion rates (0..1) per month; `notes` name months without a rate yet."""
    return bar_chart_svg(points, title, chart_id=chart_id, notes=notes)


def member_bars_svg(
    rows: list[tuple[str, float | None]],
    title: str,
    *,
    chart_id: str,
    max_value: float = 1.0,
    fmt=_percent,
) -> SafeString:
    """Horizontal bars, one row per member (the chart grows with the branch, names stay legible)."""
    height = H_TOP + 16 + ROW_H * max(len(rows), 1) + H_BOTTOM
    plot_w = WIDTH - NAME_W - RIGHT - 40
    parts = []
    for i, (name, value) in enumerate(rows):
        y = H_TOP + 16 + i * ROW_H
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#222">{}</text>',
                NAME_W - 6,
                y + 15,
                name,
            )
        )
        if value is None:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" fill="#555">{}</text>',
                    NAME_W + 4,
                    y + 15,
                    _("n/a"),
                )
            )
            continue
        w = plot_w * max(0.0, min(value / max_value, 1.0))
        text = fmt(value)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#b71c1c">'
                "<title>{}{}{}</title></rect>"
                '<text x="{}" y="{}" font-size="11" fill="#222">{}</text>',
                NAME_W,
                y + 3,
                f"{w:.1f}",
                ROW_H - 6,
                name,
                pgettext("separator", ": "),
                text,
                f"{NAME_W + w + 4:.1f}",
                y + 15,
                text,
            )
        )
    bottom = height - H_BOTTOM + 4
    scale = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ccc" stroke-width="1"/>'
        '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#555">{}</text>',
        (
            (
                f"{NAME_W + plot_w * g:.1f}",
                H_TOP + 16,
                f"{NAME_W + plot_w * g:.1f}",
                bottom,
                f"{NAME_W + plot_w * g:.1f}",
                bottom + 12,
                fmt(max_value * g),
            )
            for g in (0, 0.5, 1)
        ),
    )
    return _svg(chart_id, WIDTH, height, title, scale + SafeString("".join(parts)))


def inspection_charts(data: dict) -> dict[str, SafeString | None]:
    """The charts of an inspection, from its snapshot only (R62).

    Snapshots stored before the monthly figures were kept have no monthly chart.
    """
    monthly = data.get("monthly")
    return {
        "monthly": completion_trend_svg(
            [(m["month"], m["rate"]) for m in monthly],
            _("Branch completion of monthly talks by month (partial counts half)"),
            chart_id="inspection-monthly",
            notes={m["month"]: MonthState.IN_PROGRESS.label for m in monthly if m.get("running")},
        )
        if monthly
        else None,
        "members": member_bars_svg(
            [(r["name"], r["figures"]["completion_rate"]) for r in data["members"]],
            _("Completion of monthly talks per member over the half-year"),
            chart_id="inspection-members",
        )
        if data["members"]
        else None,
    }


def assessment_charts(rows) -> dict[str, SafeString | None]:
    """Score distribution by grade band and per-member scores, from assessment rows (R64)."""
    if not rows:
        return {"bands": None, "scores": None}
    # Members with nothing due have no score (R45/R64): not in the score charts.
    rows = [row for row in rows if row.score is not None]
    if not rows:
        return {"bands": None, "scores": None}
    counts = Counter(scoring.band(row.score) for row in rows)
    top = max(counts.values())
    return {
        "bands": bar_chart_svg(
            [(label, counts[value]) for value, label in Grade.choices],
            _("Members per grade band of the score"),
            chart_id="assessment-bands",
            max_value=top,
            fmt=str,
            grid=(0, top),
        ),
        "scores": member_bars_svg(
            [(row.member.name, float(row.score)) for row in rows],
            _("Score per member"),
            chart_id="assessment-scores",
            max_value=100,
            fmt=lambda value: f"{value:g}",
        ),
    }
