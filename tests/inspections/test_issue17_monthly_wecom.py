"""Issue 17, "done means": with WECOM_API_BASE pointed at a local stand-in
(tests/channel_standin.py) and the school's WeCom app set up on its page, the monthly reminder job
delivers exactly one WeCom message per member who chose WeCom, and a second run delivers none.

Set up as a school does it: the admin saves the app's ids on the settings page, each member types
their WeCom account (or turns WeCom off) on their own channels page (WebTest, as the pages
submit), then the job runs: the beat's Celery task, called in this process (so the test reads the
same on SQLite with eager Celery and on the services run; test_services_channels_killed.py runs it
on a real worker)."""

import datetime

import pytest
from django.urls import reverse

from inspections import tasks
from members import channels, web
from members.models import (
    Channel,
    ChannelMessage,
    EmailState,
    Notification,
    NotificationKind,
    SchoolChannels,
)
from tests.factories import AssignmentFactory, MemberFactory, TalkLogFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
SEND = "/cgi-bin/message/send"
TOKEN = "/cgi-bin/gettoken"


def _set_up_school(app, admin):
    form = app.get(reverse("members:school_channels"), user=admin.user.username).forms[
        "school-channels-form"
    ]
    form["wecom_corp_id"] = "ww0123456789abcdef"
    form["wecom_agent_id"] = "1000002"
    form["wecom_secret"] = "APPsecret-0123456789abcdefXYZ"
    form.submit("save").follow()
    assert SchoolChannels.current().wecom_ready


def _choose(app, member, *, userid="", wecom=True):
    form = app.get(reverse("members:my_channels"), user=member.user.username).forms[
        "my-channels-form"
    ]
    form["wecom_userid"] = userid
    form["notify_wecom"] = wecom
    assert form.submit("save").status_code == 302


def test_issue17_monthly_job_sends_one_wecom_message_per_member_who_chose_wecom(
    app,
    admin,
    branch,
    standin,
    frozen_time,
):
    _set_up_school(app, admin)
    chose = [MemberFactory(branch=branch) for _ in range(3)]
    wecom_off = MemberFactory(branch=branch)
    no_account = MemberFactory(branch=branch)
    done = MemberFactory(branch=branch)  # November complete: no reminder at all
    for member in [*chose, wecom_off, no_account, done]:
        AssignmentFactory(member=member)
    TalkLogFactory(assignment=done.assignments.get(), date=datetime.date(2026, 11, 5))
    for n, member in enumerate(chose):
        _choose(app, member, userid=f"teacher.{n}")
    _choose(app, wecom_off, userid="teacher.off", wecom=False)
    _choose(app, done, userid="teacher.done")
    assert branch.reminder_day == 20

    with frozen_time(2026, 11, 22, 9):
        tasks.monthly_reminders("2026-11-22")
    sent = standin.sent(SEND)

    def reminded_of(userid):
        return Notification.objects.get(
            kind=NotificationKind.MONTHLY, recipient__member__wecom_userid=userid
        )

    assert sorted(r["body"]["touser"] for r in sent) == ["teacher.0", "teacher.1", "teacher.2"]
    for request in sent:
        assert request["body"]["msgtype"] == "textcard"
        assert request["body"]["agentid"] == 1000002
        card = request["body"]["textcard"]
        note = reminded_of(request["body"]["touser"])
        assert card["title"] == note.subject and "2026-11" in card["title"]
        assert "2026-11-30" in card["description"]
        assert card["url"] == web.absolute(reverse("talks:my_page"))
    assert len(standin.sent(TOKEN)) == 1  # one token for the whole run
    reminded = Notification.objects.filter(kind=NotificationKind.MONTHLY, period="2026-11")
    assert reminded.count() == 5  # the in-app list has everyone who is behind
    rows = ChannelMessage.objects.filter(channel=Channel.WECOM_APP)
    assert rows.count() == 3 and set(rows.values_list("state", flat=True)) == {EmailState.SENT}

    # The next hourly run, and one a week later with the sweep: nothing more reaches WeCom.
    with frozen_time(2026, 11, 22, 10):
        tasks.monthly_reminders("2026-11-22")
    with frozen_time(2026, 11, 29, 9):
        tasks.monthly_reminders("2026-11-29")
        channels.sweep()
    assert len(standin.sent(SEND)) == 3
    assert rows.count() == 3
