"""Issue 14: the three forms that were broken in every browser, driven in Chromium — the
secretary grades an assessment (R64) and saves inspection findings (R62), the leader records a
visit after an error (R54). Each at 1280 px and at 375 px."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from inspections import scoring
from inspections.models import Assessment, Grade, Inspection, Semester
from inspections.services import assessments as assessment_services
from inspections.services import inspections as inspection_services
from talks.models import LeaderVisit

from .conftest import check_page, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param((1280, 900), id="desk"), pytest.param((375, 812), id="phone")]


@pytest.mark.parametrize("size", WIDTHS)
def test_r64_issue14_secretary_grades_an_assessment_in_the_browser(
    live_server, open_page, secretary, member_a, teacher_a, size
):
    today = timezone.localdate()
    semester = Semester.objects.create(
        name="测试学期",
        start_on=today - datetime.timedelta(days=90),
        end_on=today + datetime.timedelta(days=30),
    )
    assessment_services.assessments_compute(semester=semester, branches=[secretary.branch])
    row = Assessment.objects.get(member=member_a, semester=semester)
    band = scoring.band(row.score) or Grade.QUALIFIED
    other = next(g for g in Grade.values if g != band)

    page = open_page(*size)
    login(page, live_server.url, "secretary")
    page.goto(live_server.url + reverse("inspections:assessment_list") + f"?semester={semester.pk}")
    page.locator("tbody tr", has_text=member_a.name).get_by_role("link").last.click()
    page.wait_for_url("**" + reverse("inspections:assessment_grade", args=[row.pk]))
    select = page.locator("#grade-form select[name=grade]")
    expect(select).to_have_value("")  # nothing preselected: one click grades nobody excellent
    check_page(page)
    screenshot(page, f"forms-grade-{size[0]}")

    if row.score is not None:
        # A grade outside the score's band without a reason: the page says so, keeps the choice.
        select.select_option(other)
        page.click("#grade-form [type=submit]")
        expect(page.locator("#grade-form")).to_contain_text(str(Grade(band).label)[:2])
        expect(select).to_have_value(other)
        assert Assessment.objects.get(pk=row.pk).grade == ""
        check_page(page)
    select.select_option(band)
    page.click("#grade-form [type=submit]")
    page.wait_for_url("**" + reverse("inspections:assessment_list") + "*")
    check_page(page)
    assert Assessment.objects.get(pk=row.pk).grade == band


@pytest.mark.parametrize("size", WIDTHS)
def test_r62_issue14_secretary_saves_inspection_findings_in_the_browser(
    live_server, open_page, secretary, member_a, size
):
    inspection = inspection_services.inspection_generate(branch=secretary.branch, half="2026H1")
    page = open_page(*size)
    login(page, live_server.url, "secretary")
    page.goto(live_server.url + reverse("inspections:inspection_detail", args=[inspection.pk]))
    page.fill("#findings-form textarea[name=findings]", "联系工作扎实。\n下学期加强五必谈。")
    check_page(page)
    screenshot(page, f"forms-findings-{size[0]}")
    page.click("#findings-form [type=submit]")
    expect(page.locator("#findings-form textarea[name=findings]")).to_have_value(
        "联系工作扎实。\n下学期加强五必谈。"
    )
    check_page(page)
    assert Inspection.objects.get(pk=inspection.pk).findings.replace("\r\n", "\n") == (
        "联系工作扎实。\n下学期加强五必谈。"
    )


@pytest.mark.parametrize("size", WIDTHS)
def test_r54_issue14_leader_records_a_visit_after_an_error(
    live_server, open_page, leader, branch, size
):
    page = open_page(*size)
    login(page, live_server.url, "leader")
    page.goto(live_server.url + reverse("inspections:leader_home"))
    form = page.locator("#visit-form")
    today = timezone.localdate().isoformat()
    expect(form.locator("input[name=date]")).to_have_value(today)
    assert form.locator("input[name=date]").get_attribute("max") == today
    form.locator("select[name=kind]").select_option("reception")
    form.locator("input[name=people_met]").fill("青年教师代表")
    form.locator("textarea[name=summary]").fill("   ")  # the browser lets it through; blank
    check_page(page)
    form.locator("[type=submit]").click()

    # The form again, with what was typed and the error at the summary.
    form = page.locator("#visit-form")
    expect(form.locator("input[name=people_met]")).to_have_value("青年教师代表")
    expect(form.locator("select[name=kind]")).to_have_value("reception")
    expect(form.locator(".invalid-feedback, .text-danger").first).to_be_visible()
    assert not LeaderVisit.objects.exists()
    check_page(page)
    screenshot(page, f"forms-visit-error-{size[0]}")

    form.locator("textarea[name=summary]").fill("接待来访教师，听取对排课的意见。")
    form.locator("[type=submit]").click()
    page.wait_for_url("**" + reverse("inspections:leader_home"))
    expect(page.locator("main")).to_contain_text("听取对排课的意见")
    check_page(page)
    visit = LeaderVisit.objects.get()
    assert (visit.leader, visit.kind, visit.people_met) == (leader, "reception", "青年教师代表")
