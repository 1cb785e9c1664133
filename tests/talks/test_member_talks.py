"""Logging a talk (R45, R31, R33, R51, R43): the form, its bad input, double submits, edits."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from contacts.models import Assignment, Category
from members.models import AuditAction, AuditLog
from talks.models import Opinion, OpinionStatus, OpinionStatusChange, TalkLog
from tests.factories import (
    AssignmentFactory,
    ContactFactory,
    MustTalkEventFactory,
    TalkLogFactory,
    fill_talk_form,
    talk_post,
)

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
CONTENT = "谈了本学期的教学安排和家庭情况。"
NOW = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(NOW)


def post_talk(client, contact, **overrides):
    data = talk_post(contact, **{"content": CONTENT, **overrides})
    return client.post(reverse("talks:talk_create"), data)


def _talk_page_form(app, member, contact, kind):
    """The talk form as the page renders it, filled as post_talk's defaults (issue 14)."""
    form = app.get(reverse("talks:talk_create"), user=member.user.username).forms["talk-form"]
    return fill_talk_form(form, contact, place="办公室", kind=kind, content=CONTENT)


def test_r45_log_a_talk_creates_the_handbook_entry_and_audits_it(app, member_a, teacher_a):
    response = _talk_page_form(app, member_a, teacher_a, "both").submit("save")
    talk = TalkLog.objects.get()
    assert response.status_code == 302
    assert response.location.endswith(reverse("talks:talk_detail", args=[talk.pk]))
    assert (talk.is_talk, talk.is_work_report, talk.about_work) == (True, True, True)
    assert talk.assignment.member == member_a and talk.date == D(2026, 10, 18)
    assert AuditLog.objects.filter(
        action=AuditAction.CREATE, object_type="talks.talklog", object_id=str(talk.pk)
    ).exists()


@pytest.mark.parametrize(
    ("kind", "flags"),
    [("talk", (True, False)), ("report", (False, True)), ("both", (True, True))],
)
def test_r45_kind_sets_talk_and_work_report(app, member_a, teacher_a, kind, flags):
    _talk_page_form(app, member_a, teacher_a, kind).submit("save")
    talk = TalkLog.objects.get()
    assert (talk.is_talk, talk.is_work_report) == flags


def test_log_form_offers_only_my_contacts(client_for, member_a, member_b, teacher_a):
    other = AssignmentFactory(member=member_b, contact__name="别人的联系人").contact
    page = client_for(member_a).get(reverse("talks:talk_create")).content.decode()
    assert teacher_a.name in page and other.name not in page
    assert 'name="submission_token"' in page


def _assert_error(response, field, text):
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert text in " ".join(errors.get(field, [])), errors
    assert TalkLog.objects.count() == 0
    assert Opinion.objects.count() == 0


def test_r45_date_in_the_future_is_refused(client_for, member_a, teacher_a):
    response = post_talk(client_for(member_a), teacher_a, date="2026-10-21")
    _assert_error(response, "date", "cannot be in the future")
    # What the user typed is kept.
    assert "谈了本学期的教学安排" in response.content.decode()


def test_refused_post_shows_the_choices_again_with_the_contact_kept(
    client_for, member_a, member_b, teacher_a
):
    # A new talk posted without an event builds no choice list to validate; shown again after an
    # error, the form still lists the member's contacts (the typed one selected) and open events.
    other = AssignmentFactory(member=member_b, contact__name="别人的联系人").contact
    event = MustTalkEventFactory(member=member_a, contact=teacher_a, occurred_on=D(2026, 10, 10))
    response = post_talk(client_for(member_a), teacher_a, content="")
    _assert_error(response, "content", "Write what was talked about.")
    page = response.content.decode()
    assert f'<option value="{teacher_a.pk}" selected' in page
    assert other.name not in page
    assert f'<option value="{event.pk}"' in page


def test_r45_future_is_judged_in_shanghai_time(client_for, member_a, teacher_a, frozen_time):
    # 2026-10-20 23:30 in Shanghai is still 15:30 UTC: "tomorrow" in Shanghai is refused.
    with frozen_time(2026, 10, 20, 23, 30):
        response = post_talk(client_for(member_a), teacher_a, date="2026-10-21")
    _assert_error(response, "date", "cannot be in the future")


def test_r45_date_before_the_assignment_started_is_refused(client_for, member_a, teacher_a):
    Assignment.objects.filter(contact=teacher_a).update(started_on=D(2026, 10, 10))
    response = post_talk(client_for(member_a), teacher_a, date="2026-10-05")
    _assert_error(response, "date", "the date is before that")


def test_r45_date_after_the_assignment_ended_is_refused(client_for, member_a, teacher_a):
    Assignment.objects.filter(contact=teacher_a).update(ended_on=D(2026, 10, 12))
    response = post_talk(client_for(member_a), teacher_a, date="2026-10-15")
    _assert_error(response, "date", "ended on 2026-10-12")


