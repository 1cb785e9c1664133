"""R42: the contact's answer to a talk confirmation link (no login)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from members.forms import Text

from ..services.confirmation import OPINION_MAX, WORD_MAX


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
