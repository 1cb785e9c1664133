"""The member's contact forms: assistance records for staff in hardship (R32)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from members.form_fields import PastDate, Text


class AssistanceRecordForm(forms.Form):
    date = PastDate(label=_("Date"))
    what = Text(
        label=_("Assistance given"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what help was given.")},
    )
    result = Text(
        label=_("Result"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "assistance-form"
        self.helper.attrs = {"data-once": ""}
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-party"))
