"""What is due and what is met: the one place that decides it (DESIGN.md).

- R45: for each assignment active in a calendar month, the month needs a talk and a work report
  heard (one record may count for both); a month the branch exempts needs neither. A month is
  complete, partial, missing or exempt.
- R51: a must-talk event is open (before its deadline), overdue (past it, no talk), on time or
  late (closed by a talk on/before or after the deadline).

Every function answers for many assignments, members and months with a fixed number of queries
(aggregates grouped by assignment and month, or one join read row by row), never a query per
member or per month. Dates are local dates in Asia/Shanghai (talk dates are calendar dates;
"today" is timezone.localdate()).
"""

from __future__ import annotations

import calendar
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from itertools import combinations
from typing import cast

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    TextField,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Assignment, Category
from members.models import Branch, FiveLeadActivity, Member

from .models import MustTalkEvent, Opinion, TalkLog


class MonthState(StrEnum):
    COMPLETE = "complete"
    PARTIAL = "partial"
    MISSING = "missing"
    EXEMPT = "exempt"
    # Never an engine's answer: decided() gives it to the month of today while it is partial or
    # missing (and to later months), so pages show "not yet decided" and rates leave it out.
    IN_PROGRESS = "in_progress"

    @property
    def label(self) -> str:
        return str(MONTH_STATE_LABELS[self])

    @property
    def symbol(self) -> str:
        return MONTH_STATE_SYMBOLS[self]


MONTH_STATE_LABELS = {
    MonthState.COMPLETE: _("Complete"),
    MonthState.PARTIAL: _("Partial"),
    MonthState.MISSING: _("Missing"),
    MonthState.EXEMPT: _("Exempt"),
    MonthState.IN_PROGRESS: _("Not yet decided"),
}
MONTH_STATE_SYMBOLS = {
    MonthState.COMPLETE: "✓",
    MonthState.PARTIAL: "◐",
    MonthState.MISSING: "✗",
    MonthState.EXEMPT: "–",
    MonthState.IN_PROGRESS: "…",
}


class EventState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def label(self) -> str:
        return str(EVENT_STATE_LABELS[self])


EVENT_STATE_LABELS = {
    EventState.OPEN: _("Open"),
    EventState.OVERDUE: _("Overdue"),
    EventState.ON_TIME: _("Talked on time"),
    EventState.LATE: _("Talked late"),
}


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


def months_between(start: date, end: date) -> list[Month]:
    """Every calendar month that overlaps [start, end], in order."""
    months, current, last = [], Month.of(start), Month.of(end)
    while current <= last:
        months.append(current)
        current = current.next()
    return months


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def completion_rate(complete: int, partial: int, missing: int) -> float | None:
    """R45's completion rate: the share of due months complete, a partial month counting half.
    Months with nothing due (exempt, no assignment, not yet decided) are not passed in: they are
    neither met nor missed. None when nothing was due (shown "—", never scored as complete).
    The one formula: Figures, the inspection, the dashboard and the school rows all call it."""
    due = complete + partial + missing
    if not due:
        return None
    return (complete + 0.5 * partial) / due


def rate_of(states: Iterable[MonthState | None]) -> float | None:
    """completion_rate() of a list of month states (None and undecided/exempt states ignored)."""
    counts = Counter(states)
    return completion_rate(
        counts[MonthState.COMPLETE], counts[MonthState.PARTIAL], counts[MonthState.MISSING]
    )


def decided(month: Month, state: MonthState | None, today: date | None = None):
    """The month-in-progress rule (R45): the month of `today` is decided only once it is
    complete or exempt; until its last day a partial or missing month is IN_PROGRESS (shown as
    not yet decided, never a red ✗, and left out of every rate). Later months are IN_PROGRESS
    too. None (no assignment that month) stays None."""
    if state is None:
        return None
    current = Month.of(_today(today))
    if month > current:
        return MonthState.IN_PROGRESS
    if month == current and state in (MonthState.PARTIAL, MonthState.MISSING):
        return MonthState.IN_PROGRESS
    return state


def month_rate(month: Month, states: Iterable[MonthState | None], today: date | None = None):
    """The completion rate of one month over several members (the dashboard's trend), None
    while the month runs: until its last day only its complete members are decided, and their
    share alone would read as a rate (one member done in the first days showed 100%). The
    month is shown as not yet decided instead."""
    if month >= Month.of(_today(today)):
        return None
    return rate_of(decided(month, state, today) for state in states)


