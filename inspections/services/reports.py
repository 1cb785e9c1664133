"""R61: semester reports saved, submitted and reviewed; their figures frozen at submission."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.audit import audit
from members.models import AuditAction, Branch, Member, NotificationKind
from members.notify import notify
from talks import obligations

from ..models import FrozenFigures, ReportStatus, Semester, SemesterReport
from ..selectors.reports import member_semester_figures

EDITABLE_REPORT = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def _branch(report: SemesterReport) -> Branch:
    """The report's branch: semester reports are written by members of a branch."""
    return cast(Branch, report.member.branch)


def report_deadline(*, semester: Semester, branch: Branch) -> date:
    return semester.end_on + timedelta(days=branch.report_deadline_days)


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
        deadline = report_deadline(semester=report.semester, branch=_branch(report))
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
                days=_branch(report).resubmission_days
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
                % {
                    "semester": report.semester.name,
                    # Set above: the report was returned.
                    "due": cast(date, report.resubmit_due_on).isoformat(),
                }
            ),
            link=reverse("inspections:report_mine", args=[report.semester_id]),
        )
    return report
