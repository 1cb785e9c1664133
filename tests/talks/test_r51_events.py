"""R51: sub-kinds belong to their category wherever the event comes from; 退休 and 离休 are
distinct; category 4 says found or reported by the masses; only a talk closes an event; an open
event passes to the contact's new member with its deadline."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from contacts.models import Assignment
from contacts.services.contacts import assignment_reassign
from talks.models import MustTalkEvent, MustTalkSubKind, TalkLog
from talks.services import talks as talk_services
from tests.factories import MustTalkEventFactory, fill_talk_form

D = datetime.date


@pytest.fixture(autouse=True)
def _frozen(frozen_time):
    frozen_time(2026, 11, 20, 10, 0)


def record(contact, by, **overrides):
    values = {"category": "1", "sub_kind": "promotion", "occurred_on": D(2026, 11, 18), "note": ""}
    values.update(overrides)
    return talk_services.must_talk_event_record(contact=contact, by=by, **values)


def test_r51_service_refuses_a_sub_kind_of_another_category(member_a, teacher_a):
    with pytest.raises(ValidationError) as error:
        record(teacher_a, member_a.user, category="1", sub_kind="setback")
    assert "sub_kind" in error.value.message_dict
    with pytest.raises(ValidationError):
        record(teacher_a, member_a.user, category="4", sub_kind="promotion", how_known="found")
    assert not MustTalkEvent.objects.exists()


def test_r51_model_refuses_a_mismatch_from_any_path(member_a, teacher_a):
    event = MustTalkEventFactory.build(
        contact=teacher_a, member=member_a, category="3", sub_kind="retirement"
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "sub_kind" in error.value.message_dict


def test_r51_retirement_and_lixiu_are_distinct_sub_kinds(member_a, teacher_a):
    retired = record(teacher_a, member_a.user, sub_kind="retirement")
    lixiu = record(teacher_a, member_a.user, sub_kind="lixiu")
    assert {retired.sub_kind, lixiu.sub_kind} == {"retirement", "lixiu"}
    with translation.override("zh-hans"):
        assert str(MustTalkSubKind.RETIREMENT.label) == "退休"
        assert str(MustTalkSubKind.LIXIU.label) == "离休"


def test_r51_category_4_says_found_or_reported(member_a, teacher_a):
    with pytest.raises(ValidationError) as error:
        record(teacher_a, member_a.user, category="4", sub_kind="integrity")
    assert "how_known" in error.value.message_dict
    with pytest.raises(ValidationError):
        record(teacher_a, member_a.user, category="1", how_known="reported")
    event = record(
        teacher_a, member_a.user, category="4", sub_kind="integrity", how_known="reported"
    )
    assert event.get_how_known_display() == "Reported by the masses"


def test_r51_event_form_category_4_needs_found_or_reported(app, member_a, teacher_a):
    url = reverse("talks:event_create", args=[teacher_a.pk])
    form = app.get(url, user=member_a.user.username).forms["event-form"]
    form["category"] = "4"
    form["sub_kind"] = "conduct"
    form["occurred_on"] = "2026-11-18"
    form["note"] = "上课迟到多次"
    res = form.submit("save")
    assert res.status_code == 200 and not MustTalkEvent.objects.exists()
    again = res.forms["event-form"]
    assert again["category"].value == "4" and again["note"].value == "上课迟到多次"
    again["how_known"] = "reported"
    again.submit("save").follow()
    event = MustTalkEvent.objects.get()
    assert (event.category, event.sub_kind, event.how_known) == ("4", "conduct", "reported")


def _talk(member, assignment, event, **overrides):
    values = {
        "member": member,
        "assignment": assignment,
        "date": D(2026, 11, 20),
        "place": "办公室",
        "is_talk": True,
        "is_work_report": False,
        "content": "谈心",
        "about_work": True,
        "must_talk_event": event,
        "submission_token": uuid.uuid4(),
        "by": member.user,
    }
    values.update(overrides)
    return talk_services.talk_log_record(**values)


def test_r51_a_work_report_alone_does_not_close_an_event(member_a, teacher_a):
    event = record(teacher_a, member_a.user)
    assignment = Assignment.objects.get(contact=teacher_a)
    with pytest.raises(ValidationError) as error:
        _talk(member_a, assignment, event, is_talk=False, is_work_report=True)
    assert "must_talk_event" in error.value.message_dict
    event.refresh_from_db()
    assert event.closed_on is None and not TalkLog.objects.exists()
    talk = _talk(member_a, assignment, event, is_work_report=True)
    event.refresh_from_db()
    assert event.closed_on == D(2026, 11, 20)
    # Nor can the talk become a report alone afterwards and keep the event closed.
    with pytest.raises(ValidationError):
        talk_services.talk_log_update(
            talk=talk,
            date=talk.date,
            place=talk.place,
            is_talk=False,
            is_work_report=True,
            content=talk.content,
            about_work=True,
            must_talk_event=event,
            by=member_a.user,
        )


def test_r51_talk_form_report_alone_naming_an_event_is_refused(app, member_a, teacher_a):
    event = record(teacher_a, member_a.user)
    form = app.get(reverse("talks:talk_create"), user=member_a.user.username).forms["talk-form"]
    fill_talk_form(
        form,
        teacher_a,
        date="2026-11-20",
        kind="report",
        content="听取了工作汇报",
        must_talk_event=str(event.pk),
    )
    res = form.submit("save")
    assert res.status_code == 200 and not TalkLog.objects.exists()
    assert "Only a talk closes a must-talk event" in res.text
    assert res.forms["talk-form"]["content"].value == "听取了工作汇报"
    event.refresh_from_db()
    assert event.closed_on is None


def test_r51_open_event_passes_to_the_new_member_on_reassignment(
    app, member_a, member_b, teacher_a, secretary
):
    event = record(teacher_a, member_a.user)
    closed = record(teacher_a, member_a.user, sub_kind="job_change")
    MustTalkEvent.objects.filter(pk=closed.pk).update(closed_on=D(2026, 11, 19))
    due = event.due_on
    assignment_reassign(
        assignment=Assignment.objects.get(contact=teacher_a),
        member=member_b,
        on=D(2026, 11, 20),
        reason="工作调整",
        by=secretary.user,
    )
    event.refresh_from_db()
    assert event.member == member_b and event.due_on == due
    assert MustTalkEvent.objects.get(pk=closed.pk).member == member_a  # history stays
    # The former member can no longer answer it; the new one can, through the talk form.
    old = Assignment.objects.get(contact=teacher_a, member=member_a)
    with pytest.raises(ValidationError):
        _talk(member_a, old, event, date=D(2026, 11, 19))
    form = app.get(reverse("talks:talk_create"), user=member_b.user.username).forms["talk-form"]
    fill_talk_form(
        form,
        teacher_a,
        date="2026-11-20",
        kind="talk",
        content="接手后第一次谈心",
        aspects=["thought"],
        must_talk_event=str(event.pk),
    )
    form.submit("save").follow()
    event.refresh_from_db()
    assert event.closed_on == D(2026, 11, 20)
    assert TalkLog.objects.get().member == member_b
