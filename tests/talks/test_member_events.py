"""R51: a member records a must-talk event for their own contact."""

import datetime

import pytest
from django.urls import reverse

from members.models import AuditAction, AuditLog
from talks.models import MustTalkEvent
from tests.factories import AssignmentFactory

D = datetime.date


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(2026, 10, 20, 9)


def post_event(client, contact, **overrides):
    data = {"category": "1", "sub_kind": "promotion", "occurred_on": "2026-10-19", "note": "升职"}
    data.update(overrides)
    return client.post(reverse("talks:event_create", args=[contact.pk]), data)


def test_r51_member_records_event_with_the_branch_deadline(client_for, member_a, teacher_a):
    member_a.branch.musttalk_deadline_days = 5
    member_a.branch.save()
    response = post_event(client_for(member_a), teacher_a)
    assert response.status_code == 302
    event = MustTalkEvent.objects.get()
    assert event.member == member_a and event.branch == member_a.branch
    assert (event.occurred_on, event.due_on) == (D(2026, 10, 19), D(2026, 10, 24))
    assert event.recorded_by == member_a.user and event.closed_on is None
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="talks.musttalkevent")


def test_r51_event_shows_on_my_page_and_contact_page(client_for, member_a, teacher_a):
    client = client_for(member_a)
    post_event(client, teacher_a)
    assert "Promotion" in client.get(reverse("talks:my_page")).content.decode()
    page = client.get(reverse("talks:contact_detail", args=[teacher_a.pk])).content.decode()
    assert "Promotion" in page and "升职" in page


def _refused(response, field, text):
    assert response.status_code == 200
    assert text in " ".join(response.context["form"].errors.get(field, []))
    assert not MustTalkEvent.objects.exists()


def test_r51_sub_kind_must_belong_to_the_category(client_for, member_a, teacher_a):
    response = post_event(client_for(member_a), teacher_a, category="3", sub_kind="promotion")
    _refused(response, "sub_kind", "does not belong to the chosen category")


def test_r51_event_date_in_the_future_is_refused(client_for, member_a, teacher_a):
    response = post_event(client_for(member_a), teacher_a, occurred_on="2026-10-21")
    _refused(response, "occurred_on", "cannot be in the future")


def test_r51_note_over_the_limit_is_refused(client_for, member_a, teacher_a):
    response = post_event(client_for(member_a), teacher_a, note="长" * 2001)
    _refused(response, "note", "at most 2000")


def test_r51_member_cannot_record_for_another_members_contact(client_for, member_a, member_b):
    other = AssignmentFactory(member=member_b).contact
    assert post_event(client_for(member_a), other).status_code == 404
    assert not MustTalkEvent.objects.exists()


def test_r51_category_4_note_is_confidential(
    client_for, member_a, member_b, teacher_a, secretary, leader, admin
):
    post_event(
        client_for(member_a),
        teacher_a,
        category="4",
        sub_kind="integrity",
        how_known="reported",
        note="收受礼品",
    )
    event = MustTalkEvent.objects.get()
    url = reverse("talks:contact_detail", args=[teacher_a.pk])
    assert "收受礼品" in client_for(member_a).get(url).content.decode()
    assert "收受礼品" in client_for(secretary).get(url).content.decode()
    for reader in (leader, admin):
        page = client_for(reader).get(url).content.decode()
        assert "收受礼品" not in page and "Confidential" in page
    assert client_for(member_b).get(url).status_code == 404
    reads = AuditLog.objects.filter(action=AuditAction.VIEW_CONFIDENTIAL, contact_id=teacher_a.pk)
    assert reads.count() == 2
    assert event.is_confidential
