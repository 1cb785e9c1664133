"""`{% school_row row month_value semester %}`: one branch's row of the school overview.

A tag rather than the row's markup in the template: the table has a row per branch (120 in a
large school) and ten cells each, and through template tags and format_html the rows were
most of the page's time and grew with the school (docs/performance.md). The cells are counts
(ints); the branch's name and link are escaped, and so is any text a badge shows.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from talks.obligations import MonthState
from talks.templatetags.states import badge

register = template.Library()


def _flagged(count: int, symbol: str = "✗") -> str:
    return badge("missing", symbol, f"{count:d}") if count else "0"


@register.simple_tag
def school_row(row: dict, month_value: str, semester) -> str:
    percent = row["completion_percent"]
    state, symbol = ("missing", "✗") if row["symposium_short"] else ("complete", "✓")
    cells = (
        f"{row['members']:d}",
        (escape(MonthState.IN_PROGRESS.label) if row.get("in_progress") else "–")
        if percent is None
        else f"{percent:d}%",
        _flagged(row["missing"]),
        _flagged(row["without_teacher"]),
        _flagged(row["overdue"], "⚠"),
        f"{row['opinions_open']:d}",
        _flagged(row["opinions_late"], "⚠"),
        badge(state, symbol, f"{row['symposiums']:d}/{row['symposium_target']:d}"),
        f"{row['reports_in']:d}/{row['members']:d}" if semester else "–",
    )
    link = escape(f"{row['url']}?month={month_value}")
    return mark_safe(
        f'<tr><th scope="row"><a href="{link}">{escape(row["name"])}</a></th>'
        + "".join(f"<td>{cell}</td>" for cell in cells)
        + "</tr>"
    )
