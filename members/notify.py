"""Notifications: an in-app row that is also the email outbox (DESIGN.md "Writes and jobs").

The row is written in the caller's transaction; its email is queued only after the commit, and a
broker outage never fails or hangs the caller: the row stays pending and the periodic sweep
(`members.tasks.sweep_notifications`) sends it later. The unique (recipient, kind, period)
constraint makes each reminder exactly-once, whoever runs the job and however often.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import EmailState, Notification

log = logging.getLogger(__name__)
# Higher apps attach files by notification kind (members cannot import them): kind →
# function(notification) → [(filename, bytes, mimetype)]. Registered in their AppConfig.ready().
# Kind → function(notification) giving (filename, bytes, mimetype) attachments. Filled by higher
# apps at start-up (inspections attaches the inspection PDF); members cannot import them.
ATTACHMENTS: dict = {}
MAX_ATTEMPTS = 5
STALE_SENDING = timedelta(minutes=15)


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
    transaction.on_commit(lambda: enqueue_send(notification.pk))
    return notification


def notify_many(rows: list[Notification]) -> int:
    """Insert many notifications at once (a job over every member): a fixed number of queries.

    Rows that already exist (same recipient, kind, period) are skipped by the database. Returns
    how many pending rows of these kinds/periods there are to send; the caller's job sends them.
    """
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def enqueue_send(notification_id: int) -> None:
    """Hand the email to a worker; if the broker is unreachable the sweep will send it later."""
    from .tasks import send_notification

    try:
        send_notification.apply_async(args=[notification_id], retry=False)
    except Exception:  # the broker is down: the row stays pending for the sweep
        log.warning("could not queue notification %s; the sweep will send it", notification_id)


def claim(notification_id: int) -> bool:
    """Take the row for sending; only one worker can win (conditional UPDATE)."""
    return bool(
        Notification.objects.filter(
            pk=notification_id,
            email_state=EmailState.PENDING,
            next_attempt_at__lte=timezone.now(),
        ).update(
            email_state=EmailState.SENDING,
            attempts=F("attempts") + 1,
            # While sending, next_attempt_at is the claim time: the sweep uses it to spot
            # rows whose worker died.
            next_attempt_at=timezone.now(),
        )
    )


def send_claimed(notification: Notification) -> None:
    """Send one claimed row's email and record the outcome (retry later with backoff)."""
    address = notification.recipient.email
    if not address:
        _finish(notification, EmailState.SKIPPED)
        return
    link = f"{settings.SITE_URL}{notification.link}" if notification.link else ""
    context = {"notification": notification, "link": link, "school_name": settings.SCHOOL_NAME}
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=render_to_string("email/notification.txt", context),
            to=[address],
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
    send_claimed(Notification.objects.select_related("recipient").get(pk=notification_id))
    return True


def sweep(limit: int = 1000) -> int:
    """Send what is still pending (the broker was down, a worker died); returns how many tried.

    Rows stuck in 'sending' longer than STALE_SENDING belonged to a worker that died: they go
    back to pending.
    """
    Notification.objects.filter(
        email_state=EmailState.SENDING, next_attempt_at__lt=timezone.now() - STALE_SENDING
    ).update(email_state=EmailState.PENDING)
    due = Notification.objects.filter(
        email_state=EmailState.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:limit]
    return sum(send_one(pk) for pk in list(due))
