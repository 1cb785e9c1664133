"""R62 pages: the inspections a person may read, one inspection with its findings, its PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.selectors import inspections as inspection_selectors
from inspections.services import inspections as inspection_services
from members import access
from members.audit import audit
from members.models import AuditAction, Branch
from members.pdf import pdf_response
from members.web import id_param

from ..charts import inspection_charts
from ..forms import FindingsForm, GenerateInspectionForm
from ..models import Inspection


@login_required
def inspection_list(request):
    rows = Inspection.objects.visible_to(request.user).select_related("branch")
    branch_id = access.secretary_branch_id(request.user)
    if access.is_admin(request.user) and id_param(request.GET.get("branch")) is not None:
        branch_id = id_param(request.GET["branch"])
    can_generate = branch_id is not None and access.can_manage_branch(request.user, branch_id)
    form = GenerateInspectionForm(
        request.POST or None,
        initial={"half": inspection_selectors.half_before(timezone.localdate())},
    )
    if request.method == "POST":
        if not can_generate:
            raise PermissionDenied
        if form.is_valid():
            inspection = inspection_services.inspection_generate(
                branch=get_object_or_404(Branch, pk=branch_id),
                half=form.cleaned_data["half"],
                by=request.user,
            )
            return redirect("inspections:inspection_detail", inspection.pk)
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "inspections": rows.defer("data")[:200],
            "form": form if can_generate else None,
        },
    )


@login_required
def inspection_detail(request, pk: int):
    inspection = access.get_visible_or_404(
        Inspection.objects.select_related("branch"), request.user, pk=pk
    )
    can_edit = access.can_manage_branch(request.user, inspection.branch_id)
    form = FindingsForm(request.POST or None, instance=inspection)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            inspection_services.inspection_set_findings(
                inspection=inspection, findings=form.cleaned_data["findings"], by=request.user
            )
            messages.success(request, _("Findings saved."))
            return redirect("inspections:inspection_detail", inspection.pk)
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "data": inspection.data,
            "charts": inspection_charts(inspection.data),
            "form": form if can_edit else None,
        },
    )


@login_required
def inspection_pdf(request, pk: int):
    inspection = access.get_visible_or_404(
        Inspection.objects.select_related("branch"), request.user, pk=pk
    )
    pdf = inspection_services.inspection_pdf(inspection=inspection)
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=inspection,
        branch_id=inspection.branch_id,
        object_repr=f"inspection PDF {inspection.half} v{inspection.version}",
    )
    return pdf_response(pdf, inspection.file_name())
