"""Roster import: random bytes, random text and random cells at the upload never give a 500;
every answer is the form with an error (200) or the way on to the preview (302)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from contacts.services import roster
from tests.factories import DepartmentFactory

FUZZ = hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NAMES = st.sampled_from(["r.csv", "r.xlsx", "r.xls", "r.txt", "r", "名单.CSV", "a.b.xlsx"])
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
HEADER = [c.header for c in roster.COLUMNS]
CELLS = {
    0: st.one_of(TEXT, st.sampled_from(["党员", "联系对象", "member", "contact"])),
    5: st.one_of(TEXT, st.sampled_from(["教师", "困难职工", "入党积极分子"])),
    6: st.one_of(TEXT, st.sampled_from(["申请人", "积极分子", "发展对象"])),
    7: st.one_of(TEXT, st.dates().map(str)),
    8: st.one_of(TEXT, st.sampled_from(["疾病", "家庭", "经济", "其他"])),
}
ROW = st.tuples(*[CELLS.get(i, TEXT) for i in range(len(HEADER))])


@pytest.fixture
def secretary_client(client_for, secretary):
    DepartmentFactory(name="数学教研室")
    return client_for(secretary)


def post_and_follow(client, data: bytes, name: str) -> None:
    response = client.post(
        reverse("contacts:roster_import"), {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        preview = client.get(response.url)
        assert preview.status_code == 200
        token = client.session["roster_import"]["token"]
        applied = client.post(reverse("contacts:roster_apply"), {"token": token})
        assert applied.status_code == 302


@FUZZ
@given(data=st.binary(max_size=3000), name=NAMES)
def test_random_bytes_at_the_import_never_give_a_500(secretary_client, data, name):
    post_and_follow(secretary_client, data, name)


@FUZZ
@given(
    text=st.text(max_size=2000),
    encoding=st.sampled_from(["utf-8", "gbk", "utf-8-sig"]),
    prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"]),
)
def test_random_text_at_the_import_never_gives_a_500(secretary_client, text, encoding, prefix):
    data = prefix + text.encode(encoding, errors="replace")
    post_and_follow(secretary_client, data, "r.csv")


@FUZZ
@given(rows=st.lists(ROW, min_size=1, max_size=8), xlsx=st.booleans())
def test_random_cells_under_the_right_header_never_give_a_500(secretary_client, rows, xlsx):
    if xlsx:
        from openpyxl import Workbook

        workbook = Workbook()
        for row in [HEADER, *rows]:
            # openpyxl refuses control characters in cells; a real file cannot hold them either.
            workbook.active.append(["".join(ch for ch in v if ch.isprintable()) for v in row])
        out = io.BytesIO()
        workbook.save(out)
        post_and_follow(secretary_client, out.getvalue(), "r.xlsx")
    else:
        out = io.StringIO(newline="")
        csv.writer(out).writerows([HEADER, *rows])
        post_and_follow(secretary_client, out.getvalue().encode("utf-8"), "r.csv")
