"""R61 reads: a member's semester figures (from talks/obligations.py), who may read a 师德 note
(R48).
"""

from __future__ import annotations

from datetime import date

from members import access
from members.models import Member
from talks import obligations

from ..models import EthicsNote, FrozenFigures, Semester


def member_semester_figures(
    *, member: Member, semester: Semester, today: date | None = None
) -> dict:
    """The member's live figures of the semester (their draft report, the running score)."""
    figures = obligations.member_figures(
        Member.objects.filter(pk=member.pk), semester.start_on, semester.end_on, today
    )
    return figures[member.pk].as_dict()


def semester_figures(*, members, semester: Semester, today: date | None = None) -> dict[int, dict]:
    """R64: the figures the report and the score read: the frozen set where there is one, the
    live figures for members whose semester was never frozen (two queries more)."""
    frozen = dict(
        FrozenFigures.objects.filter(semester=semester, member__in=members).values_list(
            "member_id", "figures"
        )
    )
    missing = members.exclude(pk__in=list(frozen))
    if frozen and not missing.exists():
        return frozen
    live = obligations.member_figures(missing, semester.start_on, semester.end_on, today)
    return {**{pk: fig.as_dict() for pk, fig in live.items()}, **frozen}


def may_read(user, note: EthicsNote) -> bool:
    """RULES.md: a 师德 note's text is read by its author and the member's branch secretary."""
    return access.is_active_user(user) and (
        note.recorded_by_id == user.pk or access.is_secretary_of(user, note.member.branch_id)
    )
