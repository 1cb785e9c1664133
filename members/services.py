"""Writes of the members app.

- Five-leads activities (R46).
- Finding 7 and 8, accounts: one-time set-password links, a password chosen, lockouts lifted.
  Who may do this to whom is `access.may_manage_account`: the branch secretary for the members
  of their own branch, the school admin for everyone; never for an operations account (staff or
  superuser) nor, for a secretary, for a school admin: a link hands over the account it was
  issued for.
- Issue 17, the channel settings. The audit row names the fields changed, never their values
  (secrets and keys stay out of the audit log).
"""

from __future__ import annotations

import logging
from datetime import date

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .audit import audit
from .editing import is_editable_on
from .models import (
    COMMITTEE_ONLY_KINDS,
    AuditAction,
    Branch,
    BranchChannels,
    FiveLeadActivity,
    Member,
    SchoolChannels,
)
from .tokens import set_password_token

log = logging.getLogger(__name__)


def _set_evidence(activity: FiveLeadActivity, evidence) -> None:
    """`evidence` is an upload checked by FiveLeadForm (it carries the sniffed type and name),
    False to remove the file, or None to keep it."""
    if evidence is None:
        return
    if activity.evidence:
        # The old file goes only once the new row is committed.
        storage, old_name = activity.evidence.storage, activity.evidence.name
        transaction.on_commit(lambda: storage.delete(old_name))
        activity.evidence = None
    if evidence is False:
        activity.evidence_name = activity.evidence_type = ""
        return
    activity.evidence_name = evidence.evidence_name
    activity.evidence_type = evidence.evidence_type
    # The stored name is random (members.models.evidence_path); only its extension comes from here.
    activity.evidence.save(evidence.evidence_name, evidence, save=False)


def _check_kind(member: Member, kind: str) -> None:
    if kind in COMMITTEE_ONLY_KINDS and not member.is_committee:
        raise PermissionDenied


@transaction.atomic
def five_lead_record(
    *,
    member: Member,
    kind: str,
    date: date,
    title: str,
    description: str,
    outcome: str,
    evidence=None,
    by,
) -> FiveLeadActivity:
    """R46: record an activity under the five leads."""
    _check_kind(member, kind)
    activity = FiveLeadActivity(
        member=member, kind=kind, date=date, title=title, description=description, outcome=outcome
    )
    _set_evidence(activity, evidence or None)
    activity.full_clean()
    activity.save()
    audit(AuditAction.CREATE, actor=by, obj=activity, branch_id=member.branch_id)
    return activity


@transaction.atomic
def five_lead_update(
    *,
    activity: FiveLeadActivity,
    kind: str,
    date: date,
    title: str,
    description: str,
    outcome: str,
    evidence=None,
    by,
) -> FiveLeadActivity:
    """R46: the member changes their activity; a new file replaces the old one."""
    if activity.member.user_id != by.pk:
        raise PermissionDenied
    _check_kind(activity.member, kind)
    activity.kind, activity.date, activity.title = kind, date, title
    activity.description, activity.outcome = description, outcome
    _set_evidence(activity, evidence)
    activity.full_clean()
    activity.save()
    audit(AuditAction.UPDATE, actor=by, obj=activity, branch_id=activity.member.branch_id)
    return activity


@transaction.atomic
def five_lead_delete(*, activity: FiveLeadActivity, by) -> None:
    """R46: the member deletes their own activity within the editable window (as talks); the
    evidence file goes once the deletion is committed."""
    if activity.member.user_id != by.pk:
        raise PermissionDenied
    if not is_editable_on(activity.date):
        raise ValidationError(_("This record can no longer be changed: the handbook is a record."))
    audit(AuditAction.DELETE, actor=by, obj=activity, branch_id=activity.member.branch_id)
    _set_evidence(activity, False)
    activity.delete()


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


def _apply(obj, values: dict) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def school_channels_update(*, values: dict, by) -> SchoolChannels:
    school = SchoolChannels.objects.select_for_update().filter(pk=1).first() or SchoolChannels(pk=1)
    changed = _apply(school, values)
    school.full_clean()
    school.save()
    audit(AuditAction.UPDATE, actor=by, obj=school, details={"fields": sorted(changed)})
    return school


@transaction.atomic
def branch_channels_update(*, branch: Branch, values: dict, by) -> BranchChannels:
    config = BranchChannels.objects.select_for_update().filter(
        branch=branch
    ).first() or BranchChannels(branch=branch)
    changed = _apply(config, values)
    config.full_clean()
    config.save()
    audit(
        AuditAction.UPDATE,
        actor=by,
        obj=config,
        branch_id=branch.pk,
        details={"fields": sorted(changed)},
    )
    return config


@transaction.atomic
def my_channels_update(*, member: Member, values: dict, by) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    changed = _apply(member, values)
    member.full_clean()
    member.save(update_fields=changed or None)
    audit(
        AuditAction.UPDATE,
        actor=by,
        obj=member,
        branch_id=member.branch_id,
        details={"fields": sorted(changed)},
    )
    return member
