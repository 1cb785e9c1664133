"""R64 / issue 15 item 6 (verification): the basic condition is undecided while the semester
runs AND while the member is ungraded after it ends; only a grade after the end decides it.
The existing test covers "running and ungraded" at once, which a rule checking only the date
(or only the grade) would also pass."""

import datetime
import io

import pytest
from pypdf import PdfReader

from inspections import scoring
from inspections.models import Grade, Semester
from inspections.selectors import assessments as assessment_selectors
from inspections.services import assessments as assessment_services
from inspections.services import reports as report_services
from members.pdf import render_pdf

D = datetime.date


@pytest.fixture
def semester(db):
    return Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 15))


def _conditions(semester, branch):
    context = assessment_selectors.assessment_pdf_context(semester=semester, branch=branch)
    return context, {row.member_id: row.condition for row in context["rows"]}


def test_r64_ended_but_ungraded_semester_is_undecided_graded_member_decided(
    settings, secretary, member_a, teacher_a, semester, frozen_time
):
    settings.LANGUAGE_CODE = "zh-hans"
    with frozen_time(2027, 1, 20, 9):  # member_a's report is in: only the grade is missing
        report = report_services.semester_report_save(
            member=member_a, semester=semester, text="汇报", by=member_a.user
        )
        report_services.semester_report_submit(report=report, by=member_a.user)
    with frozen_time(2027, 2, 1, 9):  # the semester is over
        rows = {
            a.member_id: a
            for a in assessment_services.assessments_compute(
                semester=semester, branches=[member_a.branch]
            )
        }
        context, conditions = _conditions(semester, member_a.branch)
    assert set(conditions.values()) == {scoring.Condition.UNDECIDED}
    text = "".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(render_pdf("pdf/assessment.html", context))).pages
    )
    assert "不符合" not in text and "尚未确定" in text

    # Graded while the semester runs: still undecided until it ends.
    with frozen_time(2027, 1, 10, 9):
        assessment_services.assessment_grade(
            assessment=rows[member_a.pk],
            grade=Grade.QUALIFIED,
            reason="全年听课记录完整",
            by=secretary.user,
        )
        _, conditions = _conditions(semester, member_a.branch)
    assert conditions[member_a.pk] == scoring.Condition.UNDECIDED
    with frozen_time(2027, 2, 1, 9):
        _, conditions = _conditions(semester, member_a.branch)
    assert conditions[member_a.pk] == scoring.Condition.MET
    assert conditions[secretary.pk] == scoring.Condition.UNDECIDED  # still ungraded
