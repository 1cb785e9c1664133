"""Celery tasks of the semester cycle: they take ids or dates, never model instances."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from members.models import Branch

from .models import AssessmentExport, ExportStatus, Semester
from .services import assessments as assessment_services
from .services import reminders as reminder_services


def _day(iso: str | None) -> date:
    return date.fromisoformat(iso) if iso else timezone.localdate()


@shared_task(ignore_result=True)
def monthly_reminders(day: str | None = None) -> int:
    return reminder_services.monthly_member_reminders(_day(day))


@shared_task(ignore_result=True)
def gaps_summary(day: str | None = None) -> int:
    return reminder_services.secretary_gaps_summary(_day(day))


@shared_task(ignore_result=True)
def musttalk_reminders(day: str | None = None) -> int:
    return reminder_services.musttalk_reminders(_day(day))


@shared_task(ignore_result=True)
def report_reminders(day: str | None = None) -> int:
    return reminder_services.report_reminders(_day(day))


@shared_task(ignore_result=True)
def scheduled_inspections(day: str | None = None) -> int:
    return reminder_services.scheduled_inspections(_day(day))


@shared_task(ignore_result=True)
def compute_assessments(day: str | None = None) -> int:
    """R64, nightly: the assessments of the semesters running or just ended (until a month after
    the report deadline could pass), for every branch. Returns how many rows there are."""
    today = _day(day)
    branches = list(Branch.objects.all())
    semesters = Semester.objects.filter(start_on__lte=today, end_on__gte=today - timedelta(days=60))
    return sum(
        len(assessment_services.assessments_compute(semester=s, branches=branches, today=today))
        for s in semesters
    )


@shared_task(ignore_result=True)
def run_export(export_id: int) -> bool:
    return assessment_services.assessment_export_run(export_id=export_id)


@shared_task(ignore_result=True)
def sweep_exports() -> int:
    """Run exports still pending (the broker was down when they were requested) and those whose
    claim is past its lease (the worker died mid-render)."""
    ids = list(
        AssessmentExport.objects.filter(
            Q(status=ExportStatus.PENDING) | assessment_services.export_claim_stale()
        ).values_list("pk", flat=True)
    )
    return sum(assessment_services.assessment_export_run(export_id=pk) for pk in ids)
