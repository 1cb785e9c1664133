"""Issue 13 finding 6: the audit log is append-only, by the model and (PostgreSQL) by the
database itself."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from members.audit import audit
from members.models import AuditAction, AuditLog


def test_finding6_saving_a_row_with_an_existing_pk_does_not_overwrite(member_a):
    row = audit(AuditAction.LOGIN, actor=member_a.user, object_repr="first")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditLog(pk=row.pk, action=AuditAction.LOGOUT, object_repr="forged").save()
    row.refresh_from_db()
    assert (row.action, row.object_repr) == (AuditAction.LOGIN, "first")


def test_finding6_no_update_or_delete_through_the_orm(member_a):
    row = audit(AuditAction.LOGIN, actor=member_a.user)
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(object_repr="x")


@pytest.mark.services
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE members_auditlog SET object_repr = 'forged'",
        "DELETE FROM members_auditlog",
        "TRUNCATE members_auditlog",
    ],
)
def test_finding6_postgresql_refuses_raw_sql(member_a, sql):
    row = audit(AuditAction.LOGIN, actor=member_a.user, object_repr="first")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        # As any session outside the test suite: TRUNCATE not allowed either.
        cursor.execute("SET LOCAL liaison.allow_audit_truncate = 'off'")
        cursor.execute(sql)
    row = AuditLog.objects.get(pk=row.pk)
    assert row.object_repr == "first"
