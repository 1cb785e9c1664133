"""R61/R62/R64 pages: each page's number of queries does not grow with the data (5 vs 50)."""

import datetime

import pytest
from django.urls import reverse

from contacts.models import Category
from inspections.models import Assessment, AssessmentExport, Inspection, Semester, SemesterReport
from inspections.services import assessments as assessment_services
from inspections.services import inspections as inspection_services
from inspections.services import reports as report_services
from tests.factories import (
    AssignmentFactory,
    ContactFactory,
    MemberFactory,
    MustTalkEventFactory,
    TalkLogFactory,
)

D = datetime.date


@pytest.fixture(autouse=True)
def _frozen(frozen_time):
    frozen_time(2026, 12, 20, 9)


@pytest.fixture
def semester(db):
    return Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 15))


def _members(branch, semester, count):
    """`count` members, each with a contact, talks, a must-talk and a submitted report."""
    for _ in range(count):
        member = MemberFactory(branch=branch)
        assignment = AssignmentFactory(
            member=member,
            contact=ContactFactory(branch=branch, category=Category.TEACHER),
            started_on=D(2026, 9, 1),
        )
        TalkLogFactory(assignment=assignment, date=D(2026, 10, 3))
        MustTalkEventFactory(contact=assignment.contact, member=member, occurred_on=D(2026, 11, 1))
        report = report_services.semester_report_save(
            member=member, semester=semester, text="本学期工作", by=member.user
        )
        report_services.semester_report_submit(report=report, by=member.user)


def _pinned(client, url, grow, django_assert_max_num_queries, limit):
    """Same number of queries before and after `grow()`; the first request of each state is a
    warm-up (a session's one-off queries, an assessment's first computation)."""
    client.get(url)
    with django_assert_max_num_queries(limit) as small:
        assert client.get(url).status_code == 200
    count = len(small.captured_queries)  # read now: the query log is reused later
    grow()
    client.get(url)
    with django_assert_max_num_queries(count) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large.captured_queries) == count
    return response


def test_r61_member_report_page_queries_do_not_grow(
    member_a, semester, client_for, django_assert_max_num_queries
):
    assignment = AssignmentFactory(
        member=member_a,
        contact=ContactFactory(branch=member_a.branch, category=Category.TEACHER),
        started_on=D(2026, 9, 1),
    )

    def grow():
        for day in range(1, 28):
            for month in (9, 10, 11, 12):
                TalkLogFactory(assignment=assignment, date=D(2026, month, day))
            MustTalkEventFactory(
                contact=assignment.contact, member=member_a, occurred_on=D(2026, 10, day)
            )
        _members(member_a.branch, semester, 20)

    url = reverse("inspections:report_mine", args=[semester.pk])
    _pinned(client_for(member_a), url, grow, django_assert_max_num_queries, 25)


def test_r61_secretary_report_list_and_review_queries_do_not_grow(
    secretary, semester, client_for, django_assert_max_num_queries
):
    _members(secretary.branch, semester, 4)
    client = client_for(secretary)
    url = reverse("inspections:report_list") + f"?semester={semester.pk}"
    response = _pinned(
        client,
        url,
        lambda: _members(secretary.branch, semester, 45),
        django_assert_max_num_queries,
        20,
    )
    assert len(response.context["rows"]) >= 50
    report = SemesterReport.objects.first()
    _pinned(
        client,
        reverse("inspections:report_review", args=[report.pk]),
        lambda: _members(secretary.branch, semester, 45),
        django_assert_max_num_queries,
        20,
    )


def test_r64_assessment_list_and_grade_queries_do_not_grow(
    secretary, semester, client_for, django_assert_max_num_queries
):
    def grow(count):
        _members(secretary.branch, semester, count)
        # The page shows stored assessments; computing them is the button's (or the job's).
        assessment_services.assessments_compute(semester=semester, branches=[secretary.branch])

    grow(4)
    client = client_for(secretary)
    url = reverse("inspections:assessment_list") + f"?semester={semester.pk}"
    response = _pinned(client, url, lambda: grow(45), django_assert_max_num_queries, 30)
    assert len(response.context["rows"]) >= 50
    assessment = Assessment.objects.first()
    _pinned(
        client,
        reverse("inspections:assessment_grade", args=[assessment.pk]),
        lambda: _members(secretary.branch, semester, 45),
        django_assert_max_num_queries,
        20,
    )


def test_r62_inspection_list_and_detail_queries_do_not_grow(
    secretary, other_branch_secretary, semester, client_for, django_assert_max_num_queries
):
    _members(secretary.branch, semester, 4)
    client = client_for(secretary)

    def more_inspections():
        for _ in range(45):
            inspection_services.inspection_generate(
                branch=secretary.branch, half="2026H1", by=secretary.user
            )
            inspection_services.inspection_generate(
                branch=other_branch_secretary.branch, half="2026H1", by=None
            )

    inspection_services.inspection_generate(
        branch=secretary.branch, half="2026H1", by=secretary.user
    )
    response = _pinned(
        client,
        reverse("inspections:inspection_list"),
        more_inspections,
        django_assert_max_num_queries,
        15,
    )
    assert len(response.context["inspections"]) == 46

    small = inspection_services.inspection_generate(branch=secretary.branch, half="2026H2")
    _members(secretary.branch, semester, 45)
    large = inspection_services.inspection_generate(branch=secretary.branch, half="2026H2")
    assert len(large.data["members"]) >= 50
    client.get(reverse("inspections:inspection_detail", args=[small.pk]))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("inspections:inspection_detail", args=[small.pk]))
    count = len(few.captured_queries)
    with django_assert_max_num_queries(count) as many:
        client.get(reverse("inspections:inspection_detail", args=[large.pk]))
    assert len(many.captured_queries) == count
    assert Inspection.objects.count() == 93


def test_r64_export_list_queries_do_not_grow(
    admin, semester, branch, other_branch, client_for, django_assert_max_num_queries
):
    def exports(count):
        for i in range(count):
            AssessmentExport.objects.create(
                semester=semester, branch=(branch, other_branch, None)[i % 3], total=1
            )

    exports(5)
    response = _pinned(
        client_for(admin),
        reverse("inspections:export_list"),
        lambda: exports(45),
        django_assert_max_num_queries,
        15,
    )
    assert len(response.context["exports"]) == 50
