from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.form_fields import EARLIEST, Text, text_formfield

from . import scoring
from .models import (
    Assessment,
    Grade,
    Inspection,
    Semester,
    SemesterReport,
    half_label,
    half_validator,
)


def _helper(form_id: str, *buttons: tuple[str, str]) -> FormHelper:
    """A POST form with its id (tests/forms/test_form_walk.py). A button is never named like a
    field: the browser would send both under one name and Django keeps the button's label."""
    helper = FormHelper()
    helper.form_method = "post"
    helper.form_id = form_id
    for name, label in buttons:
        helper.add_input(Submit(name, label, css_class="btn-party"))
    return helper


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
        self.helper = _helper(
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
        self.helper = _helper("review-form", ("review", _("Save the review")))

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
        self.helper = _helper("inspection-generate-form", ("generate", _("Generate inspection")))


class FindingsForm(forms.ModelForm):
    class Meta:
        formfield_callback = text_formfield
        model = Inspection
        fields = ["findings"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("findings-form", ("save", _("Save findings")))


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
        self.helper = _helper("grade-form", ("save", _("Save grade")))

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
        self.helper = _helper("export-form", ("export", _("Export the school's assessment")))
