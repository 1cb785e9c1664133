"""Form fields every app's forms use, so the browser and the server check the same way.

- `Text`: a line break counts as one character, as the browser's `maxlength` counts it (a
  textarea submits `\\r\\n`), with a plain Chinese message when the text is too long.
- `PastDate` / `BoundedDate`: nothing before 2000-01-01; what has happened is not after today.
  The page carries the same bounds as `min`/`max`, computed when it is rendered.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    from django.db import models

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
