"""Dashboards (branch, school, leader's contact point), branch settings, reminding now (issue
14), and the Excel exports of the dashboard matrix and the opinion queue.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inspections import exports
from inspections.forms import RemindForm
from inspections.selectors import dashboard
from inspections.services import branches as branch_services
from inspections.services import reminders as reminder_services
from members import access
from members.audit import audit
from members.editing import mark_editable
from members.models import AuditAction, Branch
from members.web import download_name, download_response
from talks import selectors as talk_selectors
from talks.forms.records import BriefingForm, LeaderVisitForm
from talks.models import Briefing, LeaderVisit, Opinion
from talks.selectors import leader_visit_rows
from talks.services.records import can_edit_briefing

from ..forms import BranchSettingsForm
from ..selectors.dashboard import kind_labels


def report_result(request, result: dict) -> None:
    """Say on the next page whom the reminder went to and whom it skipped (once a day)."""
    labels = kind_labels()

    def names(items):
        return "、".join(f"{member.name}（{labels[kind]}）" for kind, member in items)

    if result["sent"]:
        messages.success(
            request,
            _("Reminded now: %(names)s.") % {"names": names(result["sent"])},
        )
    if result["skipped"]:
        messages.warning(
            request,
            _("Already reminded today, not sent again: %(names)s.")
            % {"names": names(result["skipped"])},
        )


def selection(request):
    today = timezone.localdate()
    month = dashboard.parse_month(request.GET.get("month"), today)
    period = dashboard.pick_period(request.GET.get("semester"), today)
    return today, month, period


def _dashboard(request, branch: Branch):
    """The dashboard; its POST is the "remind now" form of the members behind (issue 14)."""
    today, month, period = selection(request)
    context = dashboard.branch_dashboard(
        branch=branch, user=request.user, month=month, period=period, today=today
    )
    form = RemindForm(
        request.POST if request.method == "POST" else None,
        behind=context["behind"],
        done=dashboard.reminded_from_annotations(context["members"]),
    )
    if request.method == "POST" and form.is_valid():
        result = reminder_services.reminders_send_now(
            branch=branch,
            picks=form.cleaned_data["picks"],
            semester=period.semester,
            by=request.user,
            today=today,
        )
        report_result(request, result)
        return redirect(request.get_full_path())
    context["semesters"] = period.semesters
    context["month_value"] = str(month)
    context["remind_form"] = form
    return render(request, "inspections/dashboard.html", context)


@login_required
def branch_home(request):
    """The secretary's own branch; an admin lands on the school overview instead."""
    branch_id = access.secretary_branch_id(request.user)
    if branch_id is None:
        if access.is_admin(request.user):
            return redirect("inspections:school_home")
        raise PermissionDenied
    return _dashboard(
        request,
        access.managed_branch_or_404(request.user, branch_id),
    )


@login_required
def branch_dashboard(request, branch_id: int):
    return _dashboard(
        request,
        access.managed_branch_or_404(request.user, branch_id),
    )


@login_required
def school_home(request):
    if not access.is_admin(request.user):
        raise PermissionDenied
    today, month, period = selection(request)
    sort = request.GET.get("sort", "name")
    rows = dashboard.branch_rows(
        branches=Branch.objects.visible_to(request.user),
        month=month,
        period=period,
        today=today,
        sort=sort,
    )
    return render(
        request,
        "inspections/school.html",
        {
            "rows": rows,
            "sort": sort,
            "month": month,
            "month_value": str(month),
            "period": period,
            "semesters": period.semesters,
            "columns": school_columns(),
            # R54: leaders below their visit target at their contact point (flagged here).
            "leaders_short": [
                r
                for r in leader_visit_rows(
                    [row["branch"].pk for row in rows], period.start, period.end
                )
                if r["short"]
            ],
        },
    )


