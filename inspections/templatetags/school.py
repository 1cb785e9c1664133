"""`{% school_row row month_value semester %}`: one branch's row of the school overview.

A tag rather than the row's markup in the template: the table has a row per branch (120 in a
large school) and ten cells each, and through template tags and format_html the rows were
most of the page's time and grew with the school (docs/performance.md). Every cell but the
branch's name and link is a count (an int), so only those two are escaped.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _flagged(count: int, symbol: str = "✗") -> str:
    if not count:
        return "0"
    return f'<span class="state-missing"><span aria-hidden="true">{symbol}</span> {count:d}</span>'


@register.simple_tag
def school_row(row: dict, month_value: str, semester) -> str:
    percent = row["completion_percent"]
    state, symbol = ("missing", "✗") if row["symposium_short"] else ("complete", "✓")
    cells = (
        f"{row['members']:d}",
        "–" if percent is None else f"{percent:d}%",
        _flagged(row["missing"]),
        _flagged(row["without_teacher"]),
        _flagged(row["overdue"], "⚠"),
        f"{row['opinions_open']:d}",
        _flagged(row["opinions_late"], "⚠"),
        f'<span class="state-{state}"><span aria-hidden="true">{symbol}</span> '
        f"{row['symposiums']:d}/{row['symposium_target']:d}</span>",
        f"{row['reports_in']:d}/{row['members']:d}" if semester else "–",
    )
    link = escape(f"{row['url']}?month={month_value}")
    return mark_safe(
        f'<tr><th scope="row"><a href="{link}">{escape(row["name"])}</a></th>'
        + "".join(f"<td>{cell}</td>" for cell in cells)
        + "</tr>"
    )
