"""One scale's measurements, run inside Django against the database of DATABASE_URL.

    python -m bench.measure pages|obligations|reminders|pdf-inspection|pdf-school  (JSON on stdout)

Each section runs in its own process (bench/run.py starts them) so that peak memory is the
section's own. Times are wall-clock seconds of in-process calls; every figure is repeated
RUNS times after a warm-up and reported as median/min/max.
"""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branch_liaison.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from contacts.models import Assignment  # noqa: E402
from inspections.models import Semester  # noqa: E402
from inspections.selectors import assessments as assessment_selectors  # noqa: E402
from inspections.selectors import inspections as inspection_selectors  # noqa: E402
from inspections.services import assessments as assessment_services  # noqa: E402
from inspections.services import inspections as inspection_services  # noqa: E402
from inspections.services import reminders as reminder_services  # noqa: E402
from members.models import Branch, Member  # noqa: E402
from talks import obligations  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
# DEBUG=1 is only how the bench loads settings without production secrets; with it off here,
# queries are not logged on every request (CaptureQueriesContext still counts them).
settings.DEBUG = False
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def stats(samples: list[float]) -> dict:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
    }


def repeat(fn, runs: int = RUNS, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
    return samples


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def first_branch() -> Branch:
    return Member.objects.get(user__username="demo-secretary").branch


def current_semester() -> Semester:
    today = timezone.localdate()
    return Semester.objects.containing(today).first() or Semester.objects.filter(
        start_on__lte=today
    ).latest("start_on")


# --- pages ------------------------------------------------------------------------------------


def pages() -> dict:
    member = Member.objects.get(user__username="demo-member")
    contact_id = (
        Assignment.objects.current(timezone.localdate())
        .filter(member=member)
        .order_by("pk")
        .values_list("contact_id", flat=True)
        .first()
    )
    branch = first_branch()
    plan = [
        ("baseline", "demo-member", "/__bench__/empty/"),
        ("my_page", "demo-member", reverse("talks:my_page")),
        ("talk_create", "demo-member", reverse("talks:talk_create")),
        (
            "branch_dashboard",
            "demo-secretary",
            reverse("inspections:branch_dashboard", args=[branch.pk]),
        ),
        ("school_home", "demo-admin", reverse("inspections:school_home")),
        ("contact_detail", "demo-member", reverse("talks:contact_detail", args=[contact_id])),
        ("handbook", "demo-member", reverse("talks:handbook")),
    ]
    result = {}
    with override_settings(ROOT_URLCONF="bench.urls"):
        gets = {}
        for name, username, url in plan:
            client = client_for(username)

            def get(client=client, url=url, name=name):
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{name}: {url} answered {response.status_code}")

            gets[name] = get
        empty = gets["baseline"]
        for name, username, url in plan:
            # Each page alternates with the empty page, so its ÷empty ratio compares requests
            # made under the same machine conditions.
            samples, beside = [], []
            for _ in range(2):
                gets[name](), empty()
            for _ in range(RUNS):
                samples += repeat(gets[name], 1, 0)
                beside += repeat(empty, 1, 0)
            result[name] = {"url": url, "user": username, "time": stats(samples)}
            result[name]["empty_beside"] = stats(beside)
            result[name]["queries"] = count_queries(gets[name])
    return result


# --- obligations: engine vs one hand-written SQL aggregate -------------------------------------

# The month states of every active member of one branch over [start, end] (R45): per assignment
# and month its talk/report counts, exempt months from the branch, combined per member as
# obligations.combine does (complete only if every due assignment-month is).
MONTH_STATES_SQL = """
WITH months AS (
    SELECT m::date AS first, (m + interval '1 month - 1 day')::date AS last
    FROM generate_series(%(start)s::date, %(end)s::date, interval '1 month') AS m
), asg AS (
    SELECT a.id, a.member_id, a.started_on, a.ended_on, b.exempt_months
    FROM contacts_assignment a
    JOIN members_member mem ON mem.id = a.member_id
    JOIN members_branch b ON b.id = mem.branch_id
    WHERE mem.branch_id = %(branch)s AND mem.active
      AND a.started_on <= %(end)s AND (a.ended_on IS NULL OR a.ended_on >= %(start)s)
), counts AS (
    SELECT t.assignment_id, date_trunc('month', t.date)::date AS first,
           count(*) FILTER (WHERE t.is_talk) AS talks,
           count(*) FILTER (WHERE t.is_work_report) AS reports
    FROM talks_talklog t
    WHERE t.assignment_id IN (SELECT id FROM asg) AND t.date BETWEEN %(start)s AND %(end)s
    GROUP BY 1, 2
), cells AS (
    SELECT asg.member_id, months.first,
           asg.exempt_months @> to_jsonb(extract(month FROM months.first)::int) AS exempt,
           coalesce(counts.talks, 0) > 0 AS talked, coalesce(counts.reports, 0) > 0 AS reported
    FROM asg
    JOIN months ON asg.started_on <= months.last
               AND (asg.ended_on IS NULL OR asg.ended_on >= months.first)
    LEFT JOIN counts ON counts.assignment_id = asg.id AND counts.first = months.first
)
SELECT member_id, first,
       CASE WHEN bool_and(exempt) THEN 'exempt'
            WHEN bool_and(exempt OR (talked AND reported)) THEN 'complete'
            WHEN bool_and(exempt OR NOT (talked OR reported)) THEN 'missing'
            ELSE 'partial' END
FROM cells GROUP BY member_id, first
"""


def raw_month_states(branch: Branch, months) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            MONTH_STATES_SQL,
            {"branch": branch.pk, "start": months[0].first, "end": months[-1].last},
        )
        rows = cursor.fetchall()
    result: dict = {}
    for member_id, first, state in rows:
        result.setdefault(member_id, {})[obligations.Month.of(first)] = obligations.MonthState(
            state
        )
    return result


