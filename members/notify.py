"""Notifications: an in-app row that is also the email outbox (DESIGN.md "Writes and jobs").

The row is written in the caller's transaction; its email is queued only after the commit, and a
broker outage never fails or hangs the caller: the row stays pending and the periodic sweep
(`members.tasks.sweep_notifications`) sends it later. The unique (recipient, kind, period)
constraint makes each reminder exactly-once, whoever runs the job and however often.

Sending is exactly-once too: a row is sent only by whoever moved it from pending to sending with
a conditional UPDATE (`claim` for one row; `send_pending` claims up to BATCH_SIZE rows with one
UPDATE that stamps them with a fresh token, then loads the rows carrying that token). Each
email's outcome is written by its own UPDATE right after it is handed over, so a process killed
mid-batch has sent nothing twice; the rows it still held stay 'sending' until the sweep frees
them after STALE_SENDING.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import channels
from .jobs import enqueue_on_commit
from .models import EmailState, Notification

log = logging.getLogger(__name__)
# Kind → function(notification) giving (filename, bytes, mimetype) attachments. Filled by higher
# apps at start-up (inspections attaches the inspection PDF); members cannot import them.
ATTACHMENTS: dict = {}
MAX_ATTEMPTS = 5
STALE_SENDING = timedelta(minutes=15)
# Rows claimed by one UPDATE and sent over one mail connection (send_pending).
BATCH_SIZE = 100
# A batch still unsent after this long (a slow SMTP server) gives its remaining rows back before
# the sweep could take them for stale: no row is ever held in 'sending' past STALE_SENDING.
BATCH_HOLD_LIMIT = STALE_SENDING / 3


def notify(
    *, recipient, kind: str, period: str, subject: str, body: str, link: str = ""
) -> Notification | None:
    """Create one notification and queue its email on commit. None if it already exists."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, period=period, subject=subject, body=body, link=link
            )
    except IntegrityError:
        return None
    enqueue_on_commit("members.tasks.send_notification", notification.pk)
    return notification


def notify_many(rows: list[Notification]) -> int:
    """Insert many notifications at once (a job over every member): a fixed number of queries.

    Rows that already exist (same recipient, kind, period) are skipped by the database. Returns
    how many pending rows of these kinds/periods there are to send; the caller's job sends them.
    """
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def _claim(rows, **extra) -> int:
    """Move the due pending rows among these to sending (conditional UPDATE): how many."""
    now = timezone.now()
    return rows.filter(email_state=EmailState.PENDING, next_attempt_at__lte=now).update(
        email_state=EmailState.SENDING,
        attempts=F("attempts") + 1,
        # While sending, next_attempt_at is the claim time: the sweep uses it to spot
        # rows whose worker died.
        next_attempt_at=now,
        **extra,
    )


def claim(notification_id: int) -> bool:
    """Take the row for sending; only one worker can win (conditional UPDATE)."""
    return bool(_claim(Notification.objects.filter(pk=notification_id)))


def claim_batch(ids: list[int]) -> list[Notification]:
    """Take those of these rows that are still pending (one UPDATE) and load them with their
    recipients (one query). Another claimer at the same moment gets none of the same rows: the
    UPDATE re-checks the state of each row it has to wait for, and each claim has its own token.
    """
    token = uuid.uuid4()
    if not _claim(Notification.objects.filter(pk__in=ids), claim=token):
        return []
    return list(
        Notification.objects.filter(claim=token, email_state=EmailState.SENDING)
        .select_related("recipient__member")
        .order_by("pk")
    )


