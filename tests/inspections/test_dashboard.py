"""Branch, school and leader dashboards: R45 counts and matrix, R44 gaps, R51 events, R43 opinion
ages, R52 symposiums against the target, R61 report status, the SVG trend; query counts that do
not grow with the number of members; who may open what."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from contacts.models import Assignment, Category
from inspections.models import ReportStatus, Semester, SemesterReport
from members.models import Role
from talks.models import Opinion, Symposium
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    ContactFactory,
    MemberFactory,
    MustTalkEventFactory,
    TalkLogFactory,
    UserFactory,
)

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english_and_frozen(settings, frozen_time):
    settings.LANGUAGE_CODE = "en"
    frozen_time(2026, 10, 20, 9)


@pytest.fixture
def semester(db):
    return Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 31))


def _dashboard(client, branch=None, **params):
    url = (
        reverse("inspections:branch_dashboard", args=[branch.pk])
        if branch
        else reverse("inspections:branch_home")
    )
    return client.get(url, params)


def test_r45_dashboard_counts_this_month_and_links_each_cell(
    client_for, secretary, member_a, member_b, teacher_a, semester
):
    assignment = Assignment.objects.get(contact=teacher_a)
    TalkLogFactory(assignment=assignment, date=D(2026, 10, 2))
    TalkLogFactory(assignment=assignment, date=D(2026, 9, 2), is_work_report=False)
    response = _dashboard(client_for(secretary))
    assert response.status_code == 200
    ctx = response.context
    summary = {item["state"].value: item["count"] for item in ctx["month_summary"]}
    assert summary == {
        "complete": 1,
        "partial": 0,
        "missing": 0,
        "exempt": 0,
        "in_progress": 0,
    }
    # secretary and member_b have no contact this month
    assert ctx["no_contact_count"] == 2
    assert [str(m) for m in ctx["period"].months][:2] == ["2026-09", "2026-10"]
    row = next(r for r in ctx["matrix"] if r["member"] == member_a)
    sept, octo = row["cells"][0], row["cells"][1]
    assert (sept["state"], octo["state"]) == ("partial", "complete")
    assert octo["url"] == (
        reverse("talks:member_handbook", args=[member_a.pk]) + "?start=2026-10-01&end=2026-10-31"
    )
    assert row["cells"][2]["future"] and row["cells"][2]["state"] is None
    page = response.content.decode()
    assert octo["url"].replace("&", "&amp;") in page
    assert "Complete" in page and "Partial" in page  # symbol and words, not colour alone


def test_r45_month_selector_and_fallback_without_semester(client_for, secretary, teacher_a):
    response = _dashboard(client_for(secretary), month="2026-09")
    assert str(response.context["month"]) == "2026-09"
    # No semester row contains today: the last six months.
    assert [str(m) for m in response.context["period"].months] == [
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
    ]
    # A future or malformed month falls back to the current one.
    assert str(_dashboard(client_for(secretary), month="2027-03").context["month"]) == "2026-10"
    assert str(_dashboard(client_for(secretary), month="x").context["month"]) == "2026-10"


def test_semester_selector_picks_the_semester_row(client_for, secretary, semester):
    spring = Semester.objects.create(name="2026春", start_on=D(2026, 2, 1), end_on=D(2026, 7, 31))
    response = _dashboard(client_for(secretary), semester=spring.pk)
    assert response.context["period"].semester == spring
    assert len(response.context["period"].months) == 6


def test_r44_dashboard_flags_members_without_a_teacher(
    client_for, secretary, member_a, member_b, teacher_a
):
    response = _dashboard(client_for(secretary))
    assert set(response.context["without_teacher"]) == {secretary, member_b}
    assert "Members without a teacher contact" in response.content.decode()


def test_r51_dashboard_lists_overdue_and_due_soon_events_only(
    client_for, secretary, member_a, teacher_a
):
    overdue = MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 1))
    soon = MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 14))
    MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 19))  # 6 left
    MustTalkEventFactory(
        contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 1), closed_on=D(2026, 10, 3)
    )
    response = _dashboard(client_for(secretary))
    assert [row["event"] for row in response.context["events"]] == [overdue, soon]
    assert response.context["event_totals"] == {"open": 2, "overdue": 1, "on_time": 1, "late": 0}
    assert "Overdue by 12 days" in response.content.decode()


def _opinion(branch, received_on, status="received", **extra):
    return Opinion.objects.create(
        branch=branch,
        source="box",
        content="食堂排队太久",
        status=status,
        received_on=received_on,
        due_on=received_on + datetime.timedelta(days=14),
        **extra,
    )


def test_r43_dashboard_shows_open_opinions_by_age(client_for, secretary, branch):
    _opinion(branch, D(2026, 10, 18))  # 2 days
    _opinion(branch, D(2026, 10, 10))  # 10 days
    _opinion(branch, D(2026, 9, 1))  # 49 days, past the deadline
    _opinion(
        branch,
        D(2026, 9, 1),
        status="answered",
        answered_at=datetime.datetime(2026, 9, 5, tzinfo=SHANGHAI),
    )
    opinions = _dashboard(client_for(secretary)).context["opinions"]
    assert opinions == {
        "open": 3,
        "past_due": 1,
        "age_0": 1,
        "age_8": 1,
        "age_15": 0,
        "age_31": 1,
    }


def test_r52_semester_without_enough_symposiums_is_flagged(client_for, secretary, branch, semester):
    branch.symposium_target = 2
    branch.save()
    Symposium.objects.create(branch=branch, held_on=D(2026, 9, 20), topic="座谈", members_present=3)
    Symposium.objects.create(
        branch=branch, held_on=D(2026, 6, 20), topic="上学期", members_present=3
    )
    response = _dashboard(client_for(secretary))
    assert response.context["symposiums"] == 1
    assert response.context["symposium_short"] is True
    assert "the target is 2" in response.content.decode()


def test_r61_dashboard_counts_semester_reports_by_status(
    client_for, secretary, member_a, member_b, semester
):
    SemesterReport.objects.create(
        member=member_a,
        semester=semester,
        status=ReportStatus.SUBMITTED,
        submitted_at=datetime.datetime(2026, 10, 1, tzinfo=SHANGHAI),
    )
    SemesterReport.objects.create(member=member_b, semester=semester)
    reports = {
        r["status"]: r["count"] for r in _dashboard(client_for(secretary)).context["reports"]
    }
    assert reports == {"draft": 1, "submitted": 1, "returned": 0, "accepted": 0, "none": 1}


def test_dashboard_trend_is_server_side_svg_without_style_attributes(
    client_for, secretary, member_a, teacher_a
):
    assignment = Assignment.objects.get(contact=teacher_a)
    assignment.started_on = D(2026, 9, 1)
    assignment.save()
    TalkLogFactory(assignment=assignment, date=D(2026, 9, 2))
    TalkLogFactory(assignment=assignment, date=D(2026, 10, 2))
    response = _dashboard(client_for(secretary))
    svg = str(response.context["trend_svg"])
    assert svg.startswith("<svg") and "<title" in svg and "style=" not in svg
    assert "2026-10" in svg and "100%" in svg and "2025-11" in svg
    assert response.context["trend"][-2:] == [("2026-09", 1.0), ("2026-10", None)]
    assert "style=" not in response.content.decode()


def test_r45_running_month_has_no_rate_on_the_trend(client_for, secretary, member_a, teacher_a):
    """R45: on 20 October one member of two complete is not "October 100%": the month is not
    yet decided (its bar says so), and the months before it are rated as usual."""
    AssignmentFactory(member=MemberFactory(branch=member_a.branch))  # no talk yet this month
    TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a), date=D(2026, 10, 2))
    response = _dashboard(client_for(secretary))
    assert response.context["trend"][-1] == ("2026-10", None)
    svg = str(response.context["trend_svg"])
    assert "Not yet decided" in svg and svg.count("100%") == 1  # the axis only, no bar


def _members_with_records(branch, count):
    for i in range(count):
        member = MemberFactory(
            user=UserFactory(username=f"bulk{branch.pk}-{i}-{Assignment.objects.count()}"),
            branch=branch,
        )
        assignment = AssignmentFactory(
            member=member,
            contact=ContactFactory(branch=branch, category=Category.TEACHER),
            started_on=D(2025, 9, 1),
        )
        TalkLogFactory(assignment=assignment, date=D(2026, 10, 3))
        MustTalkEventFactory(contact=assignment.contact, member=member, occurred_on=D(2026, 10, 1))
        _opinion(branch, D(2026, 10, 1), conveyed_by=member)


def test_branch_dashboard_query_count_is_the_same_for_5_and_200_members(
    client_for, secretary, branch, semester, django_assert_max_num_queries
):
    client = client_for(secretary)
    _members_with_records(branch, 4)
    _dashboard(client)  # the first request of a session does its own one-off queries
    with django_assert_max_num_queries(20) as small:
        assert len(_dashboard(client).context["matrix"]) == 5
    _members_with_records(branch, 195)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert len(_dashboard(client).context["matrix"]) == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_school_dashboard_query_count_is_the_same_for_5_and_200_members(
    client_for, admin, secretary, branch, other_branch, semester, django_assert_max_num_queries
):
    client = client_for(admin)
    _members_with_records(branch, 4)
    client.get(reverse("inspections:school_home"))  # one-off queries of a session's first request
    with django_assert_max_num_queries(16) as small:
        client.get(reverse("inspections:school_home"))
    _members_with_records(branch, 100)
    _members_with_records(other_branch, 95)
    for i in range(5):
        BranchFactory(name=f"新支部{i}")
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(reverse("inspections:school_home"))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(response.context["rows"]) == 7


def test_school_dashboard_one_row_per_branch_sortable_and_linked(
    client_for, admin, secretary, member_a, teacher_a, other_branch_secretary, branch, other_branch
):
    TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a), date=D(2026, 9, 2))
    TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a), date=D(2026, 10, 2))
    _opinion(other_branch, D(2026, 9, 1))
    client = client_for(admin)
    rows = client.get(reverse("inspections:school_home"), {"sort": "opinions_late"}).context["rows"]
    assert [r["branch"] for r in rows] == [branch, other_branch]
    response = client.get(reverse("inspections:school_home"), {"sort": "-opinions_late"})
    rows = response.context["rows"]
    assert [r["branch"] for r in rows] == [other_branch, branch]
    mine = rows[1]
    # R45: October runs (20 October): no rate yet, shown as not yet decided, never "100%".
    assert (mine["members"], mine["without_teacher"], mine["completion_percent"]) == (2, 1, None)
    page = response.content.decode()
    assert "Not yet decided" in page and "100%" not in page
    assert reverse("inspections:branch_dashboard", args=[branch.pk]) in page
    # Aggregates only: never an opinion's text.
    assert "食堂排队太久" not in page
    september = client.get(reverse("inspections:school_home"), {"month": "2026-09"})
    rows = {r["branch"]: r for r in september.context["rows"]}
    assert rows[branch]["completion_percent"] == 100


def test_admin_opens_any_branch_dashboard(client_for, admin, branch, other_branch):
    client = client_for(admin)
    assert _dashboard(client, branch).status_code == 200
    assert _dashboard(client, other_branch).status_code == 200
    assert client.get(reverse("inspections:branch_home")).status_code == 302


def test_secretary_of_another_branch_gets_404_on_this_branch(
    client_for, other_branch_secretary, branch
):
    client = client_for(other_branch_secretary)
    for name in ("branch_dashboard", "branch_settings", "matrix_export", "opinion_export"):
        assert client.get(reverse(f"inspections:{name}", args=[branch.pk])).status_code == 404


def test_members_leaders_and_anonymous_cannot_open_the_dashboards(
    client_for, member_a, committee, leader, branch
):
    for who in (member_a, committee, leader):
        client = client_for(who)
        assert client.get(reverse("inspections:branch_home")).status_code == 403
        assert _dashboard(client, branch).status_code == 404
        assert client.get(reverse("inspections:school_home")).status_code == 403
    response = client_for(None).get(reverse("inspections:branch_home"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_r54_leader_page_shows_contact_point_figures(client_for, leader, member_a, teacher_a):
    response = client_for(leader).get(reverse("inspections:leader_home"))
    assert response.status_code == 200
    assert response.context["row"]["members"] == 1
    assert client_for(member_a).get(reverse("inspections:leader_home")).status_code == 403


def test_dashboard_page_has_no_inline_script_or_handler(client_for, secretary, teacher_a):
    page = _dashboard(client_for(secretary)).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\son[a-z]+=", page)


@pytest.mark.parametrize("role", [Role.SECRETARY])
def test_dashboard_of_empty_branch_renders(client_for, role, db):
    lonely = MemberFactory(user=UserFactory(username="lonely"), role=role)
    response = client_for(lonely).get(reverse("inspections:branch_home"))
    assert response.status_code == 200
    assert response.context["trend"][-1] == ("2026-10", None)


def test_school_dashboard_of_a_school_with_no_branch_yet(client_for, admin):
    """A new installation: the admin opens the school overview before any branch exists."""
    response = client_for(admin).get(reverse("inspections:school_home"))
    assert response.status_code == 200 and response.context["rows"] == []
