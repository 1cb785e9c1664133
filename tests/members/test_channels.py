"""Issue 17: WeCom app messages, the WeCom group robot and the DingTalk robot as channels of the
notification outbox, against a local stand-in of both APIs (tests/channel_standin.py)."""

import base64
import datetime
import hashlib
import hmac
import urllib.parse

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from contacts.models import Assignment
from inspections.services import reminders as reminder_services
from members import channels, notify
from members.models import (
    BranchChannels,
    Channel,
    ChannelMessage,
    EmailState,
    Notification,
    NotificationKind,
    SchoolChannels,
)
from tests.factories import MemberFactory, MustTalkEventFactory, TalkLogFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
SEND = "/cgi-bin/message/send"
TOKEN = "/cgi-bin/gettoken"
ROBOT = "/cgi-bin/webhook/send"
DING = "/robot/send"


@pytest.fixture
def school(db):
    return SchoolChannels.objects.create(
        pk=1, wecom_corp_id="wwcorp01", wecom_agent_id="1000002", wecom_secret="APPSECRET-xyz"
    )


@pytest.fixture
def robots(branch):
    return BranchChannels.objects.create(
        branch=branch,
        wecom_robot_key="ROBOTKEY-123",
        dingtalk_token="DINGTOKEN-456",
        dingtalk_secret="SECding789",
    )


def _note(member, kind=NotificationKind.MONTHLY, period="2026-11", **extra):
    return Notification.objects.create(
        recipient=member.user,
        kind=kind,
        period=period,
        subject=extra.pop("subject", "本月谈心谈话提醒（2026-11）"),
        body=extra.pop("body", "你2026-11的谈心谈话和工作汇报尚未完成。"),
        link=extra.pop("link", "/talks/"),
    )


def _with_wecom(member, userid="lilaoshi"):
    member.wecom_userid = userid
    member.save()
    return member


def test_issue17_wecom_textcard_exact_payload_and_token_cached(standin, school, member_a, member_b):
    _with_wecom(member_a, "lilaoshi")
    _with_wecom(member_b, "zhanglaoshi")
    _note(member_a)
    notify.send_pending(Notification.objects.all())
    (token,) = standin.sent(TOKEN)
    assert token["method"] == "GET"
    assert token["query"] == {"corpid": "wwcorp01", "corpsecret": "APPSECRET-xyz"}
    (send,) = standin.sent(SEND)
    assert send["query"] == {"access_token": "TOKEN1"}
    assert send["body"] == {
        "touser": "lilaoshi",
        "msgtype": "textcard",
        "agentid": 1000002,
        "textcard": {
            "title": "本月谈心谈话提醒（2026-11）",
            "description": "你2026-11的谈心谈话和工作汇报尚未完成。",
            "url": f"{channels.settings.SITE_URL}/talks/",
            "btntxt": "详情",
        },
        "enable_duplicate_check": 1,
        "duplicate_check_interval": 14400,
    }
    # The second member's message uses the cached token: no second gettoken.
    _note(member_b)
    notify.send_pending(Notification.objects.all())
    assert len(standin.sent(TOKEN)) == 1
    assert [r["query"]["access_token"] for r in standin.sent(SEND)] == ["TOKEN1", "TOKEN1"]
    assert set(ChannelMessage.objects.values_list("state", flat=True)) == {EmailState.SENT}
    # Sent again: nothing new (one row per kind, period, recipient and channel).
    channels.fan_out(Notification.objects.all())
    notify.send_pending(Notification.objects.all())
    channels.sweep()
    assert len(standin.sent(SEND)) == 2


def test_issue17_wecom_token_refreshed_early_before_it_expires(
    standin, school, member_a, member_b, frozen_time
):
    _with_wecom(member_a)
    _with_wecom(member_b, "zhang")
    start = timezone.now()
    with frozen_time(start):
        _note(member_a)
        notify.send_pending(Notification.objects.all())
    # 7,200 s valid; refreshed 300 s early: at 6,950 s a new token is fetched.
    with frozen_time(start + datetime.timedelta(seconds=6950)):
        _note(member_b)
        notify.send_pending(Notification.objects.all())
    assert len(standin.sent(TOKEN)) == 2
    assert [r["query"]["access_token"] for r in standin.sent(SEND)] == ["TOKEN1", "TOKEN2"]


@pytest.mark.parametrize("code", [42001, 40014])
def test_issue17_wecom_expired_token_code_fetches_a_new_token_and_resends(
    standin, school, member_a, code
):
    _with_wecom(member_a)
    standin.plan(SEND, [{"errcode": code, "errmsg": "access_token expired"}])
    _note(member_a)
    notify.send_pending(Notification.objects.all())
    assert len(standin.sent(TOKEN)) == 2
    assert [r["query"]["access_token"] for r in standin.sent(SEND)] == ["TOKEN1", "TOKEN2"]
    assert ChannelMessage.objects.get().state == EmailState.SENT


