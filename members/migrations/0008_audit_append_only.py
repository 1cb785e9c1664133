"""Finding 6: the database itself refuses to change the audit log (PostgreSQL).

One statement trigger refuses UPDATE, DELETE and TRUNCATE of members_auditlog, whatever runs
the SQL (the app, a script, psql). The one exception is TRUNCATE in a session that has set
`liaison.allow_audit_truncate = on`: only the test suite does that (tests/conftest.py), because
pytest-django's transactional tests empty every table with TRUNCATE after each test. Nothing in
the app or its deployment sets it; a production database refuses TRUNCATE like the rest.
SQLite has no such trigger: there AuditLog.save (always an INSERT) and the append-only
queryset are the guard."""

from django.db import migrations

CREATE = [
    """
    CREATE OR REPLACE FUNCTION members_auditlog_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE'
           AND coalesce(current_setting('liaison.allow_audit_truncate', true), '') = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    "CREATE TRIGGER members_auditlog_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
    "ON members_auditlog FOR EACH STATEMENT EXECUTE FUNCTION members_auditlog_append_only()",
]
DROP = [
    "DROP TRIGGER IF EXISTS members_auditlog_append_only ON members_auditlog",
    "DROP FUNCTION IF EXISTS members_auditlog_append_only()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("members", "0007_channels")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
