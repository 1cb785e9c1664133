"""Issue 13 finding 9, walked over every URL: each GET pattern of the access matrix, opened by a
role it answers 200 for, with every query parameter a view of the app reads set to a hostile
value (months, semesters, branches, pages, events, contacts, periods, tabs, sorts,
codes). The answer is a page (the value ignored), a redirect, a 403 or a 404, never a 500.

A new view that parses a parameter without members.web.id_param or parse_month fails here.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .test_access_matrix import MATRIX, PATTERNS, ROLES, world  # noqa: F401  (world fixture)

# Every name a view reads from request.GET (grep "request.GET" in the apps), and the form
# fields of GET forms (the handbook's period, the receipt lookup).
PARAMS = [
    "month",
    "semester",
    "branch",
    "page",
    "event",
    "contact",
    "start",
    "end",
    "status",
    "state",
    "sort",
    "source",
    "category",
    "q",
    "code",
]
HOSTILE = ["2026-99999999999999999999", "²", "\x00"]


def _first_allowed_role(row) -> str | None:
    for role in ROLES:
        if role in ("anonymous", "deactivated"):
            continue
        if row.expected(role) == 200:
            return role
    if row.expected("anonymous") == 200:
        return "anonymous"
    return None


def cases():
    for name, _route in PATTERNS:
        row = MATRIX.get(name)
        if row is None or _first_allowed_role(row) is None:
            continue
        yield pytest.param(name, id=name)


@pytest.mark.parametrize("name", list(cases()))
def test_finding9_every_page_survives_hostile_parameters(name, world, request):  # noqa: F811
    row = MATRIX[name]
    role = _first_allowed_role(row)
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role).user)
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    wrong = []
    for param in PARAMS:
        for value in HOSTILE:
            query = {param: value}
            if param != "branch":
                # An admin's page names its branch; keep it so the parameter is really parsed.
                query["branch"] = str(world.branch.pk)
            response = client.get(url, query)
            if response.status_code >= 500:
                wrong.append(f"{param}={value!r}: {response.status_code}")
    assert not wrong, f"GET {url}\n" + "\n".join(wrong)
