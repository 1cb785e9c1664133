"""The secretary's forms of the inspections app: branch settings and exemplary cases (R63)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from members.form_fields import PastDate, text_formfield
from members.models import Branch, Member
from members.pinyin import by_pinyin

from .models import ExemplaryCase

MONTH_CHOICES = list(MONTHS.items())

SETTINGS_FIELDS = [
    "musttalk_deadline_days",
    "musttalk_due_soon_days",
    "opinion_deadline_days",
    "confirmation_valid_days",  # R42
    "exempt_months",
    "pairing_ratio",
    "reminder_day",
    "report_deadline_days",
    "resubmission_days",  # R61
    "symposium_target",
    "leader_visit_target",  # R54
    "inspection_months",
    "weight_months",
    "weight_musttalks",
    "weight_opinions",
    "weight_leads",
    "weight_report",
    "weight_confirmations",  # R42, default 0
]


class MonthsField(forms.TypedMultipleChoiceField):
    """Twelve checkboxes stored as a list of month numbers."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=MONTH_CHOICES,
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )


class BranchSettingsForm(forms.ModelForm):
    """Every number the regulation leaves open; Branch.clean checks the weights add up to 100."""

    exempt_months = MonthsField(
        label=_("Exempt months"),
        help_text=_("Months that need neither a talk nor a work report (e.g. February, August)."),
    )
    inspection_months = MonthsField(
        label=_("Inspection months"),
        help_text=_("Months in which the half-yearly inspection is generated."),
    )

    class Meta:
        model = Branch
        fields = SETTINGS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "settings-form"
        self.helper.add_input(Submit("save", _("Save settings"), css_class="btn-party"))

    def clean(self):
        data = super().clean()
        for name in ("exempt_months", "inspection_months"):
            if name in data:
                data[name] = sorted(data[name])
        return data


class ExemplaryCaseForm(forms.ModelForm):
    occurred_on = PastDate(label=_("Date"))

    class Meta:
        formfield_callback = text_formfield
        model = ExemplaryCase
        fields = [
            "kind",
            "title",
            "person_name",
            "member",
            "occurred_on",
            "description",
            "published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, branch: Branch, **kwargs):
        super().__init__(*args, **kwargs)
        by_pinyin(self.fields["member"]).queryset = Member.objects.active().filter(branch=branch)
        self.fields["member"].required = False
        self.fields["member"].label = _("Member concerned (if any)")
        self.fields["published"].help_text = _("Published cases are readable by every member.")
        self.helper = FormHelper()
        self.helper.form_id = "exemplary-form"
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-party"))
