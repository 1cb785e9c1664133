"""Finding 5 of issue 15: assessments are computed by an explicit write (the secretary's button,
the nightly job), never by opening the page, and computing twice gives the same rows."""

import datetime

import pytest
from django.urls import reverse

from inspections import tasks
from inspections.models import Assessment, Semester
from inspections.services import assessments as assessment_services
from members.models import AuditLog


@pytest.fixture
def semester(db):
    return Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 20), end_on=datetime.date(2026, 7, 10)
    )


def test_finding5_opening_the_assessments_writes_nothing_the_button_computes(
    app, secretary, member_a, member_b, semester
):
    url = reverse("inspections:assessment_list") + f"?semester={semester.pk}"
    page = app.get(url, user=secretary.user.username)
    assert Assessment.objects.count() == 0
    assert "尚未计算" in page.text
    audits = AuditLog.objects.count()
    result = page.forms["assessments-compute"].submit("compute").follow()
    assert Assessment.objects.filter(semester=semester).count() == 3  # secretary, a, b
    assert member_a.name in result.text and "计算于" in result.text
    assert AuditLog.objects.count() == audits + 1
    # Computing again changes nothing and is not an error.
    result.forms["assessments-compute"].submit("compute").follow()
    assert Assessment.objects.filter(semester=semester).count() == 3


def test_finding5_compute_button_refused_to_a_member(app, secretary, member_a, semester):
    url = reverse("inspections:assessment_list") + f"?semester={semester.pk}"
    form = app.get(url, user=secretary.user.username).forms["assessments-compute"]
    app.get("/", user=member_a.user.username)  # the member's session, the secretary's form
    assert form.submit("compute", expect_errors=True).status_code == 403
    assert Assessment.objects.count() == 0


def test_finding5_branch_pdf_reads_stored_assessments(secretary, member_a, semester, client_for):
    client = client_for(secretary)
    response = client.get(reverse("inspections:assessment_branch_pdf") + f"?semester={semester.pk}")
    assert response.status_code == 200 and Assessment.objects.count() == 0


def test_finding5_nightly_job_computes_running_and_recent_semesters(secretary, member_a, semester):
    Semester.objects.create(
        name="2025秋", start_on=datetime.date(2025, 9, 1), end_on=datetime.date(2026, 1, 20)
    )
    assert tasks.compute_assessments("2026-07-20") == 2  # only 2026春: ended ten days ago
    assert set(Assessment.objects.values_list("semester_id", flat=True)) == {semester.pk}
    assert tasks.compute_assessments("2026-07-20") == 2
    assert Assessment.objects.count() == 2


def test_finding5_compute_twice_keeps_one_row_per_member(secretary, member_a, semester):
    first = assessment_services.assessments_compute(semester=semester, branches=[secretary.branch])
    second = assessment_services.assessments_compute(semester=semester, branches=[secretary.branch])
    assert [a.pk for a in first] == [a.pk for a in second] and all(a.pk for a in first)
