"""Issue 15 items 6 and 9 (R45, R64): months with nothing due are left out of every rate, a
member with nothing due has no score and is graded by hand, an undecided state is shown as
undecided; one frozen set of figures per member and semester, read by report and score."""

import datetime

import pytest
from django.urls import reverse

from contacts.models import Assignment
from inspections import scoring
from inspections.models import FrozenFigures, Grade, Semester
from inspections.selectors import assessments as assessment_selectors
from inspections.services import assessments as assessment_services
from inspections.services import inspections as inspection_services
from inspections.services import reports as report_services
from members.pdf import render_pdf
from talks.obligations import Month, MonthState
from tests.factories import TalkLogFactory

D = datetime.date


@pytest.fixture
def semester(db):
    return Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 15))


def _pdf_text(context) -> str:
    import io

    from pypdf import PdfReader

    pdf = render_pdf("pdf/assessment.html", context)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_r45_r64_member_with_nothing_due_has_no_score_is_flagged_and_graded_by_hand(
    member_a, member_b, teacher_a, secretary, semester, frozen_time
):
    # member_a talked once in three months; member_b has no contact at all.
    TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a), date=D(2026, 9, 10))
    with frozen_time(2027, 2, 1, 9):
        rows = {
            a.member_id: a
            for a in assessment_services.assessments_compute(
                semester=semester, branches=[member_a.branch]
            )
        }
    assert rows[member_a.pk].score is not None
    # It scored 70 (基本合格), above the active member, before.
    assert rows[member_b.pk].score is None
    assert rows[member_b.pk].figures["nothing_due"] is True
    assert rows[member_b.pk].figures["completion_rate"] is None
    graded = assessment_services.assessment_grade(
        assessment=rows[member_b.pk], grade=Grade.QUALIFIED, reason="", by=secretary.user
    )
    assert graded.grade == Grade.QUALIFIED and graded.grade_reason == ""
    with frozen_time(2027, 2, 1, 9):
        context = assessment_selectors.assessment_pdf_context(
            semester=semester, branch=member_a.branch
        )
    flagged = {row.member_id: row.nothing_due for row in context["rows"]}
    assert flagged == {member_a.pk: False, member_b.pk: True, secretary.pk: True}


def test_r64_ungraded_or_unfinished_semester_is_not_printed_as_not_met(
    settings, member_a, teacher_a, semester, frozen_time
):
    settings.LANGUAGE_CODE = "zh-hans"
    with frozen_time(2026, 12, 2, 9):  # semester not over, nobody graded
        assessment_services.assessments_compute(semester=semester, branches=[member_a.branch])
        context = assessment_selectors.assessment_pdf_context(
            semester=semester, branch=member_a.branch
        )
    assert {row.condition for row in context["rows"]} == {scoring.Condition.UNDECIDED}
    text = _pdf_text(context)
    assert "不符合" not in text and "尚未确定" in text


def test_r45_december_on_2_december_is_not_yet_decided_on_the_dashboard(
    client_for, secretary, member_a, teacher_a, semester, frozen_time
):
    with frozen_time(2026, 12, 2, 9):
        response = client_for(secretary).get(reverse("inspections:branch_home"))
    (row,) = [r for r in response.context["matrix"] if r["member"] == member_a]
    cells = {str(c["month"]): c["state"] for c in row["cells"]}
    assert cells["2026-11"] == MonthState.MISSING  # November is over: missing
    assert cells["2026-12"] == MonthState.IN_PROGRESS  # a red ✗ before
    assert cells["2027-01"] is None
    page = response.content.decode()
    assert 'class="state-in_progress"' in page


def test_r64_score_reads_the_figures_frozen_at_submission_and_at_the_inspection(
    member_a, teacher_a, semester, frozen_time
):
    """A month straddling the semester's end (January, the semester ending on the 15th)."""
    assignment = Assignment.objects.get(contact=teacher_a)
    for month in (9, 10, 11, 12):
        TalkLogFactory(assignment=assignment, date=D(2026, month, 10))
    with frozen_time(2027, 1, 20, 9):  # January still in progress
        report = report_services.semester_report_save(
            member=member_a, semester=semester, text="本学期联系情况", by=member_a.user
        )
        report = report_services.semester_report_submit(report=report, by=member_a.user)
    assert report.figures["months_in_progress"] == 1 and report.figures["completion_rate"] == 1
    frozen = FrozenFigures.objects.get(member=member_a, semester=semester)
    assert frozen.source == FrozenFigures.Source.REPORT and frozen.figures == report.figures

    # 5 February: January is over and missing; the live figures would now say 0.8.
    with frozen_time(2027, 2, 5, 9):
        rows = assessment_services.assessments_compute(
            semester=semester, branches=[member_a.branch]
        )
    (mine,) = [a for a in rows if a.member_id == member_a.pk]
    assert mine.figures["completion_rate"] == report.figures["completion_rate"] == 1
    assert mine.score == scoring.score(
        member_a.branch.weights, scoring.rates(report.figures, "submitted")
    )

    # The inspection freezes the set again: the report and the score read the new one.
    with frozen_time(2027, 2, 5, 9):
        inspection_services.inspection_generate(branch=member_a.branch, half="2026H2")
        rows = assessment_services.assessments_compute(
            semester=semester, branches=[member_a.branch]
        )
    report.refresh_from_db()
    (mine,) = [a for a in rows if a.member_id == member_a.pk]
    frozen.refresh_from_db()
    assert frozen.source == FrozenFigures.Source.INSPECTION
    assert report.figures == frozen.figures
    assert report.figures["completion_rate"] == mine.figures["completion_rate"] == 0.8
    assert Month(2027, 1).__str__() in report.figures["months"]


def test_r64_inspection_during_a_running_semester_freezes_nothing(
    member_a, teacher_a, semester, frozen_time
):
    """A running semester keeps following the data until its report is submitted."""
    with frozen_time(2026, 12, 2, 9):
        inspection_services.inspection_generate(branch=member_a.branch, half="2026H2")
    assert not FrozenFigures.objects.exists()