def obligations_section() -> dict:
    branch = first_branch()
    semester = current_semester()
    months = obligations.months_between(semester.start_on, semester.end_on)
    members = Member.objects.active().filter(branch=branch)
    engine = obligations.member_month_states(members, months)
    raw = raw_month_states(branch, months)
    if engine != raw:
        raise SystemExit("the raw SQL month states differ from talks/obligations.py's")
    # Alternated, many runs of a few ms each: both sides see the same machine, so the ratio
    # does not depend on which of them ran while something else did.
    engine_t, raw_t = [], []
    for _ in range(3):
        obligations.member_month_states(members, months)
        raw_month_states(branch, months)
    for _ in range(RUNS * 3):
        engine_t += repeat(lambda: obligations.member_month_states(members, months), 1, 0)
        raw_t += repeat(lambda: raw_month_states(branch, months), 1, 0)
    school = Member.objects.active()
    school_t = repeat(lambda: obligations.member_month_states(school, months), runs=5)
    figures_t = repeat(
        lambda: obligations.member_figures(members, semester.start_on, semester.end_on)
    )
    return {
        "semester": semester.name,
        "branch_members": members.count(),
        "branch_semester_engine": {
            "time": stats(engine_t),
            "queries": count_queries(lambda: obligations.member_month_states(members, months)),
        },
        "branch_semester_raw_sql": {"time": stats(raw_t), "queries": 1},
        "branch_semester_figures": {
            "time": stats(figures_t),
            "queries": count_queries(
                lambda: obligations.member_figures(members, semester.start_on, semester.end_on)
            ),
        },
        "school_semester_engine": {"time": stats(school_t), "members": school.count()},
    }


# --- the monthly reminder job -----------------------------------------------------------------


class Rollback(Exception):
    pass


def reminders_section() -> dict:
    """R45's job with every branch due today; each run rolled back so the next starts clean."""
    day = timezone.localdate()
    samples, queries, sent = [], [], []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for _ in range(5):  # seconds each at school scale
            mail.outbox = []
            try:
                with transaction.atomic():
                    Branch.objects.update(reminder_day=day.day)
                    with CaptureQueriesContext(connection) as captured:
                        began = time.perf_counter()
                        count = reminder_services.monthly_member_reminders(day)
                        samples.append(time.perf_counter() - began)
                    queries.append(len(captured))
                    sent.append(len(mail.outbox) or count)
                    raise Rollback
            except Rollback:
                pass
    median = statistics.median(samples)
    return {
        "members": Member.objects.active().count(),
        "time": stats(samples),
        "queries": max(queries),
        "emails": max(sent),
        "emails_per_s": max(sent) / median if median else None,
    }


