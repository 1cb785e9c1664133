"""The secretary's contacts and assignments (R31–R33, R44): create and edit contacts, assign,
reassign and end with history kept, R44 explained in the error; who may do it."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.models import ActivistStageChange, Assignment, Category, Contact
from contacts.services import contacts as contact_services
from members.models import AuditLog
from tests.factories import ContactFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _english_and_frozen(settings, frozen_time):
    settings.LANGUAGE_CODE = "en"
    frozen_time(2026, 10, 20, 9)


def _contact_data(**extra):
    data = {"name": "新同志", "category": "teacher", "active": "on"}
    data.update(extra)
    return data


def test_r31_activist_needs_a_stage_and_its_changes_are_kept(client_for, secretary, branch):
    client = client_for(secretary)
    url = reverse("contacts:manage_create")
    response = client.post(url, _contact_data(category="activist"))
    assert "Give the stage of an activist or applicant." in response.content.decode()
    assert not Contact.objects.exists()
    response = client.post(
        url,
        _contact_data(
            category="activist", activist_stage="applicant", activist_stage_since="2026-03-01"
        ),
    )
    contact = Contact.objects.get()
    assert response.status_code == 302 and contact.branch == branch
    response = client.post(
        reverse("contacts:manage_edit", args=[contact.pk]),
        _contact_data(
            category="activist", activist_stage="activist", activist_stage_since="2026-10-01"
        ),
    )
    assert response.status_code == 302
    assert list(
        ActivistStageChange.objects.filter(contact=contact).values_list("stage", "changed_on")
    ) == [("applicant", D(2026, 3, 1)), ("activist", D(2026, 10, 1))]


def test_r32_hardship_needs_a_kind_and_the_text_is_not_audited(client_for, secretary):
    client = client_for(secretary)
    url = reverse("contacts:manage_create")
    response = client.post(url, _contact_data(category="hardship"))
    assert "Give the kind of hardship." in response.content.decode()
    client.post(
        url,
        _contact_data(category="hardship", hardship_kind="family", hardship_description="母亲病重"),
    )
    contact = Contact.objects.get()
    assert contact.hardship_description == "母亲病重"
    assert not any(
        "母亲病重" in str(row.details) + row.object_repr for row in AuditLog.objects.all()
    )


def test_r33_teacher_keeps_no_fields_of_other_categories(client_for, secretary):
    client_for(secretary).post(
        reverse("contacts:manage_create"),
        _contact_data(hardship_kind="family", hardship_description="x", activist_stage="activist"),
    )
    contact = Contact.objects.get()
    assert (contact.hardship_kind, contact.hardship_description, contact.activist_stage) == (
        "",
        "",
        "",
    )


def test_r44_second_teacher_is_refused_with_a_clear_error(
    client_for, secretary, member_a, teacher_a, branch
):
    second = ContactFactory(branch=branch, name="第二位老师", category=Category.TEACHER)
    response = client_for(secretary).post(
        reverse("contacts:manage_detail", args=[second.pk]),
        {"member": member_a.pk, "started_on": "2026-10-20"},
    )
    form = response.context["assign_form"]
    assert form.errors["member"] == [
        "李老师 already liaises with the teacher 陈老师 (since 2025-09-01). Every member "
        "liaises with exactly one general teacher: end or reassign that assignment first."
    ]
    assert not Assignment.objects.filter(contact=second).exists()


def test_r44_database_constraint_gives_the_same_error(secretary, member_a, teacher_a, branch):
    """Two requests at once pass the check; the constraint refuses the second, same words."""
    second = ContactFactory(branch=branch, category=Category.TEACHER)
    with mock.patch.object(contact_services, "_check_r44"), pytest.raises(ValidationError) as error:
        contact_services.assignment_create(
            member=member_a, contact=second, started_on=D(2026, 10, 20), by=secretary.user
        )
    assert "exactly one general teacher: end" in error.value.message_dict["member"][0]
    assert not Assignment.objects.filter(contact=second).exists()


def test_r44_other_categories_are_not_limited(secretary, member_a, teacher_a, hardship_a, branch):
    activist = ContactFactory(branch=branch, category=Category.ACTIVIST)
    assignment = contact_services.assignment_create(
        member=member_a, contact=activist, started_on=D(2026, 10, 1), by=secretary.user
    )
    assert assignment.contact_category == Category.ACTIVIST


def test_assignment_takes_the_contacts_category_and_is_audited(app, secretary, member_a):
    contact = ContactFactory(branch=member_a.branch, category=Category.TEACHER)
    page = app.get(
        reverse("contacts:manage_detail", args=[contact.pk]), user=secretary.user.username
    )
    form = page.forms["assign-form"]
    form["member"], form["started_on"] = str(member_a.pk), "2026-10-20"
    response = form.submit("save")
    assert response.status_code == 302
    assignment = Assignment.objects.get(contact=contact)
    assert assignment.contact_category == "teacher" and assignment.created_by == secretary.user
    assert AuditLog.objects.filter(object_type="contacts.assignment", action="create").exists()


def test_reassign_ends_the_old_row_and_keeps_the_history(
    app, client_for, secretary, member_a, member_b, teacher_a
):
    old = Assignment.objects.get(contact=teacher_a)
    page = app.get(reverse("contacts:manage_reassign", args=[old.pk]), user=secretary.user.username)
    form = page.forms["reassign-form"]
    form["member"], form["on"], form["reason"] = str(member_b.pk), "2026-10-20", "调岗"
    response = form.submit("save")
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.ended_on, old.end_reason) == (D(2026, 10, 19), "调岗")
    new = Assignment.objects.get(contact=teacher_a, ended_on__isnull=True)
    assert (new.member, new.started_on) == (member_b, D(2026, 10, 20))
    page = client_for(secretary).get(reverse("contacts:manage_detail", args=[teacher_a.pk]))
    assert [a.member for a in page.context["history"]] == [member_b, member_a]


def test_r44_reassigning_a_teacher_to_a_member_with_one_is_refused(
    client_for, secretary, member_a, member_b, teacher_a, branch
):
    other = ContactFactory(branch=branch, category=Category.TEACHER)
    contact_services.assignment_create(
        member=member_b, contact=other, started_on=D(2026, 10, 1), by=secretary.user
    )
    old = Assignment.objects.get(contact=teacher_a)
    response = client_for(secretary).post(
        reverse("contacts:manage_reassign", args=[old.pk]),
        {"member": member_b.pk, "on": "2026-10-20"},
    )
    assert "exactly one general teacher: end" in response.context["form"].errors["member"][0]
    old.refresh_from_db()
    assert old.ended_on is None


def test_end_assignment_with_a_date_before_the_start_is_refused(client_for, secretary, teacher_a):
    assignment = Assignment.objects.get(contact=teacher_a)
    client = client_for(secretary)
    url = reverse("contacts:manage_end", args=[assignment.pk])
    response = client.post(url, {"ended_on": "2025-01-01"})
    assert response.context["form"].errors["ended_on"] == [
        "The end cannot be before the start (2025-09-01)."
    ]
    assert client.post(url, {"ended_on": "2026-10-20", "reason": "退休"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on == D(2026, 10, 20)
    assert Assignment.objects.filter(contact=teacher_a).count() == 1


def test_r44_category_change_to_teacher_is_checked(client_for, secretary, member_a, teacher_a):
    activist = ContactFactory(branch=member_a.branch, category=Category.ACTIVIST)
    contact_services.assignment_create(
        member=member_a, contact=activist, started_on=D(2026, 10, 1), by=secretary.user
    )
    response = client_for(secretary).post(
        reverse("contacts:manage_edit", args=[activist.pk]), _contact_data(name=activist.name)
    )
    assert "exactly one general teacher: end" in response.context["form"].errors["category"][0]
    activist.refresh_from_db()
    assert activist.category == Category.ACTIVIST


def test_manage_list_shows_current_member_and_filters(client_for, secretary, teacher_a, hardship_a):
    client = client_for(secretary)
    rows = client.get(reverse("contacts:manage_list")).context["rows"]
    assert {r["contact"].name: r["assignment"].member.name for r in rows} == {
        "陈老师": "李老师",
        "刘师傅": "李老师",
    }
    rows = client.get(reverse("contacts:manage_list"), {"category": "hardship"}).context["rows"]
    assert [r["contact"] for r in rows] == [hardship_a]


def test_secretary_of_another_branch_gets_404_on_this_branchs_contacts(
    client_for, other_branch_secretary, teacher_a
):
    client = client_for(other_branch_secretary)
    assignment = Assignment.objects.get(contact=teacher_a)
    for url in (
        reverse("contacts:manage_detail", args=[teacher_a.pk]),
        reverse("contacts:manage_edit", args=[teacher_a.pk]),
        reverse("contacts:manage_reassign", args=[assignment.pk]),
        reverse("contacts:manage_end", args=[assignment.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"ended_on": "2026-10-20"}).status_code == 404
    rows = client.get(reverse("contacts:manage_list")).context["rows"]
    assert rows == []


def test_members_and_leaders_cannot_manage(client_for, member_a, leader, teacher_a):
    for who in (member_a, leader):
        client = client_for(who)
        assert client.get(reverse("contacts:manage_list")).status_code == 403
        assert client.get(reverse("contacts:pairing")).status_code == 403
        assert client.get(reverse("contacts:manage_detail", args=[teacher_a.pk])).status_code == 404


def test_admin_manages_a_branch_named_in_the_url(client_for, admin, branch, teacher_a):
    client = client_for(admin)
    response = client.get(reverse("contacts:manage_list"), {"branch": branch.pk})
    assert [r["contact"] for r in response.context["rows"]] == [teacher_a]
    assert client.get(reverse("contacts:manage_list")).status_code == 403


def test_manage_list_query_count_does_not_grow(
    client_for, secretary, branch, django_assert_max_num_queries
):
    client = client_for(secretary)
    ContactFactory(branch=branch)
    client.get(reverse("contacts:manage_list"))
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("contacts:manage_list"))
    for _ in range(60):
        ContactFactory(branch=branch)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(reverse("contacts:manage_list")).context["rows"]) == 61