def test_r45_date_in_a_closed_month_is_refused(client_for, member_a, teacher_a):
    response = post_talk(client_for(member_a), teacher_a, date="2026-08-30")
    _assert_error(response, "date", "are closed")


def test_forged_contact_of_another_member_is_refused(client_for, member_a, member_b, teacher_a):
    other = AssignmentFactory(member=member_b).contact
    response = post_talk(client_for(member_a), other)
    _assert_error(response, "contact", "Choose one of your own contacts")


@pytest.mark.parametrize("content", ["", "   \n\t  "])
def test_r45_empty_or_blank_content_is_refused(client_for, member_a, teacher_a, content):
    response = post_talk(client_for(member_a), teacher_a, content=content)
    _assert_error(response, "content", "Write what was talked about")


@pytest.mark.parametrize(
    ("field", "length"), [("content", 5001), ("place", 101), ("observation", 2001)]
)
def test_text_over_the_limit_is_refused(client_for, member_a, teacher_a, field, length):
    response = post_talk(client_for(member_a), teacher_a, **{field: "长" * length})
    _assert_error(response, field, "at most")


def test_r43_opinion_over_the_limit_is_refused(client_for, member_a, teacher_a):
    response = post_talk(client_for(member_a), teacher_a, opinions="意" * 2001)
    _assert_error(response, "opinions", "at most 2000 characters")


def test_r33_teacher_talk_needs_thought_life_or_work(client_for, member_a, teacher_a):
    response = post_talk(client_for(member_a), teacher_a, aspects=[])
    _assert_error(response, "aspects", "thought, life or work")


def test_r33_aspects_are_recorded(client_for, member_a, teacher_a):
    post_talk(client_for(member_a), teacher_a, aspects=["thought", "life"])
    talk = TalkLog.objects.get()
    assert (talk.about_thought, talk.about_life, talk.about_work) == (True, True, False)


def test_r31_activist_talk_needs_an_observation(client_for, member_a):
    activist = AssignmentFactory(member=member_a, contact__category=Category.ACTIVIST).contact
    response = post_talk(client_for(member_a), activist, aspects=[], observation="  ")
    _assert_error(response, "observation", "observation")
    post_talk(client_for(member_a), activist, aspects=[], observation="认真学习党章，积极。")
    assert TalkLog.objects.get().observation == "认真学习党章，积极。"


def test_r51_talk_naming_an_event_closes_it(client_for, member_a, teacher_a):
    event = MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 12))
    post_talk(client_for(member_a), teacher_a, must_talk_event=event.pk)
    event.refresh_from_db()
    assert event.closed_on == D(2026, 10, 18)
    assert TalkLog.objects.get().must_talk_event == event


def test_r51_event_of_another_contact_is_refused(client_for, member_a, teacher_a, hardship_a):
    event = MustTalkEventFactory(contact=hardship_a, member=member_a, occurred_on=D(2026, 10, 12))
    response = post_talk(client_for(member_a), teacher_a, must_talk_event=event.pk)
    _assert_error(response, "must_talk_event", "another contact")
    event.refresh_from_db()
    assert event.closed_on is None


def test_r51_closed_event_is_refused(client_for, member_a, teacher_a):
    event = MustTalkEventFactory(
        contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 1), closed_on=D(2026, 10, 3)
    )
    response = post_talk(client_for(member_a), teacher_a, must_talk_event=event.pk)
    _assert_error(response, "must_talk_event", "open must-talk event")


def test_r51_event_of_another_members_contact_is_refused(client_for, member_a, member_b, teacher_a):
    other = AssignmentFactory(member=member_b)
    event = MustTalkEventFactory(contact=other.contact, member=member_b)
    response = post_talk(client_for(member_a), teacher_a, must_talk_event=event.pk)
    _assert_error(response, "must_talk_event", "open must-talk event")


def test_r51_event_after_the_talk_date_is_refused(client_for, member_a, teacher_a):
    event = MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 19))
    response = post_talk(client_for(member_a), teacher_a, must_talk_event=event.pk)
    _assert_error(response, "must_talk_event", "after this talk")


def test_r43_each_opinion_line_goes_to_the_branch_queue(client_for, member_a, teacher_a):
    post_talk(client_for(member_a), teacher_a, opinions="食堂饭菜太贵\n\n  \n希望增加图书经费 \n")
    talk = TalkLog.objects.get()
    opinions = list(Opinion.objects.order_by("pk"))
    assert [o.content for o in opinions] == ["食堂饭菜太贵", "希望增加图书经费"]
    for opinion in opinions:
        assert opinion.talk == talk and opinion.contact == teacher_a
        assert opinion.branch == member_a.branch and opinion.conveyed_by == member_a
        assert opinion.status == OpinionStatus.RECEIVED
        assert opinion.received_on == D(2026, 10, 20)
        assert opinion.due_on == D(2026, 11, 3)  # branch default: 14 days
    assert OpinionStatusChange.objects.filter(to_status="received").count() == 2