# --- PDFs ---------------------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def weasy(html: str, font_config=None):
    from weasyprint import HTML

    from members.pdf import PDF_BASE_URL, _fetcher

    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher())
    return document.render(font_config=font_config)


def pdf_inspection() -> dict:
    """One branch's inspection as the app makes it: inspection_generate, then inspection_pdf
    (render_pdf: the template, then WeasyPrint). Each run times the whole and WeasyPrint alone
    on that run's final HTML, so the ratio comes from one run (robust to load)."""
    from django.template.loader import render_to_string

    branch = first_branch()
    half = inspection_selectors.half_before(timezone.localdate())
    pipeline_t, alone_t = [], []
    try:
        with transaction.atomic():
            for _ in range(RUNS + 1):
                began = time.perf_counter()
                inspection = inspection_services.inspection_generate(branch=branch, half=half)
                html = render_to_string(
                    "pdf/inspection.html",
                    {
                        "school_name": settings.SCHOOL_NAME,
                        "inspection": inspection,
                        "data": inspection.data,
                    },
                )
                laid_out = time.perf_counter()
                pdf = weasy(html).write_pdf()
                done = time.perf_counter()
                pipeline_t.append(done - began)
                alone_t.append(done - laid_out)
            raise Rollback
    except Rollback:
        pass
    return {
        "branch": branch.name,
        "half": half,
        "time": stats(pipeline_t[1:]),  # the first run is the warm-up
        "weasyprint_alone": stats(alone_t[1:]),
        "pages": pdf_pages(pdf),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def pdf_school() -> dict:
    """The school assessment PDF (every branch) as assessment_export_run renders it.

    Each run times both stages of render_pdf_parts on the same HTML: the data and templates,
    then WeasyPrint alone; pipeline ÷ WeasyPrint comes from the same run (robust to load).
    """
    from django.template.loader import render_to_string
    from weasyprint.text.fonts import FontConfiguration

    semester = (
        Semester.objects.filter(end_on__lt=timezone.localdate()).order_by("-start_on").first()
    )
    branches = list(Branch.objects.order_by("name"))
    pipeline_t, alone_t, peak = [], [], None
    try:
        with transaction.atomic():
            assessment_services.assessments_compute(semester=semester, branches=branches)
            for _ in range(int(os.environ.get("BENCH_PDF_RUNS", "5"))):
                began = time.perf_counter()
                htmls = [
                    render_to_string(
                        "pdf/assessment.html",
                        {
                            "school_name": settings.SCHOOL_NAME,
                            **assessment_selectors.assessment_pdf_context(
                                semester=semester, branch=b
                            ),
                        },
                    )
                    for b in branches
                ]
                laid_out = time.perf_counter()
                font_config = FontConfiguration()  # shared by the parts, as render_pdf_parts does
                documents = [weasy(html, font_config) for html in htmls]
                pages = [page for document in documents for page in document.pages]
                pdf = documents[0].copy(pages).write_pdf()
                done = time.perf_counter()
                pipeline_t.append(done - began)
                alone_t.append(done - laid_out)
                # One export's peak: the first run's, before a later run holds two at once.
                peak = peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                del htmls, documents, pages
            raise Rollback
    except Rollback:
        pass
    return {
        "semester": semester.name,
        "branches": len(branches),
        "time": stats(pipeline_t),
        "weasyprint_alone": stats(alone_t),
        "pages": pdf_pages(pdf),
        "peak_rss_mib": peak,
        "peak_rss_mib_all_runs": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


SECTIONS = {
    "pages": pages,
    "obligations": obligations_section,
    "reminders": reminders_section,
    "pdf-inspection": pdf_inspection,
    "pdf-school": pdf_school,
}

if __name__ == "__main__":
    json.dump(SECTIONS[sys.argv[1]](), sys.stdout, default=str)
