"""obligations.month_states and month_state_counts_by_branch (two queries each, school-wide)
agree with member_month_states (R45)."""

from collections import Counter
from datetime import date as D

import pytest

from contacts.models import Category
from members.models import Member
from talks.obligations import (
    Month,
    MonthState,
    member_month_states,
    month_state_counts_by_branch,
    month_states,
)
from tests.factories import AssignmentFactory, ContactFactory, TalkLogFactory

pytestmark = pytest.mark.django_db

OCT = Month(2026, 10)


def test_r45_month_states_in_one_query_match_member_month_states(
    member_a, member_b, secretary, django_assert_num_queries
):
    branch = member_a.branch

    def assign(member, **kwargs):
        contact = ContactFactory(branch=branch, category=Category.ACTIVIST)
        return AssignmentFactory(member=member, contact=contact, **kwargs)

    both = assign(member_a, started_on=D(2026, 9, 1))
    TalkLogFactory(assignment=both, date=D(2026, 10, 3), is_talk=True, is_work_report=True)
    talk_only = assign(member_a, started_on=D(2026, 9, 1))
    TalkLogFactory(assignment=talk_only, date=D(2026, 10, 5), is_talk=True, is_work_report=False)
    # Another month's talk and an assignment ended before October count for nothing.
    assign(member_b, started_on=D(2026, 9, 1))
    TalkLogFactory(assignment=assign(member_b, started_on=D(2026, 9, 1)), date=D(2026, 9, 30))
    assign(member_b, started_on=D(2026, 1, 1), ended_on=D(2026, 9, 30))
    report_only = assign(secretary, started_on=D(2026, 10, 31))
    TalkLogFactory(assignment=report_only, date=D(2026, 10, 31), is_talk=False, is_work_report=True)
    members = Member.objects.filter(pk__in=[member_a.pk, member_b.pk, secretary.pk])

    with django_assert_num_queries(2):
        states = month_states(members, OCT)
    expected = {m: by_month[OCT] for m, by_month in member_month_states(members, [OCT]).items()}
    assert states == expected
    assert states[member_a.pk] == MonthState.PARTIAL
    assert states[member_b.pk] == MonthState.MISSING
    assert states[secretary.pk] == MonthState.PARTIAL
    with django_assert_num_queries(2):
        by_branch = month_state_counts_by_branch(members, OCT)
    assert by_branch == {branch.pk: Counter({MonthState.PARTIAL: 2, MonthState.MISSING: 1})}
    # A member with no assignment that month is counted under None (the counts add up to the
    # members), and is absent from month_states as from member_month_states.
    idle = AssignmentFactory(member__branch=branch, started_on=D(2026, 11, 1)).member
    members = Member.objects.filter(pk__in=[member_a.pk, member_b.pk, secretary.pk, idle.pk])
    assert idle.pk not in month_states(members, OCT)
    assert month_state_counts_by_branch(members, OCT)[branch.pk][None] == 1

    branch.exempt_months = [10]
    branch.save()
    assert month_states(members, OCT) == {
        member_a.pk: MonthState.EXEMPT,
        member_b.pk: MonthState.EXEMPT,
        secretary.pk: MonthState.EXEMPT,
    }