def test_double_submit_creates_one_record(client_for, member_a, teacher_a):
    client = client_for(member_a)
    token = str(uuid.uuid4())
    first = post_talk(client, teacher_a, submission_token=token, opinions="一条意见")
    second = post_talk(client, teacher_a, submission_token=token, opinions="一条意见")
    assert TalkLog.objects.count() == 1 and Opinion.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_missing_submission_token_is_refused(client_for, member_a, teacher_a):
    response = post_talk(client_for(member_a), teacher_a, submission_token="")
    _assert_error(response, "submission_token", "required")


@pytest.mark.django_db(transaction=True)
def test_parallel_double_submit_creates_one_record(member_a, teacher_a):
    """Two requests with the same token at once: the unique token keeps one row."""
    import threading

    from django.db import connection
    from django.test import Client

    if connection.vendor == "sqlite":
        pytest.skip("SQLite in memory is one connection: parallel requests need PostgreSQL")
    token = str(uuid.uuid4())
    barrier = threading.Barrier(2)
    results = []

    def submit():
        client = Client()
        client.force_login(member_a.user)
        barrier.wait()
        results.append(post_talk(client, teacher_a, submission_token=token).status_code)
        connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [302, 302]
    assert TalkLog.objects.count() == 1


def test_r45_author_edits_while_editable_and_it_is_audited(client_for, member_a, teacher_a):
    talk = TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a), date=D(2026, 9, 3))
    response = client_for(member_a).post(
        reverse("talks:talk_edit", args=[talk.pk]),
        {
            "date": "2026-09-04",
            "place": "",
            "kind": "talk",
            "content": "改过的内容",
            "aspects": ["life"],
            "observation": "",
            "must_talk_event": "",
        },
    )
    assert response.status_code == 302
    talk.refresh_from_db()
    assert (talk.content, talk.date, talk.is_work_report) == ("改过的内容", D(2026, 9, 4), False)
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(talk.pk)).exists()


def test_r45_record_is_read_only_once_the_month_after_next_begins(client_for, member_a, teacher_a):
    talk = TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a), date=D(2026, 8, 31))
    client = client_for(member_a)
    page = client.get(reverse("talks:talk_detail", args=[talk.pk])).content.decode()
    assert "can no longer be changed" in page
    for name in ("talks:talk_edit", "talks:talk_delete"):
        response = client.post(reverse(name, args=[talk.pk]), {"content": "x"})
        assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.content == "谈了教学工作的安排。"


def test_r51_delete_reopens_the_event_and_is_audited(client_for, member_a, teacher_a):
    event = MustTalkEventFactory(
        contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 1), closed_on=D(2026, 10, 5)
    )
    talk = TalkLogFactory(
        assignment=Assignment.objects.get(contact=teacher_a),
        date=D(2026, 10, 5),
        must_talk_event=event,
    )
    response = client_for(member_a).post(reverse("talks:talk_delete", args=[talk.pk]))
    assert response.status_code == 302 and not TalkLog.objects.exists()
    event.refresh_from_db()
    assert event.closed_on is None
    assert AuditLog.objects.filter(action=AuditAction.DELETE, object_id=str(talk.pk)).exists()


def test_other_member_gets_404_on_my_talk(client_for, member_a, member_b, teacher_a, secretary):
    talk = TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a))
    for name in ("talks:talk_detail", "talks:talk_edit", "talks:talk_delete"):
        assert client_for(member_b).get(reverse(name, args=[talk.pk])).status_code == 404
    assert (
        client_for(member_b).post(reverse("talks:talk_delete", args=[talk.pk])).status_code == 404
    )
    assert TalkLog.objects.count() == 1


def test_anonymous_is_sent_to_login(client_for, teacher_a):
    response = client_for(None).get(reverse("talks:talk_create"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_r32_talk_with_hardship_contact_audits_the_confidential_read(
    client_for, member_a, hardship_a
):
    talk = TalkLogFactory(assignment=Assignment.objects.get(contact=hardship_a))
    client_for(member_a).get(reverse("talks:talk_detail", args=[talk.pk]))
    assert AuditLog.objects.filter(action=AuditAction.VIEW_CONFIDENTIAL).count() == 1


def test_contact_with_other_category_unaffected(member_a):
    assert ContactFactory(category=Category.TEACHER).category == "teacher"


def test_r51_editing_the_event_reopens_the_old_and_closes_the_new(client_for, member_a, teacher_a):
    first = MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 1))
    second = MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 2))
    client = client_for(member_a)
    post_talk(client, teacher_a, must_talk_event=first.pk)
    talk = TalkLog.objects.get()
    response = client.post(
        reverse("talks:talk_edit", args=[talk.pk]),
        {
            "date": "2026-10-19",
            "place": "",
            "kind": "both",
            "content": "改",
            "aspects": ["work"],
            "observation": "",
            "must_talk_event": second.pk,
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.closed_on is None and second.closed_on == D(2026, 10, 19)
