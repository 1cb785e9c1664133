"""R48: the secretary's 师德 commendations and concerns about the branch's members.

Confidential like R32: the text is read only by its author and the branch's secretary (never
admins or leaders, who see in the assessment only whether a concern stands, R64); every page
that shows text writes an audit row. A concern stands until the secretary lifts it.
"""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from members import access
from members.audit import audit
from members.form_fields import PastDate, Text
from members.models import AuditAction, Member
from members.pinyin import by_pinyin

from .models import EthicsKind, EthicsNote


def may_read(user, note: EthicsNote) -> bool:
    """RULES.md: a 师德 note's text is read by its author and the member's branch secretary."""
    return access.is_active_user(user) and (
        note.recorded_by_id == user.pk or access.is_secretary_of(user, note.member.branch_id)
    )


def ethics_note_record(
    *, member: Member, kind: str, text: str, recorded_on: date, by
) -> EthicsNote:
    if not access.is_secretary_of(by, member.branch_id):
        raise PermissionDenied
    with transaction.atomic():
        note = EthicsNote(
            member=member, kind=kind, text=text, recorded_on=recorded_on, recorded_by=by
        )
        note.full_clean()
        note.save()
        audit(AuditAction.CREATE, actor=by, obj=note, branch_id=member.branch_id)
    return note


def ethics_note_lift(*, note: EthicsNote, lifted_on: date, by) -> EthicsNote:
    """The concern no longer stands (the basic condition is judged without it again)."""
    if not access.is_secretary_of(by, note.member.branch_id):
        raise PermissionDenied
    if note.kind != EthicsKind.CONCERN or note.lifted_on is not None:
        raise ValidationError(_("Only a standing concern can be lifted."))
    with transaction.atomic():
        note.lifted_on = lifted_on
        note.full_clean()
        note.save(update_fields=["lifted_on"])
        audit(
            AuditAction.UPDATE,
            actor=by,
            obj=note,
            branch_id=note.member.branch_id,
            details={"lifted_on": lifted_on.isoformat()},
        )
    return note


class EthicsNoteForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("Member"), queryset=Member.objects.none())
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=EthicsKind.choices, widget=forms.RadioSelect
    )
    recorded_on = PastDate(label=gettext_lazy("Date"))
    text = Text(
        label=gettext_lazy("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, branch, **kwargs):
        """`branch`: the secretary's branch (a Branch or its id)."""
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        by_pinyin(self.fields["member"]).queryset = Member.objects.active().filter(branch=branch)
        self.helper = FormHelper()
        self.helper.form_id = "ethics-note-form"
        self.helper.add_input(Submit("save", gettext_lazy("Record"), css_class="btn-party"))

    def clean_recorded_on(self) -> date:
        day = self.cleaned_data["recorded_on"]
        if day > self.today:
            raise ValidationError(_("The date cannot be in the future."))
        return day


def _secretary_branch(user) -> int:
    branch_id = access.secretary_branch_id(user)
    if branch_id is None or not access.is_secretary_of(user, branch_id):
        raise PermissionDenied
    return branch_id


@login_required
@require_http_methods(["GET", "POST"])
def ethics_list(request):
    """The branch's notes with their text (the secretary only) and the form to add one."""
    branch_id = _secretary_branch(request.user)
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
    branch_id = _secretary_branch(request.user)
    note = get_object_or_404(
        EthicsNote.objects.select_related("member"), pk=pk, member__branch_id=branch_id
    )
    try:
        ethics_note_lift(note=note, lifted_on=timezone.localdate(), by=request.user)
        messages.success(request, _("The concern is lifted."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("inspections:ethics_list")
