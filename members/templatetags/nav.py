"""`<a {% nav_link "talks:my_page" %} href="…">`: a menu item's class, marked as the current
page (Bootstrap's `active` and `aria-current="page"`) when the request resolved to one of the
URL names given (namespace:name), so no page marks its own menu item by hand. A label never
breaks inside (「我的主/页」): the menu wraps between items instead (base.html)."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context, *view_names: str) -> str:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in view_names:
        return mark_safe('class="nav-link text-nowrap active" aria-current="page"')
    return mark_safe('class="nav-link text-nowrap"')
