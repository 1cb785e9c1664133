"""Must-talk events (R51): the member records one; the secretary lists the branch's and records
one for any contact of the branch.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contacts.models import Contact, can_read_confidential, current_contact_ids
from members import access
from members.forms import apply_validation_error
from members.models import Member
from members.pinyin import sorted_by_pinyin
from members.web import paginate
from talks import obligations, selectors
from talks.services import talks as talk_services

from ..forms.talks import MustTalkEventForm
from ..models import CONFIDENTIAL_CATEGORIES, MustTalkEvent


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request, contact_pk: int):
    """R51: a member records an event for one of their own current contacts."""
    access.member_or_404(request.user)
    contact = (
        Contact.objects.filter(pk=contact_pk, pk__in=current_contact_ids(request.user))
        .select_related("branch")
        .first()
    )
    if contact is None:
        raise Http404
    form = MustTalkEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            talk_services.must_talk_event_record(
                contact=contact, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The must-talk event is recorded."))
            return redirect("talks:contact_detail", pk=contact.pk)
    return render(
        request,
        "talks/event_form.html",
        {"form": form, "contact": contact, "deadline_days": contact.branch.musttalk_deadline_days},
    )


@login_required
def event_list(request):
    """R51: the branch's must-talk events, filtered by state (default: open and overdue)."""
    branch = access.managed_branch(request)
    today = timezone.localdate()
    filters = selectors.event_filters(request.GET)
    events = selectors.filter_events(
        MustTalkEvent.objects.visible_to(request.user)
        .filter(branch=branch)
        .select_related("contact", "member"),
        filters,
        today,
    )
    page = paginate(request, events.order_by("due_on", "pk"))
    rows = [
        {
            "event": event,
            "state": obligations.event_state(event, today),
            "days_left": obligations.event_days_left(event, today),
        }
        for event in page.object_list
    ]
    for row in rows:
        row["days_overdue"] = -row["days_left"]
    contacts = Contact.objects.visible_to(request.user).filter(branch=branch).active()
    return render(
        request,
        "talks/branch_events.html",
        {
            "branch": branch,
            "rows": rows,
            "page": page,
            "filters": filters,
            "state": filters["state"],
            "states": selectors.event_states(),
            "members": sorted_by_pinyin(Member.objects.active().filter(branch=branch)),
            "contacts": sorted_by_pinyin(contacts),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def branch_event_create(request, contact_pk: int):
    """R51: the secretary records an event for any contact of the branch."""
    contact = access.managed_or_404(
        Contact.objects.select_related("branch"), request.user, pk=contact_pk
    )
    form = MustTalkEventForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.cleaned_data["category"] in CONFIDENTIAL_CATEGORIES
        and form.cleaned_data["note"]
        and not can_read_confidential(request.user, contact)
    ):
        # Finding 1: an admin records that a category 4 event exists, never its text.
        form.add_error(
            "note",
            _(
                "The note of a category 4 event is confidential: leave it empty, the branch "
                "secretary or the contact's member writes it."
            ),
        )
    if request.method == "POST" and form.is_valid():
        try:
            talk_services.must_talk_event_record(
                contact=contact, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The must-talk event is recorded."))
            # An admin opens a branch's list by naming it.
            back = f"?branch={contact.branch_id}" if access.is_admin(request.user) else ""
            return redirect(reverse("talks:branch_events") + back)
    return render(
        request,
        "talks/event_form.html",
        {"form": form, "contact": contact, "deadline_days": contact.branch.musttalk_deadline_days},
    )
