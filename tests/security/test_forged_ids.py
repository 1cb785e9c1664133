"""Issue 6: ids forged into POST data (or URLs of POST-only actions) are refused and write
nothing; revoking a role takes effect on the very next request (members/access.py reads roles
from the database on every request)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from contacts.models import AssistanceRecord, Category
from members.models import (
    AuditAction,
    AuditLog,
    FiveLeadActivity,
    FiveLeadKind,
    LeaderContactPoint,
    Role,
)
from talks.models import MustTalkEvent, Opinion, TalkLog
from tests.factories import AssignmentFactory, ContactFactory, MustTalkEventFactory, talk_post

NOW = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(NOW)


@pytest.fixture
def contact_b(member_b):
    """member_b's own contact, in the same branch as member_a."""
    return AssignmentFactory(
        member=member_b,
        contact=ContactFactory(branch=member_b.branch, category=Category.TEACHER),
    ).contact


@pytest.fixture
def other_branch_event(other_branch_secretary):
    contact = ContactFactory(branch=other_branch_secretary.branch, category=Category.TEACHER)
    AssignmentFactory(member=other_branch_secretary, contact=contact)
    return MustTalkEventFactory(
        contact=contact, member=other_branch_secretary, occurred_on=datetime.date(2026, 10, 10)
    )


def talk_data(contact, **overrides):
    return talk_post(contact, **{"opinions": "有一条意见", **overrides})


def nothing_written():
    """No entry, no opinion, no audit row (the client's login row aside)."""
    changes = AuditLog.objects.exclude(action=AuditAction.LOGIN)
    return not (TalkLog.objects.exists() or Opinion.objects.exists() or changes.exists())


def test_talk_form_refuses_another_members_contact(client_for, member_a, teacher_a, contact_b):
    client = client_for(member_a)
    response = client.post(reverse("talks:talk_create"), talk_data(contact_b))
    assert response.status_code == 200
    assert gettext("Choose one of your own contacts.") in response.context["form"].errors["contact"]
    assert nothing_written()


def test_talk_form_refuses_another_branchs_event(
    client_for, member_a, teacher_a, other_branch_event
):
    response = client_for(member_a).post(
        reverse("talks:talk_create"),
        talk_data(teacher_a, must_talk_event=other_branch_event.pk),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["must_talk_event"] == [
        gettext("Choose an open must-talk event of this contact.")
    ]
    assert nothing_written()
    assert MustTalkEvent.objects.get(pk=other_branch_event.pk).closed_on is None


def test_talk_form_refuses_another_members_event_in_the_same_branch(
    client_for, member_a, teacher_a, contact_b, member_b
):
    event = MustTalkEventFactory(
        contact=contact_b, member=member_b, occurred_on=datetime.date(2026, 10, 10)
    )
    response = client_for(member_a).post(
        reverse("talks:talk_create"), talk_data(teacher_a, must_talk_event=event.pk)
    )
    assert "must_talk_event" in response.context["form"].errors
    assert nothing_written()


def test_event_for_another_members_contact_is_404_and_writes_nothing(
    client_for, member_a, contact_b
):
    response = client_for(member_a).post(
        reverse("talks:event_create", kwargs={"contact_pk": contact_b.pk}),
        {"category": "1", "sub_kind": "promotion", "occurred_on": "2026-10-19", "note": ""},
    )
    assert response.status_code == 404
    assert not MustTalkEvent.objects.exists()


def test_assistance_for_another_members_contact_is_404(client_for, member_b, hardship_a):
    response = client_for(member_b).post(
        reverse("contacts:assistance_create", kwargs={"pk": hardship_a.pk}),
        {"date": "2026-10-19", "what": "送去慰问金", "result": ""},
    )
    assert response.status_code == 404
    assert not AssistanceRecord.objects.exists()


def test_editing_or_deleting_another_members_talk_is_404(client_for, member_a, member_b, teacher_a):
    client_for(member_a).post(reverse("talks:talk_create"), talk_data(teacher_a, opinions=""))
    talk = TalkLog.objects.get()
    other = client_for(member_b)
    edit = other.post(
        reverse("talks:talk_edit", kwargs={"pk": talk.pk}), talk_data(teacher_a, content="改写")
    )
    delete = other.post(reverse("talks:talk_delete", kwargs={"pk": talk.pk}))
    assert (edit.status_code, delete.status_code) == (404, 404)
    talk.refresh_from_db()
    assert talk.content == "谈了教学安排。"


def test_editing_another_members_lead_activity_is_404(client_for, member_a, member_b):
    activity = FiveLeadActivity.objects.create(
        member=member_a, kind=FiveLeadKind.PAPER, date=datetime.date(2026, 10, 1), title="论文"
    )
    response = client_for(member_b).post(
        reverse("members:lead_edit", kwargs={"pk": activity.pk}),
        {"kind": FiveLeadKind.PAPER, "date": "2026-10-02", "title": "改掉", "description": ""},
    )
    assert response.status_code == 404
    activity.refresh_from_db()
    assert activity.title == "论文"


def test_revoking_the_secretary_role_takes_effect_on_the_next_request(
    client_for, secretary, hardship_a
):
    client = client_for(secretary)
    page = reverse("talks:contact_detail", kwargs={"pk": hardship_a.pk})
    assert client.get(reverse("inspections:branch_home")).status_code == 200
    assert client.get(page).status_code == 200
    secretary.role = Role.MEMBER
    secretary.save()
    assert client.get(reverse("inspections:branch_home")).status_code == 403
    assert client.get(page).status_code == 404


def test_removing_a_leaders_contact_point_takes_effect_on_the_next_request(
    client_for, leader, teacher_a
):
    client = client_for(leader)
    page = reverse("talks:contact_detail", kwargs={"pk": teacher_a.pk})
    assert client.get(page).status_code == 200
    LeaderContactPoint.objects.filter(leader=leader).delete()
    assert client.get(page).status_code == 404
    assert client.get(reverse("inspections:leader_home")).status_code == 403


def test_deactivating_an_account_logs_it_out_on_the_next_request(client_for, member_a, teacher_a):
    client = client_for(member_a)
    assert client.get(reverse("talks:my_page")).status_code == 200
    member_a.user.is_active = False
    member_a.user.save()
    response = client.get(reverse("talks:my_page"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_member_leaving_the_branch_loses_the_contacts_on_the_next_request(
    client_for, member_a, teacher_a
):
    client = client_for(member_a)
    page = reverse("talks:contact_detail", kwargs={"pk": teacher_a.pk})
    assert client.get(page).status_code == 200
    member_a.active = False
    member_a.save()
    assert client.get(page).status_code == 404
    assert client.get(reverse("talks:talk_create")).status_code == 404
