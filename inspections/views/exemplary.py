"""Exemplary cases (R63): the list every member reads, a case, the secretary's form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inspections.services import branches as branch_services
from members import access

from ..forms import ExemplaryCaseForm
from ..models import ExemplaryCase


@login_required
def exemplary_list(request):
    """R63: every member reads the published cases; a secretary also sees the branch's drafts."""
    cases = list(
        ExemplaryCase.objects.visible_to(request.user).select_related("branch", "member")[:200]
    )
    return render(
        request,
        "inspections/exemplary_list.html",
        {"cases": cases, "can_add": access.secretary_branch_id(request.user) is not None},
    )


@login_required
def exemplary_detail(request, pk: int):
    case = access.get_visible_or_404(
        ExemplaryCase.objects.select_related("branch", "member"), request.user, pk=pk
    )
    return render(
        request,
        "inspections/exemplary_detail.html",
        {"case": case, "can_edit": access.can_manage_branch(request.user, case.branch_id)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def exemplary_edit(request, pk: int | None = None):
    """The secretary records a case of their branch (or changes one)."""
    case = None
    if pk is not None:
        case = access.get_visible_or_404(ExemplaryCase.objects, request.user, pk=pk)
        branch = access.managed_branch_or_404(request.user, case.branch_id)
    else:
        branch_id = access.secretary_branch_id(request.user)
        if branch_id is None:
            raise PermissionDenied
        branch = access.managed_branch_or_404(request.user, branch_id)
    form = ExemplaryCaseForm(request.POST or None, instance=case, branch=branch)
    if request.method == "POST" and form.is_valid():
        saved = branch_services.exemplary_case_save(
            branch=branch,
            values=form.cleaned_data,
            by=request.user,
            case=ExemplaryCase.objects.get(pk=case.pk) if case else None,
        )
        messages.success(request, _("The exemplary case is saved."))
        return redirect("inspections:exemplary_detail", pk=saved.pk)
    return render(request, "inspections/exemplary_form.html", {"form": form, "case": case})
