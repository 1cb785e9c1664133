"""Issue 13 finding 8: nobody could change a password. Now: change one's own (in the menu),
one-time set-password links issued by the secretary (own branch) or the admin (72 hours, shown
once with a QR code or mailed; using it or issuing another voids it; audited), a password
chosen at first login by imported members, and reset by e-mail."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from contacts.services import roster
from members.models import AuditAction, AuditLog, Member

from ..factories import MemberFactory, UserFactory
from ..ratelimits import clear_rate_limits

PASSWORD = "a-long-test-password"  # tests/factories.py
NEW = "Lake-Morning-7421"


def can_log_in(username, password) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.url != reverse("login")


def issue_link(app, issuer, member):
    page = app.get(reverse("members:account_detail", args=[member.pk]), user=issuer.user.username)
    return page.forms["link-form"].submit("show")


def link_of(page) -> str:
    match = re.search(r"<code>(http[^<]+/accounts/set/[^<]+)</code>", page.text)
    assert match, "no link on the page"
    return match.group(1).replace("http://127.0.0.1:8000", "")


def set_password_with(app, url, first=NEW, second=NEW):
    page = app.get(url, user=None).maybe_follow()
    form = page.forms["password-set-form"]
    form["new_password1"], form["new_password2"] = first, second
    return form.submit("set")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The reset form counts mails per address (on Redis when REDIS_URL is set)."""
    clear_rate_limits()


# --- change one's own password


def test_finding8_the_menu_links_to_change_password(app, member_a):
    page = app.get(reverse("talks:my_page"), user="member_a")
    assert page.html.find("a", href=reverse("password_change")) is not None
    assert "修改密码" in page.text


def test_finding8_change_own_password(app, member_a):
    page = app.get(reverse("password_change"), user="member_a")
    form = page.forms["password-change-form"]
    form["old_password"], form["new_password1"], form["new_password2"] = PASSWORD, NEW, NEW
    response = form.submit("change").follow().maybe_follow()
    assert "密码已修改" in response.text
    assert can_log_in("member_a", NEW) and not can_log_in("member_a", PASSWORD)
    row = AuditLog.objects.get(action=AuditAction.PASSWORD_SET)
    assert row.actor == member_a.user and row.details == {"how": "change"}


def test_finding8_change_password_error_keeps_the_page_and_writes_nothing(app, member_a):
    page = app.get(reverse("password_change"), user="member_a")
    form = page.forms["password-change-form"]
    form["old_password"], form["new_password1"], form["new_password2"] = "wrong-old-pw", NEW, NEW
    response = form.submit("change")
    assert response.status_code == 200
    assert "旧密码不正确" in response.text or "你的旧密码不正确" in response.text
    # Django never sends passwords back into the page (they would sit in the HTML): the form
    # comes back with the error, its fields empty, ready to type again.
    assert response.forms["password-change-form"]["new_password1"].value == ""
    assert can_log_in("member_a", PASSWORD)
    assert not AuditLog.objects.filter(action=AuditAction.PASSWORD_SET).exists()


def test_finding8_change_password_refuses_a_weak_one(app, member_a):
    page = app.get(reverse("password_change"), user="member_a")
    form = page.forms["password-change-form"]
    form["old_password"], form["new_password1"], form["new_password2"] = (
        PASSWORD,
        "short1",
        "short1",
    )
    response = form.submit("change")
    assert response.status_code == 200 and "密码太短，至少需要 12 个字符" in response.text
    assert can_log_in("member_a", PASSWORD)


# --- one-time set-password links


def test_finding8_secretary_issues_a_link_shown_once_with_a_qr_code(app, secretary, member_a):
    listing = app.get(reverse("members:account_list"), user="secretary")
    detail = listing.click(href=reverse("members:account_detail", args=[member_a.pk]))
    page = detail.forms["link-form"].submit("show")
    assert page.status_code == 200
    assert "<svg" in page.text and "<script" not in page.text.split("<main")[1].split("</main>")[0]
    url = link_of(page)
    row = AuditLog.objects.get(action=AuditAction.PASSWORD_LINK)
    assert row.actor == secretary.user and row.object_id == str(member_a.pk)
    assert row.details == {"emailed": False} and url not in str(row.details)
    # Shown once: the member's page does not show it again.
    again = app.get(reverse("members:account_detail", args=[member_a.pk]), user="secretary")
    assert "/accounts/set/" not in again.text and "<svg" not in again.text


