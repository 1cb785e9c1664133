import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from inspections.models import ReportStatus, Semester, SemesterReport

from .conftest import check_page, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_r61_report_is_returned_with_a_comment_resubmitted_and_accepted(
    live_server, open_page, secretary, member_a, teacher_a
):
    today = timezone.localdate()
    semester = Semester.objects.create(
        name="测试学期",
        start_on=today - datetime.timedelta(days=60),
        end_on=today + datetime.timedelta(days=60),
    )
    mine = live_server.url + reverse("inspections:report_mine", args=[semester.pk])
    reports = live_server.url + reverse("inspections:report_list") + f"?semester={semester.pk}"
    member, sec = open_page(375, 812), open_page(1280, 900)
    login(member, live_server.url, "member_a")
    login(sec, live_server.url, "secretary")

    # The member writes and submits.
    member.goto(mine)
    member.fill("textarea[name=text]", "本学期联系陈老师，每月谈心谈话。")
    check_page(member)
    screenshot(member, "report-1-member-writes")
    member.click("[type=submit][name=submit]")
    expect(member.locator("main p strong").first).to_have_text(zh(ReportStatus.SUBMITTED.label))
    check_page(member)

    # The secretary returns it with a comment.
    sec.goto(reports)
    row = sec.locator("tbody tr", has_text=member_a.name)
    expect(row).to_contain_text(zh(ReportStatus.SUBMITTED.label))
    check_page(sec)
    screenshot(sec, "report-2-secretary-list")
    row.locator("a").click()
    sec.wait_for_url("**/review/")
    sec.check("input[name=decision][value=return]")
    sec.fill("textarea[name=comment]", "请补充谈话中了解到的意见和处理情况。")
    check_page(sec)
    screenshot(sec, "report-3-secretary-returns")
    sec.click("main form [type=submit]")
    sec.wait_for_url("**" + reverse("inspections:report_list") + "*")
    expect(row).to_contain_text(zh(ReportStatus.RETURNED.label))
    check_page(sec)

    # The member sees the comment, edits and resubmits.
    member.goto(mine)
    expect(member.locator(".alert-warning")).to_contain_text("请补充谈话中了解到的意见")
    member.fill("textarea[name=text]", "本学期联系陈老师，每月谈心谈话；反映的食堂意见已转后勤处。")
    check_page(member)
    screenshot(member, "report-4-member-sees-comment")
    member.click("[type=submit][name=submit]")
    expect(member.locator("main p strong").first).to_have_text(zh(ReportStatus.SUBMITTED.label))
    check_page(member)

    # The secretary accepts; the member sees it accepted.
    sec.goto(reports)
    row.locator("a").click()
    sec.wait_for_url("**/review/")
    expect(sec.locator("main")).to_contain_text("食堂意见已转后勤处")
    sec.check("input[name=decision][value=accept]")
    sec.click("main form [type=submit]")
    sec.wait_for_url("**" + reverse("inspections:report_list") + "*")
    expect(row).to_contain_text(zh(ReportStatus.ACCEPTED.label))
    check_page(sec)
    screenshot(sec, "report-5-secretary-accepted")

    member.goto(mine)
    expect(member.locator("main p strong").first).to_have_text(zh(ReportStatus.ACCEPTED.label))
    expect(member.locator("textarea")).to_have_count(0)
    check_page(member)
    screenshot(member, "report-6-member-accepted")
    report = SemesterReport.objects.get(member=member_a, semester=semester)
    assert report.status == ReportStatus.ACCEPTED
    assert "食堂意见" in report.text
