"""Celery tasks of the semester cycle: they take ids or dates, never model instances."""

from __future__ import annotations

import logging
import threading
from datetime import date

from celery import shared_task
from django.utils import timezone

from . import reminders, services

log = logging.getLogger(__name__)


def _day(iso: str | None) -> date:
    return date.fromisoformat(iso) if iso else timezone.localdate()


@shared_task(ignore_result=True)
def monthly_reminders(day: str | None = None) -> int:
    return reminders.monthly_member_reminders(_day(day))


@shared_task(ignore_result=True)
def gaps_summary(day: str | None = None) -> int:
    return reminders.secretary_gaps_summary(_day(day))


@shared_task(ignore_result=True)
def musttalk_reminders(day: str | None = None) -> int:
    return reminders.musttalk_reminders(_day(day))


@shared_task(ignore_result=True)
def report_reminders(day: str | None = None) -> int:
    return reminders.report_reminders(_day(day))


@shared_task(ignore_result=True)
def scheduled_inspections(day: str | None = None) -> int:
    return reminders.scheduled_inspections(_day(day))


@shared_task(ignore_result=True)
def compute_assessments(day: str | None = None) -> int:
    """R64, nightly: the assessments of the semesters running or just ended (until a month after
    the report deadline could pass), for every branch. Returns how many rows there are."""
    from datetime import timedelta

    from members.models import Branch

    from .models import Semester

    today = _day(day)
    branches = list(Branch.objects.all())
    semesters = Semester.objects.filter(start_on__lte=today, end_on__gte=today - timedelta(days=60))
    return sum(
        len(services.assessments_compute(semester=s, branches=branches, today=today))
        for s in semesters
    )


@shared_task(ignore_result=True)
def run_export(export_id: int) -> bool:
    return services.assessment_export_run(export_id=export_id)


@shared_task(ignore_result=True)
def sweep_exports() -> int:
    """Run exports still pending (the broker was down when they were requested) and those whose
    claim is past its lease (the worker died mid-render)."""
    from django.db.models import Q

    from .models import AssessmentExport, ExportStatus

    ids = list(
        AssessmentExport.objects.filter(
            Q(status=ExportStatus.PENDING) | services.export_claim_stale()
        ).values_list("pk", flat=True)
    )
    return sum(services.assessment_export_run(export_id=pk) for pk in ids)


def enqueue_export(export_id: int) -> None:
    """Hand the export to a worker; if the broker is unreachable the sweep runs it later.

    Embedded mode (settings.EXPORTS_IN_THREAD, no worker): a thread of this process renders it
    while the request returns, so the progress page polls a running export as in production.
    The claim (services.export_claim) still decides: a second thread for the same export finds
    it claimed and does nothing."""
    from django.conf import settings

    if settings.EXPORTS_IN_THREAD:
        threading.Thread(
            target=_run_export_in_thread, args=(export_id,), name=f"export-{export_id}", daemon=True
        ).start()
        return
    try:
        run_export.apply_async(args=[export_id], retry=False)
    except Exception:  # the broker is down: the row stays pending for sweep_exports
        log.warning("could not queue export %s; the sweep will run it", export_id)


def _run_export_in_thread(export_id: int) -> None:
    from django.db import connections

    from .models import AssessmentExport, ExportStatus

    try:
        services.assessment_export_run(export_id=export_id)
    except Exception as exc:
        # A failure while rendering is already on the row; one before (reading the data) left it
        # running, and with no sweep in embedded mode it would stay so until the lease ends.
        log.exception("export %s failed", export_id)
        AssessmentExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
    finally:
        connections.close_all()  # this thread's own connections
