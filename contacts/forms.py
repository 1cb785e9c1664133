"""The contacts app's forms: the member's assistance records for staff in hardship (R32), the
secretary's contacts (R31–R33) and assignments (R44), and the roster upload (the whole file is
checked here, by services/roster.py)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.forms import BoundedDate, PastDate, Text, form_helper, text_formfield
from members.models import Branch, Member
from members.pinyin import by_pinyin

from .models import Category, Contact
from .selectors import members_with_load
from .services import roster
from .services.contacts import CONTACT_FIELDS


class AssistanceRecordForm(forms.Form):
    date = PastDate(label=_("Date"))
    what = Text(
        label=_("Assistance given"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what help was given.")},
    )
    result = Text(
        label=_("Result"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "assistance-form"
        self.helper.attrs = {"data-once": ""}
        self.helper.add_input(Submit("save", _("Save"), css_class="btn-party"))


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
        self.helper = form_helper("contact-form", ("save", _("Save")), once=True)

    def clean(self):
        data = super().clean()
        category = data.get("category")
        if category == Category.ACTIVIST and not data.get("activist_stage"):
            self.add_error("activist_stage", _("Give the stage of an activist or applicant."))
        if category == Category.HARDSHIP and not data.get("hardship_kind"):
            self.add_error("hardship_kind", _("Give the kind of hardship."))
        return data


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
        self.helper = form_helper("assign-form", ("save", _("Assign")), once=True)


class ReassignForm(forms.Form):
    member = MemberChoiceField(label=_("New member"), queryset=Member.objects.none())
    on = BoundedDate(label=_("From"), not_future=False)
    reason = Text(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, branch: Branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members_with_load(branch)
        self.helper = form_helper("reassign-form", ("save", _("Reassign")), once=True)


class EndAssignmentForm(forms.Form):
    ended_on = BoundedDate(label=_("Last day"), not_future=False)
    reason = Text(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "assignment-end-form", ("save", _("End the assignment")), once=True
        )


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
