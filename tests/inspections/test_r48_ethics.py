"""R48: the report's 师德 self-review; the secretary's commendation or concern (confidential:
author and secretary only, read audited); a standing concern means the basic condition for
awards and promotion is not met, shown in the assessment PDF."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from inspections.models import EthicsKind, EthicsNote, Grade, ReportStatus, Semester
from inspections.selectors import assessments as assessment_selectors
from inspections.services import assessments as assessment_services
from inspections.services import reports as report_services
from members.models import AuditAction, AuditLog
from members.pdf import render_pdf

D = datetime.date


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(2027, 2, 1, 9)


@pytest.fixture
def semester(db):
    return Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 15))


def test_r48_report_has_the_members_ethics_self_review(app, member_a, semester):
    page = app.get(reverse("inspections:report_mine", args=[semester.pk]), user="member_a")
    form = page.forms["report-form"]
    form["text"] = "本学期联系三位群众。"
    form["ethics_review"] = "团结同事，廉洁从教，为人师表。"
    form.submit("save").follow()
    report = member_a.reports.get(semester=semester)
    assert report.ethics_review == "团结同事，廉洁从教，为人师表。"


def test_r48_refused_report_keeps_the_self_review(app, member_a, semester):
    page = app.get(reverse("inspections:report_mine", args=[semester.pk]), user="member_a")
    form = page.forms["report-form"]
    form["text"] = ""  # the text is required: refused
    form["ethics_review"] = "自评内容"
    res = form.submit("save")
    assert res.status_code == 200 and not member_a.reports.exists()
    assert res.forms["report-form"]["ethics_review"].value == "自评内容"


def test_r48_secretary_records_a_concern_read_audited(app, secretary, member_a):
    page = app.get(reverse("inspections:ethics_list"), user="secretary")
    form = page.forms["ethics-note-form"]
    form["member"] = str(member_a.pk)
    form["kind"] = EthicsKind.CONCERN
    form["recorded_on"] = "2027-01-20"
    form["text"] = "收受家长礼品"
    page = form.submit("save").follow()
    note = EthicsNote.objects.get()
    assert (note.member, note.kind, note.recorded_by) == (member_a, "concern", secretary.user)
    assert "收受家长礼品" in page.text
    assert AuditLog.objects.filter(
        action=AuditAction.VIEW_CONFIDENTIAL, actor=secretary.user
    ).exists()


def test_r48_refused_note_keeps_the_text_and_writes_nothing(app, secretary, member_a):
    page = app.get(reverse("inspections:ethics_list"), user="secretary")
    form = page.forms["ethics-note-form"]
    form["member"] = str(member_a.pk)
    form["kind"] = EthicsKind.COMMENDATION
    form["recorded_on"] = "2027-03-01"  # in the future: refused
    form["text"] = "帮扶青年教师"
    res = form.submit("save")
    assert res.status_code == 200 and not EthicsNote.objects.exists()
    assert res.forms["ethics-note-form"]["text"].value == "帮扶青年教师"


def test_r48_only_the_secretary_reads_notes(client_for, member_a, leader, admin, committee):
    for person in (member_a, leader, admin, committee):
        assert client_for(person).get(reverse("inspections:ethics_list")).status_code == 403


def test_r48_standing_concern_fails_the_basic_condition_in_the_pdf(
    settings, app, secretary, member_a, member_b, semester
):
    settings.LANGUAGE_CODE = "zh-hans"
    for member in (member_a, member_b):
        report = report_services.semester_report_save(
            member=member, semester=semester, text="汇报", by=member.user
        )
        report_services.semester_report_submit(report=report, by=member.user)
    note = EthicsNote.objects.create(
        member=member_a,
        kind=EthicsKind.CONCERN,
        text="收受家长礼品",
        recorded_on=D(2027, 1, 20),
        recorded_by=secretary.user,
    )
    rows = {
        a.member_id: a
        for a in assessment_services.assessments_compute(
            semester=semester, branches=[member_a.branch]
        )
    }
    for member in (member_a, member_b):
        assessment_services.assessment_grade(
            assessment=rows[member.pk], grade=Grade.QUALIFIED, reason="x", by=secretary.user
        )
        rows[member.pk].refresh_from_db()
    assert rows[member_a.pk].basic_condition_met is False
    assert rows[member_b.pk].basic_condition_met is True
    context = assessment_selectors.assessment_pdf_context(semester=semester, branch=member_a.branch)
    pdf = render_pdf("pdf/assessment.html", context)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "存在未解除的师德问题" in text and "收受家长礼品" not in text
    assert ReportStatus.SUBMITTED == rows[member_a.pk].figures["report_status"]

    # The secretary lifts it: the condition is met again at the next computation.
    page = app.get(reverse("inspections:ethics_list"), user="secretary")
    page.forms[f"ethics-lift-form-{note.pk}"].submit("lift").follow()
    note.refresh_from_db()
    assert note.lifted_on == D(2027, 2, 1)
    assessment_services.assessments_compute(semester=semester, branches=[member_a.branch])
    rows[member_a.pk].refresh_from_db()
    assert rows[member_a.pk].basic_condition_met is True
