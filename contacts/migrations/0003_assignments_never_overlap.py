"""Finding 4 / R44: assignments of one contact never overlap on any date, nor a member's teacher
assignments (an end date in the future counts until it passes).

PostgreSQL enforces it with exclusion constraints over the closed date range (an open end is an
unbounded range), which needs btree_gist for the equality on the ids. SQLite has no exclusion
constraints: there contacts.services checks the same rule (it does on PostgreSQL too, for the
clear error; the constraint catches two requests at once)."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE contacts_assignment ADD CONSTRAINT assignment_contact_no_overlap "
    "EXCLUDE USING gist (contact_id WITH =, daterange(started_on, ended_on, '[]') WITH &&)",
    "ALTER TABLE contacts_assignment ADD CONSTRAINT r44_teacher_no_overlap "
    "EXCLUDE USING gist (member_id WITH =, daterange(started_on, ended_on, '[]') WITH &&) "
    "WHERE (contact_category = 'teacher')",
]
DROP = [
    "ALTER TABLE contacts_assignment DROP CONSTRAINT IF EXISTS r44_teacher_no_overlap",
    "ALTER TABLE contacts_assignment DROP CONSTRAINT IF EXISTS assignment_contact_no_overlap",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_drop_redundant_fk_indexes")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
