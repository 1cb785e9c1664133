"""Issue 13 finding 5: every view that shows confidential text writes a `view_confidential` row
(with the contact, for the secretary's per-contact audit page), and every view that hands out a
file writes an `export` row (RULES.md "Who may read what").

Every URL pattern is opened (with the access matrix's world and kwargs) by the people who may
read the confidential records of that world. A response that is a file, or that carries one of
the world's confidential texts, must come from a view listed below and must have written its
row: a new file or confidential view that is not listed, or that writes nothing, fails.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import AuditAction, AuditLog

from ..factories import TalkLogFactory
from .test_access_matrix import MATRIX, PATTERNS, world  # noqa: F401 (the fixture)

# Views that hand out a file: each writes an `export` row.
FILE_VIEWS = {
    "talks:handbook_pdf",
    "talks:member_handbook_pdf",
    "talks:box_poster",
    "talks:symposium_pdf",
    "inspections:inspection_pdf",
    "inspections:assessment_branch_pdf",
    "inspections:export_download",
    "inspections:matrix_export",
    "inspections:assessment_export",
    "inspections:assessment_school_export",
    "inspections:school_export",
    "inspections:opinion_export",
    "members:lead_evidence",
    "talks:symposium_attachment",
    "contacts:roster_template",
}
# Views that show confidential text to those allowed: each writes a `view_confidential` row
# naming the contact (or, for R48, the member).
CONFIDENTIAL_VIEWS = {
    "talks:contact_detail",
    "talks:talk_detail",
    "talks:talk_edit",
    "talks:handbook",
    "talks:member_handbook",
    "talks:handbook_pdf",
    "talks:member_handbook_pdf",
    "contacts:manage_edit",
    "inspections:ethics_list",
}
READERS = ["member_a", "secretary", "leader", "admin"]
FILE_TYPES = ("application/pdf", "spreadsheet", "text/csv", "octet-stream", "image/")


def _is_file(response) -> bool:
    disposition = response.get("Content-Disposition", "")
    return "attachment" in disposition or any(
        t in response.get("Content-Type", "") for t in FILE_TYPES
    )


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.django_db
def test_finding5_every_confidential_read_and_every_file_is_audited(
    world,  # noqa: F811
    request,
    client_for,
):
    # member_a's talk (talk_detail, talk_edit) is one with the hardship contact: confidential.
    world.talk = TalkLogFactory(
        assignment=world.hardship.assignments.get(),
        date=timezone.localdate(),
        content="谈话中的保密内容",
    )
    assert world.talk.confidential
    secrets = [
        world.talk.content,
        world.hardship.hardship_description,
        world.conduct_event.note,
        world.assistance.what,
        world.ethics_note.text,
    ]
    urls = []
    for name, _route in PATTERNS:
        row = MATRIX.get(name)
        if row is None:
            continue  # test_access_matrix fails for a URL without a row
        url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
        urls.append((name, url + (row.query(world) if row.query else "")))
    # The matrix opens the teacher's pages; the hardship contact's are the confidential ones.
    for name in ("talks:contact_detail", "contacts:manage_edit"):
        urls.append((name, reverse(name, args=[world.hardship.pk]) + f"?branch={world.branch.pk}"))
    seen_files, seen_confidential, wrong = set(), set(), []
    for name, url in urls:
        for role in READERS:
            user = request.getfixturevalue(role).user
            before = AuditLog.objects.count()
            response = client_for(request.getfixturevalue(role)).get(url)
            if response.status_code != 200:
                continue
            new = AuditLog.objects.order_by("-id")[: AuditLog.objects.count() - before]
            actions = {(r.action, r.actor_id) for r in new}
            if _is_file(response):
                seen_files.add(name)
                if name not in FILE_VIEWS:
                    wrong.append(f"{name} hands out a file but is not in FILE_VIEWS")
                if (AuditAction.EXPORT, user.pk) not in actions:
                    wrong.append(f"{name} as {role}: a file without an export row")
            body = "" if _is_file(response) and "pdf" in response["Content-Type"] else None
            body = _body(response) if body is None else body
            if any(s in body for s in secrets):
                seen_confidential.add(name)
                if name not in CONFIDENTIAL_VIEWS:
                    wrong.append(f"{name} shows confidential text but is not in the list")
                rows = [r for r in new if r.action == AuditAction.VIEW_CONFIDENTIAL]
                if not rows or not all(r.contact_id or r.object_type for r in rows):
                    wrong.append(f"{name} as {role}: confidential text without a row")
                if role in ("leader", "admin"):
                    wrong.append(f"{name} shows confidential text to the {role}")
    assert not wrong, "\n".join(wrong)
    # The lists stay true: each listed view was seen doing what it is listed for (PDFs are
    # checked for their export row only; their text is checked in their own tests).
    assert FILE_VIEWS - seen_files == set()
    assert CONFIDENTIAL_VIEWS - seen_confidential - FILE_VIEWS == set()
