"""Issue 14 items 1 and 2: the grade (R64) and findings (R62) forms as the page submits them
(WebTest clicks the rendered button; a button named like a field used to replace the value)."""

import datetime

import pytest
from django.urls import reverse

from inspections import scoring
from inspections.models import Assessment, Grade, Inspection, Semester
from inspections.services import assessments as assessment_services
from inspections.services import inspections as inspection_services


@pytest.fixture
def semester(db):
    return Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 20), end_on=datetime.date(2026, 7, 10)
    )


@pytest.fixture
def assessment(secretary, member_a, teacher_a, semester):
    assessment_services.assessments_compute(semester=semester, branches=[member_a.branch])
    return Assessment.objects.get(member=member_a, semester=semester)


def _grade_page(app, secretary, assessment):
    url = reverse("inspections:assessment_grade", args=[assessment.pk])
    return app.get(url, user=secretary.user.username)


def test_r64_grade_form_as_rendered_opens_empty_and_saves_the_chosen_grade(
    app, secretary, assessment
):
    page = _grade_page(app, secretary, assessment)
    form = page.forms["grade-form"]
    assert form["grade"].value == ""  # no preselected 优秀
    res = form.submit("save")
    assert res.status_code == 200 and "grade" in res.context["form"].errors
    assert Assessment.objects.get(pk=assessment.pk).grade == ""

    form = res.forms["grade-form"]
    band = scoring.band(assessment.score) or Grade.QUALIFIED
    form["grade"] = band
    res = form.submit("save")
    assert res.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).grade == band


def test_r64_grade_form_as_rendered_outside_band_keeps_typed_values(app, secretary, assessment):
    other = next(g for g in Grade.values if g != scoring.band(assessment.score))
    form = _grade_page(app, secretary, assessment).forms["grade-form"]
    form["grade"] = other
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["grade-form"]["grade"].value == other
    assert res.context["form"].errors["grade_reason"]
    assert Assessment.objects.get(pk=assessment.pk).grade == ""

    form = res.forms["grade-form"]
    form["grade_reason"] = "带病坚持联系群众"
    assert form.submit("save").status_code == 302
    row = Assessment.objects.get(pk=assessment.pk)
    assert (row.grade, row.grade_reason) == (other, "带病坚持联系群众")


@pytest.fixture
def inspection(secretary):
    return inspection_services.inspection_generate(branch=secretary.branch, half="2026H1")


def test_r62_findings_form_as_rendered_stores_the_typed_text(app, secretary, inspection):
    url = reverse("inspections:inspection_detail", args=[inspection.pk])
    form = app.get(url, user=secretary.user.username).forms["findings-form"]
    form["findings"] = "全支部联系工作扎实。\r\n下学期加强五必谈。"
    res = form.submit("save").follow()
    stored = Inspection.objects.get(pk=inspection.pk).findings
    assert stored.replace("\r\n", "\n") == "全支部联系工作扎实。\n下学期加强五必谈。"
    assert "保存检查结论" not in stored
    assert "下学期加强五必谈" in res.text


def test_r62_findings_form_as_rendered_too_long_keeps_the_text(app, secretary, inspection):
    url = reverse("inspections:inspection_detail", args=[inspection.pk])
    form = app.get(url, user=secretary.user.username).forms["findings-form"]
    limit = Inspection._meta.get_field("findings").max_length or 10000
    form["findings"] = "结" * (limit + 1)
    res = form.submit("save")
    assert res.status_code == 200
    assert res.forms["findings-form"]["findings"].value == "结" * (limit + 1)
    assert Inspection.objects.get(pk=inspection.pk).findings == ""
