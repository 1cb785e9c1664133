"""The member's semester report status (R61), for their page and the menu.

Computed lazily: pages that do not show it cost no query.
"""

from datetime import timedelta

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
    # The semester in progress, or between semesters the one just ended.
    semester = Semester.objects.filter(start_on__lte=today).order_by("-start_on").first()
    if semester is None:
        return None
    report = SemesterReport.objects.filter(member=member, semester=semester).first()
    status = report.status if report else ReportStatus.DRAFT
    return {
        "semester": semester,
        "status": status,
        "status_label": ReportStatus(status).label,
        "started": report is not None,
        "deadline": semester.end_on + timedelta(days=member.branch.report_deadline_days),
        "url": reverse("inspections:report_mine", args=[semester.pk]),
    }


def semester_report(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"current_report": SimpleLazyObject(lambda: _current_report(user))}
