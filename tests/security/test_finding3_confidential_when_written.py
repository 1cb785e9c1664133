"""Issue 13 finding 3: a record is confidential by what it was when written (RULES.md "Who may
read what"): changing a contact's category later opens no earlier talk or event, and the old
category's data is kept, readable as before by those allowed."""

import uuid

from django.urls import reverse
from django.utils import timezone

from contacts.models import Assignment, Category, Contact, can_read_record_text
from contacts.services import contacts as contact_services
from talks.models import MustTalkEvent, TalkLog
from talks.services import talks as talk_services
from tests.factories import ContactFactory, MustTalkEventFactory

SECRET = "家人重病住院，经济压力大"
TALK_TEXT = "谈到家人住院后的生活安排"


def _hardship_talk(member, contact) -> TalkLog:
    return talk_services.talk_log_record(
        member=member,
        assignment=Assignment.objects.get(contact=contact),
        date=timezone.localdate(),
        place="办公室",
        is_talk=True,
        is_work_report=False,
        content=TALK_TEXT,
        submission_token=uuid.uuid4(),
        by=member.user,
    )


def _make_activist(contact, by):
    contact_services.contact_update(
        contact=contact,
        values={"category": Category.ACTIVIST, "activist_stage": "applicant"},
        by=by,
    )


def test_finding3_hardship_talk_stays_confidential_after_category_change(
    client_for, member_a, secretary, leader, admin, hardship_a
):
    talk = _hardship_talk(member_a, hardship_a)
    assert talk.confidential
    _make_activist(hardship_a, secretary.user)
    talk.refresh_from_db()
    assert talk.is_confidential()
    page = reverse("talks:contact_detail", args=[hardship_a.pk])
    for reader in (leader, admin):
        html = client_for(reader).get(page).content.decode()
        assert TALK_TEXT not in html and SECRET not in html
    # Those allowed read it exactly as before.
    for reader in (member_a, secretary):
        html = client_for(reader).get(page).content.decode()
        assert TALK_TEXT in html and SECRET in html


def test_finding3_category_change_keeps_the_hardship_data(secretary, hardship_a):
    _make_activist(hardship_a, secretary.user)
    contact = Contact.objects.get(pk=hardship_a.pk)
    assert contact.category == Category.ACTIVIST
    assert (contact.hardship_kind, contact.hardship_description) == ("illness", SECRET)


def test_finding3_category4_event_fixed_when_written(member_a, leader, admin, secretary):
    contact = ContactFactory(branch=member_a.branch, category=Category.TEACHER)
    Assignment.objects.create(
        member=member_a, contact=contact, contact_category=Category.TEACHER, started_on="2025-9-1"
    )
    event = talk_services.must_talk_event_record(
        contact=contact,
        category="4",
        sub_kind="conduct",
        how_known="reported",
        occurred_on=timezone.localdate(),
        note="群众反映的问题",
        by=secretary.user,
    )
    assert event.confidential
    # A later change of the row (e.g. in the Django admin) does not open the note.
    MustTalkEvent.objects.filter(pk=event.pk).update(category="3", sub_kind="setback")
    event = MustTalkEvent.objects.select_related("contact").get(pk=event.pk)
    assert not can_read_record_text(leader.user, event)
    assert not can_read_record_text(admin.user, event)
    assert can_read_record_text(secretary.user, event)
    assert can_read_record_text(member_a.user, event)


def test_finding3_factory_and_data_migration_rule(member_a):
    # A non-confidential event stays readable to whoever may open it.
    event = MustTalkEventFactory(category="1", sub_kind="promotion")
    assert not event.confidential and can_read_record_text(member_a.user, event)
