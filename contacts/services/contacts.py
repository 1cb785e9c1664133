"""Writes of contacts: contacts (R31–R33), assignments (R44), pairing (R53), assistance (R32)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.audit import audit
from members.models import AuditAction, Branch, Member

from ..models import ActivistStageChange, Assignment, AssistanceRecord, Category, Contact
from ..selectors import orphaned_assignments

# Functions(assignment=, by=) run in assignment_create's transaction when a contact gets a
# member: talks passes the contact's open must-talk events on (R51). Filled by higher apps in
# their AppConfig.ready(); contacts cannot import them.
ON_ASSIGNED: list = []


@transaction.atomic
def assistance_record_create(
    *, contact: Contact, author: Member, date: date, what: str, result: str, by
) -> AssistanceRecord:
    """R32: help given to a staff member in hardship (the text is confidential, not audited)."""
    record = AssistanceRecord(contact=contact, author=author, date=date, what=what, result=result)
    record.full_clean()
    record.save()
    audit(
        AuditAction.CREATE, actor=by, obj=record, branch_id=contact.branch_id, contact_id=contact.pk
    )
    return record


CONTACT_FIELDS = (
    "name",
    "category",
    "department",
    "teaching_group",
    "staff_no",
    "activist_stage",
    "activist_stage_since",
    "hardship_kind",
    "hardship_description",
    "active",
)


def _clear_other_category_fields(contact: Contact) -> None:
    """On creation, fields of another category typed into the form are dropped (R31–R33).

    Never on a change: a contact who was in hardship keeps the kind and the confidential
    description (and a former activist the stage) when the category changes, readable exactly
    as before by those allowed (RULES.md "Who may read what")."""
    if contact.category != Category.ACTIVIST:
        contact.activist_stage, contact.activist_stage_since = "", None
    if contact.category != Category.HARDSHIP:
        contact.hardship_kind, contact.hardship_description = "", ""


def _record_stage(contact: Contact, by) -> None:
    if contact.category == Category.ACTIVIST and contact.activist_stage:
        ActivistStageChange.objects.create(
            contact=contact,
            stage=contact.activist_stage,
            changed_on=contact.activist_stage_since or timezone.localdate(),
            recorded_by=by,
        )


@transaction.atomic
def contact_create(*, branch: Branch, values: dict, by) -> Contact:
    """A contact of one of the three categories; an activist's first stage starts the history."""
    contact = Contact(branch=branch)
    for name in CONTACT_FIELDS:
        if name in values:
            setattr(contact, name, values[name])
    _clear_other_category_fields(contact)
    contact.full_clean()
    contact.save()
    _record_stage(contact, by)
    audit(AuditAction.CREATE, actor=by, obj=contact, branch_id=branch.pk, contact_id=contact.pk)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, values: dict, by) -> Contact:
    """Change a contact. A new activist stage (or its date) adds a stage change (R31); a new
    category is carried to the open assignment so R44 still holds for it."""
    before = Contact.objects.select_for_update().get(pk=contact.pk)
    for name in CONTACT_FIELDS:
        if name in values:
            setattr(contact, name, values[name])
    contact.full_clean()
    if contact.category != before.category:
        open_assignment = Assignment.objects.open().filter(contact=contact).first()
        if open_assignment is not None:
            if contact.category == Category.TEACHER:
                _check_general_teacher(contact, field="category")
                _check_r44(
                    open_assignment.member,
                    field="category",
                    on=open_assignment.started_on,
                    exclude_pk=open_assignment.pk,
                )
            open_assignment.contact_category = contact.category
            _save_assignment(open_assignment, field="category", r44_field="category")
    elif contact.category == Category.TEACHER and contact.staff_no != before.staff_no:
        # R44: an assigned teacher given a party member's staff number is not a 一般教师.
        if Assignment.objects.open().filter(contact=contact).exists():
            _check_general_teacher(contact, field="staff_no")
    contact.save()
    if (contact.activist_stage, contact.activist_stage_since) != (
        before.activist_stage,
        before.activist_stage_since,
    ):
        _record_stage(contact, by)
    changed = [n for n in CONTACT_FIELDS if getattr(before, n) != getattr(contact, n)]
    audit(
        AuditAction.UPDATE,
        actor=by,
        obj=contact,
        branch_id=contact.branch_id,
        contact_id=contact.pk,
        details={"fields": changed},
    )
    return contact


