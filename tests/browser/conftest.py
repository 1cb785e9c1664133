"""Browser tests: Python Playwright driving Debian's Chromium (never `playwright install`)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise pytest.UsageError(f"browser tests need {CHROMIUM} (make test installs it)")
    skip = pytest.mark.skip(reason="Chromium is not installed")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


# Chromium reports CSP violations on the console too; the event makes them certain.
REPORT_CSP = """document.addEventListener("securitypolicyviolation", (e) =>
    console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));"""


@pytest.fixture
def open_page(browser):
    """open_page(width, height) → a page in its own context (one per person) that records
    console errors and warnings, uncaught exceptions and CSP violations in `page.problems`."""
    contexts = []

    def make(width: int, height: int):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True
        )
        context.add_init_script(REPORT_CSP)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on(
            "console",
            lambda msg: (
                page.problems.append(msg.text) if msg.type in ("error", "warning") else None
            ),
        )
        page.on("pageerror", lambda exc: page.problems.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(open_page):
    """A 375×812 page (the members' journeys)."""
    return open_page(375, 812)


@pytest.fixture
def desk(open_page):
    """A 1280×900 page (the secretary's and the admin's journeys)."""
    return open_page(1280, 900)


def login(page, base_url: str, username: str) -> None:
    """Log in through the form (every fixture person has the factories' password)."""
    page.goto(f"{base_url}/accounts/login/")
    check_page(page)
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-test-password")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def check_page(page) -> None:
    """What every page visited must satisfy (issue 8): lang, title, labels, no overflow."""
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page.title().strip()
    unlabeled = page.evaluate(
        """() => Array.from(document.querySelectorAll('input, select, textarea'))
            .filter(el => !['hidden', 'submit', 'button', 'reset'].includes(el.type))
            .filter(el => !el.hidden && el.offsetParent !== null)
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.name || el.id)"""
    )
    assert unlabeled == []
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.problems == []


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
