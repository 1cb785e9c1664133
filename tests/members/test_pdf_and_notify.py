import subprocess

import pytest
from django.core import mail
from django.db import transaction

from members import notify
from members.models import EmailState, Notification
from members.pdf import render_pdf


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def pdf_template(settings, tmp_path):
    folder = tmp_path / "tpl" / "pdf"
    folder.mkdir(parents=True)
    (folder / "probe.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>{{ title }}</h1>'
        '<img src="{{ src }}"><p>{{ body }}</p>{% endblock %}',
        encoding="utf-8",
    )
    template = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**template, "DIRS": [tmp_path / "tpl", *template["DIRS"]]}]
    return "pdf/probe.html"


def test_pdf_embeds_the_chinese_font_and_text(pdf_template, tmp_path):
    pdf = render_pdf(pdf_template, {"title": "党员工作手册", "body": "联系群众", "src": ""})
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "党员工作手册" in text and "联系群众" in text
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "out.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "WenQuanYi" in fonts


@pytest.mark.parametrize(
    "src", ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "/static/../../etc/hostname"]
)
def test_pdf_fetches_nothing_named_in_user_text(pdf_template, src, monkeypatch):
    import urllib.request

    def refuse(*args, **kwargs):
        raise AssertionError("the renderer tried to fetch a URL")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    assert render_pdf(pdf_template, {"title": "t", "body": "b", "src": src}).startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_notification_is_created_once_and_emailed_after_commit(member_a):
    with transaction.atomic():
        first = notify.notify(
            recipient=member_a.user, kind="monthly", period="2026-11", subject="提醒", body="本月"
        )
        assert mail.outbox == []
    again = notify.notify(
        recipient=member_a.user, kind="monthly", period="2026-11", subject="提醒", body="本月"
    )
    assert first is not None and again is None
    assert Notification.objects.count() == 1
    # Embedded mode sent it at commit; with a broker and no worker here, the sweep sends it.
    notify.sweep()
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "提醒"
    assert Notification.objects.get().email_state == EmailState.SENT


def test_unknown_recipient_is_not_retried_and_others_are_sent(member_a, member_b, settings):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    class Refusing(EmailBackend):
        def send_messages(self, messages):
            if messages[0].to == [member_a.user.email]:
                raise smtplib.SMTPRecipientsRefused({member_a.user.email: (550, b"unknown")})
            return super().send_messages(messages)

    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    globals()["Refusing"] = Refusing
    rows = [
        Notification.objects.create(
            recipient=m.user, kind="monthly", period="p", subject="s", body="b"
        )
        for m in (member_a, member_b)
    ]
    assert notify.sweep() == 2
    states = dict(Notification.objects.values_list("pk", "email_state"))
    assert states[rows[0].pk] == EmailState.FAILED
    assert states[rows[1].pk] == EmailState.SENT
    assert notify.sweep() == 0
