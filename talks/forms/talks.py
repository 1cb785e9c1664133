"""The member's forms: logging a talk (R45, R31, R33, R51, R43), recording a must-talk event, and
the period of the handbook (R410).
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from contacts.models import Assignment, Category, Contact
from members.forms import BoundedDate, PastDate, Text
from members.models import Member
from members.pinyin import by_pinyin

from ..models import (
    SUBKINDS_BY_CATEGORY,
    MustTalkCategory,
    MustTalkEvent,
    MustTalkHowKnown,
    MustTalkSubKind,
    TalkLog,
)

MAX_PERIOD_DAYS = 400


def default_period(today: date) -> tuple[date, date]:
    """The school half-year containing today: September–January or February–August."""
    if today.month >= 9:
        return date(today.year, 9, 1), date(today.year + 1, 1, 31)
    if today.month == 1:
        return date(today.year - 1, 9, 1), date(today.year, 1, 31)
    return date(today.year, 2, 1), date(today.year, 8, 31)


class PeriodForm(forms.Form):
    # A period may reach past today (a semester's end); it never starts before 2000.
    start = BoundedDate(label=_("From"), not_future=False)
    end = BoundedDate(label=_("To"), not_future=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.field_class = ""
        # crispy's Submit is already btn-primary: an outline class on top gave grey on blue.
        self.helper.add_input(Submit("show", _("Show"), css_class="btn-party"))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end is before the start."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", _("Choose a period of at most one school year."))
        return data


OPINION_MAX_CHARS = 2000


# R33: the three things help to a teacher may concern, as TalkLog's boolean fields.
ASPECTS = [("thought", _("Thought")), ("life", _("Life")), ("work", _("Work"))]


OPINIONS_MAX_LINES = 20


class Kind:
    TALK = "talk"
    REPORT = "report"
    BOTH = "both"

    CHOICES = [
        (TALK, _("A talk")),
        (REPORT, _("A work report heard")),
        (BOTH, _("Both: a talk and a work report")),
    ]

    @classmethod
    def of(cls, talk: TalkLog) -> str:
        if talk.is_talk and talk.is_work_report:
            return cls.BOTH
        return cls.TALK if talk.is_talk else cls.REPORT


class ContactSelect(forms.Select):
    """Options carry the contact's category so talks.js can show only the fields that apply."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-category"] = instance.category
        return option


class EventSelect(forms.Select):
    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-contact"] = str(instance.contact_id)
        return option


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MustTalkEvent) -> str:
        return _("%(contact)s: %(kind)s on %(date)s (talk due by %(due)s)") % {
            "contact": obj.contact.name,
            "kind": obj.get_sub_kind_display(),
            "date": obj.occurred_on.isoformat(),
            "due": obj.due_on.isoformat(),
        }


class OwnContactField(forms.ModelChoiceField):
    """The contact of a new talk, read with the member's loggable assignments to them in one
    query (the form needs both): `assignments` is set by the form, `found` keeps the rows."""

    assignments = None

    def to_python(self, value):
        if value in self.empty_values or self.assignments is None:
            return super().to_python(value)
        try:
            pk = int(value)
        except (TypeError, ValueError):
            pk = 0
        rows = []
        if 0 < pk < 2**63:  # a database id (a larger number is no id, and no query)
            rows = list(
                self.assignments.filter(contact_id=pk)
                .select_related("contact")
                .order_by("started_on", "pk")
            )
        if not rows:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        self.found = rows
        return rows[0].contact


def loggable_assignments(member: Member, today: date):
    """Assignments a talk may still be logged against: in force, or ended in the editable window
    (a talk of last month may be logged until the month after next begins)."""
    window_start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return Assignment.objects.filter(member=member, started_on__lte=today).exclude(
        ended_on__lt=window_start
    )


