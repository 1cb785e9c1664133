"""R45/R64 (issue 15 item 6, verification): a member with nothing due is shown flagged, with no
score and no band, on the secretary's assessment list and in the assessment PDF (the existing
test reads the PDF context only); a member with months due keeps a score."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from pypdf import PdfReader

from contacts.models import Assignment
from inspections.models import Semester
from inspections.selectors import assessments as assessment_selectors
from inspections.services import assessments as assessment_services
from members.pdf import render_pdf
from tests.factories import TalkLogFactory

D = datetime.date


@pytest.fixture
def semester(db):
    return Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 15))


def test_r45_r64_nothing_due_is_flagged_without_score_on_the_list_and_in_the_pdf(
    settings, app, member_a, member_b, teacher_a, secretary, semester, frozen_time
):
    settings.LANGUAGE_CODE = "zh-hans"
    TalkLogFactory(assignment=Assignment.objects.get(contact=teacher_a), date=D(2026, 9, 10))
    with frozen_time(2027, 2, 1, 9):
        assessment_services.assessments_compute(semester=semester, branches=[member_a.branch])
        url = reverse("inspections:assessment_list") + f"?semester={semester.pk}"
        page = app.get(url, user=secretary.user.username)
        context = assessment_selectors.assessment_pdf_context(
            semester=semester, branch=member_a.branch
        )
    rows = {}
    for tr in BeautifulSoup(page.text, "html.parser").select("table.table-cards tbody tr"):
        cells = tr.find_all("td")
        rows[cells[0].get_text(" ", strip=True).split()[0]] = [
            c.get_text(" ", strip=True) for c in cells
        ]
    assert "无应办月份" in rows[member_b.name][0] and rows[member_b.name][1] == "—"
    assert "无应办月份" not in rows[member_a.name][0] and rows[member_a.name][1] != "—"
    pdf = render_pdf("pdf/assessment.html", context)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert text.count("无应办月份") == 2  # member_b and the secretary, who has no contact
