"""Issue 6 login protection: lockout per username and IP (django-axes), one answer for known and
unknown usernames, the lockout audited, password validators, sessions in the database."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from members.models import AuditAction, AuditLog

PASSWORD = "a-long-test-password"  # tests/factories.py
START = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def login(client, username, password, ip="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail(client, username, times, ip="127.0.0.1"):
    return [login(client, username, "wrong-password-123", ip).status_code for _ in range(times)]


def is_lockout(response) -> bool:
    return "registration/locked_out.html" in [t.name for t in response.templates]


def test_lockout_after_five_failures_for_fifteen_minutes(client, member_a, frozen_time):
    """The 15 minutes run from the last attempt: trying on while locked keeps the lock."""
    with frozen_time(START) as traveller:
        assert fail(client, "member_a", 4) == [200, 200, 200, 200]
        fifth = login(client, "member_a", "wrong-password-123")
        assert fifth.status_code == 429 and is_lockout(fifth)
        # Locked out: even the right password is refused, and no session is made.
        right = login(client, "member_a", PASSWORD)
        assert right.status_code == 429 and is_lockout(right)
        assert "_auth_user_id" not in client.session
        traveller.shift(datetime.timedelta(minutes=14))
        assert login(client, "member_a", PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(minutes=14, seconds=59))
        assert login(Client(), "member_a", PASSWORD, ip="127.0.0.1").status_code == 429
        traveller.shift(datetime.timedelta(minutes=15, seconds=1))
        response = login(client, "member_a", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")


def test_lockout_is_per_username_and_ip(client, member_a, member_b, frozen_time):
    with frozen_time(START):
        fail(client, "member_a", 5)
        assert login(Client(), "member_a", PASSWORD, ip="10.1.2.3").status_code == 302
        assert login(Client(), "member_b", PASSWORD).status_code == 302
        assert login(Client(), "member_a", PASSWORD).status_code == 429


def test_lockout_is_audited_without_the_password(client, member_a, frozen_time):
    with frozen_time(START):
        fail(client, "member_a", 5)
    rows = AuditLog.objects.order_by("id")
    actions = list(rows.values_list("action", flat=True))
    assert sorted(actions) == sorted([AuditAction.LOGIN_FAILED] * 5 + [AuditAction.LOCKOUT])
    lockout = rows.get(action=AuditAction.LOCKOUT)
    assert lockout.object_repr == "member_a" and lockout.ip == "127.0.0.1"
    assert all("wrong-password" not in str(row.details) for row in rows)


def _normalized(response, username: str) -> str:
    """The page without what differs between any two responses (CSRF token, CSP nonce) and
    without the username typed, which the form shows back."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    return html.replace(username, "USERNAME")


def test_unknown_and_known_usernames_get_the_same_answer(member_a):
    known = login(Client(), "member_a", "wrong-password-123")
    unknown = login(Client(), "nobody_here", "wrong-password-123")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    assert _normalized(known, "member_a") == _normalized(unknown, "nobody_here")


def test_unknown_and_known_usernames_are_locked_out_alike(member_a, frozen_time):
    with frozen_time(START):
        known, unknown = Client(), Client()
        assert fail(known, "member_a", 5) == fail(unknown, "nobody_here", 5)
        a, b = login(known, "member_a", PASSWORD), login(unknown, "nobody_here", PASSWORD)
    assert a.status_code == b.status_code == 429
    assert _normalized(a, "member_a") == _normalized(b, "nobody_here")


def test_a_deactivated_account_gets_the_same_answer_as_a_wrong_password(deactivated, member_a):
    inactive = login(Client(), "deactivated", PASSWORD)
    wrong = login(Client(), "member_a", "wrong-password-123")
    assert inactive.status_code == wrong.status_code == 200
    assert inactive.context["form"].errors == wrong.context["form"].errors


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Xk9#pq2!vL4", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("123456789012345", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused(password, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_password(password)
    assert message in error.value.messages


def test_a_long_uncommon_password_is_accepted():
    assert validate_password("liaison-Xk9#pq2!vL4") is None


def test_a_password_like_the_username_is_refused(member_a):
    member_a.user.username = "zhangsanfeng"
    with pytest.raises(ValidationError):
        validate_password("zhangsanfeng1", user=member_a.user)


def test_sessions_live_in_the_database_not_in_redis(client, member_a):
    """Redis down must not log anyone out: sessions are rows, the cache is per process."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert "redis" not in settings.CACHES["default"]["BACKEND"].lower()
    login(client, "member_a", PASSWORD)
    session = Session.objects.get()
    assert session.get_decoded()["_auth_user_id"] == str(member_a.user.pk)
    assert client.get(reverse("talks:my_page")).status_code == 200


def test_logout_deletes_the_session_row(client, member_a):
    login(client, "member_a", PASSWORD)
    client.post(reverse("logout"))
    assert not Session.objects.exists()
