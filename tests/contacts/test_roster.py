"""Issue 4, item 9: roster import of members and contacts (.xlsx, .csv in UTF-8 or GBK).

Upload → preview (each row's errors, nothing written) → apply in one transaction; importing
the same file again changes nothing; bad files get a clear error on the upload field."""

import csv
import datetime
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from contacts.models import ActivistStageChange, Contact
from contacts.services import roster
from members.models import AuditLog, Member
from tests.factories import ContactFactory, DepartmentFactory

User = get_user_model()
HEADER = [c.header for c in roster.COLUMNS]
MEMBER_ROW = ["党员", "张明", "T1", "数学教研室", "代数组", "", "", "", "", "zhangming", "z@s.test"]
TEACHER_ROW = ["联系对象", "陈静", "C1", "数学教研室", "代数组", "教师", "", "", "", "", ""]
ACTIVIST_ROW = ["联系对象", "吴青", "C2", "", "", "入党积极分子", "积极分子", "2026-03-01", "", "", ""]  # fmt: skip # noqa: E501
HARDSHIP_ROW = ["联系对象", "刘强", "C3", "", "", "困难职工", "", "", "疾病", "", ""]
GOOD = [MEMBER_ROW, TEACHER_ROW, ACTIVIST_ROW, HARDSHIP_ROW]


@pytest.fixture(autouse=True)
def frozen(settings, frozen_time):
    """Assertions read the English source strings; the Chinese is checked elsewhere."""
    settings.LANGUAGE_CODE = "en"
    frozen_time(2026, 10, 20, 9)


@pytest.fixture
def department(db):
    return DepartmentFactory(name="数学教研室")


def csv_bytes(rows, encoding="utf-8", header=HEADER) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    for row in [header, *rows]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, data: bytes, name="roster.csv", **query):
    url = reverse("contacts:roster_import")
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def preview(client, **query):
    return client.get(reverse("contacts:roster_preview"), query)


def apply(client, **query):
    token = client.session[roster_session_key()]["token"]
    url = reverse("contacts:roster_apply")
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(url, {"token": token})


def roster_session_key():
    from contacts.views.roster import SESSION_KEY

    return SESSION_KEY


def snapshot():
    """Everything an import may write."""
    return (
        sorted(Member.objects.values_list("name", "staff_no", "department_id", "teaching_group")),
        sorted(User.objects.values_list("username", "email")),
        sorted(
            Contact.objects.values_list(
                "name",
                "staff_no",
                "category",
                "department_id",
                "teaching_group",
                "activist_stage",
                "activist_stage_since",
                "hardship_kind",
                "updated_at",
            )
        ),
        ActivistStageChange.objects.count(),
    )


def rows_of(response):
    return [(r.line, r.action, r.errors) for r in response.context["plan"].rows]


# ---------------------------------------------------------------- the good path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_import_in_utf8_bom_and_gbk(client_for, secretary, branch, department, encoding):
    client = client_for(secretary)
    before = snapshot()
    response = upload(client, csv_bytes(GOOD, encoding))
    assert response.status_code == 302 and response.url == reverse("contacts:roster_preview")
    page = preview(client)
    assert [(line, action) for line, action, _e in rows_of(page)] == [
        (2, "create"),
        (3, "create"),
        (4, "create"),
        (5, "create"),
    ]
    assert "张明" in page.content.decode()
    assert snapshot() == before  # the preview writes nothing
    response = apply(client)
    assert response.status_code == 302 and response.url == reverse("contacts:manage_list")
    member = Member.objects.get(staff_no="T1")
    assert (member.name, member.branch, member.role, member.department) == (
        "张明",
        branch,
        "member",
        department,
    )
    assert member.user.username == "zhangming" and not member.user.has_usable_password()
    contacts = {c.staff_no: c for c in Contact.objects.filter(branch=branch)}
    assert contacts["C1"].category == "teacher" and contacts["C1"].teaching_group == "代数组"
    assert (contacts["C2"].activist_stage, contacts["C2"].activist_stage_since) == (
        "activist",
        datetime.date(2026, 3, 1),
    )
    assert contacts["C3"].hardship_kind == "illness"
    assert ActivistStageChange.objects.filter(contact=contacts["C2"]).count() == 1
    log = AuditLog.objects.get(action="import")
    assert (log.branch_id, log.details["created"], log.details["members"]) == (branch.pk, 4, 1)
    assert AuditLog.objects.filter(action="create").count() == 4
    # The stored file is gone and the session forgets it.
    assert roster_session_key() not in client.session


