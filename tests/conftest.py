"""Fixtures named after people and roles. Who may see what (RULES.md "Who may read what"):

- member_a, member_b: members of `branch`; each sees only their own contacts and records.
  member_a is assigned `teacher_a` (a teacher) and `hardship_a` (staff in hardship).
- committee: a committee member of `branch`: the branch's figures and opinion queue.
- secretary: secretary of `branch`: everything of the branch, including confidential text.
- other_branch_secretary: secretary of `other_branch`: nothing of `branch` (404).
- leader: a leading cadre whose contact point is `branch`: figures, counts, dates; no text.
- admin: school administrator: every branch, never confidential text.
- deactivated: a former member whose account is disabled.
- anonymous: not logged in.
"""

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.test import Client

from contacts.models import Category
from members.models import LeaderContactPoint, Role

from .channel_standin import standin  # noqa: F401  (issue 17: the WeCom/DingTalk stand-in)
from .factories import AssignmentFactory, BranchFactory, ContactFactory, MemberFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHANGHAI = ZoneInfo("Asia/Shanghai")


@receiver(connection_created)
def _allow_audit_truncate_in_tests(sender, connection, **kwargs):
    """On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of the audit log (members
    migration 0008). Transactional tests are emptied with TRUNCATE of every table after each
    test, so test sessions, and only they, allow that one statement; UPDATE and DELETE stay
    refused (tests/security/test_finding6_audit_append_only.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET liaison.allow_audit_truncate = 'on'")


def pytest_collection_modifyitems(config, items):
    """`services` tests need PostgreSQL, Redis and a worker. Without them they skip; with
    REQUIRE_SERVICES=1 settings refuse to start unless both are configured, so nothing skips."""
    from django.conf import settings

    if settings.REDIS_URL and settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs REDIS_URL and a PostgreSQL DATABASE_URL")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def branch(db):
    return BranchFactory(name="数学组党支部")


@pytest.fixture
def other_branch(db):
    return BranchFactory(name="语文组党支部")


def _member(username, name, branch, role=Role.MEMBER, **extra):
    return MemberFactory(
        user=UserFactory(username=username), name=name, branch=branch, role=role, **extra
    )


@pytest.fixture
def secretary(branch):
    return _member("secretary", "王书记", branch, Role.SECRETARY)


@pytest.fixture
def member_a(branch):
    return _member("member_a", "李老师", branch)


@pytest.fixture
def member_b(branch):
    return _member("member_b", "赵老师", branch)


@pytest.fixture
def committee(branch):
    return _member("committee", "钱委员", branch, Role.COMMITTEE)


@pytest.fixture
def other_branch_secretary(other_branch):
    return _member("other_secretary", "孙书记", other_branch, Role.SECRETARY)


@pytest.fixture
def leader(branch):
    leader = _member("leader", "周校长", None, is_leader=True)
    LeaderContactPoint.objects.create(leader=leader, branch=branch)
    return leader


@pytest.fixture
def admin(db):
    return _member("admin", "吴管理员", None, is_school_admin=True)


@pytest.fixture
def deactivated(branch):
    member = _member("deactivated", "郑老师", branch)
    member.user.is_active = False
    member.user.save()
    return member


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def teacher_a(member_a):
    return AssignmentFactory(
        member=member_a,
        contact=ContactFactory(branch=member_a.branch, name="陈老师", category=Category.TEACHER),
        started_on=datetime.date(2025, 9, 1),
    ).contact


@pytest.fixture
def hardship_a(member_a):
    contact = ContactFactory(
        branch=member_a.branch,
        name="刘师傅",
        category=Category.HARDSHIP,
        hardship_kind="illness",
        hardship_description="家人重病住院，经济压力大",
    )
    AssignmentFactory(member=member_a, contact=contact, started_on=datetime.date(2025, 9, 1))
    return contact


@pytest.fixture
def client_for(db):
    """client_for(member_or_None) → a Client logged in as that member (or anonymous)."""

    def make(member):
        client = Client()
        if member is not None:
            client.force_login(member.user)
        return client

    return make


@pytest.fixture
def fresh_cache():
    """An empty cache before and after the test: the channel tests (issue 17) start without a
    WeCom access token cached by another test, and leave none behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def app(db, monkeypatch):
    """django-webtest: submits what the rendered page sends (DESIGN.md "Tests").

    `page = app.get(url, user=member.user.username)`; `form = page.forms["talk-form"]` (or by
    index); `form["field"] = value`; `form.submit("button-name")` sends the clicked button's name
    and value as a browser does. The CSRF token comes from the page, as in a browser.
    A POST form submitted without an id, or by a button named like one of its fields, fails the
    test (tests/forms/test_form_walk.py, /work/coord/FORMS.md).
    """
    import webtest.forms
    from django_webtest import WebTestMixin

    submit = webtest.forms.Form.submit

    def checked_submit(form, name=None, *args, **kwargs):
        if form.method.upper() == "POST":
            assert form.id, f"a POST form without an id was submitted to {form.action!r}"
            clashing = [
                field
                for field in (form.fields.get(name, []) if name else [])
                if not isinstance(field, webtest.forms.Submit)
            ]
            assert not clashing, f"form {form.id!r}: the button {name!r} is named like a field"
        return submit(form, name, *args, **kwargs)

    monkeypatch.setattr(webtest.forms.Form, "submit", checked_submit)
    mixin = WebTestMixin()
    mixin.csrf_checks = True
    mixin._patch_settings()
    mixin.renew_app()
    yield mixin.app
    mixin._unpatch_settings()


def _shanghai(*when) -> datetime.datetime:
    """(2026, 10, 20, 9), a date (its midnight) or a datetime → an aware datetime; the numbers,
    the date and a naive datetime are local time in Asia/Shanghai (settings.TIME_ZONE)."""
    if len(when) == 1 and isinstance(when[0], datetime.datetime):
        moment = when[0]
    elif len(when) == 1 and isinstance(when[0], datetime.date):
        moment = datetime.datetime.combine(when[0], datetime.time())
    else:
        moment = datetime.datetime(*when)
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


class _Frozen:
    """What frozen_time(...) returns: the clock, standing still there."""

    def __init__(self, coordinates, unwind):
        self._coordinates = coordinates
        self._unwind = unwind

    def shift(self, delta: datetime.timedelta) -> None:
        self._coordinates.shift(delta)

    def move_to(self, *when) -> None:
        self._coordinates.move_to(_shanghai(*when))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._unwind()


@pytest.fixture
def frozen_time():
    """frozen_time(2026, 10, 20, 9) stops the clock at that Shanghai local time (tick=False)
    until the test ends; also frozen_time(date) (its midnight) or frozen_time(datetime) (naive
    ones are Shanghai time). A later call moves the clock again; `.shift(timedelta)` and
    `.move_to(...)` on what it returns move it too. As `with frozen_time(...):` the clock goes
    back, at the block's end, to where it was before the block (the real time if not frozen)."""
    travels = []

    def back_to(depth: int) -> None:
        while len(travels) > depth:
            travels.pop().stop()

    def freeze(*when) -> _Frozen:
        travel = time_machine.travel(_shanghai(*when), tick=False)
        depth = len(travels)
        coordinates = travel.start()
        travels.append(travel)
        return _Frozen(coordinates, lambda: back_to(depth))

    yield freeze
    back_to(0)
