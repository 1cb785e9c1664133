"""The secretary's forms for contacts (R31–R33) and assignments (R44)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.form_fields import BoundedDate, Text, text_formfield
from members.models import Branch, Member
from members.pinyin import by_pinyin

from .models import Assignment, Category, Contact
from .services import CONTACT_FIELDS


def _helper(label, form_id: str) -> FormHelper:
    helper = FormHelper()
    helper.form_id = form_id
    helper.attrs = {"data-once": ""}
    helper.add_input(Submit("save", label, css_class="btn-party"))
    return helper


class ContactForm(forms.ModelForm):
    """One form for the three categories; the fields of the other categories are ignored."""

    class Meta:
        formfield_callback = text_formfield
        model = Contact
        fields = list(CONTACT_FIELDS)
        widgets = {"hardship_description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, branch: Branch, may_read_confidential: bool, **kwargs):
        """`may_read_confidential` (contacts.models.can_read_confidential): an admin has no
        description field at all, so the form neither shows nor writes it (RULES.md)."""
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.instance.branch = branch
        self.fields["activist_stage"].help_text = _("Activists and applicants only.")
        self.fields["hardship_kind"].help_text = _("Staff in hardship only.")
        if may_read_confidential:
            self.fields["hardship_description"].help_text = _(
                "Confidential: read only by the assigned member and the branch secretary."
            )
        else:
            del self.fields["hardship_description"]
        self.helper = _helper(_("Save"), "contact-form")

    def clean(self):
        data = super().clean()
        category = data.get("category")
        if category == Category.ACTIVIST and not data.get("activist_stage"):
            self.add_error("activist_stage", _("Give the stage of an activist or applicant."))
        if category == Category.HARDSHIP and not data.get("hardship_kind"):
            self.add_error("hardship_kind", _("Give the kind of hardship."))
        return data


def members_with_load(branch: Branch):
    """R44: the branch's active members with their current load (contacts assigned today) and
    whether one of those is a teacher, in the one query of the choice list."""
    today = timezone.localdate()
    current = Q(assignments__started_on__lte=today) & (
        Q(assignments__ended_on__isnull=True) | Q(assignments__ended_on__gte=today)
    )
    return (
        Member.objects.active()
        .filter(branch=branch)
        .annotate(
            load=Count("assignments", filter=current),
            has_teacher=Exists(
                Assignment.objects.current(today).filter(
                    member=OuterRef("pk"), contact_category=Category.TEACHER
                )
            ),
        )
    )


class MemberChoiceField(forms.ModelChoiceField):
    """Members in pinyin order; with `load` annotated (members_with_load) each choice says how
    many contacts the member has now and whether one is a teacher (R44)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        by_pinyin(self)

    def label_from_instance(self, obj: Member) -> str:
        if not hasattr(obj, "load"):
            return obj.name
        if obj.has_teacher:
            return _("%(name)s (%(load)s contacts now, has a teacher)") % {
                "name": obj.name,
                "load": obj.load,
            }
        return _("%(name)s (%(load)s contacts now, no teacher yet)") % {
            "name": obj.name,
            "load": obj.load,
        }


class AssignmentForm(forms.Form):
    member = MemberChoiceField(label=_("Member"), queryset=Member.objects.none())
    started_on = BoundedDate(label=_("From"), not_future=False)

    def __init__(self, *args, branch: Branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members_with_load(branch)
        self.helper = _helper(_("Assign"), "assign-form")


class ReassignForm(forms.Form):
    member = MemberChoiceField(label=_("New member"), queryset=Member.objects.none())
    on = BoundedDate(label=_("From"), not_future=False)
    reason = Text(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, branch: Branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members_with_load(branch)
        self.helper = _helper(_("Reassign"), "reassign-form")


class EndAssignmentForm(forms.Form):
    ended_on = BoundedDate(label=_("Last day"), not_future=False)
    reason = Text(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("End the assignment"), "assignment-end-form")
