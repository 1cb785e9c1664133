"""The Django admin as an operations tool that cannot get around RULES.md "Who may read what".

It is the project's default admin site (members.apps.LiaisonAdminConfig), so every ModelAdmin
registered anywhere (the apps', django.contrib.auth's, axes') is wrapped at registration:

- confidential fields (CONFIDENTIAL_FIELDS) are never in a form, a list, a read-only display
  or a search;
- fields that decide who reads confidential text or who wrote a record (DECIDING_FIELDS) are
  read-only, and such models cannot be added here (the app's services write them, with checks);
- every add, change and delete made here is also written to the app's AuditLog (Django calls
  log_addition / log_change / log_deletions inside the transaction of the change).

Its users are the operations (superuser) accounts of README "运维账号 / Operations account";
the school admin of the app is an application role with no access here.
"""

from __future__ import annotations

from django.contrib import admin

from .audit import audit

# Model label → fields holding confidential text (R32, R47, R48, R51 category 4).
CONFIDENTIAL_FIELDS: dict[str, set[str]] = {
    "contacts.contact": {"hardship_description"},
    "contacts.assistancerecord": {"what", "result"},
    "talks.talklog": {"content", "observation"},
    "talks.musttalkevent": {"note"},
    "inspections.ethicsnote": {"text"},
}

# Model label → fields deciding whether a record is confidential, who may read it (the branch,
# the assignment, the roles) or who wrote it.
DECIDING_FIELDS: dict[str, set[str]] = {
    "contacts.contact": {"branch", "category"},
    "contacts.assignment": {
        "member",
        "contact",
        "contact_category",
        "started_on",
        "ended_on",
        "created_by",
    },
    "contacts.assistancerecord": {"contact", "author"},
    "talks.talklog": {"member", "contact", "assignment", "must_talk_event", "is_criticism"},
    "talks.musttalkevent": {
        "branch",
        "contact",
        "member",
        "category",
        "sub_kind",
        "recorded_by",
    },
    "members.member": {"user", "branch", "role", "is_school_admin", "is_leader", "active"},
    "members.leadercontactpoint": {"leader", "branch"},
    "inspections.ethicsnote": {"member", "kind", "recorded_by"},
}


def _label(model) -> str:
    return model._meta.label_lower


def _model_fields(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


class AuditedAdminMixin:
    """Mixed in front of every registered ModelAdmin by LiaisonAdminSite.register."""

    def _confidential(self) -> set[str]:
        return CONFIDENTIAL_FIELDS.get(_label(self.model), set())

    def _deciding(self) -> set[str]:
        return DECIDING_FIELDS.get(_label(self.model), set()) & _model_fields(self.model)

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or []), *sorted(self._confidential())]

    def get_fields(self, request, obj=None):
        return [f for f in super().get_fields(request, obj) if f not in self._confidential()]

    def get_fieldsets(self, request, obj=None):
        hidden = self._confidential()
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        hidden = self._confidential()
        readonly = [f for f in super().get_readonly_fields(request, obj) if f not in hidden]
        return [*readonly, *sorted(self._deciding() - set(readonly))]

    def get_list_display(self, request):
        return [f for f in super().get_list_display(request) if f not in self._confidential()]

    def get_search_fields(self, request):
        hidden = self._confidential()
        return [f for f in super().get_search_fields(request) if f.split("__")[0] not in hidden]

    def has_add_permission(self, request, *args):
        return not self._deciding() and super().has_add_permission(request, *args)

    def construct_change_message(self, request, form, formsets, add=False):
        # Kept for log_change: the field names (Django's message holds their labels).
        request._audit_changed_fields = list(form.changed_data)
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        _audit(request, obj, "create")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        _audit(request, obj, "update", fields=getattr(request, "_audit_changed_fields", None))
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            _audit(request, obj, "delete")
        return entries


def _audit(request, obj, action: str, fields: list[str] | None = None) -> None:
    # By label: members sits below contacts and cannot import it.
    is_contact = _label(type(obj)) == "contacts.contact"
    contact_id = obj.pk if is_contact else getattr(obj, "contact_id", None)
    audit(
        action,
        actor=request.user,
        obj=obj,
        branch_id=getattr(obj, "branch_id", None),
        contact_id=contact_id,
        details={"via": "django-admin", **({"fields": fields} if fields else {})},
    )


class LiaisonAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (AuditedAdminMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)
