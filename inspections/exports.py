"""Excel exports (openpyxl): the dashboard matrix, the opinion queue (as filtered on its page),
the semester's assessments (a branch or the school) and the school overview.

Text typed by users ends up in cells: a cell starting with = + - @ tab or CR would be read as a
formula by a spreadsheet (CSV/formula injection), so such text is prefixed with an apostrophe.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from members.web import download_name, download_response
from talks.models import Opinion

from . import scoring

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Column widths in Excel's units (about one Latin character); a CJK character takes two.
MIN_WIDTH, MAX_WIDTH = 8, 60
DATE_FORMAT = "yyyy-mm-dd"


def display_width(value) -> int:
    """How wide a value shows in a cell: wide (CJK) characters count twice, the longest line."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    lines = str(value).splitlines() or [""]
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines
    )


def workbook_bytes(title: str, header: list[str], rows: Iterable[list]) -> bytes:
    """One sheet: a bold, frozen header row, dates as dates, each column as wide as its longest
    value (within MIN_WIDTH..MAX_WIDTH; longer text wraps)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([neutralise(h) for h in header])
    widths = [display_width(h) for h in header]
    for row in rows:
        values = [neutralise(value) for value in row]
        sheet.append(values)
        for index, value in enumerate(values):
            widths[index] = max(widths[index], display_width(value))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        wrap = width + 2 > MAX_WIDTH
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = DATE_FORMAT
            elif wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_download(content: bytes, *parts: object) -> HttpResponse:
    """An attachment named in Chinese from its parts (branch, period, what), joined by 「-」."""
    return download_response(
        content, filename=download_name(*parts, ext="xlsx"), content_type=XLSX_TYPE
    )


def matrix_xlsx(dashboard: dict) -> bytes:
    """The member × month matrix: one row per member, the state's words in each month."""
    months = dashboard["period"].months
    header = [_("Member")] + [str(m) for m in months]
    rows = [
        [row["member"].name]
        + [cell["state"].label if cell["state"] is not None else "" for cell in row["cells"]]
        for row in dashboard["matrix"]
    ]
    return workbook_bytes(_("Monthly talks"), header, rows)


def opinions_xlsx(opinions: Iterable[Opinion], today) -> bytes:
    """The opinion queue (R43). The opinions are not confidential text (RULES.md)."""
    header = [
        _("Received on"),
        _("Source"),
        _("Raised by"),
        _("Conveyed by"),
        _("Opinion or request"),
        _("Status"),
        _("Act by"),
        _("Days taken or open"),
        _("Answer to the person"),
    ]
    rows = []
    for opinion in opinions:
        end = timezone.localdate(opinion.answered_at) if opinion.answered_at else today
        rows.append(
            [
                opinion.received_on,
                opinion.get_source_display(),
                opinion.raised_by_name or (opinion.contact.name if opinion.contact else ""),
                opinion.conveyed_by.name if opinion.conveyed_by else "",
                opinion.content,
                opinion.get_status_display(),
                opinion.due_on,
                (end - opinion.received_on).days,
                opinion.answer,
            ]
        )
    return workbook_bytes(_("Opinions"), header, rows)


def _condition_label(condition: str) -> str:
    return {
        scoring.Condition.MET: _("met"),
        scoring.Condition.NOT_MET: _("not met"),
    }.get(condition, _("not yet decided"))


def assessments_xlsx(rows: list, part_labels: dict[str, str], today, with_branch: bool) -> bytes:
    """R64: the semester's stored assessments, one row per member: score, band, grade (and the
    reason for a grade outside the band), each part's rate, the basic condition. The reason is
    the secretary's own note on the grade, not confidential text (RULES.md)."""
    header = ([_("Branch")] if with_branch else []) + [
        _("Member"),
        _("Score"),
        _("Band"),
        _("Grade"),
        _("Reason for a grade outside the band"),
    ]
    header += [_("%(part)s (%%)") % {"part": part_labels[key]} for key in scoring.RATE_KEYS]
    header += [_("Basic condition met"), _("Computed on")]
    table = []
    for row in rows:
        weights = row.member.branch.weights
        parts = scoring.breakdown(weights, row.figures, row.figures.get("report_status"))
        values = [row.member.branch.name] if with_branch else []
        values += [
            row.member.name,
            None if row.score is None else float(row.score),
            scoring.band_label(row.score)
            or (_("nothing due") if scoring.nothing_due(row.figures) else ""),
            row.get_grade_display() if row.grade else "",
            row.grade_reason,
        ]
        values += [part["rate"] for part in parts["parts"]]
        values += [
            _condition_label(scoring.condition(row, today)),
            timezone.localtime(row.computed_at).replace(tzinfo=None),
        ]
        table.append(values)
    return workbook_bytes(_("Assessments"), header, table)


def school_xlsx(rows: list[dict], columns: list[tuple[str, str]]) -> bytes:
    """The school overview (全校概况): the headline figures of each branch, as on the page."""
    header = [label for _key, label in columns]
    table = []
    for row in rows:
        values = []
        for key, _label in columns:
            if key == "completion":
                values.append(row["completion_percent"])
            elif key == "symposiums":
                values.append(f"{row['symposiums']}/{row['symposium_target']}")
            else:
                values.append(row[key])
        table.append(values)
    return workbook_bytes(_("School overview"), header, table)
