"""Pages of the semester cycle: reports (R61), inspections (R62), assessments and exports (R64).

Thin views: access check, form, one service call, redirect.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members import access
from members.audit import audit
from members.downloads import download_name, download_response
from members.form_errors import apply_validation_error
from members.listing import paginate, search_text
from members.models import AuditAction, Branch
from members.params import id_param
from members.pdf import pdf_response, render_pdf
from members.pinyin import sorted_by_pinyin

from . import remind, scoring, services
from .charts import assessment_charts, inspection_charts
from .forms import (
    ExportForm,
    FindingsForm,
    GenerateInspectionForm,
    GradeForm,
    ReportForm,
    ReviewForm,
)
from .models import (
    Assessment,
    AssessmentExport,
    ExportStatus,
    Grade,
    Inspection,
    ReportStatus,
    Semester,
    SemesterReport,
)


def _semester(request) -> Semester:
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


def _managed_branch(request) -> Branch:
    """The secretary's branch, or for an admin the branch named by ?branch=."""
    branch_id = access.secretary_branch_id(request.user)
    if access.is_admin(request.user) and id_param(request.GET.get("branch")) is not None:
        branch_id = id_param(request.GET["branch"])
    if branch_id is None or not access.can_manage_branch(request.user, branch_id):
        raise PermissionDenied
    return get_object_or_404(Branch, pk=branch_id)


# --- R61 -----------------------------------------------------------------------------------


@login_required
def report_mine(request, semester_id: int):
    member = access.branch_member(request.user)
    if member is None:
        raise PermissionDenied
    semester = get_object_or_404(Semester, pk=semester_id)
    report = SemesterReport.objects.filter(member=member, semester=semester).first()
    editable = report is None or report.status in services.EDITABLE_REPORT
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.semester_report_save(
                    member=member,
                    semester=semester,
                    text=form.cleaned_data["text"],
                    ethics_review=form.cleaned_data["ethics_review"],
                    by=request.user,
                )
                if "submit" in request.POST:
                    report = services.semester_report_submit(report=report, by=request.user)
                    messages.success(request, _("Your report is submitted."))
                else:
                    messages.success(request, _("Draft saved."))
                return redirect("inspections:report_mine", semester.pk)
            except ValidationError as exc:
                apply_validation_error(form, exc)
    running = services.running_score(member=member, semester=semester)
    return render(
        request,
        "inspections/report_mine.html",
        {
            "semester": semester,
            "report": report,
            "form": form if editable else None,
            "running": running,
            "figures": running["figures"],
            "deadline": services.report_deadline(semester=semester, branch=member.branch),
            "semesters": Semester.objects.all(),
            "labels": _part_labels(),
        },
    )


def _part_labels() -> dict[str, str]:
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
    branch = _managed_branch(request)
    semester = _semester(request)
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
    form = remind.RemindForm(
        request.POST if request.method == "POST" else None,
        behind=remind.behind_on_reports(rows, semester, today),
        done=remind.reminded_today([row["member"] for row in rows], today),
    )
    if request.method == "POST" and form.is_valid():
        result = remind.reminders_send_now(
            branch=branch,
            picks=form.cleaned_data["picks"],
            semester=semester,
            by=request.user,
            today=today,
        )
        remind.report_result(request, result)
        return redirect(request.get_full_path())
    # Issue 14: the table's filters (a status, "not started", a name) and pages.
    status = request.GET.get("status", "all")
    if status != "none" and status not in ReportStatus.values:
        status = "all"
    q = search_text(request)
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
            "deadline": services.report_deadline(semester=semester, branch=branch),
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
            services.semester_report_review(
                report=report,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
            messages.success(request, _("Review saved."))
            return redirect(f"{_url('inspections:report_list')}?semester={report.semester_id}")
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


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


# --- R62 -----------------------------------------------------------------------------------


@login_required
def inspection_list(request):
    rows = Inspection.objects.visible_to(request.user).select_related("branch")
    branch_id = access.secretary_branch_id(request.user)
    if access.is_admin(request.user) and id_param(request.GET.get("branch")) is not None:
        branch_id = id_param(request.GET["branch"])
    can_generate = branch_id is not None and access.can_manage_branch(request.user, branch_id)
    form = GenerateInspectionForm(
        request.POST or None, initial={"half": services.half_before(timezone.localdate())}
    )
    if request.method == "POST":
        if not can_generate:
            raise PermissionDenied
        if form.is_valid():
            inspection = services.inspection_generate(
                branch=get_object_or_404(Branch, pk=branch_id),
                half=form.cleaned_data["half"],
                by=request.user,
            )
            return redirect("inspections:inspection_detail", inspection.pk)
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "inspections": rows.defer("data")[:200],
            "form": form if can_generate else None,
        },
    )


@login_required
def inspection_detail(request, pk: int):
    inspection = access.get_visible_or_404(
        Inspection.objects.select_related("branch"), request.user, pk=pk
    )
    can_edit = access.can_manage_branch(request.user, inspection.branch_id)
    form = FindingsForm(request.POST or None, instance=inspection)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.inspection_set_findings(
                inspection=inspection, findings=form.cleaned_data["findings"], by=request.user
            )
            messages.success(request, _("Findings saved."))
            return redirect("inspections:inspection_detail", inspection.pk)
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "data": inspection.data,
            "charts": inspection_charts(inspection.data),
            "form": form if can_edit else None,
        },
    )


