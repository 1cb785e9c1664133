"""In-app notifications: the same reminders as the emails, listed for their recipient."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from members import access

from ..models import Notification


@login_required
def notification_list(request):
    rows = Notification.objects.visible_to(request.user).only(
        "pk", "subject", "link", "created_at", "read_at", "kind", "recipient_id"
    )[:100]
    return render(request, "members/notifications.html", {"notifications": rows})


@login_required
def notification_detail(request, pk: int):
    """Opening a notification marks it read (once: the first opening time is kept)."""
    notification = access.get_visible_or_404(Notification.objects, request.user, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return render(request, "members/notification_detail.html", {"notification": notification})
