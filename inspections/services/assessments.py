"""R64: the assessments computed and graded, and their PDF exports (claimed, run and swept as an
outbox row, DESIGN.md "Writes and jobs").
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import scoring
from members.audit import audit
from members.jobs import enqueue_on_commit
from members.models import AuditAction, Branch, Member, NotificationKind
from members.notify import notify
from members.pdf import render_pdf_parts
from members.pinyin import sorted_by_pinyin

from ..models import Assessment, AssessmentExport, ExportStatus, Semester
from ..selectors.assessments import (
    _report_statuses,
    assessment_pdf_context,
    assessments_of,
    school_summary,
    standing_concern_ids,
)
from ..selectors.reports import semester_figures


def assessments_compute(
    *, semester: Semester, branches, today: date | None = None, by=None
) -> list[Assessment]:
    """Create or refresh the assessments of every active member of `branches`.

    Grades set by the secretary are kept; score and basic condition follow the data. Only rows
    whose values change are written, so an unchanged semester keeps its export fingerprint.

    An explicit write (the secretary's button, the nightly job, an export request), never done
    by a page view. Safe when run twice at once: a row the other run created first is left to
    it (ON CONFLICT DO NOTHING on the unique member and semester), and the rows returned are
    read back after the writes.
    """
    members = Member.objects.active().filter(branch__in=branches)
    figures = semester_figures(members=members, semester=semester, today=today)
    member_list = list(members.select_related("branch"))
    statuses = _report_statuses(semester, [m.pk for m in member_list])
    concerns = standing_concern_ids(members=members)
    existing = {
        a.member_id: a for a in Assessment.objects.filter(semester=semester, member__in=members)
    }
    to_create, to_update = [], []
    for member in member_list:
        data = dict(figures[member.pk])
        data["ethics_concern"] = member.pk in concerns  # R48: whether, never what
        status = statuses.get(member.pk)
        value = scoring.score(member.branch.weights, scoring.rates(data, status))
        data["report_status"] = status or ""
        row = existing.get(member.pk)
        if row is None:
            row = Assessment(member=member, semester=semester)
            to_create.append(row)
        elif row.score == value and row.figures == data:
            row.member = member
            continue
        else:
            to_update.append(row)
        row.member = member
        row.score, row.figures = value, data
        row.basic_condition_met = scoring.basic_condition_met(row.grade, status, data)
    with transaction.atomic():
        Assessment.objects.bulk_create(to_create, ignore_conflicts=True)
        if to_update:
            now = timezone.now()
            for row in to_update:
                row.computed_at = now
            Assessment.objects.bulk_update(
                to_update, ["score", "figures", "basic_condition_met", "computed_at"]
            )
        if by is not None:
            for branch in branches:
                audit(
                    AuditAction.UPDATE,
                    actor=by,
                    obj=branch,
                    branch_id=branch.pk,
                    details={"assessments_computed": semester.pk},
                )
    return assessments_of(semester=semester, branches=branches)


def assessment_grade(*, assessment: Assessment, grade: str, reason: str, by) -> Assessment:
    """The secretary's grade; outside the score's band it needs a written reason."""
    if scoring.needs_reason(grade, assessment.score) and not reason.strip():
        raise ValidationError(
            {"grade_reason": _("This grade is outside the score's band: give the reason.")}
        )
    with transaction.atomic():
        assessment.grade = grade
        assessment.grade_reason = (
            reason.strip() if scoring.needs_reason(grade, assessment.score) else ""
        )
        assessment.basic_condition_met = scoring.basic_condition_met(
            grade, assessment.figures.get("report_status"), assessment.figures
        )
        assessment.graded_by = by
        assessment.graded_at = timezone.now()
        assessment.full_clean()
        assessment.save()
        audit(
            AuditAction.UPDATE,
            actor=by,
            obj=assessment,
            branch_id=assessment.member.branch_id,
            details={"grade": grade},
        )
    return assessment


def export_fingerprint(*, semester: Semester, branch: Branch | None) -> str:
    """Identifies what an export would contain; equal fingerprints give equal PDFs."""
    rows = Assessment.objects.filter(semester=semester, member__active=True)
    if branch is not None:
        rows = rows.filter(member__branch=branch)
    values = list(
        rows.order_by("pk").values_list(
            "pk",
            "member__name",
            "member__branch__name",
            "score",
            "grade",
            "grade_reason",
            "basic_condition_met",
            "figures",
        )
    )
    raw = json.dumps(
        [semester.pk, semester.name, branch and branch.pk, values],
        default=str,
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def enqueue_export(export_id: int) -> None:
    """Queue the export's job on commit; embedded mode (settings.EXPORTS_IN_THREAD, no worker)
    renders it in a thread of this process while the request returns."""
    enqueue_on_commit(
        "inspections.tasks.run_export", export_id, in_thread=settings.EXPORTS_IN_THREAD
    )


def assessment_export_request(*, semester: Semester, branch: Branch | None, by) -> AssessmentExport:
    """Write the export job as a row (queued on commit), unless the same data was exported or
    is being exported already: then that export is returned and nothing is rendered again."""
    branches = [branch] if branch is not None else Branch.objects.all()
    assessments_compute(semester=semester, branches=branches)
    fingerprint = export_fingerprint(semester=semester, branch=branch)
    with transaction.atomic():
        same = AssessmentExport.objects.filter(
            semester=semester,
            branch=branch,
            fingerprint=fingerprint,
            status__in=[ExportStatus.PENDING, ExportStatus.RUNNING, ExportStatus.DONE],
        )
        # An export whose worker died is not handed out again as "running": it is closed as
        # failed (it would be rendered twice otherwise) and a new one is requested below.
        same.filter(export_claim_stale()).update(
            status=ExportStatus.FAILED,
            error=_("The worker stopped before finishing; the export was requested again."),
            finished_at=timezone.now(),
        )
        earlier = same.first()  # a new query: the rows just closed are left out
        if earlier is not None:
            if earlier.status == ExportStatus.PENDING and settings.EXPORTS_IN_THREAD:
                # Embedded mode has no sweep: a pending export whose thread never claimed it
                # (the server restarted) is started again; the claim lets one thread run it.
                enqueue_export(earlier.pk)
            return earlier
        export = AssessmentExport(
            semester=semester,
            branch=branch,
            fingerprint=fingerprint,
            requested_by=by,
            total=len(branches),
        )
        export.full_clean()
        export.save()
        audit(AuditAction.EXPORT, actor=by, obj=export, branch_id=export.branch_id)
        enqueue_export(export.pk)
    return export


# A running export whose claim was not renewed for this long lost its worker (killed, machine
# down): the sweep claims it again. The worker renews the claim at every branch it renders
# (about a second each), so a live worker is never taken for dead.
EXPORT_LEASE = timedelta(minutes=10)


def export_claim_stale() -> Q:
    return Q(status=ExportStatus.RUNNING, claimed_at__lt=timezone.now() - EXPORT_LEASE)


def export_claim(export_id: int) -> int | None:
    """Only one worker runs an export: the conditional UPDATE decides. It takes a pending export
    or one whose claim is past its lease; returns the attempt number won (None: not won)."""
    now = timezone.now()
    won = (
        AssessmentExport.objects.filter(pk=export_id)
        .filter(Q(status=ExportStatus.PENDING) | export_claim_stale())
        .update(
            status=ExportStatus.RUNNING,
            started_at=now,
            claimed_at=now,
            attempt=F("attempt") + 1,
            progress=0,
        )
    )
    if not won:
        return None
    return AssessmentExport.objects.filter(pk=export_id).values_list("attempt", flat=True)[0]


def assessment_export_run(*, export_id: int) -> bool:
    """Render the claimed export branch by branch, storing progress for the page to poll.

    Every write after the claim is conditional on this attempt: if this worker was taken for
    dead and the export claimed again, its late writes change nothing. An error, in the render
    or before it (the claim, reading the data), ends this attempt as failed: the page says so at
    once instead of showing it running until its lease ends; a worker that dies is swept."""
    attempt = None
    try:
        attempt = export_claim(export_id)
        if attempt is None:
            return False
        return _export_render(export_id, attempt)
    except Exception as exc:
        rows = AssessmentExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING)
        if attempt is not None:
            rows = rows.filter(attempt=attempt)
        rows.update(status=ExportStatus.FAILED, error=str(exc)[:300], finished_at=timezone.now())
        raise


def _export_render(export_id: int, attempt: int) -> bool:
    mine = AssessmentExport.objects.filter(pk=export_id, attempt=attempt)
    export = AssessmentExport.objects.select_related("semester", "branch").get(pk=export_id)
    branches = [export.branch] if export.branch else sorted_by_pinyin(Branch.objects.all())
    mine.update(total=len(branches))

    def step(done: int) -> None:
        mine.update(progress=done, claimed_at=timezone.now())

    step(0)
    pdf = assessment_export_pdf(export=export, branches=branches, on_part=step)
    name = f"assessment-{export.semester.pk}-{export.branch_id or 'school'}-{export.pk}.pdf"
    export.file.save(name, ContentFile(pdf), save=False)
    if not mine.filter(status=ExportStatus.RUNNING).update(
        file=export.file.name,
        status=ExportStatus.DONE,
        progress=len(branches),
        finished_at=timezone.now(),
    ):
        export.file.delete(save=False)  # another attempt owns the export now
        return False
    if export.requested_by_id:
        notify(
            recipient=export.requested_by,
            kind=NotificationKind.EXPORT,
            period=f"export{export.pk}",
            subject=_("The assessment export is ready"),
            body=_("Semester %(semester)s: %(count)s branches.")
            % {"semester": export.semester.name, "count": len(branches)},
            link=reverse("inspections:export_detail", args=[export.pk]),
        )
    return True


def assessment_export_pdf(*, export: AssessmentExport, branches=None, on_part=None) -> bytes:
    """The school's (or one branch's) assessment PDF of an export: a cover, the school summary,
    then each branch. Generated at the export's start by its requester: the same rows give the
    same bytes, so the stored file can be checked against a regeneration."""
    if branches is None:
        branches = [export.branch] if export.branch else sorted_by_pinyin(Branch.objects.all())
    generated_at = export.started_at or export.created_at
    today = timezone.localdate(generated_at)
    contexts = [
        assessment_pdf_context(semester=export.semester, branch=b, today=today) for b in branches
    ]
    title = _("Semester assessment")
    return render_pdf_parts(
        "pdf/assessment.html",
        contexts,
        cover=("pdf/assessment_cover.html", school_summary(export.semester, contexts)),
        part_names=[
            f"{settings.SCHOOL_NAME} · {b.name} · {title} {export.semester.name}" for b in branches
        ],
        cover_title=f"{title} {export.semester.name}",
        generated_by=export.requested_by,
        generated_at=generated_at,
        on_part=on_part,
    )
