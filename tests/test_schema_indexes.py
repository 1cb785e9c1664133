"""Every index of the app's models earns its writes: none is a leading part of another.

A foreign key gets an index of its own unless told otherwise; where its column also leads a
composite index, the composite serves the same lookups and the single-column one only costs
each insert and its disk (docs/performance.md). Read from the models, so partial indexes (which
serve only their condition's rows) are told apart.
"""

import pytest
from django.apps import apps
from django.db import connection, models

APPS = ("contacts", "inspections", "members", "talks")


def _columns(model, names) -> tuple[str, ...]:
    return tuple(model._meta.get_field(name.lstrip("-")).column for name in names)


def _redundant_indexes() -> list[str]:
    found = []
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            meta = model._meta
            # Plain lookup indexes: could go if another index starts with the same columns.
            plain = {
                f"{field.name} (db_index)": (field.column,)
                for field in meta.concrete_fields
                if field.db_index and not field.unique
            }
            plain.update(
                {
                    index.name: _columns(model, index.fields)
                    for index in meta.indexes
                    if index.fields and index.condition is None
                }
            )
            # Indexes that serve lookups of every row: plain ones and full unique constraints.
            serving = dict(plain)
            serving.update(
                {
                    constraint.name: _columns(model, constraint.fields)
                    for constraint in meta.constraints
                    if isinstance(constraint, models.UniqueConstraint)
                    and constraint.fields
                    and constraint.condition is None
                }
            )
            for name, columns in plain.items():
                for other, other_columns in serving.items():
                    if other != name and other_columns[: len(columns)] == columns:
                        found.append(f"{meta.label}: {name} {columns} leads {other}")
                        break
    return found


def test_no_index_is_the_leading_part_of_another():
    assert _redundant_indexes() == []


@pytest.mark.django_db
def test_every_declared_index_and_unique_constraint_is_in_the_database():
    # On PostgreSQL, AlterField(db_index=False) drops every plain btree index on the column,
    # a partial unique constraint's index included (contacts 0002 puts R44's back).
    missing = []
    with connection.cursor() as cursor:
        for app in APPS:
            for model in apps.get_app_config(app).get_models():
                present = connection.introspection.get_constraints(cursor, model._meta.db_table)
                declared = [index.name for index in model._meta.indexes] + [
                    c.name
                    for c in model._meta.constraints
                    if isinstance(c, models.UniqueConstraint)
                ]
                missing += [
                    f"{model._meta.label}: {name}" for name in declared if name not in present
                ]
    assert missing == []
