"""Writes of the semester cycle: reports (R61), inspections (R62), assessments and exports (R64).

Plain functions with keyword-only arguments, each in one transaction with its audit row. All
figures come from talks/obligations.py.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.audit import audit
from members.models import AuditAction, Branch, Member, NotificationKind
from members.notify import notify
from members.pinyin import sorted_by_pinyin
from talks import obligations
from talks.leader_point import leader_visit_rows
from talks.models import Opinion, Symposium

from . import scoring
from .charts import assessment_charts, inspection_charts
from .models import (
    Assessment,
    AssessmentExport,
    EthicsKind,
    EthicsNote,
    ExemplaryCase,
    ExportStatus,
    FrozenFigures,
    Grade,
    Inspection,
    InspectionTrigger,
    ReportStatus,
    Semester,
    SemesterReport,
)

EDITABLE_REPORT = (ReportStatus.DRAFT, ReportStatus.RETURNED)


# --- R61: semester reports -----------------------------------------------------------------


def report_deadline(*, semester: Semester, branch: Branch) -> date:
    return semester.end_on + timedelta(days=branch.report_deadline_days)


def member_semester_figures(
    *, member: Member, semester: Semester, today: date | None = None
) -> dict:
    """The member's live figures of the semester (their draft report, the running score)."""
    figures = obligations.member_figures(
        Member.objects.filter(pk=member.pk), semester.start_on, semester.end_on, today
    )
    return figures[member.pk].as_dict()


def figures_freeze(
    *, members, semester: Semester, source: str, today: date | None = None
) -> dict[int, dict]:
    """R64: freeze the figures of `members` for `semester` (report submitted, inspection
    generated): one row per member and semester, rewritten by each freeze. Returns them."""
    live = obligations.member_figures(members, semester.start_on, semester.end_on, today)
    now = timezone.now()
    rows = [
        FrozenFigures(
            member_id=pk, semester=semester, figures=fig.as_dict(), source=source, frozen_at=now
        )
        for pk, fig in live.items()
    ]
    FrozenFigures.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["member", "semester"],
        update_fields=["figures", "source", "frozen_at"],
    )
    # A submitted report shows the one set too (its own copy is the set frozen last).
    reports = list(
        SemesterReport.objects.filter(semester=semester, member__in=members).exclude(
            status__in=EDITABLE_REPORT
        )
    )
    for report in reports:
        report.figures = live[report.member_id].as_dict()
    SemesterReport.objects.bulk_update(reports, ["figures"])
    return {row.member_id: row.figures for row in rows}


def semester_figures(*, members, semester: Semester, today: date | None = None) -> dict[int, dict]:
    """R64: the figures the report and the score read: the frozen set where there is one, the
    live figures for members whose semester was never frozen (two queries more)."""
    frozen = dict(
        FrozenFigures.objects.filter(semester=semester, member__in=members).values_list(
            "member_id", "figures"
        )
    )
    missing = members.exclude(pk__in=list(frozen))
    if frozen and not missing.exists():
        return frozen
    live = obligations.member_figures(missing, semester.start_on, semester.end_on, today)
    return {**{pk: fig.as_dict() for pk, fig in live.items()}, **frozen}


def semester_report_save(
    *, member: Member, semester: Semester, text: str, by, ethics_review: str = ""
) -> SemesterReport:
    """The member writes (or rewrites) their text and their 师德 self-review (R48); figures
    are refreshed from the data."""
    with transaction.atomic():
        report, created = SemesterReport.objects.select_for_update(of=("self",)).get_or_create(
            member=member, semester=semester
        )
        if report.status not in EDITABLE_REPORT:
            raise ValidationError(_("This report is submitted and can no longer be changed."))
        report.text = text
        report.ethics_review = ethics_review
        report.figures = member_semester_figures(member=member, semester=semester)
        report.full_clean()
        report.save()
        audit(
            AuditAction.CREATE if created else AuditAction.UPDATE,
            actor=by,
            obj=report,
            branch_id=member.branch_id,
        )
    return report


