"""Writes of the member's side: handbook entries (R45), must-talk events (R51)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Assignment, Contact
from members.audit import audit
from members.models import AuditAction, Member

from ..models import (
    CONFIDENTIAL_CATEGORIES,
    ConfirmationState,
    MustTalkCategory,
    MustTalkEvent,
    TalkLog,
)
from .opinions import opinions_from_talk

# Back and Save again (the page is reloaded with a fresh token and the typed fields refilled) must
# not make a second record: the same talk typed again within this time is refused.
TYPED_TWICE_WINDOW = timedelta(hours=24)


class TalkTypedTwice(Exception):
    """The same talk (member, contact, date, kind, content) was saved a moment ago."""

    def __init__(self, talk: TalkLog):
        super().__init__(talk.pk)
        self.talk = talk


def _fingerprint(content: str) -> str:
    return " ".join(content.split())


def _refuse_typed_twice(
    *,
    member: Member,
    assignment: Assignment,
    date: date,
    is_talk: bool,
    is_work_report: bool,
    content: str,
) -> None:
    recent = TalkLog.objects.filter(
        member=member,
        contact_id=assignment.contact_id,
        date=date,
        is_talk=is_talk,
        is_work_report=is_work_report,
        created_at__gte=timezone.now() - TYPED_TWICE_WINDOW,
    ).only("pk", "content", "created_at")
    # The latest few are enough (a page sent again follows its first save) and keep the check
    # bounded however many talks with that contact one day holds.
    for talk in recent.order_by("-created_at", "-pk")[:10]:
        if _fingerprint(talk.content) == _fingerprint(content):
            raise TalkTypedTwice(talk)


def _check_closes(event: MustTalkEvent, *, member: Member, contact_id: int, is_talk: bool) -> None:
    """R51: only a talk (not a work report heard alone) with the event's contact, by the member
    the event is with now, closes it."""
    if not is_talk:
        raise ValidationError(
            {"must_talk_event": _("Only a talk closes a must-talk event, not a work report alone.")}
        )
    if event.contact_id != contact_id:
        raise ValidationError({"must_talk_event": _("This event is about another contact.")})
    if event.member_id != member.pk:
        raise ValidationError({"must_talk_event": _("This event is with another member now.")})


def _close_event(event: MustTalkEvent, on: date) -> None:
    # A conditional update claims the event: of two talks naming it at once, one wins.
    if not MustTalkEvent.objects.filter(pk=event.pk, closed_on__isnull=True).update(closed_on=on):
        raise ValidationError({"must_talk_event": _("This event has already been closed.")})


def _reopen_event(event_id: int | None) -> None:
    if event_id is not None:
        MustTalkEvent.objects.filter(pk=event_id).update(closed_on=None)


def talk_log_record(
    *,
    member: Member,
    assignment: Assignment,
    date: date,
    place: str,
    is_talk: bool,
    is_work_report: bool,
    content: str,
    about_thought: bool = False,
    about_life: bool = False,
    about_work: bool = False,
    explains_policy: bool = False,
    is_criticism: bool = False,
    observation: str = "",
    must_talk_event: MustTalkEvent | None = None,
    opinions: list[str] | None = None,
    submission_token: uuid.UUID,
    by,
) -> TalkLog:
    """Write one handbook entry. The same submission token twice (a double submit, also two
    requests in parallel) gives back the first entry instead of a second one: the token's
    unique index refuses the second row, so the first is read only then. The same talk typed
    again (Back and Save again brings a new token) raises TalkTypedTwice with the saved one."""
    if assignment.member_id != member.pk:
        raise PermissionDenied
    _refuse_typed_twice(
        member=member,
        assignment=assignment,
        date=date,
        is_talk=is_talk,
        is_work_report=is_work_report,
        content=content,
    )
    if must_talk_event is not None:
        _check_closes(
            must_talk_event, member=member, contact_id=assignment.contact_id, is_talk=is_talk
        )
    try:
        with transaction.atomic():
            talk = TalkLog(
                member=member,
                contact=assignment.contact,
                assignment=assignment,
                date=date,
                place=place,
                is_talk=is_talk,
                is_work_report=is_work_report,
                content=content,
                about_thought=about_thought,
                about_life=about_life,
                about_work=about_work,
                explains_policy=explains_policy,
                is_criticism=is_criticism,
                # Fixed now, from what the talk is when written (RULES.md "Who may read what").
                confidential=TalkLog.confidential_when_written(
                    contact=assignment.contact,
                    must_talk_event=must_talk_event,
                    is_criticism=is_criticism,
                ),
                observation=observation,
                must_talk_event=must_talk_event,
                submission_token=submission_token,
            )
            # The related rows come from this request's queries and the check constraint
            # (talk or report) from the form; the database enforces both again. Checking them
            # here cost 6 of the save's 11 queries (docs/performance.md).
            talk.full_clean(
                exclude=["member", "contact", "assignment", "must_talk_event"],
                validate_unique=False,
                validate_constraints=False,
            )
            talk.save()
            if must_talk_event is not None:
                _close_event(must_talk_event, date)
            opinions_from_talk(talk=talk, lines=opinions or [], by=by)
            audit(
                AuditAction.CREATE,
                actor=by,
                obj=talk,
                branch_id=member.branch_id,
                contact_id=talk.contact_id,
            )
    except IntegrityError:
        existing = TalkLog.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        return _same_author(existing, member)
    return talk


def _same_author(talk: TalkLog, member: Member) -> TalkLog:
    if talk.member_id != member.pk:
        raise PermissionDenied
    return talk


def _check_editable(talk: TalkLog, by) -> None:
    if talk.member.user_id != by.pk:
        raise PermissionDenied
    if not talk.is_editable_on(timezone.localdate()):
        raise ValidationError(_("This record can no longer be changed: the handbook is a record."))


@transaction.atomic
def talk_log_update(
    *,
    talk: TalkLog,
    date: date,
    place: str,
    is_talk: bool,
    is_work_report: bool,
    content: str,
    about_thought: bool = False,
    about_life: bool = False,
    about_work: bool = False,
    explains_policy: bool = False,
    is_criticism: bool = False,
    observation: str = "",
    must_talk_event: MustTalkEvent | None = None,
    by,
) -> TalkLog:
    """The author changes an entry while it is editable; a changed event is reopened/closed.
    A confidential entry stays confidential; an edit making it confidential makes it so."""
    _check_editable(talk, by)
    old_event_id = talk.must_talk_event_id
    new_event_id = must_talk_event.pk if must_talk_event else None
    changed = []
    for name, value in {
        "date": date,
        "place": place,
        "is_talk": is_talk,
        "is_work_report": is_work_report,
        "content": content,
        "about_thought": about_thought,
        "about_life": about_life,
        "about_work": about_work,
        "explains_policy": explains_policy,
        "is_criticism": is_criticism,
        "observation": observation,
    }.items():
        if getattr(talk, name) != value:
            changed.append(name)
            setattr(talk, name, value)
    if must_talk_event is not None and (old_event_id != new_event_id or not is_talk):
        _check_closes(
            must_talk_event, member=talk.member, contact_id=talk.contact_id, is_talk=is_talk
        )
    if old_event_id != new_event_id:
        changed.append("must_talk_event")
        _reopen_event(old_event_id)
        if must_talk_event is not None:
            _close_event(must_talk_event, date)
        talk.must_talk_event = must_talk_event
    elif new_event_id is not None and "date" in changed:
        MustTalkEvent.objects.filter(pk=new_event_id).update(closed_on=date)
    if not talk.is_editable_on(timezone.localdate()):
        raise ValidationError({"date": _("A record may not be moved to a month already closed.")})
    talk.confidential = talk.confidential or TalkLog.confidential_when_written(
        contact=talk.contact, must_talk_event=talk.must_talk_event, is_criticism=is_criticism
    )
    if changed:
        # R42: the contact answered for the old text, not this one: links and a confirmation
        # are void. A denial stays flagged (an edit must not erase it) until the contact
        # confirms a later version.
        talk.version += 1
        if talk.confirmation_state != ConfirmationState.DENIED:
            talk.confirmation_state = ConfirmationState.NONE
    talk.full_clean(validate_unique=False)
    talk.save()
    audit(
        AuditAction.UPDATE,
        actor=by,
        obj=talk,
        branch_id=talk.member.branch_id,
        contact_id=talk.contact_id,
        details={"fields": changed},
    )
    return talk


@transaction.atomic
def talk_log_delete(*, talk: TalkLog, by) -> None:
    """The author deletes an entry while it is editable; the event it closed is open again.
    Opinions it raised stay in the queue (they were already conveyed). A talk the contact
    denied stays (R42: deleting it would erase the denial the secretary must see)."""
    _check_editable(talk, by)
    if talk.confirmation_state == ConfirmationState.DENIED:
        raise ValidationError(
            _("The contact answered that this talk did not take place: it stays for the secretary.")
        )
    _reopen_event(talk.must_talk_event_id)
    audit(
        AuditAction.DELETE,
        actor=by,
        obj=talk,
        branch_id=talk.member.branch_id,
        contact_id=talk.contact_id,
    )
    talk.delete()


@transaction.atomic
def must_talk_event_record(
    *,
    contact: Contact,
    category: str,
    sub_kind: str,
    occurred_on: date,
    note: str,
    how_known: str = "",
    by,
) -> MustTalkEvent:
    """R51: the contact's current member must talk with them within the branch's deadline.

    The sub-kind must belong to the category and a category 4 problem says whether it was found
    or reported by the masses, whoever calls (a form, the secretary's page, a script)."""
    if category == MustTalkCategory.CONDUCT and not how_known:
        raise ValidationError(
            {"how_known": _("Say whether the problem was found or reported by the masses.")}
        )
    assignment = (
        Assignment.objects.current().filter(contact=contact).select_related("member").first()
    )
    if assignment is None:
        raise ValidationError(_("This contact has no member assigned today."))
    branch = contact.branch
    event = MustTalkEvent(
        branch=branch,
        contact=contact,
        member=assignment.member,
        category=category,
        sub_kind=sub_kind,
        how_known=how_known,
        occurred_on=occurred_on,
        due_on=occurred_on + timedelta(days=branch.musttalk_deadline_days),
        note=note,
        # Fixed now (RULES.md "Who may read what"): a later change of the category does not
        # open the note.
        confidential=category in CONFIDENTIAL_CATEGORIES,
        recorded_by=by,
    )
    event.full_clean()
    event.save()
    audit(AuditAction.CREATE, actor=by, obj=event, branch_id=branch.pk, contact_id=contact.pk)
    return event


def must_talk_events_pass_on(*, assignment: Assignment, by) -> int:
    """R51: when a contact gets a new member, their open must-talk events pass to that member
    with their deadlines unchanged (the former member can no longer talk for the branch).
    Called by contacts.services.assignment_create in its transaction (registered in
    TalksConfig.ready: contacts cannot import talks). Returns how many passed."""
    events = list(
        MustTalkEvent.objects.open()
        .filter(contact_id=assignment.contact_id)
        .exclude(member_id=assignment.member_id)
        .values_list("pk", "member_id")
    )
    if not events:
        return 0
    MustTalkEvent.objects.filter(pk__in=[pk for pk, _m in events], closed_on__isnull=True).update(
        member_id=assignment.member_id
    )
    for pk, former in events:
        audit(
            AuditAction.UPDATE,
            actor=by,
            obj=MustTalkEvent(pk=pk),
            branch_id=assignment.contact.branch_id,
            contact_id=assignment.contact_id,
            details={"member": [former, assignment.member_id], "reason": "reassigned"},
        )
    return len(events)
