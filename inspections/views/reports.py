"""R61 pages: the member's report, the branch's reports with reminding now, a review.

Thin views: access check, form, one service call, redirect.
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

from inspections.selectors import assessments as assessment_selectors
from inspections.selectors import dashboard
from inspections.services import reminders as reminder_services
from inspections.services import reports as report_services
from members import access
from members.forms import apply_validation_error
from members.pinyin import sorted_by_pinyin
from members.web import id_param, paginate, search_text

from ..forms import RemindForm, ReportForm, ReviewForm
from ..models import ReportStatus, Semester, SemesterReport
from .dashboard import report_result


def chosen_semester(request) -> Semester:
    """?semester=<id>, else the one running today, else the latest begun."""
    wanted = id_param(request.GET.get("semester"))
    if wanted is not None:
        return get_object_or_404(Semester, pk=wanted)
    today = timezone.localdate()
    semester = (
        Semester.objects.containing(today).first()
        or Semester.objects.filter(start_on__lte=today).order_by("-start_on").first()
        or Semester.objects.order_by("start_on").first()
    )
    if semester is None:
        raise Http404(_("No semester has been set up yet."))
    return semester


@login_required
def report_mine(request, semester_id: int):
    member = access.member_or_404(request.user)
    semester = get_object_or_404(Semester, pk=semester_id)
    report = SemesterReport.objects.filter(member=member, semester=semester).first()
    editable = report is None or report.status in report_services.EDITABLE_REPORT
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = report_services.semester_report_save(
                    member=member,
                    semester=semester,
                    text=form.cleaned_data["text"],
                    ethics_review=form.cleaned_data["ethics_review"],
                    by=request.user,
                )
                if "submit" in request.POST:
                    report = report_services.semester_report_submit(report=report, by=request.user)
                    messages.success(request, _("Your report is submitted."))
                else:
                    messages.success(request, _("Draft saved."))
                return redirect("inspections:report_mine", semester.pk)
            except ValidationError as exc:
                apply_validation_error(form, exc)
    running = assessment_selectors.running_score(member=member, semester=semester)
    return render(
        request,
        "inspections/report_mine.html",
        {
            "semester": semester,
            "report": report,
            "form": form if editable else None,
            "running": running,
            "figures": running["figures"],
            "deadline": report_services.report_deadline(semester=semester, branch=member.branch),
            "semesters": Semester.objects.all(),
            "labels": part_labels(),
        },
    )


def part_labels() -> dict[str, str]:
    return {
        "months": _("Monthly talks and work reports"),
        "musttalks": _("Must-talks on time"),
        "opinions": _("Opinions conveyed"),
        "leads": _("Five-leads activities"),
        "report": _("Semester report"),
        "confirmations": _("Records confirmed by the contact"),
    }


@login_required
def report_list(request):
    branch = access.managed_branch(request)
    semester = chosen_semester(request)
    reports = {
        r.member_id: r
        for r in SemesterReport.objects.visible_to(request.user).filter(
            semester=semester, member__branch=branch
        )
    }
    rows = [
        {"member": m, "report": reports.get(m.pk)}
        for m in sorted_by_pinyin(branch.members.filter(active=True))
    ]
    # Issue 14: remind now the members whose report is not started (the form posts here).
    today = timezone.localdate()
    form = RemindForm(
        request.POST if request.method == "POST" else None,
        behind=dashboard.behind_on_reports(rows, semester, today),
        done=dashboard.reminded_today([row["member"] for row in rows], today),
    )
    if request.method == "POST" and form.is_valid():
        result = reminder_services.reminders_send_now(
            branch=branch,
            picks=form.cleaned_data["picks"],
            semester=semester,
            by=request.user,
            today=today,
        )
        report_result(request, result)
        return redirect(request.get_full_path())
    # Issue 14: the table's filters (a status, "not started", a name) and pages.
    status = request.GET.get("status", "all")
    if status != "none" and status not in ReportStatus.values:
        status = "all"
    q = search_text(request.GET)
    shown = [
        row
        for row in rows
        if (status == "all" or (row["report"].status if row["report"] else "none") == status)
        and (not q or q in row["member"].name)
    ]
    page = paginate(request, shown)
    return render(
        request,
        "inspections/report_list.html",
        {
            "branch": branch,
            "semester": semester,
            "rows": page.object_list,
            "page": page,
            "status": status,
            "q": q,
            "statuses": [("all", _("All")), ("none", _("Not started")), *ReportStatus.choices],
            "remind_form": form,
            "semesters": Semester.objects.all(),
            "deadline": report_services.report_deadline(semester=semester, branch=branch),
        },
    )


@login_required
def report_review(request, pk: int):
    report = access.get_visible_or_404(
        SemesterReport.objects.select_related("member__branch", "semester"), request.user, pk=pk
    )
    if not access.is_secretary_of(request.user, report.member.branch_id):
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_services.semester_report_review(
                report=report,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
            messages.success(request, _("Review saved."))
            return redirect(f"{url_of('inspections:report_list')}?semester={report.semester_id}")
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return render(
        request,
        "inspections/report_review.html",
        {
            "report": report,
            "form": form if report.status == ReportStatus.SUBMITTED else None,
        },
    )


def url_of(name: str, *args) -> str:
    return reverse(name, args=args)
