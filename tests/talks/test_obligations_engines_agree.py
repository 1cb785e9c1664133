"""One source of truth (issue 15): the three R45 engines of talks/obligations.py agree.

`assignment_month_states` (per assignment, combined per member with `combine`),
`member_month_states` (one wide join) and `month_states` (`_MONTH_SQL`, one month at a time)
are fed random assignments, talk logs and exempt months; every member-month must come out the
same. Runs on whichever database DATABASE_URL names: SQLite here, PostgreSQL in the services
run (`DATABASE_URL=postgres://… pytest tests/talks/test_obligations_engines_agree.py`).
"""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import Assignment, Category
from members.models import Member
from talks import obligations
from talks.obligations import Month, MonthState
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    ContactFactory,
    MemberFactory,
    TalkLogFactory,
)

pytestmark = pytest.mark.django_db

START = date(2026, 1, 1)
MONTHS = obligations.months_between(START, date(2026, 5, 31))
DAYS = (MONTHS[-1].last - START).days

day = st.integers(0, DAYS).map(lambda n: START + timedelta(days=n))
# date, is_talk, is_work_report (at least one: a record is a talk, a work report or both)
talk = st.tuples(day, st.booleans(), st.booleans()).filter(lambda t: t[1] or t[2])
assignment = st.fixed_dictionaries(
    {
        "member": st.integers(0, 2),
        "start": day,
        "length": st.one_of(st.none(), st.integers(0, DAYS)),
        "talks": st.lists(talk, max_size=6),
    }
)
world = st.fixed_dictionaries(
    {
        "exempt": st.lists(st.sets(st.integers(1, 12), max_size=3), min_size=2, max_size=2),
        "member_branch": st.lists(st.integers(0, 1), min_size=3, max_size=3),
        "assignments": st.lists(assignment, max_size=8),
    }
)


def build(data) -> list[Member]:
    branches = [BranchFactory(exempt_months=sorted(e)) for e in data["exempt"]]
    members = [MemberFactory(branch=branches[b]) for b in data["member_branch"]]
    for spec in data["assignments"]:
        member = members[spec["member"]]
        ended = None if spec["length"] is None else spec["start"] + timedelta(spec["length"])
        # One contact per assignment: a contact has one member at a time (R44).
        contact = ContactFactory(branch=member.branch, category=Category.ACTIVIST)
        a = AssignmentFactory(
            member=member, contact=contact, started_on=spec["start"], ended_on=ended
        )
        for on, is_talk, is_report in spec["talks"]:
            TalkLogFactory(assignment=a, date=on, is_talk=is_talk, is_work_report=is_report)
    return members


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=world)
def test_one_source_of_truth_three_engines_agree(data):
    with transaction.atomic():
        members = build(data)
        qs = Member.objects.filter(pk__in=[m.pk for m in members])

        per_assignment = obligations.assignment_month_states(
            Assignment.objects.filter(member__in=qs), MONTHS
        )
        collected = defaultdict(lambda: defaultdict(list))
        for a, by_month in per_assignment.items():
            for month, state in by_month.items():
                collected[a.member_id][month].append(state)
        first = {
            member_id: {m: obligations.combine(states) for m, states in by_month.items()}
            for member_id, by_month in collected.items()
        }
        second = obligations.member_month_states(qs, MONTHS)
        third = defaultdict(dict)
        for month in MONTHS:
            for member_id, state in obligations.month_states(qs, month).items():
                third[member_id][month] = state
        assert first == second == dict(third)
        transaction.set_rollback(True)


def test_one_source_of_truth_rate_and_in_progress_rule():
    """The one rate formula and the one in-progress rule every page and figure uses."""
    assert obligations.completion_rate(1, 1, 2) == 0.375
    assert obligations.completion_rate(0, 0, 0) is None
    states = [MonthState.COMPLETE, MonthState.EXEMPT, MonthState.IN_PROGRESS, None]
    assert obligations.rate_of(states) == 1.0
    today = date(2026, 12, 2)
    dec, nov = Month(2026, 12), Month(2026, 11)
    assert obligations.decided(dec, MonthState.MISSING, today) == MonthState.IN_PROGRESS
    assert obligations.decided(dec, MonthState.PARTIAL, today) == MonthState.IN_PROGRESS
    assert obligations.decided(dec, MonthState.COMPLETE, today) == MonthState.COMPLETE
    assert obligations.decided(nov, MonthState.MISSING, today) == MonthState.MISSING
    assert obligations.decided(Month(2027, 1), MonthState.COMPLETE, today) == (
        MonthState.IN_PROGRESS
    )
    assert obligations.decided(dec, None, today) is None
    # A month over several members has no rate while it runs (its complete members alone are
    # not the month's rate); an ended month is rated from its decided states.
    assert obligations.month_rate(dec, [MonthState.COMPLETE, MonthState.MISSING], today) is None
    assert obligations.month_rate(nov, [MonthState.COMPLETE, MonthState.MISSING], today) == 0.5
