from django.utils.functional import SimpleLazyObject

from . import access
from .models import Notification


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member = access.profile(user)
    return {
        "me": member,
        "is_school_admin": access.is_admin(user),
        "my_secretary_branch_id": access.secretary_branch_id(user),
        "my_leader_branch_id": access.leader_branch_id(user),
        "is_branch_member": access.branch_member(user) is not None,
        # The menu's unread count: one COUNT, and only on pages that show the menu.
        "unread_count": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        ),
    }
