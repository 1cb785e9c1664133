"""R410 (issue 15 item 8, issue 14): the handbook holds every liaison record of the member's
semester, on the page and in the PDF: talks with place and aspects helped, assistance to
hardship contacts, must-talk events and how each closed, opinions relayed and their outcome,
five-leads activities, symposiums attended. Confidential text only as RULES.md allows."""

import datetime
import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from contacts.models import Assignment, AssistanceRecord
from inspections.models import Semester
from members.models import AuditAction, AuditLog, FiveLeadActivity
from talks.models import Opinion, OpinionSource, OpinionStatus, Symposium
from tests.factories import MustTalkEventFactory, TalkLogFactory

D = datetime.date
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(2026, 11, 20, 9)


@pytest.fixture
def records(member_a, member_b, teacher_a, hardship_a):
    talk = TalkLogFactory(
        assignment=Assignment.objects.get(contact=teacher_a),
        date=D(2026, 10, 15),
        place="教研室三楼",
        about_thought=True,
        about_work=True,
        explains_policy=True,
        content="谈了新课标",
    )
    AssistanceRecord.objects.create(
        contact=hardship_a, author=member_a, date=D(2026, 10, 8), what="送去慰问金两千元"
    )
    closed = MustTalkEventFactory(
        contact=teacher_a, member=member_a, occurred_on=D(2026, 10, 10), sub_kind="promotion"
    )
    closed.closed_on = D(2026, 10, 15)
    closed.save()
    MustTalkEventFactory(contact=teacher_a, member=member_a, occurred_on=D(2026, 11, 1))
    Opinion.objects.create(
        branch=member_a.branch,
        source=OpinionSource.TALK,
        talk=talk,
        conveyed_by=member_a,
        content="希望增加实验室开放时间",
        status=OpinionStatus.ANSWERED,
        answer="实验室周末开放",
        answered_at=datetime.datetime(2026, 10, 20, 9, tzinfo=SH),
        received_on=D(2026, 10, 15),
        due_on=D(2026, 10, 29),
    )
    FiveLeadActivity.objects.create(
        member=member_a, kind="open_class", date=D(2026, 10, 20), title="公开课《函数》"
    )
    symposium = Symposium.objects.create(
        branch=member_a.branch, held_on=D(2026, 11, 5), topic="教师减负座谈", members_present=2
    )
    symposium.members_attended.set([member_a])
    # Another member's records are not in member_a's handbook.
    Symposium.objects.create(branch=member_a.branch, held_on=D(2026, 11, 6), topic="别人的座谈")
    FiveLeadActivity.objects.create(
        member=member_b, kind="paper", date=D(2026, 10, 21), title="别人的论文"
    )


EXPECTED = [
    "教研室三楼",  # the talk's place
    "送去慰问金两千元",  # assistance (the author reads it)
    "希望增加实验室开放时间",
    "实验室周末开放",  # the opinion's outcome
    "公开课《函数》",
    "教师减负座谈",
    "2026-10-15已谈话",  # the event closed by the talk
    "应于2026-11-08前谈话",  # the open one
]


def test_r410_handbook_page_holds_every_liaison_record(settings, client_for, member_a, records):
    settings.LANGUAGE_CODE = "zh-hans"
    page = client_for(member_a).get(reverse("talks:handbook")).content.decode()
    for text in EXPECTED:
        assert text in page, text
    assert "别人的座谈" not in page and "别人的论文" not in page
    assert "宣传解释" in page


def test_r410_handbook_pdf_holds_every_record_with_place_and_aspects(
    settings, client_for, member_a, records, tmp_path
):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client_for(member_a).get(reverse("talks:handbook_pdf"))
    pdf = tmp_path / "handbook.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.replace("\n", "")
    for expected in [*EXPECTED, "帮助方面", "思想", "工作"]:
        assert expected in text, expected
    assert "别人的座谈" not in text


def test_r410_leader_sees_the_assistance_dated_but_not_its_text(
    client_for, leader, member_a, records
):
    page = client_for(leader).get(reverse("talks:member_handbook", args=[member_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "刘师傅" in html and "2026-10-08" in html
    assert "送去慰问金两千元" not in html
    assert not AuditLog.objects.filter(
        action=AuditAction.VIEW_CONFIDENTIAL, actor=leader.user
    ).exists()
    # The author's read of it is audited.
    client_for(member_a).get(reverse("talks:handbook"))
    assert AuditLog.objects.filter(
        action=AuditAction.VIEW_CONFIDENTIAL, actor=member_a.user
    ).exists()


def test_r410_semester_report_links_to_that_semesters_handbook(client_for, member_a):
    semester = Semester.objects.create(name="2026秋", start_on=D(2026, 9, 1), end_on=D(2027, 1, 15))
    page = client_for(member_a).get(reverse("inspections:report_mine", args=[semester.pk]))
    link = reverse("talks:handbook") + "?start=2026-09-01&amp;end=2027-01-15"
    assert link in page.content.decode()


def _tick(form, member):
    for box in form.fields["members_attended"]:
        box.checked = box._value == str(member.pk)


def test_r410_symposium_form_ticks_the_members_who_attended(app, secretary, member_a, member_b):
    page = app.get(reverse("talks:symposium_create"), user="secretary")
    form = page.forms["symposium-form"]
    form["held_on"] = "2026-11-10"
    form["topic"] = "期中教学座谈"
    form["masses_representatives"] = "5"
    _tick(form, member_a)
    form.submit("save").follow()
    symposium = Symposium.objects.get(topic="期中教学座谈")
    assert list(symposium.members_attended.all()) == [member_a]
    handbook = app.get(reverse("talks:handbook"), user="member_a")
    assert "期中教学座谈" in handbook.text
    assert "期中教学座谈" not in app.get(reverse("talks:handbook"), user="member_b").text


def test_r410_refused_symposium_keeps_the_ticked_members(app, secretary, member_a):
    page = app.get(reverse("talks:symposium_create"), user="secretary")
    form = page.forms["symposium-form"]
    form["held_on"] = "2026-11-10"
    form["topic"] = "无人座谈"
    _tick(form, member_a)  # nobody counted: refused
    res = form.submit("save")
    assert res.status_code == 200 and not Symposium.objects.exists()
    boxes = res.forms["symposium-form"].fields["members_attended"]
    assert [box._value for box in boxes if box.checked] == [str(member_a.pk)]
