"""Issue 14 everyday tools as the pages submit them (django-webtest): R54 the secretary's
briefings (list with the lag, record, edit) and the leader's edits of visits and briefings;
R52 symposium edit with attachments (download audited, removal in window); R46 deleting a
five-leads activity after a confirmation page."""

import datetime

import pytest
from django.urls import reverse

from members.models import AuditAction, AuditLog, FiveLeadActivity
from talks.models import Briefing, LeaderVisit, Opinion, Symposium, SymposiumAttachment

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def frozen(settings, frozen_time):
    settings.LANGUAGE_CODE = "en"
    frozen_time(2026, 10, 20, 9)


# --- R46: deleting a five-leads activity


@pytest.fixture
def activity(member_a):
    return FiveLeadActivity.objects.create(
        member=member_a, kind="open_class", date=D(2026, 10, 12), title="公开课：函数"
    )


def test_r46_member_deletes_an_activity_after_confirming(app, member_a, activity):
    page = app.get(reverse("members:leads"), user=member_a.user.username)
    page = page.click(href=reverse("members:lead_delete", args=[activity.pk]))
    assert "公开课：函数" in page.text
    assert FiveLeadActivity.objects.exists()  # the GET only asks
    page = page.forms["lead-delete-form"].submit().follow()
    assert not FiveLeadActivity.objects.exists()
    assert "The activity is deleted." in page.text
    assert AuditLog.objects.filter(
        action=AuditAction.DELETE, object_type="members.fiveleadactivity"
    ).exists()


def test_r46_activity_of_a_closed_month_offers_no_delete_and_refuses_it(app, member_a):
    old = FiveLeadActivity.objects.create(
        member=member_a, kind="paper", date=D(2026, 8, 30), title="论文"
    )
    url = reverse("members:lead_delete", args=[old.pk])
    page = app.get(reverse("members:leads"), user=member_a.user.username)
    assert url not in page.text
    page = app.get(url, user=member_a.user.username).follow()
    assert "can no longer be changed" in page.text
    assert FiveLeadActivity.objects.filter(pk=old.pk).exists()


def test_r46_another_member_cannot_delete_it(app, member_b, activity):
    url = reverse("members:lead_delete", args=[activity.pk])
    assert app.get(url, user=member_b.user.username, status=404)
    assert FiveLeadActivity.objects.exists()


# --- R52: symposium edit and attachments


@pytest.fixture
def symposium(branch, secretary):
    return Symposium.objects.create(
        branch=branch,
        held_on=D(2026, 10, 15),
        topic="教学改革座谈",
        masses_representatives=6,
        recorded_by=secretary.user,
    )


def test_r52_secretary_adds_minutes_and_files_after_the_meeting(
    app, secretary, member_a, symposium
):
    page = app.get(reverse("talks:symposium_detail", args=[symposium.pk]), user="secretary")
    page = page.click(href=reverse("talks:symposium_edit", args=[symposium.pk]))
    form = page.forms["symposium-edit-form"]
    assert form["topic"].value == "教学改革座谈"
    form["minutes"] = "会议纪要：大家希望减少会议。"
    form["opinions"] = "减少会议"
    form["attachments"] = [("签到表.pdf", PDF), ("合影.png", PNG)]
    page = form.submit("save").follow()
    symposium.refresh_from_db()
    assert symposium.minutes == "会议纪要：大家希望减少会议。"
    assert [a.name for a in symposium.attachments.all()] == ["签到表.pdf", "合影.png"]
    assert Opinion.objects.get(symposium=symposium).content == "减少会议"
    assert "签到表.pdf" in page.text and "会议纪要" in page.text
    # A member of the branch downloads it; the download is audited.
    attachment = symposium.attachments.first()
    file = app.get(reverse("talks:symposium_attachment", args=[attachment.pk]), user="member_a")
    assert file.body == PDF
    assert file.headers["Content-Type"] == "application/pdf"
    assert file.headers["Content-Disposition"].startswith("attachment")
    assert file.headers["X-Content-Type-Options"] == "nosniff"
    assert AuditLog.objects.filter(
        action=AuditAction.EXPORT, object_type="talks.symposiumattachment", actor=member_a.user
    ).exists()


