"""Issue 17: the channel settings pages clicked through in Chromium at 1280 px and 375 px — the
secretary sets up the branch's group robots (a pasted webhook address first, then the keys) and
tries each robot; the admin sets up the school's WeCom app (a bad AgentId first) and sends a test
message; the admin opens a branch's robots too; a member chooses their channels. The test buttons
reach the local stand-in of both APIs (tests/channel_standin.py). Screenshots:
docs/screenshots/channels-*.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from members.models import BranchChannels, Member, SchoolChannels

from .conftest import check_page, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param((1280, 900), id="desk"), pytest.param((375, 812), id="phone")]
ROBOT_KEY = "693a91f6-7b2c-4bc4-97a0-0ec2f1fa5aaa"
DING_TOKEN = "c5d2a1f0e9b8c7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2"
DING_SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"


def _menu(page, size, name: str) -> None:
    """Click a menu item; on a phone the menu opens with the toggler first."""
    if size[0] < 768:
        page.click("button.navbar-toggler")
    page.locator("#nav").get_by_role("link", name=name, exact=True).click()


@pytest.mark.parametrize("size", WIDTHS)
def test_issue17_secretary_sets_up_the_group_robots_in_the_browser(
    live_server,
    open_page,
    secretary,
    standin,
    size,
):
    page = open_page(*size)
    login(page, live_server.url, "secretary")
    _menu(page, size, "党支部")
    page.get_by_role("link", name="设置", exact=True).click()
    page.get_by_role("link", name="群机器人（企业微信、钉钉）").click()
    page.wait_for_url("**" + reverse("members:branch_channels", args=[secretary.branch_id]))
    check_page(page)
    # Nothing saved yet: the test buttons are off.
    expect(page.locator("button[name=test_wecom_robot]")).to_be_disabled()
    expect(page.locator("button[name=test_dingtalk]")).to_be_disabled()

    # A pasted webhook address is refused, next to the field.
    form = page.locator("#branch-channels-form")
    form.locator("[name=wecom_robot_key]").fill(
        f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={ROBOT_KEY}"
    )
    form.locator("[name=mention_members]").check()
    form.locator("[type=submit][name=save]").click()
    expect(form.locator(".invalid-feedback").first).to_contain_text("不要粘贴网址")
    expect(form.locator("[name=mention_members]")).to_be_checked()
    check_page(page)
    screenshot(page, f"channels-branch-error-{size[0]}")
    assert not BranchChannels.objects.exists()

    form.locator("[name=wecom_robot_key]").fill(ROBOT_KEY)
    form.locator("[name=dingtalk_token]").fill(DING_TOKEN)
    form.locator("[name=dingtalk_secret]").fill(DING_SECRET)
    form.locator("[type=submit][name=save]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    for secret in (ROBOT_KEY, DING_TOKEN, DING_SECRET):
        assert secret not in page.content()
    expect(page.locator("#branch-channels-form")).to_contain_text("••••5aaa")
    config = BranchChannels.objects.get(branch=secretary.branch)
    assert (config.wecom_robot_key, config.dingtalk_token, config.dingtalk_secret) == (
        ROBOT_KEY,
        DING_TOKEN,
        DING_SECRET,
    )
    assert config.mention_members

    # Each robot's test: the API's answer on the page (the stand-in refuses the DingTalk one).
    page.locator("button[name=test_wecom_robot]").click()
    expect(page.locator(".alert-success")).to_contain_text("0 ok")
    standin.plan("/robot/send", [{"errcode": 310000, "errmsg": "sign not match"}])
    page.locator("button[name=test_dingtalk]").click()
    expect(page.locator(".alert-danger")).to_contain_text("310000 sign not match")
    check_page(page)
    screenshot(page, f"channels-branch-{size[0]}")
    assert len(standin.sent("/cgi-bin/webhook/send")) == len(standin.sent("/robot/send")) == 1


@pytest.mark.parametrize("size", WIDTHS)
def test_issue17_admin_sets_up_the_wecom_app_in_the_browser(
    live_server,
    open_page,
    admin,
    branch,
    standin,
    size,
):
    page = open_page(*size)
    login(page, live_server.url, "admin")
    _menu(page, size, "全校")
    page.get_by_role("link", name="企业微信应用（在企业微信中接收提醒）").click()
    page.wait_for_url("**" + reverse("members:school_channels"))
    check_page(page)
    expect(page.locator("#school-channels-test button[name=test]")).to_be_disabled()

    form = page.locator("#school-channels-form")
    form.locator("[name=wecom_corp_id]").fill("ww0123456789abcdef")
    form.locator("[name=wecom_agent_id]").fill("100000２")  # a full-width digit
    form.locator("[name=wecom_secret]").fill("APPsecret-0123456789abcdefXYZ")
    form.locator("[type=submit][name=save]").click()
    expect(form.locator(".invalid-feedback").first).to_contain_text("AgentId 是一串数字")
    expect(form.locator("[name=wecom_corp_id]")).to_have_value("ww0123456789abcdef")
    check_page(page)
    screenshot(page, f"channels-school-error-{size[0]}")
    assert not SchoolChannels.objects.exists()

    form.locator("[name=wecom_agent_id]").fill("1000002")
    form.locator("[name=wecom_secret]").fill("APPsecret-0123456789abcdefXYZ")
    form.locator("[type=submit][name=save]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert "APPsecret-0123456789abcdefXYZ" not in page.content()
    assert SchoolChannels.current().wecom_ready

    test = page.locator("#school-channels-test")
    test.locator("[name=wecom_userid]").fill("wu.guanliyuan")
    test.locator("button[name=test]").click()
    expect(page.locator(".alert-success")).to_contain_text("0 ok")
    (sent,) = standin.sent("/cgi-bin/message/send")
    assert sent["body"]["touser"] == "wu.guanliyuan"
    # An unknown account: the API's reason on the page.
    standin.plan("/cgi-bin/message/send", [{"errcode": 81013, "errmsg": "user invalid"}])
    page.locator("#school-channels-test [name=wecom_userid]").fill("nobody")
    page.locator("#school-channels-test button[name=test]").click()
    expect(page.locator(".alert-danger")).to_contain_text("81013 user invalid")
    # The account tried is still in the field, to correct it and try again.
    expect(page.locator("#school-channels-test [name=wecom_userid]")).to_have_value("nobody")
    expect(page.locator("#school-channels-form")).to_contain_text("点“查看”")
    check_page(page)
    screenshot(page, f"channels-school-{size[0]}")

    # The admin opens a branch's robots from the school overview.
    _menu(page, size, "全校")
    page.get_by_role("link", name=branch.name).first.click()
    page.get_by_role("link", name="设置", exact=True).click()
    page.get_by_role("link", name="群机器人（企业微信、钉钉）").click()
    page.wait_for_url("**" + reverse("members:branch_channels", args=[branch.pk]))
    check_page(page)
    screenshot(page, f"channels-branch-admin-{size[0]}")


@pytest.mark.parametrize("size", WIDTHS)
def test_issue17_member_chooses_channels_in_the_browser(live_server, open_page, member_a, size):
    SchoolChannels.objects.create(
        pk=1, wecom_corp_id="wwcorp01", wecom_agent_id="1000002", wecom_secret="APPSECRET-xyz"
    )
    page = open_page(*size)
    login(page, live_server.url, "member_a")
    _menu(page, size, "通知")
    page.get_by_role("link", name="我的消息渠道（邮件、企业微信）").click()
    page.wait_for_url("**" + reverse("members:my_channels"))
    check_page(page)

    form = page.locator("#my-channels-form")
    form.locator("[name=wecom_userid]").fill("李老师")  # the name, not the account
    form.locator("[name=notify_email]").uncheck()
    form.locator("[type=submit][name=save]").click()
    expect(form.locator(".invalid-feedback").first).to_contain_text("企业微信账号只含字母")
    expect(form.locator("[name=notify_email]")).not_to_be_checked()
    check_page(page)
    screenshot(page, f"channels-mine-error-{size[0]}")

    form.locator("[name=wecom_userid]").fill("li.laoshi")
    form.locator("[type=submit][name=save]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    check_page(page)
    screenshot(page, f"channels-mine-{size[0]}")
    member = Member.objects.get(pk=member_a.pk)
    assert member.wecom_userid == "li.laoshi" and not member.notify_email and member.notify_wecom
