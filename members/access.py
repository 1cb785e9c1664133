"""What a request may open: one helper per rule, used by every app's views.

403 or 404, decided once (DESIGN.md "Who sees what"):
- 404 when the URL names an object outside the user's scope (a record, a contact, a member, a
  branch in the path): its existence is never confirmed. The member's own pages (my page, my
  records, my handbook, my five leads, my semester report) are the member's records: for someone
  who is not a member of a branch they do not exist either, so they answer 404 too.
- 403 when the page belongs to a role (the secretary's, the leader's, the school admin's) and
  the user does not have it; the URL names nothing of anyone's, so nothing is revealed. Also 403
  for an action the user may not take on an object they may open (it exists for them).

The role predicates are defined in `roles.py` (models build `visible_to` on them and cannot
import this module, which reads models); they are imported here so that callers ask one module.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Branch, Member
from .roles import (
    branch_ids_managed,
    branch_ids_readable,
    branch_member,
    can_manage_branch,
    can_oversee_branch,
    is_active_user,
    is_admin,
    is_committee_of,
    is_secretary_of,
    leader_branch_id,
    profile,
    secretary_branch_id,
)
from .web import id_param

__all__ = [
    "is_active_user",
    "profile",
    "is_admin",
    "branch_member",
    "secretary_branch_id",
    "is_secretary_of",
    "is_committee_of",
    "leader_branch_id",
    "branch_ids_managed",
    "branch_ids_readable",
    "can_manage_branch",
    "can_oversee_branch",
    "get_visible_or_404",
    "home_url_name",
    "managed_account_or_404",
    "managed_branch",
    "managed_branch_or_404",
    "managed_or_404",
    "may_manage_account",
    "member_or_404",
    "readable_branch",
    "secretary_branch_or_403",
]


def get_visible_or_404(queryset, user, **lookup):
    """Fetch one object through the model's `visible_to(user)`: outside the scope it is a 404."""
    obj = queryset.visible_to(user).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def managed_or_404(queryset, user, *, branch_of=lambda obj: obj.branch_id, **lookup):
    """Through visible_to, and only in a branch the user manages (its secretary, an admin):
    anything else is a 404. `branch_of` reads the object's branch id."""
    obj = get_visible_or_404(queryset, user, **lookup)
    if not can_manage_branch(user, branch_of(obj)):
        raise Http404
    return obj


def managed_branch_or_404(user, branch_id: int) -> Branch:
    """The branch named in the URL, when the user manages it; any other branch is a 404."""
    return managed_or_404(Branch.objects, user, branch_of=lambda branch: branch.pk, pk=branch_id)


def member_or_404(user) -> Member:
    """The user's own membership of a branch, for the member's own pages."""
    member = branch_member(user)
    if member is None:
        raise Http404
    return member


def managed_branch(request) -> Branch:
    """The secretary's branch, or for an admin the branch named by ?branch=; others: 403."""
    user = request.user
    branch_id = secretary_branch_id(user)
    wanted = id_param(request.GET.get("branch"))
    if is_admin(user) and wanted is not None:
        branch_id = wanted
    if branch_id is None or not can_manage_branch(user, branch_id):
        raise PermissionDenied
    branch = Branch.objects.visible_to(user).filter(pk=branch_id).first()
    if branch is None:
        raise Http404
    return branch


def readable_branch(request) -> Branch:
    """Like managed_branch, and also a committee member's own branch: committee members read the
    opinion queue and symposiums (OpinionQuerySet.visible_to) but change nothing."""
    member = branch_member(request.user)
    if member and is_committee_of(request.user, member.branch_id):
        if not can_manage_branch(request.user, member.branch_id):
            return member.branch
    return managed_branch(request)


def secretary_branch_or_403(user) -> int:
    """The id of the branch the user is secretary of (pages of the secretary alone, not the
    admin's: R48 ethics notes)."""
    branch_id = secretary_branch_id(user)
    if branch_id is None:
        raise PermissionDenied
    return branch_id


def may_manage_account(user, member: Member) -> bool:
    target = member.user
    if not target.is_active or target.is_staff or target.is_superuser or target.pk == user.pk:
        return False
    if is_admin(user):
        return True
    return not member.is_school_admin and member.active and is_secretary_of(user, member.branch_id)


def managed_account_or_404(user, pk: int) -> Member:
    """A member whose account the user may manage (may_manage_account); anyone else is a 404."""
    member = Member.objects.select_related("user", "branch").filter(pk=pk).first()
    if member is None or not may_manage_account(user, member):
        raise Http404
    return member


def home_url_name(user) -> str:
    """Each role lands on its own home page after login."""
    if is_admin(user):
        return "inspections:school_home"
    if secretary_branch_id(user):
        return "inspections:branch_home"
    if branch_member(user):
        return "talks:my_page"
    if leader_branch_id(user):
        return "inspections:leader_home"
    return "no_role"
