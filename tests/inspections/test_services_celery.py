"""Services: a real Celery worker on real Redis and PostgreSQL (nothing mocked).

Skipped without REDIS_URL and a PostgreSQL DATABASE_URL; with REQUIRE_SERVICES=1 the settings
refuse to start without them, so these tests run or fail, never skip.
"""

import datetime
import threading
import time
import uuid

import pytest
from django.core import mail
from django.db import connection, transaction

from contacts.models import Assignment
from inspections import tasks
from inspections.services import assessments as assessment_services
from inspections.services import reminders as reminder_services
from members import notify
from members.models import EmailState, Notification, NotificationKind
from members.tasks import sweep_notifications
from talks.services.talks import talk_log_record
from tests.factories import AssignmentFactory, MemberFactory

from .conftest import set_broker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
DAY = datetime.date(2026, 11, 20)


def _sent(kind: str) -> int:
    return Notification.objects.filter(kind=kind, email_state=EmailState.SENT).count()


def test_r45_monthly_task_on_worker_writes_and_sends_reminders(live_worker, branch):
    for _ in range(3):
        AssignmentFactory(member=MemberFactory(branch=branch))
    tasks.monthly_reminders.delay(DAY.isoformat())
    assert wait_for(lambda: _sent(NotificationKind.MONTHLY) == 3)
    assert set(Notification.objects.values_list("period", flat=True)) == {"2026-11"}
    assert len(mail.outbox) == 3


def test_r45_two_concurrent_monthly_runs_send_one_reminder_per_member(
    live_worker, branch, monkeypatch
):
    # Batches of two (the worker runs in this process): the runs race over several claims.
    monkeypatch.setattr(notify, "BATCH_SIZE", 2)
    members = [MemberFactory(branch=branch) for _ in range(6)]
    for member in members:
        AssignmentFactory(member=member)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            reminder_services.monthly_member_reminders(DAY)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    # Two runs in this process at the same moment, and two more through the worker.
    tasks.monthly_reminders.delay(DAY.isoformat())
    tasks.monthly_reminders.delay(DAY.isoformat())
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert wait_for(lambda: _sent(NotificationKind.MONTHLY) == 6)
    time.sleep(2)  # let the worker finish both runs before counting
    assert Notification.objects.filter(kind=NotificationKind.MONTHLY).count() == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in members)


def test_talk_saved_while_broker_unreachable_and_sent_by_sweep_after(
    celery_app, settings, member_a, teacher_a
):
    assignment = Assignment.objects.get(contact=teacher_a)
    good = celery_app.conf.broker_url
    set_broker(celery_app, "redis://127.0.0.1:1/0")
    try:
        started = time.monotonic()
        with transaction.atomic():
            talk = talk_log_record(
                member=member_a,
                assignment=assignment,
                date=DAY,
                place="办公室",
                is_talk=True,
                is_work_report=True,
                content="谈心",
                submission_token=uuid.uuid4(),
                by=member_a.user,
            )
            notify.notify(
                recipient=member_a.user,
                kind=NotificationKind.MONTHLY,
                period="2026-11",
                subject="提醒",
                body="本月",
                link="/talks/",
            )
        elapsed = time.monotonic() - started
    finally:
        set_broker(celery_app, good)
    assert talk.pk and elapsed < 10
    row = Notification.objects.get()
    assert row.email_state == EmailState.PENDING and mail.outbox == []

    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        sweep_notifications.delay()
        assert wait_for(lambda: _sent(NotificationKind.MONTHLY) == 1)
    assert len(mail.outbox) == 1


def test_r64_export_requested_while_broker_down_runs_later(celery_app, admin, member_a, secretary):
    from inspections.models import AssessmentExport, ExportStatus, Semester
    from inspections.services.assessments import assessment_export_request

    semester = Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 20), end_on=datetime.date(2026, 7, 10)
    )
    good = celery_app.conf.broker_url
    set_broker(celery_app, "redis://127.0.0.1:1/0")
    try:
        with transaction.atomic():
            export = assessment_export_request(semester=semester, branch=None, by=admin.user)
    finally:
        set_broker(celery_app, good)
    assert AssessmentExport.objects.get(pk=export.pk).status == ExportStatus.PENDING

    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        tasks.sweep_exports.delay()
        assert wait_for(
            lambda: AssessmentExport.objects.get(pk=export.pk).status == ExportStatus.DONE, 60
        )


def test_finding5_two_concurrent_assessment_computes_on_postgresql(branch, monkeypatch):
    """Two computes of a new semester at once (two secretaries opening it, the nightly job): both
    read "no rows yet", both insert; the unique (member, semester) row is written once and
    neither fails (ON CONFLICT DO NOTHING)."""
    from inspections.models import Assessment, Semester

    semester = Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 20), end_on=datetime.date(2026, 7, 10)
    )
    for _ in range(5):
        AssignmentFactory(member=MemberFactory(branch=branch))
    manager = type(Assessment.objects)
    original = manager.bulk_create
    barrier = threading.Barrier(2, timeout=20)

    def both_at_once(self, objs, *args, **kwargs):
        barrier.wait()  # both have read the (empty) existing rows
        return original(self, objs, *args, **kwargs)

    monkeypatch.setattr(manager, "bulk_create", both_at_once)
    results, errors = [], []

    def run():
        try:
            results.append(
                assessment_services.assessments_compute(semester=semester, branches=[branch])
            )
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Assessment.objects.filter(semester=semester).count() == 5
    assert [a.pk for a in results[0]] == [a.pk for a in results[1]]