def _state(talks: int, reports: int) -> MonthState:
    if talks and reports:
        return MonthState.COMPLETE
    if talks or reports:
        return MonthState.PARTIAL
    return MonthState.MISSING


def _overlap(months: list[Month], prefix: str = "") -> Q:
    """The assignment (at `prefix`, e.g. "assignments__") was active in the period of `months`."""
    start, end = months[0].first, months[-1].last
    return Q(**{f"{prefix}started_on__lte": end}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": start})
    )


def _overlapping(assignments: QuerySet[Assignment], months: list[Month]) -> QuerySet[Assignment]:
    return assignments.filter(_overlap(months))


class _Period:
    """The months of a period addressed by position: bounds computed once, and a talk's month
    found by arithmetic, so no Month is built, hashed or compared per row (docs/performance.md).
    """

    def __init__(self, months: list[Month]):
        self.months = months
        self.firsts = [m.first for m in months]
        self.lasts = [m.last for m in months]
        self._position = {m.year * 12 + m.month: i for i, m in enumerate(months)}

    def position(self, day: date) -> int | None:
        return self._position.get(day.year * 12 + day.month)

    def states(self, pk, started_on, ended_on, exempt: set[int], talked: set, reported: set):
        """One assignment's (month position, state) for the months it was active in, from the
        sets of (assignment id, position) that have a talk / a work report."""
        for i, month in enumerate(self.months):
            if started_on > self.lasts[i] or (ended_on is not None and ended_on < self.firsts[i]):
                continue
            if month.month in exempt:
                yield i, MonthState.EXEMPT
            else:
                yield i, _state((pk, i) in talked, (pk, i) in reported)


def assignment_month_states(
    assignments: QuerySet[Assignment], months: list[Month]
) -> dict[Assignment, dict[Month, MonthState]]:
    """R45: the state of every month in `months` in which each assignment was active.

    Two queries whatever the number of assignments and months: the assignments overlapping the
    period (with member and branch), and their talk logs' months grouped by assignment.
    Months in which an assignment was not active are absent from its dict.
    """
    if not months:
        return {}
    period = _Period(months)
    overlapping = _overlapping(assignments, months)
    rows = list(overlapping.select_related("member__branch", "contact").order_by("pk"))
    talked, reported = set(), set()  # (assignment id, month position)
    for pk, month, talks, reports in (
        TalkLog.objects.filter(
            assignment__in=overlapping.values("pk"), date__range=(months[0].first, months[-1].last)
        )
        .annotate(month=TruncMonth("date"))
        .values_list("assignment_id", "month")
        .annotate(
            talks=Count("pk", filter=Q(is_talk=True)),
            reports=Count("pk", filter=Q(is_work_report=True)),
        )
    ):
        i = period.position(month)
        if talks:
            talked.add((pk, i))
        if reports:
            reported.add((pk, i))
    return {
        a: {
            months[i]: state
            for i, state in period.states(
                a.pk,
                a.started_on,
                a.ended_on,
                set(a.member.branch.exempt_months or []) if a.member.branch else set(),
                talked,
                reported,
            )
        }
        for a in rows
    }


def combine(states: Iterable[MonthState]) -> MonthState | None:
    """A member's month from their assignments' months: complete only if every one is."""
    states = list(states)
    if not states:
        return None
    due = [s for s in states if s != MonthState.EXEMPT]
    if not due:
        return MonthState.EXEMPT
    if all(s == MonthState.COMPLETE for s in due):
        return MonthState.COMPLETE
    if all(s == MonthState.MISSING for s in due):
        return MonthState.MISSING
    return MonthState.PARTIAL


# combine() of every set of assignment states, looked up rather than recomputed per member-month.
_ENGINE_STATES = (MonthState.COMPLETE, MonthState.PARTIAL, MonthState.MISSING, MonthState.EXEMPT)
_COMBINED: dict[frozenset[MonthState], MonthState] = {
    frozenset(states): cast(MonthState, combine(states))  # never None: `states` is never empty
    for n in range(1, len(_ENGINE_STATES) + 1)
    for states in combinations(_ENGINE_STATES, n)
}


