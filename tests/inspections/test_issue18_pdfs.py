"""Issue 18, the PDFs (they go into the files that decide awards, R62/R64/R410): the school's
assessment as one document (cover, summary, each branch, 「第 3 页 / 共 11 页」 with the branch in
the header), who generated each PDF and when, the same input giving the same bytes, columns
that never break a name or a header, download names in Chinese, the formula explained with
the branch's own weights. Every test reads the WeasyPrint output back as text."""

import datetime
import io
import re
import subprocess
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from pypdf import PdfReader

from inspections.models import Assessment, AssessmentExport, Grade, Inspection, Semester
from inspections.services import assessments as assessment_services
from inspections.services import inspections as inspection_services
from tests.factories import MemberFactory, UserFactory

# 15 July 2026, 10:00 in Shanghai: the spring semester is over.
NOW = datetime.datetime(2026, 7, 15, 2, 0, tzinfo=datetime.UTC)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def layout_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squashed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def semester(db):
    return Semester.objects.create(
        name="2026春", start_on=datetime.date(2026, 2, 20), end_on=datetime.date(2026, 7, 10)
    )


@pytest.fixture
def school(secretary, member_a, member_b, other_branch_secretary, semester):
    """Two branches; 数学组 with many members so that its part takes more than one page."""
    for number in range(40):
        MemberFactory(
            user=UserFactory(username=f"extra{number}"),
            name=f"成员{number:02d}",
            branch=secretary.branch,
        )
    assessment_services.assessments_compute(
        semester=semester, branches=[secretary.branch, other_branch_secretary.branch]
    )
    Assessment.objects.filter(member=member_a).update(grade=Grade.EXCELLENT)
    return semester


@pytest.fixture
def export(school, admin, frozen_time):
    with frozen_time(NOW):
        export = assessment_services.assessment_export_request(
            semester=school, branch=None, by=admin.user
        )
        assert assessment_services.assessment_export_run(export_id=export.pk)
    export.refresh_from_db()
    return export


def test_r64_school_pdf_cover_summary_then_each_branch_numbered_over_the_whole(export):
    pdf = export.file.read()
    reader = PdfReader(io.BytesIO(pdf))
    pages = page_texts(pdf)
    total = len(pages)
    assert total >= 4
    # The document is the school's, not one branch's.
    assert reader.metadata.title == "示范学院 2026春党员考核"
    cover = squashed(pages[0])
    assert "示范学院" in cover and "2026春" in cover
    assert "生成时间" in cover and "2026-07-1510:00" in cover
    assert "生成人" in cover and "吴管理员" in cover
    assert "admin" not in pages[0]  # a full name, never a login
    summary = squashed(pages[1])
    assert "全校汇总" in summary
    # Per branch: members, grades (优秀 合格 基本合格 不合格 未评定), basic condition met.
    assert "数学组党支部431000420" in summary and "语文组党支部1000010" in summary
    assert "全校441000430" in summary
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 / 共 {total} 页" in text, number
        assert "吴管理员 于 2026-07-15 10:00 生成" in text
    # Each branch starts on its own page and names itself in the header of each of its pages.
    math = [n for n, t in enumerate(pages) if "示范学院 · 数学组党支部 · 学期考核 2026春" in t]
    chinese = [n for n, t in enumerate(pages) if "示范学院 · 语文组党支部 · 学期考核 2026春" in t]
    assert math == list(range(2, 2 + len(math))) and len(math) >= 2
    assert chinese == list(range(math[-1] + 1, total))
    assert "数学组党支部学期考核：2026春" in squashed(pages[math[0]])
    assert "孙书记" in squashed("".join(pages[n] for n in chinese))


