"""R42: the contact confirms a talk without an account (signed link, one answer, denial flagged)."""

from __future__ import annotations

import datetime

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members.models import AuditLog, Notification, NotificationKind
from talks.models import ConfirmationState, Opinion, OpinionSource, TalkConfirmation, TalkLog
from talks.services import confirmation
from talks.services import talks as talk_services

from ..factories import TalkLogFactory
from ..ratelimits import clear_rate_limits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The rate limits count per address on the cache; each test starts from none."""
    clear_rate_limits()


@pytest.fixture
def talk(teacher_a):
    today = timezone.localdate()
    return TalkLogFactory(
        assignment=teacher_a.assignments.get(),
        date=today,
        place="教研室",
        about_work=True,
        content="谈了职称评审材料的准备。",
        observation="对政策理解到位。",
    )


def _link(app, member, talk) -> str:
    """The member asks for a link on the talk's page, as they would, and reads it off the page."""
    page = app.get(reverse("talks:talk_detail", args=[talk.pk]), user=member.user.username)
    page = page.click(href=reverse("talks:talk_confirmation", args=[talk.pk]))
    page = page.forms["confirmation-request-form"].submit("request").follow()
    assert page.html.select_one("svg"), "a QR code is drawn on the page"
    url = page.html.select_one("#confirmation-link")["value"]
    return url.removeprefix("http://127.0.0.1:8000")


def test_r42_member_makes_link_contact_confirms_without_account(app, member_a, secretary, talk):
    path = _link(app, member_a, talk)
    talk.refresh_from_db()
    assert talk.confirmation_state == ConfirmationState.PENDING
    app.reset()  # a phone without a session
    page = app.get(path)
    text = page.html.get_text()
    assert "李老师" in text and talk.date.isoformat() in text and "教研室" in text
    # Never the content, the observation, or the contact's data.
    assert "职称评审" not in text and "政策理解" not in text and "陈老师" not in text
    form = page.forms["confirmation-form"]
    form["word"] = "谈得很实在，谢谢。"
    result = form.submit("confirm").follow()
    assert "You confirmed that this talk took place." in result.text
    talk.refresh_from_db()
    assert talk.confirmation_state == ConfirmationState.CONFIRMED
    row = TalkConfirmation.objects.get(talk=talk)
    assert row.answer == ConfirmationState.CONFIRMED and row.word == "谈得很实在，谢谢。"
    assert row.answered_ip == "127.0.0.1"
    entry = AuditLog.objects.get(object_type="talks.talkconfirmation", action="update")
    assert entry.ip == "127.0.0.1" and entry.actor is None
    assert entry.details["answer"] == "confirmed"
    # The member's page shows the state; no denial was flagged.
    detail = app.get(reverse("talks:talk_detail", args=[talk.pk]), user="member_a")
    assert "Confirmed" in detail.html.select_one("#confirmation-state").text
    assert not Notification.objects.filter(kind=NotificationKind.TALK_DENIED).exists()


def test_r42_denial_is_flagged_to_the_secretary_and_opinion_queued(app, member_a, secretary, talk):
    path = _link(app, member_a, talk)
    app.reset()
    form = app.get(path).forms["confirmation-form"]
    form["word"] = "那天我不在学校。"
    form["opinion"] = "希望食堂延长晚饭时间。"
    form.submit("deny").follow()
    talk.refresh_from_db()
    assert talk.confirmation_state == ConfirmationState.DENIED
    flagged = Notification.objects.get(kind=NotificationKind.TALK_DENIED)
    assert flagged.recipient == secretary.user
    # The notification leaves the app by email: no contact name, no word of the contact.
    assert "陈老师" not in flagged.body and "不在学校" not in flagged.body
    opinion = Opinion.objects.get(source=OpinionSource.CONFIRMATION)
    assert opinion.contact_id == talk.contact_id and opinion.conveyed_by is None
    assert opinion.content == "希望食堂延长晚饭时间。"
    # What the contact wrote to the branch is not shown to the member on their talk page.
    detail = app.get(reverse("talks:talk_detail", args=[talk.pk]), user="member_a")
    assert "食堂" not in detail.text
    assert AuditLog.objects.filter(
        object_type="talks.talkconfirmation", action="update", ip="127.0.0.1"
    ).exists()


