"""The markup built in Python for the dashboards' big tables (the school overview's rows, the
branch matrix's cells, the month-state badge): the same cells the templates had, and every
name escaped (they are built with f-strings for speed, docs/performance.md)."""

from django.urls import reverse
from django.utils import translation

from inspections.templatetags.school import school_row
from talks.obligations import MonthState
from talks.templatetags.states import matrix_cell, state_badge
from tests.factories import BranchFactory

SCRIPT = '<script>alert("x")</script>'


def _row(**changes) -> dict:
    row = {
        "url": "/inspections/branch/7/",
        "name": "第一支部",
        "members": 25,
        "completion_percent": 84,
        "missing": 3,
        "without_teacher": 0,
        "overdue": 2,
        "opinions_open": 5,
        "opinions_late": 0,
        "symposiums": 0,
        "symposium_target": 1,
        "symposium_short": True,
        "reports_in": 20,
    }
    return {**row, **changes}


def test_school_row_cells():
    html = school_row(_row(), "2026-11", semester=object())
    assert html.startswith(
        '<tr><th scope="row"><a href="/inspections/branch/7/?month=2026-11">第一支部</a></th>'
    )
    cells = html.split("<td>")[1:]
    assert [cell.removesuffix("</td>").removesuffix("</td></tr>") for cell in cells] == [
        "25",
        "84%",
        '<span class="state-missing"><span aria-hidden="true">✗</span> 3</span>',
        "0",
        '<span class="state-missing"><span aria-hidden="true">⚠</span> 2</span>',
        "5",
        "0",
        '<span class="state-missing"><span aria-hidden="true">✗</span> 0/1</span>',
        "20/25",
    ]


def test_school_row_without_rate_semester_or_shortfall():
    html = school_row(
        _row(completion_percent=None, symposiums=2, symposium_short=False), "2026-11", None
    )
    assert "<td>–</td>" in html  # no rate, and no semester for the reports column
    assert html.endswith("<td>–</td></tr>")
    assert '<span class="state-complete"><span aria-hidden="true">✓</span> 2/1</span>' in html


def test_school_row_escapes_the_name_and_link():
    html = school_row(_row(name=SCRIPT, url='/x/"onmouseover="'), '2026-11"&', None)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="/x/&quot;onmouseover=&quot;?month=2026-11&quot;&amp;"' in html


def test_script_in_a_branch_name_is_text_on_the_school_page(client_for, admin, branch):
    BranchFactory(name=SCRIPT)
    page = client_for(admin).get(reverse("inspections:school_home")).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert SCRIPT not in page


def test_state_badge_and_matrix_cells():
    with translation.override("zh-hans"):
        badge = state_badge(MonthState.PARTIAL)
        assert badge == (
            '<span class="state-partial"><span aria-hidden="true">◐</span> '
            f"{MonthState.PARTIAL.label}</span>"
        )
        assert state_badge(None) == ""
        cell = matrix_cell({"state": MonthState.PARTIAL, "url": "/h/?start=1&end=2"})
        assert cell == (
            '<td class="text-nowrap cell-partial"><a href="/h/?start=1&amp;end=2" '
            f'class="text-decoration-none">{badge}</a></td>'
        )
        empty = '<td class="text-nowrap cell-none"><span class="text-muted small">{}</span></td>'
        assert matrix_cell({"state": None, "future": True}) == empty.format("未到")
        assert matrix_cell({"state": None, "future": False}) == empty.format("无联系对象")
