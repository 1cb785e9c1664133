"""Issue 13 finding 9 (date bounds in every form) and issue 14 item 6 (the browser's maxlength and
the server count a line break the same way), for every form of the apps: a new form with a plain
DateField or CharField fails here."""

from __future__ import annotations

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from crispy_forms.utils import render_crispy_form
from django import forms
from django.urls import reverse

from contacts.models import AssistanceRecord
from members.forms import EARLIEST, BoundedDate, Text
from talks.models import TalkLog
from tests.factories import fill_talk_form

from .test_form_walk import form_classes, kwargs_for  # noqa: F401  (a fixture)

TODAY = datetime.date(2026, 10, 20)
# Dates of things that are planned or ruled, not of what has happened: no `max`.
MAY_BE_AHEAD = {
    ("contacts.forms.AssignmentForm", "started_on"),
    ("contacts.forms.ReassignForm", "on"),
    ("contacts.forms.EndAssignmentForm", "ended_on"),
    ("talks.forms.talks.PeriodForm", "start"),
    ("talks.forms.talks.PeriodForm", "end"),
}


@pytest.fixture(autouse=True)
def _today(frozen_time):
    frozen_time(2026, 10, 20, 9)


def _fields():
    for cls in form_classes():
        for name, field in cls.base_fields.items():
            yield f"{cls.__module__}.{cls.__qualname__}", cls, name, field


def test_finding9_every_date_field_is_bounded_and_carries_min_and_max(kwargs_for):  # noqa: F811
    problems = []
    for where, cls, name, field in _fields():
        if not isinstance(field, forms.DateField):
            continue
        ahead = (where, name) in MAY_BE_AHEAD
        if not isinstance(field, BoundedDate) or field.not_future == ahead:
            problems.append(f"{where}.{name}: use members.forms.PastDate/BoundedDate")
            continue
        form = cls(**kwargs_for(cls))
        html = str(form[name]) if not hasattr(form, "helper") else render_crispy_form(form)
        tag = BeautifulSoup(html, "html.parser").find("input", attrs={"name": name})
        expected = {"type": "date", "min": EARLIEST.isoformat()}
        if not ahead:
            expected["max"] = TODAY.isoformat()
        got = {key: tag.get(key) for key in expected}
        if got != expected:
            problems.append(f"{where}.{name}: renders {got}, expected {expected}")
    assert not problems, "\n".join(problems)


def test_issue14_every_text_field_counts_line_breaks_as_the_browser_does():
    problems = [
        f"{where}.{name}: use members.forms.Text (or formfield_callback = text_formfield)"
        for where, _cls, name, field in _fields()
        if isinstance(field.widget, forms.Textarea) and not isinstance(field, Text)
    ]
    assert not problems, "\n".join(problems)


def test_issue14_text_at_the_browsers_limit_with_line_breaks_is_accepted(app, member_a, hardship_a):
    """`maxlength="2000"` lets a browser send 2000 characters counting a line break as one; the
    server used to count \\r\\n as two and refuse with Django's stiff message."""
    page = app.get(
        reverse("contacts:assistance_create", args=[hardship_a.pk]), user=member_a.user.username
    )
    form = page.forms["assistance-form"]
    assert form.fields["what"][0].attrs["maxlength"] == "2000"
    form["what"] = ("帮" * 9 + "\r\n") * 199 + "帮" * 10  # 2000 as the browser counts
    form["date"] = "2026-10-10"
    assert form.submit("save").status_code == 302
    assert AssistanceRecord.objects.get().what.count("\r") == 0


def test_issue14_text_over_the_limit_says_so_in_plain_words_and_keeps_the_text(
    app, member_a, hardship_a
):
    page = app.get(
        reverse("contacts:assistance_create", args=[hardship_a.pk]), user=member_a.user.username
    )
    form = page.forms["assistance-form"]
    form["what"] = ("帮" * 9 + "\r\n") * 200 + "帮"
    form["date"] = "2026-10-10"
    res = form.submit("save")
    assert res.status_code == 200
    assert "最多 2000 个字（换行算一个字），现在有 2001 个字。" in res.text
    assert res.forms["assistance-form"]["what"].value.startswith("帮" * 9)
    assert not AssistanceRecord.objects.exists()


@pytest.mark.parametrize(
    ("day", "error"),
    [("1999-12-31", "日期不能早于 2000-01-01。"), ("2026-10-21", "日期不能晚于今天")],
)
def test_finding9_talk_date_out_of_bounds_is_refused_and_the_text_kept(
    app, member_a, teacher_a, day, error
):
    form = app.get(reverse("talks:talk_create"), user=member_a.user.username).forms["talk-form"]
    assert form["date"].value == TODAY.isoformat()  # what happened defaults to today
    fill_talk_form(form, teacher_a, date=day, content="谈了本学期的教学安排")
    res = form.submit("save")
    assert res.status_code == 200 and error in res.text
    assert res.forms["talk-form"]["content"].value == "谈了本学期的教学安排"
    assert not TalkLog.objects.exists()


def test_finding9_inspection_only_for_a_half_year_that_has_begun(app, secretary):
    page = app.get(reverse("inspections:inspection_list"), user=secretary.user.username)
    form = page.forms["inspection-generate-form"]
    options = [value for value, _selected, _text in form["half"].options]
    assert options[0] == "2026H2" and options[-1] == "2000H1" and "2027H1" not in options
    form["half"].force_value("2027H1")  # only by a forged page
    res = form.submit("generate")
    assert res.status_code == 200 and "请选择已经开始的半年。" in res.text
    form = res.forms["inspection-generate-form"]
    form["half"] = "2026H1"
    res = form.submit("generate")
    assert res.status_code == 302
    assert re.search(r"/inspections/\d+/$", res.location)
