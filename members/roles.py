"""Who is who: the role predicates every `visible_to(user)` and access helper is built from.

Views, selectors and services ask `members.access` (which has these predicates too); models ask
this module, which imports no model, so that `visible_to` can be built on it.

Roles are read from the database on every request (nothing cached in the session), so
revoking a role takes effect on the next request. Within one request the answers are cached
on the user object, which Django builds anew for each request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Member


def _cache(user) -> dict:
    cache = getattr(user, "_liaison_access", None)
    if cache is None:
        cache = {}
        user._liaison_access = cache
    return cache


def is_active_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def profile(user) -> Member | None:
    """The user's Member row, or None (anonymous, inactive or no profile)."""
    if not is_active_user(user):
        return None
    cache = _cache(user)
    if "profile" not in cache:
        # The profile model is reached through the user's `member` relation: members/models.py
        # builds its querysets' `visible_to` on this module, so this module never imports it.
        Member = user._meta.get_field("member").related_model
        # Read on every request: without the leader's contact point (only leaders need it,
        # leader_branch_id reads it then), and with get(), not first(), which would sort by the
        # model's ordering (branch name, name). docs/performance.md items 6 and 13 measure both.
        try:
            cache["profile"] = Member.objects.select_related("branch").get(user=user)
        except Member.DoesNotExist:
            cache["profile"] = None
    return cache["profile"]


def is_admin(user) -> bool:
    if not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    member = profile(user)
    return bool(member and member.is_school_admin)


def branch_member(user) -> Member | None:
    """The user's Member row when they are an active member of a branch."""
    member = profile(user)
    if member and member.active and member.branch_id:
        return member
    return None


def secretary_branch_id(user) -> int | None:
    member = branch_member(user)
    return member.branch_id if member and member.is_secretary else None


def is_secretary_of(user, branch_id: int | None) -> bool:
    return branch_id is not None and secretary_branch_id(user) == branch_id


def is_committee_of(user, branch_id: int | None) -> bool:
    member = branch_member(user)
    return bool(member and member.is_committee and member.branch_id == branch_id)


def leader_branch_id(user) -> int | None:
    member = profile(user)
    if not member or not member.is_leader:
        return None
    point = getattr(member, "contact_point", None)
    return point.branch_id if point else None


def branch_ids_managed(user) -> set[int]:
    """Branches whose records the user oversees: the secretary's own, the leader's contact point."""
    ids = {secretary_branch_id(user), leader_branch_id(user)}
    ids.discard(None)
    return ids


def branch_ids_readable(user) -> set[int]:
    """Branches the user may open at all (their own as a member, plus those they oversee)."""
    ids = branch_ids_managed(user)
    member = branch_member(user)
    if member:
        ids.add(member.branch_id)
    return ids


def can_manage_branch(user, branch_id: int | None) -> bool:
    """Secretary of that branch, or an admin (who manages every branch)."""
    return is_admin(user) or is_secretary_of(user, branch_id)


def can_oversee_branch(user, branch_id: int | None) -> bool:
    """May see the branch's aggregate figures: admin, its secretary, committee, or its leader."""
    return (
        is_admin(user)
        or is_committee_of(user, branch_id)
        or (branch_id is not None and leader_branch_id(user) == branch_id)
    )