def semester_report_submit(
    *, report: SemesterReport, by, now: datetime | None = None
) -> SemesterReport:
    """Submit (or resubmit after a return). R61: the first submission is late when after the
    branch's deadline, and stays judged by that; a resubmission is late only when after the
    return's own deadline (resubmit_due_on)."""
    now = now or timezone.now()
    with transaction.atomic():
        report = (
            SemesterReport.objects.select_for_update(of=("self",))
            .select_related("member__branch", "semester")
            .get(pk=report.pk)
        )
        if report.status not in EDITABLE_REPORT:
            raise ValidationError(_("This report is already submitted."))
        if not report.text.strip():
            raise ValidationError({"text": _("Write your report before submitting it.")})
        deadline = report_deadline(semester=report.semester, branch=report.member.branch)
        report.figures = figures_freeze(
            members=Member.objects.filter(pk=report.member_id),
            semester=report.semester,
            source=FrozenFigures.Source.REPORT,
            today=timezone.localdate(now),
        )[report.member_id]
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now
        if report.first_submitted_at is None:
            report.first_submitted_at = now
            report.is_late = timezone.localdate(now) > deadline
        elif report.resubmit_due_on is not None:
            report.resubmitted_late = timezone.localdate(now) > report.resubmit_due_on
        report.full_clean()
        report.save()
        audit(
            AuditAction.UPDATE,
            actor=by,
            obj=report,
            branch_id=report.member.branch_id,
            details={
                "status": report.status,
                "late": report.is_late,
                "resubmitted_late": report.resubmitted_late,
            },
        )
    return report