def test_r42_reused_link_shows_the_answer_given(app, member_a, talk):
    path = _link(app, member_a, talk)
    app.reset()
    app.get(path).forms["confirmation-form"].submit("confirm")
    again = app.get(path)
    assert "confirmation-form" not in again.forms
    assert "You confirmed" in again.html.select_one("#confirmation-answer").text
    # A replayed POST (a second tap) changes nothing.
    row = TalkConfirmation.objects.get(talk=talk)
    assert row.answer == "confirmed"


def test_r42_replayed_post_on_answered_link_writes_nothing(client, member_a, talk):
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    url = confirmation.link_for(row)
    client.post(url, {"confirm": "1"})
    client.post(url, {"deny": "1", "word": "改主意"})
    row.refresh_from_db()
    talk.refresh_from_db()
    assert row.answer == "confirmed" and row.word == ""
    assert talk.confirmation_state == ConfirmationState.CONFIRMED
    answers = AuditLog.objects.filter(object_type="talks.talkconfirmation", action="update")
    assert answers.count() == 1


def test_r42_expired_link_gets_the_plain_page(client, member_a, talk):
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    TalkConfirmation.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(confirmation.link_for(row))
    assert response.status_code == 404
    assert "This link cannot be used" in response.content.decode()
    response = client.post(confirmation.link_for(row), {"confirm": "1"})
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.answered_at is None


def test_r42_validity_is_the_branch_setting(member_a, talk):
    member_a.branch.confirmation_valid_days = 3
    member_a.branch.save()
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    assert row.expires_at - row.created_at == datetime.timedelta(days=3)


def test_r42_tampered_and_unknown_links_get_the_same_page(client, member_a, talk):
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    token = confirmation.token_for(row)
    # Another talk's id under the same signature, a forged signature, garbage, another salt.
    forged = signing.Signer(salt=confirmation.SALT).sign_object({"c": row.pk + 1, "t": 1, "v": 1})
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    other_salt = signing.Signer(salt="elsewhere").sign_object({"c": row.pk, "t": talk.pk, "v": 1})
    bodies = set()
    for bad in (tampered, forged, "nonsense", other_salt):
        response = client.get(reverse("public:confirm", args=[bad]))
        assert response.status_code == 404
        bodies.add(response.content.decode().count("This link cannot be used"))
    assert bodies == {2}  # title and heading, the same page each time


def test_r42_editing_the_talk_voids_the_link(app, member_a, talk):
    path = _link(app, member_a, talk)
    edit = app.get(reverse("talks:talk_edit", args=[talk.pk]), user="member_a")
    form = edit.forms["talk-form"]
    form["place"] = "会议室"
    form.submit("save").follow()
    talk.refresh_from_db()
    assert talk.version == 2 and talk.confirmation_state == ConfirmationState.NONE
    app.reset()
    response = app.get(path, expect_errors=True)
    assert response.status_code == 404


def test_r42_edit_after_answer_voids_the_answer(member_a, talk):
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    confirmation.confirmation_answer(confirmation=row, confirmed=True)
    talk.refresh_from_db()
    talk_services.talk_log_update(
        talk=talk,
        date=talk.date,
        place="另一处",
        is_talk=True,
        is_work_report=True,
        content=talk.content,
        by=member_a.user,
    )
    talk.refresh_from_db()
    assert talk.confirmation_state == ConfirmationState.NONE
    assert confirmation.open_link(confirmation.token_for(row)).state is None


def test_r42_answer_racing_an_edit_is_refused(member_a, talk):
    """The link was opened before the edit and answered after it: the edit wins."""
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    opened = confirmation.open_link(confirmation.token_for(row))
    TalkLog.objects.filter(pk=talk.pk).update(version=2, confirmation_state="none")
    with pytest.raises(ValidationError):
        confirmation.confirmation_answer(confirmation=opened.confirmation, confirmed=True)
    row.refresh_from_db()
    assert row.answered_at is None


