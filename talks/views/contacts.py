"""A contact's page (R31, R32, R51): the timeline of talks, observations, stage changes, assistance
and must-talk events. Lives in talks because it reads talks' records (contacts sits below talks).

Opened by the contact's current member and by the branch's secretary (and, without any
confidential text, by the branch's leader and the admin), all through `visible_to`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from contacts.models import (
    Assignment,
    Category,
    Contact,
    can_read_confidential,
    current_contact_ids,
)
from members import access
from members.audit import audit
from members.models import AuditAction
from members.web import paginate
from talks import selectors


@login_required
def contact_detail(request, pk: int):
    user = request.user
    contact = access.get_visible_or_404(
        Contact.objects.select_related("branch", "department"), user, pk=pk
    )
    today = timezone.localdate()

    entries = selectors.contact_timeline(user, contact, today)
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


def _is_confidential(entry: selectors.Entry) -> bool:
    return bool(getattr(entry.obj, "confidential", False))
