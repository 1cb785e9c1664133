"""The secretary's pages for contacts and assignments (R31–R33, R44) and the pairing proposal
(R53). The branch is the secretary's own (an admin names one with ?branch=); an object of a
branch the user does not manage is a 404. Also the member's own assistance record form (the
contact's own page is talks:contact_detail: it shows talks)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members import access
from members.audit import audit
from members.forms import apply_validation_error
from members.models import AuditAction, Branch
from members.web import id_param

from .. import selectors
from ..forms import (
    AssignmentForm,
    AssistanceRecordForm,
    ContactForm,
    EndAssignmentForm,
    ReassignForm,
)
from ..models import Assignment, Category, Contact, can_read_confidential, current_contact_ids
from ..services import contacts as contact_services

LIST_LIMIT = 500


def _managed_contact(user, pk: int) -> Contact:
    return access.managed_or_404(
        Contact.objects.select_related("branch", "department"), user, pk=pk
    )


def _managed_assignment(user, pk: int) -> Assignment:
    return access.managed_or_404(
        Assignment.objects.select_related("member", "contact__branch"),
        user,
        branch_of=lambda assignment: assignment.contact.branch_id,
        pk=pk,
    )


def branch_query(branch: Branch, user) -> str:
    """Keep an admin's ?branch= on the way back to the list."""
    return f"?branch={branch.pk}" if access.is_admin(user) else ""


