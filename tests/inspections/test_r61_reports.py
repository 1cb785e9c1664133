"""R61: the semester report: member writes, system fills figures, submit, review, resubmit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.models import Assignment
from inspections.models import ReportStatus, Semester, SemesterReport
from inspections.services import reports as report_services
from members.models import Notification, NotificationKind
from tests.factories import TalkLogFactory


@pytest.fixture
def semester(db):
    return Semester.objects.create(
        name="2026秋", start_on=datetime.date(2026, 9, 1), end_on=datetime.date(2027, 1, 15)
    )


@pytest.fixture
def talks_a(member_a, teacher_a):
    assignment = Assignment.objects.get(member=member_a, contact=teacher_a)
    TalkLogFactory(assignment=assignment, date=datetime.date(2026, 9, 10))
    TalkLogFactory(assignment=assignment, date=datetime.date(2026, 10, 10), is_work_report=False)
    return assignment


def test_r61_figures_filled_from_obligations_at_submission(
    member_a, semester, talks_a, frozen_time
):
    with frozen_time(2026, 11, 5, 9):
        report = report_services.semester_report_save(
            member=member_a, semester=semester, text="本学期联系情况", by=member_a.user
        )
        report = report_services.semester_report_submit(report=report, by=member_a.user)
    assert report.status == ReportStatus.SUBMITTED
    # September complete, October partial (talk only), November still in progress.
    assert report.figures["months_complete"] == 1
    assert report.figures["months_partial"] == 1
    assert report.figures["months_in_progress"] == 1
    assert report.is_late is False


def test_r61_late_when_submitted_after_deadline_in_shanghai(
    member_a, member_b, semester, frozen_time
):
    # Deadline: 2027-01-15 + 14 days = 2027-01-29 (Asia/Shanghai calendar day).
    report = report_services.semester_report_save(
        member=member_a, semester=semester, text="汇报", by=member_a.user
    )
    with frozen_time(2027, 1, 29, 23, 59):
        on_time = report_services.semester_report_submit(report=report, by=member_a.user)
    assert on_time.is_late is False
    # 00:30 on the 30th in Shanghai is still the 29th in UTC: late all the same. (A first
    # submission: a resubmission is judged against its own deadline, test_r61_resubmission.)
    other = report_services.semester_report_save(
        member=member_b, semester=semester, text="汇报", by=member_b.user
    )
    with frozen_time(2027, 1, 30, 0, 30):
        late = report_services.semester_report_submit(report=other, by=member_b.user)
    assert late.is_late is True


def test_r61_return_needs_comment_and_member_sees_it_and_resubmits(
    member_a, secretary, semester, client_for
):
    report = report_services.semester_report_save(
        member=member_a, semester=semester, text="初稿", by=member_a.user
    )
    report_services.semester_report_submit(report=report, by=member_a.user)

    client = client_for(secretary)
    url = reverse("inspections:report_review", args=[report.pk])
    response = client.post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 200
    assert (
        "Say what should change" in response.content.decode() or "修改" in response.content.decode()
    )
    assert SemesterReport.objects.get().status == ReportStatus.SUBMITTED

    response = client.post(url, {"decision": "return", "comment": "请补充五带头情况"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert (
        Notification.objects.filter(
            recipient=member_a.user, kind=NotificationKind.REPORT_REVIEWED
        ).count()
        == 1
    )

    member = client_for(member_a)
    page = member.get(reverse("inspections:report_mine", args=[semester.pk]))
    assert "请补充五带头情况" in page.content.decode()
    response = member.post(
        reverse("inspections:report_mine", args=[semester.pk]), {"text": "修改稿", "submit": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.text == "修改稿"

    response = client.post(url, {"decision": "accept", "comment": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert Notification.objects.filter(recipient=member_a.user).count() == 2


def test_r61_submitted_report_cannot_be_changed(member_a, semester):
    report = report_services.semester_report_save(
        member=member_a, semester=semester, text="汇报", by=member_a.user
    )
    report_services.semester_report_submit(report=report, by=member_a.user)
    with pytest.raises(ValidationError):
        report_services.semester_report_save(
            member=member_a, semester=semester, text="改", by=member_a.user
        )
    assert SemesterReport.objects.get().text == "汇报"


def test_r61_empty_text_is_refused_and_nothing_written(member_a, semester, client_for):
    response = client_for(member_a).post(
        reverse("inspections:report_mine", args=[semester.pk]), {"text": "", "submit": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert not SemesterReport.objects.exists()


def test_r61_member_page_shows_formula_and_running_score(
    member_a, semester, talks_a, client_for, frozen_time
):
    with frozen_time(2026, 11, 5, 9):
        page = client_for(member_a).get(reverse("inspections:report_mine", args=[semester.pk]))
    assert page.status_code == 200
    running = page.context["running"]
    # months 0.75 × 50 + must-talks 1 × 20 (none due) + opinions 0 + leads 0 + report 0 = 57.5
    assert str(running["score"]) == "57.5"
    assert "57.5" in page.content.decode()


def test_r61_other_member_and_other_secretary_cannot_review(
    member_a, member_b, other_branch_secretary, semester, client_for
):
    report = report_services.semester_report_save(
        member=member_a, semester=semester, text="汇报", by=member_a.user
    )
    url = reverse("inspections:report_review", args=[report.pk])
    assert client_for(member_b).get(url).status_code == 404
    assert client_for(other_branch_secretary).get(url).status_code == 404
    assert client_for(member_a).get(url).status_code == 403
