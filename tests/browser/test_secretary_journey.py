import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from contacts.models import Assignment, Category
from talks.models import Opinion, OpinionStatus
from tests.factories import ContactFactory

from .conftest import check_page, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r43_r53_secretary_follows_a_gap_answers_an_opinion_and_pairs(
    live_server, desk, secretary, member_a, member_b, teacher_a
):
    today = timezone.localdate()
    branch = secretary.branch
    opinion = Opinion.objects.create(
        branch=branch,
        source="box",
        raised_by_name="后勤处老师",
        content="希望食堂延长晚餐供应时间。",
        received_on=today - datetime.timedelta(days=30),
        due_on=today - datetime.timedelta(days=16),
    )
    # Two unassigned teachers: the proposal gives one to each member without a teacher.
    for name in ("周老师", "郑老师"):
        ContactFactory(branch=branch, name=name, category=Category.TEACHER)

    page = desk
    login(page, live_server.url, "secretary")
    page.goto(live_server.url + reverse("inspections:branch_home"))
    expect(page.locator("h1")).to_have_text(branch.name)
    check_page(page)
    screenshot(page, "secretary-1-dashboard")

    # A missing cell of the member × month matrix leads to that member's records of the month.
    row = page.locator("table.matrix tbody tr", has_text=member_a.name)
    row.locator("td.cell-missing a").first.click()
    page.wait_for_url("**" + reverse("talks:member_handbook", args=[member_a.pk]) + "*")
    expect(page.locator("main")).to_contain_text(member_a.name)
    expect(page.locator("main")).to_contain_text("✗")
    check_page(page)
    screenshot(page, "secretary-2-member-records")

    # The overdue opinion: queue → detail → answered, with the answer given.
    page.goto(live_server.url + reverse("inspections:branch_home"))
    page.click(f"nav a[href^='{reverse('talks:opinion_queue')}']")
    row = page.locator("tbody tr", has_text="食堂")
    expect(row).to_have_class("table-danger")
    check_page(page)
    screenshot(page, "secretary-3-opinion-queue")
    row.locator("a").click()
    page.wait_for_url("**" + reverse("talks:opinion_detail", args=[opinion.pk]))
    page.select_option("select[name=to_status]", OpinionStatus.ANSWERED)
    page.fill("textarea[name=answer]", "已与后勤处协商，晚餐延长至19点。")
    check_page(page)
    screenshot(page, "secretary-4-answer-opinion")
    page.click("main form [type=submit]")
    expect(page.locator("main dl")).to_contain_text("已与后勤处协商")
    check_page(page)
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ANSWERED

    # The pairing proposal: untick one row, apply the rest.
    page.goto(live_server.url + reverse("inspections:branch_home"))
    page.click(f"nav a[href^='{reverse('contacts:pairing')}']")
    boxes = page.locator("input[name=pair]")
    expect(boxes).to_have_count(2)
    kept, dropped = boxes.nth(0).get_attribute("value"), boxes.nth(1).get_attribute("value")
    boxes.nth(1).uncheck()
    check_page(page)
    screenshot(page, "secretary-5-pairing")
    page.click("main form [type=submit]")
    page.wait_for_url("**" + reverse("contacts:manage_list") + "*")
    check_page(page)
    screenshot(page, "secretary-6-assignments")

    member_id, contact_id = (int(v) for v in kept.split("-"))
    made = Assignment.objects.get(contact_id=contact_id, ended_on=None)
    assert made.member_id == member_id
    dropped_contact = int(dropped.split("-")[1])
    assert not Assignment.objects.filter(contact_id=dropped_contact).exists()
    rows = page.locator("tbody tr")
    expect(rows.filter(has_text=made.contact.name)).to_contain_text(made.member.name)
    dropped_url = reverse("contacts:manage_detail", args=[dropped_contact])
    dropped_link = page.locator(f"a[href='{dropped_url}']")
    expect(rows.filter(has=dropped_link)).to_contain_text("✗")
