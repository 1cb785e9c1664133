"""My page (R45, R51): contacts with this month's state, open events, notifications, the button."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from contacts.models import Assignment
from members.models import Notification
from tests.factories import AssignmentFactory, MustTalkEventFactory, TalkLogFactory

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(2026, 10, 20, 9)


def test_r45_my_page_shows_each_contact_with_this_months_state(
    client_for, member_a, teacher_a, hardship_a
):
    TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a), date=D(2026, 10, 2))
    TalkLogFactory(
        assignment=Assignment.objects.get(contact=hardship_a),
        date=D(2026, 10, 2),
        is_work_report=False,
    )
    response = client_for(member_a).get(reverse("talks:my_page"))
    rows = {row["contact"].name: row["state"] for row in response.context["contacts"]}
    # October is in progress on 20 October: partial is not yet decided (R45, issue 15 item 6).
    assert rows == {"陈老师": "complete", "刘师傅": "in_progress"}
    page = response.content.decode()
    assert "✓ Complete" in page.replace("</span> ", " ").replace('<span aria-hidden="true">', "")
    assert "Log a talk" in page and reverse("talks:talk_create") in page


def test_r45_exempt_month_is_shown_as_exempt(client_for, member_a, teacher_a):
    member_a.branch.exempt_months = [10]
    member_a.branch.save()
    response = client_for(member_a).get(reverse("talks:my_page"))
    assert [row["state"] for row in response.context["contacts"]] == ["exempt"]


def test_r51_my_page_shows_days_left_and_days_overdue(client_for, member_a, teacher_a, hardship_a):
    MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 17))
    MustTalkEventFactory(contact=hardship_a, member=member_a, occurred_on=D(2026, 10, 1))
    MustTalkEventFactory(
        contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 1), closed_on=D(2026, 10, 2)
    )
    response = client_for(member_a).get(reverse("talks:my_page"))
    page = response.content.decode()
    assert "4 days left" in page  # due 10-24
    assert "Overdue by 12 days" in page  # due 10-08
    assert len(response.context["events"]) == 2


def test_my_page_shows_unread_notifications_only(client_for, member_a, teacher_a):
    Notification.objects.create(
        recipient=member_a.user, kind="monthly", period="2026-10", subject="本月谈话提醒", body="x"
    )
    Notification.objects.create(
        recipient=member_a.user,
        kind="musttalk",
        period="e1",
        subject="已读的提醒",
        body="x",
        read_at=datetime.datetime(2026, 10, 19, tzinfo=SHANGHAI),
    )
    page = client_for(member_a).get(reverse("talks:my_page")).content.decode()
    assert "本月谈话提醒" in page and "已读的提醒" not in page


def test_my_page_is_for_branch_members_only(client_for, leader, admin):
    assert client_for(leader).get(reverse("talks:my_page")).status_code == 404
    assert client_for(admin).get(reverse("talks:my_page")).status_code == 404


def _contacts(member, n):
    for _ in range(n):
        AssignmentFactory(member=member, contact__category="activist")


def test_my_page_query_count_does_not_grow(
    client_for, member_a, teacher_a, django_assert_max_num_queries
):
    client = client_for(member_a)
    _contacts(member_a, 1)
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("talks:my_page"))
    for assignment in Assignment.objects.filter(member=member_a):
        for day in range(1, 11):
            TalkLogFactory(assignment=assignment, date=D(2026, 10, day))
        MustTalkEventFactory(contact=assignment.contact, member=member_a)
    _contacts(member_a, 48)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("talks:my_page"))
    assert len(response.context["contacts"]) == 50
