"""Issue 18, tables on a phone: at 375 × 800, as each role, every page reachable from the menu
(and the detail pages they link to) on the demo college's data never scrolls sideways, and no
table cell breaks a word one character per line (「向梓/丹」, 「完成/率」).

The pages are found, not listed: from each menu page the test follows the links of the page's
main part, two clicks deep, one page per kind of address (`/talks/contacts/17/` and
`/talks/contacts/18/?month=2026-05` are the same kind). Every failure of every page is collected
first, so one run lists them all.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from demo.builder import DEMO_PASSWORD, DemoBuilder
from inspections.models import AssessmentExport, ExportStatus, Semester
from inspections.selectors import inspections as inspection_selectors
from inspections.services import assessments as assessment_services
from inspections.services import inspections as inspection_services
from members.models import Branch
from talks.models import TalkConfirmation
from talks.services.confirmation import link_for

from ..ratelimits import clear_rate_limits
from .conftest import SCREENSHOTS, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 375, 800
DEPTH = 2  # clicks from a menu page
MAX_PAGES = 80  # per role: a guard, the demo college has fewer kinds of page
# Not pages: files, JSON, the language switch, Django's admin (operations only), logging out.
SKIP = re.compile(
    r"(\.(pdf|xlsx|csv|png|svg|zip|docx?)$)|/pdf/$|/download/$|/status/$|/evidence/$"
    r"|^/accounts/logout|^/admin/|^/i18n/|/template\.|/poster"
)

# For every visible text run of a th/td: the first two adjacent letters are on one line.
# (A Range over each character: its first client rect's top.) Returns what fails.
CHECK = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) {
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= window.innerWidth + 0.5) continue;
      let clipped = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(a).overflowX)) {
          clipped = true; break;
        }
      }
      if (clipped) continue;
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string'
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      wide.push(`${name} (right ${Math.round(r.right)})`);
      if (wide.length >= 4) break;
    }
    problems.push(`scrolls sideways: scrollWidth ${root.scrollWidth} > ${window.innerWidth}; `
      + wide.join(', '));
  }
  const letter = /[\\p{L}\\p{N}]/u;
  const rectOf = (node, i) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const rects = range.getClientRects();
    return rects.length ? rects[0] : null;
  };
  for (const cell of document.querySelectorAll('th, td')) {
    if (!cell.checkVisibility()) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest('.visually-hidden') || !el.checkVisibility()) continue;
      const text = node.data;
      let i = 0;
      while (i < text.length - 1 && !(letter.test(text[i]) && letter.test(text[i + 1]))) i++;
      if (i >= text.length - 1) continue;
      const a = rectOf(node, i), b = rectOf(node, i + 1);
      if (!a || !b || a.height === 0) continue;
      if (Math.abs(a.top - b.top) > a.height / 2) {
        const table = cell.closest('table');
        const where = table ? (table.id ? '#' + table.id : table.className || 'table') : '';
        const width = Math.round(cell.getBoundingClientRect().width);
        problems.push(`${cell.tagName.toLowerCase()} in ${where} breaks 「${text.trim()}」`
          + ` (cell ${width} px wide)`);
        break;
      }
    }
  }
  return problems;
}"""


# Pages with a table that has no data row (only its "nothing here" row): listed, not failed, to
# show what the demo data leaves untested.
EMPTY_TABLES = """() => Array.from(document.querySelectorAll('table')).some(t =>
  !Array.from(t.querySelectorAll('tbody tr')).some(r => r.cells.length > 1))"""
EMPTY = []


def shape(url: str) -> str:
    """One page per kind of address: the numbers in it and its query are not the kind."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def links(page, base: str, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(a => a.href)")
    out = []
    for href in hrefs:
        href = href.split("#")[0]
        if not href.startswith(base):
            continue
        path = href[len(base) :]
        if not path or SKIP.search(urlsplit(path).path):
            continue
        out.append(path)
    return out


def check(page, base: str, path: str) -> list[str]:
    """Open one page; what fails there (an empty list when all is well)."""
    page.problems = []
    response = page.goto(base + path)
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return []
    if response.status >= 400:
        return [f"HTTP {response.status}"]
    found = page.evaluate(CHECK)
    found += [f"console: {p}" for p in page.problems]
    if page.evaluate(EMPTY_TABLES):
        EMPTY.append(path)
    return found


def visit_all(page, base: str, start: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Breadth first from the start pages; {path: problems} and the paths visited."""
    failures, visited, shapes = {}, [], set()
    queue = [(path, 0) for path in start]
    while queue and len(visited) < MAX_PAGES:
        path, depth = queue.pop(0)
        if shape(path) in shapes:
            continue
        shapes.add(shape(path))
        found = check(page, base, path)
        visited.append(path)
        if found:
            failures[path] = found
        if depth < DEPTH and urlsplit(page.url).path == urlsplit(path).path:
            queue += [(p, depth + 1) for p in links(page, base, "main a[href]")]
    return failures, visited


def report(role: str, failures: dict[str, list[str]], visited: list[str]) -> str:
    lines = [f"{role}: {len(failures)} of {len(visited)} pages fail at {WIDTH} px"]
    lines.append("  visited: " + " ".join(visited))
    lines += [f"  (a table without rows: {path})" for path in visited if path in EMPTY]
    for path, found in failures.items():
        lines.append(f"  {path}")
        lines += [f"      {p}" for p in found]
    return "\n".join(lines)


