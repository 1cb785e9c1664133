"""Opinion forms (R43): a status change in the queue, opinions typed in from paper, the box and
its receipt lookup (no login).
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from members.forms import PastDate, Text, form_helper
from members.models import Branch
from members.pinyin import by_pinyin
from talks.services import opinions as opinion_services

from ..models import OpinionCategory, OpinionStatus
from ..services.opinions import NEXT_STATUSES

OPINIONS_MAX_LINES = 50


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
        self.helper = form_helper("opinion-status-form", ("save", _("Change status")), once=True)

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
        self.helper = form_helper("box-opinion-form", ("save", _("Add to the queue")), once=True)


def opinion_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > OPINIONS_MAX_LINES:
        raise forms.ValidationError(
            _("At most %(n)s opinions at a time.") % {"n": OPINIONS_MAX_LINES}
        )
    if any(len(line) > 2000 for line in lines):
        raise forms.ValidationError(_("Each opinion must be at most 2000 characters."))
    return lines


class BoxForm(forms.Form):
    branch = forms.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.none(), empty_label=None
    )
    content = Text(
        label=_("Your opinion or request"),
        max_length=opinion_services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    category = forms.ChoiceField(
        label=_("What it is about (optional)"),
        choices=[("", "—"), *OpinionCategory.choices],
        required=False,
    )
    name = forms.CharField(
        label=_("Your name (optional)"), max_length=opinion_services.NAME_MAX, required=False
    )
    contact_way = forms.CharField(
        label=_("How to reach you (optional)"),
        max_length=opinion_services.CONTACT_WAY_MAX,
        required=False,
        help_text=_(
            "Leave both empty to stay anonymous: the receipt code is enough to read the answer."
        ),
    )
    # A honeypot: hidden from people (CSS and aria), filled by bots that fill every field.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, branch: Branch | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if branch is not None:
            del self.fields["branch"]
        else:
            by_pinyin(self.fields["branch"]).queryset = Branch.objects.all()
        self.fields["website"].widget.attrs["class"] = "form-control"
        self.helper = FormHelper()
        self.helper.form_id = "box-form"
        self.helper.attrs = {"data-once": ""}
        self.helper.add_input(Submit("send", _("Send"), css_class="btn-party"))

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=40)
