"""R41 (issue 15 verification): the count of talks explaining party policy is shown where the
rule says it is counted: on the member's semester report page and in the inspection PDF (the
existing tests read the figures only)."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from inspections.models import Semester
from inspections.services import inspections as inspection_services
from tests.factories import TalkLogFactory

D = datetime.date


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(2026, 10, 20, 9)


@pytest.fixture
def policy_talks(member_a, teacher_a):
    assignment = teacher_a.assignments.get()
    for day in (3, 9, 14):
        TalkLogFactory(assignment=assignment, date=D(2026, 10, day), explains_policy=True)
    TalkLogFactory(assignment=assignment, date=D(2026, 9, 10))


def test_r41_report_page_shows_the_policy_talks(settings, client_for, member_a, policy_talks):
    settings.LANGUAGE_CODE = "zh-hans"
    semester = Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 15))
    page = client_for(member_a).get(reverse("inspections:report_mine", args=[semester.pk]))
    from bs4 import BeautifulSoup

    html = BeautifulSoup(page.content.decode(), "html.parser")
    (row,) = [th for th in html.find_all("th") if th.get_text(strip=True) == "宣传解释政策的谈话"]
    assert row.find_next_sibling("td").get_text(strip=True) == "3"


def test_r41_inspection_pdf_shows_the_policy_talks(settings, member_a, secretary, policy_talks):
    settings.LANGUAGE_CODE = "zh-hans"
    inspection = inspection_services.inspection_generate(branch=member_a.branch, half="2026H2")
    assert inspection.data["totals"]["policy_talks"] == 3
    from bs4 import BeautifulSoup
    from django.template.loader import render_to_string

    # The branch table of the body the PDF is rendered from: the count under its header.
    html = BeautifulSoup(
        render_to_string("inspections/_inspection_body.html", {"data": inspection.data}),
        "html.parser",
    )
    table = html.find("table")
    headers = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    cells = [td.get_text(strip=True) for td in table.find("tbody").find("tr").find_all("td")]
    assert cells[headers.index("宣传解释政策的谈话")] == "3"
    # And the PDF carries that column.
    pdf = inspection_services.inspection_pdf(inspection=inspection)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "宣传解释政策的谈话" in text