@login_required
def inspection_pdf(request, pk: int):
    inspection = access.get_visible_or_404(
        Inspection.objects.select_related("branch"), request.user, pk=pk
    )
    pdf = services.inspection_pdf(inspection=inspection)
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=inspection,
        branch_id=inspection.branch_id,
        object_repr=f"inspection PDF {inspection.half} v{inspection.version}",
    )
    return pdf_response(pdf, inspection.file_name())


# --- R64 -----------------------------------------------------------------------------------


@login_required
def assessment_list(request):
    """Shows the stored assessments. Computing them is the POST of the button (or the nightly
    job): a page view never writes."""
    branch = _managed_branch(request)
    semester = _semester(request)
    if request.method == "POST":
        services.assessments_compute(semester=semester, branches=[branch], by=request.user)
        messages.success(request, _("The assessments were computed from the records of today."))
        return redirect(request.get_full_path())
    rows = services.assessments_of(semester=semester, branches=[branch])
    today = timezone.localdate()
    for row in rows:
        row.band_label = scoring.band_label(row.score)
        row.outside_band = scoring.needs_reason(row.grade, row.score)
        row.condition = scoring.condition(row, today)
        row.nothing_due = scoring.nothing_due(row.figures)
    # Issue 14: the table's filters (a grade, not graded yet, a name) and pages; the charts and
    # the exports keep the whole branch.
    grade = request.GET.get("grade", "all")
    if grade != "none" and grade not in Grade.values:
        grade = "all"
    q = search_text(request)
    page = paginate(
        request,
        [
            row
            for row in rows
            if (grade == "all" or (row.grade or "none") == grade)
            and (not q or q in row.member.name)
        ],
    )
    return render(
        request,
        "inspections/assessment_list.html",
        {
            "branch": branch,
            "semester": semester,
            "rows": page.object_list,
            "page": page,
            "grade": grade,
            "q": q,
            "grades": [("all", _("All")), ("none", _("Not graded yet")), *Grade.choices],
            "computed_at": max((row.computed_at for row in rows), default=None),
            "charts": assessment_charts(rows),
            "semesters": Semester.objects.all(),
            "weights": branch.weights,
            "formula": scoring.formula(branch.weights),
            "labels": _part_labels(),
        },
    )


@login_required
def assessment_grade(request, pk: int):
    assessment = access.get_visible_or_404(
        Assessment.objects.select_related("member__branch", "semester"), request.user, pk=pk
    )
    if not access.is_secretary_of(request.user, assessment.member.branch_id):
        raise PermissionDenied
    form = GradeForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_grade(
                assessment=assessment,
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["grade_reason"],
                by=request.user,
            )
            return redirect(
                f"{_url('inspections:assessment_list')}?semester={assessment.semester_id}"
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return render(
        request,
        "inspections/assessment_grade.html",
        {
            "assessment": assessment,
            "form": form,
            "band_label": scoring.band_label(assessment.score),
            "breakdown": scoring.breakdown(
                assessment.member.branch.weights,
                assessment.figures,
                assessment.figures.get("report_status"),
            ),
            "labels": _part_labels(),
        },
    )


@login_required
def assessment_branch_pdf(request):
    """One branch's assessment (a few pages: rendered in the request)."""
    branch = _managed_branch(request)
    semester = _semester(request)
    pdf = render_pdf(
        "pdf/assessment.html",
        services.assessment_pdf_context(semester=semester, branch=branch),
        generated_by=request.user,
    )
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=branch,
        branch_id=branch.pk,
        details={"semester": semester.pk},
    )
    return pdf_response(
        pdf, download_name(branch.name, semester.name, _("assessment results"), ext="pdf")
    )


@login_required
def export_list(request):
    if not access.is_admin(request.user):
        raise PermissionDenied
    form = ExportForm(request.POST or None, initial={"semester": _semester(request)})
    if request.method == "POST" and form.is_valid():
        export = services.assessment_export_request(
            semester=form.cleaned_data["semester"], branch=None, by=request.user
        )
        return redirect("inspections:export_detail", export.pk)
    exports = AssessmentExport.objects.visible_to(request.user).select_related(
        "semester", "branch"
    )[:50]
    return render(request, "inspections/export_list.html", {"form": form, "exports": exports})


@login_required
def export_detail(request, pk: int):
    export = access.get_visible_or_404(
        AssessmentExport.objects.select_related("semester", "branch"), request.user, pk=pk
    )
    return render(request, "inspections/export_detail.html", {"export": export})


@login_required
def export_status(request, pk: int):
    export = access.get_visible_or_404(AssessmentExport.objects, request.user, pk=pk)
    return JsonResponse(
        {
            "status": export.status,
            "status_label": export.get_status_display(),
            "progress": export.progress,
            "total": export.total,
            "percent": round(100 * export.progress / export.total) if export.total else 0,
            "download": (
                _url("inspections:export_download", export.pk)
                if export.status == ExportStatus.DONE
                else ""
            ),
        }
    )


@login_required
def export_download(request, pk: int):
    export = access.get_visible_or_404(
        AssessmentExport.objects.select_related("semester", "branch"), request.user, pk=pk
    )
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404
    # Every download is audited, a stored file served again as much as a fresh one.
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=export,
        branch_id=export.branch_id,
        details={"semester": export.semester_id, "stored_file": True},
    )
    return download_response(
        export.file.open("rb"),
        filename=download_name(
            export.branch.name if export.branch_id else settings.SCHOOL_NAME,
            export.semester.name,
            _("assessment results"),
            ext="pdf",
        ),
        content_type="application/pdf",
    )
