"""R47: a talk can be of the kind criticism and education (批评教育); such talks are
confidential like R51 category 4 (RULES.md "Who may read what")."""

import pytest
from django.urls import reverse

from members.models import AuditAction, AuditLog
from talks.models import TalkLog
from tests.factories import fill_talk_form

TEXT = "就上课迟到问题进行了批评教育，本人表示改正。"


@pytest.fixture(autouse=True)
def _today(frozen_time):
    frozen_time(2026, 10, 20, 9)


def _log_criticism(app, member, contact, **values):
    form = app.get(reverse("talks:talk_create"), user=member.user.username).forms["talk-form"]
    fill_talk_form(
        form,
        contact,
        date=values.get("date", "2026-10-18"),
        content=TEXT,
        aspects=["thought"],
        is_criticism=True,
    )
    return form.submit("save")


def test_r47_criticism_talk_is_confidential(
    app, client_for, member_a, secretary, leader, admin, teacher_a
):
    res = _log_criticism(app, member_a, teacher_a)
    assert res.status_code == 302, res.html.select(".invalid-feedback, .alert")
    res.follow()
    talk = TalkLog.objects.get()
    assert talk.is_criticism and talk.confidential
    page = reverse("talks:contact_detail", args=[teacher_a.pk])
    for reader in (leader, admin):
        assert TEXT not in client_for(reader).get(page).content.decode()
    assert TEXT in client_for(secretary).get(page).content.decode()
    assert AuditLog.objects.filter(
        action=AuditAction.VIEW_CONFIDENTIAL, actor=secretary.user, contact_id=teacher_a.pk
    ).exists()
    # The edit form keeps the kind ticked, and showing it is audited.
    edit = app.get(reverse("talks:talk_edit", args=[talk.pk]), user=member_a.user.username)
    assert edit.forms["talk-form"]["is_criticism"].checked
    assert AuditLog.objects.filter(
        action=AuditAction.VIEW_CONFIDENTIAL, actor=member_a.user, object_id=str(talk.pk)
    ).exists()


def test_r47_refused_form_keeps_the_criticism_tick(app, member_a, teacher_a):
    res = _log_criticism(app, member_a, teacher_a, date="2026-10-25")  # in the future
    assert res.status_code == 200
    form = res.forms["talk-form"]
    assert form["is_criticism"].checked and form["content"].value == TEXT
    assert not TalkLog.objects.exists()
