"""R48: 师德 notes recorded and lifted by the branch's secretary (confidential like R32)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members import access
from members.audit import audit
from members.models import AuditAction, Member

from ..models import EthicsKind, EthicsNote


def ethics_note_record(
    *, member: Member, kind: str, text: str, recorded_on: date, by
) -> EthicsNote:
    if not access.is_secretary_of(by, member.branch_id):
        raise PermissionDenied
    with transaction.atomic():
        note = EthicsNote(
            member=member, kind=kind, text=text, recorded_on=recorded_on, recorded_by=by
        )
        note.full_clean()
        note.save()
        audit(AuditAction.CREATE, actor=by, obj=note, branch_id=member.branch_id)
    return note


def ethics_note_lift(*, note: EthicsNote, lifted_on: date, by) -> EthicsNote:
    """The concern no longer stands (the basic condition is judged without it again)."""
    if not access.is_secretary_of(by, note.member.branch_id):
        raise PermissionDenied
    if note.kind != EthicsKind.CONCERN or note.lifted_on is not None:
        raise ValidationError(_("Only a standing concern can be lifted."))
    with transaction.atomic():
        note.lifted_on = lifted_on
        note.full_clean()
        note.save(update_fields=["lifted_on"])
        audit(
            AuditAction.UPDATE,
            actor=by,
            obj=note,
            branch_id=note.member.branch_id,
            details={"lifted_on": lifted_on.isoformat()},
        )
    return note
