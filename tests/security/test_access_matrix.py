"""Issue 6: every URL pattern × every role, GET only (DESIGN.md "Who sees what").

The URLconf is walked at collection time; a pattern without a row in MATRIX fails. Objects of
the `world` belong to member_a (or to `branch`), so for other people they are "outside the
scope": 404, never 200 and never 403 (a 403 would tell them the object exists).

Expected answers: LOGIN (302 to the login page), REDIRECT (302 elsewhere), or a status code.
`anonymous` and `deactivated` answer LOGIN unless a row says otherwise (a disabled account is
treated exactly as no account).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from contacts.models import AssistanceRecord, Category
from inspections.models import (
    AssessmentExport,
    CaseKind,
    EthicsNote,
    ExemplaryCase,
    ExportStatus,
    Semester,
)
from inspections.selectors import inspections as inspection_selectors
from inspections.services import assessments as assessment_services
from inspections.services import inspections as inspection_services
from inspections.services import reports as report_services
from members.models import FiveLeadActivity, FiveLeadKind, Notification, NotificationKind
from talks.models import (
    Briefing,
    LeaderVisit,
    Opinion,
    OpinionSource,
    Symposium,
    SymposiumAttachment,
    TalkConfirmation,
)

from ..factories import AssignmentFactory, ContactFactory, MustTalkEventFactory, TalkLogFactory

LOGIN = "login"
REDIRECT = "redirect"
ROLES = [
    "anonymous",
    "member_a",
    "member_b",
    "committee",
    "secretary",
    "other_branch_secretary",
    "leader",
    "admin",
    "deactivated",
]
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language"}


def url_patterns(patterns=None, namespace: str | None = None):
    """(name, route, kwarg names) of every pattern, admin namespace and set_language left out."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            if pattern.name in SKIPPED_NAMES or str(pattern.pattern).startswith("static"):
                continue
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield name or str(pattern.pattern), str(pattern.pattern)


@dataclass
class Row:
    """How to build the URL's kwargs from the world, and the answer for each role."""

    kwargs: object = None  # callable(world) -> dict
    expect: dict = field(default_factory=dict)
    query: object = None  # callable(world) -> "?..."

    def expected(self, role: str):
        if role in self.expect:
            return self.expect[role]
        if role in ("anonymous", "deactivated"):
            return self.expect.get("anonymous", LOGIN)
        return self.expect["default"]


def only(default, **per_role) -> dict:
    return {"default": default, **per_role}


BRANCH_MEMBERS = dict(
    member_a=200, member_b=200, committee=200, secretary=200, other_branch_secretary=200
)


def pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


def branch_kwargs(w):
    return {"branch_id": w.branch.pk}


def branch_query(w):
    """Admins name the branch they manage; secretaries always get their own."""
    return f"?branch={w.branch.pk}"