def _r44_error(member: Member, teacher: Assignment | None, field: str) -> ValidationError:
    if teacher is not None:
        message = _(
            "%(member)s already liaises with the teacher %(teacher)s (since %(since)s). Every "
            "member liaises with exactly one general teacher: end or reassign that "
            "assignment first."
        ) % {"member": member.name, "teacher": teacher.contact.name, "since": teacher.started_on}
    else:
        message = _(
            "%(member)s already liaises with a teacher. Every member liaises with exactly one "
            "general teacher: end or reassign that assignment first."
        ) % {"member": member.name}
    return ValidationError({field: message})


def _overlapping(started_on: date):
    """Assignments in force on any day from `started_on` on (an end date in the future counts
    until it passes): a new open assignment from that day would overlap them (finding 4)."""
    return Assignment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=started_on))


def _check_r44(
    member: Member, field: str = "member", on: date | None = None, exclude_pk: int | None = None
) -> None:
    """R44: one teacher at a time; a teacher assignment ending in the future still counts."""
    teachers = _overlapping(on or timezone.localdate()).filter(
        member=member, contact_category=Category.TEACHER
    )
    teacher = teachers.exclude(pk=exclude_pk).select_related("contact").first()
    if teacher is not None:
        raise _r44_error(member, teacher, field)


def _check_general_teacher(contact: Contact, field: str = "member") -> None:
    """R44: a 一般教师 is not a party member: a contact with an active member's staff number is
    refused as a teacher."""
    if not contact.staff_no:
        return
    member = Member.objects.active().filter(staff_no=contact.staff_no).first()
    if member is not None:
        raise ValidationError(
            {
                field: _(
                    "%(contact)s has the staff number of the party member %(member)s: a teacher "
                    "to liaise with must be a general teacher, not a party member."
                )
                % {"contact": contact.name, "member": member.name}
            }
        )


def _save_assignment(
    assignment: Assignment, field: str = "contact", r44_field: str = "member"
) -> None:
    """Save; a concurrent second teacher or second member hits the database constraints, which
    come back as the same field errors as the checks before them."""
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as error:
        # PostgreSQL names the constraint; SQLite names the column of the partial unique index.
        text = str(error)
        if (
            "r44_one_open_teacher_per_member" in text
            or "r44_teacher_no_overlap" in text
            or "assignment.member_id" in text
        ):
            raise _r44_error(assignment.member, None, r44_field) from error
        raise ValidationError({field: _("This contact already has a member assigned.")}) from error


@transaction.atomic
def assignment_create(*, member: Member, contact: Contact, started_on: date, by) -> Assignment:
    """Assign a contact to a member of the same branch from `started_on` (R44 enforced)."""
    if member.branch_id != contact.branch_id or not member.active:
        raise ValidationError({"member": _("Choose an active member of the contact's branch.")})
    current = _overlapping(started_on).filter(contact=contact).select_related("member").first()
    if current is not None and current.ended_on is None:
        raise ValidationError(
            {
                "contact": _("%(contact)s is already assigned to %(member)s: reassign instead.")
                % {"contact": contact.name, "member": current.member.name}
            }
        )
    if current is not None:
        # Finding 4: an end date in the future counts until it passes.
        raise ValidationError(
            {
                "started_on": _(
                    "%(contact)s is assigned to %(member)s until %(until)s: start after that "
                    "day, or change that assignment first."
                )
                % {
                    "contact": contact.name,
                    "member": current.member.name,
                    "until": current.ended_on,
                }
            }
        )
    if contact.category == Category.TEACHER:
        _check_general_teacher(contact)
        _check_r44(member, on=started_on)
    assignment = Assignment(
        member=member,
        contact=contact,
        contact_category=contact.category,
        started_on=started_on,
        created_by=by,
    )
    assignment.full_clean(validate_constraints=False)
    _save_assignment(assignment)
    audit(
        AuditAction.CREATE,
        actor=by,
        obj=assignment,
        branch_id=contact.branch_id,
        contact_id=contact.pk,
    )
    for hook in ON_ASSIGNED:
        hook(assignment=assignment, by=by)
    return assignment


