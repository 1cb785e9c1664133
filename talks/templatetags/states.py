"""Month states (R45) in templates: `{{ state|state_badge }}` (symbol and word, the one markup
for a state), `{{ cell|matrix_cell }}` (a cell of the branch matrix) and `{{ n|flagged }}`.

Filters rather than included templates or tag blocks: the branch matrix has a cell per member
and month, and an include or a tag block per cell was a large part of the dashboard's time
(docs/performance.md).
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def state_badge(state) -> str:
    if not state:
        return ""
    return format_html(
        '<span class="state-{}"><span aria-hidden="true">{}</span> {}</span>',
        state,
        state.symbol,
        state.label,
    )


@register.filter
def matrix_cell(cell: dict) -> str:
    """One cell of the branch's member × month matrix: the state linking to the member's
    records of that month, or why there is none. Markup in one call: the matrix has a cell per
    member and month, and rendering each through template tags was a third of the dashboard."""
    state = cell["state"]
    if state:
        return format_html(
            '<td class="text-nowrap cell-{}"><a href="{}" class="text-decoration-none">{}</a></td>',
            state,
            cell["url"],
            state_badge(state),
        )
    note = _("not yet") if cell["future"] else _("no contact")
    return format_html(
        '<td class="text-nowrap cell-none"><span class="text-muted small">{}</span></td>', note
    )


@register.filter
def flagged(count, symbol: str = "✗") -> str:
    """A count that needs attention: 0 plain, anything else marked (the school table's cells)."""
    if not count:
        return "0"
    return format_html(
        '<span class="state-missing"><span aria-hidden="true">{}</span> {}</span>', symbol, count
    )
