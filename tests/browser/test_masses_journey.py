"""Issue 16 in the browser: a contact confirms a talk on a phone without an account (R42); an
opinion from the box is answered and read back by its receipt code (R43)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from contacts.models import Assignment
from talks.models import ConfirmationState, Opinion, OpinionStatus, TalkLog

from ..ratelimits import clear_rate_limits
from .conftest import check_page, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _links_to_the_live_server(live_server, settings):
    """Links and QR codes name SITE_URL; here that is the test server."""
    settings.SITE_URL = live_server.url
    clear_rate_limits()


def test_r42_member_saves_a_talk_contact_confirms_on_a_phone_secretary_sees_it(
    live_server, open_page, member_a, secretary, teacher_a
):
    today = timezone.localdate()
    Assignment.objects.filter(contact=teacher_a).update(started_on=today.replace(day=1))
    page = open_page(375, 812)
    login(page, live_server.url, "member_a")
    page.goto(live_server.url + reverse("talks:talk_create"))
    page.select_option("select[name=contact]", str(teacher_a.pk))
    page.fill("input[name=date]", today.isoformat())
    page.fill("input[name=place]", "教研室")
    page.fill("textarea[name=content]", "谈了公开课的准备和家里老人的身体情况。")
    page.check("input[name=aspects][value=work]")
    page.click("#talk-form [type=submit]")
    page.wait_for_url("**/talks/log/*/")
    expect(page.locator("#confirmation-state")).to_contain_text("未请求")
    page.click("#confirmation-link-page")
    page.click("#confirmation-request-form [type=submit]")
    expect(page.locator(".qr svg")).to_be_visible()
    expect(page.locator("#confirmation-state")).to_contain_text("待确认")
    check_page(page)
    screenshot(page, "masses-1-member-shows-qr")
    link = page.input_value("#confirmation-link")
    assert link.startswith(live_server.url + "/c/")

    # The contact's phone: a second context, no session.
    contact = open_page(375, 812)
    contact.goto(link)
    main = contact.locator("main")
    expect(main).to_contain_text(member_a.name)
    expect(main).to_contain_text("教研室")
    expect(main).not_to_contain_text("公开课")  # never the content
    expect(contact.locator("nav .navbar-nav")).to_have_count(0)  # no menu: not logged in
    contact.fill("textarea[name=word]", "谢谢李老师的关心。")
    check_page(contact)
    screenshot(contact, "masses-2-contact-confirms")
    contact.click("#confirmation-form [name=confirm]")
    expect(contact.locator("#confirmation-answer")).to_contain_text("您已确认确有此次谈话")
    check_page(contact)
    screenshot(contact, "masses-3-contact-answered")
    talk = TalkLog.objects.get(contact=teacher_a)
    assert talk.confirmation_state == ConfirmationState.CONFIRMED

    desk = open_page(1280, 900)
    login(desk, live_server.url, "secretary")
    desk.goto(live_server.url + reverse("inspections:branch_home"))
    row = desk.locator("#confirmation-table tbody tr", has_text=member_a.name)
    expect(row.locator("td").nth(0)).to_have_text("1")
    expect(row.locator("td").nth(4)).to_have_text("100%")
    check_page(desk)
    desk.locator("#confirm-title").scroll_into_view_if_needed()
    screenshot(desk, "masses-4-secretary-dashboard")


def test_r43_box_opinion_answered_and_read_back_by_code(live_server, open_page, secretary, branch):
    phone = open_page(375, 812)
    phone.goto(live_server.url + reverse("public:branch_box", args=[branch.pk]))
    phone.fill("textarea[name=content]", "希望教工之家晚上开放到九点。")
    phone.select_option("select[name=category]", "welfare")
    check_page(phone)
    screenshot(phone, "masses-5-box-form")
    phone.click("#box-form [name=send]")
    code = phone.locator("#receipt-code").inner_text().strip()
    expect(phone.locator(".qr svg")).to_be_visible()
    check_page(phone)
    screenshot(phone, "masses-6-box-receipt")

    desk = open_page(1280, 900)
    login(desk, live_server.url, "secretary")
    opinion = Opinion.objects.get()
    desk.goto(live_server.url + reverse("talks:opinion_detail", args=[opinion.pk]))
    desk.select_option("select[name=to_status]", OpinionStatus.ANSWERED)
    desk.fill("textarea[name=answer]", "工会已同意，下周起开放到21点。")
    desk.click("main form [type=submit]")
    expect(desk.locator("main dl")).to_contain_text("工会已同意")

    # Back on the phone, later, with the code typed in.
    phone.goto(live_server.url + reverse("public:box_status"))
    phone.fill("#id_code", code.replace("-", " ").lower())
    phone.click("#receipt-form [type=submit]")
    expect(phone.locator("#answer")).to_have_text("工会已同意，下周起开放到21点。")
    expect(phone.locator("#stages")).to_contain_text("已答复")
    check_page(phone)
    screenshot(phone, "masses-7-answer-by-code")
