"""talks/obligations.py on hand-made cases: R45 month states and R51 event states."""

import datetime

import pytest
from django.utils import timezone

from contacts.models import Assignment
from members.models import Member
from talks.models import MustTalkEvent
from talks.obligations import (
    EventState,
    Month,
    MonthState,
    assignment_month_states,
    combine,
    event_counts,
    event_days_left,
    event_state,
    member_figures,
    member_month_states,
    members_without_teacher,
    months_between,
)
from tests.factories import AssignmentFactory, MemberFactory, MustTalkEventFactory, TalkLogFactory

D = datetime.date
OCT, NOV, DEC = Month(2026, 10), Month(2026, 11), Month(2026, 12)


def states_of(assignment, months):
    return assignment_month_states(Assignment.objects.filter(pk=assignment.pk), months)[assignment]


@pytest.fixture
def assignment(member_a, teacher_a):
    return Assignment.objects.get(contact=teacher_a)


def test_r45_month_needs_talk_and_work_report(assignment):
    TalkLogFactory(assignment=assignment, date=D(2026, 10, 3), is_talk=True, is_work_report=False)
    TalkLogFactory(assignment=assignment, date=D(2026, 11, 3), is_talk=True, is_work_report=False)
    TalkLogFactory(assignment=assignment, date=D(2026, 11, 20), is_talk=False, is_work_report=True)
    assert states_of(assignment, [OCT, NOV, DEC]) == {
        OCT: MonthState.PARTIAL,
        NOV: MonthState.COMPLETE,
        DEC: MonthState.MISSING,
    }


def test_r45_one_record_counts_for_both(assignment):
    TalkLogFactory(assignment=assignment, date=D(2026, 10, 31), is_talk=True, is_work_report=True)
    assert states_of(assignment, [OCT]) == {OCT: MonthState.COMPLETE}


def test_r45_exempt_months_need_nothing(assignment):
    branch = assignment.member.branch
    branch.exempt_months = [2, 8]
    branch.save()
    feb, mar = Month(2026, 2), Month(2026, 3)
    assert states_of(assignment, [feb, mar]) == {feb: MonthState.EXEMPT, mar: MonthState.MISSING}


def test_r45_month_boundaries_are_calendar_days(assignment):
    """A talk on 31 October counts for October, one on 1 November for November."""
    TalkLogFactory(assignment=assignment, date=D(2026, 10, 31), is_talk=True, is_work_report=False)
    TalkLogFactory(assignment=assignment, date=D(2026, 11, 1), is_talk=False, is_work_report=True)
    assert states_of(assignment, [OCT, NOV]) == {OCT: MonthState.PARTIAL, NOV: MonthState.PARTIAL}


def test_r45_only_months_the_assignment_was_active(member_a, hardship_a):
    assignment = Assignment.objects.get(contact=hardship_a)
    assignment.started_on, assignment.ended_on = D(2026, 10, 20), D(2026, 11, 2)
    assignment.save()
    sep = Month(2026, 9)
    assert set(states_of(assignment, [sep, OCT, NOV, DEC])) == {OCT, NOV}


def test_r45_talks_of_another_assignment_do_not_count(assignment, member_b):
    other = AssignmentFactory(member=member_b, started_on=D(2026, 1, 1))
    TalkLogFactory(assignment=other, date=D(2026, 10, 5))
    assert states_of(assignment, [OCT]) == {OCT: MonthState.MISSING}


def test_r45_member_month_combines_assignments(member_a, teacher_a, hardship_a):
    teacher = Assignment.objects.get(contact=teacher_a)
    TalkLogFactory(assignment=teacher, date=D(2026, 10, 5))
    states = member_month_states(Member.objects.filter(pk=member_a.pk), [OCT])
    assert states[member_a.pk][OCT] == MonthState.PARTIAL
    TalkLogFactory(assignment=Assignment.objects.get(contact=hardship_a), date=D(2026, 10, 6))
    states = member_month_states(Member.objects.filter(pk=member_a.pk), [OCT])
    assert states[member_a.pk][OCT] == MonthState.COMPLETE


def test_r45_combine_rules():
    C, P, M, E = MonthState.COMPLETE, MonthState.PARTIAL, MonthState.MISSING, MonthState.EXEMPT
    assert combine([]) is None
    assert combine([E, E]) == E
    assert combine([C, E]) == C
    assert combine([M, M]) == M
    assert combine([C, M]) == P


