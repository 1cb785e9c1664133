"""Issue 13 finding 9 (parameters): `?month=2026-99999999999999999999` was a 500 on the branch
dashboard, the school page, the leader page and matrix.xlsx (`parse_month` caught ValueError
only), and `str.isdigit()` lets through digits `int()` refuses ("²"). Every parsed month,
semester, half-year and branch parameter answers a page (the value ignored) or a 404, never a
500. And the NUL-character error says the text has an invalid character, not that it is empty."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from inspections.models import Semester
from inspections.selectors.dashboard import parse_month
from talks.obligations import Month
from tests.factories import talk_post

NOW = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HOSTILE_MONTHS = [
    "2026-99999999999999999999",
    "99999999999999999999-01",
    "10000-01",
    "0-1",
    "2026-0",
    "2026-13",
    "-2026-01",
    "2026--1",
    "2026-01-01",
    "２０２６-１",
    "2026-²",
    "2026-\x00",
    "",
    "%",
]
HOSTILE_IDS = ["²", "99999999999999999999", "9" * 400, "-1", "0", "１", "1e3", "\x00", "1 "]

# (URL name, kwargs from the fixtures, who opens it, the parameters it parses)
PAGES = [
    ("inspections:branch_home", None, "secretary", ["month", "semester"]),
    ("inspections:branch_dashboard", "branch", "admin", ["month", "semester"]),
    ("inspections:school_home", None, "admin", ["month", "semester"]),
    ("inspections:leader_home", None, "leader", ["month", "semester"]),
    ("inspections:matrix_export", "branch", "secretary", ["month", "semester"]),
    ("inspections:report_list", None, "secretary", ["semester"]),
    ("inspections:assessment_list", None, "secretary", ["semester"]),
    ("inspections:assessment_branch_pdf", None, "secretary", ["semester"]),
    ("inspections:export_list", None, "admin", ["semester"]),
    ("inspections:inspection_list", None, "admin", ["branch"]),
    ("contacts:manage_list", None, "admin", ["branch"]),
    ("talks:opinion_queue", None, "admin", ["branch"]),
    ("members:account_list", None, "admin", ["branch", "page"]),
]


def cases():
    for name, kwargs, who, params in PAGES:
        for param in params:
            values = HOSTILE_MONTHS if param == "month" else HOSTILE_IDS
            for value in values:
                yield pytest.param(name, kwargs, who, param, value, id=f"{name}-{param}-{value!r}")


@pytest.fixture
def semester(db):
    return Semester.objects.create(
        name="2026-2027学年第一学期",
        start_on=datetime.date(2026, 9, 1),
        end_on=datetime.date(2027, 1, 31),
    )


@pytest.mark.parametrize(("name", "kwargs", "who", "param", "value"), list(cases()))
def test_finding9_hostile_parameters_are_never_a_500(
    name,
    kwargs,
    who,
    param,
    value,
    request,
    semester,
    secretary,
    admin,
    leader,
    branch,
    frozen_time,
):
    client = Client(raise_request_exception=False)
    client.force_login(request.getfixturevalue(who).user)
    url = reverse(name, kwargs={"branch_id": branch.pk} if kwargs else None)
    with frozen_time(NOW):
        response = client.get(url, {param: value})
    # A page with the value ignored, the login or home page, a 403 for a branch an admin did not
    # name, or a 404: never a 500.
    assert response.status_code in (200, 302, 403, 404), (url, param, value, response.status_code)


@pytest.mark.parametrize("value", HOSTILE_MONTHS)
def test_finding9_parse_month_falls_back_to_the_current_month(value):
    today = datetime.date(2026, 10, 20)
    assert parse_month(value, today) == Month.of(today)


def test_finding9_parse_month_still_reads_a_good_month():
    assert parse_month("2026-03", datetime.date(2026, 10, 20)) == Month(2026, 3)


def test_finding9_nul_character_error_says_invalid_character(
    client_for, member_a, teacher_a, frozen_time
):
    data = talk_post(teacher_a, content="谈话\x00内容")
    with frozen_time(NOW):
        response = client_for(member_a).post(reverse("talks:talk_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "文字中含有无效字符" in body and "空字符串" not in body
