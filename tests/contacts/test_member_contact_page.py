"""The contact's page (R31, R32, R51): the timeline, confidential text, assistance records."""

import datetime

import pytest
from django.urls import reverse

from contacts.models import ActivistStageChange, Assignment, AssistanceRecord, Category
from members.models import AuditAction, AuditLog
from tests.factories import AssignmentFactory, MustTalkEventFactory, TalkLogFactory

D = datetime.date


@pytest.fixture(autouse=True)
def frozen(settings, frozen_time):
    settings.LANGUAGE_CODE = "en"
    frozen_time(2026, 10, 20, 9)


@pytest.fixture
def activist_a(member_a):
    return AssignmentFactory(
        member=member_a, contact__name="张同学", contact__category=Category.ACTIVIST
    ).contact


def test_r31_activist_timeline_shows_observations_and_stage_changes(
    client_for, member_a, activist_a
):
    assignment = Assignment.objects.get(contact=activist_a)
    TalkLogFactory(assignment=assignment, date=D(2026, 9, 5), observation="对党的政策理解深入")
    TalkLogFactory(assignment=assignment, date=D(2026, 10, 5), observation="能带头落实")
    ActivistStageChange.objects.create(
        contact=activist_a, stage="activist", changed_on=D(2026, 9, 20)
    )
    response = client_for(member_a).get(reverse("talks:contact_detail", args=[activist_a.pk]))
    kinds = [(e.date, e.kind) for e in response.context["entries"]]
    assert kinds == [(D(2026, 10, 5), "talk"), (D(2026, 9, 20), "stage"), (D(2026, 9, 5), "talk")]
    page = response.content.decode()
    assert "对党的政策理解深入" in page and "能带头落实" in page and "Stage change" in page


def test_r32_member_adds_an_assistance_record(client_for, member_a, hardship_a):
    client = client_for(member_a)
    url = reverse("contacts:assistance_create", args=[hardship_a.pk])
    response = client.post(url, {"date": "2026-10-10", "what": "送去慰问金", "result": "已收到"})
    assert response.status_code == 302
    record = AssistanceRecord.objects.get()
    assert (record.author, record.what, record.result) == (member_a, "送去慰问金", "已收到")
    assert AuditLog.objects.filter(
        action=AuditAction.CREATE, object_type="contacts.assistancerecord"
    )
    page = client.get(reverse("talks:contact_detail", args=[hardship_a.pk])).content.decode()
    assert "送去慰问金" in page and "已收到" in page


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"date": "2026-10-21", "what": "x"}, "date", "cannot be in the future"),
        ({"date": "2026-10-10", "what": "   "}, "what", "Write what help was given"),
        ({"date": "2026-10-10", "what": "长" * 2001}, "what", "at most 2000"),
    ],
)
def test_r32_bad_assistance_input_is_refused(client_for, member_a, hardship_a, data, field, text):
    url = reverse("contacts:assistance_create", args=[hardship_a.pk])
    response = client_for(member_a).post(url, data)
    assert text in " ".join(response.context["form"].errors[field])
    assert not AssistanceRecord.objects.exists()


def test_r32_assistance_only_for_hardship_contacts_of_mine(
    client_for, member_a, member_b, teacher_a, hardship_a, leader
):
    data = {"date": "2026-10-10", "what": "x"}
    assert (
        client_for(member_a)
        .post(reverse("contacts:assistance_create", args=[teacher_a.pk]), data)
        .status_code
        == 404
    )
    for other in (member_b, leader):
        url = reverse("contacts:assistance_create", args=[hardship_a.pk])
        assert client_for(other).post(url, data).status_code == 404
    assert not AssistanceRecord.objects.exists()


def test_r32_hardship_text_readers_and_audit(
    client_for, member_a, member_b, hardship_a, secretary, leader, admin
):
    AssistanceRecord.objects.create(
        contact=hardship_a, author=member_a, date=D(2026, 10, 1), what="帮忙联系医院"
    )
    TalkLogFactory(assignment=Assignment.objects.get(contact=hardship_a), content="谈了治疗费用")
    url = reverse("talks:contact_detail", args=[hardship_a.pk])
    secret = ["家人重病住院", "帮忙联系医院", "谈了治疗费用"]
    for reader in (member_a, secretary):
        page = client_for(reader).get(url).content.decode()
        assert all(text in page for text in secret)
    for reader in (leader, admin):
        response = client_for(reader).get(url)
        page = response.content.decode()
        assert response.status_code == 200 and "刘师傅" in page
        assert not any(text in page for text in secret)
        # The admin sees that the records exist, with their dates.
        assert "2026-10-01" in page
    assert client_for(member_b).get(url).status_code == 404
    reads = AuditLog.objects.filter(action=AuditAction.VIEW_CONFIDENTIAL, contact_id=hardship_a.pk)
    assert sorted(reads.values_list("actor_username", flat=True)) == ["member_a", "secretary"]


def test_other_member_gets_404_on_my_contact(client_for, member_a, member_b, teacher_a):
    assert (
        client_for(member_b).get(reverse("talks:contact_detail", args=[teacher_a.pk])).status_code
        == 404
    )


def test_contact_page_query_count_does_not_grow(
    client_for, member_a, activist_a, django_assert_max_num_queries
):
    client = client_for(member_a)
    assignment = Assignment.objects.get(contact=activist_a)
    url = reverse("talks:contact_detail", args=[activist_a.pk])
    for i in range(10):
        TalkLogFactory(assignment=assignment, date=D(2026, 1, 1) + datetime.timedelta(days=i))
    with django_assert_max_num_queries(15) as small:  # +1: the menu's unread count
        client.get(url)
    for i in range(490):
        TalkLogFactory(assignment=assignment, date=D(2025, 9, 1) + datetime.timedelta(days=i % 400))
    for _ in range(20):
        MustTalkEventFactory(contact=activist_a, member=member_a)
        ActivistStageChange.objects.create(
            contact=activist_a, stage="activist", changed_on=D(2026, 1, 1)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    # Issue 14: a page of the 540 entries at a time.
    assert response.context["page"].paginator.count == 540
    assert len(response.context["entries"]) == 50
