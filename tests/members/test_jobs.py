"""members/jobs.py: every job is queued by its Celery name, after the commit, never failing the
caller when the broker is down (DESIGN.md "Writes and jobs")."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from members import jobs

ROOT = Path(__file__).resolve().parents[2]
QUEUED_BY_NAME = ["members.tasks.send_notification", "inspections.tasks.run_export"]


def test_every_job_queued_by_name_is_registered_in_a_web_process():
    """A web process imports no tasks module itself: the apps register their jobs at start-up,
    or the first notification of a page would fail on an unknown task name."""
    code = (
        "import django; django.setup(); from celery import current_app; "
        f"[current_app.tasks[name] for name in {QUEUED_BY_NAME!r}]"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "branch_liaison.settings", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_job_is_queued_after_the_commit_and_a_broker_outage_is_only_logged(monkeypatch, caplog):
    from members.tasks import send_notification

    calls = []

    def broker_down(**kwargs):
        calls.append(kwargs)
        raise ConnectionRefusedError("no broker")

    monkeypatch.setattr(send_notification, "apply_async", broker_down)
    with caplog.at_level(logging.WARNING, logger="members.jobs"):
        with transaction.atomic():
            jobs.enqueue_on_commit("members.tasks.send_notification", 7)
            assert calls == []  # not before the commit
    assert calls == [{"args": [7], "retry": False}]
    assert "its sweep will do it" in caplog.text