class TalkLogForm(forms.Form):
    """One handbook entry. `talk` given: editing it (contact fixed, opinions already sent)."""

    contact = OwnContactField(
        label=_("Contact"),
        queryset=Contact.objects.none(),
        widget=ContactSelect,
        error_messages={"invalid_choice": _("Choose one of your own contacts.")},
    )
    date = PastDate(label=_("Date"))
    place = Text(label=_("Place"), max_length=100, required=False)
    # A talk by default: the form is opened to "log a talk", and only a talk closes a must-talk
    # event. "Both" counts one entry twice in the month (R45), so it is never preselected.
    kind = forms.ChoiceField(
        label=_("What it was"), choices=Kind.CHOICES, widget=forms.RadioSelect, initial=Kind.TALK
    )
    content = Text(
        label=_("Content"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what was talked about.")},
    )
    aspects = forms.MultipleChoiceField(
        label=_("What the help concerned (teachers)"),
        choices=ASPECTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # R41: the talk explained the party's line, principles and policies (宣传解释).
    explains_policy = forms.BooleanField(
        label=_("This talk explained party policy (宣传解释)"), required=False
    )
    # R47: criticism and education of one of the few who need it; confidential like R51 cat. 4.
    is_criticism = forms.BooleanField(
        label=_("This talk was criticism and education (批评教育)"),
        required=False,
        help_text=_(
            "Confidential: read only by you, the contact's member and the branch secretary."
        ),
    )
    observation = Text(
        label=_("Observation of their understanding and practice of party policy (考察意见)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Activists and applicants only."),
    )
    must_talk_event = EventChoiceField(
        label=_("Must-talk event this talk answers"),
        queryset=MustTalkEvent.objects.none(),
        required=False,
        widget=EventSelect,
        empty_label=_("None"),
        error_messages={"invalid_choice": _("Choose an open must-talk event of this contact.")},
    )
    opinions = Text(
        label=_("Opinions or requests raised"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; each goes to the branch's opinion queue."),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, member: Member, talk: TalkLog | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.talk = talk
        self.today = timezone.localdate()
        self.assignment: Assignment | None = talk.assignment if talk else None
        self.assignments = loggable_assignments(member, self.today)
        if talk is not None:
            # Editing: the contact is fixed, and the event the talk already closed stays choosable.
            self.fields["contact"].disabled = True
            self.fields["contact"].initial = talk.contact_id
            del self.fields["opinions"]
            self.fields["submission_token"].required = False
        else:
            self.fields["contact"].assignments = self.assignments
            self.fields["submission_token"].initial = uuid.uuid4()
            self.fields["date"].initial = self.today
        # The choice lists are built when the form is shown (`helper`) or an event is named: a
        # new talk posted without one never reads them (~7 % of its time, docs/performance.md).
        if (
            not self.is_bound
            or talk is not None
            or self.data.get(self.add_prefix("must_talk_event"))
        ):
            self._set_choices()

    _choices_set = False

    def _set_choices(self) -> None:
        if self._choices_set:
            return
        self._choices_set = True
        talk, contacts = self.talk, self.assignments.values("contact_id")
        events = MustTalkEvent.objects.open().filter(contact__in=contacts, member=self.member)
        if talk is None:
            self.fields["contact"].queryset = Contact.objects.filter(pk__in=contacts)
            by_pinyin(self.fields["contact"])
        else:
            self.fields["contact"].queryset = Contact.objects.filter(pk=talk.contact_id)
            events = MustTalkEvent.objects.filter(
                Q(pk__in=events.values("pk")) | Q(pk=talk.must_talk_event_id)
            )
        self.fields["must_talk_event"].queryset = events.select_related("contact").order_by(
            "due_on", "pk"
        )

    @cached_property
    def helper(self) -> FormHelper:
        """Built only when the form is shown (a valid POST never needs it), with the choices."""
        self._set_choices()
        helper = FormHelper(self)
        helper.attrs = {"data-once": "", "id": "talk-form"}
        helper.layout = Layout(
            *(InlineCheckboxes(name) if name == "aspects" else name for name in self.fields)
        )
        helper.add_input(Submit("save", _("Save"), css_class="btn-party"))
        return helper

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError(_("The date cannot be in the future."))
        if not TalkLog(date=day).is_editable_on(self.today):
            raise forms.ValidationError(
                _("Records of %(month)s are closed: they can no longer be added or changed.")
                % {"month": f"{day:%Y-%m}"}
            )
        return day

    def clean_opinions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["opinions"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > OPINIONS_MAX_LINES:
            raise forms.ValidationError(
                _("At most %(n)s opinions at once.") % {"n": OPINIONS_MAX_LINES}
            )
        for line in lines:
            if len(line) > OPINION_MAX_CHARS:
                raise forms.ValidationError(
                    _("Each opinion may have at most %(n)s characters.") % {"n": OPINION_MAX_CHARS}
                )
        return lines

    def clean(self) -> dict:
        data = super().clean()
        contact, day = data.get("contact"), data.get("date")
        if contact is None or day is None:
            return data
        self._clean_assignment(contact, day)
        if contact.category == Category.TEACHER and not data.get("aspects"):
            self.add_error(
                "aspects", _("For a teacher, tick at least one of thought, life or work.")
            )
        if contact.category == Category.ACTIVIST and not data.get("observation", "").strip():
            self.add_error(
                "observation",
                _("For an activist or applicant, write your observation."),
            )
        event = data.get("must_talk_event")
        if event is not None:
            if event.contact_id != contact.pk:
                self.add_error("must_talk_event", _("This event is about another contact."))
            elif event.occurred_on > day:
                self.add_error(
                    "must_talk_event",
                    _("The event happened on %(date)s, after this talk.")
                    % {"date": event.occurred_on.isoformat()},
                )
        return data

    def _clean_assignment(self, contact: Contact, day: date) -> None:
        if self.talk is not None:
            assignment = self.talk.assignment
        else:
            candidates = self.fields["contact"].found  # by start date
            assignment = next(
                (
                    a
                    for a in candidates
                    if a.started_on <= day and (a.ended_on is None or day <= a.ended_on)
                ),
                None,
            )
            if assignment is None and candidates:
                assignment = candidates[0] if day < candidates[0].started_on else candidates[-1]
        if assignment is None:
            self.add_error("contact", _("Choose one of your own contacts."))
            return
        assignment.contact = contact  # the same row: no second query when the talk is saved
        if day < assignment.started_on:
            self.add_error(
                "date",
                _("%(contact)s was assigned to you from %(start)s; the date is before that.")
                % {"contact": contact.name, "start": assignment.started_on.isoformat()},
            )
        elif assignment.ended_on is not None and day > assignment.ended_on:
            self.add_error(
                "date",
                _("Your assignment with %(contact)s ended on %(end)s; the date is after that.")
                % {"contact": contact.name, "end": assignment.ended_on.isoformat()},
            )
        else:
            self.assignment = assignment

    @property
    def flags(self) -> dict[str, bool]:
        """The model's booleans from the kind and the aspects ticked."""
        kind, aspects = self.cleaned_data["kind"], self.cleaned_data["aspects"]
        return {
            "is_talk": kind != Kind.REPORT,
            "is_work_report": kind != Kind.TALK,
            **{f"about_{value}": value in aspects for value, _label in ASPECTS},
            "explains_policy": bool(self.cleaned_data.get("explains_policy")),
            "is_criticism": bool(self.cleaned_data.get("is_criticism")),
        }


class MustTalkEventForm(forms.Form):
    """R51: a member records an event for their own contact (the deadline comes from the branch)."""

    category = forms.ChoiceField(label=_("Category"), choices=MustTalkCategory.choices)
    sub_kind = forms.ChoiceField(label=_("Occasion"), choices=MustTalkSubKind.choices)
    how_known = forms.ChoiceField(
        label=_("Found or reported"),
        choices=[("", "—"), *MustTalkHowKnown.choices],
        required=False,
        help_text=_("Category 4 only: whether the problem was found or reported by the masses."),
    )
    occurred_on = PastDate(label=_("Date of the event"))
    note = Text(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For category 4 the note is confidential."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {
            "data-once": "",
            "id": "event-form",
            "data-subkinds": json.dumps({str(k): v for k, v in SUBKINDS_BY_CATEGORY.items()}),
        }
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-party"))

    def clean(self) -> dict:
        data = super().clean()
        category, sub_kind = data.get("category"), data.get("sub_kind")
        if category and sub_kind and sub_kind not in SUBKINDS_BY_CATEGORY[category]:
            self.add_error("sub_kind", _("This kind does not belong to the chosen category."))
        if category != MustTalkCategory.CONDUCT:
            data["how_known"] = ""  # asked of category 4 only
        elif not data.get("how_known"):
            self.add_error(
                "how_known", _("Say whether the problem was found or reported by the masses.")
            )
        return data
