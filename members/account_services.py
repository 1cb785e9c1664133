"""Finding 7 and 8: accounts: one-time set-password links, a password chosen, lockouts lifted.

Who may do this to whom is `may_manage_account`: the branch secretary for the members of their
own branch, the school admin for everyone; never for an operations account (staff or superuser)
nor, for a secretary, for a school admin: a link hands over the account it was issued for.
"""

from __future__ import annotations

import logging

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from . import access
from .audit import audit
from .models import AuditAction, Member
from .tokens import set_password_token

log = logging.getLogger(__name__)


def may_manage_account(user, member: Member) -> bool:
    target = member.user
    if not target.is_active or target.is_staff or target.is_superuser or target.pk == user.pk:
        return False
    if access.is_admin(user):
        return True
    return (
        not member.is_school_admin
        and member.active
        and access.is_secretary_of(user, member.branch_id)
    )


def set_password_url(member: Member) -> str:
    """The absolute link (for the QR code and the mail) of the member's current token."""
    path = reverse(
        "password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(member.user.pk)),
            "token": set_password_token.make_token(member.user),
        },
    )
    return settings.SITE_URL + path


@transaction.atomic
def issue_password_link(*, member: Member, by, emailed: bool) -> str:
    """A new link for `member`; the older one stops working. Returns the link."""
    member.password_link_issued_at = timezone.now()
    member.save(update_fields=["password_link_issued_at"])
    audit(
        AuditAction.PASSWORD_LINK,
        actor=by,
        obj=member,
        branch_id=member.branch_id,
        object_repr=member.name,
        details={"emailed": emailed},
    )
    return set_password_url(member)


def email_password_link(*, member: Member, url: str) -> bool:
    """Sends the link to the member's address; False when the mail server refused it."""
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    body = render_to_string(
        "email/password_link.txt",
        {"name": member.name, "url": url, "hours": hours, "school": settings.SCHOOL_NAME},
    )
    try:
        send_mail(_("Set your password"), body, None, [member.user.email])
    except Exception:  # noqa: BLE001 - any mail failure is reported to the issuer, not a 500
        log.exception("password link mail to member %s failed", member.pk)
        return False
    return True


@transaction.atomic
def password_chosen(*, user, how: str) -> None:
    """The user chose a password (`how`: change, link or reset): no longer forced to, and any
    lockout of their username ends (they have just proved who they are)."""
    Member.objects.filter(user=user).update(must_set_password=False)
    axes_reset(username=user.get_username())
    member = Member.objects.filter(user=user).first()
    audit(
        AuditAction.PASSWORD_SET,
        actor=user,
        obj=member,
        branch_id=member.branch_id if member else None,
        object_repr=member.name if member else user.get_username(),
        details={"how": how},
    )


def locked_usernames(usernames) -> set[str]:
    """Which of these usernames are locked out now from at least one address."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


@transaction.atomic
def unlock(*, member: Member, by) -> int:
    """Lifts every lockout of the member's username (from any address)."""
    count = axes_reset(username=member.user.get_username())
    audit(
        AuditAction.UNLOCK,
        actor=by,
        obj=member,
        branch_id=member.branch_id,
        object_repr=member.name,
        details={"attempts": count},
    )
    return count


def has_own_password(member: Member) -> bool:
    return not member.user.password.startswith(UNUSABLE_PASSWORD_PREFIX)
