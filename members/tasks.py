from celery import shared_task

from . import channels, notify
from .models import Notification


@shared_task(ignore_result=True)
def send_notification(notification_id: int) -> None:
    notify.send_one(notification_id)
    # Issue 17: its WeCom copy (and group message), whoever sent the email.
    channels.deliver(Notification.objects.filter(pk=notification_id))


@shared_task(ignore_result=True)
def sweep_notifications() -> int:
    # notify.sweep fans recent notifications out to the channels too (send_pending).
    sent = notify.sweep()
    return sent + channels.sweep()
