"""Issue 13 finding 1: an admin (and a leader) sees that a confidential record exists (category,
dates), never its text, and cannot write it, on every path (RULES.md "Who may read what")."""

import datetime

from django.urls import reverse

from contacts.models import Contact
from members.models import AuditAction, AuditLog
from talks.models import MustTalkEvent
from tests.factories import MustTalkEventFactory

SECRET = "家人重病住院，经济压力大"


def test_finding1_admin_cannot_read_or_write_hardship_text(app, admin, hardship_a):
    url = reverse("contacts:manage_edit", args=[hardship_a.pk]) + f"?branch={hardship_a.branch_id}"
    page = app.get(url, user=admin.user.username)
    assert SECRET not in page.text
    form = page.forms["contact-form"]
    assert "hardship_description" not in form.fields
    form["name"] = "刘师傅（退休）"
    form.submit("save").follow()
    contact = Contact.objects.get(pk=hardship_a.pk)
    assert contact.name == "刘师傅（退休）"
    assert contact.hardship_description == SECRET
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_CONFIDENTIAL).exists()


def test_finding1_forged_description_from_admin_is_ignored(client_for, admin, hardship_a):
    client_for(admin).post(
        reverse("contacts:manage_edit", args=[hardship_a.pk]),
        {
            "name": hardship_a.name,
            "category": "hardship",
            "hardship_kind": "illness",
            "hardship_description": "被管理员改写",
            "active": "on",
        },
    )
    assert Contact.objects.get(pk=hardship_a.pk).hardship_description == SECRET


def test_finding1_secretary_still_edits_the_description(app, secretary, hardship_a):
    page = app.get(
        reverse("contacts:manage_edit", args=[hardship_a.pk]), user=secretary.user.username
    )
    assert SECRET in page.text
    assert AuditLog.objects.filter(
        action=AuditAction.VIEW_CONFIDENTIAL, contact_id=hardship_a.pk
    ).exists()
    form = page.forms["contact-form"]
    form["hardship_description"] = "家人已出院"
    form.submit("save")
    assert Contact.objects.get(pk=hardship_a.pk).hardship_description == "家人已出院"


def test_finding1_leader_and_admin_see_no_text_on_the_contact_page(
    client_for, admin, leader, member_a, hardship_a
):
    MustTalkEventFactory(
        contact=hardship_a, member=member_a, category="4", sub_kind="conduct", note="群众反映的问题"
    )
    for reader in (admin, leader):
        html = client_for(reader).get(reverse("talks:contact_detail", args=[hardship_a.pk]))
        html = html.content.decode()
        assert SECRET not in html and "群众反映的问题" not in html
        assert "刘师傅" in html  # the record exists: category and dates


def test_finding1_admin_cannot_write_a_category4_note(app, admin, hardship_a):
    url = reverse("talks:branch_event_create", args=[hardship_a.pk])
    page = app.get(url + f"?branch={hardship_a.branch_id}", user=admin.user.username)
    form = page.forms["event-form"]
    form["category"] = "4"
    form["sub_kind"] = "conduct"
    form["how_known"] = "reported"
    form["occurred_on"] = datetime.date.today().isoformat()
    form["note"] = "管理员写的保密内容"
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["event-form"]["note"].value == "管理员写的保密内容"
    assert not MustTalkEvent.objects.exists()
    # Without the note the event is recorded: that it exists, its category and dates.
    form = res.forms["event-form"]
    form["note"] = ""
    form.submit("save").follow()
    assert MustTalkEvent.objects.get().confidential