def confirmation_token(w):
    """R42: a live confirmation link of member_a's talk."""
    from talks.services import confirmation

    row = TalkConfirmation.objects.create(
        talk=w.talk,
        version=w.talk.version,
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    return {"token": confirmation.token_for(row)}


def set_password_link(w):
    """Finding 8: a live one-time link of member_a."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from members.tokens import set_password_token

    return {
        "uidb64": urlsafe_base64_encode(force_bytes(w.member_a.user.pk)),
        "token": set_password_token.make_token(w.member_a.user),
    }


# Pages of the branch's secretary (and, with ?branch=, the admin); other roles 403.
SECRETARY_PAGE = only(403, secretary=200, other_branch_secretary=200, admin=200)
# Read-only pages of the branch for its committee members too.
BRANCH_READ_PAGE = {**SECRETARY_PAGE, "committee": 200}
# Objects of `branch` that only its secretary and the admin manage; to anyone else 404.
MANAGED_OBJECT = only(404, secretary=200, admin=200)


MATRIX: dict[str, Row] = {
    # --- the project's own pages
    "home": Row(expect=only(REDIRECT)),
    "no_role": Row(expect=only(200)),
    "healthz": Row(expect=only(200, anonymous=200)),
    # Logged-in people are sent home; the login page is for the anonymous (and the deactivated).
    "login": Row(expect=only(REDIRECT, anonymous=200)),
    # Logging out is POST only.
    "logout": Row(expect=only(405, anonymous=405)),
    # Finding 8: one's own password; reset by mail and the one-time link are for everyone (a
    # valid link moves its token into the session and redirects, as Django does; member_a's
    # login, second in ROLES, voids it as any login does, and then the page says so).
    "password_change": Row(expect=only(200)),
    "password_reset": Row(expect=only(200, anonymous=200, deactivated=200)),
    "password_reset_done": Row(expect=only(200, anonymous=200, deactivated=200)),
    "password_set": Row(set_password_link, only(200, anonymous=REDIRECT, deactivated=200)),
    "password_set_done": Row(expect=only(200, anonymous=200, deactivated=200)),
    # --- members
    "members:whoami": Row(expect=only(200)),
    # Issue 18: the in-app help, for everyone signed in.
    "help:index": Row(expect=only(200)),
    # Finding 7 and 8: members' accounts: the secretary's own branch, the admin everyone.
    "members:account_list": Row(
        expect=only(403, secretary=200, other_branch_secretary=200, admin=200)
    ),
    "members:account_detail": Row(pk("member_a"), only(404, secretary=200, admin=200)),
    "members:account_link": Row(pk("member_a"), only(405)),
    "members:account_unlock": Row(pk("member_a"), only(405)),
    "members:notifications": Row(expect=only(200)),
    # Issue 17: one's own channels; the school's WeCom app (admin); a branch's robots.
    "members:my_channels": Row(expect=only(200)),
    "members:school_channels": Row(expect=only(403, admin=200)),
    "members:branch_channels": Row(branch_kwargs, MANAGED_OBJECT),
    "members:notification_detail": Row(pk("notification"), only(404, member_a=200)),
    "members:leads": Row(expect=only(404, **BRANCH_MEMBERS)),
    "members:lead_create": Row(expect=only(404, **BRANCH_MEMBERS)),
    "members:lead_edit": Row(pk("lead"), only(404, member_a=200)),
    # R46 issue 14: the confirmation page of deleting one's own activity (the deletion is POST).
    "members:lead_delete": Row(pk("lead"), only(404, member_a=200)),
    # The evidence file: its author, and those who oversee the branch (not other members).
    "members:lead_evidence": Row(
        pk("lead"), only(404, member_a=200, secretary=200, leader=200, admin=200)
    ),
    # --- contacts
    "contacts:assistance_create": Row(pk("hardship"), only(404, member_a=200, secretary=200)),
    # Who read the contact's records: its branch secretary and the admin; others who may open the
    # contact get 403, the rest 404.
    # Secretary's side of contacts (contacts/views/contacts.py).
    "contacts:manage_list": Row(expect=SECRETARY_PAGE, query=branch_query),
    "contacts:manage_create": Row(expect=SECRETARY_PAGE, query=branch_query),
    "contacts:pairing": Row(expect=SECRETARY_PAGE, query=branch_query),
    "contacts:manage_detail": Row(pk("teacher"), MANAGED_OBJECT),
    "contacts:manage_edit": Row(pk("teacher"), MANAGED_OBJECT),
    "contacts:manage_reassign": Row(pk("teacher_assignment"), MANAGED_OBJECT),
    "contacts:manage_end": Row(pk("teacher_assignment"), MANAGED_OBJECT),
    # Roster import: the secretary's (or admin's) pages; the preview sends them back to the upload
    # while no file is waiting; apply is POST only.
    "contacts:roster_import": Row(expect=SECRETARY_PAGE, query=branch_query),
    "contacts:roster_preview": Row(
        expect=only(403, secretary=REDIRECT, other_branch_secretary=REDIRECT, admin=REDIRECT),
        query=branch_query,
    ),
    "contacts:roster_apply": Row(expect=only(405), query=branch_query),
    "contacts:roster_template": Row(
        lambda w: {"fmt": "xlsx"}, only(403, secretary=200, other_branch_secretary=200, admin=200)
    ),
    "contacts:contact_audit": Row(
        pk("hardship"), only(404, secretary=200, admin=200, member_a=403, leader=403)
    ),
    # --- talks
    "talks:my_page": Row(expect=only(404, **BRANCH_MEMBERS)),
    "talks:my_records": Row(expect=only(404, **BRANCH_MEMBERS)),
    "talks:talk_create": Row(expect=only(404, **BRANCH_MEMBERS)),
    # The entry's own page is its author's; the secretary reads it on the contact's page.
    "talks:talk_detail": Row(pk("talk"), only(404, member_a=200)),
    "talks:talk_edit": Row(pk("talk"), only(404, member_a=200)),
    "talks:talk_delete": Row(pk("talk"), only(404, member_a=200)),
    # R42: the author shows the confirmation link; R43: opinions the member relayed (their own).
    "talks:talk_confirmation": Row(pk("talk"), only(404, member_a=200)),
    "talks:my_opinions": Row(expect=only(200)),
    # R43: the secretary's page of the branch's opinion box and its A4 poster.
    "talks:box_page": Row(expect=SECRETARY_PAGE, query=branch_query),
    "talks:box_poster": Row(expect=SECRETARY_PAGE, query=branch_query),
    # The pages without login (R42, R43): everyone, with or without an account, alike.
    "public:confirm": Row(confirmation_token, only(200, anonymous=200)),
    "public:school_box": Row(expect=only(200, anonymous=200)),
    "public:branch_box": Row(branch_kwargs, only(200, anonymous=200)),
    "public:box_status": Row(expect=only(200, anonymous=200)),
    "talks:contact_detail": Row(
        pk("teacher"), only(404, member_a=200, secretary=200, leader=200, admin=200)
    ),
    "talks:event_create": Row(lambda w: {"contact_pk": w.teacher.pk}, only(404, member_a=200)),
    "talks:handbook": Row(expect=only(404, **BRANCH_MEMBERS)),
    "talks:handbook_pdf": Row(expect=only(404, **BRANCH_MEMBERS)),
    "talks:member_handbook": Row(
        lambda w: {"member_pk": w.member_a.pk},
        only(404, member_a=200, secretary=200, leader=200, admin=200),
    ),
    "talks:member_handbook_pdf": Row(
        lambda w: {"member_pk": w.member_a.pk},
        only(404, member_a=200, secretary=200, leader=200, admin=200),
    ),
    # Secretary's and leader's side (talks/views/): R43, R51, R52, R54.
    # Committee members read the queue and symposiums of their own branch (not write).
    "talks:opinion_queue": Row(expect=BRANCH_READ_PAGE, query=branch_query),
    "talks:opinion_box_create": Row(expect=SECRETARY_PAGE, query=branch_query),
    "talks:opinion_detail": Row(pk("opinion"), only(404, committee=200, secretary=200, admin=200)),
    "talks:branch_events": Row(expect=SECRETARY_PAGE, query=branch_query),
    "talks:branch_event_create": Row(lambda w: {"contact_pk": w.teacher.pk}, MANAGED_OBJECT),
    "talks:symposium_list": Row(expect=BRANCH_READ_PAGE, query=branch_query),
    "talks:symposium_create": Row(expect=SECRETARY_PAGE, query=branch_query),
    # Every member of the branch (and its leader) reads its symposiums.
    "talks:symposium_detail": Row(
        pk("symposium"),
        only(404, member_a=200, member_b=200, committee=200, secretary=200, leader=200, admin=200),
    ),
    # Issue 14: the secretary completes a symposium (minutes, files) within the editable window;
    # its files are read by whoever reads the symposium; removing one is POST only.
    "talks:symposium_edit": Row(pk("symposium"), MANAGED_OBJECT),
    # Issue 18: the minutes as a PDF, for whoever reads the symposium (the download audited).
    "talks:symposium_pdf": Row(
        pk("symposium"),
        only(404, member_a=200, member_b=200, committee=200, secretary=200, leader=200, admin=200),
    ),
    "talks:symposium_attachment": Row(
        pk("attachment"),
        only(404, member_a=200, member_b=200, committee=200, secretary=200, leader=200, admin=200),
    ),
    "talks:symposium_attachment_delete": Row(pk("attachment"), only(405)),
    # POST only (the form is on the leader's page); the leader edits their own visit.
    "talks:leader_visit_create": Row(expect=only(405)),
    "talks:leader_visit_edit": Row(pk("visit"), only(404, leader=200)),
    # R54 issue 14: the leader (from their page) or a secretary (dashboard, briefings list)
    # records a briefing; the list is the secretary's (and admin's); a briefing is edited by
    # whoever gave it or the branch's secretary (the world's was given by the secretary).
    "talks:briefing_create": Row(
        expect=only(403, secretary=200, other_branch_secretary=200, leader=200)
    ),
    "talks:briefing_list": Row(expect=SECRETARY_PAGE, query=branch_query),
    "talks:briefing_edit": Row(pk("briefing"), only(404, secretary=200)),
    # --- inspections: role homes
    # An admin is sent on to the school overview.
    "inspections:branch_home": Row(
        expect=only(403, secretary=200, other_branch_secretary=200, admin=REDIRECT)
    ),
    "inspections:branch_dashboard": Row(branch_kwargs, MANAGED_OBJECT),
    "inspections:branch_settings": Row(branch_kwargs, MANAGED_OBJECT),
    "inspections:matrix_export": Row(branch_kwargs, MANAGED_OBJECT),
    "inspections:opinion_export": Row(branch_kwargs, MANAGED_OBJECT),
    # R63: published cases are for everyone to read; the branch's secretary (or admin) edits.
    "inspections:exemplary_list": Row(expect=only(200)),
    "inspections:exemplary_create": Row(
        expect=only(403, secretary=200, other_branch_secretary=200)
    ),
    "inspections:exemplary_detail": Row(pk("case"), only(200)),
    "inspections:exemplary_edit": Row(pk("case"), MANAGED_OBJECT),
    "inspections:school_home": Row(expect=only(403, admin=200)),
    "inspections:leader_home": Row(expect=only(403, leader=200)),
    # --- R61 reports: one's own (any branch member); the list and review are the secretary's.
    "inspections:report_mine": Row(
        lambda w: {"semester_id": w.semester.pk}, only(404, **BRANCH_MEMBERS)
    ),
    "inspections:report_list": Row(expect=only(403, secretary=200, other_branch_secretary=200)),
    "inspections:report_review": Row(
        pk("report"), only(404, secretary=200, member_a=403, leader=403, admin=403)
    ),
    # --- R62 inspections
    "inspections:inspection_list": Row(expect=only(200)),
    "inspections:inspection_detail": Row(
        pk("inspection"), only(404, committee=200, secretary=200, leader=200, admin=200)
    ),
    "inspections:inspection_pdf": Row(
        pk("inspection"), only(404, committee=200, secretary=200, leader=200, admin=200)
    ),
    # --- R64 assessments and exports
    "inspections:assessment_list": Row(expect=only(403, secretary=200, other_branch_secretary=200)),
    # R48: the secretary's own page; the lift is a POST (GET: 405 for anyone signed in).
    "inspections:ethics_list": Row(expect=only(403, secretary=200, other_branch_secretary=200)),
    "inspections:ethics_lift": Row(pk("ethics_note"), only(405)),
    "inspections:assessment_grade": Row(
        pk("assessment"), only(404, secretary=200, member_a=403, leader=403, admin=403)
    ),
    "inspections:assessment_branch_pdf": Row(
        expect=only(403, secretary=200, other_branch_secretary=200)
    ),
    # Issue 14: the assessments in Excel (a branch: as its PDF; the school: the admin), and the
    # school overview (全校概况) in Excel.
    "inspections:assessment_export": Row(
        expect=only(403, secretary=200, other_branch_secretary=200)
    ),
    "inspections:assessment_school_export": Row(expect=only(403, admin=200)),
    "inspections:school_export": Row(expect=only(403, admin=200)),
    "inspections:export_list": Row(expect=only(403, admin=200)),
    "inspections:export_detail": Row(pk("export"), only(404, secretary=200, leader=200, admin=200)),
    "inspections:export_status": Row(pk("export"), only(404, secretary=200, leader=200, admin=200)),
    "inspections:export_download": Row(
        pk("export"), only(404, secretary=200, leader=200, admin=200)
    ),
}


@pytest.fixture
def world(
    branch,
    other_branch,
    member_a,
    member_b,
    committee,
    secretary,
    other_branch_secretary,
    leader,
    admin,
    deactivated,
    teacher_a,
    hardship_a,
):
    """One of each kind of record, owned by member_a or by `branch`."""
    today = timezone.localdate()
    teacher_assignment = teacher_a.assignments.get()
    talk = TalkLogFactory(
        assignment=teacher_assignment, date=today, content="谈了下学期的课程安排。"
    )
    event = MustTalkEventFactory(
        contact=teacher_a,
        member=member_a,
        occurred_on=today,
        due_on=today + datetime.timedelta(days=7),
    )
    conduct_event = MustTalkEventFactory(
        contact=hardship_a,
        member=member_a,
        category="4",
        sub_kind="conduct",
        note="机密说明",
        occurred_on=today,
        due_on=today + datetime.timedelta(days=7),
    )
    opinion = Opinion.objects.create(
        branch=branch,
        source=OpinionSource.TALK,
        talk=talk,
        contact=teacher_a,
        conveyed_by=member_a,
        content="希望增加教研活动经费。",
        due_on=today + datetime.timedelta(days=14),
    )
    assistance = AssistanceRecord.objects.create(
        contact=hardship_a, author=member_a, date=today, what="送去慰问金", result="已收到"
    )
    lead = FiveLeadActivity.objects.create(
        member=member_a,
        kind=FiveLeadKind.PAPER,
        date=today,
        title="论文",
        evidence_name="proof.pdf",
        evidence_type="application/pdf",
    )
    lead.evidence.save("proof.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    semester = Semester.objects.create(
        name="测试学期",
        start_on=today - datetime.timedelta(days=60),
        end_on=today + datetime.timedelta(days=60),
    )
    report = report_services.semester_report_submit(
        report=report_services.semester_report_save(
            member=member_a, semester=semester, text="本学期联系工作汇报。", by=member_a.user
        ),
        by=member_a.user,
    )
    notification = Notification.objects.create(
        recipient=member_a.user,
        kind=NotificationKind.MONTHLY,
        period="2026-11",
        subject="提醒",
        body="本月",
    )
    (assessment,) = [
        a
        for a in assessment_services.assessments_compute(semester=semester, branches=[branch])
        if a.member_id == member_a.pk
    ]
    inspection = inspection_services.inspection_generate(
        branch=branch, half=inspection_selectors.half_before(today), by=secretary.user
    )
    export = AssessmentExport.objects.create(
        semester=semester, branch=branch, status=ExportStatus.DONE, requested_by=secretary.user
    )
    export.file.save("assessment.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    symposium = Symposium.objects.create(branch=branch, held_on=today, topic="教学座谈")
    attachment = SymposiumAttachment(
        symposium=symposium, name="签到表.pdf", content_type="application/pdf"
    )
    attachment.file.save("sign-in.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    visit = LeaderVisit.objects.create(
        leader=leader, branch=branch, date=today, kind="visit", summary="走访教研组"
    )
    briefing = Briefing.objects.create(
        branch=branch, given_by=secretary, date=today, subject="校务通报", audience="全体教师"
    )
    case = ExemplaryCase.objects.create(
        branch=branch,
        kind=CaseKind.PERSON,
        title="优秀联系人",
        member=member_a,
        occurred_on=today,
        description="事迹",
        published=True,
        recorded_by=secretary.user,
    )
    other_contact = ContactFactory(branch=other_branch, category=Category.TEACHER)
    AssignmentFactory(member=other_branch_secretary, contact=other_contact)
    ethics_note = EthicsNote.objects.create(
        member=member_a,
        kind="concern",
        text="师德问题记录（测试专用）",
        recorded_on=today,
        recorded_by=secretary.user,
    )
    return SimpleNamespace(**locals(), teacher=teacher_a, hardship=hardship_a)


def _answer(response):
    if response.status_code == 302:
        return LOGIN if response.url.startswith(reverse("login")) else REDIRECT
    return response.status_code


PATTERNS = sorted(set(url_patterns()))


def test_every_row_of_the_matrix_names_an_existing_url():
    """A row for a URL that no longer exists is a stale expectation."""
    assert set(MATRIX) - {name for name, _route in PATTERNS} == set()


@pytest.mark.parametrize(("name", "route"), PATTERNS, ids=[n for n, _r in PATTERNS])
def test_access_matrix(name, route, world, request, client_for):
    row = MATRIX.get(name)
    assert row is not None, f"no row in the access matrix for {name} ({route}): add one"
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    url += row.query(world) if row.query else ""
    wrong = []
    for role in ROLES:
        response = client_for(request.getfixturevalue(role)).get(url)
        got, expected = _answer(response), row.expected(role)
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
    assert not wrong, f"GET {url}\n" + "\n".join(wrong)
