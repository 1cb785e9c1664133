"""Finding 4 of issue 15: claimed exports carry a lease (DESIGN.md "Writes and jobs"). A worker
that dies mid-render leaves its claim to age; the sweep claims it again past the lease, a new
request does not hand out the stuck export, and the dead attempt's late writes change nothing."""

import datetime

import pytest
from django.utils import timezone

from inspections import tasks
from inspections.models import AssessmentExport, ExportStatus, Semester
from inspections.services import assessments as assessment_services


@pytest.fixture
def semester(db):
    return Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 20), end_on=datetime.date(2026, 7, 10)
    )


def _stuck(export, minutes):
    """As a worker killed mid-render leaves it: running, its claim `minutes` old."""
    AssessmentExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING,
        attempt=1,
        progress=1,
        started_at=timezone.now() - datetime.timedelta(minutes=minutes),
        claimed_at=timezone.now() - datetime.timedelta(minutes=minutes),
    )


def test_finding4_sweep_reclaims_an_export_past_its_lease(admin, member_a, semester):
    export = assessment_services.assessment_export_request(
        semester=semester, branch=None, by=admin.user
    )
    _stuck(export, minutes=2)
    assert tasks.sweep_exports() == 0  # within the lease: the worker may be alive
    assert AssessmentExport.objects.get(pk=export.pk).status == ExportStatus.RUNNING
    _stuck(export, minutes=11)
    assert tasks.sweep_exports() == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.attempt == 2 and export.file
    assert tasks.sweep_exports() == 0


def test_finding4_new_request_does_not_return_a_stuck_export(admin, member_a, semester):
    stuck = assessment_services.assessment_export_request(
        semester=semester, branch=None, by=admin.user
    )
    _stuck(stuck, minutes=30)
    fresh = assessment_services.assessment_export_request(
        semester=semester, branch=None, by=admin.user
    )
    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == ExportStatus.FAILED and stuck.error
    # A running export within its lease is still the one handed out.
    _stuck(fresh, minutes=1)
    again = assessment_services.assessment_export_request(
        semester=semester, branch=None, by=admin.user
    )
    assert again.pk == fresh.pk


def test_finding4_late_finish_of_a_dead_attempt_changes_nothing(admin, member_a, semester):
    export = assessment_services.assessment_export_request(
        semester=semester, branch=None, by=admin.user
    )
    _stuck(export, minutes=11)
    assert assessment_services.export_claim(export.pk) == 2  # the sweep's claim
    # The first attempt's writes are fenced by its attempt number.
    mine = AssessmentExport.objects.filter(pk=export.pk, attempt=1)
    assert mine.update(status=ExportStatus.DONE) == 0
    assert AssessmentExport.objects.get(pk=export.pk).status == ExportStatus.RUNNING
