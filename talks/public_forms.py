"""Forms of the pages without login: a contact confirming a talk (R42), the opinion box (R43)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from members.form_fields import Text
from members.models import Branch
from members.pinyin import by_pinyin

from . import box
from .confirmation import OPINION_MAX, WORD_MAX
from .models import OpinionCategory


class _DenyButton(Submit):
    """The second answer: outlined, not a second primary button."""

    field_classes = "btn btn-outline-danger"


class ConfirmationForm(forms.Form):
    word = Text(
        label=_("A word on the talk (optional)"),
        max_length=WORD_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    opinion = Text(
        label=_("An opinion or request to the party branch (optional)"),
        max_length=OPINION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It goes to the branch secretary, not to the member who talked with you."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "confirmation-form"
        self.helper.attrs = {"data-once": ""}
        self.helper.add_input(Submit("confirm", _("This talk took place"), css_class="btn-party"))
        self.helper.add_input(_DenyButton("deny", _("This talk did not take place")))


class BoxForm(forms.Form):
    branch = forms.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.none(), empty_label=None
    )
    content = Text(
        label=_("Your opinion or request"),
        max_length=box.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    category = forms.ChoiceField(
        label=_("What it is about (optional)"),
        choices=[("", "—"), *OpinionCategory.choices],
        required=False,
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=box.NAME_MAX, required=False)
    contact_way = forms.CharField(
        label=_("How to reach you (optional)"),
        max_length=box.CONTACT_WAY_MAX,
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
