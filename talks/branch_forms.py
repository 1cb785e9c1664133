"""The secretary's and leader's forms of talks: opinion queue (R43), symposiums (R52), leaders'
visits and briefings (R54)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from members.form_fields import PastDate, Text
from members.forms import checked_upload
from members.models import Member
from members.pinyin import by_pinyin

from .branch_services import NEXT_STATUSES
from .models import OpinionStatus, VisitKind

OPINIONS_MAX_LINES = 50
ATTACHMENTS_MAX = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): cleans to a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _helper(label, form_id: str) -> FormHelper:
    helper = FormHelper()
    helper.form_id = form_id
    helper.attrs = {"data-once": ""}
    helper.add_input(Submit("save", label, css_class="btn-party"))
    return helper


class OpinionStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    note = Text(label=_("Note"), max_length=500, required=False)
    answer = Text(
        label=_("Answer to the person"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the status becomes “answered”: it closes the loop."),
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (s, OpinionStatus(s).label) for s in NEXT_STATUSES[current]
        ]
        self.helper = _helper(_("Change status"), "opinion-status-form")

    def clean(self):
        data = super().clean()
        if data.get("to_status") == OpinionStatus.ANSWERED and not data.get("answer", "").strip():
            self.add_error("answer", _("Write the answer given to the person who raised it."))
        return data


class BoxOpinionForm(forms.Form):
    """An opinion from the opinion box, entered by the secretary."""

    received_on = PastDate(label=_("Received on"))
    raised_by_name = Text(label=_("Raised by (if known)"), max_length=60, required=False)
    content = Text(
        label=_("Opinion or request"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Add to the queue"), "box-opinion-form")


def opinion_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > OPINIONS_MAX_LINES:
        raise forms.ValidationError(
            _("At most %(n)s opinions at a time.") % {"n": OPINIONS_MAX_LINES}
        )
    if any(len(line) > 2000 for line in lines):
        raise forms.ValidationError(_("Each opinion must be at most 2000 characters."))
    return lines


class SymposiumForm(forms.Form):
    held_on = PastDate(label=_("Date"))
    topic = Text(label=_("Topic"), max_length=200)
    party_representatives = forms.IntegerField(
        label=_("Representatives of democratic parties"), min_value=0, max_value=500, initial=0
    )
    masses_representatives = forms.IntegerField(
        label=_("Representatives of the masses"), min_value=0, max_value=500, initial=0
    )
    members_present = forms.IntegerField(
        label=_("Party members"), min_value=0, max_value=500, initial=0
    )
    participants = Text(
        label=_("Participants"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # R410: ticked members find the symposium in their handbook.
    members_attended = forms.ModelMultipleChoiceField(
        label=_("Members of the branch who attended"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = Text(
        label=_("Minutes"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    opinions = Text(
        label=_("Opinions or requests raised"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; each goes to the branch's opinion queue."),
    )

    # Photos, the sign-in sheet: the same upload rules as five-leads evidence.
    attachments = MultipleFileField(
        label=_("Photos or sign-in sheet (PDF, PNG or JPEG)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, branch=None, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if branch is None:
            del self.fields["members_attended"]
        else:
            self.fields["members_attended"].queryset = Member.objects.active().filter(branch=branch)
            by_pinyin(self.fields["members_attended"])
        self.fields["attachments"].help_text = _(
            "You may choose several files, each at most %(size)s."
        ) % {"size": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
        if edit:
            self.fields["opinions"].label = _("Further opinions or requests raised")
            self.fields["opinions"].help_text = _(
                "One per line; each goes to the branch's opinion queue. Those already in the "
                "queue stay there."
            )
        self.helper = _helper(_("Save"), "symposium-edit-form" if edit else "symposium-form")
        self.helper.form_enctype = "multipart/form-data"

    def clean_attachments(self) -> list:
        uploads = self.cleaned_data.get("attachments") or []
        if len(uploads) > ATTACHMENTS_MAX:
            raise forms.ValidationError(
                _("At most %(n)s files at a time.") % {"n": ATTACHMENTS_MAX}
            )
        return [checked_upload(upload) for upload in uploads]

    def clean_opinions(self) -> list[str]:
        return opinion_lines(self.cleaned_data["opinions"])

    def clean(self):
        data = super().clean()
        people = sum(
            data.get(name) or 0
            for name in ("party_representatives", "masses_representatives", "members_present")
        )
        if not self.errors and people == 0:
            self.add_error("masses_representatives", _("A symposium has participants: count them."))
        if self.errors and "attachments" not in self.errors and data.get("attachments"):
            # A page cannot be given chosen files back: say so instead of dropping them.
            self.add_error(
                "attachments",
                _("The form has an error elsewhere, so the files were not kept: choose again."),
            )
        return data


class LeaderVisitForm(forms.Form):
    date = PastDate(label=_("Date"))
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices)
    people_met = Text(label=_("People met"), max_length=300, required=False)
    summary = Text(label=_("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, edit: bool = False, **kwargs):
        # Both forms share the leader's page: distinct element ids keep each label on its field.
        kwargs.setdefault("auto_id", "id_visit_%s")
        super().__init__(*args, **kwargs)
        if edit:
            # The edit page posts to itself.
            self.helper = _helper(_("Save"), "visit-edit-form")
        else:
            self.helper = _helper(_("Record the visit"), "visit-form")
            self.helper.form_action = "talks:leader_visit_create"


class BriefingForm(forms.Form):
    # R54: the lag from the decision to the briefing shows whether it was timely.
    decided_on = PastDate(
        label=_("Date of the decision"),
        required=False,
        initial=None,
        help_text=_("When the decision was taken; the days until the briefing show timeliness."),
    )
    date = PastDate(label=_("Date of the briefing"))
    subject = Text(label=_("Subject"), max_length=200)
    audience = Text(label=_("Audience"), max_length=200)
    content = Text(
        label=_("Content"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, edit: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "id_briefing_%s")
        super().__init__(*args, **kwargs)
        if edit:
            self.helper = _helper(_("Save"), "briefing-edit-form")
        else:
            self.helper = _helper(_("Record the briefing"), "briefing-form")
            self.helper.form_action = "talks:briefing_create"

    def clean(self):
        data = super().clean()
        decided_on, day = data.get("decided_on"), data.get("date")
        if decided_on and day and decided_on > day:
            self.add_error("decided_on", _("A decision is briefed after it is taken, not before."))
        return data
