"""Services, issue 15 items 2-3 (R45): the beat missed the reminder day and the day after, the
first run on the 22nd is on a real Celery worker (its own process, real Redis and PostgreSQL)
killed with SIGKILL-like os._exit while it hands over the fourth email. The next hourly runs
catch up within the month and the sweep sends what the dead worker held: every member gets the
month's reminder exactly once, a member who joined later too."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from inspections import tasks
from inspections.services import reminders as reminder_services
from members import notify
from members.models import EmailState, Notification, NotificationKind
from tests.factories import AssignmentFactory, MemberFactory

from .conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    host = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{params['NAME']}"


def _crashing_worker(log: Path, crash_after: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "tests.security.crash_mail.EmailBackend",
        "CRASH_MAIL_LOG": str(log),
        "CRASH_MAIL_AFTER": str(crash_after),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "branch_liaison", "worker", "--pool=solo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_r45_missed_days_and_a_killed_worker_still_send_each_reminder_once(
    celery_app, branch, tmp_path
):
    assert branch.reminder_day == 20
    members = [MemberFactory(branch=branch) for _ in range(8)]
    for member in members:
        AssignmentFactory(member=member)
    log = tmp_path / "sent.txt"

    # The 20th and 21st passed with no run at all; the first run is on the 22nd, on a worker
    # that dies handing over the fourth email.
    worker = _crashing_worker(log, crash_after=3)
    try:
        tasks.monthly_reminders.delay("2026-11-22")
        worker.wait(90)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
    assert worker.returncode == 137
    rows = Notification.objects.filter(kind=NotificationKind.MONTHLY, period="2026-11")
    assert rows.count() == 8  # every row written before the first send
    assert rows.filter(email_state=EmailState.SENT).count() == 3
    assert len(log.read_text().splitlines()) == 3

    # A member joins on the 23rd; that hour's run sends only what is still missing: theirs.
    late = MemberFactory(branch=branch)
    AssignmentFactory(member=late, started_on=datetime.date(2026, 11, 23))
    mail.outbox.clear()
    assert reminder_services.monthly_member_reminders(datetime.date(2026, 11, 23)) == 1
    assert [m.to for m in mail.outbox] == [[late.user.email]]

    # The rows the dead worker held are freed by the sweep once past STALE_SENDING (moved back
    # in time instead of waiting) and sent; a later run of the month sends nothing more.
    rows.filter(email_state=EmailState.SENDING).update(
        next_attempt_at=timezone.now() - notify.STALE_SENDING - datetime.timedelta(minutes=1)
    )
    notify.sweep()
    assert wait_for(lambda: not rows.exclude(email_state=EmailState.SENT).exists(), 30)
    assert reminder_services.monthly_member_reminders(datetime.date(2026, 11, 30)) == 0
    sent_to = log.read_text().splitlines() + [m.to[0] for m in mail.outbox]
    assert sorted(sent_to) == sorted(m.user.email for m in [*members, late])  # each once
    assert rows.count() == 9
