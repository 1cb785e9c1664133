"""R52: a symposium's minutes as a PDF for the branch's files (issue 18), read by whoever reads
the symposium; every download is audited like any other file handed out."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from members import access
from members.audit import audit
from members.downloads import download_name
from members.models import AuditAction
from members.pdf import pdf_response, person_name, render_pdf
from members.pinyin import sorted_by_pinyin

from .models import Symposium


@login_required
def symposium_pdf(request, pk: int):
    symposium = access.get_visible_or_404(
        Symposium.objects.select_related("branch", "recorded_by__member"), request.user, pk=pk
    )
    pdf = render_pdf(
        "pdf/symposium.html",
        {
            "symposium": symposium,
            "opinions": list(symposium.opinions.order_by("pk")),
            "members_attended": sorted_by_pinyin(symposium.members_attended.all()),
            "recorder": person_name(symposium.recorded_by) if symposium.recorded_by else "",
        },
        generated_by=request.user,
    )
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=symposium,
        branch_id=symposium.branch_id,
        object_repr=f"symposium minutes PDF {symposium.held_on}",
    )
    return pdf_response(
        pdf,
        download_name(
            symposium.branch.name,
            symposium.held_on.isoformat(),
            _("symposium minutes"),
            ext="pdf",
        ),
    )