def member_month_states(
    members: QuerySet[Member], months: list[Month]
) -> dict[int, dict[Month, MonthState]]:
    """R45 per member and month (the dashboard matrix): member id → month → combined state.

    One query: `members` joined to their assignments overlapping the period and those to their
    talk logs in it (a row per talk log; an assignment with none comes back once, talk columns
    NULL). `members` is a filtered Member queryset (not sliced or aggregated): its own query is
    extended, which plans faster than the members as a subquery.
    """
    if not months:
        return {}
    # Speed (docs/performance.md): one query (it was two, each compiling the members subquery,
    # one a TruncMonth aggregate); the branch's exempt months fetched as JSON text and decoded
    # once per branch (decoding a JSONField on every row was a fifth of the time); months
    # addressed by position (_Period).
    period = _Period(months)
    rows = (
        members.annotate(
            period_assignments=FilteredRelation(
                "assignments", condition=_overlap(months, "assignments__")
            ),
            period_talks=FilteredRelation(
                "period_assignments__talks",
                condition=Q(
                    period_assignments__talks__date__range=(period.firsts[0], period.lasts[-1])
                ),
            ),
            exempt_json=ExpressionWrapper(F("branch__exempt_months"), output_field=TextField()),
        )
        .filter(period_assignments__isnull=False)
        .values_list(
            "period_assignments__pk",
            "pk",
            "period_assignments__started_on",
            "period_assignments__ended_on",
            "exempt_json",
            "period_talks__date",
            "period_talks__is_talk",
            "period_talks__is_work_report",
        )
        .order_by()
    )
    assignments = {}  # id → (member id, started_on, ended_on, exempt months as JSON text)
    talked, reported = set(), set()  # (assignment id, month position)
    for pk, member_id, started_on, ended_on, exempt, day, is_talk, is_report in rows:
        assignments[pk] = (member_id, started_on, ended_on, exempt)
        if day is not None and (i := period.position(day)) is not None:
            if is_talk:
                talked.add((pk, i))
            if is_report:
                reported.add((pk, i))

    exempt_months: dict[str | None, set[int]] = {}  # JSON text → months, decoded once each
    # member id → month position → the states of the member's assignments active that month
    grouped: dict[int, dict[int, set[MonthState]]] = defaultdict(dict)
    for pk, (member_id, started_on, ended_on, exempt) in assignments.items():
        if exempt not in exempt_months:  # None: a member without a branch
            exempt_months[exempt] = set(json.loads(exempt)) if exempt else set()
        by_month = grouped[member_id]
        for i, state in period.states(
            pk, started_on, ended_on, exempt_months[exempt], talked, reported
        ):
            by_month.setdefault(i, set()).add(state)
    return {
        member_id: {months[i]: _COMBINED[frozenset(states)] for i, states in by_month.items()}
        for member_id, by_month in grouped.items()
    }


# R45 for one month, combined per member in the database: per assignment whether the month
# has talks and work reports, then per member how many of their assignments active that month
# are due, complete, and touched at all (a member with none: due 0). Plain SQL (SQLite and
# PostgreSQL alike): the ORM cannot aggregate over an aggregate, and doing the member step in
# Python over every assignment was half of the school dashboard's time (docs/performance.md).
_MONTH_SQL = """
SELECT m.id, m.branch_id, COUNT(a.id),
       SUM(CASE WHEN t.talks > 0 AND t.reports > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN t.talks > 0 OR t.reports > 0 THEN 1 ELSE 0 END)
FROM {member} m
LEFT JOIN {assignment} a ON a.member_id = m.id
    AND a.started_on <= %s AND (a.ended_on IS NULL OR a.ended_on >= %s)
LEFT JOIN (
    SELECT assignment_id,
           SUM(CASE WHEN is_talk THEN 1 ELSE 0 END) AS talks,
           SUM(CASE WHEN is_work_report THEN 1 ELSE 0 END) AS reports
    FROM {talklog} WHERE date >= %s AND date <= %s GROUP BY assignment_id
) t ON t.assignment_id = a.id
WHERE m.id IN ({members})
GROUP BY m.id, m.branch_id
"""