def test_xlsx_import_with_date_cells_and_numeric_staff_numbers(
    client_for, secretary, branch, department
):
    rows = [list(r) for r in GOOD]
    rows[2][7] = datetime.datetime(2026, 3, 1)
    rows[1][2] = 1001  # a staff number typed as a number
    client = client_for(secretary)
    assert upload(client, xlsx_bytes(rows), "名单.xlsx").status_code == 302
    assert {a for _l, a, _e in rows_of(preview(client))} == {"create"}
    apply(client)
    assert Contact.objects.get(staff_no="1001").name == "陈静"
    assert Contact.objects.get(staff_no="C2").activist_stage_since == datetime.date(2026, 3, 1)


def test_importing_the_same_file_again_changes_nothing(client_for, secretary, department):
    client = client_for(secretary)
    data = xlsx_bytes(GOOD)
    upload(client, data, "r.xlsx")
    apply(client)
    before = snapshot()
    upload(client, data, "r.xlsx")
    page = preview(client)
    assert {a for _l, a, _e in rows_of(page)} == {"unchanged"}
    assert "Nothing to import" in page.content.decode()
    apply(client)
    assert snapshot() == before
    # The CSV of the same rows matches too (members by username when no staff number).
    rows = [list(r) for r in GOOD]
    rows[0][2] = ""
    upload(client, csv_bytes(rows, "gbk"))
    assert {a for _l, a, _e in rows_of(preview(client))} == {"unchanged"}


def test_changed_fields_are_updates_and_empty_cells_keep_what_is_stored(
    client_for, secretary, department
):
    client = client_for(secretary)
    upload(client, csv_bytes(GOOD))
    apply(client)
    rows = [list(r) for r in GOOD]
    rows[0][4] = "几何组"  # member's teaching group
    rows[1][3] = ""  # teacher's department left empty: kept
    rows[2][6] = "发展对象"
    client.post(reverse("contacts:roster_import"), {})  # nothing uploaded: form error only
    upload(client, csv_bytes(rows))
    page = preview(client)
    assert [a for _l, a, _e in rows_of(page)] == ["update", "unchanged", "update", "unchanged"]
    apply(client)
    assert Member.objects.get(staff_no="T1").teaching_group == "几何组"
    teacher = Contact.objects.get(staff_no="C1")
    assert teacher.department == department
    activist = Contact.objects.get(staff_no="C2")
    assert activist.activist_stage == "development"
    assert ActivistStageChange.objects.filter(contact=activist).count() == 2


