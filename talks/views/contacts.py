"""A contact's page (R31, R32, R51): the timeline of talks, observations, stage changes, assistance
and must-talk events. Lives in talks because it reads talks' records (contacts sits below talks).

Opened by the contact's current member and by the branch's secretary (and, without any
confidential text, by the branch's leader and the admin), all through `visible_to`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from contacts.models import (
    Assignment,
    AssistanceRecord,
    Category,
    Contact,
    can_read_confidential,
    can_read_record_text,
    current_contact_ids,
)
from members import access
from members.audit import audit
from members.models import AuditAction
from members.web import paginate
from talks import obligations, selectors

from ..models import MustTalkEvent, TalkLog


@dataclass
class Entry:
    """One line of the timeline; `text_visible` is False where the reader may see only the date."""

    date: date
    kind: str
    obj: object
    text_visible: bool = True
    state: obligations.EventState | None = None
    days_left: int | None = None


@login_required
def contact_detail(request, pk: int):
    user = request.user
    contact = access.get_visible_or_404(
        Contact.objects.select_related("branch", "department"), user, pk=pk
    )
    today = timezone.localdate()

    entries: list[Entry] = []
    for talk in (
        TalkLog.objects.visible_to(user)
        .filter(contact=contact)
        .select_related("member", "must_talk_event")
    ):
        talk.contact = contact
        entries.append(Entry(talk.date, "talk", talk, can_read_record_text(user, talk)))
    for event in (
        MustTalkEvent.objects.visible_to(user).filter(contact=contact).select_related("member")
    ):
        event.contact = contact
        entries.append(
            Entry(
                event.occurred_on,
                "event",
                event,
                can_read_record_text(user, event),
                state=obligations.event_state(event, today),
                days_left=obligations.event_days_left(event, today),
            )
        )
    for change in contact.stage_changes.all():
        entries.append(Entry(change.changed_on, "stage", change))
    for record in (
        AssistanceRecord.objects.visible_to(user).filter(contact=contact).select_related("author")
    ):
        record.contact = contact
        entries.append(Entry(record.date, "assistance", record, can_read_record_text(user, record)))
    entries.sort(key=lambda e: (e.date, e.kind), reverse=True)
    # A kind and a page at a time: the same four queries however long the contact's history.
    kind = selectors.timeline_kind(request.GET)
    page = paginate(request, [e for e in entries if kind in ("all", e.kind)])

    is_hardship = contact.category == Category.HARDSHIP
    # Kept when the category changed: readable as before by those allowed, by nobody else.
    hardship_visible = bool(contact.hardship_description) and can_read_confidential(user, contact)
    confidential_shown = hardship_visible or any(
        e.text_visible and _is_confidential(e) for e in page.object_list
    )
    if confidential_shown:
        audit(
            AuditAction.VIEW_CONFIDENTIAL,
            actor=user,
            obj=contact,
            branch_id=contact.branch_id,
            contact_id=contact.pk,
        )
    is_my_contact = contact.pk in current_contact_ids(user)
    return render(
        request,
        "contacts/detail.html",
        {
            "contact": contact,
            "entries": page.object_list,
            "page": page,
            "kind": kind,
            "kinds": selectors.timeline_kinds(),
            "current": Assignment.objects.current(today)
            .filter(contact=contact)
            .select_related("member")
            .first(),
            "hardship_visible": hardship_visible,
            "is_my_contact": is_my_contact,
            "may_add_assistance": is_hardship
            and (is_my_contact or access.is_secretary_of(user, contact.branch_id)),
        },
    )


def _is_confidential(entry: Entry) -> bool:
    return bool(getattr(entry.obj, "confidential", False))
