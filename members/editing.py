"""The one editable window of every record a person writes: talks, leaders' visits, briefings,
symposiums and five-leads activities may be changed until the month after next begins; then the
record stands (the handbook and the inspection read it)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def editable_until(day: date) -> date:
    year, month = day.year, day.month + 2
    if month > 12:
        year, month = year + 1, month - 12
    return day.replace(year=year, month=month, day=1)


def is_editable_on(day: date, today: date | None = None) -> bool:
    return (today or timezone.localdate()) < editable_until(day)


def mark_editable(records, user=None, can_edit=None, today: date | None = None) -> list:
    """Sets `editable` on each record (its `date`, or `held_on`): inside the window, and when
    `can_edit(record, user)` is given, allowed to the user."""
    today = today or timezone.localdate()
    records = list(records)
    for record in records:
        day = getattr(record, "date", None) or record.held_on
        record.editable = is_editable_on(day, today) and (
            can_edit is None or can_edit(record, user)
        )
    return records
