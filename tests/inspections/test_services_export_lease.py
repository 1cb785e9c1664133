"""Services, finding 4 of issue 15: a real Celery worker (its own process, on the real Redis and
PostgreSQL) is killed with SIGKILL in the middle of rendering a school export. The export stays
'running' with its claim; once the claim is past its lease the periodic sweep claims it again
and finishes it, and the requester is told once."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from inspections import tasks
from inspections.models import AssessmentExport, ExportStatus, Semester
from inspections.services import assessments as assessment_services
from members.models import Notification, NotificationKind
from tests.factories import AssignmentFactory, BranchFactory, MemberFactory

from .conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    host = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{params['NAME']}"


def _worker(tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "worker-media"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "branch_liaison",
            "worker",
            "--pool=solo",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_finding4_worker_killed_mid_render_then_the_sweep_finishes_the_export(
    celery_app, admin, tmp_path
):
    semester = Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 20), end_on=datetime.date(2026, 7, 10)
    )
    for number in range(10):  # ten branches: a render of several seconds, progress per branch
        branch = BranchFactory(name=f"第{number}党支部")
        for _ in range(6):
            AssignmentFactory(member=MemberFactory(branch=branch))
    with transaction.atomic():  # queued to the real broker on commit
        export = assessment_services.assessment_export_request(
            semester=semester, branch=None, by=admin.user
        )
    rows = AssessmentExport.objects.filter(pk=export.pk)

    worker = _worker(tmp_path)
    try:
        assert wait_for(
            lambda: rows.filter(status=ExportStatus.RUNNING, progress__gte=1).exists(), 60
        ), "the worker never started rendering"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
    killed = rows.get()
    assert killed.status == ExportStatus.RUNNING and killed.attempt == 1 and not killed.file
    assert killed.progress < killed.total or not killed.finished_at

    # Within the lease the sweep leaves it (the worker might be alive and slow).
    assert tasks.sweep_exports() == 0
    assert rows.get().status == ExportStatus.RUNNING
    # Past the lease (moved back in time instead of waiting ten minutes) the sweep, on a worker,
    # claims it again and finishes it.
    rows.update(
        claimed_at=timezone.now() - assessment_services.EXPORT_LEASE - datetime.timedelta(minutes=1)
    )
    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        tasks.sweep_exports.delay()
        assert wait_for(lambda: rows.get().status == ExportStatus.DONE, 120)
    done = rows.get()
    assert done.attempt == 2 and done.progress == done.total == 10
    with done.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert (
        Notification.objects.filter(kind=NotificationKind.EXPORT, recipient=admin.user).count() == 1
    )
    time.sleep(0.5)
    assert tasks.sweep_exports() == 0
