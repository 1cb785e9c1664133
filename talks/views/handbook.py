"""R410: a member's handbook (党员工作手册): all their liaison records of a period, grouped by
contact and month with the month states, as a page and as a PDF.

Semesters are rows of inspections (above talks), so the period comes as ?start=&end= dates; the
semester pages link here with a semester's dates. Without them: the school half-year of today.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from members import access
from members.audit import audit, audit_contacts
from members.models import AuditAction, Member
from members.pdf import pdf_response, render_pdf
from members.web import download_name

from ..forms.talks import PeriodForm, default_period
from ..selectors import handbook_context


def _period(request) -> tuple[PeriodForm, date, date]:
    start, end = default_period(timezone.localdate())
    if "start" in request.GET or "end" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        form = PeriodForm(initial={"start": start, "end": end})
    return form, start, end


def handbook_member(user, member_pk: int | None) -> Member:
    """Your own handbook, or (secretary, leader, admin) one of the members you oversee."""
    if member_pk is None:
        return access.member_or_404(user)
    return access.get_visible_or_404(Member.objects.select_related("branch"), user, pk=member_pk)


def _audit_reads(user, member: Member, context: dict, what: str) -> None:
    """One view_confidential row per contact whose confidential text the handbook shows."""
    audit_contacts(
        AuditAction.VIEW_CONFIDENTIAL,
        actor=user,
        obj=member,
        branch_id=member.branch_id,
        contact_ids=context["confidential_contacts"],
        object_repr=what,
    )


@login_required
def handbook(request, member_pk: int | None = None):
    member = handbook_member(request.user, member_pk)
    form, start, end = _period(request)
    context = handbook_context(request.user, member, start, end)
    _audit_reads(request.user, member, context, f"handbook {start}..{end}")
    return render(request, "talks/handbook.html", {**context, "form": form})


@login_required
def handbook_pdf(request, member_pk: int | None = None):
    member = handbook_member(request.user, member_pk)
    _form, start, end = _period(request)
    context = handbook_context(request.user, member, start, end)
    pdf = render_pdf("pdf/handbook.html", context, generated_by=request.user)
    _audit_reads(request.user, member, context, f"handbook PDF {start}..{end}")
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=member,
        branch_id=member.branch_id,
        object_repr=f"handbook PDF {start}..{end}",
        details={"confidential": context["confidential_shown"]},
    )
    return pdf_response(
        pdf,
        download_name(
            member.branch.name if member.branch_id else "",
            member.name,
            _("%(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()},
            _("Party member's work handbook"),
            ext="pdf",
        ),
    )
