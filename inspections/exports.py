"""Excel exports (openpyxl) of the dashboard matrix and the opinion queue.

Text typed by users ends up in cells: a cell starting with = + - @ tab or CR would be read as a
formula by a spreadsheet (CSV/formula injection), so such text is prefixed with an apostrophe.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from talks.models import Opinion

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def workbook_bytes(title: str, header: list[str], rows: Iterable[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    for index, _name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = "B2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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
