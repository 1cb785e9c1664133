"""R62: the half-yearly inspection generated (by the secretary, or on schedule), its findings,
and its PDF.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from members.audit import audit
from members.models import AuditAction, Branch, Member
from members.pdf import render_pdf

from ..charts import inspection_charts
from ..models import FrozenFigures, Inspection, InspectionTrigger, Semester
from ..selectors.inspections import half_bounds, inspection_data
from .reports import figures_freeze


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
