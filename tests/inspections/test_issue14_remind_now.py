"""Issue 14 "reminding now": on the branch dashboard and the reports list the secretary ticks
members who are behind (this month not complete R45, report not started R61, must-talk overdue
R51) and reminds them in one action, through the notification outbox, at most one reminder per
person and kind a day, audited. WebTest submits the rendered checkboxes."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Assignment
from inspections.models import Semester
from members.models import AuditAction, AuditLog, Notification, NotificationKind
from members.notify import send_one

from ..factories import MustTalkEventFactory, TalkLogFactory

D = datetime.date
TODAY_PERIOD = "now:2026-10-20"


@pytest.fixture(autouse=True)
def _chinese_and_frozen(settings, frozen_time):
    settings.LANGUAGE_CODE = "zh-hans"
    frozen_time(2026, 10, 20, 9)


@pytest.fixture
def semester(db):
    return Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 31))


@pytest.fixture
def behind(member_a, member_b, teacher_a, semester):
    """member_a: no talk in October, an overdue must-talk, no report; member_b: no report."""
    MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 1))
    return member_a


def _tick(form, *values):
    for field in form.fields["picks"]:
        if field._value in values:
            field.checked = True


def _dashboard(app, secretary):
    return app.get(reverse("inspections:branch_home"), user=secretary.user.username)


def test_remind_now_sends_the_ticked_reminders_through_the_outbox_and_audits(
    app, secretary, behind, member_b, django_capture_on_commit_callbacks
):
    page = _dashboard(app, secretary)
    form = page.forms["remind-form"]
    values = {field._value for field in form.fields["picks"]}
    assert {f"month:{behind.pk}", f"event:{behind.pk}", f"report:{behind.pk}"} <= values
    assert f"report:{member_b.pk}" in values and f"month:{member_b.pk}" not in values
    _tick(form, f"month:{behind.pk}", f"event:{behind.pk}", f"report:{member_b.pk}")
    # The sends are queued after the commit; they are run here, in this process, so that the
    # test reads the same mail outbox whether Celery is eager or a real worker is running.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        done = form.submit("send_reminders").follow()
    assert "已发送提醒" in done.text and behind.name in done.text
    rows = Notification.objects.filter(period=TODAY_PERIOD)
    assert {(n.recipient_id, n.kind) for n in rows} == {
        (behind.user_id, NotificationKind.MONTHLY),
        (behind.user_id, NotificationKind.MUSTTALK),
        (member_b.user_id, NotificationKind.REPORT),
    }
    month = rows.get(kind=NotificationKind.MONTHLY)
    assert month.subject == "提醒：本月谈话（2026-10）"
    assert secretary.name in month.body and "尚未完成" in month.body
    # Through the outbox: each row's email goes out once it is sent from the outbox.
    assert queued
    for row in rows:
        send_one(row.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [behind.user.email, behind.user.email, member_b.user.email]
    )
    audit = AuditLog.objects.get(action=AuditAction.CREATE, object_repr="reminders sent now")
    assert audit.actor == secretary.user and audit.branch_id == secretary.branch_id
    assert sorted(audit.details["sent"]) == sorted(
        [["month", behind.pk], ["event", behind.pk], ["report", member_b.pk]]
    )
    # The page now says who was reminded today; those boxes cannot be ticked again.
    again = _dashboard(app, secretary)
    assert "今天已提醒" in again.text
    assert again.html.find("input", id=f"pick-month-{behind.pk}").has_attr("disabled")


def test_remind_now_with_nothing_ticked_says_so_and_writes_nothing(app, secretary, behind):
    form = _dashboard(app, secretary).forms["remind-form"]
    page = form.submit("send_reminders")
    assert page.status_code == 200
    assert "请至少勾选一名要提醒的党员。" in page.html.find(id="remind-errors").text
    assert not Notification.objects.filter(period=TODAY_PERIOD).exists()
    assert not AuditLog.objects.filter(object_repr="reminders sent now").exists()


def test_remind_now_a_stale_tick_is_refused_and_the_other_ticks_come_back(
    app, secretary, behind, teacher_a
):
    form = _dashboard(app, secretary).forms["remind-form"]
    _tick(form, f"month:{behind.pk}", f"report:{behind.pk}")
    # Meanwhile the member records this month's talk: no longer behind on the month.
    TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a), date=D(2026, 10, 19))
    page = form.submit("send_reminders")
    assert page.status_code == 200
    assert "已不在待提醒之列" in page.html.find(id="remind-errors").text
    assert page.html.find("input", id=f"pick-report-{behind.pk}").has_attr("checked")
    assert page.html.find("input", id=f"pick-month-{behind.pk}") is None
    assert not Notification.objects.filter(period=TODAY_PERIOD).exists()


def test_remind_now_at_most_once_per_person_and_kind_a_day(app, secretary, behind, frozen_time):
    first = _dashboard(app, secretary).forms["remind-form"]
    second = _dashboard(app, secretary).forms["remind-form"]  # another tab, opened before
    _tick(first, f"month:{behind.pk}")
    first.submit("send_reminders").follow()
    _tick(second, f"month:{behind.pk}", f"report:{behind.pk}")
    page = second.submit("send_reminders").follow()
    assert "今天已提醒过，未再发送" in page.text
    rows = Notification.objects.filter(recipient=behind.user, period=TODAY_PERIOD)
    assert sorted(rows.values_list("kind", flat=True)) == [
        NotificationKind.MONTHLY,
        NotificationKind.REPORT,
    ]
    audit = AuditLog.objects.filter(object_repr="reminders sent now").order_by("-pk").first()
    assert audit.details == {"sent": [["report", behind.pk]], "skipped": [["month", behind.pk]]}
    # The next day the same reminder may be sent again.
    with frozen_time(2026, 10, 21, 9):
        form = _dashboard(app, secretary).forms["remind-form"]
        _tick(form, f"month:{behind.pk}")
        form.submit("send_reminders").follow()
    assert Notification.objects.filter(
        recipient=behind.user, kind=NotificationKind.MONTHLY, period="now:2026-10-21"
    ).exists()


def test_r61_remind_now_from_the_reports_list(app, secretary, behind, member_b, semester):
    page = app.get(
        reverse("inspections:report_list") + f"?semester={semester.pk}",
        user=secretary.user.username,
    )
    form = page.forms["remind-form"]
    assert {f._value for f in form.fields["picks"]} >= {
        f"report:{behind.pk}",
        f"report:{member_b.pk}",
    }
    _tick(form, f"report:{member_b.pk}")
    done = form.submit("send_reminders").follow()
    assert done.request.path == reverse("inspections:report_list")
    assert "已发送提醒" in done.text
    note = Notification.objects.get(period=TODAY_PERIOD)
    assert (note.recipient, note.kind) == (member_b.user, NotificationKind.REPORT)
    assert note.link == reverse("inspections:report_mine", args=[semester.pk])
    empty = app.get(page.request.url, user=secretary.user.username).forms["remind-form"]
    assert "请至少勾选" in empty.submit("send_reminders").text


def test_remind_now_adds_no_query_to_the_dashboard_and_none_per_member(
    client_for, secretary, behind, member_b, django_assert_num_queries
):
    client = client_for(secretary)
    url = reverse("inspections:branch_home")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    Notification.objects.create(
        recipient=behind.user,
        kind=NotificationKind.MONTHLY,
        period=TODAY_PERIOD,
        subject="s",
        body="b",
    )
    with django_assert_num_queries(len(before.captured_queries)):
        assert "今天已提醒" in client.get(url).content.decode()


def test_r61_reports_list_filters_by_status_and_name_and_the_typed_name_comes_back(
    app, secretary, behind, member_b, semester
):
    from inspections.models import ReportStatus, SemesterReport

    SemesterReport.objects.create(
        member=member_b, semester=semester, text="汇报", status=ReportStatus.DRAFT
    )
    page = app.get(
        reverse("inspections:report_list") + f"?semester={semester.pk}",
        user=secretary.user.username,
    )
    form = page.forms["report-filter"]
    form["status"] = "none"
    names = [r.find("td").text for r in form.submit().html.select("tbody tr")]
    assert names == [behind.name, secretary.name]
    form = page.forms["report-filter"]
    form["status"], form["q"] = "all", "赵"
    found = form.submit()
    assert [r.find("td").text for r in found.html.select("tbody tr")] == [member_b.name]
    assert found.forms["report-filter"]["q"].value == "赵"
