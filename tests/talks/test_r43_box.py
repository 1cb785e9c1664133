"""R43: the staff opinion box without login: receipt codes, the status page, abuse limits, the
poster; the answer reaches the person (the relaying member and the secretary are notified)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from members.models import AuditLog, Notification, NotificationKind
from talks.models import Opinion, OpinionSource, OpinionStatus
from talks.services import opinions as opinion_services
from talks.services import records as record_services

from ..factories import TalkLogFactory
from ..ratelimits import clear_rate_limits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    clear_rate_limits()


def _code_of(page) -> str:
    return page.html.select_one("#receipt-code").text.strip()


def test_r43_anonymous_submits_and_reads_the_answer_by_code(app, branch, secretary):
    page = app.get(reverse("public:branch_box", args=[branch.pk]))
    form = page.forms["box-form"]
    form["content"] = "希望图书馆周末开放。"
    form["category"] = "conditions"
    receipt = form.submit("send")
    code = _code_of(receipt)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert receipt.html.select_one(".qr svg")
    opinion = Opinion.objects.get()
    assert opinion.source == OpinionSource.BOX and opinion.branch == branch
    assert opinion.raised_by_name == "" and opinion.contact_way == ""
    assert opinion.receipt_hash == opinion_services.code_hash(code) and code not in str(
        opinion.__dict__
    )
    created = AuditLog.objects.get(object_type="talks.opinion", action="create")
    assert created.ip == "127.0.0.1" and created.actor is None
    # The secretary hears of it at once.
    note = Notification.objects.get(kind=NotificationKind.OPINION)
    assert note.recipient == secretary.user and "图书馆" not in note.body

    # The secretary opens it (its first change has no user: the writer had no account).
    queue_page = app.get(reverse("talks:opinion_detail", args=[opinion.pk]), user="secretary")
    assert "图书馆" in queue_page.text
    status = app.get(reverse("public:box_status"), {"code": code})
    assert "Received" in status.html.select_one("#stages").text
    assert "图书馆" not in status.text  # the page shows the stage, not the text

    opinion_services.opinion_status_change(
        opinion=opinion,
        to_status=OpinionStatus.ANSWERED,
        answer="已与图书馆商定周六开放。",
        by=secretary.user,
    )
    # Read back by code, typed in lower case and without dashes, as people do.
    page = app.get(reverse("public:box_status"))
    lookup = page.forms["receipt-form"]
    lookup["code"] = code.replace("-", "").lower()
    answer = lookup.submit("look")
    assert answer.html.select_one("#answer").text == "已与图书馆商定周六开放。"
    # Answered straight from received: the stages passed over are not claimed.
    stages = answer.html.select_one("#stages").text
    assert "Received" in stages and "Answered" in stages and "Passed on" not in stages


def test_r43_school_box_lets_the_writer_pick_the_branch(app, branch, other_branch):
    form = app.get(reverse("public:school_box")).forms["box-form"]
    form["branch"] = str(other_branch.pk)
    form["content"] = "建议增加教师培训。"
    form["name"] = "张老师"
    form["contact_way"] = "分机 8123"
    form.submit("send")
    opinion = Opinion.objects.get()
    assert opinion.branch == other_branch
    assert (opinion.raised_by_name, opinion.contact_way) == ("张老师", "分机 8123")


def test_r43_empty_or_too_long_comes_back_and_nothing_written(app, branch):
    form = app.get(reverse("public:branch_box", args=[branch.pk])).forms["box-form"]
    form["content"] = "意" * 2001
    form["name"] = "留下的名字"
    page = form.submit("send")
    assert page.status_code == 200 and "box-form" in page.forms
    assert page.forms["box-form"]["name"].value == "留下的名字"
    assert not Opinion.objects.exists()


def test_r43_honeypot_writes_nothing(client, branch):
    response = client.post(
        reverse("public:branch_box", args=[branch.pk]),
        {"content": "买药", "website": "http://spam.example"},
    )
    assert response.status_code == 200
    assert not Opinion.objects.exists()


def test_r43_rate_limit_per_address(client, branch):
    url = reverse("public:branch_box", args=[branch.pk])
    answers = [client.post(url, {"content": f"第{i}条"}).status_code for i in range(6)]
    assert answers == [200] * 5 + [429]
    assert Opinion.objects.count() == 5
    # Another address is not held back by this one.
    other = client.post(url, {"content": "另一个人"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200 and Opinion.objects.count() == 6


def test_r43_unknown_wrong_and_malformed_codes_answer_alike(
    client, branch, django_assert_num_queries
):
    _opinion, code = opinion_services.box_submit(branch=branch, content="一条意见")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    pages = []
    for typed in (wrong, "ZZZZ-ZZZZ-ZZZZ", "<script>", "x" * 39):
        with django_assert_num_queries(1):  # one lookup, whatever was typed
            response = client.get(reverse("public:box_status"), {"code": typed})
        body = response.content.decode()
        pages.append(body.count("No opinion has this receipt code"))
        assert "一条意见" not in body
    assert pages == [1, 1, 1, 1]


def test_r43_code_lookups_are_rate_limited(client, branch):
    url = reverse("public:box_status")
    answers = [client.get(url, {"code": f"AAAA-AAAA-{i:04d}"}).status_code for i in range(31)]
    assert answers[-1] == 429 and answers[:30] == [200] * 30


def test_r43_receipt_code_has_at_least_50_bits():
    assert len(opinion_services.ALPHABET) ** opinion_services.CODE_LENGTH >= 2**50
    codes = {opinion_services.new_code() for _ in range(2000)}
    assert len(codes) == 2000


def test_r43_box_form_needs_csrf(app, branch):
    response = app.post(
        reverse("public:branch_box", args=[branch.pk]), {"content": "x"}, expect_errors=True
    )
    assert response.status_code == 403
    assert not Opinion.objects.exists()


def test_r43_poster_pdf_for_the_secretary(app, branch, secretary):
    page = app.get(reverse("talks:box_page"), user="secretary")
    assert page.html.select_one(".qr svg")
    pdf = page.click(href=reverse("talks:box_poster"))
    assert pdf.content_type == "application/pdf" and pdf.body.startswith(b"%PDF")
    # Every download is audited (RULES.md "Who may read what").
    assert AuditLog.objects.filter(action="export", actor=secretary.user).exists()


def test_r43_relaying_member_notified_of_each_change_and_sees_answer(
    app, member_a, secretary, teacher_a
):
    talk = TalkLogFactory(assignment=teacher_a.assignments.get())
    (opinion,) = opinion_services.opinions_from_talk(
        talk=talk, lines=["希望多开教研活动。"], by=member_a.user
    )
    assert (
        Notification.objects.filter(kind=NotificationKind.OPINION, recipient=secretary.user).count()
        == 1
    )
    opinion_services.opinion_status_change(
        opinion=opinion, to_status=OpinionStatus.FORWARDED, by=secretary.user
    )
    opinion_services.opinion_status_change(
        opinion=opinion,
        to_status=OpinionStatus.ANSWERED,
        answer="下学期每月一次。",
        by=secretary.user,
    )
    notes = Notification.objects.filter(
        kind=NotificationKind.OPINION_STATUS, recipient=member_a.user
    )
    assert notes.count() == 2
    page = app.get(notes.first().link, user="member_a")
    assert "下学期每月一次。" in page.text
    detail = app.get(reverse("talks:talk_detail", args=[talk.pk]), user="member_a")
    assert "下学期每月一次。" in detail.text


def test_r43_secretary_is_not_notified_of_what_they_entered(secretary, branch):
    import datetime

    opinion_services.opinion_box_record(
        branch=branch,
        received_on=datetime.date.today(),
        raised_by_name="",
        content="纸条",
        by=secretary.user,
    )
    assert not Notification.objects.filter(kind=NotificationKind.OPINION).exists()


def test_r43_symposium_recorder_sees_the_answer_and_is_told(app, secretary, admin, branch):
    import datetime

    symposium = record_services.symposium_record(
        branch=branch,
        held_on=datetime.date.today(),
        topic="教代会前座谈",
        party_representatives=1,
        masses_representatives=3,
        members_present=2,
        participants="",
        minutes="",
        opinions=["建议公开绩效方案。"],
        by=secretary.user,
    )
    opinion = symposium.opinions.get()
    # The admin answers it: the secretary who recorded the symposium is told and sees it.
    opinion_services.opinion_status_change(
        opinion=opinion, to_status=OpinionStatus.ANSWERED, answer="下月公示。", by=admin.user
    )
    note = Notification.objects.get(kind=NotificationKind.OPINION_STATUS)
    assert note.recipient == secretary.user and "绩效" not in note.body
    page = app.get(reverse("talks:my_opinions"), user="secretary")
    assert "下月公示。" in page.text
