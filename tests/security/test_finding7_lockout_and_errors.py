"""Issue 13 finding 7: anyone could lock anyone out (django-axes keyed on REMOTE_ADDR, which
behind the shipped nginx is always 127.0.0.1), nobody could lift a lockout in the app, and
under DEBUG=0 the CSRF-failure and 400 pages were Django's English defaults."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from members import access
from members.models import AuditAction, AuditLog
from members.web import client_ip
from tests.ratelimits import clear_rate_limits

PASSWORD = "a-long-test-password"  # tests/factories.py
START = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NGINX = "127.0.0.1"  # deploy/nginx proxies from this host; TRUSTED_PROXIES default


def login(username, password, **meta):
    return Client().post(reverse("login"), {"username": username, "password": password}, **meta)


def fail_five(username, **meta):
    return [login(username, "wrong-password-123", **meta).status_code for _ in range(5)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The reset form counts mails per address (on Redis when REDIS_URL is set)."""
    clear_rate_limits()


# --- the client address


@pytest.mark.parametrize(
    ("remote", "headers", "expected"),
    [
        # Behind the shipped nginx: the address it saw.
        (NGINX, {"HTTP_X_REAL_IP": "203.0.113.5"}, "203.0.113.5"),
        ("::1", {"HTTP_X_REAL_IP": "2001:db8::7"}, "2001:db8::7"),
        # Without X-Real-IP: the last X-Forwarded-For hop that is not a trusted proxy.
        (NGINX, {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5, 127.0.0.1"}, "203.0.113.5"),
        # A stranger's headers are not believed: they are keyed on where they connect from.
        ("198.51.100.9", {"HTTP_X_REAL_IP": "203.0.113.5"}, "198.51.100.9"),
        ("198.51.100.9", {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "198.51.100.9"),
        # Garbage in the header: the proxy's own address, never the garbage.
        (NGINX, {"HTTP_X_REAL_IP": "not-an-ip"}, NGINX),
        (NGINX, {"HTTP_X_FORWARDED_FOR": "x, <script>"}, NGINX),
        (NGINX, {}, NGINX),
    ],
)
def test_finding7_client_address_is_believed_only_from_trusted_proxies(remote, headers, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    assert client_ip(request) == expected


def test_finding7_trusted_proxies_is_a_setting(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_REAL_IP="203.0.113.5")
    assert client_ip(request) == "203.0.113.5"
    request = RequestFactory().get("/", REMOTE_ADDR=NGINX, HTTP_X_REAL_IP="203.0.113.5")
    assert client_ip(request) == NGINX


def test_finding7_the_shipped_nginx_overwrites_the_client_address_headers():
    from pathlib import Path

    conf = (Path(__file__).parents[2] / "deploy/nginx/branch-liaison.conf").read_text()
    assert conf.count("proxy_set_header X-Real-IP $remote_addr;") == 2
    assert conf.count("proxy_set_header X-Forwarded-For $remote_addr;") == 2
    assert "$proxy_add_x_forwarded_for" not in conf


# --- a stranger locks out only their own address


def test_finding7_five_failures_from_one_forwarded_address_do_not_lock_out_another(
    member_a, frozen_time
):
    with frozen_time(START):
        stranger = {"REMOTE_ADDR": NGINX, "HTTP_X_REAL_IP": "203.0.113.66"}
        assert fail_five("member_a", **stranger)[-1] == 429
        assert login("member_a", PASSWORD, **stranger).status_code == 429
        owner = {"REMOTE_ADDR": NGINX, "HTTP_X_REAL_IP": "198.51.100.20"}
        response = login("member_a", PASSWORD, **owner)
    assert response.status_code == 302 and response.url == reverse("home")
    lockouts = AuditLog.objects.filter(action=AuditAction.LOCKOUT)
    assert {row.ip for row in lockouts} == {"203.0.113.66"}


def test_finding7_a_stranger_changing_the_header_does_not_escape_the_lock(member_a, frozen_time):
    """Connecting directly (not through nginx), the header is ignored: one address, one lock."""
    with frozen_time(START):
        for n in range(5):
            login("member_a", "wrong-password-123", REMOTE_ADDR="198.51.100.9",
                  HTTP_X_REAL_IP=f"203.0.113.{n}")  # fmt: skip
        assert login("member_a", PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 429
        assert login("member_a", PASSWORD, REMOTE_ADDR=NGINX).status_code == 302


# --- the secretary (own branch) and the admin lift a lockout


def lock(username):
    assert fail_five(username, REMOTE_ADDR=NGINX, HTTP_X_REAL_IP="203.0.113.66")[-1] == 429


@pytest.mark.parametrize("lifter", ["secretary", "admin"])
def test_finding7_secretary_or_admin_lifts_a_lockout(lifter, request, app, member_a, frozen_time):
    person = request.getfixturevalue(lifter)
    with frozen_time(START):
        lock("member_a")
        listing = app.get(reverse("members:account_list"), user=person.user.username)
        assert "已锁定" in listing.text
        detail = app.get(reverse("members:account_detail", args=[member_a.pk]), user=lifter)
        page = detail.forms["unlock-form"].submit("unlock").follow()
        assert "已可重新登录" in page.text and "unlock-form" not in page.forms
        again = login("member_a", PASSWORD, REMOTE_ADDR=NGINX, HTTP_X_REAL_IP="203.0.113.66")
    assert again.status_code == 302
    row = AuditLog.objects.get(action=AuditAction.UNLOCK)
    assert row.actor == person.user and row.object_id == str(member_a.pk)


def test_finding7_unlock_from_the_members_list(app, secretary, member_a, frozen_time):
    with frozen_time(START):
        lock("member_a")
        listing = app.get(reverse("members:account_list"), user="secretary")
        page = listing.forms[f"unlock-form-{member_a.pk}"].submit("unlock").follow()
        assert page.request.path == reverse("members:account_list")
        assert "已锁定" not in page.text
        assert login("member_a", PASSWORD, REMOTE_ADDR=NGINX, HTTP_X_REAL_IP="203.0.113.66")


@pytest.mark.parametrize("who", ["other_branch_secretary", "committee", "member_b", "leader"])
def test_finding7_nobody_else_lifts_a_lockout(who, request, client_for, member_a, frozen_time):
    with frozen_time(START):
        lock("member_a")
        client = client_for(request.getfixturevalue(who))
        response = client.post(reverse("members:account_unlock", args=[member_a.pk]))
        assert response.status_code == 404
        still = login("member_a", PASSWORD, REMOTE_ADDR=NGINX, HTTP_X_REAL_IP="203.0.113.66")
    assert still.status_code == 429
    assert not AuditLog.objects.filter(action=AuditAction.UNLOCK).exists()


def test_finding7_choosing_a_password_with_a_link_ends_the_lockout(
    app, secretary, member_a, frozen_time
):
    from tests.members.test_finding8_passwords import issue_link, link_of, set_password_with

    with frozen_time(START):
        lock("member_a")
        set_password_with(app, link_of(issue_link(app, secretary, member_a)))
        new = login("member_a", "Lake-Morning-7421", REMOTE_ADDR=NGINX,
                    HTTP_X_REAL_IP="203.0.113.66")  # fmt: skip
    assert new.status_code == 302


# --- every error page is the app's own, in Chinese, under DEBUG=0


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.LANGUAGE_CODE = "zh-hans"


def chinese_page(response, status, words):
    body = response.content.decode()
    assert response.status_code == status, body[:300]
    assert words in body, body[:600]
    assert 'lang="zh-Hans"' in body
    for english in ("Forbidden", "Bad Request", "Not Found", "CSRF verification failed",
                    "Server Error", "Traceback"):  # fmt: skip
        assert english not in body
    return body


def test_finding7_400_page(production, db):
    # A request for a host not in ALLOWED_HOSTS is a 400 (DisallowedHost).
    response = Client().get(reverse("login"), HTTP_HOST="evil.example")
    chinese_page(response, 400, "无法处理此请求")


def test_finding7_403_page(production, client_for, member_a):
    response = client_for(member_a).get(reverse("inspections:school_home"))
    chinese_page(response, 403, "您的账号无权打开此页面")


def test_finding7_csrf_failure_page(production, member_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "member_a", "password": PASSWORD})
    chinese_page(response, 403, "页面已过期")


def test_finding7_404_page(production, db):
    chinese_page(Client().get("/no-such-page/"), 404, "页面不存在")


def test_finding7_429_page(production, db, settings):
    client = Client()
    for _ in range(10):
        client.post(reverse("password_reset"), {"email": "nobody@school.test"})
    response = client.post(reverse("password_reset"), {"email": "nobody@school.test"})
    chinese_page(response, 429, "请求过于频繁")


def test_finding7_ratelimited_exception_gives_the_429_page(production, db, rf):
    from django_ratelimit.exceptions import Ratelimited

    from members.views.errors import permission_denied

    request = rf.get("/")
    request.user = None
    request.session = {}
    chinese_page(permission_denied(request, Ratelimited()), 429, "请求过于频繁")


def test_finding7_login_lockout_page(production, member_a, frozen_time):
    with frozen_time(START):
        fail_five("member_a")
        response = login("member_a", PASSWORD)
    chinese_page(response, 429, "登录")


def test_finding7_500_page(production, member_a, monkeypatch):

    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr(access, "home_url_name", broken)
    client = Client(raise_request_exception=False)
    client.force_login(member_a.user)
    response = client.get(reverse("home"), HTTP_X_REQUEST_ID="req-finding7-500")
    body = chinese_page(response, 500, "出错")
    assert "req-finding7-500" in body and "boom" not in body
