"""Writes of members' own records: five-leads activities (R46)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit
from .editing import is_editable_on
from .models import COMMITTEE_ONLY_KINDS, AuditAction, FiveLeadActivity, Member


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
