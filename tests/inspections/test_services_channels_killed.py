"""Services, issue 17: WeCom app messages (textcards to members) are in flight on a real Celery
worker (its own process, real Redis and PostgreSQL) when the worker is killed with SIGKILL in the
middle of the batch; a new worker reruns the monthly job and the sweep, and each member's message
reaches the WeCom stand-in (tests/channel_standin.py, on 127.0.0.1) exactly once per (kind,
period, recipient, channel).

The kill comes while the worker waits for the stand-in's answer to the fourth send, either before
WeCom took that request (dropped unanswered, as with a connection cut) or after (recorded, the
answer never read). In the second case the outbox cannot know the card arrived: the rerun sends
the very same card again with WeCom's duplicate check on (members.channels), which WeCom drops;
the stand-in does not drop anything, so the test counts what WeCom delivers by WeCom's rule."""

import datetime
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from inspections import tasks
from members import channels
from members.models import (
    Channel,
    ChannelMessage,
    EmailState,
    Notification,
    NotificationKind,
    SchoolChannels,
)
from members.tasks import sweep_notifications
from tests.factories import AssignmentFactory, MemberFactory

from .conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
SEND = "/cgi-bin/message/send"
MEMBERS = 8
KILL_AT = 4  # the worker dies waiting for the answer to this send


def _database_url() -> str:
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    host = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{params['NAME']}"


def _worker(api_base: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "WECOM_API_BASE": api_base,
        "CHANNEL_TIMEOUT": "5",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "branch_liaison", "worker", "--pool=solo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _drained(app) -> bool:
    """The queue is empty and the worker answers with nothing active or reserved."""
    import redis
    from django.conf import settings

    if redis.Redis.from_url(settings.REDIS_URL).llen("celery"):
        return False
    inspect = app.control.inspect(timeout=1)
    active, reserved = inspect.active(), inspect.reserved()
    return bool(active) and not any(active.values()) and not any((reserved or {}).values())


def _run(app, *signatures) -> None:
    for signature in signatures:
        signature.delay()
    assert wait_for(lambda: _drained(app), 60)


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.kill()
        worker.wait(10)


def _delivered(requests: list[dict]) -> list[dict]:
    """What WeCom hands to members: a card identical to one it took for the same user within
    the duplicate check's interval is dropped (when the sender turned the check on)."""
    out, seen = [], {}
    for request in requests:
        body = request["body"]
        key = json.dumps(body, sort_keys=True)
        window = body.get("duplicate_check_interval", 1800)
        if body.get("enable_duplicate_check") == 1 and request["at"] - seen.get(key, -1e9) < window:
            continue
        seen[key] = request["at"]
        out.append(request)
    return out


@pytest.mark.parametrize("taken", [False, True], ids=["before-wecom-took-it", "after"])
def test_issue17_worker_killed_mid_batch_of_wecom_sends_each_message_reaches_wecom_once(
    celery_app,
    standin,
    branch,
    taken,
):
    SchoolChannels.objects.create(
        pk=1, wecom_corp_id="wwcorp01", wecom_agent_id="1000002", wecom_secret="APPSECRET-xyz"
    )
    members = [MemberFactory(branch=branch, wecom_userid=f"teacher{n}") for n in range(MEMBERS)]
    for member in members:
        AssignmentFactory(member=member)
    userids = sorted(m.wecom_userid for m in members)

    sends = []
    first = _worker(standin.base)

    def kill_on_the_fourth_send(request):
        if request["path"] != SEND or first.poll() is not None:
            return True
        sends.append(request)
        if len(sends) < KILL_AT:
            return True
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        return taken  # recorded (WeCom took it) or dropped, and never answered to anyone

    standin.on_request = kill_on_the_fourth_send
    try:
        tasks.monthly_reminders.delay("2026-11-22")
        first.wait(90)
    finally:
        _stop(first)
    assert first.returncode == -signal.SIGKILL
    standin.on_request = None

    notes = Notification.objects.filter(kind=NotificationKind.MONTHLY, period="2026-11")
    rows = ChannelMessage.objects.filter(
        channel=Channel.WECOM_APP, kind=NotificationKind.MONTHLY, period="2026-11"
    )
    assert notes.count() == rows.count() == MEMBERS  # every row written before the first send
    # One batch claimed all eight; three went out, the fourth died in flight, four wait.
    assert rows.filter(state=EmailState.SENT).count() == KILL_AT - 1
    assert rows.filter(state=EmailState.SENDING).count() == MEMBERS - KILL_AT + 1
    before = len(standin.sent(SEND))
    assert before == KILL_AT - 1 + taken

    second = _worker(standin.base)
    try:
        # The rerun of the month's job inserts nothing and sends nothing the dead worker held:
        # those rows are someone's claim until their lease runs out.
        _run(celery_app, tasks.monthly_reminders.s("2026-11-23"), sweep_notifications.s())
        assert len(standin.sent(SEND)) == before
        assert notes.filter(email_state=EmailState.SENT).count() == MEMBERS
        # Past the lease (moved back in time instead of waiting 15 minutes) the sweep frees them
        # and the new worker sends each one.
        rows.filter(state=EmailState.SENDING).update(
            next_attempt_at=timezone.now() - channels.STALE_SENDING - datetime.timedelta(minutes=1)
        )
        _run(celery_app, sweep_notifications.s())
        assert rows.filter(state=EmailState.SENT).count() == MEMBERS
        # Once more, the job and the sweep: nothing goes out again.
        _run(celery_app, tasks.monthly_reminders.s("2026-11-30"), sweep_notifications.s())
    finally:
        second.terminate()
        try:
            second.wait(30)
        finally:
            _stop(second)

    requests = standin.sent(SEND)
    assert len(requests) == MEMBERS + taken  # the card in flight was sent twice if WeCom took it
    delivered = _delivered(requests)
    assert sorted(r["body"]["touser"] for r in delivered) == userids  # each member once
    assert {r["body"]["msgtype"] for r in delivered} == {"textcard"}
    assert {r["body"]["agentid"] for r in delivered} == {1000002}
    assert rows.count() == MEMBERS
    assert not rows.exclude(state=EmailState.SENT).exists()
    assert set(rows.values_list("attempts", flat=True)) <= {1, 2}
