"""Issue 14 items 4 and 5: the talk form as the page submits it — the same talk typed twice is
caught (not only the same token), the form opened from a must-talk event preselects it, the
record kind defaults to a talk; the five-leads file lost on an error is said."""

import datetime

import pytest
from django.urls import reverse

from members.models import FiveLeadActivity
from talks.models import TalkLog
from tests.factories import MustTalkEventFactory, fill_talk_form


@pytest.fixture(autouse=True)
def _today(frozen_time):
    frozen_time(2026, 10, 20, 9)


def _fill(form, contact, content="谈了本学期的教学安排。"):
    return fill_talk_form(form, contact, content=content)


def test_issue14_back_and_save_again_does_not_make_a_second_talk(app, member_a, teacher_a):
    user = member_a.user.username
    page = app.get(reverse("talks:talk_create"), user=user)
    res = _fill(page.forms["talk-form"], teacher_a).submit("save")
    talk = TalkLog.objects.get()
    assert res.location.endswith(reverse("talks:talk_detail", args=[talk.pk]))

    # Back: the no-store page is fetched again (a fresh token) and the browser refills the fields.
    page = app.get(reverse("talks:talk_create"), user=user)
    form = _fill(page.forms["talk-form"], teacher_a, content="谈了本学期的教学安排。\r\n")
    assert form["submission_token"].value != str(talk.submission_token)
    res = form.submit("save")
    assert TalkLog.objects.count() == 1
    assert res.location.endswith(reverse("talks:talk_detail", args=[talk.pk]))
    assert "This talk was already saved at 09:00" in res.follow().text


def test_issue14_a_different_talk_the_same_day_is_recorded(app, member_a, teacher_a):
    user = member_a.user.username
    _fill(app.get(reverse("talks:talk_create"), user=user).forms["talk-form"], teacher_a).submit(
        "save"
    )
    form = app.get(reverse("talks:talk_create"), user=user).forms["talk-form"]
    _fill(form, teacher_a, content="下午又谈了家庭困难。").submit("save")
    assert TalkLog.objects.count() == 2


def test_issue14_r51_talk_form_from_an_event_preselects_it_and_closes_it(app, member_a, teacher_a):
    event = MustTalkEventFactory(
        member=member_a, contact=teacher_a, occurred_on=datetime.date(2026, 10, 15)
    )
    my_page = app.get(reverse("talks:my_page"), user=member_a.user.username)
    page = my_page.click(href=f"\\?event={event.pk}$")
    form = page.forms["talk-form"]
    assert form["must_talk_event"].value == str(event.pk)
    assert form["contact"].value == str(teacher_a.pk)
    assert form["kind"].value == "talk"
    form["content"], form["aspects"] = "谈了岗位调整后的想法。", ["work"]
    form.submit("save")
    event.refresh_from_db()
    talk = TalkLog.objects.get()
    assert event.closed_on == datetime.date(2026, 10, 20)
    assert talk.must_talk_event_id == event.pk and talk.is_talk and not talk.is_work_report


def test_issue14_r45_record_kind_defaults_to_a_talk_never_both(app, member_a, teacher_a):
    form = app.get(reverse("talks:talk_create"), user=member_a.user.username).forms["talk-form"]
    assert form["kind"].value == "talk"
    assert form["date"].value == "2026-10-20"
    _fill(form, teacher_a).submit("save")
    talk = TalkLog.objects.get()
    assert (talk.is_talk, talk.is_work_report) == (True, False)


def test_issue14_r46_evidence_file_after_another_error_is_said_to_be_chosen_again(app, member_a):
    page = app.get(reverse("members:lead_create"), user=member_a.user.username)
    form = page.forms["lead-form"]
    form["kind"] = form["kind"].options[0][0]
    form["date"] = "2026-10-18"
    form["title"] = ""
    form["description"] = "公开课教案"
    form["evidence"] = ("教案.pdf", b"%PDF-1.4 test", "application/pdf")
    res = form.submit("save")
    assert res.status_code == 200
    assert "so the file was not kept: choose it again" in res.text
    assert res.forms["lead-form"]["description"].value == "公开课教案"
    assert not FiveLeadActivity.objects.exists()
