"""Forms of the semester cycle: reports and reviews (R61), inspections (R62), grades and exports
(R64), reminding now, 师德 notes (R48), branch settings and exemplary cases (R63).
"""

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from members.forms import EARLIEST, PastDate, Text, form_helper, text_formfield
from members.models import Branch, Member
from members.pinyin import by_pinyin

from . import scoring
from .models import (
    Assessment,
    EthicsKind,
    ExemplaryCase,
    Grade,
    Inspection,
    Semester,
    SemesterReport,
    half_label,
    half_validator,
)
from .selectors.dashboard import kind_labels


class ReportForm(forms.ModelForm):
    """R61: the member's own text; the figures are filled in by the system."""

    class Meta:
        formfield_callback = text_formfield
        model = SemesterReport
        fields = ["text", "ethics_review"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 10}),
            # R48: the member's own review of 师德.
            "ethics_review": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = True
        self.helper = form_helper(
            "report-form", ("save", _("Save draft")), ("submit", _("Submit to the branch"))
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return for changes"))],
        widget=forms.RadioSelect,
    )
    comment = Text(
        label=_("Comment to the member"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("review-form", ("review", _("Save the review")))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error("comment", _("Say what should change when returning a report."))
        return data


def begun_halves(today) -> list[str]:
    """Half-years from 2000H1 to the one running today, latest first (issue 13 finding 9: an
    inspection only of a half-year that has begun)."""
    last = today.year * 2 + (today.month > 6)
    return [f"{n // 2}H{n % 2 + 1}" for n in range(last, EARLIEST.year * 2 - 1, -1)]


class GenerateInspectionForm(forms.Form):
    half = forms.ChoiceField(
        label=_("Half-year"),
        validators=[half_validator],
        help_text=_("The first half of a year is January to June, the second July to December."),
        error_messages={"invalid_choice": _("Choose a half-year that has begun.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["half"].choices = [
            (h, half_label(h)) for h in begun_halves(timezone.localdate())
        ]
        self.helper = form_helper(
            "inspection-generate-form", ("generate", _("Generate inspection"))
        )


class FindingsForm(forms.ModelForm):
    class Meta:
        formfield_callback = text_formfield
        model = Inspection
        fields = ["findings"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("findings-form", ("save", _("Save findings")))


class GradeForm(forms.ModelForm):
    """R64: the secretary's grade; outside the score's band a reason is required."""

    class Meta:
        formfield_callback = text_formfield
        model = Assessment
        fields = ["grade", "grade_reason"]
        widgets = {"grade_reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].required = True
        # An ungraded assessment opens with no grade chosen: one click must not grade the member
        # excellent.
        self.fields["grade"].choices = [("", _("— choose a grade —")), *Grade.choices]
        self.fields["grade"].error_messages["required"] = _("Choose a grade.")
        self.helper = form_helper("grade-form", ("save", _("Save grade")))

    def clean(self):
        data = super().clean()
        grade = data.get("grade")
        if (
            grade
            and scoring.needs_reason(grade, self.instance.score)
            and not (data.get("grade_reason") or "").strip()
        ):
            self.add_error(
                "grade_reason",
                _("This grade is outside the score's band (%(band)s): give the reason.")
                % {"band": Grade(scoring.band(self.instance.score)).label},
            )
        return data


class ExportForm(forms.Form):
    semester = forms.ModelChoiceField(label=_("Semester"), queryset=Semester.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("export-form", ("export", _("Export the school's assessment")))


class RemindForm(forms.Form):
    """Checkboxes "kind:member id" of the members behind; nothing else is accepted."""

    picks = forms.MultipleChoiceField(
        label=_("Remind"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one member to remind."),
            "invalid_choice": _(
                "%(value)s is no longer behind (the page was out of date): look at the list "
                "again and tick whom to remind."
            ),
        },
    )

    def __init__(self, *args, behind: list[dict], done: set[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        labels = kind_labels()
        colon = pgettext("separator", ": ")
        self.members = {row["member"].pk: row["member"] for row in behind}
        self.fields["picks"].choices = [
            (f"{kind}:{row['member'].pk}", f"{row['member'].name}{colon}{labels[kind]}")
            for row in behind
            for kind in row["kinds"]
        ]
        self.rows = [
            {
                **row,
                "items": [
                    {
                        "value": f"{kind}:{row['member'].pk}",
                        "kind": kind,
                        "label": labels[kind],
                        "done": (row["member"].pk, kind) in done,
                    }
                    for kind in row["kinds"]
                ],
            }
            for row in behind
        ]
        self.checked = set(self.data.getlist("picks")) if self.is_bound else set()

    def clean_picks(self) -> list[tuple[str, Member]]:
        picks = []
        for value in self.cleaned_data["picks"]:
            kind, member_id = value.split(":", 1)
            picks.append((kind, self.members[int(member_id)]))
        return picks


class EthicsNoteForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=EthicsKind.choices, widget=forms.RadioSelect)
    recorded_on = PastDate(label=_("Date"))
    text = Text(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, branch, **kwargs):
        """`branch`: the secretary's branch (a Branch or its id)."""
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        by_pinyin(self.fields["member"]).queryset = Member.objects.active().filter(branch=branch)
        self.helper = FormHelper()
        self.helper.form_id = "ethics-note-form"
        self.helper.add_input(Submit("save", _("Record"), css_class="btn-party"))

    def clean_recorded_on(self) -> date:
        day = self.cleaned_data["recorded_on"]
        if day > self.today:
            raise ValidationError(_("The date cannot be in the future."))
        return day


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
