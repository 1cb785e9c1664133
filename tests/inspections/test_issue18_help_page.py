"""Issue 18 "In-app help (使用说明)": every role opens it from the menu; it shows the regulation
in full, what the states and figures mean, the score formula with the viewer's branch's own
weights (R64) and what each role does; the pages it explains link to its sections; the menu
marks the page shown (aria-current="page", Bootstrap's active)."""

from __future__ import annotations

import datetime
import re
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

from inspections.models import Semester
from inspections.views import help

HELP = reverse("help:index")
REGULATION = Path(help.__file__).resolve().parents[1] / "data" / "regulation.txt"


@pytest.fixture
def semester(db):
    return Semester.objects.create(
        name="2026年春季学期",
        start_on=datetime.date(2026, 2, 20),
        end_on=datetime.date(2026, 7, 10),
    )


def text_of(response) -> str:
    """The page's visible text, tags dropped and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def ids_of(response) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', response.content.decode()))


def nav_of(response) -> str:
    html = response.content.decode()
    return html[html.index('<ul class="navbar-nav') : html.index("</ul>", html.index("navbar-nav"))]


def current_items(response) -> list[str]:
    """The menu items marked current: (href) of each."""
    return re.findall(
        r'<a class="nav-link text-nowrap active" aria-current="page" href="([^"]*)"',
        nav_of(response),
    )


@pytest.mark.parametrize(
    "who", ["member_a", "committee", "secretary", "other_branch_secretary", "leader", "admin"]
)
def test_issue18_every_role_opens_the_help_from_the_menu(request, client_for, who):
    person = request.getfixturevalue(who)
    response = client_for(person).get(HELP)
    assert response.status_code == 200
    text = text_of(response)
    assert "使用说明" in text
    for heading in ("各类人员要做的事", "各种状态的含义", "考核得分与等次", "制度全文"):
        assert heading in text
    # Linked from the menu, and marked there as the page shown.
    assert f'href="{HELP}"' in nav_of(response)
    assert current_items(response) == [HELP]


def test_issue18_help_needs_a_login(client):
    response = client.get(HELP)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_issue18_the_viewers_role_is_marked(client_for, member_a, leader, admin):
    def marked(person) -> list[str]:
        html = client_for(person).get(HELP).content.decode()
        return re.findall(r'id="role-(\w+)-title">[^<]*<span class="badge', html)

    assert marked(member_a) == ["member"]
    assert marked(leader) == ["leader"]
    assert marked(admin) == ["admin"]


def test_r64_issue18_help_shows_the_branchs_own_weights(
    client_for, branch, secretary, member_a, other_branch_secretary
):
    default = text_of(client_for(member_a).get(HELP))
    assert "50 ×" in default and "20 ×" in default

    branch.weight_months = 35
    branch.weight_musttalks = 25
    branch.weight_opinions = 10
    branch.weight_leads = 10
    branch.weight_report = 5
    branch.weight_confirmations = 15
    branch.full_clean()
    branch.save()
    for person in (member_a, secretary):
        text = text_of(client_for(person).get(HELP))
        for weight in (35, 25, 10, 5, 15):
            assert f"{weight} ×" in text
        assert "50 ×" not in text
        assert "权重 35" in text and "权重 15" in text
        assert branch.name in text
    # Another branch keeps its own (the defaults), and the confirmations part is not scored there.
    other = text_of(client_for(other_branch_secretary).get(HELP))
    assert "50 ×" in other and "35 ×" not in other and "15 ×" not in other


def test_r64_issue18_admin_picks_whose_weights_to_read(client_for, admin, branch, other_branch):
    other_branch.weight_months, other_branch.weight_report = 40, 20
    other_branch.save()
    client = client_for(admin)
    first = client.get(HELP)
    assert 'id="help-branch-select"' in first.content.decode()
    assert "50 ×" in text_of(first)  # the first branch by name: 数学组 (defaults)
    picked = text_of(client.get(HELP, {"branch": other_branch.pk}))
    assert "40 ×" in picked and "20 ×" in picked and other_branch.name in picked
    # An unknown id falls back to the first branch, never a 500.
    assert client.get(HELP, {"branch": "x"}).status_code == 200


def test_issue18_help_shows_the_branchs_deadlines(client_for, branch, member_a):
    branch.musttalk_deadline_days = 5
    branch.report_deadline_days = 10
    branch.exempt_months = [2, 8]
    branch.save()
    text = text_of(client_for(member_a).get(HELP))
    assert "5 天内与其谈话" in text
    assert "学期结束后 10 天内提交学期汇报" in text
    assert "二月、八月" in text


def test_issue18_help_has_the_regulation_in_full(client_for, member_a):
    response = client_for(member_a).get(HELP)
    text = text_of(response)
    lines = [line.strip() for line in REGULATION.read_text(encoding="utf-8").splitlines()]
    assert len([line for line in lines if line]) > 30
    for line in lines:
        assert line in text
    ids = ids_of(response)
    # Each section and clause has an anchor: 四、5 is the monthly talk and work report.
    assert {f"regulation-{n}" for n in range(1, 7)} <= ids
    assert "regulation-4-5" in ids
    html = response.content.decode()
    assert re.search(r'id="regulation-4-5">5、党员在联系过程中，每月要主动邀请', html)


def test_issue18_help_explains_every_state_by_its_own_label(client_for, member_a):
    from inspections.models import ReportStatus
    from talks.models import ConfirmationState
    from talks.obligations import EventState, MonthState

    text = text_of(client_for(member_a).get(HELP))
    for state in MonthState:
        assert f"{state.symbol} {state.label}" in text
    for labels in (EventState, ReportStatus, ConfirmationState):
        for state in labels:
            assert str(state.label) in text
    assert "完成率 =" in text


def test_issue18_help_has_no_rule_codes_or_english(client_for, secretary):
    text = text_of(client_for(secretary).get(HELP))
    assert not re.search(r"\bR\d{2,3}\b", text)
    main = text[text.index("使用说明 本页") :]
    assert not re.search(r"[A-Za-z]{4,}", main.replace("PDF", ""))
    assert not re.search(r"[\u4e00-\u9fff][:(]|[:)][\u4e00-\u9fff]", main)


@pytest.mark.parametrize(
    ("who", "url", "anchor"),
    [
        ("secretary", "inspections:branch_home", "branch-figures"),
        ("secretary", "inspections:branch_home", "month-states"),
        ("member_a", "talks:my_page", "my-page"),
        ("admin", "inspections:school_home", "school-figures"),
        ("secretary", "inspections:assessment_list", "assessment"),
        ("leader", "inspections:leader_home", "school-figures"),
        ("member_a", "inspections:report_mine", "assessment"),
    ],
)
def test_issue18_pages_link_to_their_help_section(
    request, client_for, semester, teacher_a, who, url, anchor
):
    client = client_for(request.getfixturevalue(who))
    args = [semester.pk] if url == "inspections:report_mine" else []
    page = client.get(reverse(url, args=args))
    assert page.status_code == 200
    link = rf'<a class="help-link[^"]*" href="{HELP}#{anchor}"[^>]*>说明</a>'
    assert re.search(link, page.content.decode()), f"no 说明 link to #{anchor}"
    assert anchor in ids_of(client.get(HELP))


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("member_a", "talks:my_page"),
        ("secretary", "inspections:branch_home"),
        ("secretary", "inspections:assessment_list"),
        ("admin", "inspections:school_home"),
        ("leader", "inspections:leader_home"),
        ("member_a", "members:notifications"),
        ("member_a", "inspections:exemplary_list"),
    ],
)
def test_issue18_menu_marks_the_current_page(request, client_for, branch, semester, who, url):
    response = client_for(request.getfixturevalue(who)).get(reverse(url))
    assert response.status_code == 200
    assert current_items(response) == [reverse(url)]
    # Every other item is a plain link, with no aria-current.
    assert nav_of(response).count("aria-current") == 1


def test_issue18_menu_marks_nothing_on_a_page_outside_it(client_for, member_a, teacher_a):
    response = client_for(member_a).get(reverse("talks:contact_detail", args=[teacher_a.pk]))
    assert response.status_code == 200
    assert current_items(response) == []
    assert "aria-current" not in nav_of(response)


@pytest.mark.parametrize("who", ["member_a", "committee", "secretary", "leader", "admin"])
def test_issue18_every_menu_item_marks_its_own_page(
    request, client_for, branch, semester, teacher_a, who
):
    """Each item of the person's menu, opened, is the one item marked current (the Django
    admin has its own pages and menu)."""
    client = client_for(request.getfixturevalue(who))
    home = client.get(HELP)
    hrefs = [
        unescape(h)
        for h in re.findall(r'<a class="nav-link[^"]*"[^>]* href="([^"]+)"', nav_of(home))
    ]
    assert HELP in hrefs and len(hrefs) >= 3
    for href in hrefs:
        if href.startswith(reverse("admin:index")):
            continue
        response = client.get(href)
        assert response.status_code == 200, href
        assert current_items(response) == [href], href


def test_issue18_help_without_a_role_shows_the_defaults(db, client):
    from tests.factories import MemberFactory, UserFactory

    newcomer = MemberFactory(user=UserFactory(username="newcomer"), name="新老师", branch=None)
    client.force_login(newcomer.user)
    response = client.get(HELP)
    assert response.status_code == 200
    text = text_of(response)
    assert "默认设置" in text
    assert "您的身份" not in text


def test_issue18_help_page_queries_are_few(client_for, secretary, django_assert_max_num_queries):
    client = client_for(secretary)
    client.get(HELP)
    with django_assert_max_num_queries(6):
        assert client.get(HELP).status_code == 200


def test_issue18_every_link_inside_the_help_has_its_target(client_for, member_a):
    """The contents, and the references from each role's duties to the regulation's clauses."""
    response = client_for(member_a).get(HELP)
    html = response.content.decode()
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert {"roles", "regulation", "regulation-4-5", "regulation-5-1"} <= targets
    assert targets <= ids_of(response)
    assert re.search(r'<a [^>]*href="#regulation-4-5">（制度四、5）</a>', html)
