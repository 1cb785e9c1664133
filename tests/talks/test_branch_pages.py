"""The secretary's side of talks: R43 opinion queue, R51 branch events, R52 symposiums, R54
leaders' visits and briefings; another branch's secretary gets 404, members 403/404."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from members.models import AuditLog
from talks.models import (
    Briefing,
    LeaderVisit,
    MustTalkEvent,
    Opinion,
    OpinionStatusChange,
    Symposium,
)
from tests.factories import MustTalkEventFactory

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(2026, 10, 20, 9)


@pytest.fixture
def opinion(branch, teacher_a, member_a):
    return Opinion.objects.create(
        branch=branch,
        source="talk",
        contact=teacher_a,
        conveyed_by=member_a,
        content="希望增加教研活动经费",
        received_on=D(2026, 10, 1),
        due_on=D(2026, 10, 15),
    )


def test_r43_queue_highlights_past_deadline_with_symbol_and_text(client_for, secretary, opinion):
    response = client_for(secretary).get(reverse("talks:opinion_queue"))
    row = response.context["rows"][0]
    assert (row["opinion"], row["days"], row["past_due"]) == (opinion, 19, True)
    page = response.content.decode()
    assert "⚠" in page and "past the deadline" in page


def test_r43_status_changes_record_who_and_when_and_the_answer_closes_the_loop(
    client_for, secretary, opinion
):
    client = client_for(secretary)
    url = reverse("talks:opinion_detail", args=[opinion.pk])
    assert client.post(url, {"to_status": "forwarded", "note": "转教务处"}).status_code == 302
    response = client.post(url, {"to_status": "answered", "answer": ""})
    assert response.context["form"].errors["answer"] == [
        "Write the answer given to the person who raised it."
    ]
    opinion.refresh_from_db()
    assert opinion.status == "forwarded"
    assert client.post(url, {"to_status": "answered", "answer": "经费已增加"}).status_code == 302
    opinion.refresh_from_db()
    assert (opinion.status, opinion.answer) == ("answered", "经费已增加")
    assert opinion.answered_at == datetime.datetime(2026, 10, 20, 9, tzinfo=SHANGHAI)
    changes = list(OpinionStatusChange.objects.filter(opinion=opinion).order_by("pk"))
    assert [(c.from_status, c.to_status, c.by) for c in changes] == [
        ("received", "forwarded", secretary.user),
        ("forwarded", "answered", secretary.user),
    ]
    page = client.get(url).content.decode()
    assert "19 days" in page and "Handling time" in page
    assert "Change status" not in page  # answered is final
    audit = AuditLog.objects.filter(object_type="talks.opinion", action="update")
    assert audit.count() == 2 and "经费" not in str([a.details for a in audit])


def test_r43_a_status_cannot_go_backwards(client_for, secretary, opinion):
    opinion.status = "handled"
    opinion.save()
    response = client_for(secretary).post(
        reverse("talks:opinion_detail", args=[opinion.pk]), {"to_status": "forwarded"}
    )
    assert "to_status" in response.context["form"].errors
    assert not OpinionStatusChange.objects.exists()


def test_r43_opinion_box_goes_to_the_queue_with_the_branch_deadline(client_for, secretary, branch):
    response = client_for(secretary).post(
        reverse("talks:opinion_box_create"),
        {"received_on": "2026-10-19", "raised_by_name": "", "content": "图书馆开放时间延长"},
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert (opinion.source, opinion.due_on, opinion.status) == ("box", D(2026, 11, 2), "received")
    assert OpinionStatusChange.objects.filter(opinion=opinion, to_status="received").exists()


def test_r51_branch_event_list_filters_by_state(client_for, secretary, member_a, teacher_a):
    overdue = MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 1))
    open_ = MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 18))
    done = MustTalkEventFactory(
        contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 1), closed_on=D(2026, 10, 2)
    )
    client = client_for(secretary)

    def listed(state):
        response = client.get(reverse("talks:branch_events"), {"state": state})
        return [row["event"] for row in response.context["rows"]]

    assert listed("overdue") == [overdue]
    assert listed("open") == [open_]
    assert listed("on_time") == [done]
    assert listed("pending") == [overdue, open_]
    assert set(listed("all")) == {overdue, open_, done}


def test_r51_secretary_records_an_event_for_any_contact_of_the_branch(
    client_for, secretary, member_a, teacher_a
):
    response = client_for(secretary).post(
        reverse("talks:branch_event_create", args=[teacher_a.pk]),
        {"category": "3", "sub_kind": "setback", "occurred_on": "2026-10-19", "note": ""},
    )
    assert response.status_code == 302
    event = MustTalkEvent.objects.get()
    assert (event.member, event.due_on, event.recorded_by) == (
        member_a,
        D(2026, 10, 26),
        secretary.user,
    )


def test_r52_symposium_with_participants_and_opinions_into_the_queue(client_for, secretary, branch):
    client = client_for(secretary)
    data = {
        "held_on": "2026-10-18",
        "topic": "教学改革座谈会",
        "party_representatives": "2",
        "masses_representatives": "8",
        "members_present": "5",
        "participants": "民盟代表、青年教师",
        "minutes": "讨论了课程安排。",
        "opinions": "减少会议\n\n增加培训机会\n",
    }
    assert client.post(reverse("talks:symposium_create"), data).status_code == 302
    symposium = Symposium.objects.get()
    assert (symposium.party_representatives, symposium.masses_representatives) == (2, 8)
    opinions = Opinion.objects.filter(symposium=symposium).order_by("pk")
    assert [(o.content, o.source, o.status) for o in opinions] == [
        ("减少会议", "symposium", "received"),
        ("增加培训机会", "symposium", "received"),
    ]
    assert client.get(reverse("talks:symposium_list")).context["symposiums"] == [symposium]


def test_r52_symposium_without_participants_is_refused(client_for, secretary):
    response = client_for(secretary).post(
        reverse("talks:symposium_create"),
        {
            "held_on": "2026-10-18",
            "topic": "空会",
            "party_representatives": "0",
            "masses_representatives": "0",
            "members_present": "0",
        },
    )
    assert response.context["form"].errors["masses_representatives"] == [
        "A symposium has participants: count them."
    ]
    assert not Symposium.objects.exists()


def test_r54_leader_records_visits_and_briefings_at_the_contact_point(app, leader, branch):
    page = app.get(reverse("inspections:leader_home"), user=leader.user.username)
    form = page.forms["visit-form"]
    form["date"], form["kind"] = "2026-10-19", "visit"
    form["people_met"], form["summary"] = "青年教师", "听取意见"
    page = form.submit("save").follow()
    visit = LeaderVisit.objects.get()
    assert (visit.leader, visit.branch, visit.summary) == (leader, branch, "听取意见")
    form = page.forms["briefing-form"]
    form["date"], form["subject"], form["audience"] = "2026-10-19", "绩效方案", "全体教职工"
    page = form.submit("save").follow()
    briefing = Briefing.objects.get()
    assert (briefing.branch, briefing.given_by) == (branch, leader)
    assert "听取意见" in page.text and "绩效方案" in page.text


def test_r54_issue14_bad_visit_shows_the_form_again_with_what_was_typed(app, leader):
    """Issue 14 item 3: an error shows the form again (typed values, error at the field)."""
    form = app.get(reverse("inspections:leader_home"), user=leader.user.username).forms[
        "visit-form"
    ]
    form["date"], form["kind"] = "2026-10-19", "reception"
    form["people_met"], form["summary"] = "青年教师代表", ""
    res = form.submit("save")
    assert res.status_code == 200
    again = res.forms["visit-form"]
    assert (again["date"].value, again["kind"].value) == ("2026-10-19", "reception")
    assert again["people_met"].value == "青年教师代表"
    assert res.context["form"].errors["summary"]
    assert not LeaderVisit.objects.exists()
    again["summary"] = "接待来访教师"
    assert again.submit("save").status_code == 302
    assert LeaderVisit.objects.get().summary == "接待来访教师"


def test_r54_issue14_bad_briefing_shows_the_form_again_with_what_was_typed(app, leader):
    form = app.get(reverse("inspections:leader_home"), user=leader.user.username).forms[
        "briefing-form"
    ]
    form["date"], form["subject"], form["content"] = "2026-10-19", "绩效方案", "方案要点"
    res = form.submit("save")
    assert res.status_code == 200
    again = res.forms["briefing-form"]
    assert (again["subject"].value, again["content"].value) == ("绩效方案", "方案要点")
    assert res.context["form"].errors["audience"]
    assert not Briefing.objects.exists()


def test_r54_members_cannot_record_visits(client_for, member_a):
    response = client_for(member_a).post(
        reverse("talks:leader_visit_create"), {"date": "2026-10-19", "kind": "visit"}
    )
    assert response.status_code == 403


def test_secretary_of_another_branch_gets_404_on_this_branchs_objects(
    client_for, other_branch_secretary, opinion, teacher_a, branch, secretary
):
    symposium = Symposium.objects.create(branch=branch, held_on=D(2026, 10, 1), topic="t")
    client = client_for(other_branch_secretary)
    for url in (
        reverse("talks:opinion_detail", args=[opinion.pk]),
        reverse("talks:branch_event_create", args=[teacher_a.pk]),
        reverse("talks:symposium_detail", args=[symposium.pk]),
    ):
        assert client.get(url).status_code == 404
    # Their own lists never show this branch's rows.
    assert client.get(reverse("talks:opinion_queue")).context["rows"] == []
    assert client.get(reverse("talks:symposium_list")).context["symposiums"] == []
    assert client.get(reverse("talks:opinion_queue"), {"branch": branch.pk}).context["rows"] == []


def test_members_cannot_open_the_secretarys_pages(client_for, member_a, opinion):
    """Committee members read the queue and symposiums: tests/talks/test_committee_read.py."""
    client = client_for(member_a)
    for name in ("opinion_queue", "branch_events", "symposium_list", "symposium_create"):
        assert client.get(reverse(f"talks:{name}")).status_code == 403
    assert client.get(reverse("talks:opinion_detail", args=[opinion.pk])).status_code == 404


def test_opinion_queue_query_count_does_not_grow(
    client_for, secretary, branch, django_assert_max_num_queries
):
    client = client_for(secretary)

    def add(n):
        for i in range(n):
            Opinion.objects.create(
                branch=branch,
                source="box",
                content=f"意见{i}",
                received_on=D(2026, 10, 1),
                due_on=D(2026, 10, 15),
            )

    add(2)
    client.get(reverse("talks:opinion_queue"))
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("talks:opinion_queue"))
    add(100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("talks:opinion_queue"))
    # Issue 14: 50 a page, the rest on the next pages.
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.count == 102
