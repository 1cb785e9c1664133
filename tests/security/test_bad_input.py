"""Issue 6 bad input, beyond each form's own tests: oversized and over-long requests, NUL
characters, invalid UTF-8, impossible dates, ids that are not numbers, HTML shown escaped, and
random text at the talk form. None of them may give a 500; bad fields give a field error and
write nothing."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from members.models import AuditAction, AuditLog
from talks.models import Opinion, TalkLog
from tests.factories import TalkLogFactory, talk_post

NOW = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def frozen(frozen_time):
    frozen_time(NOW)


@pytest.fixture
def author(client_for, member_a, teacher_a):
    return client_for(member_a)


def nothing_written():
    changes = AuditLog.objects.exclude(action=AuditAction.LOGIN)
    return not (TalkLog.objects.exists() or Opinion.objects.exists() or changes.exists())


def test_a_body_over_the_upload_limit_is_a_400_not_a_500(author, teacher_a):
    huge = "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1024)
    response = author.post(reverse("talks:talk_create"), talk_post(teacher_a, content=huge))
    assert response.status_code == 400
    assert nothing_written()


def test_too_many_fields_is_a_400_not_a_500(author, teacher_a):
    data = talk_post(teacher_a)
    data.update({f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)})
    response = author.post(reverse("talks:talk_create"), data)
    assert response.status_code == 400
    assert nothing_written()


@pytest.mark.parametrize("field", ["content", "place", "opinions"])
def test_nul_characters_are_a_field_error(author, teacher_a, field):
    response = author.post(
        reverse("talks:talk_create"), talk_post(teacher_a, **{field: "谈话\x00内容"})
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert str(ProhibitNullCharactersValidator.message) in errors[field]
    assert nothing_written()


def test_invalid_utf8_in_a_post_body_is_not_a_500(author, teacher_a):
    body = (
        f"contact={teacher_a.pk}&date=2026-10-18&kind=both&aspects=work"
        f"&submission_token={uuid.uuid4()}&content="
    ).encode() + b"\xff\xfe\xc3\x28 %FF%C3%28"
    response = author.post(
        reverse("talks:talk_create"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 302, 400)
    for talk in TalkLog.objects.all():
        talk.content.encode("utf-8")  # whatever was kept is valid text


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-01", "0000-00-00", "2026-10-18T99"])
def test_impossible_dates_are_a_field_error(author, teacher_a, day):
    response = author.post(reverse("talks:talk_create"), talk_post(teacher_a, date=day))
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert nothing_written()


@pytest.mark.parametrize(
    "path",
    [
        "/talks/log/abc/",
        "/talks/log/1e3/",
        "/talks/log/-1/",
        "/talks/log/99999999999999999999999/",
        "/talks/contacts/%00/",
        "/members/leads/1;DROP/edit/",
        "/semester/inspections/１２/",
    ],
)
def test_ids_that_are_not_numbers_are_404(author, path):
    assert author.get(path).status_code == 404


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("talks:talk_create", "?contact=abc"),
        ("talks:talk_create", "?contact=99999999999999999999999"),
        ("talks:handbook", "?start=abc&end=2026-02-30"),
        ("talks:handbook", "?start=2026-01-01&end=1900-01-01"),
        ("inspections:inspection_list", "?branch=abc"),
        ("members:notifications", "?page=abc"),
    ],
)
def test_query_strings_that_are_not_numbers_or_dates_are_not_a_500(author, name, query):
    assert author.get(reverse(name) + query).status_code in (200, 404)


def test_html_in_a_talk_is_shown_escaped(author, member_a, secretary, client_for, teacher_a):
    talk = TalkLogFactory(
        assignment=teacher_a.assignments.get(),
        date=datetime.date(2026, 10, 18),
        content=SCRIPT,
        place='"><img src=x onerror=alert(1)>',
    )
    pages = [
        (author, reverse("talks:talk_detail", kwargs={"pk": talk.pk})),
        (author, reverse("talks:handbook")),
        (author, reverse("talks:contact_detail", kwargs={"pk": teacher_a.pk})),
        (client_for(secretary), reverse("talks:contact_detail", kwargs={"pk": teacher_a.pk})),
        (
            client_for(secretary),
            reverse("talks:member_handbook", kwargs={"member_pk": member_a.pk}),
        ),
    ]
    for client, url in pages:
        html = client.get(url).content.decode()
        assert SCRIPT not in html and "<img src=x" not in html, url
    detail = pages[0][0].get(pages[0][1]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail


def test_html_in_a_contacts_name_is_shown_escaped(client_for, secretary, teacher_a):
    teacher_a.name = SCRIPT
    teacher_a.save()
    html = (
        client_for(secretary)
        .get(reverse("talks:contact_detail", kwargs={"pk": teacher_a.pk}))
        .content.decode()
    )
    assert SCRIPT not in html and "&lt;script&gt;" in html


TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    content=TEXT,
    place=TEXT,
    observation=TEXT,
    opinions=TEXT,
    date=st.one_of(TEXT, st.dates().map(str)),
    kind=st.one_of(TEXT, st.sampled_from(["talk", "report", "both"])),
    contact=st.one_of(TEXT, st.integers(-(2**70), 2**70).map(str)),
    event=st.one_of(TEXT, st.integers(-(2**70), 2**70).map(str)),
    token=st.one_of(TEXT, st.uuids().map(str)),
)
def test_random_text_at_the_talk_form_never_gives_a_500(
    author, teacher_a, content, place, observation, opinions, date, kind, contact, event, token
):
    response = author.post(
        reverse("talks:talk_create"),
        {
            "contact": contact if contact else teacher_a.pk,
            "date": date,
            "place": place,
            "kind": kind,
            "content": content,
            "aspects": ["work"],
            "observation": observation,
            "must_talk_event": event,
            "opinions": opinions,
            "submission_token": token,
        },
    )
    assert response.status_code in (200, 302)
