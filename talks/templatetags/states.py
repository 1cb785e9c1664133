"""`{{ state|state_badge }}`: a month state (R45) as symbol and word, the one markup for it.

A filter rather than an included template: the branch matrix shows it in every cell, and an
include per cell was a fifth of the dashboard's time (docs/performance.md).
"""

from django import template
from django.utils.html import format_html

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
def flagged(count, symbol: str = "✗") -> str:
    """A count that needs attention: 0 plain, anything else marked (the school table's cells)."""
    if not count:
        return "0"
    return format_html(
        '<span class="state-missing"><span aria-hidden="true">{}</span> {}</span>', symbol, count
    )
