"""R42 in templates: `{{ talk.confirmation_state|confirmation_badge }}` (symbol and word)."""

from django import template
from django.utils.safestring import mark_safe

from talks.models import ConfirmationState

from .states import badge

register = template.Library()

# The state's class (colour) and symbol, in the month states' markup.
_LOOK = {
    ConfirmationState.NONE: ("exempt", "○"),
    ConfirmationState.PENDING: ("partial", "…"),
    ConfirmationState.CONFIRMED: ("complete", "✓"),
    ConfirmationState.DENIED: ("missing", "✗"),
}


@register.filter
def confirmation_badge(state) -> str:
    if not state:
        state = ConfirmationState.NONE
    state = ConfirmationState(state)
    css, symbol = _LOOK[state]
    return mark_safe(badge(css, symbol, state.label))
