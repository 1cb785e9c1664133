import subprocess
import sys

import pytest
from django.urls import reverse

from members.models import AuditLog


def test_login_page_is_chinese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-Hans"' in html
    assert "登录" in html


def test_login_and_logout_are_audited(client, member_a):
    response = client.post(
        reverse("login"), {"username": "member_a", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    client.post(reverse("logout"))
    actions = list(AuditLog.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["login", "logout"]


def test_failed_login_is_audited_without_password(client, member_a):
    client.post(reverse("login"), {"username": "member_a", "password": "wrong-password-123"})
    row = AuditLog.objects.get()
    assert row.action == "login_failed" and row.object_repr == "member_a"
    assert "wrong-password" not in str(row.details)


def test_no_missing_migrations(db):
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize("env", [{"DEBUG": "0", "SECRET_KEY": ""}, {"DEBUG": "maybe"}])
def test_settings_fail_loudly_on_bad_values(env, tmp_path):
    import os

    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    clean["DJANGO_SETTINGS_MODULE"] = "branch_liaison.settings"  # the app's, not the tests'
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**clean, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_pages_are_chinese_whatever_the_browser_language(client, db):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in html


def test_english_can_be_chosen(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("login")).content.decode()
    assert "Log in" in html and 'lang="en"' in html