def send_pending(rows, batch_size: int | None = None, limit: int | None = None) -> int:
    """Send the due pending rows of this queryset batch-wise (the first `limit` of them);
    returns how many this caller sent (or tried to). One query lists them, then per batch one
    UPDATE claims and one query loads, and each email's outcome is one UPDATE (send_claimed).
    """
    batch_size = batch_size or BATCH_SIZE
    ids = list(
        rows.filter(email_state=EmailState.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(
        send_batch(claim_batch(ids[start : start + batch_size]))
        for start in range(0, len(ids), batch_size)
    )
    # Issue 17: their WeCom/DingTalk copies (own outbox rows, own exactly-once claims).
    channels.deliver(rows)
    return sent


def send_batch(batch: list[Notification]) -> int:
    """Send claimed rows over one mail connection, each outcome recorded right after its send."""
    if not batch:
        return 0
    connection = get_connection()
    _open(connection)
    began = time.monotonic()
    try:
        for done, notification in enumerate(batch):
            if time.monotonic() - began > BATCH_HOLD_LIMIT.total_seconds():
                _release(batch[done:])
                return done
            try:
                send_claimed(notification, connection)
            except BaseException:
                # An unexpected error (not a refused send): this row stays 'sending' for the
                # sweep, as with send_one; the rest of the batch is given back.
                if batch[done + 1 :]:
                    _release(batch[done + 1 :])
                raise
    finally:
        _close(connection)
    return len(batch)


def _open(connection) -> None:
    try:
        connection.open()
    except Exception as exc:  # each send opens it again and records its own failure
        log.warning("could not open the mail connection: %s", exc)


def _close(connection) -> None:
    try:
        connection.close()
    except Exception as exc:  # the outcomes are recorded already
        log.warning("could not close the mail connection: %s", exc)


def _release(rows: list[Notification]) -> None:
    """Give claimed, unsent rows back (the attempt they were charged did not happen)."""
    Notification.objects.filter(
        pk__in=[n.pk for n in rows], claim=rows[0].claim, email_state=EmailState.SENDING
    ).update(email_state=EmailState.PENDING, attempts=F("attempts") - 1)


def send_claimed(notification: Notification, connection=None) -> None:
    """Send one claimed row's email and record the outcome (retry later with backoff).

    `connection`: a mail connection shared by a batch (send_batch); by default one of its own.
    """
    address = notification.recipient.email
    member = getattr(notification.recipient, "member", None)
    # Issue 17: a member may turn email off (the in-app list and WeCom still have it).
    if not address or (member is not None and not member.notify_email):
        _finish(notification, EmailState.SKIPPED)
        return
    link = f"{settings.SITE_URL}{notification.link}" if notification.link else ""
    context = {"notification": notification, "link": link, "school_name": settings.SCHOOL_NAME}
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=render_to_string("email/notification.txt", context),
            to=[address],
            connection=connection,
        )
        message.attach_alternative(
            render_to_string("email/notification.html", context), "text/html"
        )
        attach = ATTACHMENTS.get(notification.kind)
        for filename, content, mimetype in attach(notification) if attach else []:
            message.attach(filename, content, mimetype)
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        # An unknown recipient will not become known by retrying.
        _finish(notification, EmailState.FAILED, str(exc))
    except Exception as exc:
        if connection is not None:  # it may be broken: the next email gets a fresh one
            _close(connection)
            _open(connection)
        if notification.attempts >= MAX_ATTEMPTS:
            _finish(notification, EmailState.FAILED, str(exc))
        else:
            delay = timedelta(minutes=2**notification.attempts)
            Notification.objects.filter(pk=notification.pk).update(
                email_state=EmailState.PENDING,
                next_attempt_at=timezone.now() + delay,
                last_error=str(exc)[:300],
            )
    else:
        _finish(notification, EmailState.SENT)


def _finish(notification: Notification, state: str, error: str = "") -> None:
    Notification.objects.filter(pk=notification.pk).update(
        email_state=state,
        sent_at=timezone.now() if state == EmailState.SENT else None,
        last_error=error[:300],
    )


def send_one(notification_id: int) -> bool:
    """Claim and send one notification. False when another worker had it already."""
    if not claim(notification_id):
        return False
    send_claimed(Notification.objects.select_related("recipient__member").get(pk=notification_id))
    return True


def sweep(limit: int = 1000) -> int:
    """Send what is still pending (the broker was down, a worker died); returns how many tried.

    Rows stuck in 'sending' longer than STALE_SENDING belonged to a worker that died: they go
    back to pending.
    """
    Notification.objects.filter(
        email_state=EmailState.SENDING, next_attempt_at__lt=timezone.now() - STALE_SENDING
    ).update(email_state=EmailState.PENDING)
    return send_pending(Notification.objects.all(), limit=limit)
