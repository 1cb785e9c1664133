"""Month states (R45) in templates: `{{ state|state_badge }}` (symbol and word, the one markup
for a state) and `{{ cell|matrix_cell }}` (a cell of the branch's member × month matrix).

Filters building their markup with f-strings rather than included templates, tag blocks or
format_html: the matrix has a cell per member and month, and Django's per-node and per-escape
costs made the cells a large part of the dashboard's time (docs/performance.md). Every value
that is not one of our fixed strings is escaped.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def badge(state: str, symbol: str, text) -> str:
    """The markup of a marked value: `state` a class suffix of ours (complete, partial, missing,
    exempt), `symbol` one of ours, `text` escaped. Not marked safe: callers build on it."""
    return (
        f'<span class="state-{state}"><span aria-hidden="true">{symbol}</span> '
        f"{escape(str(text))}</span>"
    )


@register.filter
def state_badge(state) -> str:
    if not state:
        return ""
    return mark_safe(badge(state, state.symbol, state.label))


@register.filter
def matrix_cell(cell: dict) -> str:
    """The state linking to the member's records of that month, or why there is none."""
    state = cell["state"]
    if state:
        return mark_safe(
            f'<td class="text-nowrap cell-{escape(state)}"><a href="{escape(cell["url"])}" '
            f'class="text-decoration-none">{state_badge(state)}</a></td>'
        )
    note = _("not yet") if cell["future"] else _("no contact")
    return mark_safe(
        '<td class="text-nowrap cell-none">'
        f'<span class="text-muted small">{escape(note)}</span></td>'
    )
