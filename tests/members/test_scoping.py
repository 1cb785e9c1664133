"""Roles and scoping (RULES.md "Who may read what"), at the queryset level."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse

from contacts.models import Assignment, AssistanceRecord, Contact, can_read_confidential
from members import access
from members.models import Branch, Member
from talks.models import MustTalkEvent, Opinion, TalkLog
from tests.factories import AssignmentFactory, ContactFactory, TalkLogFactory

D = datetime.date


@pytest.fixture
def world(member_a, member_b, teacher_a, hardship_a, secretary, other_branch_secretary):
    talk_a = TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a))
    b_assignment = AssignmentFactory(
        member=member_b, contact=ContactFactory(branch=member_b.branch, category="activist")
    )
    talk_b = TalkLogFactory(assignment=b_assignment)
    other_contact = ContactFactory(branch=other_branch_secretary.branch)
    return {
        "talk_a": talk_a,
        "talk_b": talk_b,
        "contact_b": b_assignment.contact,
        "other_contact": other_contact,
    }


def test_member_sees_only_own_contacts_and_talks(world, member_a, teacher_a, hardship_a):
    user = member_a.user
    assert set(Contact.objects.visible_to(user)) == {teacher_a, hardship_a}
    assert list(TalkLog.objects.visible_to(user)) == [world["talk_a"]]
    with pytest.raises(Http404):
        access.get_visible_or_404(TalkLog.objects, user, pk=world["talk_b"].pk)
    with pytest.raises(Http404):
        access.get_visible_or_404(Contact.objects, user, pk=world["contact_b"].pk)


def test_secretary_sees_only_their_branch(world, secretary, other_branch_secretary):
    contacts = set(Contact.objects.visible_to(secretary.user))
    assert world["contact_b"] in contacts and world["other_contact"] not in contacts
    assert set(TalkLog.objects.visible_to(secretary.user)) == {world["talk_a"], world["talk_b"]}
    assert not TalkLog.objects.visible_to(other_branch_secretary.user).exists()
    assert list(Branch.objects.visible_to(secretary.user)) == [secretary.branch]


def test_admin_sees_all_branches_but_not_confidential_text(world, admin, hardship_a, secretary):
    assert Branch.objects.visible_to(admin.user).count() == 2
    assert Contact.objects.visible_to(admin.user).count() == Contact.objects.count()
    assert not can_read_confidential(admin.user, hardship_a)
    assert can_read_confidential(secretary.user, hardship_a)


def test_r32_confidential_readers(world, member_a, member_b, hardship_a, leader, committee):
    assert can_read_confidential(member_a.user, hardship_a)
    for outsider in (member_b, leader, committee):
        assert not can_read_confidential(outsider.user, hardship_a)
    # The author keeps reading what they wrote after the contact is reassigned.
    Assignment.objects.filter(contact=hardship_a).update(ended_on=D(2026, 1, 31))
    member_a.user._liaison_access = {}
    assert not can_read_confidential(member_a.user, hardship_a)
    assert can_read_confidential(member_a.user, hardship_a, author_user_id=member_a.user_id)


def test_reassigned_member_keeps_own_records_but_not_the_contact(
    world, member_a, member_b, teacher_a
):
    Assignment.objects.filter(contact=teacher_a).update(ended_on=D(2026, 10, 31))
    Assignment.objects.create(
        member=member_b, contact=teacher_a, contact_category="teacher", started_on=D(2026, 11, 1)
    )
    new_talk = TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a, member=member_b))
    member_a.user._liaison_access = {}
    assert teacher_a not in Contact.objects.visible_to(member_a.user)
    visible = set(TalkLog.objects.visible_to(member_a.user))
    assert world["talk_a"] in visible and new_talk not in visible


def test_leader_sees_contact_point_branch_without_text(world, leader, hardship_a):
    assert list(Branch.objects.visible_to(leader.user)) == [leader.contact_point.branch]
    assert TalkLog.objects.visible_to(leader.user).count() == 2
    assert not can_read_confidential(leader.user, hardship_a)


def test_anonymous_and_deactivated_see_nothing(world, deactivated, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), deactivated.user):
        for model in (Contact, TalkLog, MustTalkEvent, Opinion, AssistanceRecord, Member):
            assert not model.objects.visible_to(user).exists(), (user, model)


def test_revoking_secretary_role_takes_effect_on_next_request(world, secretary, client_for):
    client = client_for(secretary)
    assert client.get(reverse("inspections:branch_home")).status_code == 200
    Member.objects.filter(pk=secretary.pk).update(role="member")
    assert client.get(reverse("inspections:branch_home")).status_code in (403, 404)


@pytest.mark.parametrize(
    "who, target",
    [
        ("member_a", "talks:my_page"),
        ("secretary", "inspections:branch_home"),
        ("admin", "inspections:school_home"),
        ("leader", "inspections:leader_home"),
    ],
)
def test_each_role_lands_on_its_home(who, target, request, client_for):
    response = client_for(request.getfixturevalue(who)).get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse(target)
