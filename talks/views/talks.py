"""The member's pages: my page, my records, logging, editing and deleting a talk (R45)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contacts.models import Contact
from members import access
from members.audit import audit
from members.forms import apply_validation_error
from members.models import AuditAction
from members.pinyin import sorted_by_pinyin
from members.web import id_param, paginate
from talks.services import talks as talk_services

from .. import selectors
from ..forms.talks import Kind, TalkLogForm
from ..models import MustTalkEvent, OpinionSource, TalkLog
from ..selectors import my_page_context


@login_required
def my_page(request):
    return render(request, "talks/my_page.html", my_page_context(request.user))


@login_required
def my_records(request):
    """Every record the member wrote, newest first: filtered by contact, dates and text, a page
    at a time (one COUNT and one page of rows, whatever the number of records)."""
    member = access.member_or_404(request.user)
    filters = selectors.record_filters(request.GET)
    talks = selectors.filter_records(
        TalkLog.objects.filter(member=member).select_related("contact"), filters
    )
    page = paginate(request, talks.order_by("-date", "-pk"))
    contacts = Contact.objects.filter(
        pk__in=TalkLog.objects.filter(member=member).values("contact_id")
    )
    return render(
        request,
        "talks/my_records.html",
        {"page": page, "filters": filters, "contacts": sorted_by_pinyin(contacts)},
    )


def talk_for_author(user, pk: int) -> TalkLog:
    """Only the author opens an entry here; anyone else (other members too) gets 404."""
    talk = access.get_visible_or_404(
        TalkLog.objects.select_related(
            "contact", "member__branch", "assignment", "must_talk_event"
        ),
        user,
        pk=pk,
        member__user=user,
    )
    return talk


def _service_kwargs(form: TalkLogForm) -> dict:
    data = form.cleaned_data
    return {
        "date": data["date"],
        "place": data["place"],
        "content": data["content"],
        "observation": data["observation"],
        "must_talk_event": data["must_talk_event"],
        **form.flags,
    }


@login_required
@require_http_methods(["GET", "POST"])
def talk_create(request):
    member = access.member_or_404(request.user)
    if request.method == "POST":
        form = TalkLogForm(request.POST, member=member)
        if form.is_valid():
            try:
                talk = talk_services.talk_log_record(
                    member=member,
                    assignment=form.assignment,
                    opinions=form.cleaned_data["opinions"],
                    submission_token=form.cleaned_data["submission_token"],
                    by=request.user,
                    **_service_kwargs(form),
                )
            except talk_services.TalkTypedTwice as twice:
                messages.warning(
                    request,
                    _(
                        "This talk was already saved at %(time)s: here it is. It was not saved "
                        "a second time."
                    )
                    % {"time": timezone.localtime(twice.talk.created_at).strftime("%H:%M")},
                )
                return redirect("talks:talk_detail", pk=twice.talk.pk)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The talk is recorded in your handbook."))
                return redirect("talks:talk_detail", pk=talk.pk)
    else:
        form = TalkLogForm(member=member, initial=_talk_initial(request, member))
    return render(request, "talks/talk_form.html", {"form": form, "talk": None})


def _talk_initial(request, member) -> dict:
    """?contact=<pk>, or ?event=<pk> from a must-talk event: that event and its contact chosen,
    and the record a talk (only a talk closes it)."""
    event_id = id_param(request.GET.get("event"))
    if event_id is not None:
        event = MustTalkEvent.objects.open().filter(member=member, pk=event_id).first()
        if event is not None:
            return {"contact": event.contact_id, "must_talk_event": event.pk, "kind": Kind.TALK}
    return {"contact": id_param(request.GET.get("contact"))}


@login_required
def talk_detail(request, pk: int):
    talk = talk_for_author(request.user, pk)
    if talk.is_confidential():
        audit(
            AuditAction.VIEW_CONFIDENTIAL,
            actor=request.user,
            obj=talk,
            branch_id=talk.member.branch_id,
            contact_id=talk.contact_id,
        )
    return render(
        request,
        "talks/talk_detail.html",
        {
            "talk": talk,
            "editable": talk.is_editable_on(timezone.localdate()),
            # R42: what the contact wrote when confirming goes to the secretary, not the member.
            "opinions": list(talk.opinions.exclude(source=OpinionSource.CONFIRMATION)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def talk_edit(request, pk: int):
    talk = talk_for_author(request.user, pk)
    if not talk.is_editable_on(timezone.localdate()):
        messages.error(
            request, _("This record can no longer be changed: the handbook is a record.")
        )
        return redirect("talks:talk_detail", pk=talk.pk)
    initial = {
        "contact": talk.contact_id,
        "date": talk.date,
        "place": talk.place,
        "kind": Kind.of(talk),
        "content": talk.content,
        "aspects": [v for v in ("thought", "life", "work") if getattr(talk, f"about_{v}")],
        "explains_policy": talk.explains_policy,
        "is_criticism": talk.is_criticism,
        "observation": talk.observation,
        "must_talk_event": talk.must_talk_event_id,
    }
    if request.method == "POST":
        form = TalkLogForm(request.POST, member=talk.member, talk=talk, initial=initial)
        if form.is_valid():
            try:
                talk_services.talk_log_update(talk=talk, by=request.user, **_service_kwargs(form))
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The record is updated."))
                return redirect("talks:talk_detail", pk=talk.pk)
    else:
        form = TalkLogForm(member=talk.member, talk=talk, initial=initial)
    if talk.is_confidential():
        # The form shows the confidential text again (finding 5): audited like the detail page.
        audit(
            AuditAction.VIEW_CONFIDENTIAL,
            actor=request.user,
            obj=talk,
            branch_id=talk.member.branch_id,
            contact_id=talk.contact_id,
        )
    return render(request, "talks/talk_form.html", {"form": form, "talk": talk})


@login_required
@require_http_methods(["GET", "POST"])
def talk_delete(request, pk: int):
    talk = talk_for_author(request.user, pk)
    if not talk.is_editable_on(timezone.localdate()):
        messages.error(
            request, _("This record can no longer be changed: the handbook is a record.")
        )
        return redirect("talks:talk_detail", pk=talk.pk)
    if request.method == "POST":
        try:
            talk_services.talk_log_delete(talk=talk, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("talks:talk_detail", pk=talk.pk)
        messages.success(request, _("The record is deleted."))
        return redirect("talks:my_page")
    return render(request, "talks/talk_confirm_delete.html", {"talk": talk})
