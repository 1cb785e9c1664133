"""R410: a member's handbook (党员工作手册): all their liaison records of a period, grouped by
contact and month with the month states, as a page and as a PDF.

Semesters are rows of inspections (above talks), so the period comes as ?start=&end= dates; the
semester pages link here with a semester's dates. Without them: the school half-year of today.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import Assignment, AssistanceRecord, can_read_record_text
from members import access
from members.audit import audit, audit_contacts
from members.downloads import download_name
from members.form_fields import BoundedDate
from members.models import AuditAction, FiveLeadActivity, Member
from members.pdf import pdf_response, render_pdf

from . import obligations
from .models import MustTalkEvent, Opinion, Symposium, TalkLog

MAX_PERIOD_DAYS = 400


def default_period(today: date) -> tuple[date, date]:
    """The school half-year containing today: September–January or February–August."""
    if today.month >= 9:
        return date(today.year, 9, 1), date(today.year + 1, 1, 31)
    if today.month == 1:
        return date(today.year - 1, 9, 1), date(today.year, 1, 31)
    return date(today.year, 2, 1), date(today.year, 8, 31)


class PeriodForm(forms.Form):
    # A period may reach past today (a semester's end); it never starts before 2000.
    start = BoundedDate(label=gettext_lazy("From"), not_future=False)
    end = BoundedDate(label=gettext_lazy("To"), not_future=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.field_class = ""
        # crispy's Submit is already btn-primary: an outline class on top gave grey on blue.
        self.helper.add_input(Submit("show", gettext_lazy("Show"), css_class="btn-party"))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end is before the start."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", _("Choose a period of at most one school year."))
        return data


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
        member = access.branch_member(user)
        if member is None:
            raise Http404
        return member
    return access.get_visible_or_404(Member.objects.select_related("branch"), user, pk=member_pk)


def handbook_context(user, member: Member, start: date, end: date) -> dict:
    """Sections per assignment (contact), months in order with their R45 state and entries,
    then every other liaison record of the period (R410): assistance to hardship contacts,
    must-talk events and how each closed, opinions relayed and their outcome, five-leads
    activities, symposiums attended. Confidential text only for those RULES.md allows.

    Eight queries whatever the number of contacts and records.
    """
    today = timezone.localdate()
    months = [m for m in obligations.months_between(start, end) if m <= obligations.Month.of(today)]
    states = obligations.assignment_month_states(Assignment.objects.filter(member=member), months)
    by_month: dict[tuple[int, obligations.Month], list] = defaultdict(list)
    confidential_contacts: set[int] = set()  # whose confidential text this page shows
    for talk in (
        TalkLog.objects.visible_to(user)
        .filter(member=member, date__range=(start, end))
        .select_related("contact", "must_talk_event")
        .order_by("date", "pk")
    ):
        talk.member = member
        talk.text_visible = can_read_record_text(user, talk)
        if talk.text_visible and talk.confidential:
            confidential_contacts.add(talk.contact_id)
        by_month[(talk.assignment_id, obligations.Month.of(talk.date))].append(talk)
    sections = []
    for assignment, month_states in sorted(
        states.items(), key=lambda item: (item[0].contact.name, item[0].started_on)
    ):
        sections.append(
            {
                "assignment": assignment,
                "contact": assignment.contact,
                "months": [
                    {
                        "month": month,
                        "state": obligations.decided(month, state, today),
                        "talks": by_month.get((assignment.pk, month), []),
                    }
                    for month, state in sorted(month_states.items())
                ],
            }
        )
    records = _other_records(user, member, start, end, today)
    return {
        "member": member,
        "start": start,
        "end": end,
        "sections": sections,
        **records,
        "confidential_shown": bool(confidential_contacts | records["confidential_records"]),
        # Each read is audited with its contact, for the secretary's per-contact audit page.
        "confidential_contacts": sorted(confidential_contacts | records["confidential_records"]),
        "own": member.user_id == user.pk,
    }


def _other_records(user, member: Member, start: date, end: date, today: date) -> dict:
    """R410's records besides talks, each list in one query."""
    shown: set[int] = set()  # contacts whose confidential text is shown
    assistance = list(
        AssistanceRecord.objects.visible_to(user)
        .filter(author=member, date__range=(start, end))
        .select_related("contact")
        .order_by("date", "pk")
    )
    for row in assistance:  # R32: what was given and its result are confidential
        row.author = member
        row.text_visible = can_read_record_text(user, row)
        if row.text_visible:
            shown.add(row.contact_id)
    events = list(
        MustTalkEvent.objects.visible_to(user)
        .filter(member=member, occurred_on__range=(start, end))
        .select_related("contact", "closing_talk")
        .order_by("occurred_on", "pk")
    )
    for event in events:
        event.state = obligations.event_state(event, today)
        event.text_visible = can_read_record_text(user, event)
        if event.note and event.text_visible and event.confidential:
            shown.add(event.contact_id)
    return {
        "assistance": assistance,
        "events": events,
        "opinions": list(
            Opinion.objects.visible_to(user)
            .filter(conveyed_by=member, received_on__range=(start, end))
            .order_by("received_on", "pk")
        ),
        "leads": list(
            FiveLeadActivity.objects.visible_to(user)
            .filter(member=member, date__range=(start, end))
            .order_by("date", "pk")
        ),
        "symposiums": list(
            Symposium.objects.visible_to(user)
            .filter(members_attended=member, held_on__range=(start, end))
            .order_by("held_on", "pk")
        ),
        "confidential_records": shown,
    }


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