def school_columns() -> list[tuple[str, str]]:
    return [
        ("name", _("Branch")),
        ("members", _("Members")),
        ("completion", _("This month complete")),
        ("missing", _("Members missing")),
        ("without_teacher", _("Without a teacher")),
        ("overdue", _("Must-talks overdue")),
        ("opinions_open", _("Opinions open")),
        ("opinions_late", _("Opinions past deadline")),
        ("symposiums", _("Symposiums")),
        ("reports_in", _("Reports submitted")),
    ]


@login_required
def leader_home(request):
    """R54: the leader's contact point: its headline figures, visits and briefings."""
    branch_id = access.leader_branch_id(request.user)
    if branch_id is None:
        raise PermissionDenied
    today, month, period = selection(request)
    branch = Branch.objects.get(pk=branch_id)
    rows = dashboard.branch_rows(
        branches=Branch.objects.filter(pk=branch_id), month=month, period=period, today=today
    )
    leader = access.profile(request.user)
    # R54: the leader's visits in the period against the branch's target (per semester).
    (target,) = [
        r
        for r in leader_visit_rows([branch.pk], period.start, period.end)
        if r["leader"].pk == leader.pk
    ] or [None]
    return render(
        request,
        "inspections/leader.html",
        {
            "branch": branch,
            "row": rows[0],
            "month": month,
            "period": period,
            "visit_target": target,
            # Issue 14: their own visits, and the briefings they gave, are edited in the window.
            "visits": mark_editable(LeaderVisit.objects.filter(leader=leader, branch=branch)[:50]),
            "briefings": mark_editable(
                Briefing.objects.filter(branch=branch).select_related("given_by")[:50],
                request.user,
                can_edit_briefing,
            ),
            "visit_form": LeaderVisitForm(),
            "briefing_form": BriefingForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def branch_settings(request, branch_id: int):
    branch = access.managed_branch_or_404(request.user, branch_id)
    form = BranchSettingsForm(request.POST or None, instance=branch)
    if request.method == "POST" and form.is_valid():
        branch_services.branch_settings_update(
            branch=Branch.objects.get(pk=branch.pk), values=form.cleaned_data, by=request.user
        )
        messages.success(request, _("The branch settings are saved."))
        return redirect("inspections:branch_settings", branch_id=branch.pk)
    return render(request, "inspections/settings.html", {"form": form, "branch": branch})


def _xlsx(content: bytes, *parts) -> HttpResponse:
    return download_response(
        content, filename=download_name(*parts, ext="xlsx"), content_type=exports.XLSX_TYPE
    )


@login_required
def matrix_export(request, branch_id: int):
    branch = access.managed_branch_or_404(request.user, branch_id)
    today, month, period = selection(request)
    data = dashboard.branch_dashboard(
        branch=branch, user=request.user, month=month, period=period, today=today
    )
    content = exports.matrix_xlsx(data)
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=branch,
        branch_id=branch.pk,
        object_repr=f"monthly talks matrix {period.start}..{period.end}",
    )
    return _xlsx(
        content,
        branch.name,
        _("%(start)s to %(end)s") % {"start": period.start, "end": period.end},
        _("monthly talks"),
    )


@login_required
def opinion_export(request, branch_id: int):
    """The queue as its page shows it: the same tab (status), source and search
    (talks.selectors)."""
    branch = access.managed_branch_or_404(request.user, branch_id)
    filters = talk_selectors.opinion_filters(request.GET)
    opinions = talk_selectors.filter_opinions(
        Opinion.objects.visible_to(request.user)
        .filter(branch=branch)
        .select_related("contact", "conveyed_by")
        .order_by("received_on", "pk"),
        filters,
    )
    content = exports.opinions_xlsx(opinions, timezone.localdate())
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=branch,
        branch_id=branch.pk,
        object_repr="opinion queue",
        details={"filters": filters},
    )
    tab = dict(talk_selectors.opinion_statuses())[filters["status"]]
    return exports.xlsx_download(
        content, branch.name, timezone.localdate().isoformat(), _("opinions and requests"), tab
    )
