"""Issue 14, Excel exports: the semester's assessments (a branch for its secretary, the school
for the admin, R64), the school overview (全校概况), and the opinion queue as filtered on its page
(R43). Chinese headers, columns as wide as their text, a Chinese file name with the branch and
the period (RFC 5987 filename*), and an audit row for every file."""

from __future__ import annotations

import datetime
from io import BytesIO
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inspections.exports import display_width
from inspections.models import Grade, Semester
from inspections.services import assessments as assessment_services
from members.models import AuditAction, AuditLog
from talks.models import Opinion, OpinionStatus

D = datetime.date


@pytest.fixture
def semester(db):
    return Semester.objects.create(
        name="2026秋季学期", start_on=D(2026, 9, 1), end_on=D(2027, 1, 20)
    )


@pytest.fixture
def zh(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content)).active


def _filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition.lower()
    return disposition


def test_r64_secretary_exports_the_branch_assessments_in_chinese(
    zh, client_for, secretary, member_a, member_b, branch, semester
):
    assessment_services.assessments_compute(semester=semester, branches=[branch], by=secretary.user)
    row = member_a.assessments.get()
    row.grade, row.grade_reason = Grade.EXCELLENT, "公开课获奖，工作突出"
    row.save()
    response = client_for(secretary).get(
        reverse("inspections:assessment_export") + f"?semester={semester.pk}"
    )
    sheet = _sheet(response)
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["党员", "得分", "得分对应等次", "等次", "等次超出得分区间的理由"]
    assert header[-2:] == ["符合基本条件", "计算时间"]
    names = {r[0]: r for r in list(sheet.values)[1:]}
    assert set(names) == {member_a.name, member_b.name, secretary.name}
    assert names[member_a.name][3] == "优秀"
    assert names[member_a.name][4] == "公开课获奖，工作突出"
    # The header row is bold and the columns are as wide as their Chinese text (two a character).
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["E"].width >= display_width("等次超出得分区间的理由")
    assert quote(f"{branch.name}-{semester.name}-考核结果.xlsx") in _filename(response)
    row = AuditLog.objects.get(action=AuditAction.EXPORT, actor=secretary.user)
    assert (row.branch_id, row.details["semester"]) == (branch.pk, semester.pk)


def test_r64_admin_exports_every_branch_assessments_in_one_sheet(
    zh, client_for, admin, secretary, other_branch_secretary, branch, other_branch, semester
):
    assessment_services.assessments_compute(semester=semester, branches=[branch, other_branch])
    response = client_for(admin).get(
        reverse("inspections:assessment_school_export") + f"?semester={semester.pk}"
    )
    rows = list(_sheet(response).values)
    assert rows[0][:2] == ("党支部", "党员")
    assert {(r[0], r[1]) for r in rows[1:]} == {
        (branch.name, secretary.name),
        (other_branch.name, other_branch_secretary.name),
    }
    assert quote(f"{semester.name}-考核结果.xlsx") in _filename(response)
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, actor=admin.user).count() == 1


def test_school_assessment_and_overview_exports_are_the_admins_only(
    client_for, secretary, semester
):
    client = client_for(secretary)
    assert client.get(reverse("inspections:assessment_school_export")).status_code == 403
    assert client.get(reverse("inspections:school_export")).status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_school_overview_export_follows_the_page_month_and_sort(
    zh, client_for, admin, secretary, member_a, other_branch_secretary, branch, other_branch
):
    response = client_for(admin).get(
        reverse("inspections:school_export") + "?month=2026-10&sort=-members"
    )
    rows = list(_sheet(response).values)
    assert rows[0][:3] == ("党支部", "党员", "本月已完成")
    # Sorted as on the page: most members first.
    assert [r[0] for r in rows[1:]] == [branch.name, other_branch.name]
    assert rows[1][1] == 2
    assert quote("2026-10-全校概况.xlsx") in _filename(response)
    row = AuditLog.objects.get(action=AuditAction.EXPORT, actor=admin.user)
    assert row.details == {"month": "2026-10"}


def _opinion(branch, content, status=OpinionStatus.RECEIVED):
    return Opinion.objects.create(
        branch=branch,
        source="box",
        content=content,
        status=status,
        answered_at=timezone.now() if status == OpinionStatus.ANSWERED else None,
        answer="已答复" if status == OpinionStatus.ANSWERED else "",
        received_on=D(2026, 10, 1),
        due_on=D(2026, 10, 15),
    )


def test_r43_opinion_export_holds_the_tab_and_search_of_the_page(zh, client_for, secretary, branch):
    _opinion(branch, "食堂饭菜太咸")
    _opinion(branch, "食堂排队太久", OpinionStatus.ANSWERED)
    _opinion(branch, "图书馆开放时间", OpinionStatus.ANSWERED)
    client = client_for(secretary)
    page = client.get(reverse("talks:opinion_queue") + "?status=answered&q=食堂")
    export_url = reverse("inspections:opinion_export", args=[branch.pk])
    assert export_url + "?status=answered&amp;q=" in page.content.decode()
    response = client.get(export_url + "?status=answered&q=食堂")
    contents = [r[4] for r in list(_sheet(response).values)[1:]]
    assert contents == ["食堂排队太久"]
    assert quote(f"{branch.name}-") in _filename(response)
    assert quote("意见建议-已答复本人.xlsx") in _filename(response)
    audit = AuditLog.objects.get(action=AuditAction.EXPORT, object_repr="opinion queue")
    assert audit.details["filters"] == {"status": "answered", "source": "", "q": "食堂"}
    # Without a tab: the open ones, as the page opens.
    open_only = client.get(export_url)
    assert [r[4] for r in list(_sheet(open_only).values)[1:]] == ["食堂饭菜太咸"]


def test_display_width_counts_chinese_characters_twice():
    assert display_width("abc") == 3
    assert display_width("党支部") == 6
    assert display_width("一行\n较长的第二行") == 12
    assert display_width(D(2026, 1, 1)) == 10
    assert display_width(None) == 0


def test_r64_assessment_list_filters_by_grade_and_name_and_pages(
    zh,
    app,
    client_for,
    secretary,
    member_a,
    member_b,
    branch,
    semester,
    django_assert_num_queries,
):
    assessment_services.assessments_compute(semester=semester, branches=[branch])
    row = member_a.assessments.get()
    row.grade = Grade.QUALIFIED
    row.save()
    page = app.get(
        reverse("inspections:assessment_list") + f"?semester={semester.pk}",
        user=secretary.user.username,
    )
    form = page.forms["assessment-filter"]
    form["grade"] = "none"
    names = [r.find("td").text.split()[0] for r in form.submit().html.select("tbody tr")]
    assert names == [secretary.name, member_b.name]
    form = page.forms["assessment-filter"]
    form["grade"], form["q"] = "qualified", "李"
    found = form.submit()
    assert [r.find("td").text.split()[0] for r in found.html.select("tbody tr")] == [member_a.name]
    assert found.forms["assessment-filter"]["q"].value == "李"
    client = client_for(secretary)
    url = reverse("inspections:assessment_list")
    client.get(url, {"semester": semester.pk})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"semester": semester.pk, "grade": "none"})
    from ..factories import MemberFactory, UserFactory

    for i in range(60):
        MemberFactory(user=UserFactory(username=f"more{i}"), branch=branch)
    assessment_services.assessments_compute(semester=semester, branches=[branch])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url, {"semester": semester.pk, "grade": "none", "page": "2"})
    assert len(response.context["rows"]) == 12  # 62 not graded: 50 + 12
