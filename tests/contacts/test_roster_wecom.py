"""Issue 17: members' WeCom accounts from the roster import (the optional column 企业微信账号).

The roster imports members and contacts (contacts/services/roster.py); the column fills a member's
`wecom_userid`, the account their WeCom app messages go to. Uploaded with WebTest as the page
sends the file; a bad value is an error in Chinese on its row of the preview, and nothing is
written until every row is right. Files without the column import as before."""

import csv
import io

import pytest
from django.urls import reverse

from contacts.services import roster
from members.models import Member
from tests.factories import DepartmentFactory, MemberFactory

pytestmark = pytest.mark.django_db
HEADER = [c.header for c in roster.COLUMNS]


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    DepartmentFactory(name="数学教研室")


def _member_row(name, staff_no, username, wecom=""):
    row = dict.fromkeys(HEADER, "")
    row.update(
        {"类型": "党员", "姓名": name, "工号": staff_no, "院系/教研室": "数学教研室"},
        用户名=username,
        企业微信账号=wecom,
    )
    return [row[h] for h in HEADER]


def _csv(rows, header=HEADER) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig")


def _upload(app, secretary, data: bytes, name="名单.csv"):
    page = app.get(reverse("contacts:roster_import"), user=secretary.user.username)
    form = page.forms["roster-upload-form"]
    form["file"] = (name, data, "text/csv")
    return form.submit("upload").maybe_follow()


def _row_cells(page, line: int) -> str:
    """The text of the preview's table row of this spreadsheet row."""
    for tr in page.html.select("table tbody tr"):
        cells = tr.find_all("td")
        if cells and cells[0].get_text(strip=True) == str(line):
            return " ".join(td.get_text(" ", strip=True) for td in cells)
    raise AssertionError(f"no preview row {line}")


def test_issue17_roster_column_is_in_the_template_and_on_the_import_page(app, secretary):
    page = app.get(reverse("contacts:roster_import"), user=secretary.user.username)
    assert "企业微信账号" in page.text and "UserID" in page.text
    template = app.get(reverse("contacts:roster_template", kwargs={"fmt": "csv"}))
    header, member, contact = list(csv.reader(io.StringIO(template.body.decode("utf-8-sig"))))
    assert header[-1] == "企业微信账号" and member[-1] and contact[-1] == ""


def test_issue17_roster_import_fills_members_wecom_accounts(app, secretary, member_a):
    member_a.staff_no = "T100"
    member_a.save()
    data = _csv(
        [
            _member_row("张明", "T200", "zhangming", wecom="ZhangMing"),
            _member_row(member_a.name, "T100", member_a.user.username, wecom="li.laoshi"),
            _member_row("赵红", "T300", "zhaohong"),  # no account: left empty
        ]
    )
    preview = _upload(app, secretary, data)
    assert "新增" in _row_cells(preview, 2)
    assert "企业微信账号" in _row_cells(preview, 3)  # the change is named on the update row
    preview.forms["roster-apply-form"].submit().maybe_follow()
    accounts = dict(Member.objects.values_list("name", "wecom_userid"))
    assert accounts["张明"] == "ZhangMing"
    assert accounts[member_a.name] == "li.laoshi"
    assert accounts["赵红"] == ""

    # The same file again changes nothing; a file without the column keeps the accounts.
    again = _upload(app, secretary, data)
    assert "roster-apply-form" not in again.forms
    header = HEADER[:-1]
    rows = [_member_row(member_a.name, "T100", member_a.user.username)[:-1]]
    again = _upload(app, secretary, _csv(rows, header=header))
    assert "roster-apply-form" not in again.forms
    assert Member.objects.get(pk=member_a.pk).wecom_userid == "li.laoshi"


def test_issue17_bad_wecom_account_is_an_error_in_chinese_on_its_row(app, secretary):
    MemberFactory(branch=secretary.branch, name="钱老师", wecom_userid="qian")
    data = _csv(
        [
            _member_row("张明", "T200", "zhangming", wecom="ZhangMing"),
            _member_row("李红", "T201", "lihong", wecom="李红 13800000000"),
            _member_row("孙强", "T202", "sunqiang", wecom="qian"),  # another member's account
            _member_row("周平", "T203", "zhouping", wecom="ZhangMing"),  # twice in the file
        ]
    )
    preview = _upload(app, secretary, data)
    assert preview.status_code == 200
    assert "roster-apply-form" not in preview.forms
    assert "新增" in _row_cells(preview, 2)
    bad = _row_cells(preview, 3)
    assert "企业微信账号“李红 13800000000”只能包含字母、数字和 . _ - @" in bad
    assert "不是姓名或手机号" in bad
    assert "企业微信账号 qian 已是另一名党员的账号。" in _row_cells(preview, 4)
    assert "企业微信账号 ZhangMing 已出现在文件第 2 行" in _row_cells(preview, 5)
    assert not Member.objects.filter(name__in=["张明", "李红", "孙强", "周平"]).exists()
