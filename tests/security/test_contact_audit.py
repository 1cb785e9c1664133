"""Issue 6: the secretary sees who read or changed each contact of their branch (audit log)."""

import pytest
from django.urls import reverse

from members.audit import audit
from members.models import AuditAction, AuditLog
from tests.factories import ContactFactory


def audit_page(client, contact, **params):
    return client.get(reverse("contacts:contact_audit", kwargs={"pk": contact.pk}), params)


def test_secretary_sees_who_read_a_hardship_contact(client_for, member_a, secretary, hardship_a):
    client_for(member_a).get(
        reverse("talks:contact_detail", kwargs={"pk": hardship_a.pk}), REMOTE_ADDR="10.0.0.7"
    )
    assert AuditLog.objects.filter(
        action=AuditAction.VIEW_CONFIDENTIAL, contact_id=hardship_a.pk
    ).exists()
    response = audit_page(client_for(secretary), hardship_a)
    html = response.content.decode()
    assert response.status_code == 200
    assert "李老师" in html and "10.0.0.7" in html
    # Issue 18: people by their full name, records by their Chinese name (never the login name
    # or the `app.model` label).
    assert "member_a" not in html and "contacts.contact" not in html
    assert "联系对象" in html
    assert str(AuditAction.VIEW_CONFIDENTIAL.label) in html
    # The log names the reading, never the confidential text itself.
    assert hardship_a.hardship_description not in html


def test_admin_sees_the_log_of_any_branch(client_for, admin, member_a, hardship_a):
    audit(
        AuditAction.VIEW_CONFIDENTIAL,
        actor=member_a.user,
        obj=hardship_a,
        branch_id=hardship_a.branch_id,
        contact_id=hardship_a.pk,
    )
    response = audit_page(client_for(admin), hardship_a)
    assert response.status_code == 200 and "李老师" in response.content.decode()


def test_only_rows_of_that_contact_are_listed(client_for, secretary, member_a, hardship_a):
    other = ContactFactory(branch=hardship_a.branch, name="别的群众")
    audit(
        AuditAction.UPDATE,
        actor=secretary.user,
        obj=other,
        branch_id=other.branch_id,
        contact_id=other.pk,
    )
    response = audit_page(client_for(secretary), hardship_a)
    assert list(response.context["page"]) == []
    assert "别的群众" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("member_a", 403), ("leader", 403), ("member_b", 404), ("other_branch_secretary", 404)],
)
def test_others_may_not_see_who_read_a_contact(request, client_for, hardship_a, role, status):
    response = audit_page(client_for(request.getfixturevalue(role)), hardship_a)
    assert response.status_code == status


def test_the_log_page_is_paginated_with_a_fixed_number_of_queries(
    client_for, secretary, member_a, member_b, hardship_a, django_assert_max_num_queries
):
    client = client_for(secretary)
    audit(
        AuditAction.VIEW_CONFIDENTIAL,
        actor=member_a.user,
        obj=hardship_a,
        branch_id=hardship_a.branch_id,
        contact_id=hardship_a.pk,
    )
    audit_page(client, hardship_a)  # warm the session
    with django_assert_max_num_queries(10) as few:
        audit_page(client, hardship_a)
    for actor in [member_a, member_b, secretary] * 30:
        audit(
            AuditAction.VIEW_CONFIDENTIAL,
            actor=actor.user,
            obj=hardship_a,
            branch_id=hardship_a.branch_id,
            contact_id=hardship_a.pk,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = audit_page(client, hardship_a)
    assert len(response.context["page"]) == 50
    assert response.context["page"].paginator.count == 91
    assert len(audit_page(client, hardship_a, page=2).context["page"]) == 41
