"""Issue 13 finding 4 and R44: assignments of one contact never overlap on any date (an end date
in the future counts until it passes), nor a member's teacher assignments; a contact with a
member's staff number is refused as a teacher (一般教师 is not a party member)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from contacts.models import Assignment, Category
from contacts.services import contacts as contact_services
from tests.factories import AssignmentFactory, ContactFactory

FAR = datetime.date(9999, 12, 31)


def _assign_page(app, secretary, contact):
    return app.get(
        reverse("contacts:manage_detail", args=[contact.pk]), user=secretary.user.username
    )


def test_finding4_future_end_date_still_counts(app, secretary, member_a, member_b, hardship_a):
    contact_services.assignment_end(
        assignment=hardship_a.assignments.get(), ended_on=FAR, reason="", by=secretary.user
    )
    form = _assign_page(app, secretary, hardship_a).forms["assign-form"]
    form["member"] = str(member_b.pk)
    today = timezone.localdate().isoformat()
    form["started_on"] = today
    res = form.submit("save")
    assert res.status_code == 200
    assert "9999-12-31" in res.text and "李老师" in res.text
    assert res.forms["assign-form"]["member"].value == str(member_b.pk)
    assert res.forms["assign-form"]["started_on"].value == today
    assert Assignment.objects.filter(contact=hardship_a).count() == 1


def test_finding4_second_teacher_while_the_first_ends_in_the_future(secretary, member_a, teacher_a):
    contact_services.assignment_end(
        assignment=teacher_a.assignments.get(), ended_on=FAR, reason="", by=secretary.user
    )
    other = ContactFactory(branch=member_a.branch, category=Category.TEACHER, name="何老师")
    with pytest.raises(ValidationError) as error:
        contact_services.assignment_create(
            member=member_a, contact=other, started_on=timezone.localdate(), by=secretary.user
        )
    assert "member" in error.value.message_dict
    assert not other.assignments.exists()


def test_finding4_start_after_the_end_is_allowed(secretary, member_b, hardship_a):
    end = timezone.localdate() + datetime.timedelta(days=10)
    contact_services.assignment_end(
        assignment=hardship_a.assignments.get(), ended_on=end, reason="", by=secretary.user
    )
    contact_services.assignment_create(
        member=member_b,
        contact=hardship_a,
        started_on=end + datetime.timedelta(days=1),
        by=secretary.user,
    )
    assert hardship_a.assignments.count() == 2


def test_r44_contact_with_a_members_staff_number_is_refused_as_teacher(
    app, secretary, member_a, member_b
):
    member_a.staff_no = "T0042"
    member_a.save()
    contact = ContactFactory(
        branch=member_b.branch, category=Category.TEACHER, name="李老师", staff_no="T0042"
    )
    form = _assign_page(app, secretary, contact).forms["assign-form"]
    form["member"] = str(member_b.pk)
    res = form.submit("save")
    assert res.status_code == 200
    assert "一般教师" in res.text or "general teacher" in res.text
    assert res.forms["assign-form"]["member"].value == str(member_b.pk)
    assert not contact.assignments.exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_finding4_postgresql_refuses_overlapping_rows(branch, member_a, member_b):
    """The exclusion constraints, beneath the service: raw rows that overlap are refused."""
    contact = ContactFactory(branch=branch, category=Category.TEACHER)
    teacher2 = ContactFactory(branch=branch, category=Category.TEACHER)
    AssignmentFactory(member=member_a, contact=contact, started_on="2026-01-01", ended_on=FAR)
    insert = (
        "INSERT INTO contacts_assignment (member_id, contact_id, contact_category, started_on,"
        " ended_on, end_reason, created_at) VALUES (%s, %s, 'teacher', %s, NULL, '', now())"
    )
    for member, other in ((member_b, contact), (member_a, teacher2)):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert, [member.pk, other.pk, "2026-06-01"])
    assert Assignment.objects.count() == 1
