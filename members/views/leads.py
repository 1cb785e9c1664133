"""R46 five leads: a member records, lists and edits their activities; evidence files are served
only through `lead_evidence`, after the same permission check as the activity itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members import access, services

from ..audit import audit
from ..editing import is_editable_on
from ..forms import FiveLeadForm
from ..models import AuditAction, FiveLeadActivity
from ..web import download_response


def _own_activity(user, pk: int) -> FiveLeadActivity:
    return access.get_visible_or_404(
        FiveLeadActivity.objects.select_related("member"), user, pk=pk, member__user=user
    )


def _fields(form: FiveLeadForm) -> dict:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "date": data["date"],
        "title": data["title"],
        "description": data["description"],
        "outcome": data["outcome"],
        "evidence": form.evidence_change(),
    }


@login_required
def leads(request):
    member = access.member_or_404(request.user)
    activities = list(FiveLeadActivity.objects.visible_to(request.user).filter(member=member))
    for activity in activities:
        activity.deletable = is_editable_on(activity.date)
    return render(request, "members/leads.html", {"activities": activities, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def lead_create(request):
    member = access.member_or_404(request.user)
    form = FiveLeadForm(request.POST or None, request.FILES or None, member=member)
    if request.method == "POST" and form.is_valid():
        services.five_lead_record(member=member, by=request.user, **_fields(form))
        messages.success(request, _("The activity is recorded."))
        return redirect("members:leads")
    return render(request, "members/leads_form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def lead_edit(request, pk: int):
    activity = _own_activity(request.user, pk)
    initial = {
        "kind": activity.kind,
        "date": activity.date,
        "title": activity.title,
        "description": activity.description,
        "outcome": activity.outcome,
    }
    form = FiveLeadForm(
        request.POST or None,
        request.FILES or None,
        member=activity.member,
        current_file=activity.evidence_name if activity.evidence else "",
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        services.five_lead_update(activity=activity, by=request.user, **_fields(form))
        messages.success(request, _("The activity is updated."))
        return redirect("members:leads")
    return render(request, "members/leads_form.html", {"form": form, "activity": activity})


@login_required
@require_http_methods(["GET", "POST"])
def lead_delete(request, pk: int):
    """R46: the member deletes their own activity within the editable window, after a
    confirmation page (GET); the deletion itself is a POST."""
    activity = _own_activity(request.user, pk)
    if not is_editable_on(activity.date):
        messages.error(
            request, _("This record can no longer be changed: the handbook is a record.")
        )
        return redirect("members:leads")
    if request.method == "POST":
        try:
            services.five_lead_delete(activity=activity, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The activity is deleted."))
        return redirect("members:leads")
    return render(request, "members/leads_confirm_delete.html", {"activity": activity})


@login_required
def lead_evidence(request, pk: int):
    """The file as a download with its checked type; never inline, never a direct media URL."""
    activity = access.get_visible_or_404(FiveLeadActivity.objects, request.user, pk=pk)
    if not activity.evidence:
        raise Http404
    try:
        handle = activity.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit(AuditAction.EXPORT, actor=request.user, obj=activity, branch_id=activity.member.branch_id)
    response = download_response(
        handle,
        filename=activity.evidence_name or _("evidence"),
        content_type=activity.evidence_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
