"""The members app's forms, and the fields and helpers every app's forms use.

- `Text`: a line break counts as one character, as the browser's `maxlength` counts it (a
  textarea submits `\r\n`), with a plain Chinese message when the text is too long.
- `PastDate` / `BoundedDate`: nothing before 2000-01-01; what has happened is not after today.
  The page carries the same bounds as `min`/`max`, computed when it is rendered.
- Five leads (R46): the activity form with an optional evidence file checked by its content.
- Issue 17: the school's WeCom app, a branch's robots, a member's own channels. Only ids, keys
  and secrets are typed, never a URL: each field accepts the characters its id is made of, so
  a pasted address is refused (the API bases are settings). A stored secret is never put back
  into the page: its field is empty, the help text shows it masked, and an empty field keeps
  what is stored.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import audit
from .models import (
    COMMITTEE_ONLY_KINDS,
    AuditAction,
    BranchChannels,
    FiveLeadKind,
    Member,
    SchoolChannels,
)


def form_helper(form_id: str, *buttons: tuple[str, str], once: bool = False) -> FormHelper:
    """A POST form with its id (tests/forms/test_form_walk.py) and its submit buttons (name,
    label). A button is never named like a field: the browser would send both under one name
    and Django keeps the button's label. `once`: the page's script lets it be sent only once."""
    helper = FormHelper()
    helper.form_method = "post"
    helper.form_id = form_id
    if once:
        helper.attrs = {"data-once": ""}
    for name, label in buttons:
        helper.add_input(Submit(name, label, css_class="btn-party"))
    return helper


EARLIEST = date(2000, 1, 1)


def normalize_newlines(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


TOO_LONG = _(
    "Write at most %(limit_value)d characters (a line break counts as one); it has %(show_value)d."
)


class Text(forms.CharField):
    default_error_messages = {"max_length": TOO_LONG}

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_newlines(value) if value else value


def text_formfield(db_field, **kwargs):
    """`formfield_callback` of a ModelForm: its text fields count like `Text`, its dates are
    bounded like `BoundedDate` (not after today; a form declares its own field otherwise)."""
    if isinstance(db_field, (models.TextField, models.CharField)) and not db_field.choices:
        return db_field.formfield(form_class=Text, **kwargs)
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        return db_field.formfield(form_class=BoundedDate, **kwargs)
    return db_field.formfield(**kwargs)


class DateBoundsInput(forms.DateInput):
    """`<input type="date" min max>`; `max` is today when the page is rendered."""

    input_type = "date"

    def __init__(self, attrs=None, *, not_future: bool = True):
        super().__init__(attrs, format="%Y-%m-%d")
        self.not_future = not_future

    def get_context(self, name, value, attrs):
        attrs = {"min": EARLIEST.isoformat(), **(attrs or {})}
        if self.not_future:
            attrs["max"] = timezone.localdate().isoformat()
        return super().get_context(name, value, attrs)


class BoundedDate(forms.DateField):
    """A date from 2000-01-01 on; `not_future=True` (the default) for what has happened."""

    default_error_messages = {
        "too_early": _("The date cannot be before %(date)s."),
        "future": _("The date cannot be in the future."),
    }

    def __init__(self, *, not_future: bool = True, **kwargs):
        self.not_future = not_future
        kwargs.setdefault("widget", DateBoundsInput(not_future=not_future))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        if value < EARLIEST:
            raise forms.ValidationError(
                self.error_messages["too_early"],
                code="too_early",
                params={"date": EARLIEST.isoformat()},
            )
        if self.not_future and value > timezone.localdate():
            raise forms.ValidationError(self.error_messages["future"], code="future")


class PastDate(BoundedDate):
    """What has happened: not before 2000-01-01, not after today; defaults to today."""

    def __init__(self, **kwargs):
        kwargs.setdefault("initial", timezone.localdate)
        super().__init__(not_future=True, **kwargs)


def apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


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


NOT_A_URL = _("Type only the key itself (letters, digits, - and _), not a web address.")


KEY = RegexValidator(r"^[A-Za-z0-9_-]{6,128}$", NOT_A_URL)


DIGITS = RegexValidator(r"^[0-9]{1,20}$", _("The AgentId is a number."))


USERID = RegexValidator(
    r"^[A-Za-z0-9_.@-]{1,64}$",
    _("The WeCom account has letters, digits and . _ - @ only (as in the WeCom address book)."),
)


MOBILE = RegexValidator(r"^1[0-9]{10}$", _("A mobile number has 11 digits."))


def sentences(*texts) -> str:
    """Help texts one after the other: a space between English sentences, none after a Chinese
    full stop."""
    out = ""
    for text in (str(t) for t in texts if t):
        out += " " if out and not out.endswith(("。", "）", "：")) else ""
        out += text
    return out


def masked(value: str) -> str:
    """What a stored secret looks like on the page: its last four characters at most."""
    if not value:
        return ""
    return "••••" + (value[-4:] if len(value) >= 12 else "")


class SecretsForm(forms.ModelForm):
    """Secret fields are write-only: blank keeps the stored value; a 'clear' box empties it."""

    SECRETS: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.SECRETS:
            field = self.fields[name]
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
            field.required = False
            stored = getattr(self.instance, name)
            if stored:
                field.help_text = _("Saved: %(masked)s. Leave empty to keep it.") % {
                    "masked": masked(stored)
                }
                self.fields[f"clear_{name}"] = forms.BooleanField(
                    label=_("Remove the saved value"), required=False
                )
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.strip = True

    def clean(self):
        data = super().clean()
        for name in self.SECRETS:
            if data.get(f"clear_{name}"):
                data[name] = ""
            elif not data.get(name):
                data[name] = getattr(self.instance, name)
        return data


class SchoolChannelsForm(SecretsForm):
    SECRETS = ("wecom_secret",)

    class Meta:
        model = SchoolChannels
        fields = ["wecom_corp_id", "wecom_agent_id", "wecom_secret"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wecom_corp_id"].validators.append(KEY)
        self.fields["wecom_corp_id"].help_text = _(
            "WeCom admin console → My company → Company information → Corp ID."
        )
        self.fields["wecom_agent_id"].validators.append(DIGITS)
        self.fields["wecom_agent_id"].help_text = _(
            "App management → your self-built app → AgentId."
        )
        self.fields["wecom_secret"].validators.append(KEY)
        self.fields["wecom_secret"].help_text = sentences(
            _(
                "App management → your self-built app → Secret (click View: WeCom sends it to "
                "the administrator's WeCom)."
            ),
            self.fields["wecom_secret"].help_text,
        )
        self.order_fields(["wecom_corp_id", "wecom_agent_id", "wecom_secret"])
        self.helper = FormHelper()
        self.helper.form_id = "school-channels-form"
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-party"))


class BranchChannelsForm(SecretsForm):
    SECRETS = ("wecom_robot_key", "dingtalk_token", "dingtalk_secret")

    class Meta:
        model = BranchChannels
        fields = ["wecom_robot_key", "dingtalk_token", "dingtalk_secret", "mention_members"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.SECRETS:
            self.fields[name].validators.append(KEY)
        self.fields["wecom_robot_key"].help_text = sentences(
            _("The part after key= in the robot's webhook address."),
            self.fields["wecom_robot_key"].help_text,
        )
        self.fields["dingtalk_token"].help_text = sentences(
            _("The part after access_token= in the robot's webhook address."),
            self.fields["dingtalk_token"].help_text,
        )
        self.fields["dingtalk_secret"].help_text = sentences(
            _("Security settings → Sign: the string starting with SEC."),
            self.fields["dingtalk_secret"].help_text,
        )
        self.fields["mention_members"].help_text = _(
            "Off by default: group messages give only counts. On: the monthly summary also "
            "@-mentions the members still behind (by WeCom account or mobile number)."
        )
        self.order_fields(
            [
                "wecom_robot_key",
                "clear_wecom_robot_key",
                "dingtalk_token",
                "clear_dingtalk_token",
                "dingtalk_secret",
                "clear_dingtalk_secret",
                "mention_members",
            ]
        )
        self.helper = FormHelper()
        self.helper.form_id = "branch-channels-form"
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-party"))


class MyChannelsForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["notify_email", "notify_wecom", "wecom_userid", "mobile"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wecom_userid"].validators.append(USERID)
        self.fields["wecom_userid"].help_text = _(
            "Your account (UserID) in the school's WeCom address book; ask the administrator "
            "if you do not know it."
        )
        self.fields["mobile"].validators.append(MOBILE)
        self.fields["mobile"].help_text = _(
            "Used only to @-mention you in the branch's DingTalk group, if the branch turns "
            "that on."
        )
        self.fields["notify_email"].help_text = _("The notifications page always has them all.")
        self.helper = FormHelper()
        self.helper.form_id = "my-channels-form"
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-party"))


class SchoolTestForm(forms.Form):
    wecom_userid = forms.CharField(
        label=_("Send the test to this WeCom account"), max_length=64, validators=[USERID]
    )


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class ResetForm(PasswordResetForm):
    """Django's reset form, also for members who never had a password (imported with an e-mail
    address): the mail is how they get one. Never for operations accounts. Each mail is audited."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(
            email__iexact=email, is_active=True, is_staff=False, is_superuser=False
        )
        return (user for user in users if user.email.casefold() == email.casefold())

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        member = Member.objects.filter(user=user).first()
        audit(
            AuditAction.PASSWORD_RESET,
            obj=member,
            branch_id=member.branch_id if member else None,
            object_repr=member.name if member else user.get_username(),
        )
        context["name"] = member.name if member else user.get_username()
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
