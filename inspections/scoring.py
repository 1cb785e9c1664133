"""R64: the assessment score, its band and the basic condition (documented in docs/assessment.md).

Pure functions of a member's figures (talks/obligations.Figures.as_dict()), the branch weights
and the report status, so the member's running score, the secretary's page and the PDF all
show the same number.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .models import Grade, ReportStatus

# Opinions conveyed per semester that count as full marks; five-leads activities likewise.
OPINION_TARGET = 1
LEADS_TARGET = 2
# Lower bound of each band, highest first.
BANDS = [(90, Grade.EXCELLENT), (75, Grade.QUALIFIED), (60, Grade.BASIC), (0, Grade.UNQUALIFIED)]
REPORT_RATES = {ReportStatus.ACCEPTED: 1.0, ReportStatus.SUBMITTED: 0.5}
RATE_KEYS = ("months", "musttalks", "opinions", "leads", "report")


def rates(figures: dict, report_status: str | None) -> dict[str, float]:
    """Each rate is between 0 and 1; nothing due counts as fully met."""
    completion = figures.get("completion_rate")
    due = (
        figures.get("musttalk_on_time", 0)
        + figures.get("musttalk_late", 0)
        + figures.get("musttalk_overdue", 0)
    )
    return {
        "months": 1.0 if completion is None else float(completion),
        "musttalks": figures.get("musttalk_on_time", 0) / due if due else 1.0,
        "opinions": min(1.0, figures.get("opinions_raised", 0) / OPINION_TARGET),
        "leads": min(1.0, figures.get("leads_activities", 0) / LEADS_TARGET),
        "report": REPORT_RATES.get(report_status or "", 0.0),
    }


def score(weights: dict[str, int], rate_values: dict[str, float]) -> Decimal:
    """Σ weight × rate, weights in percent (they add up to 100), rounded to one decimal."""
    total = sum(Decimal(weights[key]) * Decimal(str(rate_values[key])) for key in RATE_KEYS)
    return min(Decimal(100), total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def band(value: Decimal) -> str:
    for lower, grade in BANDS:
        if value >= lower:
            return grade
    return Grade.UNQUALIFIED


def needs_reason(grade: str, value: Decimal) -> bool:
    """A grade outside the score's band must be explained in writing."""
    return bool(grade) and grade != band(value)


def basic_condition_met(grade: str, report_status: str | None, figures: dict) -> bool:
    """Basic condition for awards and promotion: graded 优秀 or 合格, the semester report
    submitted or accepted, and no must-talk overdue."""
    return (
        grade in (Grade.EXCELLENT, Grade.QUALIFIED)
        and report_status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
        and figures.get("musttalk_overdue", 0) == 0
    )


def breakdown(weights: dict[str, int], figures: dict, report_status: str | None) -> dict:
    """Everything a page or PDF shows about a score: rates, points per part, total, band."""
    rate_values = rates(figures, report_status)
    total = score(weights, rate_values)
    parts = [
        {
            "key": key,
            "weight": weights[key],
            "rate": round(rate_values[key] * 100, 1),
            "points": round(weights[key] * rate_values[key], 1),
        }
        for key in RATE_KEYS
    ]
    return {"parts": parts, "score": total, "band": band(total)}
