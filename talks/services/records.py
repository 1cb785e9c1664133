"""Writes of the branch's own records: symposiums (R52), leaders' visits and briefings (R54).
(Events the secretary records use talks.must_talk_event_record, the same as the member's.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members import access
from members.audit import audit
from members.editing import is_editable_on
from members.models import AuditAction, Branch, Member

from ..models import Briefing, LeaderVisit, Opinion, OpinionSource, Symposium, SymposiumAttachment
from .opinions import opinion_enqueue


@transaction.atomic
def symposium_record(
    *,
    branch: Branch,
    held_on: date,
    topic: str,
    party_representatives: int,
    masses_representatives: int,
    members_present: int,
    participants: str,
    minutes: str,
    opinions: list[str],
    by,
    members_attended=(),
    attachments=(),
) -> Symposium:
    """R52: a symposium; each opinion raised goes to the R43 queue at once. The members who
    attended find it in their handbook (R410)."""
    symposium = Symposium(
        branch=branch,
        held_on=held_on,
        topic=topic,
        party_representatives=party_representatives,
        masses_representatives=masses_representatives,
        members_present=members_present,
        participants=participants,
        minutes=minutes,
        recorded_by=by,
    )
    symposium.full_clean()
    symposium.save()
    symposium.members_attended.set(members_attended)
    for line in opinions:
        # R43: raised at the symposium, so its age (and deadline) starts on the symposium's
        # date, however many days later the minutes are recorded.
        opinion_enqueue(
            opinion=Opinion(
                branch=branch,
                source=OpinionSource.SYMPOSIUM,
                symposium=symposium,
                content=line,
                received_on=held_on,
                due_on=held_on + timedelta(days=branch.opinion_deadline_days),
            ),
            by=by,
        )
    for upload in attachments:
        _attach(symposium, upload, by)
    audit(AuditAction.CREATE, actor=by, obj=symposium, branch_id=branch.pk)
    return symposium


@transaction.atomic
def leader_visit_record(
    *, leader: Member, branch: Branch, date: date, kind: str, people_met: str, summary: str, by
) -> LeaderVisit:
    """R54: a leader's visit or reception at their contact point."""
    visit = LeaderVisit(
        leader=leader, branch=branch, date=date, kind=kind, people_met=people_met, summary=summary
    )
    visit.full_clean()
    visit.save()
    audit(AuditAction.CREATE, actor=by, obj=visit, branch_id=branch.pk)
    return visit


@transaction.atomic
def briefing_record(
    *,
    branch: Branch,
    given_by: Member | None,
    date: date,
    subject: str,
    audience: str,
    content: str,
    decided_on: date | None = None,
    by,
) -> Briefing:
    """R54: a briefing of a major decision to the masses, with the decision's date (the lag
    shows whether it was timely)."""
    briefing = Briefing(
        branch=branch,
        given_by=given_by,
        decided_on=decided_on,
        date=date,
        subject=subject,
        audience=audience,
        content=content,
    )
    briefing.full_clean()
    briefing.save()
    audit(AuditAction.CREATE, actor=by, obj=briefing, branch_id=branch.pk)
    return briefing


def _check_window(day: date) -> None:
    if not is_editable_on(day):
        raise ValidationError(_("This record can no longer be changed: the handbook is a record."))


def _apply(obj, values: dict) -> list[str]:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _save_changed(obj, changed: list[str], *, by, branch_id: int) -> None:
    if not is_editable_on(obj.date if hasattr(obj, "date") else obj.held_on):
        raise ValidationError({"date": _("A record may not be moved to a month already closed.")})
    obj.full_clean()
    obj.save()
    audit(AuditAction.UPDATE, actor=by, obj=obj, branch_id=branch_id, details={"fields": changed})


@transaction.atomic
def leader_visit_update(
    *, visit: LeaderVisit, date: date, kind: str, people_met: str, summary: str, by
) -> LeaderVisit:
    """R54: the leader changes their own visit while it is editable."""
    if visit.leader.user_id != by.pk:
        raise PermissionDenied
    _check_window(visit.date)
    changed = _apply(
        visit, {"date": date, "kind": kind, "people_met": people_met, "summary": summary}
    )
    _save_changed(visit, changed, by=by, branch_id=visit.branch_id)
    return visit


