import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from inspections.models import AssessmentExport, ExportStatus, Semester

from .conftest import check_page, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def export_worker():
    """Embedded mode runs the export eagerly inside the request; with a broker (services
    mode) a real Celery worker must pick it up, as in production."""
    from branch_liaison.celery import app

    if app.conf.task_always_eager:
        yield None
        return
    import redis
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from tests.inspections.conftest import reset_pools

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    reset_pools(app)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        yield app
    reset_pools(app)


def test_r64_admin_exports_the_school_assessment_and_downloads_the_pdf(
    live_server, desk, admin, member_a, teacher_a, other_branch_secretary, export_worker
):
    today = timezone.localdate()
    semester = Semester.objects.create(
        name="测试学期",
        start_on=today - datetime.timedelta(days=60),
        end_on=today + datetime.timedelta(days=60),
    )
    page = desk
    login(page, live_server.url, "admin")
    page.goto(live_server.url + reverse("inspections:export_list"))
    expect(page.locator("select[name=semester]")).to_have_value(str(semester.pk))
    check_page(page)
    screenshot(page, "export-1-request")

    page.click("main form [type=submit]")
    page.wait_for_url("**" + reverse("inspections:export_list") + "*/")
    progress = page.locator("#export-progress")
    # Two branches, one part each: the bar fills (polled by export-progress.js while the
    # worker renders) until the download link shows.
    expect(progress.locator("[data-role=download]")).to_be_visible(timeout=60_000)
    expect(progress.locator("[data-role=bar]")).to_have_js_property("position", 1)
    expect(progress.locator("[data-role=count]")).to_have_text("2 / 2")
    check_page(page)
    screenshot(page, "export-2-done")
    export = AssessmentExport.objects.get()
    assert (export.status, export.progress, export.total) == (ExportStatus.DONE, 2, 2)

    with page.expect_download() as download:
        progress.locator("[data-role=download] a").click()
    path = download.value.path()
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert member_a.name in text
    assert other_branch_secretary.name in text
    check_page(page)