def _month_rows(members: QuerySet[Member], month: Month):
    """(member id, branch id, combined state) of every member; the state is None for a member
    with no assignment active that month."""
    try:
        subquery, params = members.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # `pk__in=[]` (a school with no branch yet): no rows
        return
    sql = _MONTH_SQL.format(
        assignment=Assignment._meta.db_table,
        member=Member._meta.db_table,
        talklog=TalkLog._meta.db_table,
        members=subquery,
    )
    first, last = (connection.ops.adapt_datefield_value(d) for d in (month.first, month.last))
    exempt = {
        branch_id
        for branch_id, months in Branch.objects.values_list("pk", "exempt_months")
        if month.month in (months or [])
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, [last, first, first, last, *params])
        rows = cursor.fetchall()
    for member_id, branch_id, due, complete, touched in rows:
        # Exemption is the branch's, so it covers all of a member's assignments or none.
        if not due:
            state = None
        elif branch_id in exempt:
            state = MonthState.EXEMPT
        elif complete == due:
            state = MonthState.COMPLETE
        else:
            state = MonthState.PARTIAL if touched else MonthState.MISSING
        yield member_id, branch_id, state


def month_states(members: QuerySet[Member], month: Month) -> dict[int, MonthState]:
    """R45 for one month, member id → combined state, as member_month_states(members, [month])
    (members with no assignment that month are absent). Two queries, for school-wide figures."""
    return {
        member_id: state
        for member_id, _branch_id, state in _month_rows(members, month)
        if state is not None
    }