def test_months_between_crosses_the_year():
    assert months_between(D(2026, 11, 30), D(2027, 2, 1)) == [
        NOV,
        DEC,
        Month(2027, 1),
        Month(2027, 2),
    ]
    assert Month(2027, 1).previous() == DEC and DEC.next() == Month(2027, 1)
    assert DEC.last == D(2026, 12, 31) and Month(2028, 2).last == D(2028, 2, 29)


def test_r51_event_states(member_a, teacher_a):
    today = D(2026, 11, 26)
    base = dict(contact=teacher_a, member=member_a, occurred_on=D(2026, 11, 10))
    on_time = MustTalkEventFactory(**base, due_on=D(2026, 11, 17), closed_on=D(2026, 11, 17))
    late = MustTalkEventFactory(**base, due_on=D(2026, 11, 17), closed_on=D(2026, 11, 18))
    open_ = MustTalkEventFactory(**base, due_on=D(2026, 11, 26))
    overdue = MustTalkEventFactory(**base, due_on=D(2026, 11, 25))
    assert [event_state(e, today) for e in (on_time, late, open_, overdue)] == [
        EventState.ON_TIME,
        EventState.LATE,
        EventState.OPEN,
        EventState.OVERDUE,
    ]
    assert event_days_left(open_, today) == 0 and event_days_left(overdue, today) == -1
    counts = event_counts(MustTalkEvent.objects.all(), today=today)[member_a.pk]
    assert counts == {"on_time": 1, "late": 1, "open": 1, "overdue": 1}


def test_r51_overdue_starts_after_midnight_in_shanghai(member_a, teacher_a, frozen_time):
    event = MustTalkEventFactory(
        contact=teacher_a, member=member_a, occurred_on=D(2026, 11, 1), due_on=D(2026, 11, 8)
    )
    # 23:59 on the due day in Shanghai is 15:59 UTC: still open.
    with frozen_time(2026, 11, 8, 23, 59):
        assert event_state(event) == EventState.OPEN
    # 00:01 on the next day in Shanghai is still 8 November in UTC: overdue all the same.
    with frozen_time(2026, 11, 9, 0, 1):
        assert timezone.now().astimezone(datetime.UTC).day == 8
        assert event_state(event) == EventState.OVERDUE


def test_r45_current_month_is_in_progress_not_missing(assignment, member_a, frozen_time):
    TalkLogFactory(assignment=assignment, date=D(2026, 10, 3))
    with frozen_time(2026, 11, 1, 0, 30):
        figures = member_figures(
            Member.objects.filter(pk=member_a.pk), D(2026, 9, 1), D(2027, 1, 31)
        )
    fig = figures[member_a.pk]
    assert (fig.months_complete, fig.months_missing, fig.months_in_progress) == (1, 1, 1)
    assert fig.months == {"2026-09": "missing", "2026-10": "complete", "2026-11": "in_progress"}
    assert fig.has_teacher and fig.completion_rate == 0.5


def test_r44_members_without_teacher(member_a, member_b, teacher_a):
    gaps = members_without_teacher(Member.objects.filter(branch=member_a.branch))
    assert list(gaps) == [member_b]


def test_engine_query_count_does_not_grow(django_assert_num_queries, branch):
    def measure():
        members = Member.objects.filter(branch=branch)
        months = months_between(D(2026, 1, 1), D(2026, 12, 31))
        with django_assert_num_queries(7):  # R41's policy talks: one query more
            member_figures(members, D(2026, 1, 1), D(2026, 12, 31), today=D(2026, 12, 31))
        with django_assert_num_queries(1):
            member_month_states(members, months)

    for _ in range(2):
        member = MemberFactory(branch=branch)
        assignment = AssignmentFactory(member=member, started_on=D(2026, 1, 1))
        TalkLogFactory(assignment=assignment, date=D(2026, 3, 3))
    measure()
    for _ in range(20):
        member = MemberFactory(branch=branch)
        assignment = AssignmentFactory(member=member, started_on=D(2026, 1, 1))
        for month in range(1, 13):
            TalkLogFactory(assignment=assignment, date=D(2026, month, 10))
        MustTalkEventFactory(member=member, contact=assignment.contact)
    measure()
