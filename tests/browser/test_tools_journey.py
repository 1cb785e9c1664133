"""Issue 14 everyday tools in Chromium at 1280 and 375 px: the secretary records a briefing from
the dashboard after an error (R54, the lag shown), completes a symposium with its sign-in sheet
and downloads it (R52); the member deletes a five-leads activity after confirming (R46)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from members.models import FiveLeadActivity
from talks.models import Briefing, Symposium

from .conftest import check_page, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param((1280, 900), id="desk"), pytest.param((375, 812), id="phone")]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("size", WIDTHS)
def test_r54_r52_issue14_secretary_briefing_and_symposium_files(
    live_server, open_page, secretary, branch, size, tmp_path
):
    today = timezone.localdate()
    page = open_page(*size)
    login(page, live_server.url, "secretary")
    page.goto(live_server.url + reverse("inspections:branch_home"))
    page.locator(f"a[href^='{reverse('talks:briefing_list')}']").first.click()
    check_page(page)
    page.locator(f"a[href='{reverse('talks:briefing_create')}']").click()
    form = page.locator("#briefing-form")
    form.locator("input[name=decided_on]").fill(today.isoformat())
    form.locator("input[name=date]").fill((today - datetime.timedelta(days=2)).isoformat())
    form.locator("input[name=subject]").fill("绩效工资分配方案")
    form.locator("input[name=audience]").fill("全体教职工")
    form.locator("[type=submit]").click()
    form = page.locator("#briefing-form")
    expect(form.locator("input[name=subject]")).to_have_value("绩效工资分配方案")
    expect(form.locator(".invalid-feedback, .text-danger").first).to_be_visible()
    assert not Briefing.objects.exists()
    check_page(page)
    decided = today - datetime.timedelta(days=9)
    form.locator("input[name=decided_on]").fill(decided.isoformat())
    form.locator("[type=submit]").click()
    page.wait_for_url("**" + reverse("talks:briefing_list"))
    expect(page.locator("#briefings .lag").first).to_contain_text("7 天")
    check_page(page)

    symposium = Symposium.objects.create(
        branch=branch, held_on=today, topic="教学改革座谈", masses_representatives=6
    )
    page.goto(live_server.url + reverse("talks:symposium_detail", args=[symposium.pk]))
    page.locator(f"a[href='{reverse('talks:symposium_edit', args=[symposium.pk])}']").click()
    form = page.locator("#symposium-edit-form")
    form.locator("textarea[name=minutes]").fill("会议纪要：希望减少会议。")
    sheet = tmp_path / "签到表.pdf"
    sheet.write_bytes(PDF)
    form.locator("input[name=attachments]").set_input_files(str(sheet))
    check_page(page)
    form.locator("[type=submit]").click()
    page.wait_for_url("**" + reverse("talks:symposium_detail", args=[symposium.pk]))
    expect(page.locator("#attachments")).to_contain_text("签到表.pdf")
    check_page(page)
    screenshot(page, f"tools-journey-symposium-{size[0]}")
    with page.expect_download() as download:
        page.locator("#attachments a").first.click()
    assert download.value.suggested_filename == "签到表.pdf"
    assert symposium.attachments.get().name == "签到表.pdf"


@pytest.mark.parametrize("size", WIDTHS)
def test_r46_issue14_member_deletes_an_activity_after_confirming(
    live_server, open_page, member_a, size
):
    activity = FiveLeadActivity.objects.create(
        member=member_a, kind="open_class", date=timezone.localdate(), title="公开课：函数"
    )
    page = open_page(*size)
    login(page, live_server.url, "member_a")
    page.goto(live_server.url + reverse("members:leads"))
    page.locator(f"a[href='{reverse('members:lead_delete', args=[activity.pk])}']").click()
    expect(page.locator("main")).to_contain_text("公开课：函数")
    check_page(page)
    page.locator("#lead-delete-form button[type=submit]").click()
    page.wait_for_url("**" + reverse("members:leads"))
    assert not FiveLeadActivity.objects.exists()
    check_page(page)
