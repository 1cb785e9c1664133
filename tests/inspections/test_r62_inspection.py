"""R62: half-yearly inspection snapshot, versions, page, PDF with embedded CJK font, command."""

import datetime
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from contacts.models import Assignment
from inspections.models import CaseKind, ExemplaryCase, Inspection
from inspections.selectors import inspections as inspection_selectors
from inspections.services import inspections as inspection_services
from talks.models import TalkLog
from tests.factories import TalkLogFactory

RARE = "翡翠鑫龘燊犇淼"  # uncommon CJK characters: tofu if the font lacks them


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


@pytest.fixture
def half_data(secretary, member_a, member_b, teacher_a):
    assignment = Assignment.objects.get(contact=teacher_a)
    TalkLogFactory(assignment=assignment, date=datetime.date(2026, 6, 30))
    TalkLogFactory(assignment=assignment, date=datetime.date(2026, 7, 1))  # next half
    ExemplaryCase.objects.create(
        branch=secretary.branch,
        kind=CaseKind.CASE,
        title=f"帮扶{RARE}",
        occurred_on=datetime.date(2026, 5, 4),
        description="一学期坚持每周谈心",
        published=True,
    )
    ExemplaryCase.objects.create(
        branch=secretary.branch,
        kind=CaseKind.CASE,
        title="未发布",
        occurred_on=datetime.date(2026, 5, 4),
        description="草稿",
        published=False,
    )
    return assignment


def test_r62_half_boundaries_in_shanghai():
    assert inspection_selectors.half_bounds("2026H1") == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 6, 30),
    )
    assert inspection_selectors.half_bounds("2026H2") == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 12, 31),
    )
    assert inspection_selectors.half_before(datetime.date(2026, 7, 1)) == "2026H1"
    assert inspection_selectors.half_before(datetime.date(2027, 1, 1)) == "2026H2"


def test_r62_snapshot_is_frozen_and_regenerating_makes_a_new_version(
    secretary, member_a, half_data, frozen_time
):
    with frozen_time(2026, 7, 1, 0, 1):
        first = inspection_services.inspection_generate(
            branch=secretary.branch, half="2026H1", by=secretary.user
        )
    row = next(r for r in first.data["members"] if r["name"] == "李老师")
    assert row["figures"]["months_complete"] == 1  # June: talk and report on the 30th
    assert [c["title"] for c in first.data["cases"]] == [f"帮扶{RARE}"]
    assert "赵老师" in first.data["teacher_gaps"] and "李老师" not in first.data["teacher_gaps"]
    assert first.data["symposiums"] == {"held": 0, "target": 1}

    TalkLog.objects.all().delete()
    first.refresh_from_db()
    assert (
        next(r for r in first.data["members"] if r["name"] == "李老师")["figures"][
            "months_complete"
        ]
        == 1
    )
    second = inspection_services.inspection_generate(
        branch=secretary.branch, half="2026H1", by=secretary.user
    )
    assert (first.version, second.version) == (1, 2)
    assert (
        next(r for r in second.data["members"] if r["name"] == "李老师")["figures"][
            "months_complete"
        ]
        == 0
    )


def test_r62_pdf_has_names_figures_and_embedded_cjk_font(
    secretary, half_data, client_for, tmp_path
):
    inspection = inspection_services.inspection_generate(
        branch=secretary.branch, half="2026H1", by=secretary.user
    )
    client = client_for(secretary)
    page = client.get(reverse("inspections:inspection_detail", args=[inspection.pk]))
    assert page.status_code == 200 and "李老师" in page.content.decode()
    response = client.get(reverse("inspections:inspection_pdf", args=[inspection.pk]))
    path = tmp_path / "i.pdf"
    path.write_bytes(response.content)
    text = "".join(pdf_text(path).split())
    assert "数学组党支部" in text and "李老师" in text and "赵老师" in text
    assert RARE in text, "a CJK glyph is missing from the embedded font"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "WenQuanYi" in fonts and "yes" in fonts.split("WenQuanYi", 1)[1].splitlines()[0]


def test_r62_generate_inspection_command_writes_pdf(secretary, half_data, tmp_path):
    out = tmp_path / "out.pdf"
    call_command(
        "generate_inspection",
        "--branch",
        str(secretary.branch_id),
        "--half",
        "2026H1",
        "--out",
        str(out),
    )
    assert out.read_bytes().startswith(b"%PDF")
    assert "李老师" in "".join(pdf_text(out).split())
    assert Inspection.objects.get().version == 1


def test_r62_member_cannot_open_inspection(secretary, member_a, other_branch_secretary, client_for):
    inspection = inspection_services.inspection_generate(branch=secretary.branch, half="2026H1")
    url = reverse("inspections:inspection_detail", args=[inspection.pk])
    assert client_for(member_a).get(url).status_code == 404
    assert client_for(other_branch_secretary).get(url).status_code == 404
