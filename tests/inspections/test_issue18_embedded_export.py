"""Issue 18, embedded mode (no REDIS_URL, `make run`): the school export renders in a thread of
the web process, so the request returns at once and the progress page polls a running export,
as with a worker. The services path (a Celery worker) is unchanged: tests/inspections/
test_services_celery.py.

Transactional tests: the export thread has its own database connection and sees only what is
committed. The tests wait for the thread by joining it, never by polling alongside it."""

import datetime
import re
import threading

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import tasks
from inspections.models import AssessmentExport, ExportStatus, Semester
from inspections.services import assessments as assessment_services
from members.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)
RUN_EXPORT = tasks.run_export.name  # an export's thread is named after its job


@pytest.fixture
def embedded(settings):
    settings.EXPORTS_IN_THREAD = True
    yield
    for thread in threading.enumerate():
        if thread.name.startswith(f"{RUN_EXPORT}-"):
            thread.join(30)


@pytest.fixture
def semester(db):
    today = timezone.localdate()
    return Semester.objects.create(
        name="测试学期",
        start_on=today - datetime.timedelta(days=60),
        end_on=today + datetime.timedelta(days=60),
    )


class Render:
    """Stands in for the PDF rendering: holds until released, counts its runs, may fail."""

    def __init__(self, fail: bool = False):
        self.release = threading.Event()
        self.started = threading.Event()
        self.runs = 0
        self.fail = fail

    def __call__(self, *, export, branches, on_part):
        self.runs += 1
        self.started.set()
        assert self.release.wait(30)
        if self.fail:
            raise RuntimeError("WeasyPrint could not lay out the page")
        for done in range(1, len(branches) + 1):
            on_part(done)
        return b"%PDF-1.7 test"


def join_export(pk: int) -> None:
    for thread in threading.enumerate():
        if thread.name == f"{RUN_EXPORT}-{pk}":
            thread.join(30)
            assert not thread.is_alive()


def status(client, pk):
    return client.get(reverse("inspections:export_status", args=[pk])).json()


def test_issue18_embedded_export_runs_in_the_background_and_finishes(
    embedded, monkeypatch, client, admin, member_a, other_branch_secretary, semester
):
    render = Render()
    monkeypatch.setattr(assessment_services, "assessment_export_pdf", render)
    client.force_login(admin.user)
    response = client.post(reverse("inspections:export_list"), {"semester": semester.pk})
    export = AssessmentExport.objects.get()
    # The request returned while the export was still rendering: the page shows it running.
    assert response.status_code == 302
    assert response.url == reverse("inspections:export_detail", args=[export.pk])
    assert render.started.wait(30)
    running = status(client, export.pk)
    assert (running["status"], running["progress"], running["total"]) == ("running", 0, 2)
    assert running["download"] == ""
    page = client.get(response.url).content.decode()
    assert 'data-status="running"' in page

    render.release.set()
    join_export(export.pk)
    done = status(client, export.pk)
    assert (done["status"], done["progress"], done["percent"]) == ("done", 2, 100)
    assert done["download"] == reverse("inspections:export_download", args=[export.pk])
    export.refresh_from_db()
    assert export.file.read() == b"%PDF-1.7 test" and export.attempt == 1
    assert Notification.objects.filter(recipient=admin.user, period=f"export{export.pk}").exists()


def test_issue18_embedded_export_failure_shows_an_error(
    embedded, monkeypatch, client, admin, member_a, semester
):
    render = Render(fail=True)
    render.release.set()
    monkeypatch.setattr(assessment_services, "assessment_export_pdf", render)
    client.force_login(admin.user)
    client.post(reverse("inspections:export_list"), {"semester": semester.pk})
    export = AssessmentExport.objects.get()
    join_export(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "WeasyPrint" in export.error
    assert export.finished_at is not None
    assert status(client, export.pk)["status"] == "failed"
    page = client.get(reverse("inspections:export_detail", args=[export.pk])).content.decode()
    assert re.search(r'data-role="failed"\s*>', page)  # shown, not `hidden`
    assert "导出失败" in page


def test_issue18_embedded_export_failing_before_the_render_is_not_left_running(
    embedded, monkeypatch, admin, member_a, semester
):
    """An error outside the render's own handler (reading the data) still ends as failed: with no
    sweep in embedded mode the export would otherwise show as running until its lease ends."""

    def broken(**kwargs):
        raise LookupError("no such branch")

    monkeypatch.setattr(assessment_services, "assessment_export_pdf", broken)
    monkeypatch.setattr(assessment_services, "export_claim", lambda pk: _claim_then_break(pk))
    export = assessment_services.assessment_export_request(
        semester=semester, branch=None, by=admin.user
    )
    join_export(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.error


def _claim_then_break(pk):
    AssessmentExport.objects.filter(pk=pk).update(
        status=ExportStatus.RUNNING, attempt=1, claimed_at=timezone.now()
    )
    raise OSError("disk full")


def test_issue18_embedded_export_is_not_run_twice(embedded, monkeypatch, admin, member_a, semester):
    render = Render()
    monkeypatch.setattr(assessment_services, "assessment_export_pdf", render)
    export = assessment_services.assessment_export_request(
        semester=semester, branch=None, by=admin.user
    )
    assert render.started.wait(30)
    # Asked again while it renders: the same export, no second run.
    again = assessment_services.assessment_export_request(
        semester=semester, branch=None, by=admin.user
    )
    assert again.pk == export.pk
    # A second thread for the same export (a double click that raced) finds it claimed.
    assessment_services.enqueue_export(export.pk)
    render.release.set()
    join_export(export.pk)
    join_export(export.pk)
    assert render.runs == 1
    export.refresh_from_db()
    assert (export.status, export.attempt) == (ExportStatus.DONE, 1)
    assert AssessmentExport.objects.count() == 1


def test_issue18_embedded_export_left_pending_by_a_restart_runs_when_asked_again(
    embedded, monkeypatch, admin, member_a, semester
):
    render = Render()
    render.release.set()
    monkeypatch.setattr(assessment_services, "assessment_export_pdf", render)
    with monkeypatch.context() as m:
        # The server stopped before the thread started.
        m.setattr(assessment_services, "enqueue_export", lambda pk: None)
        stuck = assessment_services.assessment_export_request(
            semester=semester, branch=None, by=admin.user
        )
    assert AssessmentExport.objects.get(pk=stuck.pk).status == ExportStatus.PENDING
    again = assessment_services.assessment_export_request(
        semester=semester, branch=None, by=admin.user
    )
    assert again.pk == stuck.pk
    join_export(stuck.pk)
    stuck.refresh_from_db()
    assert stuck.status == ExportStatus.DONE and render.runs == 1


def test_issue18_with_a_worker_the_export_is_queued_not_threaded(
    settings, monkeypatch, admin, member_a, semester
):
    """Services mode: no thread, the task goes to the broker as before."""
    settings.EXPORTS_IN_THREAD = False
    queued = []
    monkeypatch.setattr(tasks.run_export, "apply_async", lambda **kw: queued.append(kw))
    export = assessment_services.assessment_export_request(
        semester=semester, branch=None, by=admin.user
    )
    assert queued == [{"args": [export.pk], "retry": False}]
    assert not [t for t in threading.enumerate() if t.name == f"{RUN_EXPORT}-{export.pk}"]
    assert AssessmentExport.objects.get(pk=export.pk).status == ExportStatus.PENDING
