"""Issue 18: the pages people print (dashboard matrix, handbook, assessment report) carry the
print stylesheet, which prints the content only and a wide table whole."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

PRINT_LINK = 'href="/static/css/print.css" media="print"'


@pytest.mark.parametrize(
    "who, url",
    [
        ("secretary", lambda s: reverse("inspections:branch_dashboard", args=[s.branch_id])),
        ("member_a", lambda s: reverse("talks:handbook")),
        ("secretary", lambda s: reverse("inspections:assessment_list")),
    ],
)
def test_issue18_printed_pages_carry_the_print_stylesheet(who, url, request, secretary, client_for):
    from inspections.models import Semester

    Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 1), end_on=datetime.date(2026, 7, 31)
    )
    response = client_for(request.getfixturevalue(who)).get(url(secretary))
    assert response.status_code == 200
    assert PRINT_LINK in response.content.decode()


def test_issue18_print_stylesheet_prints_content_and_wide_tables_whole():
    css = open(finders.find("css/print.css"), encoding="utf-8").read()
    assert "nav.navbar" in css and "display: none" in css  # no menu, buttons or forms on paper
    assert ".table-responsive" in css and "overflow: visible" in css  # no scrolling box
    assert "page: wide" in css and "A4 landscape" in css  # the matrix on a landscape sheet