def test_template_downloads_have_the_header_and_an_example(client_for, secretary, department):
    client = client_for(secretary)
    response = client.get(reverse("contacts:roster_template", kwargs={"fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER and len(rows) >= 2
    response = client.get(reverse("contacts:roster_template", kwargs={"fmt": "csv"}))
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[0] == HEADER
    assert client.get(reverse("contacts:roster_template", kwargs={"fmt": "pdf"})).status_code == 404
    # The template itself imports without errors.
    upload(client, client.get(reverse("contacts:roster_template", kwargs={"fmt": "xlsx"})).content,
           "template.xlsx")  # fmt: skip
    assert not preview(client).context["plan"].has_errors


def test_the_manage_list_links_to_the_import(client_for, secretary):
    html = client_for(secretary).get(reverse("contacts:manage_list")).content.decode()
    assert reverse("contacts:roster_import") in html


# ------------------------------------------------ row errors: shown, nothing written


def row_errors(client, rows):
    before = snapshot()
    assert upload(client, csv_bytes(rows)).status_code == 302
    page = preview(client)
    assert page.context["plan"].has_errors
    html = page.content.decode()
    assert "Import now" not in html
    # Apply refuses too (a forged POST), and nothing is written.
    response = apply(client)
    assert response.status_code == 302 and response.url == reverse("contacts:roster_preview")
    assert snapshot() == before and not AuditLog.objects.filter(action="import").exists()
    return {line: errors for line, _a, errors in rows_of(page) if errors}, html


def with_cell(row, index, value):
    row = list(row)
    row[index] = value
    return row


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (with_cell(TEACHER_ROW, 3, "化学教研室"), "Unknown 院系/教研室 “化学教研室”"),
        (with_cell(ACTIVIST_ROW, 7, "2026-13-45"), "阶段日期 “2026-13-45” is not a date"),
        (with_cell(ACTIVIST_ROW, 7, "2030-01-01"), "阶段日期 2030-01-01 is not a possible date"),
        (with_cell(TEACHER_ROW, 5, "校长"), "Unknown 联系对象类别 “校长”"),
        (with_cell(TEACHER_ROW, 5, ""), "联系对象类别 is missing."),
        (with_cell(TEACHER_ROW, 1, ""), "姓名 is missing."),
        (with_cell(TEACHER_ROW, 0, "学生"), "类型 must be 党员 or 联系对象"),
        (with_cell(TEACHER_ROW, 2, ""), "工号 is missing"),
        (with_cell(ACTIVIST_ROW, 6, ""), "阶段 is missing"),
        (with_cell(HARDSHIP_ROW, 8, "失业"), "Unknown 困难类型 “失业”"),
        (with_cell(MEMBER_ROW, 9, ""), "用户名 is missing"),
        (with_cell(MEMBER_ROW, 9, "bad name!"), "用户名 “bad name!” may only contain"),
        (with_cell(MEMBER_ROW, 10, "not-an-email"), "邮箱 “not-an-email” is not an email"),
        (with_cell(TEACHER_ROW, 1, "长" * 41), "姓名 is too long"),
    ],
)
def test_each_bad_row_shows_its_error_and_nothing_is_written(
    client_for, secretary, department, row, message
):
    errors, html = row_errors(client_for(secretary), [MEMBER_ROW, row])
    assert list(errors) == [3] and any(message in e for e in errors[3]), errors
    assert message in html


def test_duplicate_person_within_the_file(client_for, secretary, department):
    twin = with_cell(TEACHER_ROW, 1, "陈静")
    other_user = with_cell(with_cell(MEMBER_ROW, 2, "T9"), 1, "张明")
    errors, _html = row_errors(client_for(secretary), [MEMBER_ROW, TEACHER_ROW, twin, other_user])
    assert list(errors) == [4, 5]
    assert "Duplicate person: 工号 C1 is already in row 3" in errors[4][0]
    assert "Duplicate person: 用户名 zhangming is already in row 2" in errors[5][0]


def test_existing_person_with_different_data(client_for, secretary, branch, member_a, department):
    ContactFactory(branch=branch, name="陈静", staff_no="C1", category="hardship")
    ContactFactory(branch=branch, name="王芳", staff_no="C5")
    member_a.staff_no = "T7"
    member_a.save()
    rows = [
        TEACHER_ROW,  # C1 exists as a hardship contact
        with_cell(TEACHER_ROW, 2, "C5"),  # C5 is 王芳, not 陈静
        with_cell(with_cell(MEMBER_ROW, 2, "T7"), 1, "李老师"),  # T7 is member_a: other username
        with_cell(with_cell(MEMBER_ROW, 9, "member_a"), 2, ""),  # member_a is 李老师, not 张明
        with_cell(MEMBER_ROW, 9, "secretary2"),
    ]
    errors, _html = row_errors(client_for(secretary), rows)
    assert "change the category on the contact's page" in errors[2][0]
    assert "工号 C5 is “王芳” in the system" in errors[3][0]
    assert "工号 T7 already belongs to the member with username member_a" in errors[4][0]
    assert "this person is “李老师” in the system" in errors[5][0]
    assert list(errors) == [2, 3, 4, 5]


def test_people_of_another_branch_are_not_taken_over(
    client_for, secretary, other_branch_secretary, department
):
    other_branch_secretary.staff_no = "T1"
    other_branch_secretary.save()
    rows = [MEMBER_ROW, with_cell(with_cell(MEMBER_ROW, 2, "T2"), 9, "other_secretary")]
    errors, _html = row_errors(client_for(secretary), rows)
    assert "工号 T1 belongs to a member outside this branch" in errors[2][0]
    assert "username other_secretary is already taken" in errors[3][0]


# ------------------------------------------------ bad files: field error, no file kept


def zip_of(name, content) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a roster", "roster.pdf", "Upload an .xlsx or .csv file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "roster.csv", "This is not a CSV file"),
        (b"\xd0\xcf\x11\xe0old excel", "roster.xls", "old Excel file (.xls)"),
        (b"just text", "roster.xlsx", "This is not a valid .xlsx file."),
        (zip_of("a.txt", "hello"), "roster.xlsx", "This .xlsx file cannot be read."),
        (b"\xff\xfe\xfa\xfb\x81", "roster.csv", "neither UTF-8 nor GBK"),
        (b"   \n\n", "roster.csv", "The file is empty."),
        (b"", "roster.csv", "The submitted file is empty."),
        ("类型,姓名\n".encode(), "roster.csv", "The file has a header but no rows."),
        ("名字,电话\n张三,123\n".encode(), "roster.csv", "The columns do not match the template"),
        (b"a" * (2 * 1024 * 1024 + 1), "roster.csv", "The file is too large (at most 2 MB)."),
        (
            csv_bytes([TEACHER_ROW] * 1001),
            "roster.csv",
            "The file has too many rows (at most 1000).",
        ),
        (xlsx_bytes([TEACHER_ROW] * 1001), "r.xlsx", "The file has too many rows (at most 1000)."),
        (xlsx_bytes([], header=[]), "r.xlsx", "The file is empty."),
    ],
)
def test_bad_files_get_a_clear_error_on_the_upload_field(
    client_for, secretary, department, data, name, message, settings
):
    client = client_for(secretary)
    before = snapshot()
    response = upload(client, data, name)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(message in e for e in errors), errors
    assert message in response.content.decode()
    assert snapshot() == before and roster_session_key() not in client.session
    imports = settings.MEDIA_ROOT / "imports"
    assert not imports.exists() or not any(imports.iterdir())


