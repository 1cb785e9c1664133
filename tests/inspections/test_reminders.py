"""R45/R51/R61/R62 reminders: once per person, kind and period; counts, dates and a link only."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Assignment
from inspections.models import Inspection, Semester
from inspections.services import reminders as reminder_services
from members.models import EmailState, Notification, NotificationKind
from tests.factories import AssignmentFactory, MemberFactory, MustTalkEventFactory, TalkLogFactory

SH = ZoneInfo("Asia/Shanghai")


def test_r45_monthly_reminder_once_per_member_on_reminder_day(
    member_a, member_b, teacher_a, hardship_a, secretary
):
    AssignmentFactory(member=member_b)
    # member_a's November is complete for the teacher but not for the hardship contact.
    TalkLogFactory(
        assignment=Assignment.objects.get(contact=teacher_a), date=datetime.date(2026, 11, 3)
    )
    day = datetime.date(2026, 11, 20)
    assert reminder_services.monthly_member_reminders(datetime.date(2026, 11, 19)) == 0
    sent = reminder_services.monthly_member_reminders(day)
    assert sent == 2
    assert reminder_services.monthly_member_reminders(day) == 0
    rows = Notification.objects.filter(kind=NotificationKind.MONTHLY, period="2026-11")
    assert {r.recipient_id for r in rows} == {member_a.user_id, member_b.user_id}
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert "2026-11-30" in message.body and "/talks/" in message.body
    assert "家人重病" not in message.body and "陈老师" not in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"


def test_r45_monthly_reminder_selection_queries_do_not_grow(branch):
    """Choosing whom to remind takes a fixed number of queries; the emails are claimed and
    loaded batch-wise (2 queries per batch of up to notify.BATCH_SIZE), and each email's outcome
    is its own UPDATE, the only part that grows with the members."""

    def run(day, members):
        for _ in range(members):
            AssignmentFactory(member=MemberFactory(branch=branch))
        with CaptureQueriesContext(connection) as ctx:
            sent = reminder_services.monthly_member_reminders(day)
        return len(ctx.captured_queries), sent

    small, sent_small = run(datetime.date(2026, 11, 20), 3)
    large, sent_large = run(datetime.date(2026, 12, 20), 12)
    assert (sent_small, sent_large) == (3, 15)
    assert large - small == sent_large - sent_small, (small, large)


def test_r45_secretary_gets_last_months_gaps_on_the_first(
    secretary, member_a, teacher_a, frozen_time
):
    with frozen_time(2026, 12, 1, 0, 5):
        assert reminder_services.secretary_gaps_summary(datetime.date(2026, 12, 1)) == 1
    row = Notification.objects.get(kind=NotificationKind.GAPS_SUMMARY)
    assert row.recipient == secretary.user and row.period == "2026-11"
    assert "1" in row.body
    assert reminder_services.secretary_gaps_summary(datetime.date(2026, 12, 2)) == 0


def test_r51_one_daily_digest_per_member_lists_due_soon_and_overdue(member_a, teacher_a):
    soon = MustTalkEventFactory(
        contact=teacher_a,
        member=member_a,
        occurred_on=datetime.date(2026, 11, 20),
        due_on=datetime.date(2026, 11, 27),
        note="保密说明",
    )
    overdue = MustTalkEventFactory(
        contact=teacher_a,
        member=member_a,
        occurred_on=datetime.date(2026, 11, 1),
        due_on=datetime.date(2026, 11, 8),
    )
    MustTalkEventFactory(
        contact=teacher_a,
        member=member_a,
        occurred_on=datetime.date(2026, 11, 24),
        due_on=datetime.date(2026, 12, 1),
    )
    day = datetime.date(2026, 11, 26)
    assert reminder_services.musttalk_reminders(day) == 1
    assert reminder_services.musttalk_reminders(day) == 0
    (row,) = Notification.objects.all()
    assert row.period == "2026-11-26" and row.recipient == member_a.user
    (message,) = mail.outbox
    assert soon.due_on.isoformat() in message.body and overdue.due_on.isoformat() in message.body
    assert "2026-12-01" not in message.body  # not due within the branch's 2 days yet
    assert "保密说明" not in message.body and teacher_a.name not in message.body


def test_r61_report_reminders_seven_days_and_one_day_before_deadline(member_a, member_b):
    Semester.objects.create(
        name="2026秋", start_on=datetime.date(2026, 9, 1), end_on=datetime.date(2027, 1, 15)
    )
    # deadline 2027-01-29
    assert reminder_services.report_reminders(datetime.date(2027, 1, 21)) == 0
    assert reminder_services.report_reminders(datetime.date(2027, 1, 22)) == 2
    assert reminder_services.report_reminders(datetime.date(2027, 1, 22)) == 0
    assert reminder_services.report_reminders(datetime.date(2027, 1, 28)) == 2
    assert "2027-01-29" in mail.outbox[0].subject


def test_r61_report_reminder_queries_do_not_grow_with_branches(db):
    """Choosing whom to remind is a fixed number of queries however many branches there are;
    only each reminder's outcome (one UPDATE) grows; both runs fit in one batch."""
    from inspections.models import ReportStatus, SemesterReport
    from tests.factories import BranchFactory

    semester = Semester.objects.create(
        name="2026秋", start_on=datetime.date(2026, 9, 1), end_on=datetime.date(2027, 1, 15)
    )

    def run(day, branches):
        for _ in range(branches):
            branch = BranchFactory()
            MemberFactory(branch=branch)
            done = MemberFactory(branch=branch)
            SemesterReport.objects.create(
                member=done,
                semester=semester,
                text="x",
                status=ReportStatus.SUBMITTED,
                submitted_at=datetime.datetime(2027, 1, 10, tzinfo=SH),
            )
        with CaptureQueriesContext(connection) as ctx:
            sent = reminder_services.report_reminders(day)
        return len(ctx.captured_queries), sent

    small, sent_small = run(datetime.date(2027, 1, 22), 2)
    large, sent_large = run(datetime.date(2027, 1, 28), 8)
    assert (sent_small, sent_large) == (2, 10)
    assert large - sent_large == small - sent_small, (small, large)


