"""R47 on every path (issue 15 verification): a talk made a criticism talk (批评教育) by an edit
becomes confidential like R51 category 4; leaders and admins see no text on the member's
handbook, the contact's page or the Django admin; the contact's new member and the secretary
still read it, as RULES.md "Who may read what" says."""

import datetime

import pytest
from django.urls import reverse

from contacts.models import Assignment
from contacts.services.contacts import assignment_reassign
from talks.models import TalkLog
from tests.factories import TalkLogFactory, UserFactory, fill_talk_form

TEXT = "就多次体罚学生问题进行了批评教育，本人作了检讨。"


@pytest.fixture(autouse=True)
def _today(frozen_time):
    frozen_time(2026, 10, 20, 9)


@pytest.fixture
def plain_talk(member_a, teacher_a):
    return TalkLogFactory(
        assignment=Assignment.objects.get(contact=teacher_a),
        date=datetime.date(2026, 10, 12),
        content=TEXT,
        about_thought=True,
    )


def test_r47_edit_making_a_talk_criticism_makes_it_confidential(
    app, client_for, member_a, leader, admin, plain_talk
):
    assert not plain_talk.confidential
    edit = app.get(reverse("talks:talk_edit", args=[plain_talk.pk]), user="member_a")
    form = edit.forms["talk-form"]
    assert not form["is_criticism"].checked
    form["is_criticism"] = True
    form.submit("save").follow()
    talk = TalkLog.objects.get(pk=plain_talk.pk)
    assert talk.is_criticism and talk.confidential
    # Unticking it later does not open it again (confidential by what it was when written).
    form = app.get(reverse("talks:talk_edit", args=[talk.pk]), user="member_a").forms["talk-form"]
    form["is_criticism"] = False
    form.submit("save").follow()
    assert TalkLog.objects.get(pk=talk.pk).confidential
    for reader in (leader, admin):
        page = client_for(reader).get(reverse("talks:contact_detail", args=[talk.contact_id]))
        assert TEXT not in page.content.decode()


def test_r47_leader_reads_no_criticism_text_in_the_handbook_nor_ops_in_the_django_admin(
    app, client_for, member_a, leader, teacher_a
):
    form = app.get(reverse("talks:talk_create"), user="member_a").forms["talk-form"]
    fill_talk_form(form, teacher_a, content=TEXT, aspects=["thought"], is_criticism=True)
    form.submit("save").follow()
    talk = TalkLog.objects.get()
    handbook = client_for(leader).get(reverse("talks:member_handbook", args=[member_a.pk]))
    assert handbook.status_code == 200 and TEXT not in handbook.content.decode()
    assert TEXT in client_for(member_a).get(reverse("talks:handbook")).content.decode()
    UserFactory(username="ops", is_staff=True, is_superuser=True)
    change = reverse("admin:talks_talklog_change", args=[talk.pk])
    assert TEXT not in app.get(change, user="ops").text
    assert TEXT not in app.get(reverse("admin:talks_talklog_changelist"), user="ops").text


def test_r47_the_contacts_new_member_and_the_secretary_read_it(
    client_for, member_a, member_b, secretary, teacher_a
):
    form_talk = TalkLogFactory(
        assignment=Assignment.objects.get(contact=teacher_a),
        date=datetime.date(2026, 10, 12),
        content=TEXT,
        about_thought=True,
        is_criticism=True,
    )
    assert form_talk.confidential
    assignment_reassign(
        assignment=Assignment.objects.get(contact=teacher_a),
        member=member_b,
        on=datetime.date(2026, 10, 19),
        reason="工作调整",
        by=secretary.user,
    )
    page = reverse("talks:contact_detail", args=[teacher_a.pk])
    assert TEXT in client_for(member_b).get(page).content.decode()
    assert TEXT in client_for(secretary).get(page).content.decode()
