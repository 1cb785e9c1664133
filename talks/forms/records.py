"""Forms of the branch's own records: symposiums (R52), leaders' visits and briefings (R54)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from members.forms import PastDate, Text, checked_upload, form_helper
from members.models import Member
from members.pinyin import by_pinyin

from ..models import VisitKind
from .opinions import opinion_lines

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
        self.helper = form_helper(
            "symposium-edit-form" if edit else "symposium-form", ("save", _("Save")), once=True
        )
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
            self.helper = form_helper("visit-edit-form", ("save", _("Save")), once=True)
        else:
            self.helper = form_helper("visit-form", ("save", _("Record the visit")), once=True)
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
            self.helper = form_helper("briefing-edit-form", ("save", _("Save")), once=True)
        else:
            self.helper = form_helper(
                "briefing-form", ("save", _("Record the briefing")), once=True
            )
            self.helper.form_action = "talks:briefing_create"

    def clean(self):
        data = super().clean()
        decided_on, day = data.get("decided_on"), data.get("date")
        if decided_on and day and decided_on > day:
            self.add_error("decided_on", _("A decision is briefed after it is taken, not before."))
        return data