def test_r52_symposium_edit_error_keeps_what_was_typed_and_asks_for_files_again(
    app, secretary, symposium
):
    form = app.get(reverse("talks:symposium_edit", args=[symposium.pk]), user="secretary").forms[
        "symposium-edit-form"
    ]
    form["minutes"] = "纪要草稿"
    form["masses_representatives"] = "0"
    form["attachments"] = [("签到表.pdf", PDF)]
    res = form.submit("save")
    assert res.status_code == 200
    again = res.forms["symposium-edit-form"]
    assert again["minutes"].value == "纪要草稿"
    errors = res.context["form"].errors
    assert "masses_representatives" in errors
    assert errors["attachments"] == [
        "The form has an error elsewhere, so the files were not kept: choose again."
    ]
    symposium.refresh_from_db()
    assert (symposium.minutes, symposium.attachments.count()) == ("", 0)


def test_r52_a_file_that_is_not_pdf_png_or_jpeg_is_refused(app, secretary, symposium):
    form = app.get(reverse("talks:symposium_edit", args=[symposium.pk]), user="secretary").forms[
        "symposium-edit-form"
    ]
    form["minutes"] = "纪要"
    form["attachments"] = [("签到表.pdf", b"MZ\x90\x00 an exe")]
    res = form.submit("save")
    assert res.context["form"].errors["attachments"] == [
        "Only PDF, PNG or JPEG files are accepted."
    ]
    assert res.forms["symposium-edit-form"]["minutes"].value == "纪要"
    assert not SymposiumAttachment.objects.exists()


def _with_file(symposium, secretary):
    from django.core.files.base import ContentFile

    attachment = SymposiumAttachment(
        symposium=symposium, name="合影.png", content_type="image/png", uploaded_by=secretary.user
    )
    attachment.file.save("x.png", ContentFile(PNG))
    return attachment


def test_r52_secretary_removes_a_file_in_the_window(
    app, secretary, symposium, django_capture_on_commit_callbacks
):
    attachment = _with_file(symposium, secretary)
    page = app.get(reverse("talks:symposium_detail", args=[symposium.pk]), user="secretary")
    with django_capture_on_commit_callbacks(execute=True):
        page = page.forms[f"attachment-delete-form-{attachment.pk}"].submit().follow()
    assert "The file is removed." in page.text
    assert not SymposiumAttachment.objects.exists()


def test_r52_closed_symposium_cannot_be_edited_nor_its_files_removed(
    app, secretary, member_a, symposium, frozen_time
):
    attachment = _with_file(symposium, secretary)
    with frozen_time(2026, 12, 2, 9):
        page = app.get(reverse("talks:symposium_detail", args=[symposium.pk]), user="secretary")
        assert reverse("talks:symposium_edit", args=[symposium.pk]) not in page.text
        assert f"attachment-delete-form-{attachment.pk}" not in page.text
        page = app.get(reverse("talks:symposium_edit", args=[symposium.pk]), user="secretary")
        assert "can no longer be changed" in page.follow().text
    # A member reads the symposium and its files but has no edit or remove control.
    page = app.get(reverse("talks:symposium_detail", args=[symposium.pk]), user="member_a")
    assert "合影.png" in page.text and "attachment-delete-form" not in page.text
    app.get(reverse("talks:symposium_edit", args=[symposium.pk]), user="member_a", status=404)


def test_r52_files_of_another_branch_are_404(app, other_branch_secretary, secretary, symposium):
    attachment = _with_file(symposium, secretary)
    app.get(
        reverse("talks:symposium_attachment", args=[attachment.pk]),
        user="other_secretary",
        status=404,
    )
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


# --- R54: briefings (secretary) and edits (leader, secretary)


