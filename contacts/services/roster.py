"""Roster import (issue 4, item 9): members and contacts of a branch from .xlsx or .csv.

Three steps, each a plain function:
- `read_table(data, filename)`: bytes → list of rows of strings/dates (raises RosterFileError
  for a file that is not a spreadsheet, too large, empty...). Pure.
- `parse_rows(table)`: header check and per-row parsing of values (errors kept per row). Pure.
- `plan_import(rows, branch=...)`: compares with the database (a fixed number of queries) and
  says per row: create, update, unchanged or error. Nothing is written.
- `roster_apply(plan=..., by=...)`: writes a plan without errors in one transaction.

People are matched by staff number (工号) within the branch, else members by username; so
importing the same file twice changes nothing. An empty optional cell keeps what is stored.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.audit import audit
from members.forms import USERID
from members.models import AuditAction, Branch, Department, Member, Role

from ..models import ActivistStage, Category, Contact, HardshipKind
from . import contacts as contact_services

MAX_BYTES = 2 * 1024 * 1024


# A branch has tens of people; 1000 rows apply in well under the 60 s request timeout.
MAX_ROWS = 1000


# An xlsx is a zip: refuse one that unpacks to far more than any roster (a "zip bomb").
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024


XLSX_MAGIC = b"PK\x03\x04"


OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old .xls format


MAX_COLUMNS = 30


# Rows read from a sheet, blank (formatted) ones included; those with data count against MAX_ROWS.
MAX_SHEET_ROWS = 50 * MAX_ROWS


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message is for the upload field."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    note: str


# The template's columns. Headers are part of the file format, so they are fixed Chinese text.
COLUMNS = (
    Column("kind", "类型", "党员 或 联系对象（必填）"),
    Column("name", "姓名", "必填"),
    Column("staff_no", "工号", "联系对象必填；党员可空（则按用户名匹配）"),
    Column("department", "院系/教研室", "须是系统中已有的名称，可空"),
    Column("teaching_group", "教研组", "可空"),
    Column("category", "联系对象类别", "联系对象必填：教师 / 困难职工 / 入党积极分子"),
    Column("stage", "阶段", "入党积极分子必填：申请人 / 积极分子 / 发展对象"),
    Column("stage_since", "阶段日期", "格式 2026-09-01，可空"),
    Column("hardship_kind", "困难类型", "困难职工必填：疾病 / 家庭 / 经济 / 其他"),
    Column("username", "用户名", "党员必填（登录名）"),
    Column("email", "邮箱", "党员可填"),
    # Issue 17: the member's account in the school's WeCom address book, for app messages.
    Column("wecom_userid", "企业微信账号", "党员可填：企业微信通讯录中的账号（UserID），可空"),
)


HEADERS = {c.header: c.key for c in COLUMNS} | {c.key: c.key for c in COLUMNS}


REQUIRED_HEADERS = ("kind", "name")


# Columns a secretary may add for their own notes; they are ignored.
IGNORED_HEADERS = {"备注", "note", "notes"}


MEMBER, CONTACT = "member", "contact"


KINDS = {"党员": MEMBER, "member": MEMBER, "联系对象": CONTACT, "contact": CONTACT}


CATEGORIES = {
    "教师": Category.TEACHER,
    "一般教师": Category.TEACHER,
    "困难职工": Category.HARDSHIP,
    "入党积极分子": Category.ACTIVIST,
    "积极分子": Category.ACTIVIST,
    "入党申请人": Category.ACTIVIST,
} | {c.value: c for c in Category}


STAGES = {
    "申请人": ActivistStage.APPLICANT,
    "入党申请人": ActivistStage.APPLICANT,
    "积极分子": ActivistStage.ACTIVIST,
    "入党积极分子": ActivistStage.ACTIVIST,
    "发展对象": ActivistStage.DEVELOPMENT,
} | {s.value: s for s in ActivistStage}


HARDSHIP_KINDS = {
    "疾病": HardshipKind.ILLNESS,
    "家庭": HardshipKind.FAMILY,
    "经济": HardshipKind.ECONOMIC,
    "其他": HardshipKind.OTHER,
} | {k.value: k for k in HardshipKind}


MAX_LENGTHS = {
    "name": 40,
    "staff_no": 30,
    "teaching_group": 60,
    "username": 150,
    "email": 254,
    "wecom_userid": 64,
}


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


ACTION_LABELS = {
    "create": gettext_lazy("new"),
    "update": gettext_lazy("update"),
    "unchanged": gettext_lazy("unchanged"),
    "error": gettext_lazy("error"),
}


def read_table(data: bytes, filename: str) -> list[list]:
    """The cells of the first sheet (xlsx) or of the CSV, as rows of str/date values."""
    if not data.strip():
        raise RosterFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise RosterFileError(
            _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    name = filename.lower()
    if data.startswith(XLSX_MAGIC):
        table = _read_xlsx(data)
    elif data.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise RosterFileError(
            _("This is an old Excel file (.xls): save it as .xlsx or .csv and upload it again.")
        )
    elif name.endswith(".xlsx"):
        raise RosterFileError(_("This is not a valid .xlsx file."))
    elif name.endswith(".csv"):
        table = _read_csv(data)
    else:
        raise RosterFileError(_("Upload an .xlsx or .csv file (use the template)."))
    table = [row for row in table if not all(_blank(v) for v in row)]
    if not table:
        raise RosterFileError(_("The file is empty."))
    if len(table) - 1 > MAX_ROWS:
        raise RosterFileError(_("The file has too many rows (at most %(n)s).") % {"n": MAX_ROWS})
    if len(table) == 1:
        raise RosterFileError(_("The file has a header but no rows."))
    return table


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise RosterFileError(_("The file is too large once unpacked."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = []
            # Bounded on both axes: a sheet may claim a million rows or columns.
            for row in sheet.iter_rows(
                max_col=MAX_COLUMNS, max_row=MAX_SHEET_ROWS + 1, values_only=True
            ):
                rows.append([_cell(v) for v in row])
            if len(rows) > MAX_SHEET_ROWS:
                raise RosterFileError(
                    _("The file has too many rows (at most %(n)s).") % {"n": MAX_ROWS}
                )
            return rows
        finally:
            workbook.close()
    except RosterFileError:
        raise
    except Exception as error:  # openpyxl/zipfile raise many kinds on a damaged file
        raise RosterFileError(_("This .xlsx file cannot be read.")) from error


def _cell(value):
    """xlsx cells: dates stay dates; 1001.0 (a staff number typed as a number) becomes "1001"."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(data: bytes) -> list[list]:
    if b"\x00" in data:
        raise RosterFileError(_("This is not a CSV file (it contains binary data)."))
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(_("The CSV file is neither UTF-8 nor GBK text."))
    try:
        return [row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise RosterFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


def template_rows(department: str) -> list[list]:
    """The header and two example rows (a member and a teacher contact) of the template."""
    return [
        [c.header for c in COLUMNS],
        ["党员", "张明", "T2026001", department, "代数教研组", "", "", "", "", "zhangming",
         "zhangming@example.edu.cn", "ZhangMing"],
        ["联系对象", "陈静", "T2026101", department, "代数教研组", "教师", "", "", "", "", "", ""],
    ]  # fmt: skip


def template_xlsx(department: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    for row in template_rows(department):
        sheet.append(row)
    for index, column in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = max(12, len(column.header) * 3)
    notes = workbook.create_sheet("说明")
    notes.append(["列", "说明"])
    for column in COLUMNS:
        notes.append([column.header, column.note])
    notes.append(["", "只导入第一个工作表；空白的可选单元格不会清除系统中已有的内容。"])
    notes.column_dimensions["B"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv(department: str) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese text correctly."""
    out = io.StringIO(newline="")
    csv.writer(out).writerows(template_rows(department))
    return out.getvalue().encode("utf-8-sig")


@dataclass
class RosterRow:
    line: int  # the row number in the spreadsheet (the header is row 1)
    values: dict
    errors: list[str] = field(default_factory=list)
    action: str = "error"
    changes: list[str] = field(default_factory=list)
    target: Member | Contact | None = None  # the Member or Contact it matches

    @property
    def kind(self) -> str | None:
        return self.values.get("kind")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


def parse_rows(table: list[list]) -> list[RosterRow]:
    """The header must name the template's columns; each row's values are parsed and checked
    on their own (duplicates and the database come in `plan_import`)."""
    header = [str(v).strip() if v is not None else "" for v in table[0]]
    keys = []
    unknown = []
    for text in header:
        key = HEADERS.get(text)
        if key is None and text and text not in IGNORED_HEADERS:
            unknown.append(text)
        keys.append(key)
    missing = [c.header for c in COLUMNS if c.key in REQUIRED_HEADERS and c.key not in keys]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("missing: %(names)s") % {"names": "、".join(missing)})
        if unknown:
            parts.append(_("unknown: %(names)s") % {"names": "、".join(unknown[:10])})
        raise RosterFileError(
            _(
                "The columns do not match the template (%(problems)s). Use the header row of the "
                "template: %(headers)s."
            )
            % {"problems": "; ".join(parts), "headers": "、".join(c.header for c in COLUMNS)}
        )
    if len([k for k in keys if k]) != len({k for k in keys if k}):
        raise RosterFileError(_("A column appears twice in the header row."))
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        raw = {key: cells[i] for i, key in enumerate(keys) if key and i < len(cells)}
        rows.append(_parse_row(number, raw))
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _parse_row(line: int, raw: dict) -> RosterRow:
    row = RosterRow(line=line, values={})
    errors = row.errors
    # The cells as text, but the stage date as read (a date from .xlsx, text from .csv).
    values: dict[str, Any] = {key: _text(raw.get(key)) for key in HEADERS.values()}
    for key in values.keys() - MAX_LENGTHS.keys():
        values[key] = values[key][:60]  # the rest are short words; keeps messages short
    values["stage_since"] = raw.get("stage_since")
    for key, limit in MAX_LENGTHS.items():
        if len(values[key]) > limit:
            errors.append(
                _("%(column)s is too long (at most %(n)s characters).")
                % {"column": _header(key), "n": limit}
            )
            values[key] = values[key][:limit]
    kind = KINDS.get(values["kind"])
    if kind is None:
        errors.append(
            _("类型 must be 党员 or 联系对象 (not “%(value)s”).") % {"value": values["kind"][:40]}
            if values["kind"]
            else _("类型 is missing.")
        )
    if not values["name"]:
        errors.append(_("姓名 is missing."))
    parsed = {
        "kind": kind,
        "name": values["name"],
        "staff_no": values["staff_no"],
        "department": values["department"],
        "teaching_group": values["teaching_group"],
    }
    if kind == MEMBER:
        _parse_member(values, parsed, errors)
    elif kind == CONTACT:
        _parse_contact(values, parsed, errors)
    row.values = parsed
    return row


def _header(key: str) -> str:
    return next(c.header for c in COLUMNS if c.key == key)


def _parse_member(values: dict, parsed: dict, errors: list) -> None:
    username, email = values["username"], values["email"]
    if not username:
        errors.append(_("用户名 is missing: a member needs a username to log in."))
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            errors.append(
                _("用户名 “%(value)s” may only contain letters, digits and @ . + - _.")
                % {"value": username}
            )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("邮箱 “%(value)s” is not an email address.") % {"value": email})
    wecom_userid = values["wecom_userid"]
    if wecom_userid:
        try:
            USERID(wecom_userid)
        except ValidationError:
            errors.append(
                _(
                    "企业微信账号 “%(value)s” may only contain letters, digits and . _ - @ (the "
                    "account as in the WeCom address book, not the name or the mobile number)."
                )
                % {"value": wecom_userid}
            )
    parsed.update(username=username, email=email, wecom_userid=wecom_userid)


def _parse_contact(values: dict, parsed: dict, errors: list) -> None:
    if not values["staff_no"]:
        errors.append(_("工号 is missing: contacts are matched by their staff number."))
    category = CATEGORIES.get(values["category"])
    if category is None:
        errors.append(
            _("Unknown 联系对象类别 “%(value)s”: use 教师, 困难职工 or 入党积极分子.")
            % {"value": values["category"]}
            if values["category"]
            else _("联系对象类别 is missing.")
        )
    parsed["category"] = category
    if category == Category.ACTIVIST:
        stage = STAGES.get(values["stage"])
        if stage is None:
            errors.append(
                _("Unknown 阶段 “%(value)s”: use 申请人, 积极分子 or 发展对象.")
                % {"value": values["stage"]}
                if values["stage"]
                else _("阶段 is missing: an activist or applicant needs a stage.")
            )
        parsed["activist_stage"] = stage
        parsed["activist_stage_since"] = _parse_date(values["stage_since"], errors)
    if category == Category.HARDSHIP:
        kind = HARDSHIP_KINDS.get(values["hardship_kind"])
        if kind is None:
            errors.append(
                _("Unknown 困难类型 “%(value)s”: use 疾病, 家庭, 经济 or 其他.")
                % {"value": values["hardship_kind"]}
                if values["hardship_kind"]
                else _("困难类型 is missing: staff in hardship need the kind of hardship.")
            )
        parsed["hardship_kind"] = kind


def _parse_date(value, errors: list) -> datetime.date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime.date):
        day = value
    else:
        text = _text(value)
        for fmt in DATE_FORMATS:
            try:
                day = datetime.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            errors.append(
                _("阶段日期 “%(value)s” is not a date: write it as 2026-09-01.")
                % {"value": text[:40]}
            )
            return None
    if day > timezone.localdate() or day.year < 1950:
        errors.append(_("阶段日期 %(value)s is not a possible date.") % {"value": day})
        return None
    return day


@dataclass
class RosterPlan:
    branch: Branch
    rows: list[RosterRow]

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts


def plan_import(rows: list[RosterRow], *, branch: Branch) -> RosterPlan:
    """Match every row against the branch (at most six queries whatever the number of rows)."""
    User = get_user_model()
    departments = {d.name: d for d in Department.objects.filter(name__in=_all(rows, "department"))}
    staff_nos = _all(rows, "staff_no")
    usernames = _all(rows, "username")
    members_by_staff = {
        m.staff_no: m
        for m in Member.objects.filter(staff_no__in=staff_nos).select_related("user", "department")
    }
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    members_by_user = {
        m.user_id: m
        for m in Member.objects.filter(user__username__in=usernames).select_related(
            "user", "department"
        )
    }
    contacts = {
        c.staff_no: c
        for c in Contact.objects.filter(branch=branch, staff_no__in=staff_nos).select_related(
            "department"
        )
    }
    # Issue 17: a WeCom account reaches one person; the members who already have these.
    wecom_ids = {row.values["wecom_userid"] for row in rows if row.values.get("wecom_userid")}
    wecom_owners = (
        dict(Member.objects.filter(wecom_userid__in=wecom_ids).values_list("wecom_userid", "pk"))
        if wecom_ids
        else {}
    )
    seen: dict[tuple, int] = {}
    for row in rows:
        _check_duplicates(row, seen)
        name = row.values.get("department")
        if name and name not in departments:
            row.errors.append(
                _("Unknown 院系/教研室 “%(value)s”: use a department name known to the system.")
                % {"value": name}
            )
        if row.kind == MEMBER:
            _plan_member(row, branch, members_by_staff, users, members_by_user, departments)
            _check_wecom_owner(row, wecom_owners)
        elif row.kind == CONTACT:
            _plan_contact(row, contacts, departments)
        if row.errors:
            row.action = "error"
    return RosterPlan(branch=branch, rows=rows)


def _all(rows: list[RosterRow], key: str) -> set[str]:
    return {row.values[key] for row in rows if row.values.get(key)}


def _check_duplicates(row: RosterRow, seen: dict) -> None:
    keys = []
    if row.values.get("staff_no"):
        keys.append(("工号", row.values["staff_no"]))
    if row.kind == MEMBER and row.values.get("username"):
        keys.append(("用户名", row.values["username"]))
    if row.kind == MEMBER and row.values.get("wecom_userid"):
        keys.append(("企业微信账号", row.values["wecom_userid"]))
    for key in keys:
        if key in seen:
            row.errors.append(
                _("Duplicate person: %(column)s %(value)s is already in row %(line)s of the file.")
                % {"column": key[0], "value": key[1], "line": seen[key]}
            )
        else:
            seen[key] = row.line


def _check_wecom_owner(row: RosterRow, owners: dict) -> None:
    """The account must not be another member's already (each would get the other's messages)."""
    userid = row.values.get("wecom_userid")
    owner = owners.get(userid) if userid else None
    target = row.target.pk if isinstance(row.target, Member) else None
    if owner is not None and owner != target:
        row.errors.append(
            _("企业微信账号 %(value)s is already the account of another member.")
            % {"value": userid}
        )


def _plan_member(row, branch, members_by_staff, users, members_by_user, departments) -> None:
    values = row.values
    member = None
    if values["staff_no"] and values["staff_no"] in members_by_staff:
        member = members_by_staff[values["staff_no"]]
        if member.branch_id != branch.pk:
            row.errors.append(
                _("工号 %(value)s belongs to a member outside this branch.")
                % {"value": values["staff_no"]}
            )
            return
        if values["username"] and member.user.username != values["username"]:
            row.errors.append(
                _("工号 %(value)s already belongs to the member with username %(username)s.")
                % {"value": values["staff_no"], "username": member.user.username}
            )
            return
    elif values["username"] in users:
        user = users[values["username"]]
        member = members_by_user.get(user.pk)
        if member is None or member.branch_id != branch.pk:
            row.errors.append(
                _("The username %(value)s is already taken by someone outside this branch.")
                % {"value": values["username"]}
            )
            return
        if member.staff_no and values["staff_no"] and member.staff_no != values["staff_no"]:
            row.errors.append(
                _("%(username)s already exists with 工号 %(stored)s, not %(value)s.")
                % {
                    "username": values["username"],
                    "stored": member.staff_no,
                    "value": values["staff_no"],
                }
            )
            return
    if member is None:
        row.action = "create"
        return
    row.target = member
    if member.name != values["name"]:
        row.errors.append(
            _("Already exists with different data: this person is “%(stored)s” in the system.")
            % {"stored": member.name}
        )
        return
    changes = _common_changes(member, values, departments)
    if values["staff_no"] and not member.staff_no:
        changes.append(_header("staff_no"))
    if values["email"] and member.user.email != values["email"]:
        changes.append(_header("email"))
    if values["wecom_userid"] and member.wecom_userid != values["wecom_userid"]:
        changes.append(_header("wecom_userid"))
    row.changes = changes
    row.action = "update" if changes else "unchanged"


def _common_changes(obj, values: dict, departments: dict) -> list[str]:
    changes = []
    department = departments.get(values["department"])
    if department is not None and obj.department_id != department.pk:
        changes.append(_header("department"))
    if values["teaching_group"] and obj.teaching_group != values["teaching_group"]:
        changes.append(_header("teaching_group"))
    return changes


def _plan_contact(row, contacts: dict, departments: dict) -> None:
    values = row.values
    contact = contacts.get(values["staff_no"]) if values["staff_no"] else None
    if contact is None:
        row.action = "create"
        return
    row.target = contact
    if contact.name != values["name"]:
        row.errors.append(
            _("Already exists with different data: 工号 %(value)s is “%(stored)s” in the system.")
            % {"value": values["staff_no"], "stored": contact.name}
        )
        return
    if values["category"] and contact.category != values["category"]:
        row.errors.append(
            _(
                "Already exists with different data: %(name)s is a contact of the category "
                "“%(stored)s”; change the category on the contact's page."
            )
            % {"name": contact.name, "stored": contact.get_category_display()}
        )
        return
    changes = _common_changes(contact, values, departments)
    for key, column in (
        ("activist_stage", "stage"),
        ("activist_stage_since", "stage_since"),
        ("hardship_kind", "hardship_kind"),
    ):
        if values.get(key) and getattr(contact, key) != values[key]:
            changes.append(_header(column))
    row.changes = changes
    row.action = "update" if changes else "unchanged"


@transaction.atomic
def roster_apply(*, plan: RosterPlan, by, filename: str) -> dict[str, int]:
    """Write a plan without errors in one transaction; one audit row per change and one IMPORT
    row with the counts. New members get an unusable password: the admin gives them one."""
    if plan.has_errors:
        raise ValidationError(_("The file has errors: nothing was imported."))
    departments = {
        d.name: d for d in Department.objects.filter(name__in=_all(plan.rows, "department"))
    }
    for row in plan.rows:
        if row.action not in ("create", "update"):
            continue
        if row.kind == MEMBER:
            _apply_member(row, plan.branch, departments, by)
        else:
            _apply_contact(row, plan.branch, departments, by)
    counts = plan.counts
    audit(
        AuditAction.IMPORT,
        actor=by,
        obj=plan.branch,
        branch_id=plan.branch.pk,
        object_repr=f"roster {filename}"[:200],
        details={
            "created": counts["create"],
            "updated": counts["update"],
            "unchanged": counts["unchanged"],
            "members": sum(1 for r in plan.rows if r.kind == MEMBER),
            "contacts": sum(1 for r in plan.rows if r.kind == CONTACT),
        },
    )
    return counts


def _apply_member(row: RosterRow, branch: Branch, departments: dict, by) -> None:
    values = row.values
    department = departments.get(values["department"])
    if row.action == "create":
        user = get_user_model()(username=values["username"], email=values["email"])
        user.set_unusable_password()
        user.full_clean()
        user.save()
        member = Member(
            user=user,
            name=values["name"],
            branch=branch,
            role=Role.MEMBER,
            department=department,
            teaching_group=values["teaching_group"],
            staff_no=values["staff_no"],
            wecom_userid=values["wecom_userid"],
            # Finding 8: they choose their own password (a set-password link, then login).
            must_set_password=True,
        )
        member.full_clean()
        member.save()
        audit(AuditAction.CREATE, actor=by, obj=member, branch_id=branch.pk)
        return
    member = cast(Member, row.target)  # an update of a member row: the member it matches
    if department is not None:
        member.department = department
    if values["teaching_group"]:
        member.teaching_group = values["teaching_group"]
    if values["staff_no"]:
        member.staff_no = values["staff_no"]
    if values["wecom_userid"]:
        member.wecom_userid = values["wecom_userid"]
    member.full_clean()
    member.save()
    if values["email"] and member.user.email != values["email"]:
        member.user.email = values["email"]
        member.user.save(update_fields=["email"])
    audit(
        AuditAction.UPDATE,
        actor=by,
        obj=member,
        branch_id=branch.pk,
        details={"fields": row.changes, "source": "roster import"},
    )


def _apply_contact(row: RosterRow, branch: Branch, departments: dict, by) -> None:
    values = row.values
    updates = {}
    department = departments.get(values["department"])
    if department is not None:
        updates["department"] = department
    for key in ("teaching_group", "activist_stage", "activist_stage_since", "hardship_kind"):
        if values.get(key):
            updates[key] = values[key]
    if row.action == "create":
        updates.update(
            name=values["name"], category=values["category"], staff_no=values["staff_no"]
        )
        contact_services.contact_create(branch=branch, values=updates, by=by)
    else:
        # An update of a contact row: the contact it matches.
        contact_services.contact_update(contact=cast(Contact, row.target), values=updates, by=by)
