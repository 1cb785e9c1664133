"""R43/R52: committee members of a branch read its opinion queue and symposiums (the scope of
OpinionQuerySet.visible_to), but every write stays with the secretary and the admin."""

import datetime

import pytest
from django.urls import reverse

from talks.models import Opinion, OpinionStatusChange, Symposium

D = datetime.date


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


@pytest.fixture
def symposium(branch):
    return Symposium.objects.create(branch=branch, held_on=D(2026, 10, 1), topic="教学座谈")


def test_r43_committee_reads_the_queue_and_an_opinion_without_the_status_form(
    client_for, committee, opinion
):
    client = client_for(committee)
    response = client.get(reverse("talks:opinion_queue"), {"status": "all"})
    assert response.status_code == 200
    assert [row["opinion"] for row in response.context["rows"]] == [opinion]
    page = response.content.decode()
    assert reverse("talks:opinion_box_create") not in page
    detail = client.get(reverse("talks:opinion_detail", args=[opinion.pk]))
    assert detail.status_code == 200 and detail.context["form"] is None
    assert "希望增加教研活动经费" in detail.content.decode()


def test_r43_committee_cannot_change_a_status_or_add_from_the_box(client_for, committee, opinion):
    client = client_for(committee)
    response = client.post(
        reverse("talks:opinion_detail", args=[opinion.pk]), {"to_status": "forwarded"}
    )
    assert response.status_code == 403
    opinion.refresh_from_db()
    assert opinion.status == "received" and not OpinionStatusChange.objects.exists()
    response = client.post(
        reverse("talks:opinion_box_create"), {"received_on": "2026-10-19", "content": "x"}
    )
    assert response.status_code == 403
    assert Opinion.objects.count() == 1


def test_r52_committee_reads_symposiums_but_records_none(client_for, committee, symposium):
    client = client_for(committee)
    response = client.get(reverse("talks:symposium_list"))
    assert response.status_code == 200 and response.context["symposiums"] == [symposium]
    assert reverse("talks:symposium_create") not in response.content.decode()
    assert client.get(reverse("talks:symposium_detail", args=[symposium.pk])).status_code == 200
    response = client.post(
        reverse("talks:symposium_create"), {"held_on": "2026-10-19", "topic": "新座谈"}
    )
    assert response.status_code == 403
    assert Symposium.objects.count() == 1
    assert client.get(reverse("talks:branch_events")).status_code == 403


def test_committee_of_another_branch_sees_only_its_own_branch(
    client_for, other_branch, opinion, symposium, branch
):
    from members.models import Role
    from tests.factories import MemberFactory, UserFactory

    other = MemberFactory(
        user=UserFactory(username="other_committee"), branch=other_branch, role=Role.COMMITTEE
    )
    client = client_for(other)
    assert client.get(reverse("talks:opinion_queue"), {"branch": branch.pk}).context["rows"] == []
    assert client.get(reverse("talks:symposium_list")).context["symposiums"] == []
    assert client.get(reverse("talks:opinion_detail", args=[opinion.pk])).status_code == 404
