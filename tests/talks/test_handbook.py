"""R410: the member's handbook of a period, grouped by contact and month, and its PDF."""

import datetime
import subprocess

import pytest
from django.urls import reverse

from contacts.models import Assignment
from members.models import AuditAction, AuditLog
from talks.forms.talks import default_period
from tests.factories import AssignmentFactory, TalkLogFactory

D = datetime.date


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(2026, 11, 20, 9)


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (D(2026, 9, 1), (D(2026, 9, 1), D(2027, 1, 31))),
        (D(2027, 1, 31), (D(2026, 9, 1), D(2027, 1, 31))),
        (D(2027, 2, 1), (D(2027, 2, 1), D(2027, 8, 31))),
        (D(2027, 8, 31), (D(2027, 2, 1), D(2027, 8, 31))),
    ],
)
def test_r410_default_period_is_the_school_half_year(today, period):
    assert default_period(today) == period


def test_r410_handbook_groups_by_contact_and_month_with_states(client_for, member_a, teacher_a):
    assignment = Assignment.objects.get(contact=teacher_a)
    TalkLogFactory(assignment=assignment, date=D(2026, 9, 10), content="九月谈话")
    TalkLogFactory(
        assignment=assignment, date=D(2026, 11, 3), content="十一月谈话", is_work_report=False
    )
    response = client_for(member_a).get(reverse("talks:handbook"))
    (section,) = response.context["sections"]
    assert section["contact"] == teacher_a
    months = [(str(m["month"]), m["state"].value, len(m["talks"])) for m in section["months"]]
    assert months == [
        ("2026-09", "complete", 1),
        ("2026-10", "missing", 0),
        ("2026-11", "in_progress", 1),  # 20 November: not yet decided
    ]
    page = response.content.decode()
    assert "九月谈话" in page and "十一月谈话" in page


def test_r410_period_from_query_parameters(client_for, member_a, teacher_a):
    assignment = Assignment.objects.get(contact=teacher_a)
    TalkLogFactory(assignment=assignment, date=D(2026, 3, 10), content="三月谈话")
    response = client_for(member_a).get(
        reverse("talks:handbook"), {"start": "2026-02-01", "end": "2026-08-31"}
    )
    assert "三月谈话" in response.content.decode()
    bad = client_for(member_a).get(reverse("talks:handbook"), {"start": "2026-09-01", "end": "x"})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_r410_handbook_pdf_contains_contact_name_and_talk_date(
    client_for, member_a, teacher_a, tmp_path
):
    TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a), date=D(2026, 10, 15))
    response = client_for(member_a).get(reverse("talks:handbook_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    pdf = tmp_path / "handbook.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "陈老师" in text and "2026-10-15" in text and "李老师" in text
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, actor=member_a.user).exists()


def test_r410_former_member_keeps_their_records_in_the_handbook(
    client_for, member_a, member_b, teacher_a
):
    assignment = Assignment.objects.get(contact=teacher_a)
    TalkLogFactory(assignment=assignment, date=D(2026, 9, 10), content="我写的记录")
    Assignment.objects.filter(pk=assignment.pk).update(ended_on=D(2026, 9, 30))
    AssignmentFactory(member=member_b, contact=teacher_a, started_on=D(2026, 10, 1))
    page = client_for(member_a).get(reverse("talks:handbook")).content.decode()
    assert "我写的记录" in page
    # ...but not the contact's page any more.
    url = reverse("talks:contact_detail", args=[teacher_a.pk])
    assert client_for(member_a).get(url).status_code == 404


def test_r410_other_member_gets_404_on_my_handbook(client_for, member_a, member_b, secretary):
    for name in ("talks:member_handbook", "talks:member_handbook_pdf"):
        url = reverse(name, args=[member_a.pk])
        assert client_for(member_b).get(url).status_code == 404
    url = reverse("talks:member_handbook", args=[member_a.pk])
    assert client_for(secretary).get(url).status_code == 200


def test_r32_leader_reads_handbook_without_confidential_text(
    client_for, member_a, hardship_a, leader
):
    TalkLogFactory(
        assignment=Assignment.objects.get(contact=hardship_a),
        date=D(2026, 10, 2),
        content="谈了住院费用",
    )
    page = client_for(leader).get(reverse("talks:member_handbook", args=[member_a.pk]))
    assert page.status_code == 200 and "刘师傅" in page.content.decode()
    assert "谈了住院费用" not in page.content.decode()
    assert "谈了住院费用" in client_for(member_a).get(reverse("talks:handbook")).content.decode()


def test_r410_handbook_query_count_does_not_grow(
    client_for, member_a, teacher_a, django_assert_max_num_queries
):
    client = client_for(member_a)
    assignment = Assignment.objects.get(contact=teacher_a)
    for i in range(10):
        TalkLogFactory(assignment=assignment, date=D(2026, 9, 1) + datetime.timedelta(days=i))
    # 17: the R410 records besides talks are five lists of one query each.
    with django_assert_max_num_queries(17) as small:
        client.get(reverse("talks:handbook"))
    for _ in range(49):
        extra = AssignmentFactory(member=member_a, contact__category="activist")
        for i in range(10):
            TalkLogFactory(assignment=extra, date=D(2026, 9, 1) + datetime.timedelta(days=i * 7))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("talks:handbook"))
    assert len(response.context["sections"]) == 50
