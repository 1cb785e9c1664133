"""Writing the audit log. Call it inside the transaction of the change it records."""

from __future__ import annotations

from contextvars import ContextVar

from django.db import models

from .models import AuditAction, AuditLog

# Set by RequestIdMiddleware for the duration of a request; empty in jobs and commands.
request_context: ContextVar[dict | None] = ContextVar("request_context", default=None)


def audit(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    branch_id: int | None = None,
    contact_id: int | None = None,
    details: dict | None = None,
    object_repr: str | None = None,
) -> AuditLog:
    """Append one row. `object_repr` and `details` must never carry confidential text."""
    ctx = request_context.get() or {}
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditLog.objects.create(
        actor=actor,
        actor_username=getattr(actor, "username", "") if actor else "",
        action=AuditAction(action),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr if object_repr is not None else _safe_repr(obj))[:200],
        branch_id=branch_id,
        contact_id=contact_id,
        ip=ctx.get("ip"),
        request_id=ctx.get("request_id", ""),
        details=details or {},
    )


def audit_contacts(
    action: str,
    *,
    actor=None,
    obj: models.Model,
    branch_id: int | None,
    contact_ids,
    object_repr: str | None = None,
) -> None:
    """One row per contact (a page showing confidential text of several contacts), so the
    secretary's per-contact audit page finds each read; one INSERT whatever their number."""
    ctx = request_context.get() or {}
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    rows = [
        AuditLog(
            actor=actor,
            actor_username=getattr(actor, "username", "") if actor else "",
            action=AuditAction(action),
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=(object_repr if object_repr is not None else _safe_repr(obj))[:200],
            branch_id=branch_id,
            contact_id=contact_id,
            ip=ctx.get("ip"),
            request_id=ctx.get("request_id", ""),
        )
        for contact_id in contact_ids
    ]
    AuditLog.objects.bulk_create(rows)


def _safe_repr(obj) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.verbose_name} #{obj.pk}"
