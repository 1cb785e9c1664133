"""Dashboard reads: the branch dashboard and the per-branch headline rows (school, leader).

Every figure comes from talks/obligations.py; each function runs a fixed number of queries
whatever the number of members, contacts, months or branches.

Also who is behind for reminding now (issue 14), read from what the page already holds (the
dashboard's member × month states, its overdue must-talks and the members' R61 report status;
the reports list's rows), so the form costs no query per member.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from contacts.selectors import orphaned_assignments
from members.models import Branch, Member, Notification, NotificationKind, now_period
from members.pinyin import pinyin_key, sorted_by_pinyin
from members.web import id_param
from talks import obligations, selectors
from talks.models import MustTalkEvent, Opinion, OpinionQuerySet, Symposium
from talks.obligations import EventState, Month, MonthState

from ..charts import completion_trend_svg
from ..models import ReportStatus, Semester, SemesterReport

FALLBACK_MONTHS = 6


TREND_MONTHS = 12


# R43: the age buckets of open opinions on the dashboard, in days since received.
AGE_BUCKETS = [(0, 7), (8, 14), (15, 30), (31, None)]


@dataclass
class Period:
    """The matrix period: a semester row, or (when none contains today) the last six months."""

    semester: Semester | None
    start: date
    end: date
    months: list[Month] = field(default_factory=list)
    semesters: list[Semester] = field(default_factory=list)  # every semester, for the picker


_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})", re.ASCII)


def parse_month(value: str | None, today: date) -> Month:
    """?month=YYYY-MM; anything else (or a future month) means the current month."""
    current = Month.of(today)
    # Finding 9: ASCII digits of a real month only; "2026-99999999999999999999" used to reach
    # date() and raise OverflowError, which nothing caught (a 500).
    match = _MONTH.fullmatch(value or "")
    if match is None:
        return current
    try:
        chosen = Month(int(match[1]), int(match[2]))
        chosen.first  # noqa: B018 - raises ValueError for a month outside 1..12 or year 0
    except (ValueError, OverflowError):
        return current
    return min(chosen, current)


def pick_period(semester_id: str | None, today: date) -> Period:
    # One query for the picker's list and the choice (a school has a few semesters a year).
    semesters = list(Semester.objects.all())
    semester = None
    wanted = id_param(semester_id)
    if wanted is not None:
        semester = next((s for s in semesters if s.pk == wanted), None)
    if semester is None and not semester_id:
        semester = next((s for s in semesters if s.start_on <= today <= s.end_on), None)
    if semester is not None:
        months = obligations.months_between(semester.start_on, semester.end_on)
        return Period(semester, semester.start_on, semester.end_on, months, semesters)
    months = [Month.of(today)]
    while len(months) < FALLBACK_MONTHS:
        months.insert(0, months[0].previous())
    return Period(None, months[0].first, months[-1].last, months, semesters)


def _trend_months(month: Month) -> list[Month]:
    months = [month]
    while len(months) < TREND_MONTHS:
        months.insert(0, months[0].previous())
    return months


def _opinion_ages(opinions: OpinionQuerySet, today: date) -> dict:
    """R43: open opinions by age and past the deadline, in one query."""
    buckets = {}
    for low, high in AGE_BUCKETS:
        condition = Q(received_on__lte=today - timedelta(days=low))
        if high is not None:
            condition &= Q(received_on__gte=today - timedelta(days=high))
        buckets[f"age_{low}"] = Count("pk", filter=condition)
    return opinions.open().aggregate(
        open=Count("pk"), past_due=Count("pk", filter=Q(due_on__lt=today)), **buckets
    )


def branch_dashboard(*, branch: Branch, user, month: Month, period: Period, today: date) -> dict:
    """Everything on the branch dashboard in a fixed number of queries (eight, two of them R42).

    Wide rather than many: each query Django builds costs about a millisecond of Python, more
    than PostgreSQL takes to answer these (docs/performance.md). The members come with their
    R44 teacher and R61 report status, the events overdue or due soon with those of the period.
    """
    member_qs = Member.objects.active().filter(branch=branch)
    # One report per member and semester, so no ordering (the model's joins member, branch
    # and semester into the subquery for each row).
    report = SemesterReport.objects.filter(
        member=OuterRef("pk"), semester=period.semester
    ).order_by()
    members = sorted_by_pinyin(
        member_qs.visible_to(user)
        .annotate(
            has_teacher=obligations.has_teacher(today),
            report_status=Subquery(report.values("status")[:1]),
            # Issue 14: reminded now today, per kind (in the same query, not one per member).
            **reminded_today_annotations(today),
        )
        .order_by("name", "pk")
    )
    trend_months = _trend_months(month)
    current = Month.of(today)
    # This month is read too (same query): whoever is behind on it can be reminded now.
    wanted = sorted(set(period.months) | set(trend_months) | {current})
    states = obligations.member_month_states(member_qs, wanted)

    # A cell links to the member's handbook for its month: one reverse() per member, one
    # query string per month (a reverse() per cell was a tenth of the page's time).
    month_query = {m: urlencode({"start": m.first, "end": m.last}) for m in period.months}
    matrix = []
    for member in members:
        by_month = states.get(member.pk, {})
        handbook = reverse("talks:member_handbook", args=[member.pk])
        cells = []
        for m in period.months:
            # R45: December on 2 December is not yet decided, not a red ✗.
            state = None if m > current else obligations.decided(m, by_month.get(m), today)
            cells.append(
                {
                    "month": m,
                    "state": state,
                    "future": m > current,
                    "url": f"{handbook}?{month_query[m]}" if state is not None else "",
                }
            )
        matrix.append({"member": member, "cells": cells})

    month_counts = obligations.month_state_counts(
        obligations.decided(month, states.get(member.pk, {}).get(month), today)
        for member in members
    )
    trend = [
        (
            str(m),
            obligations.month_rate(m, (by_month.get(m) for by_month in states.values()), today),
        )
        for m in trend_months
    ]
    # The month still running has no rate yet: its bar says so instead of "n/a".
    running = {str(m): MonthState.IN_PROGRESS.label for m in trend_months if m >= current}

    soon = today + timedelta(days=branch.musttalk_due_soon_days)
    in_period = Q(occurred_on__range=(period.start, period.end))
    due_soon = Q(closed_on__isnull=True, due_on__lte=soon)
    branch_events = list(
        MustTalkEvent.objects.visible_to(user)
        .filter(in_period | due_soon, branch=branch)
        .select_related("contact", "member")
        .order_by("due_on", "pk")
    )
    events = [
        {
            "event": event,
            "state": obligations.event_state(event, today),
            "days_left": obligations.event_days_left(event, today),
        }
        for event in branch_events
        if event.closed_on is None and event.due_on <= soon
    ]
    for row in events:
        row["days_overdue"] = -row["days_left"]
    event_totals = Counter(
        obligations.event_state(event, today).value
        for event in branch_events
        if period.start <= event.occurred_on <= period.end
    )

    reports = Counter(m.report_status for m in members if m.report_status)
    report_rows = [
        {"status": status, "label": label, "count": reports[status]}
        for status, label in ReportStatus.choices
    ]
    report_rows.append(
        {
            "status": "none",
            "label": _("Not started"),
            "count": max(len(members) - sum(reports.values()), 0),
        }
    )
    symposiums = Symposium.objects.filter(
        branch=branch, held_on__range=(period.start, period.end)
    ).count()
    return {
        "branch": branch,
        "month": month,
        "period": period,
        "members": members,
        "matrix": matrix,
        "month_summary": [{"state": s, "count": month_counts[s.value]} for s in MonthState],
        "no_contact_count": sum(1 for m in members if month not in states.get(m.pk, {})),
        "trend_svg": completion_trend_svg(
            trend,
            _("Completion of monthly talks, last 12 months (partial counts half)"),
            notes=running,
        ),
        "trend": trend,
        "events": events,
        # Issue 14: who is behind (this month, the report, an overdue must-talk), no query.
        "behind": behind_on_dashboard(
            members=members,
            month_states=states,
            events=events,
            semester=period.semester,
            today=today,
        ),
        "event_totals": {state.value: event_totals[state.value] for state in EventState},
        "without_teacher": [m for m in members if not m.has_teacher],
        # R53: contacts still assigned to a member who is no longer active (one query).
        "orphaned": sorted_by_pinyin(
            orphaned_assignments(branch, today).select_related("contact", "member").order_by("pk"),
            lambda a: a.contact.name,
        ),
        "opinions": _opinion_ages(Opinion.objects.filter(branch=branch), today),
        "age_buckets": AGE_BUCKETS,
        "symposiums": symposiums,
        "symposium_target": branch.symposium_target,
        "symposium_short": symposiums < branch.symposium_target,
        "reports": report_rows,
        # R42: the contacts' confirmations of the period's records, denials flagged (2 queries).
        "confirmations": selectors.branch_summary(
            branch=branch, members=members, start=period.start, end=period.end, user=user
        ),
    }


SORT_KEYS = [
    "name",
    "members",
    "completion",
    "missing",
    "without_teacher",
    "overdue",
    "opinions_open",
    "opinions_late",
    "symposiums",
    "reports_in",
]


def branch_rows(
    *, branches: QuerySet[Branch], month: Month, period: Period, today: date, sort: str = "name"
) -> list[dict]:
    """Headline figures per branch (aggregates only, never text) in a fixed number of queries."""
    branch_list = sorted_by_pinyin(branches.order_by("pk"))
    ids = [b.pk for b in branch_list]
    member_qs = Member.objects.active().filter(branch_id__in=ids)
    rows: dict[int, dict[str, Any]] = {
        b.pk: {
            "branch": b,
            "url": reverse("inspections:branch_dashboard", args=[b.pk]),
            "name": b.name,
            "members": 0,
            "states": Counter(),
            "without_teacher": 0,
            "overdue": 0,
            "opinions_open": 0,
            "opinions_late": 0,
            "symposiums": 0,
            "symposium_target": b.symposium_target,
            "reports_in": 0,
        }
        for b in branch_list
    }
    for branch_id, counts in obligations.month_state_counts_by_branch(member_qs, month).items():
        rows[branch_id]["members"] = counts.total()
        decided: Counter[MonthState | None] = Counter()
        for state, n in counts.items():
            decided[obligations.decided(month, state, today)] += n
        rows[branch_id]["states"] = decided
    for row in (
        obligations.members_without_teacher(member_qs, today)
        .values("branch_id")
        .annotate(n=Count("pk"))
    ):
        rows[row["branch_id"]]["without_teacher"] = row["n"]
    events = obligations.event_counts(
        MustTalkEvent.objects.filter(branch_id__in=ids).open(), group_by="branch_id", today=today
    )
    for branch_id, counts in events.items():
        rows[branch_id]["overdue"] = counts[EventState.OVERDUE]
    for row in (
        Opinion.objects.filter(branch_id__in=ids)
        .open()
        .values("branch_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
    ):
        rows[row["branch_id"]]["opinions_open"] = row["n"]
        rows[row["branch_id"]]["opinions_late"] = row["late"]
    for row in (
        Symposium.objects.filter(branch_id__in=ids, held_on__range=(period.start, period.end))
        .values("branch_id")
        .annotate(n=Count("pk"))
    ):
        rows[row["branch_id"]]["symposiums"] = row["n"]
    if period.semester is not None:
        for row in (
            SemesterReport.objects.filter(
                semester=period.semester,
                member__in=member_qs.values("pk"),
                status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
            )
            .values("member__branch_id")
            .annotate(n=Count("pk"))
        ):
            rows[row["member__branch_id"]]["reports_in"] = row["n"]
    result = list(rows.values())
    for row in result:
        # The month still running has no rate yet (its complete members alone read as 100%).
        row["completion"] = obligations.month_rate(month, row["states"].elements(), today)
        row["in_progress"] = month >= Month.of(today)
        row["completion_percent"] = (
            None if row["completion"] is None else round(row["completion"] * 100)
        )
        row["missing"] = row["states"][MonthState.MISSING]
        row["symposium_short"] = row["symposiums"] < row["symposium_target"]
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key, sort = "name", "name"
    # Branches with nothing to rate (None) go last whichever the direction.
    # Names in pinyin order (pinyin_key), also among branches with the same figure.
    present = sorted(
        (row for row in result if row[key] is not None),
        key=lambda row: (0 if key == "name" else row[key], pinyin_key(row["name"])),
        reverse=sort.startswith("-"),
    )
    return present + [row for row in result if row[key] is None]


INCOMPLETE = (obligations.MonthState.PARTIAL, obligations.MonthState.MISSING)


NOW_KINDS = {
    "month": NotificationKind.MONTHLY,
    "report": NotificationKind.REPORT,
    "event": NotificationKind.MUSTTALK,
}


def kind_labels() -> dict[str, str]:
    return {
        "month": _("This month not complete"),
        "report": _("Semester report not started"),
        "event": _("Must-talk overdue"),
    }


def reminded_today_annotations(today: date) -> dict:
    """Exists() per kind, for a members query: reminded now today (no query of its own)."""
    period = now_period(today)
    return {
        f"reminded_{code}": Exists(
            Notification.objects.filter(recipient_id=OuterRef("user_id"), kind=kind, period=period)
        )
        for code, kind in NOW_KINDS.items()
    }


def reminded_from_annotations(members) -> set[tuple[int, str]]:
    return {(m.pk, code) for m in members for code in NOW_KINDS if getattr(m, f"reminded_{code}")}


def reminded_today(members: list[Member], today: date) -> set[tuple[int, str]]:
    """(member id, kind) already reminded now today: one query for the whole list."""
    by_user = {m.user_id: m.pk for m in members}
    codes = {v: k for k, v in NOW_KINDS.items()}
    return {
        (by_user[user_id], codes[kind])
        for user_id, kind in Notification.objects.filter(
            recipient_id__in=list(by_user), kind__in=list(codes), period=now_period(today)
        ).values_list("recipient_id", "kind")
    }


def behind_on_dashboard(
    *, members, month_states: dict, events: list[dict], semester: Semester | None, today: date
) -> list[dict]:
    """The members of the dashboard who are behind, with what they are behind on (no query)."""
    current = obligations.Month.of(today)
    overdue: dict[int, int] = {}
    for row in events:
        if row["state"] == obligations.EventState.OVERDUE:
            overdue[row["event"].member_id] = overdue.get(row["event"].member_id, 0) + 1
    report_due = semester is not None and semester.start_on <= today
    rows = []
    for member in members:
        kinds = []
        if month_states.get(member.pk, {}).get(current) in INCOMPLETE:
            kinds.append("month")
        if report_due and not member.report_status:
            kinds.append("report")
        if overdue.get(member.pk):
            kinds.append("event")
        if kinds:
            rows.append({"member": member, "kinds": kinds, "overdue": overdue.get(member.pk, 0)})
    return rows


def behind_on_reports(rows: list[dict], semester: Semester, today: date) -> list[dict]:
    """The reports list's members whose report is not started (the semester has begun)."""
    if semester.start_on > today:
        return []
    return [
        {"member": row["member"], "kinds": ["report"], "overdue": 0}
        for row in rows
        if row["report"] is None
    ]
