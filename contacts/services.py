"""Writes of contacts."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from members.audit import audit
from members.models import AuditAction, Member

from .models import AssistanceRecord, Contact


@transaction.atomic
def assistance_record_create(
    *, contact: Contact, author: Member, date: date, what: str, result: str, by
) -> AssistanceRecord:
    """R32: help given to a staff member in hardship (the text is confidential, not audited)."""
    record = AssistanceRecord(contact=contact, author=author, date=date, what=what, result=result)
    record.full_clean()
    record.save()
    audit(
        AuditAction.CREATE, actor=by, obj=record, branch_id=contact.branch_id, contact_id=contact.pk
    )
    return record