def month_state_counts_by_branch(members: QuerySet[Member], month: Month) -> dict[int, Counter]:
    """R45 for one month: branch id → how many of its members are in each state, None counting
    those with no assignment that month (so the counts add up to the members). Two queries."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for _member_id, branch_id, state in _month_rows(members, month):
        counts[branch_id][state] += 1
    return counts


def event_state(event: MustTalkEvent, today: date | None = None) -> EventState:
    """R51: the state of one must-talk event (no query)."""
    if event.closed_on is not None:
        return EventState.ON_TIME if event.closed_on <= event.due_on else EventState.LATE
    return EventState.OVERDUE if _today(today) > event.due_on else EventState.OPEN


def event_days_left(event: MustTalkEvent, today: date | None = None) -> int:
    """Days until the deadline (negative: days overdue)."""
    return (event.due_on - _today(today)).days


def event_state_filter(state: EventState, today: date | None = None) -> Q:
    """The same decision as `event_state`, as a filter for querysets."""
    today = _today(today)
    return {
        EventState.ON_TIME: Q(closed_on__isnull=False, closed_on__lte=F("due_on")),
        EventState.LATE: Q(closed_on__isnull=False, closed_on__gt=F("due_on")),
        EventState.OPEN: Q(closed_on__isnull=True, due_on__gte=today),
        EventState.OVERDUE: Q(closed_on__isnull=True, due_on__lt=today),
    }[state]


def event_counts(
    events: QuerySet[MustTalkEvent], group_by: str = "member_id", today: date | None = None
) -> dict[int, Counter]:
    """R51 counts per member (or per branch with group_by="branch_id"), in one query."""
    rows = events.values(group_by).annotate(
        **{
            state.value: Count("pk", filter=event_state_filter(state, today))
            for state in EventState
        }
    )
    return {
        row[group_by]: Counter({state.value: row[state.value] for state in EventState})
        for row in rows
    }


@dataclass
class Figures:
    """A member's figures over a period: R61's report, R62's inspection, R64's score."""

    months_complete: int = 0
    months_partial: int = 0
    months_missing: int = 0
    months_exempt: int = 0
    months_in_progress: int = 0
    musttalk_on_time: int = 0
    musttalk_late: int = 0
    musttalk_open: int = 0
    musttalk_overdue: int = 0
    opinions_raised: int = 0
    leads_activities: int = 0
    policy_talks: int = 0  # R41: talks explaining party policy (宣传解释)
    # R42: the period's records, and those the contact confirmed or denied (read by
    # scoring.rates(); the rate's weight is a branch setting, default 0).
    records: int = 0
    records_confirmed: int = 0
    records_denied: int = 0
    has_teacher: bool = False
    months: dict[str, str] = field(default_factory=dict)

    @property
    def months_due(self) -> int:
        return self.months_complete + self.months_partial + self.months_missing

    @property
    def completion_rate(self) -> float | None:
        """completion_rate() of the due months; None when nothing was due."""
        return completion_rate(self.months_complete, self.months_partial, self.months_missing)

    @property
    def nothing_due(self) -> bool:
        """R45/R64: no month was due in the whole period: no rate, flagged, graded by hand."""
        return self.months_due == 0

    @property
    def musttalks_due(self) -> int:
        return self.musttalk_on_time + self.musttalk_late + self.musttalk_overdue

    @property
    def confirmation_rate(self) -> float | None:
        """R42: the share of the records the contact confirmed; None with no record."""
        return round(self.records_confirmed / self.records, 4) if self.records else None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["months_due"] = self.months_due
        data["completion_rate"] = self.completion_rate
        data["nothing_due"] = self.nothing_due
        data["confirmation_rate"] = self.confirmation_rate
        return data


def member_figures(
    members: QuerySet[Member], start: date, end: date, today: date | None = None
) -> dict[int, Figures]:
    """R61/R62/R64 figures of every member in `members` over [start, end], in seven queries.

    The current month counts only once it is complete (or exempt): until its last day a month
    still in progress is neither missing nor partial; later months are not counted at all.
    """
    today = _today(today)
    months = [m for m in months_between(start, end) if m <= Month.of(today)]
    member_list = list(members.order_by("pk"))
    figures = {m.pk: Figures() for m in member_list}
    member_ids = members.values("pk")

    for member_id, by_month in member_month_states(members, months).items():
        fig = figures.get(member_id)
        if fig is None:
            continue
        for month, state in sorted(by_month.items()):
            state = decided(month, state, today)
            fig.months[str(month)] = state.value
            setattr(fig, f"months_{state.value}", getattr(fig, f"months_{state.value}") + 1)

    events = MustTalkEvent.objects.filter(member__in=member_ids, occurred_on__range=(start, end))
    for member_id, counts in event_counts(events, today=today).items():
        fig = figures[member_id]
        fig.musttalk_on_time = counts[EventState.ON_TIME]
        fig.musttalk_late = counts[EventState.LATE]
        fig.musttalk_open = counts[EventState.OPEN]
        fig.musttalk_overdue = counts[EventState.OVERDUE]

    opinions = (
        Opinion.objects.filter(conveyed_by__in=member_ids, received_on__range=(start, end))
        .values("conveyed_by_id")
        .annotate(n=Count("pk"))
    )
    for row in opinions:
        figures[row["conveyed_by_id"]].opinions_raised = row["n"]

    leads = (
        FiveLeadActivity.objects.filter(member__in=member_ids, date__range=(start, end))
        .values("member_id")
        .annotate(n=Count("pk"))
    )
    for row in leads:
        figures[row["member_id"]].leads_activities = row["n"]

    # One query over the period's records: R41 policy talks and R42 confirmations.
    records = (
        TalkLog.objects.filter(member__in=member_ids, date__range=(start, end))
        .order_by()
        .values("member_id")
        .annotate(
            policy=Count("pk", filter=Q(explains_policy=True)),
            n=Count("pk"),
            confirmed=Count("pk", filter=Q(confirmation_state="confirmed")),
            denied=Count("pk", filter=Q(confirmation_state="denied")),
        )
    )
    for row in records:
        fig = figures[row["member_id"]]
        fig.policy_talks = row["policy"]
        fig.records, fig.records_confirmed, fig.records_denied = (
            row["n"],
            row["confirmed"],
            row["denied"],
        )

    for member_id in teacher_assigned_ids(members, min(end, today)):
        figures[member_id].has_teacher = True
    return figures


def has_teacher(on: date | None = None) -> Exists:
    """R44, for a Member queryset's filter or annotation: a teacher assignment in force on `on`."""
    return Exists(
        Assignment.objects.current(_today(on)).filter(
            member=OuterRef("pk"), contact_category=Category.TEACHER
        )
    )


def teacher_assigned_ids(members: QuerySet[Member], on: date | None = None) -> set[int]:
    """R44: ids of the members who have a teacher assignment in force on `on` (one query)."""
    return set(members.filter(has_teacher(on)).values_list("pk", flat=True))


def members_without_teacher(members: QuerySet[Member], on: date | None = None) -> QuerySet[Member]:
    """R44 gaps: members with no teacher assignment in force (flagged on the dashboard)."""
    return members.filter(~has_teacher(on))


def month_state_counts(states: Iterable[MonthState | None]) -> Counter:
    """How many of each state (for headline figures)."""
    return Counter(s.value for s in states if s is not None)
