"""Issue 6 faults on the real services (PostgreSQL, Redis, a worker, SMTP): what the user sees and
what is left in the database when one of them fails halfway.

Marked `services`: skipped without REDIS_URL and a PostgreSQL DATABASE_URL; with
REQUIRE_SERVICES=1 they run or fail. The Redis test starts its own redis-server on port 6390 and
stops only that one (the shared Redis and PostgreSQL are never stopped).
"""

import datetime
import os
import shutil
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core import mail
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.models import Assignment
from members import notify
from members.models import AuditAction, AuditLog, EmailState, Notification, NotificationKind
from members.tasks import sweep_notifications
from talks.models import Opinion, TalkLog
from talks.services import opinions as opinion_services
from talks.services import talks as talk_services
from talks.services.talks import talk_log_record
from tests.factories import AssignmentFactory, MemberFactory, talk_post
from tests.inspections.conftest import reset_pools, set_broker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
DAY = datetime.date(2026, 11, 20)
REDIS_PORT = 6390
ROOT = Path(__file__).resolve().parents[2]


def talk_data(contact, **overrides):
    return talk_post(
        contact, **{"date": "2026-11-18", "opinions": "希望增加教研时间\n食堂排队太久", **overrides}
    )


def nothing_written():
    changes = AuditLog.objects.exclude(action__in=[AuditAction.LOGIN, AuditAction.LOGOUT])
    return not (TalkLog.objects.exists() or Opinion.objects.exists() or changes.exists())


def terminate(pid: int) -> None:
    """Kill one PostgreSQL backend from a second connection, as a DBA or a failover would."""
    params = connection.settings_dict
    admin = psycopg2.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    admin.close()


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


# --- PostgreSQL connection killed ------------------------------------------------------------


@pytest.fixture
def frozen(frozen_time):
    frozen_time(2026, 11, 20, 10)


def test_db_connection_killed_mid_save_gives_the_500_page_and_no_partial_rows(
    frozen, member_a, teacher_a, monkeypatch
):
    client = Client(raise_request_exception=False)
    client.force_login(member_a.user)
    original = opinion_services.opinions_from_talk

    def opinions_then_connection_dies(**kwargs):
        # The talk and its opinions are written; the connection dies before the audit row.
        created = original(**kwargs)
        assert TalkLog.objects.count() == 1 and Opinion.objects.count() == 2
        terminate(backend_pid())
        return created

    monkeypatch.setattr(talk_services, "opinions_from_talk", opinions_then_connection_dies)
    response = client.post(
        reverse("talks:talk_create"), talk_data(teacher_a), HTTP_X_REQUEST_ID="req-dbkill01"
    )
    monkeypatch.undo()

    assert response.status_code == 500
    body = response.content.decode()
    assert "req-dbkill01" in body and "Traceback" not in body and "terminat" not in body
    assert nothing_written()

    # The same process serves the next request: it reconnects, nothing to restart.
    response = client.post(reverse("talks:talk_create"), talk_data(teacher_a))
    assert response.status_code == 302
    assert TalkLog.objects.count() == 1 and Opinion.objects.count() == 2
    assert AuditLog.objects.filter(action=AuditAction.CREATE).count() == 3


def test_db_connection_killed_between_requests_is_replaced_by_the_health_check(
    frozen, member_a, teacher_a
):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    client = Client(raise_request_exception=False)
    client.force_login(member_a.user)
    assert client.get(reverse("talks:my_page")).status_code == 200
    # A persistent connection dies while idle (PostgreSQL restarted, a failover).
    terminate(backend_pid())
    # What the WSGI handler does at the start of each request (the test client skips it).
    close_old_connections()
    response = client.post(reverse("talks:talk_create"), talk_data(teacher_a))
    assert response.status_code == 302 and TalkLog.objects.count() == 1


# --- Redis stopped while saving --------------------------------------------------------------


def _redis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), *args], capture_output=True, text=True, timeout=10
    )


def start_own_redis() -> None:
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
        ],
        check=True,
        timeout=10,
    )
    assert wait_for(lambda: _redis("ping").stdout.strip() == "PONG", 10)


def stop_own_redis() -> None:
    _redis("shutdown", "nosave")
    assert wait_for(lambda: _redis("ping").returncode != 0, 10)