def test_r64_stored_school_pdf_regenerates_byte_for_byte(export, frozen_time):
    """A stored PDF can be checked against a regeneration: fixed creation date (the export's
    start) and identifier (a hash of the content), the requester as the generator."""
    stored = export.file.read()
    with frozen_time(NOW + datetime.timedelta(hours=5)):
        again = assessment_services.assessment_export_pdf(
            export=AssessmentExport.objects.get(pk=export.pk)
        )
    assert again == stored
    reader = PdfReader(io.BytesIO(stored))
    assert reader.metadata["/CreationDate"].startswith("D:20260715100000+08'00")
    Assessment.objects.filter(grade=Grade.EXCELLENT).update(grade=Grade.QUALIFIED)
    changed = assessment_services.assessment_export_pdf(
        export=AssessmentExport.objects.get(pk=export.pk)
    )
    assert changed != stored
    assert PdfReader(io.BytesIO(changed)).trailer["/ID"][0] != reader.trailer["/ID"][0]


def test_r62_stored_inspection_pdf_regenerates_byte_for_byte(
    secretary, member_a, client_for, frozen_time
):
    with frozen_time(NOW):
        inspection = inspection_services.inspection_scheduled(
            branch=secretary.branch, half="2026H1", today=datetime.date(2026, 7, 15)
        )
    stored = Inspection.objects.get(pk=inspection.pk).pdf.read()
    with frozen_time(NOW + datetime.timedelta(days=3)):
        regenerated = inspection_services.inspection_pdf(
            inspection=Inspection.objects.get(pk=inspection.pk)
        )
        served = body(
            client_for(secretary).get(reverse("inspections:inspection_pdf", args=[inspection.pk]))
        )
    assert regenerated == stored and served == stored
    text = page_texts(stored)[0]
    assert "系统（定时生成） 于 2026-07-15 10:00 生成" in text and "第 1 页 / 共" in text


@pytest.mark.parametrize(
    "who, url_name, generator",
    [
        ("secretary", "inspections:assessment_branch_pdf", "王书记"),
        ("secretary", "talks:box_poster", "王书记"),
        ("member_a", "talks:handbook_pdf", "李老师"),
    ],
)
def test_issue18_every_pdf_names_its_generator_date_and_pages(
    who, url_name, generator, request, school, client_for, frozen_time
):
    person = request.getfixturevalue(who)
    with frozen_time(NOW):
        response = client_for(person).get(reverse(url_name), {"semester": school.pk})
    assert response.status_code == 200
    pages = page_texts(body(response))
    for number, text in enumerate(pages, start=1):
        assert f"{generator} 于 2026-07-15 10:00 生成" in text
        assert f"第 {number} 页 / 共 {len(pages)} 页" in text
        assert person.user.username not in text


def test_issue18_same_request_twice_gives_the_same_bytes(
    secretary, school, client_for, frozen_time
):
    client = client_for(secretary)
    url = reverse("inspections:assessment_branch_pdf")
    with frozen_time(NOW):
        first = body(client.get(url, {"semester": school.pk}))
        second = body(client.get(url, {"semester": school.pk}))
    assert first == second


def test_r62_inspection_pdf_never_breaks_a_name_or_a_header(
    secretary, tmp_path, client_for, frozen_time
):
    """「向梓/丹」, 「完成/率」: each name and header stays on one line of the extracted text."""
    names = ["向梓丹", "欧阳明月", "司马相如"]
    for number, name in enumerate(names):
        MemberFactory(user=UserFactory(username=f"n{number}"), name=name, branch=secretary.branch)
    with frozen_time(NOW):
        inspection = inspection_services.inspection_generate(
            branch=secretary.branch, half="2026H1", by=secretary.user
        )
        pdf = body(
            client_for(secretary).get(reverse("inspections:inspection_pdf", args=[inspection.pk]))
        )
    lines = layout_text(pdf, tmp_path).splitlines()
    headers = [
        _("Member"),
        _("Completion"),
        _("Opinions conveyed"),
        _("Five-leads activities"),
        _("Talks explaining party policy"),
        _("Confirmed by the contact"),
        _("Policy explained"),
        _("Must-talks on time / late / open / overdue"),
    ]
    for word in [*names, *headers]:
        assert any(word in line for line in lines), f"{word!r} is broken across lines"