def test_r54_secretary_records_a_briefing_from_the_dashboard_and_sees_the_lag(app, secretary):
    page = app.get(reverse("inspections:branch_home"), user="secretary")
    page = page.click(href=reverse("talks:briefing_list"))
    page = page.click(href=reverse("talks:briefing_create"))
    form = page.forms["briefing-form"]
    assert form["date"].value == "2026-10-20" and form["decided_on"].value == ""
    form["decided_on"], form["date"] = "2026-10-06", "2026-10-16"
    form["subject"], form["audience"] = "绩效工资分配方案", "全体教职工"
    page = form.submit("save").follow()
    briefing = Briefing.objects.get()
    assert (briefing.given_by, briefing.lag_days) == (secretary, 10)
    row = page.html.select_one("#briefings tbody tr")
    assert "绩效工资分配方案" in row.text and "10 days" in row.select_one(".lag").text


def test_r54_secretary_briefing_error_keeps_what_was_typed(app, secretary):
    form = app.get(reverse("talks:briefing_create"), user="secretary").forms["briefing-form"]
    form["decided_on"], form["date"] = "2026-10-18", "2026-10-16"
    form["subject"], form["audience"] = "方案", "全体教职工"
    res = form.submit("save")
    assert res.status_code == 200
    again = res.forms["briefing-form"]
    assert (again["decided_on"].value, again["subject"].value) == ("2026-10-18", "方案")
    assert res.context["form"].errors["decided_on"] == [
        "A decision is briefed after it is taken, not before."
    ]
    assert not Briefing.objects.exists()


def test_r54_briefings_list_query_count_is_pinned(
    client_for, secretary, branch, leader, django_assert_num_queries
):
    client = client_for(secretary)
    url = reverse("talks:briefing_list")
    client.get(url)

    def add(n):
        for i in range(n):
            Briefing.objects.create(
                branch=branch,
                given_by=leader,
                date=D(2026, 10, 1 + i),
                subject=f"s{i}",
                audience="a",
            )

    add(1)
    with django_assert_num_queries(_count(client, url)) as first:
        client.get(url)
    add(5)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert len(response.context["briefings"]) == 6


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


@pytest.fixture
def briefing(branch, leader):
    return Briefing.objects.create(
        branch=branch, given_by=leader, date=D(2026, 10, 9), subject="课程改革", audience="教师"
    )


def test_r54_secretary_edits_a_briefing_from_the_list(app, secretary, briefing):
    page = app.get(reverse("talks:briefing_list"), user="secretary")
    page = page.click(href=reverse("talks:briefing_edit", args=[briefing.pk]))
    form = page.forms["briefing-edit-form"]
    assert form["subject"].value == "课程改革"
    form["decided_on"] = "2026-10-01"
    page = form.submit("save").follow()
    briefing.refresh_from_db()
    assert briefing.lag_days == 8
    assert "8 days" in page.html.select_one("#briefings .lag").text


def test_r54_briefing_edit_error_keeps_what_was_typed(app, leader, briefing):
    form = app.get(reverse("talks:briefing_edit", args=[briefing.pk]), user="leader").forms[
        "briefing-edit-form"
    ]
    form["subject"], form["audience"] = "课程改革（修订）", ""
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["briefing-edit-form"]["subject"].value == "课程改革（修订）"
    assert res.context["form"].errors["audience"]
    assert Briefing.objects.get().subject == "课程改革"


@pytest.fixture
def visit(leader, branch):
    return LeaderVisit.objects.create(
        leader=leader, branch=branch, date=D(2026, 10, 9), kind="visit", summary="听课"
    )


def test_r54_leader_edits_a_visit_from_their_page(app, leader, visit):
    page = app.get(reverse("inspections:leader_home"), user="leader")
    page = page.click(href=reverse("talks:leader_visit_edit", args=[visit.pk]))
    form = page.forms["visit-edit-form"]
    assert (form["kind"].value, form["summary"].value) == ("visit", "听课")
    form["kind"], form["summary"] = "heart_talk", "与青年教师谈心"
    page = form.submit("save").follow()
    visit.refresh_from_db()
    assert (visit.kind, visit.summary) == ("heart_talk", "与青年教师谈心")
    assert "与青年教师谈心" in page.text


