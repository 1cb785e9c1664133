"""R43 (issue 16): the 通知 menu item shows the unread count, with one cheap COUNT per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def _note(member, period):
    return Notification.objects.create(
        recipient=member.user, kind=NotificationKind.OPINION, period=period, subject="s", body="b"
    )


def test_r43_menu_shows_the_unread_count(app, member_a, member_b):
    _note(member_a, "p1")
    _note(member_a, "p2")
    _note(member_b, "p3")  # someone else's
    page = app.get(reverse("members:whoami"), user="member_a")
    badge = page.html.select_one("#nav-notifications .badge")
    assert badge.text.split()[0] == "2"
    Notification.objects.filter(period="p1").update(read_at="2026-12-01T08:00:00Z")
    page = app.get(reverse("members:whoami"), user="member_a")
    assert page.html.select_one("#nav-notifications .badge").text.split()[0] == "1"
    Notification.objects.filter(period="p2").update(read_at="2026-12-01T08:00:00Z")
    page = app.get(reverse("members:whoami"), user="member_a")
    assert page.html.select_one("#nav-notifications .badge") is None


def test_r43_unread_count_is_one_count_query(client_for, member_a):
    for i in range(30):
        _note(member_a, f"p{i}")
    client = client_for(member_a)
    client.get(reverse("members:whoami"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("members:whoami"))
    counts = [
        q["sql"] for q in ctx.captured_queries if "COUNT" in q["sql"] and "notification" in q["sql"]
    ]
    assert len(counts) == 1
