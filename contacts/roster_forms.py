"""The upload form of the roster import: the whole file is checked here (contacts/roster.py)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import roster


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "At most %(mb)s MB and %(rows)s rows; CSV in UTF-8 or GBK. Nothing is written yet."
        ) % {"mb": roster.MAX_BYTES // (1024 * 1024), "rows": roster.MAX_ROWS}
        self.helper = FormHelper()
        self.helper.form_id = "roster-upload-form"
        self.helper.attrs = {"data-once": ""}
        self.helper.add_input(Submit("upload", _("Check the file"), css_class="btn-party"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > roster.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(mb)s MB).")
                % {"mb": roster.MAX_BYTES // (1024 * 1024)}
            )
        data = upload.read()
        try:
            roster.parse_rows(roster.read_table(data, upload.name))
        except roster.RosterFileError as error:
            raise forms.ValidationError(str(error)) from error
        self.data_bytes = data
        return upload
