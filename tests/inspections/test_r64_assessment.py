"""R64: the documented score formula, bands, grades with reasons, basic condition, exports."""

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections import scoring
from inspections.models import (
    Assessment,
    AssessmentExport,
    ExportStatus,
    Grade,
    ReportStatus,
    Semester,
    SemesterReport,
)
from inspections.services import assessments as assessment_services

WEIGHTS = {"months": 50, "musttalks": 20, "opinions": 10, "leads": 10, "report": 10}


@pytest.fixture
def semester(db):
    return Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 20), end_on=datetime.date(2026, 7, 10)
    )


def test_r64_score_is_weighted_sum_of_rates():
    figures = {
        "completion_rate": 0.8,
        "musttalk_on_time": 3,
        "musttalk_late": 1,
        "musttalk_overdue": 0,
        "opinions_raised": 0,
        "leads_activities": 1,
    }
    rates = scoring.rates(figures, ReportStatus.SUBMITTED)
    assert rates == {
        "months": 0.8,
        "musttalks": 0.75,
        "opinions": 0.0,
        "leads": 0.5,
        "report": 0.5,
        "confirmations": 1.0,  # R42: no record to confirm (its weight is 0 by default)
    }
    # 40 + 15 + 0 + 5 + 5
    assert scoring.score(WEIGHTS, rates) == Decimal("65.0")


def test_r45_r64_nothing_due_has_no_score_and_report_missing_as_zero():
    """Issue 15 item 6: no month due is not scored as complete (it scored 70 before)."""
    rates = scoring.rates({"completion_rate": None}, None)
    assert rates["months"] is None and rates["musttalks"] == 1 and rates["report"] == 0
    assert scoring.score(WEIGHTS, rates) is None
    assert scoring.band(None) is None and not scoring.needs_reason(Grade.QUALIFIED, None)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        ("90", Grade.EXCELLENT),
        ("89.9", Grade.QUALIFIED),
        ("75", Grade.QUALIFIED),
        ("74.9", Grade.BASIC),
        ("60", Grade.BASIC),
        ("59.9", Grade.UNQUALIFIED),
    ],
)
def test_r64_bands(value, band):
    assert scoring.band(Decimal(value)) == band


def test_r64_basic_condition_rule():
    ok = {"musttalk_overdue": 0}
    assert scoring.basic_condition_met(Grade.QUALIFIED, ReportStatus.ACCEPTED, ok)
    assert scoring.basic_condition_met(Grade.EXCELLENT, ReportStatus.SUBMITTED, ok)
    assert not scoring.basic_condition_met(Grade.BASIC, ReportStatus.ACCEPTED, ok)
    assert not scoring.basic_condition_met(Grade.QUALIFIED, ReportStatus.RETURNED, ok)
    assert not scoring.basic_condition_met(
        Grade.QUALIFIED, ReportStatus.ACCEPTED, {"musttalk_overdue": 1}
    )


def test_r64_grade_outside_band_needs_reason_shown_in_pdf(
    secretary, member_a, teacher_a, semester, client_for, tmp_path
):
    # teacher_a: member_a has months due, so a computed score and a band (R45/R64).
    (row,) = [
        a
        for a in assessment_services.assessments_compute(
            semester=semester, branches=[member_a.branch]
        )
        if a.member_id == member_a.pk
    ]
    assert scoring.band(row.score) != Grade.EXCELLENT
    client = client_for(secretary)
    url = reverse("inspections:assessment_grade", args=[row.pk])
    response = client.post(url, {"grade": Grade.EXCELLENT, "grade_reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["grade_reason"]
    assert Assessment.objects.get(pk=row.pk).grade == ""

    response = client.post(url, {"grade": Grade.EXCELLENT, "grade_reason": "带病坚持联系群众"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.grade == Grade.EXCELLENT and row.grade_reason == "带病坚持联系群众"

    pdf = client.get(reverse("inspections:assessment_branch_pdf") + f"?semester={semester.pk}")
    path = tmp_path / "a.pdf"
    path.write_bytes(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    text = "".join(text.split())  # table cells wrap
    assert "李老师" in text and "带病坚持联系群众" in text and str(row.score) in text


def test_r64_school_export_runs_as_job_and_is_not_regenerated_when_unchanged(
    admin,
    member_a,
    secretary,
    other_branch_secretary,
    semester,
    client_for,
    django_capture_on_commit_callbacks,
):
    client = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inspections:export_list"), {"semester": semester.pk})
    export = AssessmentExport.objects.get()
    assert response.url == reverse("inspections:export_detail", args=[export.pk])
    # Embedded mode ran the job on commit; with a broker, run it here as the worker would.
    assessment_services.assessment_export_run(export_id=export.pk)
    status = client.get(reverse("inspections:export_status", args=[export.pk])).json()
    assert status["status"] == ExportStatus.DONE and status["progress"] == status["total"] == 2
    assert status["download"]

    client.post(reverse("inspections:export_list"), {"semester": semester.pk})
    assert AssessmentExport.objects.count() == 1

    SemesterReport.objects.create(
        member=member_a,
        semester=semester,
        text="x",
        status=ReportStatus.ACCEPTED,
        submitted_at=datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inspections:export_list"), {"semester": semester.pk})
    assert AssessmentExport.objects.count() == 2
    assessment_services.assessment_export_run(export_id=AssessmentExport.objects.latest("pk").pk)
    assert AssessmentExport.objects.filter(status=ExportStatus.DONE).count() == 2


def test_r64_export_claimed_once(admin, member_a, semester):
    export = AssessmentExport.objects.create(semester=semester, total=1)
    assert assessment_services.export_claim(export.pk) == 1
    assert assessment_services.export_claim(export.pk) is None
    assert assessment_services.assessment_export_run(export_id=export.pk) is False


def test_r64_member_cannot_export_or_grade(member_a, semester, client_for):
    (row,) = assessment_services.assessments_compute(semester=semester, branches=[member_a.branch])
    client = client_for(member_a)
    assert client.get(reverse("inspections:export_list")).status_code == 403
    assert client.get(reverse("inspections:assessment_grade", args=[row.pk])).status_code == 403


def test_r64_cycle_pages_render_for_their_roles(admin, secretary, member_a, semester, client_for):
    export = AssessmentExport.objects.create(semester=semester, total=1)
    pages = [
        (admin, reverse("inspections:export_list")),
        (admin, reverse("inspections:export_detail", args=[export.pk])),
        (secretary, reverse("inspections:assessment_list") + f"?semester={semester.pk}"),
        (secretary, reverse("inspections:report_list") + f"?semester={semester.pk}"),
        (secretary, reverse("inspections:inspection_list")),
    ]
    for who, url in pages:
        response = client_for(who).get(url)
        assert response.status_code == 200, url
    assessment_services.assessments_compute(semester=semester, branches=[secretary.branch])
    assert "李老师" in client_for(secretary).get(pages[2][1]).content.decode()