@pytest.mark.parametrize(
    "answer",
    [
        {"errcode": 0, "errmsg": "ok", "invaliduser": "lilaoshi"},
        {"errcode": 81013, "errmsg": "user & party & tag all invalid"},
    ],
)
def test_issue17_unknown_wecom_user_fails_for_good_with_the_reason(
    standin, school, member_a, answer
):
    _with_wecom(member_a)
    standin.plan(SEND, [answer])
    _note(member_a)
    notify.send_pending(Notification.objects.all())
    row = ChannelMessage.objects.get()
    assert row.state == EmailState.FAILED and row.attempts == 1
    assert ("lilaoshi" in row.last_error) or ("81013" in row.last_error)
    channels.sweep()
    assert len(standin.sent(SEND)) == 1  # not retried


@pytest.mark.parametrize(
    "answer, reason",
    [
        (502, "HTTP 502"),
        ("timeout", "timeout"),
        ({"errcode": 45009, "errmsg": "api freq out of limit"}, "45009"),
        ({"errcode": 45033, "errmsg": "api concurrent out of limit"}, "45033"),
        ({"errcode": -1, "errmsg": "system busy"}, "-1"),
    ],
)
def test_issue17_temporary_failures_retry_with_growing_backoff(
    standin, school, member_a, answer, reason, frozen_time
):
    _with_wecom(member_a)
    standin.plan(SEND, [answer, answer])
    _note(member_a)
    notify.send_pending(Notification.objects.all())
    row = ChannelMessage.objects.get()
    assert row.state == EmailState.PENDING and reason in row.last_error
    assert "APPSECRET" not in row.last_error and "TOKEN" not in row.last_error
    first_wait = row.next_attempt_at - timezone.now()
    assert datetime.timedelta(minutes=1) < first_wait <= datetime.timedelta(minutes=2)
    assert channels.send_due() == 0  # not due yet
    with frozen_time(row.next_attempt_at + datetime.timedelta(seconds=1)):
        channels.send_due()
        row.refresh_from_db()
        assert row.state == EmailState.PENDING and row.attempts == 2
        assert row.next_attempt_at - timezone.now() == datetime.timedelta(minutes=4)
    with frozen_time(row.next_attempt_at + datetime.timedelta(seconds=1)):
        channels.send_due()  # the stand-in answers success again
    row.refresh_from_db()
    assert row.state == EmailState.SENT and len(standin.sent(SEND)) == 3


def test_issue17_a_card_resent_after_a_lost_answer_is_the_same_card_wecom_drops(
    standin, school, member_a, frozen_time
):
    """WeCom took the first send but its answer never came (a timeout): the retry is the very
    same card with the duplicate check on, which WeCom drops instead of delivering it twice."""
    _with_wecom(member_a)
    standin.plan(SEND, ["timeout"])
    _note(member_a)
    notify.send_pending(Notification.objects.all())
    row = ChannelMessage.objects.get()
    assert row.state == EmailState.PENDING and row.last_error == "timeout"
    with frozen_time(row.next_attempt_at + datetime.timedelta(seconds=1)):
        channels.send_due()
    first, retry = standin.sent(SEND)
    assert first["body"] == retry["body"]
    assert retry["body"]["enable_duplicate_check"] == 1
    assert retry["body"]["duplicate_check_interval"] == 4 * 60 * 60  # WeCom's maximum
    # The settings page's test message is not deduplicated: a second test must arrive too.
    for _n in range(2):
        assert channels.send_test(channel=Channel.WECOM_APP, school=school, userid="li") == (
            True,
            "0 ok",
        )
    tests = standin.sent(SEND)[2:]
    assert len(tests) == 2 and all("enable_duplicate_check" not in t["body"] for t in tests)


def test_issue17_gives_up_after_the_last_attempt(standin, school, member_a, frozen_time):
    _with_wecom(member_a)
    standin.plan(SEND, [503] * channels.MAX_ATTEMPTS)
    _note(member_a)
    notify.send_pending(Notification.objects.all())
    for _attempt in range(channels.MAX_ATTEMPTS - 1):
        row = ChannelMessage.objects.get()
        with frozen_time(row.next_attempt_at + datetime.timedelta(seconds=1)):
            channels.send_due()
    row = ChannelMessage.objects.get()
    assert row.state == EmailState.FAILED and row.last_error == "HTTP 503"
    assert len(standin.sent(SEND)) == channels.MAX_ATTEMPTS