def semester_report_review(
    *, report: SemesterReport, accept: bool, comment: str, by, now: datetime | None = None
) -> SemesterReport:
    """The secretary accepts the report or returns it with a comment (required then)."""
    now = now or timezone.now()
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("Say what should change when returning a report.")})
    with transaction.atomic():
        report = (
            SemesterReport.objects.select_for_update(of=("self",))
            .select_related("member__user", "member__branch", "semester")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.SUBMITTED:
            raise ValidationError(_("Only a submitted report can be reviewed."))
        report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
        if not accept:  # R61: the returned report's own deadline, from the day of its return
            report.resubmit_due_on = timezone.localdate(now) + timedelta(
                days=report.member.branch.resubmission_days
            )
        report.reviewer_comment = comment
        report.reviewed_by = by
        report.reviewed_at = now
        report.full_clean()
        report.save()
        audit(
            AuditAction.UPDATE,
            actor=by,
            obj=report,
            branch_id=report.member.branch_id,
            details={"status": report.status},
        )
        notify(
            recipient=report.member.user,
            kind=NotificationKind.REPORT_REVIEWED,
            # One notice per review: a report may be returned more than once.
            period=f"report{report.pk}:{int(now.timestamp() * 1_000_000)}",
            subject=(
                _("Your semester report was accepted")
                if accept
                else _("Your semester report was returned for changes")
            ),
            body=(
                _("Semester %(semester)s: open the report to see the secretary's comment.")
                % {"semester": report.semester.name}
                if accept
                else _(
                    "Semester %(semester)s: open the report to see the secretary's comment, "
                    "and resubmit it by %(due)s."
                )
                % {"semester": report.semester.name, "due": report.resubmit_due_on.isoformat()}
            ),
            link=reverse("inspections:report_mine", args=[report.semester_id]),
        )
    return report


# --- R64: assessments ----------------------------------------------------------------------


def _report_statuses(semester: Semester, member_ids) -> dict[int, str]:
    return dict(
        SemesterReport.objects.filter(semester=semester, member_id__in=member_ids).values_list(
            "member_id", "status"
        )
    )


def standing_concern_ids(*, members) -> set[int]:
    """R48: the members with a 师德 concern not lifted (one query; no text read)."""
    return set(
        EthicsNote.objects.filter(
            member__in=members, kind=EthicsKind.CONCERN, lifted_on__isnull=True
        ).values_list("member_id", flat=True)
    )


def running_score(*, member: Member, semester: Semester, today: date | None = None) -> dict:
    """The member's score so far (shown on their report page during the semester)."""
    status = _report_statuses(semester, [member.pk]).get(member.pk)
    if status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        # Submitted: the frozen set, the one the assessment scores (R64).
        figures = semester_figures(
            members=Member.objects.filter(pk=member.pk), semester=semester, today=today
        )[member.pk]
    else:
        figures = member_semester_figures(member=member, semester=semester, today=today)
    return {"figures": figures, **scoring.breakdown(member.branch.weights, figures, status)}


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


def assessments_of(*, semester: Semester, branches) -> list[Assessment]:
    """The stored assessments of the active members of `branches` (a read: what the page shows)."""
    rows = Assessment.objects.filter(
        semester=semester, member__in=Member.objects.active().filter(branch__in=branches)
    ).select_related("member__branch")
    return sorted(rows, key=lambda a: (a.member.branch.name, a.member.name))


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


def assessment_export_request(*, semester: Semester, branch: Branch | None, by) -> AssessmentExport:
    """Write the export job as a row (queued on commit), unless the same data was exported or
    is being exported already: then that export is returned and nothing is rendered again."""
    from .tasks import enqueue_export

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
        same = same.first()  # a new query: the rows just closed are left out
        if same is not None:
            if same.status == ExportStatus.PENDING and settings.EXPORTS_IN_THREAD:
                # Embedded mode has no sweep: a pending export whose thread never claimed it
                # (the server restarted) is started again; the claim lets one thread run it.
                transaction.on_commit(lambda: enqueue_export(same.pk))
            return same
        export = AssessmentExport(
            semester=semester,
            branch=branch,
            fingerprint=fingerprint,
            requested_by=by,
            total=len(branches),
        )
        export.full_clean()
        export.save()
        audit(AuditAction.EXPORT, actor=by, obj=export, branch_id=branch and branch.pk)
        transaction.on_commit(lambda: enqueue_export(export.pk))
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
    dead and the export claimed again, its late writes change nothing."""
    attempt = export_claim(export_id)
    if attempt is None:
        return False
    mine = AssessmentExport.objects.filter(pk=export_id, attempt=attempt)
    export = AssessmentExport.objects.select_related("semester", "branch").get(pk=export_id)
    branches = [export.branch] if export.branch else sorted_by_pinyin(Branch.objects.all())
    mine.update(total=len(branches))

    def step(done: int) -> None:
        mine.update(progress=done, claimed_at=timezone.now())

    step(0)
    try:
        pdf = assessment_export_pdf(export=export, branches=branches, on_part=step)
    except Exception as exc:
        mine.update(status=ExportStatus.FAILED, error=str(exc)[:300], finished_at=timezone.now())
        raise
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
    from members.pdf import render_pdf_parts

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


def school_summary(semester: Semester, contexts: list[dict]) -> dict:
    """The cover's table: per branch its members, how many of each grade, and how many meet the
    basic condition (R64), from the branch contexts already loaded (no query)."""
    summary = []
    for context in contexts:
        rows = context["rows"]
        summary.append(
            {
                "branch": context["branch"],
                "members": len(rows),
                "grades": [sum(r.grade == g for r in rows) for g in Grade.values],
                "not_graded": sum(not r.grade for r in rows),
                "met": context["met"],
            }
        )
    totals = {
        "members": sum(r["members"] for r in summary),
        "grades": [sum(r["grades"][i] for r in summary) for i in range(len(Grade.values))],
        "not_graded": sum(r["not_graded"] for r in summary),
        "met": sum(r["met"] for r in summary),
    }
    return {
        "semester": semester,
        "summary": summary,
        "totals": totals,
        "grades": [{"short": label} for label in Grade.labels],
    }


def assessment_pdf_context(
    *, semester: Semester, branch: Branch, today: date | None = None
) -> dict:
    rows = sorted_by_pinyin(
        Assessment.objects.filter(
            semester=semester, member__branch=branch, member__active=True
        ).select_related("member"),
        lambda a: a.member.name,
    )
    today = today or timezone.localdate()
    for row in rows:
        row.band_label = scoring.band_label(row.score)
        row.outside_band = scoring.needs_reason(row.grade, row.score)
        row.condition = scoring.condition(row, today)
        row.nothing_due = scoring.nothing_due(row.figures)
    return {
        "semester": semester,
        "branch": branch,
        "rows": rows,
        "charts": assessment_charts(rows),
        "weights": branch.weights,
        "formula": scoring.formula(branch.weights),
        "met": sum(r.basic_condition_met for r in rows),
    }


# --- R62: inspections ----------------------------------------------------------------------


def half_bounds(half: str) -> tuple[date, date]:
    """'2026H1' → January–June 2026; '2026H2' → July–December."""
    year, part = int(half[:4]), half[5]
    if part == "1":
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)


def half_before(day: date) -> str:
    """The half-year that ended most recently before `day`'s month."""
    month = obligations.Month.of(day).previous()
    return f"{month.year}H{1 if month.month <= 6 else 2}"


def _completion_rate(counts: dict) -> float | None:
    """obligations.completion_rate of summed figures, rounded for the stored snapshot."""
    rate = obligations.completion_rate(
        counts["months_complete"], counts["months_partial"], counts["months_missing"]
    )
    return None if rate is None else round(rate, 3)


def _monthly_completion(figures, start: date, end: date, today: date) -> list[dict]:
    """The branch's completion per month of the half (the inspection's monthly chart).

    Figures.months holds each month's decided state (obligations.decided): a month with nothing
    due has no part in the rate; the month still running and later ones have no rate yet
    (obligations.month_rate: its complete members alone would read as 100%).
    """
    monthly = []
    for month in obligations.months_between(start, end):
        counts = Counter(fig.months.get(str(month)) for fig in figures)
        states = (obligations.MonthState(s) for s in counts.elements() if s)
        rate = obligations.month_rate(month, states, today)
        monthly.append(
            {
                "month": str(month),
                "running": month >= obligations.Month.of(today),
                "complete": counts[obligations.MonthState.COMPLETE],
                "partial": counts[obligations.MonthState.PARTIAL],
                "missing": counts[obligations.MonthState.MISSING],
                "rate": None if rate is None else round(rate, 3),
            }
        )
    return monthly


def inspection_data(*, branch: Branch, half: str, today: date | None = None) -> dict:
    """The snapshot of a branch over a half-year, as plain JSON (fixed number of queries)."""
    start, end = half_bounds(half)
    today = today or timezone.localdate()
    members = Member.objects.active().filter(branch=branch)
    figures = obligations.member_figures(members, start, end, today)
    gaps = set(
        obligations.members_without_teacher(members, min(end, today)).values_list("pk", flat=True)
    )
    semesters = list(
        Semester.objects.filter(start_on__lte=end, end_on__gte=start).order_by("start_on")
    )
    reports = {
        (r["member_id"], r["semester_id"]): r
        for r in SemesterReport.objects.filter(member__in=members, semester__in=semesters).values(
            "member_id", "semester_id", "status", "is_late"
        )
    }
    rows = []
    for member in sorted_by_pinyin(members):
        fig = figures[member.pk].as_dict()
        fig.pop("months")
        rows.append(
            {
                "id": member.pk,
                "name": member.name,
                "figures": fig,
                "teacher_gap": member.pk in gaps,
                "reports": [
                    {
                        "semester": s.name,
                        "status": reports.get((member.pk, s.pk), {}).get("status", "missing"),
                        "late": reports.get((member.pk, s.pk), {}).get("is_late", False),
                    }
                    for s in semesters
                ],
            }
        )
    totals = {
        # .get: a set frozen before a figure existed (R41, R42) counts it as 0.
        key: sum(r["figures"].get(key, 0) for r in rows)
        for key in (
            "months_complete",
            "months_partial",
            "months_missing",
            "musttalk_on_time",
            "musttalk_late",
            "musttalk_open",
            "musttalk_overdue",
            "opinions_raised",
            "leads_activities",
            "policy_talks",
            "records",
            "records_confirmed",
            "records_denied",
        )
    }
    totals["completion_rate"] = _completion_rate(totals)
    # R42: the branch's share of records the contact confirmed.
    totals["confirmation_rate"] = (
        round(totals["records_confirmed"] / totals["records"], 4) if totals["records"] else None
    )
    opinions = Opinion.objects.filter(branch=branch, received_on__range=(start, end))
    answered = list(
        opinions.filter(answered_at__isnull=False).values_list("received_on", "answered_at")
    )
    handling_days = [(timezone.localdate(at) - received).days for received, at in answered]
    symposiums = Symposium.objects.filter(branch=branch, held_on__range=(start, end)).count()
    cases = (
        ExemplaryCase.objects.published()
        .filter(branch=branch, occurred_on__range=(start, end))
        .order_by("occurred_on", "pk")
    )
    return {
        "branch": {"id": branch.pk, "name": branch.name},
        "half": half,
        "monthly": _monthly_completion(figures.values(), start, end, today),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": today.isoformat(),
        "members": rows,
        "totals": totals,
        "opinions": {
            "received": opinions.count(),
            "open": opinions.open().count(),
            "answered": len(handling_days),
            "average_days": round(sum(handling_days) / len(handling_days), 1)
            if handling_days
            else None,
            "longest_days": max(handling_days, default=None),
            "over_deadline": sum(d > branch.opinion_deadline_days for d in handling_days),
        },
        "teacher_gaps": [r["name"] for r in rows if r["teacher_gap"]],
        "symposiums": {
            "held": symposiums,
            "target": branch.symposium_target * max(1, len(semesters)),
        },
        # R54: each leader whose contact point is the branch, their visits against the target.
        "leaders": [
            {
                "name": r["name"],
                "visits": r["visits"],
                "target": r["target"],
                "short": r["short"],
            }
            for r in leader_visit_rows([branch.pk], start, end, semesters=len(semesters))
        ],
        "cases": [
            {
                "kind": c.get_kind_display(),
                "title": c.title,
                "person": c.person_name,
                "date": c.occurred_on.isoformat(),
                "description": c.description,
            }
            for c in cases
        ],
    }


def inspection_generate(
    *,
    branch: Branch,
    half: str,
    by=None,
    trigger: str = InspectionTrigger.DEMAND,
    today: date | None = None,
) -> Inspection:
    """Store a new version of the branch's inspection of `half` (earlier versions stay)."""
    data = inspection_data(branch=branch, half=half, today=today)
    start, end = half_bounds(half)
    with transaction.atomic():
        # R64: the figures of every ended semester the half covers are frozen again (a semester
        # still running keeps following the data until its report is submitted).
        for semester in Semester.objects.filter(
            start_on__lte=end, end_on__gte=start, end_on__lt=today or timezone.localdate()
        ):
            figures_freeze(
                members=Member.objects.active().filter(branch=branch),
                semester=semester,
                source=FrozenFigures.Source.INSPECTION,
                today=today,
            )
        latest = Inspection.objects.filter(branch=branch, half=half).aggregate(v=Max("version"))[
            "v"
        ]
        previous = Inspection.objects.filter(branch=branch, half=half, version=latest).first()
        inspection = Inspection(
            branch=branch,
            half=half,
            version=(latest or 0) + 1,
            trigger=trigger,
            data=data,
            findings=previous.findings if previous else "",
            generated_by=by,
        )
        inspection.full_clean()
        inspection.save()
        audit(AuditAction.CREATE, actor=by, obj=inspection, branch_id=branch.pk)
    return inspection


def inspection_set_findings(*, inspection: Inspection, findings: str, by) -> Inspection:
    with transaction.atomic():
        inspection.findings = findings
        inspection.full_clean()
        inspection.save(update_fields=["findings"])
        audit(AuditAction.UPDATE, actor=by, obj=inspection, branch_id=inspection.branch_id)
    return inspection


def inspection_pdf(*, inspection: Inspection) -> bytes:
    """The inspection as stored: generated when and by whom the snapshot was made, so the
    stored PDF and a regeneration are the same bytes."""
    from members.pdf import render_pdf

    return render_pdf(
        "pdf/inspection.html",
        {
            "inspection": inspection,
            "data": inspection.data,
            "half_label": inspection.half_label,
            "charts": inspection_charts(inspection.data),
        },
        generated_by=inspection.generated_by,
        generated_at=inspection.generated_at,
    )


def inspection_scheduled(*, branch: Branch, half: str, today: date) -> Inspection | None:
    """The scheduled inspection of a half: made once (a second run finds it), PDF stored."""
    if Inspection.objects.filter(
        branch=branch, half=half, trigger=InspectionTrigger.SCHEDULE
    ).exists():
        return None
    try:
        inspection = inspection_generate(
            branch=branch, half=half, trigger=InspectionTrigger.SCHEDULE, today=today
        )
    except (IntegrityError, ValidationError):
        return None  # another worker made it at the same moment
    inspection.pdf.save(
        f"inspection-{branch.pk}-{half}-v{inspection.version}.pdf",
        ContentFile(inspection_pdf(inspection=inspection)),
    )
    return inspection
