"""Issue 14: people and branches are listed in pinyin order (members/pinyin.py), as a Chinese
reader looks for a name, not in code-point order: the branch page's members, the reports list,
the school overview, the choices of the forms that pick a member or a branch."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from inspections.forms import EthicsNoteForm, ExemplaryCaseForm
from inspections.models import Semester
from talks.forms.opinions import BoxForm

from ..factories import BranchFactory, MemberFactory, UserFactory

# By code point 张 (U+5F20) < 李 (U+674E) < 王 (U+738B) < 阿 (U+963F); a reader expects 阿 李 王 张.
NAMES = ["张老师", "王老师", "阿老师", "李老师"]
PINYIN = ["阿老师", "李老师", "王老师", "张老师"]


@pytest.fixture
def people(branch):
    return [MemberFactory(user=UserFactory(), name=n, branch=branch) for n in NAMES]


def _order(text: str, names: list[str]) -> list[str]:
    return sorted(names, key=text.index)


def test_issue14_branch_page_lists_members_in_pinyin_order(client_for, secretary, people, branch):
    page = client_for(secretary).get(reverse("inspections:branch_dashboard", args=[branch.pk]))
    assert _order(page.content.decode(), NAMES) == PINYIN


def test_issue14_reports_list_in_pinyin_order(client_for, secretary, people, branch):
    Semester.objects.create(
        name="2026秋", start_on=datetime.date(2026, 9, 1), end_on=datetime.date(2027, 1, 15)
    )
    page = client_for(secretary).get(reverse("inspections:report_list"))
    assert page.status_code == 200
    assert _order(page.content.decode(), NAMES) == PINYIN


def test_issue14_school_overview_lists_branches_in_pinyin_order(client_for, admin, db):
    names = ["张组党支部", "王组党支部", "阿组党支部", "李组党支部"]
    for name in names:
        BranchFactory(name=name)
    client = client_for(admin)
    page = client.get(reverse("inspections:school_home"))
    assert _order(page.content.decode(), names) == [
        "阿组党支部",
        "李组党支部",
        "王组党支部",
        "张组党支部",
    ]
    backwards = client.get(reverse("inspections:school_home"), {"sort": "-name"})
    assert _order(backwards.content.decode(), names) == [
        "张组党支部",
        "王组党支部",
        "李组党支部",
        "阿组党支部",
    ]


def _labels(field) -> list[str]:
    return [str(label) for value, label in field.choices if value != ""]


def test_issue14_member_and_branch_choices_in_pinyin_order(people, branch):
    assert _labels(ExemplaryCaseForm(branch=branch).fields["member"]) == PINYIN
    assert _labels(EthicsNoteForm(branch=branch).fields["member"]) == PINYIN
    for name in ["张组党支部", "阿组党支部"]:
        BranchFactory(name=name)
    assert _labels(BoxForm().fields["branch"]) == ["阿组党支部", "数学组党支部", "张组党支部"]


def test_issue14_accounts_list_in_pinyin_order(client_for, secretary, people):
    page = client_for(secretary).get(reverse("members:account_list"))
    assert _order(page.content.decode(), NAMES) == PINYIN