@pytest.fixture
def own_redis():
    """This test's own Redis on port 6390; the app's broker points at it for the test."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for the Redis fault test")
    from branch_liaison.celery import app

    assert app.conf.task_always_eager is False
    start_own_redis()
    shared = app.conf.broker_url
    set_broker(app, f"redis://127.0.0.1:{REDIS_PORT}/0")
    yield app
    set_broker(app, shared)
    reset_pools(app)
    stop_own_redis()


def test_redis_stopped_while_saving_keeps_talk_and_notification_then_sweep_sends(
    own_redis, member_a, member_b, teacher_a
):
    app = own_redis
    # While Redis is up: a notification is queued (the producer now holds a connection).
    with transaction.atomic():
        notify.notify(
            recipient=member_b.user,
            kind=NotificationKind.MONTHLY,
            period="2026-11",
            subject="提醒",
            body="本月",
        )
    stop_own_redis()

    started = time.monotonic()
    with transaction.atomic():
        talk = talk_log_record(
            member=member_a,
            assignment=Assignment.objects.get(contact=teacher_a),
            date=DAY,
            place="办公室",
            is_talk=True,
            is_work_report=True,
            content="谈心",
            opinions=["希望增加教研时间"],
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
    # Saved, and quickly: the publish gave up instead of hanging the request.
    assert time.monotonic() - started < 10
    assert TalkLog.objects.filter(pk=talk.pk).exists() and Opinion.objects.count() == 1
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.PENDING}
    assert mail.outbox == []

    # Redis is back, empty (member_b's queued message died with it): the sweep sends both.
    start_own_redis()
    reset_pools(app)
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        sweep_notifications.delay()
        assert wait_for(
            lambda: Notification.objects.filter(email_state=EmailState.SENT).count() == 2
        )
        time.sleep(1)  # a late duplicate send would show up in the outbox now
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [member_a.user.email, member_b.user.email]
    )


# --- A worker killed mid-job -----------------------------------------------------------------


def _database_url() -> str:
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    host = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{params['NAME']}"


def run_in_subprocess(log: Path, *args: str, crash_after: int | None = None):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "tests.security.crash_mail.EmailBackend",
        "CRASH_MAIL_LOG": str(log),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("CRASH_MAIL_AFTER", None)
    if crash_after is not None:
        env["CRASH_MAIL_AFTER"] = str(crash_after)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "batch_size, held, left",
    [
        # All twelve in the job's one batch: five sent, the other seven held by the dead run.
        (None, 7, 0),
        # Batches of four: the first sent, the second claimed and sent up to the crash (one
        # sent, three held), the third still pending for the rerun.
        (4, 3, 4),
    ],
)
def test_worker_killed_mid_job_then_rerun_sends_each_reminder_exactly_once(
    branch, tmp_path, batch_size, held, left
):
    members = [MemberFactory(branch=branch) for _ in range(12)]
    for member in members:
        AssignmentFactory(member=member)
    log = tmp_path / "sent.txt"
    job = ("send_reminders", "--kind", "monthly", "--date", DAY.isoformat())
    if batch_size is None:
        assert len(members) <= notify.BATCH_SIZE
        first = job
    else:  # the same command with smaller batches
        first = (
            "shell",
            "-c",
            f"from members import notify; notify.BATCH_SIZE = {batch_size}; "
            "from django.core.management import call_command; "
            f"call_command({', '.join(map(repr, job))})",
        )

    killed = run_in_subprocess(log, *first, crash_after=5)
    assert killed.returncode == 137, killed.stderr
    # Every reminder row was written before sending began; five went out, each marked sent
    # right after; the process died handing over the sixth. The rows its batch had claimed
    # stay 'sending'; later batches were never claimed.
    rows = Notification.objects.filter(kind=NotificationKind.MONTHLY)
    assert rows.count() == 12
    assert rows.filter(email_state=EmailState.SENT).count() == 5
    assert rows.filter(email_state=EmailState.SENDING).count() == held
    assert rows.filter(email_state=EmailState.PENDING).count() == left
    assert len(log.read_text().splitlines()) == 5

    rerun = run_in_subprocess(log, *job)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{left} sent" in rerun.stdout
    # The rows the dead process held are not sent by the rerun (the one in flight might have
    # gone out); the periodic sweep frees them once older than STALE_SENDING (moved back in
    # time here instead of waiting) and sends them.
    assert len(log.read_text().splitlines()) == 5 + left
    assert rows.filter(email_state=EmailState.SENDING).count() == held
    rows.filter(email_state=EmailState.SENDING).update(
        next_attempt_at=timezone.now() - notify.STALE_SENDING - datetime.timedelta(minutes=1)
    )
    sweep = run_in_subprocess(log, "shell", "-c", "from members.notify import sweep; sweep()")
    assert sweep.returncode == 0, sweep.stderr

    assert rows.count() == 12
    assert set(rows.values_list("email_state", flat=True)) == {EmailState.SENT}
    sent_to = log.read_text().splitlines()
    assert sorted(sent_to) == sorted(m.user.email for m in members)  # each exactly once


# --- SMTP failing ----------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens on it once the socket is closed


def test_smtp_down_retries_with_growing_backoff_then_sends_when_back(
    member_a, settings, frozen_time
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    row = Notification.objects.create(
        recipient=member_a.user, kind="monthly", period="2026-11", subject="提醒", body="本月"
    )
    start = timezone.now()
    with frozen_time(start) as traveller:
        delays = []
        for attempt in range(1, notify.MAX_ATTEMPTS):
            assert notify.sweep() == 1
            row.refresh_from_db()
            assert row.email_state == EmailState.PENDING and row.attempts == attempt
            assert "refused" in row.last_error.lower() or "errno" in row.last_error.lower()
            delays.append(row.next_attempt_at - timezone.now())
            assert notify.sweep() == 0  # not before its time
            traveller.move_to(row.next_attempt_at)
        assert delays == [datetime.timedelta(minutes=2**n) for n in range(1, notify.MAX_ATTEMPTS)]

        # SMTP is back before the last attempt: sent, once.
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert notify.sweep() == 1
    row.refresh_from_db()
    assert row.email_state == EmailState.SENT and row.attempts == notify.MAX_ATTEMPTS
    assert len(mail.outbox) == 1


def test_smtp_down_for_good_fails_after_the_last_attempt(member_a, settings, frozen_time):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    row = Notification.objects.create(
        recipient=member_a.user, kind="monthly", period="2026-11", subject="提醒", body="本月"
    )
    with frozen_time(timezone.now()) as traveller:
        for _ in range(notify.MAX_ATTEMPTS):
            assert notify.sweep() == 1
            row.refresh_from_db()
            traveller.move_to(row.next_attempt_at)
    assert row.email_state == EmailState.FAILED and row.attempts == notify.MAX_ATTEMPTS
    assert row.last_error
    assert notify.sweep() == 0


def test_temporary_smtp_error_for_one_is_retried_and_the_others_are_sent(
    member_a, member_b, settings, frozen_time
):
    from django.core.mail.backends.locmem import EmailBackend

    unavailable = {member_a.user.email}

    class Flaky(EmailBackend):
        """A server with a temporary problem with one mailbox (451) delivers the rest."""

        def send_messages(self, messages):
            if messages[0].to[0] in unavailable:
                raise smtplib.SMTPDataError(451, b"4.3.0 mailbox temporarily unavailable")
            return super().send_messages(messages)

    globals()["Flaky"] = Flaky
    settings.EMAIL_BACKEND = f"{__name__}.Flaky"
    others = [MemberFactory(branch=member_a.branch) for _ in range(3)]
    for recipient in [member_a, member_b, *others]:
        Notification.objects.create(
            recipient=recipient.user, kind="monthly", period="2026-11", subject="s", body="b"
        )
    assert notify.sweep() == 5
    flaky = Notification.objects.get(recipient=member_a.user)
    assert flaky.email_state == EmailState.PENDING and flaky.attempts == 1
    assert "451" in flaky.last_error
    assert Notification.objects.filter(email_state=EmailState.SENT).count() == 4
    assert len(mail.outbox) == 4

    unavailable.clear()  # the mailbox is back
    with frozen_time(flaky.next_attempt_at):
        assert notify.sweep() == 1
    assert Notification.objects.filter(email_state=EmailState.SENT).count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        m.user.email for m in [member_a, member_b, *others]
    )
