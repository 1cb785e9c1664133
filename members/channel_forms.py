"""Issue 17 forms: the school's WeCom app, a branch's robots, a member's own channels.

Only ids, keys and secrets are typed, never a URL: each field accepts the characters its id is
made of, so a pasted address is refused (the API bases are settings). A stored secret is never
put back into the page: its field is empty, the help text shows it masked, and an empty field
keeps what is stored.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .models import BranchChannels, Member, SchoolChannels

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