@pytest.fixture
def demo(live_server, settings):
    """The demo college, with what the demo leaves to buttons done: this semester's assessments
    computed, an inspection of the last half-year per branch, exports in the list."""
    settings.SITE_URL = live_server.url
    clear_rate_limits()
    DemoBuilder().build()
    today = timezone.localdate()
    secretary = get_user_model().objects.get(username="demo-secretary")
    admin = get_user_model().objects.get(username="demo-admin")
    branches = list(Branch.objects.order_by("pk"))
    semester = Semester.objects.filter(start_on__lte=today, end_on__gte=today).get()
    assessment_services.assessments_compute(semester=semester, branches=branches, by=secretary)
    for branch in branches:
        inspection_services.inspection_generate(
            branch=branch, half=inspection_selectors.half_before(today), by=admin
        )
    AssessmentExport.objects.bulk_create(
        [
            AssessmentExport(semester=semester, status=ExportStatus.FAILED, requested_by=admin),
            AssessmentExport(
                semester=semester, branch=branches[0], status=ExportStatus.PENDING, total=1
            ),
        ]
    )
    return live_server.url


# The pages each role reaches from the menu, plus the detail pages named in issue 18 that are
# not one link away from it. Shots: the screenshots saved for docs/screenshots/.
ROLES = {
    "demo-member": {
        "extra": [reverse("talks:my_page"), reverse("talks:handbook")],
        "shots": {"narrow-member-page": reverse("talks:my_page")},
        "shots_of_links": {"narrow-contact-page": "main a[href^='/talks/contacts/']"},
    },
    "demo-secretary": {
        "extra": [
            reverse("talks:opinion_queue"),
            reverse("talks:branch_events"),
            reverse("contacts:manage_list"),
            reverse("inspections:assessment_list"),
            reverse("inspections:report_list"),
            reverse("inspections:inspection_list"),
        ],
        "shots": {
            "narrow-branch-dashboard": reverse("inspections:branch_home"),
            "narrow-opinion-queue": reverse("talks:opinion_queue"),
            "narrow-events": reverse("talks:branch_events"),
            "narrow-contacts": reverse("contacts:manage_list"),
            "narrow-assessments": reverse("inspections:assessment_list"),
            "narrow-reports": reverse("inspections:report_list"),
            "narrow-inspections": reverse("inspections:inspection_list"),
        },
    },
    # A committee member of the first branch (the demo's m001-02): the opinion queue and the
    # symposiums from the menu, read-only.
    "m001-02": {"extra": [], "shots": {}},
    "demo-leader": {"extra": [reverse("inspections:leader_home")], "shots": {}},
    "demo-admin": {
        "extra": [reverse("inspections:school_home"), reverse("inspections:export_list")],
        "shots": {
            "narrow-school": reverse("inspections:school_home"),
            "narrow-exports": reverse("inspections:export_list"),
        },
    },
}


@pytest.mark.parametrize("role", list(ROLES))
def test_issue18_no_page_of_a_role_scrolls_sideways_or_breaks_a_word(demo, open_page, role):
    page = open_page(WIDTH, HEIGHT)
    login(page, demo, role)
    menu = links(page, demo, "#nav a.nav-link")
    assert menu, "the menu has links"
    failures, visited = visit_all(page, demo, menu + ROLES[role]["extra"])
    print(report(role, failures, visited))
    for name, path in ROLES[role]["shots"].items():
        page.goto(demo + path)
        screenshot(page, name)
    for name, selector in ROLES[role].get("shots_of_links", {}).items():
        page.goto(demo + menu[0])
        page.locator(selector).first.click()
        page.wait_for_load_state()
        screenshot(page, name)
    assert not failures, report(role, failures, visited)


def test_issue18_the_masses_pages_at_375_px(demo, open_page):
    """No login: the opinion box, the receipt lookup, a contact's confirmation page."""
    page = open_page(WIDTH, HEIGHT)
    confirmation = TalkConfirmation.objects.filter(answered_at=None).first()
    start = [
        reverse("public:school_box"),
        reverse("public:branch_box", args=[Branch.objects.order_by("pk").first().pk]),
        reverse("public:box_status"),
        link_for(confirmation),
    ]
    failures, visited = {}, []
    for path in start:
        found = check(page, demo, path)
        visited.append(path)
        if found:
            failures[path] = found
    print(report("masses", failures, visited))
    assert not failures, report("masses", failures, visited)


def test_issue18_the_matrix_scrolls_in_its_box_opens_on_this_month_first_column_fixed(
    demo, open_page
):
    page = open_page(WIDTH, HEIGHT)
    login(page, demo, "demo-secretary")
    page.goto(demo + reverse("inspections:branch_home"))
    month = timezone.localdate().strftime("%Y-%m")
    box = page.locator("table.matrix").locator("xpath=..")
    state = box.evaluate(
        """(box, month) => {
          const table = box.querySelector('table.matrix');
          const head = table.querySelector(`thead th[data-month="${month}"]`);
          const first = table.querySelector('tbody tr th, tbody tr td');
          const b = box.getBoundingClientRect();
          const h = head ? head.getBoundingClientRect() : null;
          const f = first.getBoundingClientRect();
          return {
            scrolls: box.scrollWidth > box.clientWidth,
            scrollLeft: box.scrollLeft,
            month: h ? h.left >= b.left - 1 && h.right <= b.right + 1 : null,
            firstAtLeft: Math.abs(f.left - b.left) <= 1,
            sticky: getComputedStyle(first).position,
          };
        }""",
        month,
    )
    assert state["scrolls"], "the matrix is wider than a phone: it scrolls in its box"
    assert state["month"], f"this month's column is in view: {state}"
    assert state["scrollLeft"] > 0, state
    assert state["sticky"] == "sticky", state
    assert state["firstAtLeft"], f"the names stay in view once scrolled: {state}"
    page.locator("section[aria-labelledby=matrix-title]").screenshot(
        path=str(SCREENSHOTS / "narrow-matrix.png")
    )