@transaction.atomic
def assignment_end(*, assignment: Assignment, ended_on: date, reason: str, by) -> Assignment:
    """End an assignment; the row stays as history (never deleted or overwritten)."""
    if assignment.ended_on is not None:
        raise ValidationError({"ended_on": _("This assignment has already ended.")})
    if ended_on < assignment.started_on:
        raise ValidationError(
            {
                "ended_on": _("The end cannot be before the start (%(start)s).")
                % {"start": assignment.started_on}
            }
        )
    if not Assignment.objects.filter(pk=assignment.pk, ended_on__isnull=True).update(
        ended_on=ended_on, end_reason=reason
    ):
        raise ValidationError({"ended_on": _("This assignment has already ended.")})
    assignment.refresh_from_db()
    audit(
        AuditAction.UPDATE,
        actor=by,
        obj=assignment,
        branch_id=assignment.contact.branch_id,
        contact_id=assignment.contact_id,
        details={"ended_on": str(ended_on)},
    )
    return assignment


@transaction.atomic
def assignment_reassign(
    *, assignment: Assignment, member: Member, on: date, reason: str, by
) -> Assignment:
    """End the current assignment the day before `on` and start a new one with `member`."""
    if member.pk == assignment.member_id:
        raise ValidationError({"member": _("The contact is already assigned to this member.")})
    if on <= assignment.started_on:
        raise ValidationError(
            {
                "on": _("The change must be after the current assignment began (%(start)s).")
                % {"start": assignment.started_on}
            }
        )
    contact = assignment.contact
    if contact.category == Category.TEACHER:
        _check_general_teacher(contact)
        _check_r44(member, on=on)
    assignment_end(assignment=assignment, ended_on=on - timedelta(days=1), reason=reason, by=by)
    try:
        return assignment_create(member=member, contact=contact, started_on=on, by=by)
    except ValidationError as error:
        raise ValidationError({"member": error.messages}) from error


@transaction.atomic
def pairing_apply(
    *, branch: Branch, pairs: list[tuple[int, int]], started_on: date, by
) -> list[Assignment]:
    """R53: apply the ticked rows of a pairing proposal in one transaction: all or nothing.

    A contact whose member is no longer active has that assignment ended the day before."""
    members = {m.pk: m for m in Member.objects.active().filter(branch=branch)}
    contacts = {c.pk: c for c in Contact.objects.active().filter(branch=branch)}
    orphaned = {a.contact_id: a for a in orphaned_assignments(branch, started_on)}
    created = []
    for member_id, contact_id in sorted(pairs):
        member, contact = members.get(member_id), contacts.get(contact_id)
        if member is None or contact is None:
            raise ValidationError(_("The proposal is out of date: ask for a new one."))
        try:
            if contact_id in orphaned:
                assignment_end(
                    assignment=orphaned[contact_id],
                    ended_on=started_on - timedelta(days=1),
                    reason=str(_("The member is no longer active.")),
                    by=by,
                )
            created.append(
                assignment_create(member=member, contact=contact, started_on=started_on, by=by)
            )
        except ValidationError as error:
            raise ValidationError(
                _("%(member)s ↔ %(contact)s: %(error)s")
                % {
                    "member": member.name,
                    "contact": contact.name,
                    "error": " ".join(error.messages),
                }
            ) from error
    return created
