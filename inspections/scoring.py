"""R64: the assessment score, its band and the basic condition (documented in docs/assessment.md).

Pure functions of a member's figures (talks/obligations.Figures.as_dict()), the branch weights
and the report status, so the member's running score, the secretary's page and the PDF all
show the same number.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .models import Grade, ReportStatus

# Opinions conveyed per semester that count as full marks; five-leads activities likewise.
OPINION_TARGET = 1
LEADS_TARGET = 2
# Lower bound of each band, highest first.
BANDS = [(90, Grade.EXCELLENT), (75, Grade.QUALIFIED), (60, Grade.BASIC), (0, Grade.UNQUALIFIED)]
REPORT_RATES = {ReportStatus.ACCEPTED: 1.0, ReportStatus.SUBMITTED: 0.5}
# One part per key: its rate in rates() and its weight in Branch.weights. A new part (R42's
# talk-confirmation rate, weight a branch setting) is a key here and a line in rates().
RATE_KEYS = ("months", "musttalks", "opinions", "leads", "report", "confirmations")


def nothing_due(figures: dict) -> bool:
    """R45/R64: no month was due in the whole semester (exempt, no assignment, not yet
    decided): the member has no rate and no computed score; the secretary grades by hand."""
    return figures.get("completion_rate") is None


def rates(figures: dict, report_status: str | None) -> dict[str, float | None]:
    """Each rate is between 0 and 1. The months rate is None when no month was due (R45: such
    months are neither met nor missed); must-talks with none due count as met."""
    completion = figures.get("completion_rate")
    due = (
        figures.get("musttalk_on_time", 0)
        + figures.get("musttalk_late", 0)
        + figures.get("musttalk_overdue", 0)
    )
    return {
        "months": None if completion is None else float(completion),
        "musttalks": figures.get("musttalk_on_time", 0) / due if due else 1.0,
        "opinions": min(1.0, figures.get("opinions_raised", 0) / OPINION_TARGET),
        "leads": min(1.0, figures.get("leads_activities", 0) / LEADS_TARGET),
        "report": REPORT_RATES.get(report_status or "", 0.0),
        # R42: records confirmed by the contact; with no record nothing was to be confirmed.
        "confirmations": 1.0
        if figures.get("confirmation_rate") is None
        else float(figures["confirmation_rate"]),
    }


def score(weights: dict[str, int], rate_values: dict[str, float | None]) -> Decimal | None:
    """Σ weight × rate, weights in percent (they add up to 100), rounded to one decimal; None
    when the months rate is None (nothing was due: not scored as if complete, R45/R64)."""
    if rate_values["months"] is None:
        return None
    total = sum(Decimal(weights.get(key, 0)) * Decimal(str(rate_values[key])) for key in RATE_KEYS)
    return min(Decimal(100), total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def band(value: Decimal | None) -> str | None:
    """The grade band of a score; None without a computed score."""
    if value is None:
        return None
    for lower, grade in BANDS:
        if value >= lower:
            return grade
    return Grade.UNQUALIFIED


def band_label(value: Decimal | None) -> str:
    """The band's name, or "" without a computed score."""
    grade = band(value)
    return "" if grade is None else str(Grade(grade).label)


def needs_reason(grade: str, value: Decimal | None) -> bool:
    """A grade outside the score's band must be explained in writing (without a score there
    is no band: the secretary's grade stands on its own)."""
    return bool(grade) and value is not None and grade != band(value)


def basic_condition_met(grade: str, report_status: str | None, figures: dict) -> bool:
    """Basic condition for awards and promotion: graded 优秀 or 合格, the semester report
    submitted or accepted, no must-talk overdue, and no standing 师德 concern (R48)."""
    return (
        grade in (Grade.EXCELLENT, Grade.QUALIFIED)
        and report_status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
        and figures.get("musttalk_overdue", 0) == 0
        and not figures.get("ethics_concern", False)
    )


class Condition:
    """What a page or PDF says of the basic condition (R64)."""

    MET = "met"
    NOT_MET = "not_met"
    UNDECIDED = "undecided"  # not graded yet, or the semester not over: never a ✗ for all


def condition(assessment, today) -> str:
    """MET / NOT_MET once the semester is over and the member graded; UNDECIDED before."""
    if not assessment.grade or today <= assessment.semester.end_on:
        return Condition.UNDECIDED
    return Condition.MET if assessment.basic_condition_met else Condition.NOT_MET


def breakdown(weights: dict[str, int], figures: dict, report_status: str | None) -> dict:
    """Everything a page or PDF shows about a score: rates, points per part, total, band.
    A part without a rate (months with nothing due) shows none."""
    rate_values = rates(figures, report_status)
    total = score(weights, rate_values)
    parts = [
        {
            "key": key,
            "weight": weights.get(key, 0),
            "rate": None if rate_values[key] is None else round(rate_values[key] * 100, 1),
            "points": None
            if rate_values[key] is None
            else round(weights.get(key, 0) * rate_values[key], 1),
        }
        for key in RATE_KEYS
    ]
    return {
        "parts": parts,
        "score": total,
        "band": band(total),
        "nothing_due": nothing_due(figures),
    }


def formula(weights: dict[str, int]) -> list[dict]:
    """The score formula with a branch's own weights, as the 考核 page and the assessment PDF
    explain it to their readers (who cannot open docs/assessment.md): each part with a weight,
    its name and how its rate is counted."""
    how = {
        "months": (
            _("Monthly talks and work reports"),
            _("months complete ÷ months due; a month with only one of the two counts half"),
        ),
        "musttalks": (
            _("Must-talk events"),
            _("talks held within the deadline ÷ events due; none due counts as full"),
        ),
        "opinions": (
            _("Opinions conveyed"),
            _("%(count)s opinion or request conveyed in the semester is full")
            % {"count": OPINION_TARGET},
        ),
        "leads": (
            _("Five-leads activities"),
            _("%(count)s activities recorded in the semester are full") % {"count": LEADS_TARGET},
        ),
        "report": (
            _("Semester report"),
            _("accepted counts 1, submitted but not yet accepted ½, not submitted 0"),
        ),
        "confirmations": (
            _("Records confirmed by the contact"),
            _("records the contact confirmed ÷ records; none recorded counts as full"),
        ),
    }
    return [
        {"key": key, "weight": weights.get(key, 0), "label": how[key][0], "how": how[key][1]}
        for key in RATE_KEYS
        if weights.get(key, 0)
    ]