def test_finding8_member_sets_a_password_with_the_link(app, secretary, member_a):
    url = link_of(issue_link(app, secretary, member_a))
    done = set_password_with(app, url).follow()
    assert "密码已保存" in done.text
    assert can_log_in("member_a", NEW)
    row = AuditLog.objects.get(action=AuditAction.PASSWORD_SET)
    assert row.object_id == str(member_a.pk) and row.details == {"how": "link"}


def test_finding8_the_link_works_once(app, secretary, member_a):
    url = link_of(issue_link(app, secretary, member_a))
    set_password_with(app, url)
    page = app.get(url, user=None).maybe_follow()
    assert "password-set-form" not in page.forms and "此链接已失效" in page.text


def test_finding8_a_new_link_voids_the_old_one(app, secretary, member_a):
    old = link_of(issue_link(app, secretary, member_a))
    new = link_of(issue_link(app, secretary, member_a))
    assert old != new
    assert "此链接已失效" in app.get(old, user=None).maybe_follow().text
    set_password_with(app, new)
    assert can_log_in("member_a", NEW)


def test_finding8_the_link_expires_after_72_hours(app, secretary, member_a, frozen_time):
    start = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    with frozen_time(start) as traveller:
        url = link_of(issue_link(app, secretary, member_a))
        traveller.shift(datetime.timedelta(hours=71, minutes=59))
        assert "password-set-form" in app.get(url, user=None).maybe_follow().forms
        traveller.shift(datetime.timedelta(minutes=2))
        assert "此链接已失效" in app.get(url, user=None).maybe_follow().text


def test_finding8_set_password_error_path_keeps_the_link_usable(app, secretary, member_a):
    url = link_of(issue_link(app, secretary, member_a))
    response = set_password_with(app, url, NEW, NEW + "x")
    assert response.status_code == 200 and "输入的两个密码不一致" in response.text
    assert "password-set-form" in response.forms
    member_a.user.refresh_from_db()
    assert member_a.user.check_password(PASSWORD)  # (logging in would void the link)
    assert not AuditLog.objects.filter(action=AuditAction.PASSWORD_SET).exists()
    set_password_with(app, url)
    assert can_log_in("member_a", NEW)


def test_finding8_admin_mails_a_link(app, admin, member_a):
    page = app.get(reverse("members:account_detail", args=[member_a.pk]), user="admin")
    response = page.forms["link-form"].submit("email").follow()
    assert "member_a@school.test" in response.text and "/accounts/set/" not in response.text
    (message,) = mail.outbox
    assert message.to == ["member_a@school.test"] and message.subject == "设置您的登录密码"
    url = re.search(r"http\S+/accounts/set/\S+", message.body).group(0)
    assert "支部书记" in message.body
    set_password_with(app, url.replace("http://127.0.0.1:8000", ""))
    assert can_log_in("member_a", NEW)
    assert AuditLog.objects.get(action=AuditAction.PASSWORD_LINK).details == {"emailed": True}


def test_finding8_no_mail_button_without_an_address_and_a_forged_one_writes_nothing(
    app, client_for, secretary, member_a
):
    member_a.user.email = ""
    member_a.user.save()
    page = app.get(reverse("members:account_detail", args=[member_a.pk]), user="secretary")
    assert "email" not in page.forms["link-form"].fields
    response = client_for(secretary).post(
        reverse("members:account_link", args=[member_a.pk]), {"email": "1"}
    )
    assert response.status_code == 400 and "没有登记电子邮箱" in response.content.decode()
    assert not mail.outbox and not AuditLog.objects.filter(action=AuditAction.PASSWORD_LINK)
    assert Member.objects.get(pk=member_a.pk).password_link_issued_at is None


@pytest.mark.parametrize("issuer", ["other_branch_secretary", "committee", "member_b", "leader"])
def test_finding8_only_the_own_secretary_and_the_admin_issue_links(
    issuer, request, client_for, member_a
):
    client = client_for(request.getfixturevalue(issuer))
    response = client.post(reverse("members:account_link", args=[member_a.pk]), {"show": ""})
    assert response.status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.PASSWORD_LINK).exists()


def test_finding8_a_secretary_cannot_take_over_an_admin_or_an_operations_account(
    client_for, secretary, admin, branch
):
    school_admin = MemberFactory(
        user=UserFactory(username="admin2"), branch=branch, is_school_admin=True
    )
    ops = MemberFactory(user=UserFactory(username="ops", is_staff=True), branch=branch)
    for target in (school_admin, ops, admin):
        url = reverse("members:account_link", args=[target.pk])
        assert client_for(secretary).post(url, {"show": ""}).status_code == 404
    # The admin issues for a school admin, but not for the operations account.
    assert (
        client_for(admin)
        .post(reverse("members:account_link", args=[school_admin.pk]), {"show": ""})
        .status_code
        == 200
    )
    assert (
        client_for(admin)
        .post(reverse("members:account_link", args=[ops.pk]), {"show": ""})
        .status_code
        == 404
    )


