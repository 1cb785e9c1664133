"""R62/R64 PDFs: server-side SVG charts (the same markup on the page and in the PDF) and the
school export's continuous page numbers."""

import datetime
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from contacts.models import Assignment
from inspections.charts import inspection_charts
from inspections.models import AssessmentExport, Semester
from inspections.services import assessments as assessment_services
from inspections.services import inspections as inspection_services
from tests.factories import MemberFactory, TalkLogFactory


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, flags=re.S)


@pytest.fixture
def inspection(secretary, member_a, member_b, teacher_a, frozen_time):
    assignment = Assignment.objects.get(contact=teacher_a)
    TalkLogFactory(assignment=assignment, date=datetime.date(2026, 3, 10))
    with frozen_time(2026, 7, 1, 0, 1):
        return inspection_services.inspection_generate(
            branch=secretary.branch, half="2026H1", by=secretary.user
        )


def test_r62_snapshot_holds_the_monthly_completion_of_the_chart(inspection):
    monthly = inspection.data["monthly"]
    assert [m["month"] for m in monthly] == [f"2026-0{n}" for n in range(1, 7)]
    march = monthly[2]
    assert march["complete"] >= 1 and march["rate"] is not None


def test_r62_page_and_pdf_show_the_same_charts(secretary, inspection, client_for, tmp_path):
    page = client_for(secretary).get(reverse("inspections:inspection_detail", args=[inspection.pk]))
    page_svgs = svgs(page.content.decode())
    charts = inspection_charts(inspection.data)
    assert page_svgs == [str(charts["monthly"]), str(charts["members"])]
    assert "李老师" in page_svgs[1] and "2026-03" in page_svgs[0]
    assert 'style="' not in "".join(page_svgs)  # CSP: presentation attributes only

    response = client_for(secretary).get(
        reverse("inspections:inspection_pdf", args=[inspection.pk])
    )
    text = "".join(pdf_text(response.content, tmp_path).split())
    # The charts' titles and axis labels are drawn as text in the PDF.
    assert "2026-03" in text and "2026-06" in text
    assert text.count("李老师") >= 2  # the table and the per-member chart


def test_r62_stored_inspection_draws_the_same_chart_after_talks_change(inspection):
    before = inspection_charts(inspection.data)
    TalkLogFactory(assignment=Assignment.objects.first(), date=datetime.date(2026, 4, 10))
    inspection.refresh_from_db()
    assert inspection_charts(inspection.data) == before


def test_r64_assessment_page_and_pdf_show_score_charts(
    secretary, member_a, teacher_a, client_for, tmp_path
):
    # teacher_a: member_a has months due, so a score in the charts (nothing due: no score).
    semester = Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 20), end_on=datetime.date(2026, 7, 10)
    )
    assessment_services.assessments_compute(semester=semester, branches=[secretary.branch])
    client = client_for(secretary)
    page = client.get(reverse("inspections:assessment_list") + f"?semester={semester.pk}")
    page_svgs = svgs(page.content.decode())
    assert len(page_svgs) == 2 and "李老师" in page_svgs[1]
    pdf = client.get(reverse("inspections:assessment_branch_pdf") + f"?semester={semester.pk}")
    text = "".join(pdf_text(pdf.content, tmp_path).split())
    assert text.count("李老师") >= 2  # the table and the per-member chart


def test_r64_school_export_numbers_pages_continuously(
    admin, secretary, other_branch_secretary, member_a, tmp_path
):
    semester = Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 20), end_on=datetime.date(2026, 7, 10)
    )
    for _ in range(45):  # the first branch runs over two pages
        MemberFactory(branch=secretary.branch)
    assessment_services.assessments_compute(
        semester=semester, branches=[secretary.branch, other_branch_secretary.branch]
    )
    export = AssessmentExport.objects.create(semester=semester, total=2)
    assert assessment_services.assessment_export_run(export_id=export.pk)
    export.refresh_from_db()
    pages = pdf_text(export.file.read(), tmp_path).split("\f")
    pages = [p for p in pages if p.strip()]
    # Issue 18: a cover and the school summary first, then each branch, the branch named in the
    # header, 「第 i 页 / 共 n 页」 over the whole document.
    flat = ["".join(p.split()) for p in pages]
    footers = [re.search(r"第(\d+)页/共(\d+)页", p).groups() for p in flat]
    assert footers == [(str(n), str(len(pages))) for n in range(1, len(pages) + 1)]
    branches = sorted({secretary.branch.name, other_branch_secretary.branch.name})
    first_part = [n for n, p in enumerate(flat) if f"·{branches[0]}·学期考核" in p]
    assert first_part[0] == 2 and len(first_part) >= 2
    assert f"·{branches[1]}·学期考核" in flat[-1]
    # The first branch's table runs over two pages: its header is repeated on the second.
    header = gettext("Basic condition for awards and promotion")
    assert all(header.replace(" ", "") in "".join(p.split()) for p in pages[2:4])


def test_r62_inspection_stored_before_monthly_figures_still_renders(
    secretary, inspection, client_for
):
    data = dict(inspection.data)
    del data["monthly"]
    inspection.data = data
    inspection.save(update_fields=["data"])
    page = client_for(secretary).get(reverse("inspections:inspection_detail", args=[inspection.pk]))
    assert page.status_code == 200
    assert len(svgs(page.content.decode())) == 1  # the per-member chart only


def test_r45_r62_inspection_during_the_half_gives_its_running_month_no_rate(
    secretary, member_a, teacher_a, frozen_time
):
    """Generated on 3 June for the first half: member_a's June talk makes June "complete" for
    him, but June still runs, so the chart shows it as not yet decided, never as 100%."""
    assignment = Assignment.objects.get(contact=teacher_a)
    TalkLogFactory(assignment=assignment, date=datetime.date(2026, 5, 10))
    TalkLogFactory(assignment=assignment, date=datetime.date(2026, 6, 2))
    with frozen_time(2026, 6, 3, 9):
        inspection = inspection_services.inspection_generate(
            branch=secretary.branch, half="2026H1", by=secretary.user
        )
    june, may = inspection.data["monthly"][5], inspection.data["monthly"][4]
    assert (june["month"], june["rate"], june["running"]) == ("2026-06", None, True)
    assert may["rate"] is not None and not may["running"]
    chart = str(inspection_charts(inspection.data)["monthly"])
    assert gettext("Not yet decided") in chart
