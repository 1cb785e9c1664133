"""Reads of the contacts app: the members with their load (R44), and the R53 pairing proposal,
a pure function from plain data to proposed pairs, with reasons.

Rules, in order:
1. Existing pairs are kept (only unassigned contacts are proposed).
2. Every member without a teacher gets one first (R44): pairs in the same teaching group are
   made first, then in the same department, then the rest (by ids).
3. The other unassigned contacts are spread so that loads stay within floor(ratio)..ceil(ratio):
   members below floor(ratio) are filled first, then members below ceil(ratio); among those, the
   least loaded, then the same teaching group, then the same department is preferred.
   A teacher can only go to a member who has none (R44).
4. Ties are broken by id, so the same input always gives the same proposal.
Contacts that cannot be placed (every member at ceil(ratio), or a teacher when every member
has one) are returned as left over with the reason, and the members still without a teacher
once the proposal is applied are named (R44).
A contact whose member is no longer active (left, deactivated, moved to another branch) counts
as unassigned: the dashboard flags it and the proposal places it again (its old assignment is
ended when the new one is applied).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Branch, Member

from .models import Assignment, Category, Contact

TEACHER = "teacher"


REASONS = {
    "no_teacher_yet": _("no teacher yet"),
    "same_teaching_group": _("same teaching group"),
    "same_department": _("same department"),
    "balances_ratio": _("balances the ratio"),
    "member_inactive": _("their member is no longer active"),
}


LEFT_OVER_REASONS = {
    "members_full": _("every member already has the ratio's number of contacts"),
    "teachers_full": _("every member already has a teacher"),
    "party_member": _(
        "has the staff number of a party member: a teacher to liaise with must be a general teacher"
    ),
}


@dataclass(frozen=True)
class MemberData:
    id: int
    load: int  # current contacts
    has_teacher: bool
    department_id: int | None = None
    teaching_group: str = ""


@dataclass(frozen=True)
class ContactData:
    id: int
    category: str
    department_id: int | None = None
    teaching_group: str = ""
    orphaned: bool = False  # assigned to a member who is no longer active
    party_member: bool = False  # a teacher with an active member's staff number (R44)


@dataclass
class Pair:
    member_id: int
    contact_id: int
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[code]) for code in self.reasons]


@dataclass
class Proposal:
    pairs: list[Pair]
    left_over: list[tuple[int, str]]  # (contact id, reason code)
    # Members who still have no teacher once every proposed pair is applied (R44).
    without_teacher: list[int] = field(default_factory=list)


def _affinity(member: MemberData, contact: ContactData) -> list[str]:
    if member.teaching_group and member.teaching_group == contact.teaching_group:
        return ["same_teaching_group"]
    if member.department_id is not None and member.department_id == contact.department_id:
        return ["same_department"]
    return []


def _closeness(member: MemberData, contact: ContactData) -> int:
    """0 same teaching group, 1 same department, 2 neither (smaller is better)."""
    reasons = _affinity(member, contact)
    return {"same_teaching_group": 0, "same_department": 1}.get(reasons[0], 2) if reasons else 2


def propose(
    members: list[MemberData], contacts: list[ContactData], ratio: Decimal | float
) -> Proposal:
    members = sorted(members, key=lambda m: m.id)
    pending = sorted(contacts, key=lambda c: c.id)
    # R44: a 一般教师 is not a party member: such a "teacher" is never proposed.
    left_over: list[tuple[int, str]] = [
        (c.id, "party_member") for c in pending if c.category == TEACHER and c.party_member
    ]
    pending = [c for c in pending if not (c.category == TEACHER and c.party_member)]
    low, high = math.floor(ratio), math.ceil(ratio)
    load = {m.id: m.load for m in members}
    has_teacher = {m.id: m.has_teacher for m in members}
    pairs: list[Pair] = []

    # 1. A teacher for every member without one (R44): the closest pairs first.
    teachers = [c for c in pending if c.category == TEACHER]
    candidates = sorted(
        (
            (_closeness(m, c), m.id, c.id, m, c)
            for m in members
            if not has_teacher[m.id]
            for c in teachers
        ),
        key=lambda item: item[:3],
    )
    taken: set[int] = set()
    for _close, _mid, _cid, member, contact in candidates:
        if has_teacher[member.id] or contact.id in taken:
            continue
        taken.add(contact.id)
        pairs.append(Pair(member.id, contact.id, ["no_teacher_yet", *_affinity(member, contact)]))
        has_teacher[member.id] = True
        load[member.id] += 1
    pending = [c for c in pending if c.id not in taken]

    # 2. The rest by the ratio.
    for contact in pending:
        eligible = [m for m in members if contact.category != TEACHER or not has_teacher[m.id]]
        if not eligible:
            left_over.append((contact.id, "teachers_full"))
            continue
        below_floor = [m for m in eligible if load[m.id] < low]
        pool = below_floor or [m for m in eligible if load[m.id] < high]
        if not pool:
            left_over.append((contact.id, "members_full"))
            continue
        best = min(pool, key=lambda m: (load[m.id], _closeness(m, contact), m.id))
        reasons = ["balances_ratio", *_affinity(best, contact)]
        if contact.category == TEACHER:
            reasons.insert(0, "no_teacher_yet")
            has_teacher[best.id] = True
        pairs.append(Pair(best.id, contact.id, reasons))
        load[best.id] += 1
    orphaned = {c.id for c in contacts if c.orphaned}
    for pair in pairs:
        if pair.contact_id in orphaned:
            pair.reasons.insert(0, "member_inactive")
    pairs.sort(key=lambda p: (p.member_id, p.contact_id))
    return Proposal(pairs, left_over, [m.id for m in members if not has_teacher[m.id]])


def orphaned_assignments(branch, today) -> QuerySet[Assignment]:
    """Assignments in force today of the branch's contacts whose member is no longer an active
    member of the branch (R53): the contact has nobody to talk with them."""
    in_force = Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    return Assignment.objects.filter(
        in_force, contact__branch=branch, contact__active=True
    ).exclude(
        member__active=True, member__user__is_active=True, member__branch=F("contact__branch")
    )


def branch_proposal(branch, today) -> tuple[Proposal, dict, dict]:
    """Read the branch (five queries) and propose; returns the proposal and the members and
    contacts by id for display."""
    in_force = Q(assignments__started_on__lte=today) & (
        Q(assignments__ended_on__isnull=True) | Q(assignments__ended_on__gte=today)
    )
    members = {
        m.pk: m
        for m in Member.objects.active()
        .filter(branch=branch)
        .select_related("department")
        .annotate(
            load=Count("assignments", filter=in_force, distinct=True),
            teachers=Count(
                "assignments",
                filter=in_force & Q(assignments__contact_category=TEACHER),
                distinct=True,
            ),
        )
        .order_by("pk")
    }
    orphaned = set(orphaned_assignments(branch, today).values_list("contact_id", flat=True))
    assigned = Assignment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today)).exclude(
        contact_id__in=orphaned
    )
    contacts = {
        c.pk: c
        for c in Contact.objects.active()
        .filter(branch=branch)
        .exclude(pk__in=assigned.values("contact_id"))
        .select_related("department")
        .order_by("pk")
    }
    party_staff_nos = set(
        Member.objects.active()
        .filter(staff_no__in={c.staff_no for c in contacts.values() if c.staff_no})
        .values_list("staff_no", flat=True)
    )
    proposal = propose(
        [
            MemberData(m.pk, m.load, m.teachers > 0, m.department_id, m.teaching_group)
            for m in members.values()
        ],
        [
            ContactData(
                c.pk,
                c.category,
                c.department_id,
                c.teaching_group,
                c.pk in orphaned,
                party_member=bool(c.staff_no) and c.staff_no in party_staff_nos,
            )
            for c in contacts.values()
        ],
        branch.pairing_ratio,
    )
    return proposal, members, contacts


def members_with_load(branch: Branch):
    """R44: the branch's active members with their current load (contacts assigned today) and
    whether one of those is a teacher, in the one query of the choice list."""
    today = timezone.localdate()
    current = Q(assignments__started_on__lte=today) & (
        Q(assignments__ended_on__isnull=True) | Q(assignments__ended_on__gte=today)
    )
    return (
        Member.objects.active()
        .filter(branch=branch)
        .annotate(
            load=Count("assignments", filter=current),
            has_teacher=Exists(
                Assignment.objects.current(today).filter(
                    member=OuterRef("pk"), contact_category=Category.TEACHER
                )
            ),
        )
    )
