"""Issue 14: a member's records and a contact's timeline, the two lists that grow with the years,
have filters and pages (GET forms, filters kept in page links) and a query count that does not
grow with the data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Assignment, Category
from members.models import AuditAction, AuditLog

from ..factories import AssignmentFactory, ContactFactory, MustTalkEventFactory, TalkLogFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


JANUARY_5 = D(2026, 1, 5)


def _talks(assignment, n, start=JANUARY_5, **extra):
    for i in range(n):
        TalkLogFactory(assignment=assignment, date=start + datetime.timedelta(days=i), **extra)


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_issue14_my_records_lists_every_record_filters_and_pages(app, member_a, teacher_a):
    zhou = AssignmentFactory(
        member=member_a,
        contact=ContactFactory(branch=member_a.branch, name="周老师", category=Category.ACTIVIST),
    )
    _talks(Assignment.objects.get(contact=teacher_a), 55)
    _talks(zhou, 2, start=D(2026, 10, 1), content="谈了图书馆的开放时间", place="图书馆")
    my_page = app.get(reverse("talks:my_page"), user=member_a.user.username)
    page = my_page.click(description="我的全部记录")
    rows = page.html.select("#my-records li")
    assert len(rows) == 50 and "2026-10-02 · 周老师" in rows[0].text  # newest first
    assert "第1页，共2页（共57条）" in page.text
    # The contact list holds the contacts written about, in pinyin order (陈 before 周).
    options = [o.text for o in page.html.select("#record-contact option")]
    assert options == ["全部联系对象", "陈老师", "周老师"]

    form = page.forms["record-filter"]
    form["contact"] = str(teacher_a.pk)
    form["from"], form["to"] = "2026-01-10", "2026-01-19"
    found = form.submit()
    rows = found.html.select("#my-records li")
    assert len(rows) == 10 and all("陈老师" in r.text for r in rows)
    # What was chosen comes back in the form.
    again = found.forms["record-filter"]
    assert (again["contact"].value, again["from"].value, again["to"].value) == (
        str(teacher_a.pk),
        "2026-01-10",
        "2026-01-19",
    )

    form["contact"], form["from"], form["to"], form["q"] = "", "", "", "图书馆"
    found = form.submit()
    assert len(found.html.select("#my-records li")) == 2

    second = page.click(href=r"page=2")
    assert len(second.html.select("#my-records li")) == 7
    form["q"] = "没有这样的记录"
    assert "没有符合筛选条件的记录。" in form.submit().text


def test_issue14_my_records_shows_only_the_members_own_and_survives_bad_parameters(
    client_for, member_a, member_b, teacher_a
):
    other = AssignmentFactory(
        member=member_b, contact=ContactFactory(branch=member_b.branch, category=Category.ACTIVIST)
    )
    _talks(other, 3, content="别人的记录")
    _talks(Assignment.objects.get(contact=teacher_a), 1)
    client = client_for(member_a)
    url = reverse("talks:my_records")
    page = client.get(url)
    assert [t.member for t in page.context["page"].object_list] == [member_a]
    assert "别人的记录" not in page.content.decode()
    # Someone else's contact id shows nothing of theirs.
    assert not client.get(url, {"contact": other.contact_id}).context["page"].object_list
    bad = client.get(
        url, {"contact": "²", "from": "2026-13-01", "to": "x", "page": "99", "q": "\x00"}
    )
    assert bad.status_code == 200
    assert bad.context["filters"] == {"contact": None, "start": None, "end": None, "q": ""}


def test_issue14_my_records_query_count_does_not_grow(client_for, member_a, teacher_a):
    assignment = Assignment.objects.get(contact=teacher_a)
    _talks(assignment, 3)
    client = client_for(member_a)
    url = reverse("talks:my_records")
    client.get(url)
    small = _count(client, url, {"q": "教学"})
    _talks(assignment, 120, start=D(2025, 1, 1))
    assert _count(client, url, {"q": "教学", "page": "2"}) == small


def test_issue14_contact_timeline_filters_by_kind_and_pages(app, member_a, teacher_a):
    _talks(Assignment.objects.get(contact=teacher_a), 52)
    MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 1))
    page = app.get(
        reverse("talks:contact_detail", args=[teacher_a.pk]), user=member_a.user.username
    )
    items = page.html.select("ol.list-group > li")
    assert len(items) == 50 and "第1页，共2页（共53条）" in page.text
    events = page.click(href=r"kind=event")
    items = events.html.select("ol.list-group > li")
    assert len(items) == 1 and "五必谈" in items[0].text
    talks = page.click(href=r"kind=talk")
    assert "共52条" in talks.text
    second = talks.click(href=r"page=2")
    assert len(second.html.select("ol.list-group > li")) == 2
    assert "kind=talk" in second.html.find("a", rel="prev")["href"]


def test_issue14_contact_timeline_query_count_does_not_grow(client_for, member_a, teacher_a):
    assignment = Assignment.objects.get(contact=teacher_a)
    _talks(assignment, 3)
    client = client_for(member_a)
    url = reverse("talks:contact_detail", args=[teacher_a.pk])
    client.get(url)
    small = _count(client, url)
    _talks(assignment, 80, start=D(2025, 1, 1))
    for _i in range(5):
        MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 9, 1))
    assert _count(client, url, {"page": "2"}) == small


def test_r32_confidential_read_is_audited_only_when_the_page_shows_it(
    client_for, secretary, member_a, hardship_a
):
    """The hardship description is on every page of the timeline: each read is audited; a page
    of a non-hardship contact's timeline with no confidential entry is not."""
    client = client_for(secretary)
    client.get(reverse("talks:contact_detail", args=[hardship_a.pk]), {"kind": "stage"})
    assert AuditLog.objects.filter(action=AuditAction.VIEW_CONFIDENTIAL).count() == 1
