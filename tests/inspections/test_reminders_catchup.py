"""Every scheduled send is "on or after its day, within its period, not yet sent" (RULES.md
"Reminders", DESIGN.md "Writes and jobs"): a day missed is caught up by the next run, a second
run sends nothing, the next period sends again. Time is frozen in Asia/Shanghai and the Celery
tasks are called without a day, as beat (or a redelivery the next morning) calls them."""

import datetime

from django.core import mail

from inspections import tasks
from inspections.models import Inspection, Semester
from members.models import Notification, NotificationKind
from tests.factories import AssignmentFactory, MustTalkEventFactory


def test_r45_monthly_reminder_missed_on_the_20th_is_sent_on_the_21st(
    member_a, member_b, teacher_a, frozen_time
):
    AssignmentFactory(member=member_b)
    with frozen_time(2026, 11, 19, 8):
        assert tasks.monthly_reminders() == 0  # before the reminder day
    # The 20th: worker down, nothing ran.
    with frozen_time(2026, 11, 21, 9):
        assert tasks.monthly_reminders() == 2
        assert tasks.monthly_reminders() == 0
    with frozen_time(2026, 11, 30, 20):
        assert tasks.monthly_reminders() == 0  # still the same period
    with frozen_time(2026, 12, 1, 8):
        assert tasks.monthly_reminders() == 0  # December's reminder day is not reached yet
    with frozen_time(2026, 12, 20, 8):
        assert tasks.monthly_reminders() == 2
    periods = sorted(Notification.objects.values_list("period", flat=True))
    assert periods == ["2026-11", "2026-11", "2026-12", "2026-12"]
    assert len(mail.outbox) == 4


def test_r45_gaps_summary_missed_on_the_first_is_sent_later_in_the_month(
    secretary, member_a, teacher_a, frozen_time
):
    with frozen_time(2026, 12, 3, 7, 30):
        assert tasks.gaps_summary() == 1
        assert tasks.gaps_summary() == 0
    with frozen_time(2026, 12, 31, 20, 30):
        assert tasks.gaps_summary() == 0
    with frozen_time(2027, 1, 1, 7, 30):
        assert tasks.gaps_summary() == 1
    assert sorted(
        Notification.objects.filter(kind=NotificationKind.GAPS_SUMMARY).values_list(
            "period", flat=True
        )
    ) == ["2026-11", "2026-12"]


def test_r51_must_talk_digest_caught_up_within_the_day_and_sent_again_next_day(
    member_a, teacher_a, frozen_time
):
    MustTalkEventFactory(
        contact=teacher_a,
        member=member_a,
        occurred_on=datetime.date(2026, 11, 1),
        due_on=datetime.date(2026, 11, 8),
    )
    # 08:10 missed (broker down): the 09:10 run sends the day's digest.
    with frozen_time(2026, 11, 26, 9, 10):
        assert tasks.musttalk_reminders() == 1
    with frozen_time(2026, 11, 26, 20, 10):
        assert tasks.musttalk_reminders() == 0
    with frozen_time(2026, 11, 27, 8, 10):
        assert tasks.musttalk_reminders() == 1
    assert list(Notification.objects.order_by("period").values_list("period", flat=True)) == [
        "2026-11-26",
        "2026-11-27",
    ]


def test_r61_report_reminder_windows_catch_up_a_missed_day(member_a, member_b, frozen_time):
    Semester.objects.create(
        name="2026秋", start_on=datetime.date(2026, 9, 1), end_on=datetime.date(2027, 1, 15)
    )
    # Deadline 2027-01-29: the windows open on the 22nd (7 days before) and the 28th (1 day).
    with frozen_time(2027, 1, 21, 8):
        assert tasks.report_reminders() == 0
    # The 22nd and 23rd were missed.
    with frozen_time(2027, 1, 24, 8):
        assert tasks.report_reminders() == 2
        assert tasks.report_reminders() == 0
    with frozen_time(2027, 1, 27, 8):
        assert tasks.report_reminders() == 0
    # The 28th was missed too: the deadline day still catches up the one-day reminder.
    with frozen_time(2027, 1, 29, 8):
        assert tasks.report_reminders() == 2
    with frozen_time(2027, 1, 30, 8):
        assert tasks.report_reminders() == 0  # past the deadline: no window
    periods = Notification.objects.values_list("period", flat=True)
    assert sorted(set(periods)) == [
        f"s{Semester.objects.get().pk}:1d",
        f"s{Semester.objects.get().pk}:7d",
    ]
    assert len(periods) == 4


def test_r62_scheduled_inspection_missed_on_the_first_is_made_later_that_month(
    secretary, member_a, teacher_a, frozen_time
):
    with frozen_time(2026, 7, 3, 6):
        assert tasks.scheduled_inspections() == 1
    with frozen_time(2026, 7, 31, 20):
        assert tasks.scheduled_inspections() == 0
    with frozen_time(2026, 8, 1, 6):
        assert tasks.scheduled_inspections() == 0  # not an inspection month
    (inspection,) = Inspection.objects.all()
    assert inspection.half == "2026H1" and inspection.pdf
    assert len(mail.outbox) == 1
