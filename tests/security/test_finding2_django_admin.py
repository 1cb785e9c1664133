"""Issue 13 finding 2: /admin/ is an operations tool that cannot open confidential text or
change what decides confidentiality or authorship, and whose every change is in the AuditLog."""

import datetime

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from members.admin_site import CONFIDENTIAL_FIELDS, DECIDING_FIELDS, AuditedAdminMixin
from members.models import AuditAction, AuditLog
from talks.models import MustTalkEvent
from tests.factories import MustTalkEventFactory, TalkLogFactory, UserFactory

SECRET = "家人重病住院，经济压力大"
NOTE = "群众反映其上课迟到较多"


@pytest.fixture
def ops(db):
    """The operations account of README: a Django superuser with no role in the app."""
    return UserFactory(username="ops", is_staff=True, is_superuser=True)


def _change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def test_finding2_admin_pages_show_no_confidential_text(app, ops, member_a, hardship_a):
    assignment = hardship_a.assignments.get()
    talk = TalkLogFactory(assignment=assignment, content="谈话里的保密内容")
    event = MustTalkEventFactory(
        contact=hardship_a, member=member_a, category="4", sub_kind="conduct", note=NOTE
    )
    for obj in (hardship_a, talk, event):
        html = app.get(_change_url(obj), user="ops").text
        assert SECRET not in html and NOTE not in html and "谈话里的保密内容" not in html
    for model in ("contacts_contact", "talks_talklog", "talks_musttalkevent"):
        html = app.get(reverse(f"admin:{model}_changelist"), user="ops").text
        assert SECRET not in html and NOTE not in html


def test_finding2_admin_cannot_change_category_or_author_and_is_audited(
    app, ops, member_a, secretary, hardship_a
):
    event = MustTalkEventFactory(
        contact=hardship_a,
        member=member_a,
        category="4",
        sub_kind="conduct",
        note=NOTE,
        recorded_by=secretary.user,
    )
    page = app.get(_change_url(event), user="ops")
    form = page.forms["musttalkevent_form"]
    for name in ("category", "sub_kind", "recorded_by", "contact", "member", "branch", "note"):
        assert name not in form.fields, name
    form["due_on"] = "2026-10-20"
    form.submit("_save").follow()
    event = MustTalkEvent.objects.get(pk=event.pk)
    assert (event.category, event.recorded_by_id, event.note) == ("4", secretary.user.pk, NOTE)
    assert event.due_on == datetime.date(2026, 10, 20)
    row = AuditLog.objects.get(action=AuditAction.UPDATE, object_id=str(event.pk))
    assert row.actor_username == "ops" and row.contact_id == hardship_a.pk
    assert row.details == {"via": "django-admin", "fields": ["due_on"]}


def test_finding2_admin_add_and_delete_are_audited(app, ops, branch):
    page = app.get(reverse("admin:members_department_add"), user="ops")
    form = page.forms["department_form"]
    form["name"] = "数学组"
    form.submit("_save").follow()
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="members.department")
    from members.models import Department

    department = Department.objects.get(name="数学组")
    delete = reverse("admin:members_department_delete", args=[department.pk])
    # Django's confirmation form has no id (the app fixture wants one): post what it sends.
    client = Client()
    client.force_login(ops)
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Department.objects.filter(pk=department.pk).exists()
    assert AuditLog.objects.filter(
        action=AuditAction.DELETE, object_type="members.department", object_id=str(department.pk)
    ).exists()


def test_finding2_every_registered_admin_is_locked_down(rf, ops):
    """A ModelAdmin registered anywhere is wrapped: a new one cannot forget the rules."""
    request = rf.get("/admin/")
    request.user = ops
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedAdminMixin), model
        label = model._meta.label_lower
        hidden = CONFIDENTIAL_FIELDS.get(label, set())
        deciding = DECIDING_FIELDS.get(label, set())
        shown = set(model_admin.get_fields(request)) | set(model_admin.get_list_display(request))
        assert not hidden & shown, label
        if deciding & {f.name for f in model._meta.get_fields()}:
            assert not model_admin.has_add_permission(request), label
            form_fields = set(model_admin.get_form(request)().fields)
            assert not deciding & form_fields, label


def test_finding2_school_admin_is_not_a_django_admin(client_for, admin):
    response = client_for(admin).get(reverse("admin:index"))
    assert response.status_code == 302  # to the admin's login: no access with the app's role


def test_finding2_member_roles_are_read_only_in_admin(app, ops, member_a):
    page = app.get(_change_url(member_a), user="ops")
    form = page.forms["member_form"]
    for name in ("role", "branch", "is_school_admin", "user", "active"):
        assert name not in form.fields, name
