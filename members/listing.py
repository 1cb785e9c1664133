"""Pagination of the lists that grow (issue 14): one helper, the filters kept in page links.

A page is a slice of the queryset (LIMIT/OFFSET) plus one COUNT, whatever the data: the query
count of a list does not grow with its rows. Templates include `_pagination.html`, whose links
use Django's {% querystring %} so the list's GET filters stay as they are.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(request, items, per_page: int = PER_PAGE) -> Page:
    """The page named by ?page= (a bad or too high number gives the first or the last page)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def search_text(request, name: str = "q", limit: int = 100) -> str:
    """The search box's text, trimmed and bounded (never an error on a long or odd value)."""
    return (request.GET.get(name) or "").replace("\x00", "").strip()[:limit]
