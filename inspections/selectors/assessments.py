"""R64 reads: the running score of a member, the assessments of a semester, the school summary
and the context of the assessment PDF.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from django.utils import timezone

from inspections import scoring
from members.models import Branch, Member
from members.pinyin import sorted_by_pinyin

from ..charts import assessment_charts
from ..models import (
    Assessment,
    EthicsKind,
    EthicsNote,
    Grade,
    ReportStatus,
    Semester,
    SemesterReport,
)
from .reports import member_semester_figures, semester_figures


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
    branch = cast(Branch, member.branch)  # reports and scores are of members of a branch
    return {"figures": figures, **scoring.breakdown(branch.weights, figures, status)}


def assessments_of(*, semester: Semester, branches) -> list[Assessment]:
    """The stored assessments of the active members of `branches` (a read: what the page shows)."""
    rows = Assessment.objects.filter(
        semester=semester, member__in=Member.objects.active().filter(branch__in=branches)
    ).select_related("member__branch")
    # Members of `branches`: each has a branch.
    return sorted(rows, key=lambda a: (cast(Branch, a.member.branch).name, a.member.name))


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
