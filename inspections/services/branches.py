"""A branch's own settings (deadlines, ratio, exempt and inspection months, weights) and its
exemplary cases (R63).
"""

from __future__ import annotations

from django.db import transaction

from members.audit import audit
from members.models import AuditAction, Branch

from ..models import ExemplaryCase


@transaction.atomic
def branch_settings_update(*, branch: Branch, values: dict, by) -> Branch:
    """Change the branch's settings; the audit row names the fields changed and their values
    (settings are numbers and months, never confidential)."""
    changed = {}
    for name, value in values.items():
        if getattr(branch, name) != value:
            changed[name] = str(value)
            setattr(branch, name, value)
    branch.full_clean()
    branch.save()
    audit(AuditAction.UPDATE, actor=by, obj=branch, branch_id=branch.pk, details=changed)
    return branch


EXEMPLARY_FIELDS = (
    "kind",
    "title",
    "person_name",
    "member",
    "occurred_on",
    "description",
    "published",
)


@transaction.atomic
def exemplary_case_save(
    *, branch: Branch, values: dict, by, case: ExemplaryCase | None = None
) -> ExemplaryCase:
    """R63: record (or change) an exemplary person or case of the branch."""
    creating = case is None
    case = case or ExemplaryCase(branch=branch, recorded_by=by)
    for name in EXEMPLARY_FIELDS:
        setattr(case, name, values.get(name))
    case.person_name = case.person_name or ""
    case.full_clean()
    case.save()
    audit(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=by,
        obj=case,
        branch_id=branch.pk,
        details={"published": case.published},
    )
    return case
