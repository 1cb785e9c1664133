"""Issue 14 "How forms are tested from now on": the forms that had only hand-built POST tests,
submitted as the page renders them (main path; error path: typed values back, nothing written)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from contacts.models import Assignment, Category, Contact
from inspections.models import AssessmentExport, ExemplaryCase, Semester
from talks.models import Opinion, OpinionStatus, TalkLog
from tests.contacts.test_roster import GOOD, csv_bytes
from tests.factories import ContactFactory, DepartmentFactory, TalkLogFactory

TODAY = "2026-10-20"


@pytest.fixture(autouse=True)
def _today(settings, frozen_time):
    settings.LANGUAGE_CODE = "en"
    frozen_time(2026, 10, 20, 9)


def _get(app, name, who, *args, query=""):
    return app.get(reverse(name, args=args) + query, user=who.user.username)


# --- contacts: assign, reassign, end (R44) ---------------------------------------------------


@pytest.fixture
def unassigned(branch):
    return ContactFactory(branch=branch, name="周老师", category=Category.TEACHER)


def test_r44_assign_form_as_rendered(app, secretary, member_a, unassigned):
    form = _get(app, "contacts:manage_detail", secretary, unassigned.pk).forms["assign-form"]
    assert form["started_on"].value == TODAY
    form["member"] = str(member_a.pk)
    assert form.submit("save").status_code == 302
    assert Assignment.objects.get(contact=unassigned).member == member_a


def test_r44_assign_form_error_keeps_the_member_and_writes_nothing(
    app, secretary, member_a, unassigned
):
    form = _get(app, "contacts:manage_detail", secretary, unassigned.pk).forms["assign-form"]
    form["member"], form["started_on"] = str(member_a.pk), "1999-12-31"
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["assign-form"]["member"].value == str(member_a.pk)
    assert res.forms["assign-form"]["started_on"].value == "1999-12-31"
    assert not Assignment.objects.filter(contact=unassigned).exists()


def test_r44_reassign_form_as_rendered_and_on_error(app, secretary, member_b, teacher_a):
    assignment = Assignment.objects.get(contact=teacher_a)
    form = _get(app, "contacts:manage_reassign", secretary, assignment.pk).forms["reassign-form"]
    form["member"], form["on"], form["reason"] = str(member_b.pk), "1999-12-31", "工作调整"
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["reassign-form"]["reason"].value == "工作调整"
    assert Assignment.objects.get(contact=teacher_a, ended_on=None).pk == assignment.pk

    form = res.forms["reassign-form"]
    form["on"] = TODAY
    assert form.submit("save").status_code == 302
    assert Assignment.objects.get(contact=teacher_a, ended_on=None).member == member_b


def test_r44_end_assignment_form_as_rendered_and_on_error(app, secretary, teacher_a):
    assignment = Assignment.objects.get(contact=teacher_a)
    page = _get(app, "contacts:manage_end", secretary, assignment.pk)
    form = page.forms["assignment-end-form"]
    form["ended_on"], form["reason"] = "1999-12-31", "调离本校"
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["assignment-end-form"]["reason"].value == "调离本校"
    assignment.refresh_from_db()
    assert assignment.ended_on is None

    form = res.forms["assignment-end-form"]
    form["ended_on"] = TODAY
    assert form.submit("save").status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on == datetime.date(2026, 10, 20)


# --- contacts: roster import (upload, then apply) --------------------------------------------


def test_roster_upload_and_apply_forms_as_rendered(app, secretary):
    DepartmentFactory(name="数学教研室")
    form = _get(app, "contacts:roster_import", secretary).forms["roster-upload-form"]
    form["file"] = ("名单.csv", csv_bytes(GOOD), "text/csv")
    preview = form.submit("upload").maybe_follow()
    assert not Contact.objects.filter(name="陈静").exists()  # nothing written before applying
    preview.forms["roster-apply-form"].submit().maybe_follow()
    assert Contact.objects.filter(name="陈静").exists()


def test_roster_upload_form_error_says_why_and_writes_nothing(app, secretary):
    form = _get(app, "contacts:roster_import", secretary).forms["roster-upload-form"]
    form["file"] = ("名单.txt", b"\x00\x01 not a table", "text/plain")
    res = form.submit("upload")
    assert res.status_code == 200
    assert res.context["form"].errors["file"]
    assert not Contact.objects.exists()


# --- talks: the member deletes a talk; the secretary's opinion queue (R43) -------------------


def test_r45_talk_delete_form_as_rendered(app, member_a, teacher_a):
    talk = TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a))
    page = _get(app, "talks:talk_delete", member_a, talk.pk)
    assert page.forms["talk-delete-form"].submit().status_code == 302
    assert not TalkLog.objects.filter(pk=talk.pk).exists()


def test_r43_box_opinion_form_as_rendered_and_on_error(app, secretary):
    form = _get(app, "talks:opinion_box_create", secretary).forms["box-opinion-form"]
    assert form["received_on"].value == TODAY
    form["raised_by_name"], form["content"] = "后勤处老师", "   "
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["box-opinion-form"]["raised_by_name"].value == "后勤处老师"
    assert not Opinion.objects.exists()

    form = res.forms["box-opinion-form"]
    form["content"] = "希望食堂延长晚餐供应时间。"
    assert form.submit("save").status_code == 302
    assert Opinion.objects.get().content == "希望食堂延长晚餐供应时间。"


def test_r43_opinion_status_form_as_rendered_and_on_error(app, secretary, branch):
    opinion = Opinion.objects.create(
        branch=branch,
        source="box",
        content="希望食堂延长晚餐供应时间。",
        received_on=datetime.date(2026, 10, 10),
        due_on=datetime.date(2026, 10, 24),
    )
    page = _get(app, "talks:opinion_detail", secretary, opinion.pk)
    form = page.forms["opinion-status-form"]
    form["to_status"], form["note"] = OpinionStatus.ANSWERED, "与后勤处协商"
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["opinion-status-form"]["note"].value == "与后勤处协商"
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.RECEIVED

    form = res.forms["opinion-status-form"]
    form["answer"] = "晚餐延长至19点。"
    assert form.submit("save").status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ANSWERED


# --- inspections: exemplary cases (R63), the school's export (R64) ---------------------------


def test_r63_exemplary_form_as_rendered_and_on_error(app, secretary):
    form = _get(app, "inspections:exemplary_create", secretary).forms["exemplary-form"]
    assert form["occurred_on"].value == TODAY
    form["kind"] = form["kind"].options[-1][0]
    form["title"], form["description"] = "", "一学期坚持每周谈心。"
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["exemplary-form"]["description"].value == "一学期坚持每周谈心。"
    assert not ExemplaryCase.objects.exists()

    form = res.forms["exemplary-form"]
    form["title"] = "结对帮扶"
    assert form.submit("save").status_code == 302
    assert ExemplaryCase.objects.get().title == "结对帮扶"


def test_r64_export_form_as_rendered_and_on_error(app, admin, secretary):
    semester = Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 20), end_on=datetime.date(2026, 7, 10)
    )
    form = _get(app, "inspections:export_list", admin).forms["export-form"]
    form["semester"] = ""
    res = form.submit("export")
    assert res.status_code == 200 and res.context["form"].errors["semester"]
    assert not AssessmentExport.objects.exists()

    form = res.forms["export-form"]
    form["semester"] = str(semester.pk)
    assert form.submit("export").status_code == 302
    assert AssessmentExport.objects.get().semester == semester


# --- accounts: log in, log out, language ------------------------------------------------------


def test_login_form_as_rendered_and_on_error(app, member_a):
    form = app.get(reverse("login")).forms["login-form"]
    form["username"], form["password"] = "member_a", "wrong password"
    res = form.submit()
    assert res.status_code == 200
    assert res.forms["login-form"]["username"].value == "member_a"
    assert "_auth_user_id" not in app.session

    form = res.forms["login-form"]
    form["password"] = "a-long-test-password"
    assert form.submit().status_code == 302
    assert app.session["_auth_user_id"] == str(member_a.user.pk)


def test_logout_and_language_forms_as_rendered(app, member_a):
    page = _get(app, "talks:my_page", member_a)
    form = page.forms["language-form"]
    form["language"] = "en"
    page = form.submit().follow()
    assert page.html.html["lang"] == "en"
    page.forms["logout-form"].submit()
    assert "_auth_user_id" not in app.session


# --- inspections: the secretary reviews a semester report (R61) ------------------------------


def test_r61_review_form_as_rendered_and_on_error(app, member_a, secretary):
    from inspections.models import ReportStatus, SemesterReport
    from inspections.services import reports as report_services

    semester = Semester.objects.create(
        name="2026秋", start_on=datetime.date(2026, 9, 1), end_on=datetime.date(2027, 1, 15)
    )
    report = report_services.semester_report_save(
        member=member_a, semester=semester, text="初稿", by=member_a.user
    )
    report_services.semester_report_submit(report=report, by=member_a.user)
    form = _get(app, "inspections:report_review", secretary, report.pk).forms["review-form"]
    form["decision"] = "return"
    res = form.submit("review")
    assert res.status_code == 200 and res.context["form"].errors["comment"]
    assert res.forms["review-form"]["decision"].value == "return"
    assert SemesterReport.objects.get().status == ReportStatus.SUBMITTED

    form = res.forms["review-form"]
    form["comment"] = "请补充五带头情况"
    assert form.submit("review").status_code == 302
    assert SemesterReport.objects.get().status == ReportStatus.RETURNED