def test_issue17_dingtalk_signature_and_markdown_payload(standin, robots, secretary):
    robots.wecom_robot_key = ""
    robots.save()
    _note(
        secretary,
        kind=NotificationKind.GAPS_SUMMARY,
        subject="上月缺口（2026-10）",
        body="2026-10：2 名党员既无谈话也无汇报，1 名只有其一。",
        link="/branch/",
    )
    notify.send_pending(Notification.objects.all())
    (request,) = standin.sent(DING)
    query = urllib.parse.parse_qs(request["raw_query"])
    assert query["access_token"] == ["DINGTOKEN-456"]
    timestamp = query["timestamp"][0]
    assert abs(int(timestamp) - timezone.now().timestamp() * 1000) < 60_000
    expected = base64.b64encode(
        hmac.new(b"SECding789", f"{timestamp}\nSECding789".encode(), hashlib.sha256).digest()
    ).decode()
    # The sign arrives URL-encoded once: decoding the query gives the base64 itself.
    assert query["sign"] == [expected]
    assert urllib.parse.quote_plus(expected) in request["raw_query"]
    assert request["body"] == {
        "msgtype": "markdown",
        "markdown": {
            "title": "上月缺口（2026-10）",
            "text": "**上月缺口（2026-10）**\n\n2026-10：2 名党员既无谈话也无汇报，1 名只有其一。"
            f"\n\n[打开系统]({channels.settings.SITE_URL}/branch/)",
        },
        "at": {"atMobiles": [], "isAtAll": False},
    }
    assert channels.dingtalk_sign("SECding789", int(timestamp)) == urllib.parse.quote_plus(expected)


def test_issue17_wecom_robot_monthly_summary_names_no_member(standin, robots, member_a, member_b):
    robots.dingtalk_token = ""
    robots.save()
    _with_wecom(member_a, "lilaoshi")
    _note(member_a)
    _note(member_b)
    notify.send_pending(Notification.objects.all())
    (request,) = standin.sent(ROBOT)
    assert request["query"] == {"key": "ROBOTKEY-123"}
    content = request["body"]["markdown"]["content"]
    assert request["body"]["msgtype"] == "markdown"
    assert "2 名党员" in content and "2026-11" in content
    for name in (member_a.name, member_b.name, "lilaoshi"):
        assert name not in content


def test_issue17_mentions_only_when_the_branch_turns_them_on(standin, robots, member_a, member_b):
    robots.mention_members = True
    robots.save()
    _with_wecom(member_a, "lilaoshi")
    member_b.mobile = "13800000002"
    member_b.save()
    _note(member_a)
    _note(member_b)
    notify.send_pending(Notification.objects.all())
    (wecom,) = standin.sent(ROBOT)
    assert "<@lilaoshi>" in wecom["body"]["markdown"]["content"]
    (ding,) = standin.sent(DING)
    assert ding["body"]["at"] == {"atMobiles": ["13800000002"], "isAtAll": False}
    assert "@13800000002" in ding["body"]["markdown"]["text"]


def test_issue17_robot_bad_key_fails_for_good_with_the_reason(standin, robots, secretary):
    standin.plan(ROBOT, [{"errcode": 93000, "errmsg": "invalid webhook url"}])
    standin.plan(DING, [{"errcode": 310000, "errmsg": "sign not match"}])
    _note(secretary, kind=NotificationKind.GAPS_SUMMARY, period="2026-10")
    notify.send_pending(Notification.objects.all())
    errors = dict(ChannelMessage.objects.values_list("channel", "last_error"))
    assert errors == {
        Channel.WECOM_ROBOT: "93000 invalid webhook url",
        Channel.DINGTALK_ROBOT: "310000 sign not match",
    }
    assert set(ChannelMessage.objects.values_list("state", flat=True)) == {EmailState.FAILED}
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        channels.sweep()
    assert len(standin.sent(ROBOT)) == len(standin.sent(DING)) == 1