def test_finding8_accounts_list_is_the_own_branch_with_pinned_queries(
    app, secretary, member_a, member_b, other_branch_secretary, django_assert_max_num_queries
):
    for _n in range(15):
        MemberFactory(branch=secretary.branch)
    client = Client()
    client.force_login(secretary.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("members:account_list"))
    body = response.content.decode()
    assert member_a.name in body and other_branch_secretary.name not in body


# --- a password of their own at first login


def test_finding8_roster_import_makes_members_choose_their_password(db, branch, secretary):
    rows = [["党员", "张明", "T1", "", "", "", "", "", "", "zhangming", "z@s.test"]]
    out = io.StringIO(newline="")
    csv.writer(out).writerows([[c.header for c in roster.COLUMNS], *rows])
    table = roster.read_table(out.getvalue().encode(), "x.csv")
    plan = roster.plan_import(roster.parse_rows(table), branch=branch)
    roster.roster_apply(plan=plan, by=secretary.user, filename="x.csv")
    member = Member.objects.get(user__username="zhangming")
    assert member.must_set_password and not member.user.has_usable_password()


def test_finding8_a_member_who_must_choose_is_sent_to_the_password_page(app, member_a):
    Member.objects.filter(pk=member_a.pk).update(must_set_password=True)
    page = app.get(reverse("talks:my_page"), user="member_a")
    assert page.status_code == 302 and page.url == reverse("password_change")
    assert app.get(reverse("talks:handbook"), user="member_a").url == reverse("password_change")
    page = page.follow()
    assert "继续使用前，请设置您自己的密码" in page.text
    form = page.forms["password-change-form"]
    form["old_password"], form["new_password1"], form["new_password2"] = PASSWORD, NEW, NEW
    form.submit("change")
    assert not Member.objects.get(pk=member_a.pk).must_set_password
    assert app.get(reverse("talks:my_page"), user="member_a").status_code == 200


def test_finding8_using_the_link_ends_the_must_choose_flag(app, secretary, member_a):
    Member.objects.filter(pk=member_a.pk).update(must_set_password=True)
    member_a.user.set_unusable_password()
    member_a.user.save()
    set_password_with(app, link_of(issue_link(app, secretary, member_a)))
    assert not Member.objects.get(pk=member_a.pk).must_set_password
    assert can_log_in("member_a", NEW)


# --- reset by e-mail


def reset(app, email):
    page = app.get(reverse("password_reset"), user=None)
    form = page.forms["password-reset-form"]
    form["email"] = email
    return form.submit("send")


def test_finding8_the_login_page_links_to_reset(app, db):
    page = app.get(reverse("login"))
    assert page.html.find("a", href=reverse("password_reset")) is not None


def test_finding8_password_reset_by_email(app, member_a):
    response = reset(app, "Member_A@school.test").follow()
    assert "请查收邮件" in response.text
    (message,) = mail.outbox
    assert message.subject == "设置您的登录密码" and member_a.name in message.body
    url = re.search(r"http\S+/accounts/set/\S+", message.body).group(0)
    set_password_with(app, url.replace("http://127.0.0.1:8000", ""))
    assert can_log_in("member_a", NEW)
    row = AuditLog.objects.get(action=AuditAction.PASSWORD_RESET)
    assert row.object_id == str(member_a.pk) and row.actor is None


def test_finding8_reset_answers_alike_for_an_unknown_address(app, member_a):
    response = reset(app, "nobody@school.test")
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert not mail.outbox and not AuditLog.objects.filter(action=AuditAction.PASSWORD_RESET)


def test_finding8_reset_error_path_keeps_the_typed_address(app, member_a):
    response = reset(app, "not-an-address")
    assert response.status_code == 200
    assert response.forms["password-reset-form"]["email"].value == "not-an-address"
    assert not mail.outbox


def test_finding8_reset_reaches_an_imported_member_without_a_password(app, member_a):
    member_a.user.set_unusable_password()
    member_a.user.save()
    reset(app, "member_a@school.test")
    assert len(mail.outbox) == 1


def test_finding8_reset_never_reaches_an_operations_account(app, db):
    get_user_model().objects.create_user("ops", "ops@school.test", PASSWORD, is_staff=True)
    reset(app, "ops@school.test")
    assert not mail.outbox
