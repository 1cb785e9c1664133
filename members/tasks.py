from celery import shared_task

from . import notify


@shared_task(ignore_result=True)
def send_notification(notification_id: int) -> None:
    notify.send_one(notification_id)


@shared_task(ignore_result=True)
def sweep_notifications() -> int:
    return notify.sweep()
