"""Every member-side view answers in a fixed number of queries: the same with 2 contacts and
10 records as with 50 contacts and 500 records (R45, R51, R410, R32, R46)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Assignment, AssistanceRecord
from members.models import FiveLeadActivity
from tests.factories import AssignmentFactory, MustTalkEventFactory, TalkLogFactory

D = datetime.date


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(2026, 10, 20, 9)


def grow(member, contacts: int, logs: int) -> None:
    """Bring the member to `contacts` contacts and `logs` talk records, with events and help."""
    have = Assignment.objects.filter(member=member).count()
    for _ in range(contacts - have):
        AssignmentFactory(member=member, contact__category="activist")
    assignments = list(Assignment.objects.filter(member=member).select_related("contact"))
    have_logs = sum(a.talks.count() for a in assignments)
    for i in range(logs - have_logs):
        TalkLogFactory(
            assignment=assignments[i % len(assignments)],
            date=D(2026, 9, 1) + datetime.timedelta(days=i % 45),
            observation="观察",
        )
    for assignment in assignments:
        MustTalkEventFactory(contact=assignment.contact, member=member, occurred_on=D(2026, 10, 1))
        AssistanceRecord.objects.create(
            contact=assignment.contact, author=member, date=D(2026, 10, 1), what="帮扶"
        )
        FiveLeadActivity.objects.create(
            member=member, kind="paper", date=D(2026, 9, 1), title="论文"
        )


def urls(member, hardship, talk):
    return [
        reverse("talks:my_page"),
        reverse("talks:talk_create"),
        reverse("talks:talk_detail", args=[talk.pk]),
        reverse("talks:talk_edit", args=[talk.pk]),
        reverse("talks:talk_delete", args=[talk.pk]),
        reverse("talks:contact_detail", args=[hardship.pk]),
        reverse("talks:event_create", args=[hardship.pk]),
        reverse("talks:handbook"),
        reverse("talks:member_handbook", args=[member.pk]),
        reverse("contacts:assistance_create", args=[hardship.pk]),
        reverse("members:leads"),
        reverse("members:lead_create"),
    ]


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_r45_r410_member_views_query_counts_do_not_grow(client_for, member_a, hardship_a):
    talk = TalkLogFactory(
        assignment=Assignment.objects.get(contact=hardship_a), date=D(2026, 10, 2)
    )
    grow(member_a, 2, 10)
    client = client_for(member_a)
    client.get(reverse("talks:my_page"))  # the first request of a session also writes it
    small = {url: count(client, url) for url in urls(member_a, hardship_a, talk)}
    assert max(small.values()) <= 16, small
    grow(member_a, 50, 500)
    large = {url: count(client, url) for url in urls(member_a, hardship_a, talk)}
    assert large == small


def test_r410_handbook_pdf_query_count_does_not_grow(client_for, member_a, hardship_a):
    grow(member_a, 2, 10)
    client = client_for(member_a)
    client.get(reverse("talks:my_page"))  # the first request of a session also writes it
    url = reverse("talks:handbook_pdf")
    small = count(client, url)
    grow(member_a, 50, 500)
    assert count(client, url) == small


def test_r32_secretary_views_of_contact_and_handbook_do_not_grow(
    client_for, member_a, hardship_a, secretary
):
    grow(member_a, 2, 10)
    client = client_for(secretary)
    client.get(reverse("talks:contact_detail", args=[hardship_a.pk]))
    pages = [
        reverse("talks:contact_detail", args=[hardship_a.pk]),
        reverse("talks:member_handbook", args=[member_a.pk]),
    ]
    small = [count(client, url) for url in pages]
    grow(member_a, 50, 500)
    assert [count(client, url) for url in pages] == small