def test_issue18_download_names_in_chinese_with_branch_and_period(
    secretary, admin, school, export, client_for
):
    def name_of(response) -> str:
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename*=utf-8''"), disposition
        return disposition.split("''", 1)[1]

    client = client_for(secretary)
    branch_pdf = client.get(reverse("inspections:assessment_branch_pdf"), {"semester": school.pk})
    assert name_of(branch_pdf) == quote("数学组党支部-2026春-考核结果.pdf")
    download = client_for(admin).get(reverse("inspections:export_download", args=[export.pk]))
    assert name_of(download) == quote("示范学院-2026春-考核结果.pdf")
    inspection = inspection_services.inspection_generate(branch=secretary.branch, half="2026H1")
    response = client.get(reverse("inspections:inspection_pdf", args=[inspection.pk]))
    assert name_of(response) == quote("数学组党支部-2026年上半年-半年检查-第1版.pdf")
    matrix = client.get(reverse("inspections:matrix_export", args=[secretary.branch_id]))
    assert re.fullmatch(
        quote("数学组党支部-")
        + r"\d{4}-\d\d-\d\d"
        + quote("至")
        + r"\d{4}-\d\d-\d\d"
        + quote("-每月谈话情况.xlsx"),
        name_of(matrix),
    )
    opinions = client.get(reverse("inspections:opinion_export", args=[secretary.branch_id]))
    assert name_of(opinions).startswith(quote("数学组党支部-"))
    assert quote("-意见建议") in name_of(opinions) and name_of(opinions).endswith(".xlsx")
    assert name_of(client.get(reverse("talks:box_poster"))) == quote("数学组党支部-意见箱海报.pdf")
    roster = client.get(reverse("contacts:roster_template", args=["xlsx"]))
    assert name_of(roster) == quote("联系对象名单模板.xlsx")


def test_r64_formula_explained_with_the_branchs_own_weights(secretary, school, client_for):
    branch = secretary.branch
    branch.weight_months, branch.weight_musttalks, branch.weight_opinions = 60, 15, 5
    branch.weight_leads, branch.weight_report, branch.weight_confirmations = 5, 10, 5
    branch.save()
    client = client_for(secretary)
    page = client.get(reverse("inspections:assessment_list"), {"semester": school.pk})
    html = page.content.decode()
    assert "docs/assessment.md" not in html
    expected = "得分 = 60 × 每月谈话和听取工作汇报得分率 + 15 × 五必谈事项得分率 + 5 × 意见建议"
    assert expected.replace(" ", "")[:30] in squashed(re.sub(r"<[^>]+>", "", html))
    assert "联系对象确认的记录数 ÷ 记录数" in html and "权重 60" in html
    pdf = body(client.get(reverse("inspections:assessment_branch_pdf"), {"semester": school.pk}))
    text = squashed("".join(page_texts(pdf)))
    assert "docs/assessment.md" not in text
    assert "得分怎么算" in text and "60×每月谈话和听取工作汇报得分率+15×五必谈事项得分率" in text
    assert "权重由数学组党支部设定（合计100）" in text


def test_r52_symposium_minutes_pdf_downloaded_and_audited(
    secretary, member_a, client_for, frozen_time
):
    from members.models import AuditAction, AuditLog
    from talks.models import Symposium

    symposium = Symposium.objects.create(
        branch=secretary.branch,
        held_on=datetime.date(2026, 5, 4),
        topic="教学改革座谈会",
        masses_representatives=6,
        minutes="与会教师就作业量提出三条建议。",
        recorded_by=secretary.user,
    )
    symposium.members_attended.add(member_a)
    client = client_for(member_a)
    page = client.get(reverse("talks:symposium_detail", args=[symposium.pk])).content.decode()
    url = reverse("talks:symposium_pdf", args=[symposium.pk])
    assert url in page
    with frozen_time(NOW):
        response = client.get(url)
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(
        "数学组党支部-2026-05-04-座谈会纪要.pdf"
    )
    text = squashed("".join(page_texts(body(response))))
    assert "座谈会纪要：教学改革座谈会" in text and "与会教师就作业量提出三条建议。" in text
    assert "记录人" in text and "王书记" in text and "第1页/共1页" in text
    assert "李老师于2026-07-1510:00生成" in text
    assert AuditLog.objects.filter(
        action=AuditAction.EXPORT, object_repr__startswith="symposium minutes PDF"
    ).exists()
