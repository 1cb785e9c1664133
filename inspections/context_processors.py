"""The member's semester report status (R61), for their page and the menu.

Computed lazily: pages that do not show it cost no query.
"""

from datetime import timedelta

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from members import access

from .models import ReportStatus, Semester, SemesterReport


def _current_report(user) -> dict | None:
    member = access.branch_member(user)
    if member is None:
        return None
    today = timezone.localdate()
    # The semester in progress, or between semesters the one just ended, with the member's
    # report status read in the same query (this runs on every page showing the menu).
    # One report per member and semester, so no ordering (the model's joins member, branch
    # and semester into the subquery for each row).
    mine = SemesterReport.objects.filter(member=member, semester=OuterRef("pk")).order_by()
    semester = (
        Semester.objects.filter(start_on__lte=today)
        .order_by("-start_on")
        .annotate(report_status=Subquery(mine.values("status")[:1]))
        .first()
    )
    if semester is None:
        return None
    status = semester.report_status or ReportStatus.DRAFT
    return {
        "semester": semester,
        "status": status,
        "status_label": ReportStatus(status).label,
        "started": semester.report_status is not None,
        "deadline": semester.end_on + timedelta(days=member.branch.report_deadline_days),
        "url": reverse("inspections:report_mine", args=[semester.pk]),
    }


def semester_report(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"current_report": SimpleLazyObject(lambda: _current_report(user))}