def test_issue17_robot_sends_at_most_twenty_a_minute(standin, robots, branch, frozen_time):
    robots.dingtalk_token = ""
    robots.save()
    for n in range(25):
        ChannelMessage.objects.create(
            channel=Channel.WECOM_ROBOT,
            kind="opinion",
            period=f"p{n}",
            recipient_key=f"b{branch.pk}",
            branch=branch,
            title="t",
            text="x",
        )
    start = timezone.now()
    with frozen_time(start):
        channels.send_due()
    assert len(standin.sent(ROBOT)) == 20
    waiting = ChannelMessage.objects.filter(state=EmailState.PENDING)
    assert waiting.count() == 5 and set(waiting.values_list("attempts", flat=True)) == {0}
    assert all(w.next_attempt_at >= start + datetime.timedelta(seconds=60) for w in waiting)
    with frozen_time(start + datetime.timedelta(seconds=30)):
        assert channels.send_due() == 0
    with frozen_time(start + datetime.timedelta(seconds=62)):
        channels.send_due()
    assert len(standin.sent(ROBOT)) == 25
    # DingTalk's own "too fast" answer waits at least a minute.
    standin.plan(ROBOT, [{"errcode": 45009, "errmsg": "api freq out of limit"}])
    ChannelMessage.objects.create(
        channel=Channel.WECOM_ROBOT,
        kind="opinion",
        period="late",
        recipient_key=f"b{branch.pk}",
        branch=branch,
        title="t",
        text="x",
    )
    with frozen_time(start + datetime.timedelta(minutes=10)):
        channels.send_due()
        late = ChannelMessage.objects.get(period="late")
        assert late.state == EmailState.PENDING
        assert late.next_attempt_at - timezone.now() >= datetime.timedelta(seconds=60)


def test_issue17_no_contact_name_or_confidential_text_reaches_the_apis(
    standin, school, robots, secretary, member_a, teacher_a, hardship_a, frozen_time
):
    robots.mention_members = True
    robots.save()
    _with_wecom(member_a)
    _with_wecom(secretary, "wangshuji")
    TalkLogFactory(
        assignment=Assignment.objects.get(contact=teacher_a),
        date=datetime.date(2026, 11, 3),
        content="谈话内容：机密情况",
    )
    MustTalkEventFactory(
        contact=hardship_a,
        member=member_a,
        occurred_on=datetime.date(2026, 11, 20),
        due_on=datetime.date(2026, 11, 27),
        note="保密说明",
    )
    with frozen_time(2026, 11, 26, 9):
        reminder_services.monthly_member_reminders(datetime.date(2026, 11, 26))
        reminder_services.musttalk_reminders(datetime.date(2026, 11, 26))
    with frozen_time(2026, 12, 1, 9):
        reminder_services.secretary_gaps_summary(datetime.date(2026, 12, 1))
    assert len(standin.sent(SEND)) >= 3 and standin.sent(ROBOT) and standin.sent(DING)
    everything = "\n".join(r["raw"] + r["raw_query"] for r in standin.requests)
    everything = urllib.parse.unquote(everything)
    for secret in ("陈老师", "刘师傅", "家人重病", "机密情况", "保密说明", member_a.name):
        assert secret not in everything.encode().decode("unicode_escape", "ignore")
        assert secret not in everything


def test_issue17_member_choices_email_off_wecom_off(standin, school, member_a, member_b):
    _with_wecom(member_a)
    member_a.notify_email = False
    member_a.save()
    _with_wecom(member_b, "zhang")
    member_b.notify_wecom = False
    member_b.save()
    _note(member_a)
    _note(member_b)
    notify.send_pending(Notification.objects.all())
    assert [m.to for m in mail.outbox] == [[member_b.user.email]]
    assert Notification.objects.get(recipient=member_a.user).email_state == EmailState.SKIPPED
    assert [r["body"]["touser"] for r in standin.sent(SEND)] == ["lilaoshi"]
    assert Notification.objects.count() == 2  # the in-app list has both


def test_issue17_nothing_configured_sends_email_only(standin, member_a):
    _with_wecom(member_a)
    _note(member_a)
    notify.send_pending(Notification.objects.all())
    channels.sweep()
    assert standin.requests == [] and not ChannelMessage.objects.exists()
    assert len(mail.outbox) == 1


def test_issue17_every_kind_reaches_wecom(standin, school, member_a):
    _with_wecom(member_a)
    for kind in NotificationKind.values:
        _note(member_a, kind=kind, period=f"any-{kind}")
    channels.sweep()
    assert sorted(r["body"]["touser"] for r in standin.sent(SEND)) == ["lilaoshi"] * len(
        NotificationKind.values
    )


def test_issue17_a_claimed_row_is_not_sent_by_another_claimer(standin, school, member_a):
    _with_wecom(member_a)
    _note(member_a)
    channels.fan_out(Notification.objects.all())
    ids = list(ChannelMessage.objects.values_list("pk", flat=True))
    first = channels.claim_batch(ids)
    assert channels.claim_batch(ids) == []
    assert channels.send_due() == 0
    channels.send_claimed(first[0])
    assert len(standin.sent(SEND)) == 1


def test_issue17_inactive_member_gets_nothing(standin, school, branch):
    member = _with_wecom(MemberFactory(branch=branch, active=False), "gone")
    _note(member)
    channels.sweep()
    assert standin.sent(SEND) == []
