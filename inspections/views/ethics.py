"""R48: the secretary's 师德 commendations and concerns about the branch's members.

Confidential like R32: the text is read only by its author and the branch's secretary (never
admins or leaders, who see in the assessment only whether a concern stands, R64); every page
that shows text writes an audit row. A concern stands until the secretary lifts it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members import access
from members.audit import audit
from members.models import AuditAction

from ..forms import EthicsNoteForm
from ..models import EthicsNote
from ..services.ethics import ethics_note_lift, ethics_note_record


@login_required
@require_http_methods(["GET", "POST"])
def ethics_list(request):
    """The branch's notes with their text (the secretary only) and the form to add one."""
    branch_id = access.secretary_branch_or_403(request.user)
    form = EthicsNoteForm(request.POST or None, branch=branch_id)
    if request.method == "POST" and form.is_valid():
        ethics_note_record(
            member=form.cleaned_data["member"],
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            recorded_on=form.cleaned_data["recorded_on"],
            by=request.user,
        )
        messages.success(request, _("The note is recorded."))
        return redirect("inspections:ethics_list")
    notes = list(
        EthicsNote.objects.filter(member__branch_id=branch_id)
        .select_related("member__branch")
        .order_by("-recorded_on", "-pk")
    )
    if notes:
        audit(
            AuditAction.VIEW_CONFIDENTIAL,
            actor=request.user,
            obj=notes[0].member.branch,
            branch_id=branch_id,
            object_repr="ethics notes",
            details={"notes": [n.pk for n in notes]},
        )
    return render(request, "inspections/ethics_list.html", {"notes": notes, "form": form})


@login_required
@require_POST
def ethics_lift(request, pk: int):
    branch_id = access.secretary_branch_or_403(request.user)
    note = get_object_or_404(
        EthicsNote.objects.select_related("member"), pk=pk, member__branch_id=branch_id
    )
    try:
        ethics_note_lift(note=note, lifted_on=timezone.localdate(), by=request.user)
        messages.success(request, _("The concern is lifted."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("inspections:ethics_list")
