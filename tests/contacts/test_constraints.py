"""Database constraints of the data model (the rules that are constraints)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from contacts.models import Assignment, Category, Contact
from inspections.models import Semester, SemesterReport
from members.models import AuditLog, Notification
from tests.factories import AssignmentFactory, ContactFactory

D = datetime.date


def test_r44_second_open_teacher_assignment_is_refused(member_a, teacher_a):
    other_teacher = ContactFactory(branch=member_a.branch, category=Category.TEACHER)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(member=member_a, contact=other_teacher, started_on=D(2026, 1, 1))
    assert Assignment.objects.filter(member=member_a).count() == 1


def test_r44_ended_teacher_assignment_allows_a_new_one(member_a, teacher_a):
    Assignment.objects.filter(contact=teacher_a).update(ended_on=D(2026, 1, 31))
    AssignmentFactory(
        member=member_a,
        contact=ContactFactory(branch=member_a.branch, category=Category.TEACHER),
        started_on=D(2026, 2, 1),
    )
    assert Assignment.objects.filter(member=member_a, contact_category="teacher").count() == 2


def test_r44_other_categories_are_not_limited(member_a, teacher_a, hardship_a):
    AssignmentFactory(
        member=member_a,
        contact=ContactFactory(branch=member_a.branch, category=Category.ACTIVIST),
    )
    assert Assignment.objects.filter(member=member_a).count() == 3


def test_contact_has_one_open_assignment(member_a, member_b, teacher_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            member=member_b, contact=teacher_a, contact_category="teacher", started_on=D(2026, 1, 1)
        )


def test_assignment_cannot_end_before_it_starts(member_a, hardship_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(contact=hardship_a).update(ended_on=D(2025, 8, 31))


def test_r31_activist_needs_a_stage_and_r32_hardship_a_kind(branch):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(branch=branch, name="甲", category=Category.ACTIVIST)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(branch=branch, name="乙", category=Category.HARDSHIP)


def test_r61_one_report_per_member_and_semester(member_a):
    semester = Semester.objects.create(name="S", start_on=D(2026, 9, 1), end_on=D(2027, 1, 31))
    SemesterReport.objects.create(member=member_a, semester=semester)
    with pytest.raises(IntegrityError), transaction.atomic():
        SemesterReport.objects.create(member=member_a, semester=semester)


def test_semester_must_end_after_it_starts(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Semester.objects.create(name="S", start_on=D(2026, 9, 1), end_on=D(2026, 9, 1))


def test_one_reminder_row_per_person_kind_and_period(member_a):
    Notification.objects.create(
        recipient=member_a.user, kind="monthly", period="2026-11", subject="s", body="b"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=member_a.user, kind="monthly", period="2026-11", subject="s", body="b"
        )
    Notification.objects.create(
        recipient=member_a.user, kind="monthly", period="2026-12", subject="s", body="b"
    )


def test_audit_log_refuses_update_and_delete(member_a):
    row = AuditLog.objects.create(action="login", actor=member_a.user)
    row.object_repr = "changed"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(object_repr="x")
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()
