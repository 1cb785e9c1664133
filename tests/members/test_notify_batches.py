"""Batch sending (notify.send_pending): one claim UPDATE and one load per batch, one mail
connection per batch, one outcome UPDATE per email; a row is sent by one claimer only."""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from members import notify
from members.models import EmailState, Notification
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


class Counting(EmailBackend):
    """locmem, counting the connections opened (class attribute: one per get_connection())."""

    opened = 0

    def open(self):
        type(self).opened += 1
        return True


def _rows(count: int) -> list[Notification]:
    return [
        Notification.objects.create(
            recipient=MemberFactory().user, kind="monthly", period="2026-11", subject="s", body="b"
        )
        for _ in range(count)
    ]


def test_batches_cost_two_queries_each_plus_one_per_email(
    monkeypatch, settings, django_assert_num_queries
):
    settings.EMAIL_BACKEND = f"{__name__}.Counting"
    Counting.opened = 0
    monkeypatch.setattr(notify, "BATCH_SIZE", 4)
    rows = _rows(10)
    # 1 listing + 3 batches x (claim + load) + 10 outcomes + 2 finding no channel set up
    with django_assert_num_queries(1 + 3 * 2 + 10 + 2):
        assert notify.send_pending(Notification.objects.all()) == 10
    assert Counting.opened == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.recipient.email for r in rows)
    assert set(Notification.objects.values_list("email_state", "attempts")) == {
        (EmailState.SENT, 1)
    }
    assert notify.send_pending(Notification.objects.all()) == 0  # nothing left: no resend
    assert len(mail.outbox) == 10


def test_a_row_claimed_by_one_batch_is_not_claimed_by_another():
    rows = _rows(5)
    ids = [r.pk for r in rows]
    first = notify.claim_batch(ids[:3])
    second = notify.claim_batch(ids)  # a second run listing the same rows a moment later
    assert [n.pk for n in first] == ids[:3]
    assert [n.pk for n in second] == ids[3:]
    assert len({n.claim for n in first} | {n.claim for n in second}) == 2
    assert notify.claim_batch(ids) == []
    assert not notify.claim(ids[0])  # nor by the single-notification task
    assert first[0].recipient == rows[0].recipient  # loaded with its recipient


def test_rows_not_due_yet_are_left_for_later():
    later, due = _rows(2)
    Notification.objects.filter(pk=later.pk).update(
        next_attempt_at=later.next_attempt_at + datetime.timedelta(hours=1)
    )
    assert notify.send_pending(Notification.objects.all()) == 1
    assert [m.to[0] for m in mail.outbox] == [due.recipient.email]
    assert Notification.objects.get(pk=later.pk).email_state == EmailState.PENDING


def test_a_batch_held_too_long_gives_its_unsent_rows_back(monkeypatch):
    monkeypatch.setattr(notify, "BATCH_HOLD_LIMIT", datetime.timedelta(seconds=-1))
    _rows(3)
    assert notify.send_pending(Notification.objects.all()) == 0
    assert mail.outbox == []
    assert set(Notification.objects.values_list("email_state", "attempts")) == {
        (EmailState.PENDING, 0)
    }


def test_a_failed_send_in_a_batch_backs_off_and_the_rest_are_sent(settings, monkeypatch):
    rows = _rows(3)
    bad = rows[1].recipient.email
    sent = []

    class Flaky(EmailBackend):
        def send_messages(self, messages):
            if messages[0].to[0] == bad:
                raise ConnectionResetError("connection reset")
            sent.extend(m.to[0] for m in messages)
            return len(messages)

    monkeypatch.setitem(globals(), "Flaky", Flaky)
    settings.EMAIL_BACKEND = f"{__name__}.Flaky"
    assert notify.send_pending(Notification.objects.all()) == 3
    failed = Notification.objects.get(pk=rows[1].pk)
    assert failed.email_state == EmailState.PENDING and failed.attempts == 1
    assert "reset" in failed.last_error and failed.next_attempt_at > rows[1].next_attempt_at
    assert sorted(sent) == sorted([rows[0].recipient.email, rows[2].recipient.email])


def test_an_unexpected_error_mid_batch_leaves_only_that_row_held(monkeypatch):
    rows = _rows(4)
    real = notify.send_claimed

    def send_claimed(notification, connection=None):
        if notification.pk == rows[1].pk:
            raise RuntimeError("attachment could not be built")
        real(notification, connection)

    monkeypatch.setattr(notify, "send_claimed", send_claimed)
    with pytest.raises(RuntimeError):
        notify.send_pending(Notification.objects.all())
    states = dict(Notification.objects.values_list("pk", "email_state"))
    assert [states[r.pk] for r in rows] == [
        EmailState.SENT,
        EmailState.SENDING,
        EmailState.PENDING,
        EmailState.PENDING,
    ]
    assert Notification.objects.get(pk=rows[2].pk).attempts == 0
