"""R62 reads: the half-year's bounds and the inspection's data (figures, monthly completion,
charts' inputs).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.utils import timezone

from members.models import Branch, Member
from members.pinyin import sorted_by_pinyin
from talks import obligations
from talks.models import Opinion, Symposium
from talks.selectors import leader_visit_rows

from ..models import ExemplaryCase, Semester, SemesterReport


def half_bounds(half: str) -> tuple[date, date]:
    """'2026H1' → January–June 2026; '2026H2' → July–December."""
    year, part = int(half[:4]), half[5]
    if part == "1":
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)


def half_before(day: date) -> str:
    """The half-year that ended most recently before `day`'s month."""
    month = obligations.Month.of(day).previous()
    return f"{month.year}H{1 if month.month <= 6 else 2}"


def _completion_rate(counts: dict) -> float | None:
    """obligations.completion_rate of summed figures, rounded for the stored snapshot."""
    rate = obligations.completion_rate(
        counts["months_complete"], counts["months_partial"], counts["months_missing"]
    )
    return None if rate is None else round(rate, 3)


def _monthly_completion(figures, start: date, end: date, today: date) -> list[dict]:
    """The branch's completion per month of the half (the inspection's monthly chart).

    Figures.months holds each month's decided state (obligations.decided): a month with nothing
    due has no part in the rate; the month still running and later ones have no rate yet
    (obligations.month_rate: its complete members alone would read as 100%).
    """
    monthly = []
    for month in obligations.months_between(start, end):
        counts = Counter(fig.months.get(str(month)) for fig in figures)
        states = (obligations.MonthState(s) for s in counts.elements() if s)
        rate = obligations.month_rate(month, states, today)
        monthly.append(
            {
                "month": str(month),
                "running": month >= obligations.Month.of(today),
                "complete": counts[obligations.MonthState.COMPLETE],
                "partial": counts[obligations.MonthState.PARTIAL],
                "missing": counts[obligations.MonthState.MISSING],
                "rate": None if rate is None else round(rate, 3),
            }
        )
    return monthly


def inspection_data(*, branch: Branch, half: str, today: date | None = None) -> dict:
    """The snapshot of a branch over a half-year, as plain JSON (fixed number of queries)."""
    start, end = half_bounds(half)
    today = today or timezone.localdate()
    members = Member.objects.active().filter(branch=branch)
    figures = obligations.member_figures(members, start, end, today)
    gaps = set(
        obligations.members_without_teacher(members, min(end, today)).values_list("pk", flat=True)
    )
    semesters = list(
        Semester.objects.filter(start_on__lte=end, end_on__gte=start).order_by("start_on")
    )
    reports = {
        (r["member_id"], r["semester_id"]): r
        for r in SemesterReport.objects.filter(member__in=members, semester__in=semesters).values(
            "member_id", "semester_id", "status", "is_late"
        )
    }
    rows = []
    for member in sorted_by_pinyin(members):
        fig = figures[member.pk].as_dict()
        fig.pop("months")
        rows.append(
            {
                "id": member.pk,
                "name": member.name,
                "figures": fig,
                "teacher_gap": member.pk in gaps,
                "reports": [
                    {
                        "semester": s.name,
                        "status": reports.get((member.pk, s.pk), {}).get("status", "missing"),
                        "late": reports.get((member.pk, s.pk), {}).get("is_late", False),
                    }
                    for s in semesters
                ],
            }
        )
    totals = {
        # .get: a set frozen before a figure existed (R41, R42) counts it as 0.
        key: sum(r["figures"].get(key, 0) for r in rows)
        for key in (
            "months_complete",
            "months_partial",
            "months_missing",
            "musttalk_on_time",
            "musttalk_late",
            "musttalk_open",
            "musttalk_overdue",
            "opinions_raised",
            "leads_activities",
            "policy_talks",
            "records",
            "records_confirmed",
            "records_denied",
        )
    }
    totals["completion_rate"] = _completion_rate(totals)
    # R42: the branch's share of records the contact confirmed.
    totals["confirmation_rate"] = (
        round(totals["records_confirmed"] / totals["records"], 4) if totals["records"] else None
    )
    opinions = Opinion.objects.filter(branch=branch, received_on__range=(start, end))
    answered = list(
        opinions.filter(answered_at__isnull=False).values_list("received_on", "answered_at")
    )
    handling_days = [(timezone.localdate(at) - received).days for received, at in answered]
    symposiums = Symposium.objects.filter(branch=branch, held_on__range=(start, end)).count()
    cases = (
        ExemplaryCase.objects.published()
        .filter(branch=branch, occurred_on__range=(start, end))
        .order_by("occurred_on", "pk")
    )
    return {
        "branch": {"id": branch.pk, "name": branch.name},
        "half": half,
        "monthly": _monthly_completion(figures.values(), start, end, today),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": today.isoformat(),
        "members": rows,
        "totals": totals,
        "opinions": {
            "received": opinions.count(),
            "open": opinions.open().count(),
            "answered": len(handling_days),
            "average_days": round(sum(handling_days) / len(handling_days), 1)
            if handling_days
            else None,
            "longest_days": max(handling_days, default=None),
            "over_deadline": sum(d > branch.opinion_deadline_days for d in handling_days),
        },
        "teacher_gaps": [r["name"] for r in rows if r["teacher_gap"]],
        "symposiums": {
            "held": symposiums,
            "target": branch.symposium_target * max(1, len(semesters)),
        },
        # R54: each leader whose contact point is the branch, their visits against the target.
        "leaders": [
            {
                "name": r["name"],
                "visits": r["visits"],
                "target": r["target"],
                "short": r["short"],
            }
            for r in leader_visit_rows([branch.pk], start, end, semesters=len(semesters))
        ],
        "cases": [
            {
                "kind": c.get_kind_display(),
                "title": c.title,
                "person": c.person_name,
                "date": c.occurred_on.isoformat(),
                "description": c.description,
            }
            for c in cases
        ],
    }
