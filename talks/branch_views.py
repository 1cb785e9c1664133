"""The secretary's pages of talks: the opinion queue (R43), the branch's must-talk events (R51),
symposiums (R52); the leader's visits and briefings (R54).

The branch is the secretary's own (an admin names one with ?branch=); a single object of a
branch the user does not manage is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contacts.models import Contact, can_read_confidential
from members import access
from members.audit import audit
from members.downloads import download_response
from members.editing import is_editable_on, mark_editable
from members.form_errors import apply_validation_error
from members.listing import paginate
from members.models import AuditAction, Branch, Member
from members.params import id_param
from members.pinyin import sorted_by_pinyin

from . import branch_services, lists, obligations, services
from .branch_forms import (
    BoxOpinionForm,
    BriefingForm,
    LeaderVisitForm,
    OpinionStatusForm,
    SymposiumForm,
)
from .forms import MustTalkEventForm
from .models import (
    CONFIDENTIAL_CATEGORIES,
    Briefing,
    LeaderVisit,
    MustTalkEvent,
    Opinion,
    OpinionSource,
    OpinionStatus,
    Symposium,
    SymposiumAttachment,
)

LIST_LIMIT = 500


def managed_branch(request) -> Branch:
    """The secretary's branch, or for an admin the branch named by ?branch=; others: 403."""
    user = request.user
    branch_id = access.secretary_branch_id(user)
    if access.is_admin(user) and id_param(request.GET.get("branch")) is not None:
        branch_id = id_param(request.GET["branch"])
    if branch_id is None or not access.can_manage_branch(user, branch_id):
        raise PermissionDenied
    branch = Branch.objects.visible_to(user).filter(pk=branch_id).first()
    if branch is None:
        raise Http404
    return branch


def readable_branch(request) -> Branch:
    """Like managed_branch, and also a committee member's own branch: committee members read the
    opinion queue and symposiums (OpinionQuerySet.visible_to) but change nothing."""
    member = access.branch_member(request.user)
    if member and access.is_committee_of(request.user, member.branch_id):
        if not access.can_manage_branch(request.user, member.branch_id):
            return member.branch
    return managed_branch(request)


def managed_object_or_404(queryset, user, **lookup):
    """Through visible_to, and only in a branch the user manages: anything else is a 404."""
    obj = access.get_visible_or_404(queryset, user, **lookup)
    if not access.can_manage_branch(user, obj.branch_id):
        raise Http404
    return obj


def _opinion_row(opinion: Opinion, today) -> dict:
    end = timezone.localdate(opinion.answered_at) if opinion.answered_at else today
    return {
        "opinion": opinion,
        "days": (end - opinion.received_on).days,
        "past_due": opinion.status != OpinionStatus.ANSWERED and today > opinion.due_on,
        "answered_late": opinion.answered_at is not None and end > opinion.due_on,
        "raised_by": opinion.raised_by_name or (opinion.contact.name if opinion.contact else ""),
    }


@login_required
def opinion_queue(request):
    """R43: the queue, open ones first by age; a tab (?status=), a source and a search, 50 a
    page (talks.lists: the Excel export reads the same filters). Committee: read-only."""
    branch = readable_branch(request)
    filters = lists.opinion_filters(request.GET)
    opinions = lists.filter_opinions(
        Opinion.objects.visible_to(request.user)
        .filter(branch=branch)
        .select_related("contact", "conveyed_by")
        .order_by("received_on", "pk"),
        filters,
    )
    page = paginate(request, opinions)
    today = timezone.localdate()
    return render(
        request,
        "talks/branch_opinions.html",
        {
            "branch": branch,
            "rows": [_opinion_row(o, today) for o in page.object_list],
            "page": page,
            "filters": filters,
            "status": filters["status"],
            "statuses": lists.opinion_statuses(),
            "sources": OpinionSource.choices,
            "can_manage": access.can_manage_branch(request.user, branch.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opinion_detail(request, pk: int):
    """The secretary (or admin) changes the status; the branch's committee members only read."""
    opinion = access.get_visible_or_404(
        Opinion.objects.select_related("contact", "conveyed_by", "talk", "symposium"),
        request.user,
        pk=pk,
    )
    can_manage = access.can_manage_branch(request.user, opinion.branch_id)
    if not can_manage and not access.is_committee_of(request.user, opinion.branch_id):
        raise Http404
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = OpinionStatusForm(request.POST or None, current=opinion.status)
    if request.method == "POST" and form.is_valid():
        try:
            branch_services.opinion_status_change(
                opinion=opinion, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The opinion's status is changed."))
            return redirect("talks:opinion_detail", pk=opinion.pk)
    return render(
        request,
        "talks/branch_opinion_detail.html",
        {
            "row": _opinion_row(opinion, timezone.localdate()),
            "opinion": opinion,
            "changes": list(opinion.changes.select_related("by")),
            "form": form if can_manage and form.fields["to_status"].choices else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opinion_box_create(request):
    branch = managed_branch(request)
    form = BoxOpinionForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        opinion = branch_services.opinion_box_record(
            branch=branch, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("The opinion is in the queue."))
        return redirect("talks:opinion_detail", pk=opinion.pk)
    return render(request, "talks/branch_form.html", {"form": form, "title": _("Opinion box")})


@login_required
def event_list(request):
    """R51: the branch's must-talk events, filtered by state (default: open and overdue)."""
    branch = managed_branch(request)
    today = timezone.localdate()
    filters = lists.event_filters(request.GET)
    events = lists.filter_events(
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
            "states": lists.event_states(),
            "members": sorted_by_pinyin(Member.objects.active().filter(branch=branch)),
            "contacts": sorted_by_pinyin(contacts),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def branch_event_create(request, contact_pk: int):
    """R51: the secretary records an event for any contact of the branch."""
    contact = managed_object_or_404(
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
            services.must_talk_event_record(contact=contact, by=request.user, **form.cleaned_data)
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


@login_required
def symposium_list(request):
    """R52: the branch's symposiums; the semester count against the target is on the dashboard.
    Committee members read the list; only the secretary (or admin) records a new one."""
    branch = readable_branch(request)
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
    branch = managed_branch(request)
    form = SymposiumForm(request.POST or None, request.FILES or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        symposium = branch_services.symposium_record(
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
    branch_services.leader_visit_record(
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
    branch_services.briefing_record(
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
    branch = managed_branch(request)
    briefings = (
        Briefing.objects.visible_to(request.user).filter(branch=branch).select_related("given_by")
    )
    return render(
        request,
        "talks/branch_briefings.html",
        {
            "branch": branch,
            "briefings": mark_editable(
                list(briefings[:LIST_LIMIT]), request.user, branch_services.can_edit_briefing
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
    if not branch_services.can_edit_briefing(briefing, request.user):
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
            branch_services.briefing_update(briefing=briefing, by=request.user, **form.cleaned_data)
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
            branch_services.leader_visit_update(visit=visit, by=request.user, **form.cleaned_data)
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
    symposium = managed_object_or_404(
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
            branch_services.symposium_update(
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
    symposium = managed_object_or_404(Symposium.objects, request.user, pk=attachment.symposium_id)
    try:
        branch_services.symposium_attachment_delete(attachment=attachment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file is removed."))
    return redirect("talks:symposium_detail", pk=symposium.pk)
