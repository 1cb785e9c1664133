"""Production settings, security headers, health check and the generic error page."""

import os
import secrets
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse


def run_manage(*args, **env):
    """manage.py with the app's own settings, as production starts it (pytest-django puts
    tests/settings.py in the environment)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    clean["DJANGO_SETTINGS_MODULE"] = "branch_liaison.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], env={**clean, **env}, capture_output=True, text=True
    )


def test_check_deploy_passes_with_debug_off():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="liaison.example.edu.cn",
    )
    assert result.returncode == 0, result.stderr
    shown = run_manage(
        "diffsettings", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="x.cn"
    ).stdout
    assert "SESSION_COOKIE_NAME = '__Host-sessionid'" in shown
    assert "CSRF_COOKIE_NAME = '__Host-csrftoken'" in shown
    assert "SECURE_HSTS_SECONDS = 31536000" in shown


def test_postgresql_connections_price_random_reads_for_ssd_unless_told_otherwise():
    pg = {"DEBUG": "1", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"}
    assert "'options': '-c random_page_cost=1.1'" in run_manage("diffsettings", **pg).stdout
    shown = run_manage("diffsettings", PG_RANDOM_PAGE_COST="4", **pg).stdout
    assert "'options': '-c random_page_cost=4.0'" in shown
    assert "random_page_cost" not in run_manage("diffsettings", PG_RANDOM_PAGE_COST="", **pg).stdout
    refused = run_manage("check", PG_RANDOM_PAGE_COST="fast", **pg)
    assert refused.returncode != 0
    assert "PG_RANDOM_PAGE_COST must be a number (or empty), not 'fast'" in refused.stderr


def test_refuses_to_start_without_secret_key_when_debug_off():
    result = run_manage("check", DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="x.cn")
    assert result.returncode != 0 and "SECRET_KEY is required" in result.stderr


def test_security_headers_and_csp_without_unsafe_inline(client, member_a):
    client.force_login(member_a.user)
    response = client.get(reverse("members:whoami"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "no-store" in response["Cache-Control"]
    assert len(response["X-Request-ID"]) >= 8


def test_pages_have_no_inline_scripts(client, member_a):
    client.force_login(member_a.user)
    html = client.get(reverse("members:whoami")).content.decode()
    assert "<script>" not in html and " onclick=" not in html and ' style="' not in html


def test_healthz_answers_200_and_503_when_the_database_is_down(client, db, monkeypatch):
    assert client.get("/healthz").status_code == 200

    def broken_cursor(*args, **kwargs):
        raise Exception("database down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    monkeypatch.undo()
    assert response.status_code == 503 and response.json() == {"database": "down"}


def test_generic_500_page_has_request_id_and_no_traceback(db, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("secret internal detail")

    import branch_liaison.urls as root

    settings.ROOT_URLCONF = type(
        "Urls",
        (),
        {"urlpatterns": [*root.urlpatterns, path("boom/", boom)], "handler500": root.handler500},
    )
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_X_REQUEST_ID="req-12345678")
    assert response.status_code == 500
    body = response.content.decode()
    assert "req-12345678" in body
    assert "secret internal detail" not in body and "Traceback" not in body


def test_idle_session_ends_after_30_minutes(client, member_a):
    client.force_login(member_a.user)
    assert client.get(reverse("members:whoami")).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("members:whoami"))
    assert response.status_code == 302 and reverse("login") in response.url
    assert client.get(reverse("members:whoami")).status_code == 302


@pytest.mark.parametrize("next_url", ["https://evil.example.com/", "//evil.example.com/"])
def test_login_next_cannot_redirect_off_site(client, member_a, next_url):
    response = client.post(
        f"{reverse('login')}?next={next_url}",
        {"username": "member_a", "password": "a-long-test-password", "next": next_url},
    )
    assert response.status_code == 302 and "evil" not in response.url
