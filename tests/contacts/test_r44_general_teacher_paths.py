"""R44 on every path (issue 15 verification): a 一般教师 is not a party member. A teacher contact
whose staff number is an active member's is refused on reassignment and on a category change,
and the R53 pairing proposal leaves it over with the reason instead of proposing it (before,
the proposal offered it and applying the proposal failed as a whole)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts import selectors
from contacts.models import Assignment, Category
from contacts.services import contacts as contact_services
from tests.factories import ContactFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _frozen(settings, frozen_time):
    settings.LANGUAGE_CODE = "en"
    frozen_time(2026, 10, 20, 9)


@pytest.fixture
def party_teacher(member_a, branch):
    """A teacher contact with member_a's staff number: a party member, not a 一般教师."""
    member_a.staff_no = "T0042"
    member_a.save()
    return ContactFactory(branch=branch, category=Category.TEACHER, name="李老师", staff_no="T0042")


def test_r44_pairing_leaves_a_party_members_staff_number_over_and_applies(
    app, secretary, member_b, party_teacher, branch
):
    activist = ContactFactory(branch=branch, category=Category.ACTIVIST, name="陈同学")
    proposal, _members, _contacts = selectors.branch_proposal(secretary.branch, D(2026, 10, 20))
    assert party_teacher.pk not in {p.contact_id for p in proposal.pairs}
    assert (party_teacher.pk, "party_member") in proposal.left_over
    page = app.get(reverse("contacts:pairing"), user=secretary.user.username)
    assert "李老师" in page.text and "general teacher" in page.text
    page.forms["pairing-form"].submit().follow()
    assert not party_teacher.assignments.exists()
    assert activist.assignments.count() == 1  # the rest of the proposal was applied


def test_r44_reassigning_to_a_contact_with_a_members_staff_number_is_refused(
    secretary, member_a, member_b, branch
):
    contact = ContactFactory(branch=branch, category=Category.TEACHER, name="张老师")
    assignment = contact_services.assignment_create(
        member=member_b, contact=contact, started_on=D(2026, 9, 1), by=secretary.user
    )
    member_a.staff_no = "T0077"
    member_a.save()
    contact.staff_no = "T0077"
    contact.save()
    other = ContactFactory(branch=branch, category=Category.ACTIVIST)
    contact_services.assignment_create(
        member=secretary, contact=other, started_on=D(2026, 9, 1), by=secretary.user
    )
    with pytest.raises(ValidationError):
        contact_services.assignment_reassign(
            assignment=assignment,
            member=secretary,
            on=D(2026, 10, 20),
            reason="",
            by=secretary.user,
        )
    assert Assignment.objects.get(pk=assignment.pk).ended_on is None


def test_r44_making_an_assigned_contact_a_teacher_refused_for_a_members_staff_number(
    secretary, member_a, member_b, branch
):
    member_a.staff_no = "T0099"
    member_a.save()
    contact = ContactFactory(branch=branch, category=Category.ACTIVIST, staff_no="T0099")
    contact_services.assignment_create(
        member=member_b, contact=contact, started_on=D(2026, 9, 1), by=secretary.user
    )
    with pytest.raises(ValidationError) as error:
        contact_services.contact_update(
            contact=contact, values={"category": Category.TEACHER}, by=secretary.user
        )
    assert "category" in error.value.message_dict


def test_r44_an_assigned_teacher_given_a_members_staff_number_is_refused(
    secretary, member_a, member_b, branch
):
    member_a.staff_no = "T0101"
    member_a.save()
    contact = ContactFactory(branch=branch, category=Category.TEACHER, staff_no="T0500")
    contact_services.assignment_create(
        member=member_b, contact=contact, started_on=D(2026, 9, 1), by=secretary.user
    )
    with pytest.raises(ValidationError) as error:
        contact_services.contact_update(
            contact=contact, values={"staff_no": "T0101"}, by=secretary.user
        )
    assert "staff_no" in error.value.message_dict
    contact.refresh_from_db()
    assert contact.staff_no == "T0500"
    contact_services.contact_update(
        contact=contact, values={"staff_no": "T0501"}, by=secretary.user
    )
    assert type(contact).objects.get(pk=contact.pk).staff_no == "T0501"
