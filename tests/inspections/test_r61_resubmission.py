"""R61: lateness is judged by the first submission; a returned report has its own resubmission
deadline (branch setting, default 7 days from the return) and is late only against that."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from inspections.models import ReportStatus, Semester
from inspections.services import reports as report_services
from members.models import Branch, Notification, NotificationKind

SH = ZoneInfo("Asia/Shanghai")
D = datetime.date


@pytest.fixture
def semester(db):
    # The report deadline: 2027-01-15 + 14 days = 2027-01-29.
    return Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 15))


def _submit_return(frozen_time, member, secretary, semester, submitted, returned):
    report = report_services.semester_report_save(
        member=member, semester=semester, text="汇报", by=member.user
    )
    with frozen_time(*submitted):
        report = report_services.semester_report_submit(report=report, by=member.user)
    with frozen_time(*returned):
        report = report_services.semester_report_review(
            report=report, accept=False, comment="请补充五必谈情况", by=secretary.user
        )
    return report


def test_r61_on_time_then_returned_and_resubmitted_after_the_deadline_is_not_late(
    member_a, secretary, semester, frozen_time
):
    report = _submit_return(
        frozen_time, member_a, secretary, semester, (2027, 1, 20, 9), (2027, 1, 28, 15)
    )
    assert report.status == ReportStatus.RETURNED and report.resubmit_due_on == D(2027, 2, 4)
    note = Notification.objects.get(kind=NotificationKind.REPORT_REVIEWED)
    assert "2027-02-04" in note.body
    with frozen_time(2027, 2, 3, 18):  # after the semester's deadline, within the return's own
        report = report_services.semester_report_submit(report=report, by=member_a.user)
    assert report.is_late is False and report.resubmitted_late is False
    assert report.first_submitted_at == datetime.datetime(2027, 1, 20, 9, tzinfo=SH)


def test_r61_resubmission_is_late_only_against_its_own_deadline(
    member_a, secretary, semester, frozen_time
):
    report = _submit_return(
        frozen_time, member_a, secretary, semester, (2027, 1, 20, 9), (2027, 1, 21, 9)
    )
    with frozen_time(2027, 1, 29, 9):  # before the semester's deadline, after the return's (01-28)
        report = report_services.semester_report_submit(report=report, by=member_a.user)
    assert report.is_late is False and report.resubmitted_late is True


def test_r61_a_late_first_submission_stays_late(member_a, secretary, semester, frozen_time):
    report = _submit_return(
        frozen_time, member_a, secretary, semester, (2027, 1, 30, 9), (2027, 1, 31, 9)
    )
    assert report.is_late is True
    with frozen_time(2027, 2, 1, 9):
        report = report_services.semester_report_submit(report=report, by=member_a.user)
    assert report.is_late is True and report.resubmitted_late is False


def test_r61_resubmission_days_is_a_branch_setting(app, secretary, member_a, semester, frozen_time):
    url = reverse("inspections:branch_settings", args=[secretary.branch_id])
    form = app.get(url, user=secretary.user.username).forms["settings-form"]
    assert form["resubmission_days"].value == "7"
    form["resubmission_days"] = "3"
    form.submit("save").follow()
    assert Branch.objects.get(pk=secretary.branch_id).resubmission_days == 3
    report = _submit_return(
        frozen_time, member_a, secretary, semester, (2027, 1, 20, 9), (2027, 1, 28, 15)
    )
    assert report.resubmit_due_on == D(2027, 1, 31)


def test_r61_resubmission_days_out_of_range_is_refused_and_kept(app, secretary):
    url = reverse("inspections:branch_settings", args=[secretary.branch_id])
    form = app.get(url, user=secretary.user.username).forms["settings-form"]
    form["resubmission_days"] = "0"
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["settings-form"]["resubmission_days"].value == "0"
    assert Branch.objects.get(pk=secretary.branch_id).resubmission_days == 7


def test_r61_member_page_shows_the_resubmission_deadline(
    client_for, member_a, secretary, semester, frozen_time
):
    _submit_return(frozen_time, member_a, secretary, semester, (2027, 1, 20, 9), (2027, 1, 28, 15))
    page = client_for(member_a).get(reverse("inspections:report_mine", args=[semester.pk]))
    assert "2027-02-04" in page.content.decode()
