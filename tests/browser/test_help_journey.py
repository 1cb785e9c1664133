"""Issue 18 in-app help in Chromium at 375 and 1280 px: the member opens 使用说明 from the menu
(marked there as the current page), the page fits the screen, and the 「说明」 link of their page
lands on its section; the secretary's branch page links to the states' section."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import check_page, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param((1280, 900), id="desk"), pytest.param((375, 812), id="phone")]


def open_menu(page) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#nav")).to_be_visible()


@pytest.mark.parametrize("size", WIDTHS)
def test_issue18_member_reads_the_help_from_the_menu_and_from_their_page(
    live_server, open_page, member_a, teacher_a, size
):
    page = open_page(*size)
    login(page, live_server.url, "member_a")
    open_menu(page)
    page.locator("#nav-help").click()
    page.wait_for_url("**" + reverse("help:index"))
    check_page(page)
    expect(page.locator("#nav-help")).to_have_attribute("aria-current", "page")
    expect(page.locator("#regulation")).to_contain_text("每一位党员联系1名一般教师")
    expect(page.locator("#assessment")).to_contain_text("50 ×")

    page.goto(live_server.url + reverse("talks:my_page"))
    page.locator("a.help-link[href$='#my-page']").click()
    page.wait_for_url("**" + reverse("help:index") + "#my-page")
    # The section is scrolled to the top of the screen (smooth scrolling: wait for it).
    top = "document.getElementById('my-page').getBoundingClientRect().top"
    for _ in range(30):
        if abs(page.evaluate(top)) < 5:
            break
        page.wait_for_timeout(100)
    assert abs(page.evaluate(top)) < 5
    check_page(page)


def test_issue18_branch_page_links_to_the_month_states(live_server, desk, secretary, member_a):
    login(desk, live_server.url, "secretary")
    desk.goto(live_server.url + reverse("inspections:branch_home"))
    expect(desk.locator("a[aria-current=page]")).to_have_text("党支部")
    desk.locator("a.help-link[href$='#month-states']").click()
    desk.wait_for_url("**#month-states")
    expect(desk.locator("#month-states + dl")).to_contain_text("部分完成")
    check_page(desk)