def test_a_missing_column_names_it(client_for, secretary):
    response = upload(client_for(secretary), "类型,工号\n党员,1\n".encode())
    (error,) = response.context["form"].errors["file"]
    assert "missing: 姓名" in error and "类型、姓名、工号" in error


# ---------------------------------------------------------------- the file kept between the steps


def test_apply_uses_the_stored_file_not_the_form(client_for, secretary, department, settings):
    client = client_for(secretary)
    upload(client, csv_bytes([TEACHER_ROW]))
    # A wrong token is refused.
    response = client.post(reverse("contacts:roster_apply"), {"token": "0" * 32})
    assert response.url == reverse("contacts:roster_import") and not Contact.objects.exists()
    # The stored file is changed on disk: its sha256 no longer matches, nothing is written.
    (path,) = (settings.MEDIA_ROOT / "imports").iterdir()
    path.write_bytes(csv_bytes([ACTIVIST_ROW]))
    response = client.post(reverse("contacts:roster_apply"), {"token": path.stem, "rows": "forged"})
    assert response.url == reverse("contacts:roster_import") and not Contact.objects.exists()
    assert roster_session_key() not in client.session


def test_preview_without_an_upload_goes_back_to_the_upload(client_for, secretary):
    response = preview(client_for(secretary))
    assert response.status_code == 302 and response.url == reverse("contacts:roster_import")


# ---------------------------------------------------------------- who may import


def test_admin_imports_into_the_branch_named(client_for, admin, branch, department):
    client = client_for(admin)
    assert upload(client, csv_bytes([TEACHER_ROW]), branch=branch.pk).status_code == 302
    assert preview(client, branch=branch.pk).status_code == 200
    apply(client, branch=branch.pk)
    assert Contact.objects.get(staff_no="C1").branch == branch
    # Without ?branch= an admin manages no branch.
    assert client.get(reverse("contacts:roster_import")).status_code == 403


def test_other_branch_secretary_cannot_reach_this_branch(
    client_for, secretary, other_branch_secretary, other_branch, branch, department
):
    client = client_for(secretary)
    upload(client, csv_bytes([TEACHER_ROW]))
    # ?branch= is ignored for a secretary: the upload goes to their own branch.
    other = client_for(other_branch_secretary)
    upload(other, csv_bytes([TEACHER_ROW]), branch=branch.pk)
    apply(other, branch=branch.pk)
    assert Contact.objects.get().branch == other_branch
    # The session's file belongs to one branch: another branch's view does not see it.
    assert preview(other, branch=branch.pk).status_code == 302


@pytest.mark.parametrize("who", ["member_a", "committee", "leader"])
def test_members_committee_and_leaders_cannot_import(client_for, who, request, department):
    client = client_for(request.getfixturevalue(who))
    assert upload(client, csv_bytes([TEACHER_ROW])).status_code == 403
    assert client.get(reverse("contacts:roster_import")).status_code == 403
    assert client.post(reverse("contacts:roster_apply"), {"token": "x"}).status_code == 403
    assert client.get(reverse("contacts:roster_template", kwargs={"fmt": "csv"})).status_code == 403
    assert not Contact.objects.exists()


def test_plan_query_count_does_not_grow_with_rows(
    secretary, branch, department, django_assert_max_num_queries
):
    def plan(n):
        rows = [with_cell(with_cell(TEACHER_ROW, 2, f"C{i}"), 1, f"人{i}") for i in range(n)]
        rows += [with_cell(with_cell(MEMBER_ROW, 2, f"T{i}"), 9, f"u{i}") for i in range(n)]
        return roster.parse_rows(roster.read_table(csv_bytes(rows), "r.csv"))

    for n in (5, 200):
        rows = plan(n)
        with django_assert_max_num_queries(6):
            result = roster.plan_import(rows, branch=branch)
        assert not result.has_errors
