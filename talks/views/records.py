"""The branch's own records: symposiums (R52) with their attachments and minutes PDF, the
leader's visits and the briefings (R54).

The minutes PDF is read by whoever reads the symposium; every download is audited like any other
file handed out.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members import access
from members.audit import audit
from members.editing import is_editable_on, mark_editable
from members.forms import apply_validation_error
from members.models import AuditAction, Branch
from members.pdf import pdf_response, person_name, render_pdf
from members.pinyin import sorted_by_pinyin
from members.web import download_name, download_response
from talks.services import records as record_services

from ..forms.records import BriefingForm, LeaderVisitForm, SymposiumForm
from ..models import Briefing, LeaderVisit, Symposium, SymposiumAttachment

LIST_LIMIT = 500


@login_required
def symposium_list(request):
    """R52: the branch's symposiums; the semester count against the target is on the dashboard.
    Committee members read the list; only the secretary (or admin) records a new one."""
    branch = access.readable_branch(request)
    symposiums = (
        Symposium.objects.visible_to(request.user)
        .filter(branch=branch)
        .prefetch_related("opinions")
    )
    return render(
        request,
        "talks/branch_symposiums.html",
        {
            "branch": branch,
            "symposiums": list(symposiums[:LIST_LIMIT]),
            "can_manage": access.can_manage_branch(request.user, branch.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def symposium_create(request):
    branch = access.managed_branch(request)
    form = SymposiumForm(request.POST or None, request.FILES or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        symposium = record_services.symposium_record(
            branch=branch, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("The symposium is recorded."))
        return redirect("talks:symposium_detail", pk=symposium.pk)
    return render(request, "talks/branch_form.html", {"form": form, "title": _("New symposium")})


@login_required
def symposium_detail(request, pk: int):
    """Members of the branch may read a symposium (BranchRecordQuerySet); others get 404."""
    symposium = access.get_visible_or_404(Symposium.objects, request.user, pk=pk)
    can_manage = access.can_manage_branch(request.user, symposium.branch_id)
    return render(
        request,
        "talks/branch_symposium_detail.html",
        {
            "symposium": symposium,
            "opinions": list(symposium.opinions.all()),
            "attachments": list(symposium.attachments.all()),
            "can_manage": can_manage,
            # R52: minutes and files are completed within the editable window (members.editing).
            "editable": can_manage and is_editable_on(symposium.held_on),
        },
    )


@login_required
@require_POST
def leader_visit_create(request):
    """R54: the leader records a visit at their contact point (from the leader's page)."""
    branch_id = access.leader_branch_id(request.user)
    if branch_id is None:
        raise PermissionDenied
    form = LeaderVisitForm(request.POST)
    if not form.is_valid():
        # The form again with what was typed and the errors at the fields (issue 14 item 3).
        return render(
            request, "talks/branch_form.html", {"form": form, "title": _("Record a visit")}
        )
    record_services.leader_visit_record(
        leader=access.profile(request.user),
        branch=Branch.objects.get(pk=branch_id),
        by=request.user,
        **form.cleaned_data,
    )
    messages.success(request, _("The visit is recorded."))
    return redirect("inspections:leader_home")


@login_required
@require_http_methods(["GET", "POST"])
def briefing_create(request):
    """R54: a briefing, by the leader at their contact point or by the branch secretary (whose
    dashboard and briefings page open this form with GET)."""
    branch_id = access.leader_branch_id(request.user) or access.secretary_branch_id(request.user)
    if branch_id is None:
        raise PermissionDenied
    if request.method == "GET":
        form = BriefingForm(initial={"date": timezone.localdate()})
        return render(
            request, "talks/branch_form.html", {"form": form, "title": _("Record a briefing")}
        )
    form = BriefingForm(request.POST)
    if not form.is_valid():
        return render(
            request, "talks/branch_form.html", {"form": form, "title": _("Record a briefing")}
        )
    record_services.briefing_record(
        branch=Branch.objects.get(pk=branch_id),
        given_by=access.profile(request.user),
        by=request.user,
        **form.cleaned_data,
    )
    messages.success(request, _("The briefing is recorded."))
    if access.leader_branch_id(request.user):
        return redirect("inspections:leader_home")
    return redirect("talks:briefing_list")


@login_required
def briefing_list(request):
    """R54: the branch's briefings with the lag from decision to briefing (secretary, admin)."""
    branch = access.managed_branch(request)
    briefings = (
        Briefing.objects.visible_to(request.user).filter(branch=branch).select_related("given_by")
    )
    return render(
        request,
        "talks/branch_briefings.html",
        {
            "branch": branch,
            "briefings": mark_editable(
                list(briefings[:LIST_LIMIT]), request.user, record_services.can_edit_briefing
            ),
            # An admin reads the list; the branch's secretary records (briefing_create).
            "can_record": access.secretary_branch_id(request.user) == branch.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def briefing_edit(request, pk: int):
    """R54: its giver or the branch secretary changes a briefing while it is editable."""
    briefing = access.get_visible_or_404(
        Briefing.objects.select_related("given_by"), request.user, pk=pk
    )
    if not record_services.can_edit_briefing(briefing, request.user):
        raise Http404
    if not is_editable_on(briefing.date):
        messages.error(
            request, _("This record can no longer be changed: the handbook is a record.")
        )
        return redirect(_briefings_home(request))
    initial = {
        name: getattr(briefing, name)
        for name in ("decided_on", "date", "subject", "audience", "content")
    }
    form = BriefingForm(request.POST or None, initial=initial, edit=True)
    if request.method == "POST" and form.is_valid():
        try:
            record_services.briefing_update(briefing=briefing, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The briefing is updated."))
            return redirect(_briefings_home(request))
    return render(request, "talks/branch_form.html", {"form": form, "title": _("Edit briefing")})


def _briefings_home(request) -> str:
    if access.leader_branch_id(request.user):
        return "inspections:leader_home"
    return "talks:briefing_list"


@login_required
@require_http_methods(["GET", "POST"])
def leader_visit_edit(request, pk: int):
    """R54: the leader changes their own visit while it is editable."""
    visit = access.get_visible_or_404(
        LeaderVisit.objects.select_related("leader"), request.user, pk=pk
    )
    if visit.leader.user_id != request.user.pk:
        raise Http404
    if not is_editable_on(visit.date):
        messages.error(
            request, _("This record can no longer be changed: the handbook is a record.")
        )
        return redirect("inspections:leader_home")
    initial = {name: getattr(visit, name) for name in ("date", "kind", "people_met", "summary")}
    form = LeaderVisitForm(request.POST or None, initial=initial, edit=True)
    if request.method == "POST" and form.is_valid():
        try:
            record_services.leader_visit_update(visit=visit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The visit is updated."))
            return redirect("inspections:leader_home")
    return render(request, "talks/branch_form.html", {"form": form, "title": _("Edit visit")})


@login_required
@require_http_methods(["GET", "POST"])
def symposium_edit(request, pk: int):
    """R52: the secretary completes a symposium (minutes, attendance, files) while editable."""
    symposium = access.managed_or_404(
        Symposium.objects.select_related("branch"), request.user, pk=pk
    )
    if not is_editable_on(symposium.held_on):
        messages.error(
            request, _("This record can no longer be changed: the handbook is a record.")
        )
        return redirect("talks:symposium_detail", pk=symposium.pk)
    initial = {
        name: getattr(symposium, name)
        for name in (
            "held_on",
            "topic",
            "party_representatives",
            "masses_representatives",
            "members_present",
            "participants",
            "minutes",
        )
    }
    initial["members_attended"] = list(symposium.members_attended.all())
    form = SymposiumForm(
        request.POST or None,
        request.FILES or None,
        branch=symposium.branch,
        initial=initial,
        edit=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_services.symposium_update(
                symposium=symposium, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The symposium is updated."))
            return redirect("talks:symposium_detail", pk=symposium.pk)
    return render(
        request,
        "talks/branch_form.html",
        {"form": form, "title": _("Edit symposium: %(topic)s") % {"topic": symposium.topic}},
    )


@login_required
def symposium_attachment(request, pk: int):
    """A symposium's file as a download with its checked type, after the symposium's own
    permission check (BranchRecordQuerySet); never inline, never a direct media URL."""
    attachment = get_object_or_404(SymposiumAttachment.objects.select_related("symposium"), pk=pk)
    access.get_visible_or_404(Symposium.objects, request.user, pk=attachment.symposium_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    # Every file handed out is audited (RULES.md "Who may read what").
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=attachment,
        branch_id=attachment.symposium.branch_id,
        details={"symposium": attachment.symposium_id},
    )
    response = download_response(
        handle, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def symposium_attachment_delete(request, pk: int):
    attachment = get_object_or_404(SymposiumAttachment.objects.select_related("symposium"), pk=pk)
    symposium = access.managed_or_404(Symposium.objects, request.user, pk=attachment.symposium_id)
    try:
        record_services.symposium_attachment_delete(attachment=attachment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file is removed."))
    return redirect("talks:symposium_detail", pk=symposium.pk)


@login_required
def symposium_pdf(request, pk: int):
    symposium = access.get_visible_or_404(
        Symposium.objects.select_related("branch", "recorded_by__member"), request.user, pk=pk
    )
    pdf = render_pdf(
        "pdf/symposium.html",
        {
            "symposium": symposium,
            "opinions": list(symposium.opinions.order_by("pk")),
            "members_attended": sorted_by_pinyin(symposium.members_attended.all()),
            "recorder": person_name(symposium.recorded_by) if symposium.recorded_by else "",
        },
        generated_by=request.user,
    )
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=symposium,
        branch_id=symposium.branch_id,
        object_repr=f"symposium minutes PDF {symposium.held_on}",
    )
    return pdf_response(
        pdf,
        download_name(
            symposium.branch.name,
            symposium.held_on.isoformat(),
            _("symposium minutes"),
            ext="pdf",
        ),
    )
