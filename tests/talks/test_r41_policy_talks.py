"""R41: a talk can be marked as explaining party policy (宣传解释); the semester report and the
inspection count those talks per member."""

import datetime

import pytest
from django.urls import reverse

from inspections.models import Semester
from inspections.selectors import inspections as inspection_selectors
from inspections.services import reports as report_services
from talks.models import TalkLog
from tests.factories import TalkLogFactory, fill_talk_form

D = datetime.date


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(2026, 10, 20, 9)


def test_r41_talk_form_marks_a_talk_as_explaining_policy(app, member_a, teacher_a):
    page = app.get(reverse("talks:talk_create"), user="member_a")
    form = page.forms["talk-form"]
    fill_talk_form(
        form,
        teacher_a,
        date="2026-10-12",
        content="讲解了学校落实“双减”政策的安排。",
        explains_policy=True,
    )
    form.submit("save").follow()
    talk = TalkLog.objects.get(member=member_a)
    assert talk.explains_policy is True


def test_r41_refused_talk_keeps_the_policy_mark_and_writes_nothing(app, member_a, teacher_a):
    page = app.get(reverse("talks:talk_create"), user="member_a")
    form = page.forms["talk-form"]
    # A teacher's talk needs an aspect (R33): refused.
    fill_talk_form(
        form, teacher_a, date="2026-10-12", content="讲解政策", aspects=[], explains_policy=True
    )
    res = form.submit("save")
    assert res.status_code == 200 and not TalkLog.objects.exists()
    again = res.forms["talk-form"]
    assert again["explains_policy"].checked and again["content"].value == "讲解政策"


def test_r41_report_and_inspection_count_policy_talks(member_a, member_b, teacher_a):
    assignment = teacher_a.assignments.get()
    TalkLogFactory(assignment=assignment, date=D(2026, 9, 10), explains_policy=True)
    TalkLogFactory(assignment=assignment, date=D(2026, 10, 10), explains_policy=True)
    TalkLogFactory(assignment=assignment, date=D(2026, 10, 11))
    semester = Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 15))
    report = report_services.semester_report_save(
        member=member_a, semester=semester, text="汇报", by=member_a.user
    )
    assert report.figures["policy_talks"] == 2
    data = inspection_selectors.inspection_data(branch=member_a.branch, half="2026H2")
    per_member = {row["name"]: row["figures"]["policy_talks"] for row in data["members"]}
    assert per_member[member_a.name] == 2 and per_member[member_b.name] == 0
    assert data["totals"]["policy_talks"] == 2