def test_r62_scheduled_inspection_in_july_mails_pdf_once(
    secretary, member_a, teacher_a, frozen_time
):
    with frozen_time(2026, 7, 1, 0, 10):
        assert reminder_services.scheduled_inspections(datetime.date(2026, 7, 1)) == 1
        assert reminder_services.scheduled_inspections(datetime.date(2026, 7, 1)) == 0
    inspection = Inspection.objects.get()
    assert inspection.half == "2026H1" and inspection.pdf
    (message,) = mail.outbox
    assert message.to == [secretary.user.email]
    (name, content, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert reminder_services.scheduled_inspections(datetime.date(2026, 8, 1)) == 0


def test_r62_january_inspects_previous_years_second_half(secretary):
    reminder_services.scheduled_inspections(datetime.date(2027, 1, 1))
    assert Inspection.objects.get().half == "2026H2"


def test_send_reminders_command(member_a, teacher_a, capsys):
    call_command("send_reminders", "--kind", "monthly", "--date", "2026-11-20")
    assert "1 sent" in capsys.readouterr().out
    assert Notification.objects.get().email_state == EmailState.SENT


@pytest.mark.django_db(transaction=True)
def test_job_killed_halfway_sends_rest_without_duplicates(member_a, member_b, teacher_a):
    AssignmentFactory(member=member_b)
    day = datetime.date(2026, 11, 20)
    reminder_services.monthly_member_reminders(day)
    # Simulate a worker that inserted rows but died before sending one of them.
    first = Notification.objects.order_by("pk").first()
    Notification.objects.filter(pk=first.pk).update(email_state=EmailState.PENDING, sent_at=None)
    mail.outbox.clear()
    assert reminder_services.monthly_member_reminders(day) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [first.recipient.email]


def test_r51_fifteen_overdue_events_make_one_message_a_day(member_a, member_b, teacher_a):
    for offset in range(15):
        MustTalkEventFactory(
            contact=teacher_a,
            member=member_a,
            occurred_on=datetime.date(2026, 10, 1) + datetime.timedelta(days=offset),
        )
    MustTalkEventFactory(
        contact=AssignmentFactory(member=member_b).contact,
        member=member_b,
        occurred_on=datetime.date(2026, 11, 20),
    )
    assert reminder_services.musttalk_reminders(datetime.date(2026, 11, 26)) == 2
    assert reminder_services.musttalk_reminders(datetime.date(2026, 11, 26)) == 0
    mine = Notification.objects.get(recipient=member_a.user)
    assert "15" in mine.subject and mine.body.count("2026-10-") == 15
    assert teacher_a.name not in mine.body
    assert reminder_services.musttalk_reminders(datetime.date(2026, 11, 27)) == 2