def test_r54_visit_edit_error_keeps_what_was_typed(app, leader, visit):
    form = app.get(reverse("talks:leader_visit_edit", args=[visit.pk]), user="leader").forms[
        "visit-edit-form"
    ]
    form["people_met"], form["summary"] = "三年级组", ""
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["visit-edit-form"]["people_met"].value == "三年级组"
    assert res.context["form"].errors["summary"]
    assert LeaderVisit.objects.get().people_met == ""


def test_r54_visit_cannot_be_moved_into_a_closed_month(app, leader, visit):
    form = app.get(reverse("talks:leader_visit_edit", args=[visit.pk]), user="leader").forms[
        "visit-edit-form"
    ]
    form["date"] = "2026-08-31"
    res = form.submit("save")
    assert res.status_code == 200
    assert res.context["form"].errors["date"]
    assert res.forms["visit-edit-form"]["date"].value == "2026-08-31"
    assert LeaderVisit.objects.get().date == D(2026, 10, 9)


def test_r54_leader_page_shows_visits_against_the_target(app, leader, branch):
    from inspections.models import Semester

    Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 31))
    branch.leader_visit_target = 2
    branch.save()
    LeaderVisit.objects.create(
        leader=leader, branch=branch, date=D(2026, 10, 9), kind="reception", summary="接待"
    )
    LeaderVisit.objects.create(  # before the semester: not counted
        leader=leader, branch=branch, date=D(2026, 8, 9), kind="reception", summary="暑期"
    )
    target = app.get(reverse("inspections:leader_home"), user="leader").html.select_one(
        "#visit-target"
    )
    assert "state-missing" in target["class"]
    assert "1 visit(s) from 2026-09-01 to 2027-01-31; the target is 2." in " ".join(
        target.text.split()
    )
    LeaderVisit.objects.create(
        leader=leader, branch=branch, date=D(2026, 10, 19), kind="visit", summary="听课"
    )
    target = app.get(reverse("inspections:leader_home"), user="leader").html.select_one(
        "#visit-target"
    )
    assert "state-complete" in target["class"]


def test_r54_leader_page_shows_the_lag_of_a_briefing(app, leader, branch):
    Briefing.objects.create(
        branch=branch,
        given_by=leader,
        decided_on=D(2026, 10, 2),
        date=D(2026, 10, 9),
        subject="课程改革",
        audience="教师",
    )
    page = app.get(reverse("inspections:leader_home"), user="leader")
    assert "Decided 2026-10-02, briefed 7 days later" in page.text


def test_r54_leader_below_target_is_flagged_on_the_school_page(app, admin, leader, branch):
    from inspections.models import Semester

    Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 31))
    LeaderVisit.objects.create(
        leader=leader, branch=branch, date=D(2026, 10, 9), kind="reception", summary="接待"
    )
    section = app.get(reverse("inspections:school_home"), user="admin").html.select_one(
        "#leaders-short"
    )
    assert "周校长 at 数学组党支部: 1 visit(s), target 4" in " ".join(section.text.split())
    branch.leader_visit_target = 1
    branch.save()
    section = app.get(reverse("inspections:school_home"), user="admin").html.select_one(
        "#leaders-short"
    )
    assert "周校长" not in section.text and "state-complete" in str(section)


def test_r54_leader_below_target_is_flagged_in_the_inspection(leader, branch, secretary):
    from inspections.models import Semester
    from inspections.selectors import inspections as inspection_selectors

    Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 31))
    LeaderVisit.objects.create(
        leader=leader, branch=branch, date=D(2026, 10, 9), kind="visit", summary="听课"
    )
    data = inspection_selectors.inspection_data(branch=branch, half="2026H2")
    assert data["leaders"] == [{"name": "周校长", "visits": 1, "target": 4, "short": True}]


def test_r52_new_symposium_takes_its_files_at_once(app, secretary):
    form = app.get(reverse("talks:symposium_create"), user="secretary").forms["symposium-form"]
    form["topic"], form["masses_representatives"] = "期中教学座谈", "5"
    form["attachments"] = [("签到表.pdf", PDF)]
    form.submit("save").follow()
    symposium = Symposium.objects.get()
    assert [(a.name, a.content_type) for a in symposium.attachments.all()] == [
        ("签到表.pdf", "application/pdf")
    ]
    assert symposium.attachments.get().file.read() == PDF
