"""R64 pages: the assessments, grading, the branch's PDF, the school's exports and their
progress; the Excel downloads of the assessments and of the school overview (全校概况). Each
file handed out is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import exports, scoring
from inspections.selectors import assessments as assessment_selectors
from inspections.selectors import dashboard
from inspections.services import assessments as assessment_services
from members import access
from members.audit import audit
from members.forms import apply_validation_error
from members.models import AuditAction, Branch
from members.pdf import pdf_response, render_pdf
from members.web import download_name, download_response, paginate, search_text

from ..charts import assessment_charts
from ..forms import ExportForm, GradeForm
from ..models import Assessment, AssessmentExport, ExportStatus, Grade, Semester
from .dashboard import school_columns, selection
from .reports import chosen_semester, part_labels, url_of


@login_required
def assessment_list(request):
    """Shows the stored assessments. Computing them is the POST of the button (or the nightly
    job): a page view never writes."""
    branch = access.managed_branch(request)
    semester = chosen_semester(request)
    if request.method == "POST":
        assessment_services.assessments_compute(
            semester=semester, branches=[branch], by=request.user
        )
        messages.success(request, _("The assessments were computed from the records of today."))
        return redirect(request.get_full_path())
    rows = assessment_selectors.assessments_of(semester=semester, branches=[branch])
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
    q = search_text(request.GET)
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
            "labels": part_labels(),
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
            assessment_services.assessment_grade(
                assessment=assessment,
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["grade_reason"],
                by=request.user,
            )
            return redirect(
                f"{url_of('inspections:assessment_list')}?semester={assessment.semester_id}"
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
            "labels": part_labels(),
        },
    )


@login_required
def assessment_branch_pdf(request):
    """One branch's assessment (a few pages: rendered in the request)."""
    branch = access.managed_branch(request)
    semester = chosen_semester(request)
    pdf = render_pdf(
        "pdf/assessment.html",
        assessment_selectors.assessment_pdf_context(semester=semester, branch=branch),
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
    form = ExportForm(request.POST or None, initial={"semester": chosen_semester(request)})
    if request.method == "POST" and form.is_valid():
        export = assessment_services.assessment_export_request(
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
                url_of("inspections:export_download", export.pk)
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


@login_required
def assessment_export(request):
    """One branch's assessments of the semester (the page's ?semester= and, for an admin,
    ?branch=)."""
    branch = access.managed_branch(request)
    semester = chosen_semester(request)
    rows = assessment_selectors.assessments_of(semester=semester, branches=[branch])
    content = exports.assessments_xlsx(rows, part_labels(), timezone.localdate(), with_branch=False)
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=branch,
        branch_id=branch.pk,
        object_repr="assessments (Excel)",
        details={"semester": semester.pk},
    )
    return exports.xlsx_download(content, branch.name, semester.name, _("assessment results"))


@login_required
def assessment_school_export(request):
    """The admin's: every branch's assessments of the semester in one sheet."""
    if not access.is_admin(request.user):
        raise PermissionDenied
    semester = chosen_semester(request)
    rows = assessment_selectors.assessments_of(
        semester=semester, branches=Branch.objects.visible_to(request.user)
    )
    content = exports.assessments_xlsx(rows, part_labels(), timezone.localdate(), with_branch=True)
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        object_repr="school assessments (Excel)",
        details={"semester": semester.pk},
    )
    return exports.xlsx_download(
        content, settings.SCHOOL_NAME, semester.name, _("assessment results")
    )


@login_required
def school_export(request):
    """The school overview as the admin sees it: the same month, period and sort order."""
    if not access.is_admin(request.user):
        raise PermissionDenied
    today, month, period = selection(request)
    columns = school_columns()
    rows = dashboard.branch_rows(
        branches=Branch.objects.visible_to(request.user),
        month=month,
        period=period,
        today=today,
        sort=request.GET.get("sort", "name"),
    )
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        object_repr=f"school overview {month}",
        details={"month": str(month)},
    )
    return exports.xlsx_download(
        exports.school_xlsx(rows, columns),
        settings.SCHOOL_NAME,
        str(month),
        _("school overview"),
    )
