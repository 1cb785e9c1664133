"""Excel downloads of the semester's assessments (a branch for its secretary, the whole school
for the admin) and of the school overview (全校概况). Each file handed out is audited."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from members import access
from members.audit import audit
from members.models import AuditAction, Branch

from . import exports, selectors, services
from .cycle_views import _managed_branch, _part_labels, _semester
from .views import _school_columns, _selection


@login_required
def assessment_export(request):
    """One branch's assessments of the semester (the page's ?semester= and, for an admin,
    ?branch=)."""
    branch = _managed_branch(request)
    semester = _semester(request)
    rows = services.assessments_of(semester=semester, branches=[branch])
    content = exports.assessments_xlsx(
        rows, _part_labels(), timezone.localdate(), with_branch=False
    )
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
    semester = _semester(request)
    rows = services.assessments_of(
        semester=semester, branches=Branch.objects.visible_to(request.user)
    )
    content = exports.assessments_xlsx(rows, _part_labels(), timezone.localdate(), with_branch=True)
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
    today, month, period = _selection(request)
    columns = _school_columns()
    rows = selectors.branch_rows(
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
