"""R53: the pairing proposal names the members left without a teacher; contacts still assigned
to a member made inactive are flagged on the dashboard and proposed again (R44: a contact has a
current member)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from contacts import selectors
from contacts.models import Assignment, Category
from tests.factories import ContactFactory, MustTalkEventFactory


def test_r53_proposal_names_members_left_without_a_teacher():
    members = [selectors.MemberData(1, 0, False), selectors.MemberData(2, 0, False)]
    contacts = [selectors.ContactData(10, "teacher"), selectors.ContactData(11, "hardship")]
    proposal = selectors.propose(members, contacts, 2)
    assert [(p.member_id, p.contact_id) for p in proposal.pairs if p.contact_id == 10] == [(1, 10)]
    assert proposal.without_teacher == [2]


def test_r53_pairing_page_says_who_is_left_without_a_teacher(
    app, secretary, member_a, member_b, teacher_a
):
    page = app.get(reverse("contacts:pairing"), user=secretary.user.username)
    section = page.html.find(id="without-teacher")
    assert section is not None
    names = page.html.find(id="without-teacher").find_next("ul").text
    assert member_b.name in names and secretary.name in names and member_a.name not in names


def test_r53_contact_of_an_inactive_member_is_flagged_and_proposed_again(
    app, secretary, member_a, member_b, teacher_a
):
    hardship = ContactFactory(branch=member_a.branch, name="吴师傅", category=Category.HARDSHIP)
    Assignment.objects.create(
        member=member_a,
        contact=hardship,
        contact_category=hardship.category,
        started_on=datetime.date(2025, 9, 1),
    )
    event = MustTalkEventFactory(
        contact=teacher_a, member=member_a, occurred_on=timezone.localdate()
    )
    member_a.active = False
    member_a.save()
    dashboard = reverse("inspections:branch_dashboard", args=[secretary.branch_id])
    page = app.get(dashboard, user=secretary.user.username)
    flagged = page.html.find(id="orphaned-title").find_next("ul").text
    assert teacher_a.name in flagged and hardship.name in flagged and member_a.name in flagged

    proposal = app.get(reverse("contacts:pairing"), user=secretary.user.username)
    rows = {
        tr.find_all("td")[2].text.split()[0]: tr.find_all("td")[3].text
        for tr in proposal.html.find(id="pairing-form").find("tbody").find_all("tr")
    }
    assert "原联系党员已不在岗" in rows[teacher_a.name]
    assert "原联系党员已不在岗" in rows[hardship.name]
    proposal.forms["pairing-form"].submit().follow()

    today = timezone.localdate()
    old = Assignment.objects.get(contact=teacher_a, member=member_a)
    assert old.ended_on == today - datetime.timedelta(days=1)
    new = Assignment.objects.get(contact=teacher_a, ended_on__isnull=True)
    assert new.member != member_a and new.member.active
    event.refresh_from_db()
    assert event.member == new.member  # R51: the open event follows the contact
    page = app.get(dashboard, user=secretary.user.username)
    assert page.html.find(id="orphaned-title") is None