@login_required
def manage_list(request):
    """The branch's contacts with their current member; ?category= and ?q= filter."""
    branch = access.managed_branch(request)
    today = timezone.localdate()
    contacts = (
        Contact.objects.visible_to(request.user)
        .filter(branch=branch)
        .select_related("department")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.current(today).select_related("member"),
                to_attr="current_assignments",
            )
        )
    )
    category = request.GET.get("category", "")
    if category in Category.values:
        contacts = contacts.filter(category=category)
    query = request.GET.get("q", "").replace("\x00", "").strip()
    if query:
        contacts = contacts.filter(Q(name__icontains=query) | Q(staff_no__icontains=query))
    rows = [
        {"contact": c, "assignment": c.current_assignments[0] if c.current_assignments else None}
        for c in contacts.order_by("-active", "name", "pk")[:LIST_LIMIT]
    ]
    return render(
        request,
        "contacts/manage_list.html",
        {
            "branch": branch,
            "rows": rows,
            "category": category,
            "categories": Category.choices,
            "q": query,
            "branch_query": branch_query(branch, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request):
    branch = access.managed_branch(request)
    # Only the branch's secretary writes a hardship description; an admin creates without it.
    form = ContactForm(
        request.POST or None,
        branch=branch,
        may_read_confidential=access.is_secretary_of(request.user, branch.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = contact_services.contact_create(
                branch=branch, values=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The contact is saved."))
            return redirect("contacts:manage_detail", pk=contact.pk)
    return render(
        request, "contacts/manage_form.html", {"form": form, "contact": None, "branch": branch}
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk: int):
    contact = _managed_contact(request.user, pk)
    may_read = can_read_confidential(request.user, contact)
    form = ContactForm(
        request.POST or None,
        instance=contact,
        branch=contact.branch,
        may_read_confidential=may_read,
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact_services.contact_update(
                contact=contact, values=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The contact is saved."))
            return redirect("contacts:manage_detail", pk=contact.pk)
    if may_read and contact.hardship_description:
        # The edit form shows the confidential description to the secretary: audited.
        audit(
            AuditAction.VIEW_CONFIDENTIAL,
            actor=request.user,
            obj=contact,
            branch_id=contact.branch_id,
            contact_id=contact.pk,
        )
    return render(
        request,
        "contacts/manage_form.html",
        {"form": form, "contact": contact, "branch": contact.branch},
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_detail(request, pk: int):
    """A contact's assignments (history kept) with the forms to assign, reassign and end."""
    contact = _managed_contact(request.user, pk)
    history = list(contact.assignments.select_related("member").order_by("-started_on", "-pk"))
    current = next((a for a in history if a.ended_on is None), None)
    today = timezone.localdate()
    assign_form = AssignmentForm(
        request.POST if request.method == "POST" and current is None else None,
        branch=contact.branch,
        initial={"started_on": today},
    )
    if request.method == "POST":
        if current is not None:
            raise PermissionDenied
        if assign_form.is_valid():
            try:
                contact_services.assignment_create(
                    contact=contact,
                    member=assign_form.cleaned_data["member"],
                    started_on=assign_form.cleaned_data["started_on"],
                    by=request.user,
                )
            except ValidationError as error:
                apply_validation_error(assign_form, error)
            else:
                messages.success(request, _("The contact is assigned."))
                return redirect("contacts:manage_detail", pk=contact.pk)
    return render(
        request,
        "contacts/manage_detail.html",
        {
            "contact": contact,
            "history": history,
            "current": current,
            "assign_form": assign_form,
            "reassign_form": ReassignForm(branch=contact.branch, initial={"on": today}),
            "end_form": EndAssignmentForm(initial={"ended_on": today}),
            "stages": list(contact.stage_changes.all()),
            "branch_query": branch_query(contact.branch, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_reassign(request, pk: int):
    assignment = _managed_assignment(request.user, pk)
    contact = assignment.contact
    form = ReassignForm(request.POST or None, branch=contact.branch)
    if request.method == "POST" and form.is_valid():
        try:
            contact_services.assignment_reassign(
                assignment=assignment, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The contact is reassigned; the history is kept."))
            return redirect("contacts:manage_detail", pk=contact.pk)
    return render(
        request,
        "contacts/manage_assignment_form.html",
        {"form": form, "assignment": assignment, "title": _("Reassign")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_end(request, pk: int):
    assignment = _managed_assignment(request.user, pk)
    form = EndAssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_services.assignment_end(
                assignment=assignment, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The assignment has ended; the history is kept."))
            return redirect("contacts:manage_detail", pk=assignment.contact_id)
    return render(
        request,
        "contacts/manage_assignment_form.html",
        {"form": form, "assignment": assignment, "title": _("End the assignment")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pairing_view(request):
    """R53: the proposal as a table of ticked rows; the secretary unticks and applies."""
    branch = access.managed_branch(request)
    today = timezone.localdate()
    proposal, members, contacts = selectors.branch_proposal(branch, today)
    if request.method == "POST":
        pairs = []
        for value in request.POST.getlist("pair"):
            member_id, _sep, contact_id = value.partition("-")
            if id_param(member_id) is not None and id_param(contact_id) is not None:
                pairs.append((id_param(member_id), id_param(contact_id)))
        if not pairs:
            messages.error(request, _("No row is ticked: nothing was applied."))
        else:
            try:
                created = contact_services.pairing_apply(
                    branch=branch, pairs=pairs, started_on=today, by=request.user
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("%(n)s assignments were made.") % {"n": len(created)})
                return redirect(
                    reverse("contacts:manage_list") + branch_query(branch, request.user)
                )
    return render(
        request,
        "contacts/pairing.html",
        {
            "branch": branch,
            "rows": [
                {
                    "pair": p,
                    "member": members[p.member_id],
                    "contact": contacts[p.contact_id],
                    "value": f"{p.member_id}-{p.contact_id}",
                }
                for p in proposal.pairs
            ],
            "left_over": [
                {"contact": contacts[cid], "reason": selectors.LEFT_OVER_REASONS[code]}
                for cid, code in proposal.left_over
            ],
            "without_teacher": [members[mid] for mid in proposal.without_teacher],
            "ratio": branch.pairing_ratio,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assistance_create(request, pk: int):
    """R32: the contact's current member (or the branch secretary) adds an assistance record."""
    user = request.user
    contact = access.get_visible_or_404(
        Contact.objects.filter(category=Category.HARDSHIP), user, pk=pk
    )
    author = access.branch_member(user)
    if author is None or not (
        contact.pk in current_contact_ids(user) or access.is_secretary_of(user, contact.branch_id)
    ):
        raise Http404
    form = AssistanceRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact_services.assistance_record_create(
            contact=contact, author=author, by=user, **form.cleaned_data
        )
        messages.success(request, _("The assistance record is saved."))
        return redirect("talks:contact_detail", pk=contact.pk)
    return render(request, "contacts/assistance_form.html", {"form": form, "contact": contact})