def can_edit_briefing(briefing: Briefing, user) -> bool:
    """Who gave it, or the branch's secretary (who records the branch's briefings)."""
    return (
        briefing.given_by is not None and briefing.given_by.user_id == user.pk
    ) or access.is_secretary_of(user, briefing.branch_id)


@transaction.atomic
def briefing_update(
    *,
    briefing: Briefing,
    decided_on: date | None,
    date: date,
    subject: str,
    audience: str,
    content: str,
    by,
) -> Briefing:
    """R54: a briefing changed while it is editable (its giver or the branch secretary)."""
    if not can_edit_briefing(briefing, by):
        raise PermissionDenied
    _check_window(briefing.date)
    changed = _apply(
        briefing,
        {
            "decided_on": decided_on,
            "date": date,
            "subject": subject,
            "audience": audience,
            "content": content,
        },
    )
    _save_changed(briefing, changed, by=by, branch_id=briefing.branch_id)
    return briefing


@transaction.atomic
def symposium_update(
    *,
    symposium: Symposium,
    held_on: date,
    topic: str,
    party_representatives: int,
    masses_representatives: int,
    members_present: int,
    participants: str,
    minutes: str,
    members_attended=(),
    opinions: Sequence[str] = (),
    attachments=(),
    by,
) -> Symposium:
    """R52: minutes are often written after the meeting: the secretary completes the symposium
    while it is editable. New opinion lines join the R43 queue (age from the symposium's date);
    those already queued stay as they are, but follow a corrected date. New files are added to
    its attachments."""
    if not access.can_manage_branch(by, symposium.branch_id):
        raise PermissionDenied
    _check_window(symposium.held_on)
    changed = _apply(
        symposium,
        {
            "held_on": held_on,
            "topic": topic,
            "party_representatives": party_representatives,
            "masses_representatives": masses_representatives,
            "members_present": members_present,
            "participants": participants,
            "minutes": minutes,
        },
    )
    if not is_editable_on(held_on):
        raise ValidationError(
            {"held_on": _("A record may not be moved to a month already closed.")}
        )
    # Who recorded it may be gone (SET_NULL): that does not stop its completion.
    symposium.full_clean(exclude=["recorded_by"])
    symposium.save()
    if "held_on" in changed:
        # R43: its opinions age from the symposium's date, the corrected one included.
        symposium.opinions.update(
            received_on=held_on,
            due_on=held_on + timedelta(days=symposium.branch.opinion_deadline_days),
        )
    before = set(symposium.members_attended.values_list("pk", flat=True))
    symposium.members_attended.set(members_attended)
    if before != {m.pk for m in members_attended}:
        changed.append("members_attended")
    branch = symposium.branch
    for line in opinions:
        opinion_enqueue(
            opinion=Opinion(
                branch=branch,
                source=OpinionSource.SYMPOSIUM,
                symposium=symposium,
                content=line,
                received_on=held_on,
                due_on=held_on + timedelta(days=branch.opinion_deadline_days),
            ),
            by=by,
        )
    if opinions:
        changed.append("opinions")
    for upload in attachments:
        _attach(symposium, upload, by)
    if attachments:
        changed.append("attachments")
    audit(
        AuditAction.UPDATE,
        actor=by,
        obj=symposium,
        branch_id=symposium.branch_id,
        details={"fields": changed},
    )
    return symposium


def _attach(symposium: Symposium, upload, by) -> SymposiumAttachment:
    """`upload` was checked by the form (members.forms.checked_upload: sniffed type and name)."""
    attachment = SymposiumAttachment(
        symposium=symposium,
        name=upload.evidence_name,
        content_type=upload.evidence_type,
        uploaded_by=by,
    )
    # The stored name is random (members.models.evidence_path); only its extension comes from here.
    attachment.file.save(upload.evidence_name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def symposium_attachment_delete(*, attachment: SymposiumAttachment, by) -> None:
    symposium = attachment.symposium
    if not access.can_manage_branch(by, symposium.branch_id):
        raise PermissionDenied
    _check_window(symposium.held_on)
    storage, name = attachment.file.storage, attachment.file.name
    audit(
        AuditAction.DELETE,
        actor=by,
        obj=attachment,
        branch_id=symposium.branch_id,
        details={"symposium": symposium.pk},
    )
    attachment.delete()
    # The file goes only once the row's deletion is committed.
    transaction.on_commit(lambda: storage.delete(name))
