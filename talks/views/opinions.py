"""The branch's opinion queue (R43): the list with its filters, an opinion and its status
changes, opinions typed in from the paper box.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members import access
from members.forms import apply_validation_error
from members.web import paginate
from talks.services import opinions as opinion_services

from .. import selectors
from ..forms.opinions import BoxOpinionForm, OpinionStatusForm
from ..models import Opinion, OpinionSource, OpinionStatus


def _opinion_row(opinion: Opinion, today) -> dict:
    end = timezone.localdate(opinion.answered_at) if opinion.answered_at else today
    return {
        "opinion": opinion,
        "days": (end - opinion.received_on).days,
        "past_due": opinion.status != OpinionStatus.ANSWERED and today > opinion.due_on,
        "answered_late": opinion.answered_at is not None and end > opinion.due_on,
        "raised_by": opinion.raised_by_name or (opinion.contact.name if opinion.contact else ""),
    }


@login_required
def opinion_queue(request):
    """R43: the queue, open ones first by age; a tab (?status=), a source and a search, 50 a
    page (talks.selectors: the Excel export reads the same filters). Committee: read-only."""
    branch = access.readable_branch(request)
    filters = selectors.opinion_filters(request.GET)
    opinions = selectors.filter_opinions(
        Opinion.objects.visible_to(request.user)
        .filter(branch=branch)
        .select_related("contact", "conveyed_by")
        .order_by("received_on", "pk"),
        filters,
    )
    page = paginate(request, opinions)
    today = timezone.localdate()
    return render(
        request,
        "talks/branch_opinions.html",
        {
            "branch": branch,
            "rows": [_opinion_row(o, today) for o in page.object_list],
            "page": page,
            "filters": filters,
            "status": filters["status"],
            "statuses": selectors.opinion_statuses(),
            "sources": OpinionSource.choices,
            "can_manage": access.can_manage_branch(request.user, branch.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opinion_detail(request, pk: int):
    """The secretary (or admin) changes the status; the branch's committee members only read."""
    opinion = access.get_visible_or_404(
        Opinion.objects.select_related("contact", "conveyed_by", "talk", "symposium"),
        request.user,
        pk=pk,
    )
    can_manage = access.can_manage_branch(request.user, opinion.branch_id)
    if not can_manage and not access.is_committee_of(request.user, opinion.branch_id):
        raise Http404
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = OpinionStatusForm(request.POST or None, current=opinion.status)
    if request.method == "POST" and form.is_valid():
        try:
            opinion_services.opinion_status_change(
                opinion=opinion, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The opinion's status is changed."))
            return redirect("talks:opinion_detail", pk=opinion.pk)
    return render(
        request,
        "talks/branch_opinion_detail.html",
        {
            "row": _opinion_row(opinion, timezone.localdate()),
            "opinion": opinion,
            "changes": list(opinion.changes.select_related("by")),
            "form": form if can_manage and form.fields["to_status"].choices else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opinion_box_create(request):
    branch = access.managed_branch(request)
    form = BoxOpinionForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        opinion = opinion_services.opinion_box_record(
            branch=branch, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("The opinion is in the queue."))
        return redirect("talks:opinion_detail", pk=opinion.pk)
    return render(request, "talks/branch_form.html", {"form": form, "title": _("Opinion box")})