def test_r42_only_the_author_asks(app, member_a, member_b, talk):
    response = app.post(
        reverse("talks:talk_confirmation", args=[talk.pk]), user="member_b", expect_errors=True
    )
    assert response.status_code in (403, 404)
    assert not TalkConfirmation.objects.exists()


def test_r42_same_link_again_while_pending(member_a, talk):
    first = confirmation.confirmation_request(talk=talk, by=member_a.user)
    second = confirmation.confirmation_request(talk=talk, by=member_a.user)
    assert first.pk == second.pk and TalkConfirmation.objects.count() == 1


def test_r42_word_too_long_comes_back_and_nothing_written(app, member_a, talk):
    path = _link(app, member_a, talk)
    app.reset()
    form = app.get(path).forms["confirmation-form"]
    form["word"] = "长" * 501
    form["opinion"] = "留着这句"
    page = form.submit("confirm")
    assert page.status_code == 200
    assert page.forms["confirmation-form"]["opinion"].value == "留着这句"
    talk.refresh_from_db()
    assert talk.confirmation_state == ConfirmationState.PENDING
    assert not Opinion.objects.exists()


def test_r42_confirmation_rate_limit_per_address(client, member_a, talk, settings):
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    url = reverse("public:confirm", args=["nonsense"])
    answers = [client.post(url, {"confirm": "1"}).status_code for _ in range(21)]
    assert answers[:20] == [404] * 20 and answers[20] == 429
    # The real link from the same address is refused too, until the hour is over.
    assert client.post(confirmation.link_for(row), {"confirm": "1"}).status_code == 429


def test_r42_dashboard_shows_states_and_flags_denials(client_for, member_a, secretary, talk):
    from inspections.models import Semester

    today = timezone.localdate()
    Semester.objects.create(
        name="本学期",
        start_on=today - datetime.timedelta(days=60),
        end_on=today + datetime.timedelta(days=60),
    )
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    confirmation.confirmation_answer(confirmation=row, confirmed=False, word="没见过面")
    page = client_for(secretary).get(reverse("inspections:branch_home"), follow=True)
    html = page.content.decode()
    assert "Talks the contact says did not take place" in html and "没见过面" in html
    assert 'id="confirmation-table"' in html


