"""Five leads (R46): the activity form with an optional evidence file checked by its content."""

from __future__ import annotations

import re
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .form_fields import PastDate, Text
from .models import COMMITTEE_ONLY_KINDS, FiveLeadKind, Member

# The type is decided by the first bytes of the content; the name and the browser's word are
# never trusted.
EVIDENCE_SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}


def sniff_evidence(upload) -> tuple[str, str] | None:
    """(content type, extension) from the file's magic bytes, or None if not PDF/PNG/JPEG."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in EVIDENCE_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def sanitize_filename(name: str, ext: str) -> str:
    """A display name safe in a header and on any disk: no path, no control characters, the
    extension matching the real content."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r'[\x00-\x1f\x7f"<>:|?*;]+', "", stem).strip(" .") or "evidence"
    return f"{stem[:100]}.{ext}"


def checked_upload(upload):
    """The upload rules of every evidence file (five leads, symposium photos and sign-in
    sheets): size limit, type from the content, a safe display name. Sets evidence_type and
    evidence_name on the upload; raises a ValidationError otherwise."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is too large: at most %(size)s.")
            % {"size": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
        )
    kind = sniff_evidence(upload)
    if kind is None:
        raise forms.ValidationError(_("Only PDF, PNG or JPEG files are accepted."))
    upload.evidence_type, ext = kind
    upload.evidence_name = sanitize_filename(upload.name, ext)
    return upload


class FiveLeadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FiveLeadKind.choices)
    date = PastDate(label=_("Date"))
    title = Text(label=_("Title"), max_length=120)
    description = Text(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome = Text(
        label=_("Outcome"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For investigations and suggestions: what came of them."),
    )
    evidence = forms.FileField(
        label=_("Evidence file (PDF, PNG or JPEG)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    remove_evidence = forms.BooleanField(label=_("Remove the current file"), required=False)

    def __init__(self, *args, member: Member, current_file: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if current_file:
            self.fields["remove_evidence"].help_text = _("Current file: %(name)s") % {
                "name": current_file
            }
        else:
            del self.fields["remove_evidence"]
        if not member.is_committee:
            self.fields["kind"].choices = [
                (value, label)
                for value, label in FiveLeadKind.choices
                if value not in COMMITTEE_ONLY_KINDS
            ]
        self.fields["evidence"].help_text = _("At most %(size)s.") % {
            "size": filesizeformat(settings.EVIDENCE_MAX_BYTES)
        }
        self.helper = FormHelper()
        self.helper.form_id = "lead-form"
        self.helper.attrs = {"data-once": ""}
        self.helper.form_enctype = "multipart/form-data"
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-party"))

    def clean(self):
        data = super().clean()
        if self.errors and "evidence" not in self.errors and data.get("evidence"):
            # A page cannot be given a chosen file back: say so instead of dropping it silently.
            self.add_error(
                "evidence",
                _("The form has an error elsewhere, so the file was not kept: choose it again."),
            )
        return data

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        return checked_upload(upload) if upload else upload

    def evidence_change(self):
        """The new upload, False to remove the current file, or None to keep it."""
        if self.cleaned_data.get("evidence"):
            return self.cleaned_data["evidence"]
        return False if self.cleaned_data.get("remove_evidence") else None
