"""Issue 17 pages, submitted as rendered (WebTest): the branch's robots (secretary), the school's
WeCom app (admin), a member's own channels; the test button shows the API's answer; secrets are
write-only, masked, never in the audit log or the logs."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import notify
from members.models import (
    AuditLog,
    BranchChannels,
    Channel,
    ChannelMessage,
    EmailState,
    Member,
    Notification,
    NotificationKind,
    SchoolChannels,
)
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
ROBOT_KEY = "0a1b2c3d-robot-key-5678"
DING_TOKEN = "d1n9t0k3nABCDEF0123456789"
DING_SECRET = "SECabcdefghijklmnop9876"


def _branch_page(app, secretary):
    return app.get(
        reverse("members:branch_channels", args=[secretary.branch_id]),
        user=secretary.user.username,
    )


def test_issue17_secretary_saves_robot_keys_masked_and_audited_without_values(app, secretary):
    form = _branch_page(app, secretary).forms["branch-channels-form"]
    form["wecom_robot_key"] = ROBOT_KEY
    form["dingtalk_token"] = DING_TOKEN
    form["dingtalk_secret"] = DING_SECRET
    page = form.submit("save").follow()
    config = BranchChannels.objects.get(branch=secretary.branch)
    assert (config.wecom_robot_key, config.dingtalk_token, config.dingtalk_secret) == (
        ROBOT_KEY,
        DING_TOKEN,
        DING_SECRET,
    )
    assert config.mention_members is False  # off by default
    for secret in (ROBOT_KEY, DING_TOKEN, DING_SECRET):
        assert secret not in page.text
    assert "••••5678" in page.text and "••••9876" in page.text
    (row,) = AuditLog.objects.filter(object_type__icontains="branchchannels")
    assert row.details == {"fields": ["dingtalk_secret", "dingtalk_token", "wecom_robot_key"]}
    assert not any(s in str(row.__dict__) for s in (ROBOT_KEY, DING_TOKEN, DING_SECRET))

    # Saved again with the secret fields left empty: nothing changes; "remove" empties one.
    form = page.forms["branch-channels-form"]
    form["mention_members"] = True
    form.submit("save")
    config.refresh_from_db()
    assert config.dingtalk_secret == DING_SECRET and config.mention_members is True
    form = _branch_page(app, secretary).forms["branch-channels-form"]
    form["clear_dingtalk_secret"] = True
    form.submit("save")
    config.refresh_from_db()
    assert config.dingtalk_secret == "" and config.wecom_robot_key == ROBOT_KEY


def test_issue17_a_pasted_url_is_refused_and_nothing_written(app, secretary):
    form = _branch_page(app, secretary).forms["branch-channels-form"]
    form["wecom_robot_key"] = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={ROBOT_KEY}"
    form["mention_members"] = True
    page = form.submit("save")
    assert page.status_code == 200
    assert "不要粘贴网址" in page.text
    # The checkbox comes back as typed; a secret field is never rendered back (by design).
    assert page.forms["branch-channels-form"]["mention_members"].checked
    assert not BranchChannels.objects.exists()
    assert not AuditLog.objects.filter(object_type__icontains="branchchannels").exists()


def test_issue17_test_button_shows_the_apis_answer(app, secretary, standin):
    BranchChannels.objects.create(
        branch=secretary.branch,
        wecom_robot_key=ROBOT_KEY,
        dingtalk_token=DING_TOKEN,
        dingtalk_secret=DING_SECRET,
    )
    standin.plan("/cgi-bin/webhook/send", [{"errcode": 93000, "errmsg": "invalid webhook url"}])
    page = _branch_page(app, secretary).forms["branch-channels-test"].submit("test_wecom_robot")
    page = page.follow()
    assert "未发送" in page.text and "93000 invalid webhook url" in page.text
    page = page.forms["branch-channels-test"].submit("test_dingtalk").follow()
    assert "已发送" in page.text and "0 ok" in page.text
    (ding,) = standin.sent("/robot/send")
    assert ding["body"]["msgtype"] == "markdown" and "测试消息" in ding["body"]["markdown"]["text"]
    assert not ChannelMessage.objects.exists()  # a test is not an outbox row


def test_issue17_failed_messages_shown_to_the_secretary_with_the_reason(
    app, secretary, standin, django_assert_max_num_queries
):
    BranchChannels.objects.create(branch=secretary.branch, wecom_robot_key=ROBOT_KEY)
    standin.plan("/cgi-bin/webhook/send", [{"errcode": 93000, "errmsg": "invalid webhook url"}])
    Notification.objects.create(
        recipient=secretary.user,
        kind=NotificationKind.GAPS_SUMMARY,
        period="2026-10",
        subject="上月缺口（2026-10）",
        body="2026-10：2 名党员……",
    )
    notify.send_pending(Notification.objects.all())
    _branch_page(app, secretary)  # logged in: the counts below are the page's own
    with CaptureQueriesContext(connection) as few:
        _branch_page(app, secretary)
    for _n in range(30):  # more members' app messages failing: the page's queries stay fixed
        member = MemberFactory(branch=secretary.branch)
        ChannelMessage.objects.create(
            channel=Channel.WECOM_APP,
            kind="monthly",
            period="2026-11",
            recipient_key=f"u{member.user_id}",
            recipient=member.user,
            title="本月提醒",
            text="x",
            state=EmailState.FAILED,
            attempts=1,
            last_error="81013 user invalid",
        )
    with django_assert_max_num_queries(len(few)):
        page = _branch_page(app, secretary)
    assert "93000 invalid webhook url" in page.text and "81013 user invalid" in page.text
    assert "企业微信群机器人" in page.text


def test_issue17_admin_sets_up_the_wecom_app_and_tests_it(app, admin, standin):
    url = reverse("members:school_channels")
    form = app.get(url, user=admin.user.username).forms["school-channels-form"]
    form["wecom_corp_id"] = "ww0123456789abcdef"
    form["wecom_agent_id"] = "1000002"
    form["wecom_secret"] = "APPsecret-0123456789abcdefXYZ"
    page = form.submit("save").follow()
    school = SchoolChannels.current()
    assert school.wecom_ready and "APPsecret-0123456789abcdefXYZ" not in page.text
    assert "••••fXYZ" in page.text
    test = page.forms["school-channels-test"]
    test["wecom_userid"] = "admin.wang"
    page = test.submit("test").follow()
    assert "已发送" in page.text
    (sent,) = standin.sent("/cgi-bin/message/send")
    assert sent["body"]["touser"] == "admin.wang" and sent["body"]["msgtype"] == "textcard"
    assert sent["body"]["textcard"]["btntxt"] == "详情"


def test_issue17_school_form_error_keeps_typed_values_and_writes_nothing(app, admin):
    form = app.get(reverse("members:school_channels"), user=admin.user.username).forms[
        "school-channels-form"
    ]
    form["wecom_corp_id"] = "ww0123456789abcdef"
    form["wecom_agent_id"] = "not-a-number"
    page = form.submit("save")
    assert "AgentId 是一串数字" in page.text
    again = page.forms["school-channels-form"]
    assert again["wecom_corp_id"].value == "ww0123456789abcdef"
    assert again["wecom_agent_id"].value == "not-a-number"
    assert not SchoolChannels.objects.exists()


def test_issue17_member_chooses_channels_in_the_profile(app, member_a):
    page = app.get(reverse("members:whoami"), user=member_a.user.username)
    page = page.click(href=reverse("members:my_channels"))
    form = page.forms["my-channels-form"]
    form["wecom_userid"] = "li.laoshi"
    form["notify_email"] = False
    form.submit("save").follow()
    member = Member.objects.get(pk=member_a.pk)
    assert member.wecom_userid == "li.laoshi" and not member.notify_email and member.notify_wecom


def test_issue17_member_channels_error_keeps_typed_values(app, member_a):
    form = app.get(reverse("members:my_channels"), user=member_a.user.username).forms[
        "my-channels-form"
    ]
    form["wecom_userid"] = "li laoshi"  # a space: not a WeCom account
    form["mobile"] = "12345"
    form["notify_email"] = False
    page = form.submit("save")
    assert "11 位数字" in page.text
    again = page.forms["my-channels-form"]
    assert again["wecom_userid"].value == "li laoshi" and again["mobile"].value == "12345"
    assert not again["notify_email"].checked
    member = Member.objects.get(pk=member_a.pk)
    assert member.wecom_userid == "" and member.notify_email


def test_issue17_secrets_never_in_the_logs(standin, secretary, member_a, caplog):
    caplog.set_level(logging.DEBUG)
    SchoolChannels.objects.create(
        pk=1, wecom_corp_id="wwcorp", wecom_agent_id="1000002", wecom_secret="APPSECRET-abc"
    )
    BranchChannels.objects.create(
        branch=secretary.branch,
        wecom_robot_key=ROBOT_KEY,
        dingtalk_token=DING_TOKEN,
        dingtalk_secret=DING_SECRET,
    )
    member_a.wecom_userid = "li"
    member_a.save()
    standin.plan("/cgi-bin/message/send", ["timeout"])
    standin.plan("/cgi-bin/webhook/send", [{"errcode": 93000, "errmsg": f"bad key {ROBOT_KEY}"}])
    standin.plan("/robot/send", [502])
    for member, kind in ((member_a, NotificationKind.MONTHLY), (secretary, "gaps_summary")):
        Notification.objects.create(
            recipient=member.user, kind=kind, period="2026-11", subject="s", body="b"
        )
    notify.send_pending(Notification.objects.all())
    errors = " ".join(ChannelMessage.objects.values_list("last_error", flat=True))
    assert "timeout" in errors and "HTTP 502" in errors and "93000" in errors
    for secret in (ROBOT_KEY, DING_TOKEN, DING_SECRET, "APPSECRET-abc", "TOKEN1"):
        assert secret not in caplog.text
        assert secret not in errors
