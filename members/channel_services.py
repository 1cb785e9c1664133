"""Issue 17: saving the channel settings. The audit row names the fields changed, never their
values (secrets and keys stay out of the audit log)."""

from __future__ import annotations

from django.db import transaction

from .audit import audit
from .models import AuditAction, Branch, BranchChannels, Member, SchoolChannels


def _apply(obj, values: dict) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def school_channels_update(*, values: dict, by) -> SchoolChannels:
    school = SchoolChannels.objects.select_for_update().filter(pk=1).first() or SchoolChannels(pk=1)
    changed = _apply(school, values)
    school.full_clean()
    school.save()
    audit(AuditAction.UPDATE, actor=by, obj=school, details={"fields": sorted(changed)})
    return school


@transaction.atomic
def branch_channels_update(*, branch: Branch, values: dict, by) -> BranchChannels:
    config = BranchChannels.objects.select_for_update().filter(
        branch=branch
    ).first() or BranchChannels(branch=branch)
    changed = _apply(config, values)
    config.full_clean()
    config.save()
    audit(
        AuditAction.UPDATE,
        actor=by,
        obj=config,
        branch_id=branch.pk,
        details={"fields": sorted(changed)},
    )
    return config


@transaction.atomic
def my_channels_update(*, member: Member, values: dict, by) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    changed = _apply(member, values)
    member.full_clean()
    member.save(update_fields=changed or None)
    audit(
        AuditAction.UPDATE,
        actor=by,
        obj=member,
        branch_id=member.branch_id,
        details={"fields": sorted(changed)},
    )
    return member