def test_r42_dashboard_confirmation_queries_do_not_grow(
    client_for, branch, member_a, secretary, talk, django_assert_max_num_queries
):
    from inspections.models import Semester
    from tests.factories import AssignmentFactory, ContactFactory, MemberFactory, UserFactory

    today = timezone.localdate()
    Semester.objects.create(
        name="本学期",
        start_on=today - datetime.timedelta(days=60),
        end_on=today + datetime.timedelta(days=60),
    )
    url = reverse("inspections:branch_dashboard", args=[branch.pk])
    client = client_for(secretary)
    client.get(url)

    def grow(n):
        for i in range(n):
            member = MemberFactory(user=UserFactory(), name=f"成员{i}", branch=branch)
            assignment = AssignmentFactory(member=member, contact=ContactFactory(branch=branch))
            record = TalkLogFactory(assignment=assignment, date=today)
            request = confirmation.confirmation_request(talk=record, by=member.user)
            confirmation.confirmation_answer(confirmation=request, confirmed=i % 2 == 0)

    grow(2)
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    grow(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("成员") >= 17


def test_r42_confirmation_rate_in_figures_and_weighted_in_the_score(member_a, teacher_a, talk):
    from inspections import scoring
    from talks import obligations

    TalkLogFactory(assignment=teacher_a.assignments.get(), date=talk.date)
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    confirmation.confirmation_answer(confirmation=row, confirmed=True)
    start = talk.date.replace(day=1)
    figures = obligations.member_figures(
        type(member_a).objects.filter(pk=member_a.pk), start, talk.date
    )[member_a.pk].as_dict()
    assert (figures["records"], figures["records_confirmed"]) == (2, 1)
    assert figures["confirmation_rate"] == 0.5
    rates = scoring.rates(figures, None)
    assert rates["confirmations"] == 0.5
    # Default weight 0: the score does not move; with a branch weight it counts.
    assert member_a.branch.weights["confirmations"] == 0
    weights = {**member_a.branch.weights, "months": 40, "confirmations": 10}
    with_weight = scoring.breakdown(weights, {**figures, "completion_rate": 1.0}, None)
    part = next(p for p in with_weight["parts"] if p["key"] == "confirmations")
    assert (part["rate"], part["points"]) == (50.0, 5.0)


def test_r42_confirmation_rate_in_the_inspection(member_a, secretary, talk):
    from inspections.selectors import inspections as inspection_selectors

    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    confirmation.confirmation_answer(confirmation=row, confirmed=False)
    half = f"{talk.date.year}H{1 if talk.date.month <= 6 else 2}"
    data = inspection_selectors.inspection_data(branch=member_a.branch, half=half)
    assert (data["totals"]["records"], data["totals"]["records_denied"]) == (1, 1)
    assert data["totals"]["confirmation_rate"] == 0.0
    mine = next(r for r in data["members"] if r["name"] == member_a.name)
    assert mine["figures"]["records_denied"] == 1


def test_r42_admin_sees_a_denial_but_not_the_contacts_word(client_for, member_a, admin, talk):
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    confirmation.confirmation_answer(confirmation=row, confirmed=False, word="私下的话")
    url = reverse("inspections:branch_dashboard", args=[member_a.branch_id])
    html = client_for(admin).get(url).content.decode()
    assert "Talks the contact says did not take place" in html
    assert "私下的话" not in html


def test_r42_asking_again_after_the_answer_is_refused_on_the_page(app, member_a, talk):
    page = app.get(reverse("talks:talk_confirmation", args=[talk.pk]), user="member_a")
    form = page.forms["confirmation-request-form"]
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    confirmation.confirmation_answer(confirmation=row, confirmed=True)
    # The page was open before the contact answered; its button is pressed after.
    result = form.submit("request").follow()
    assert "The contact has already answered for this record." in result.text
    assert TalkConfirmation.objects.count() == 1
    assert (
        "confirmation-request-form"
        not in app.get(reverse("talks:talk_confirmation", args=[talk.pk]), user="member_a").forms
    )


def test_r42_an_edit_does_not_erase_a_denial(client_for, member_a, secretary, talk):
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    confirmation.confirmation_answer(confirmation=row, confirmed=False, word="没谈过")
    talk.refresh_from_db()
    talk_services.talk_log_update(
        talk=talk,
        date=talk.date,
        place="改过的地点",
        is_talk=True,
        is_work_report=True,
        content=talk.content,
        by=member_a.user,
    )
    talk.refresh_from_db()
    assert talk.confirmation_state == ConfirmationState.DENIED
    dashboard = reverse("inspections:branch_dashboard", args=[member_a.branch_id])
    assert "没谈过" in client_for(secretary).get(dashboard).content.decode()
    # The member may ask again for the new text; the denial shows until the contact confirms.
    again = confirmation.confirmation_request(talk=talk, by=member_a.user)
    talk.refresh_from_db()
    assert again.version == 2 and talk.confirmation_state == ConfirmationState.DENIED
    confirmation.confirmation_answer(confirmation=again, confirmed=True)
    talk.refresh_from_db()
    assert talk.confirmation_state == ConfirmationState.CONFIRMED
    assert "没谈过" not in client_for(secretary).get(dashboard).content.decode()


def test_r42_a_denied_talk_cannot_be_deleted(app, member_a, talk):
    row = confirmation.confirmation_request(talk=talk, by=member_a.user)
    confirmation.confirmation_answer(confirmation=row, confirmed=False)
    page = app.get(reverse("talks:talk_delete", args=[talk.pk]), user="member_a")
    result = page.forms["talk-delete-form"].submit().follow()
    assert "it stays for the secretary" in result.text
    assert TalkLog.objects.filter(pk=talk.pk).exists()
    assert TalkConfirmation.objects.filter(talk=talk, answer="denied").exists()
