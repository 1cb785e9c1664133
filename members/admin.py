from django.contrib import admin

from .models import (
    AuditLog,
    Branch,
    Department,
    FiveLeadActivity,
    LeaderContactPoint,
    Member,
    Notification,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "musttalk_deadline_days", "opinion_deadline_days"]
    search_fields = ["name"]
    autocomplete_fields = ["department"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "role", "is_leader", "is_school_admin", "active"]
    list_filter = ["role", "is_leader", "is_school_admin", "active", "branch"]
    search_fields = ["name", "user__username", "staff_no"]
    autocomplete_fields = ["user", "branch", "department"]
    list_select_related = ["branch"]


@admin.register(LeaderContactPoint)
class LeaderContactPointAdmin(admin.ModelAdmin):
    list_display = ["leader", "branch", "since"]
    autocomplete_fields = ["leader", "branch"]


@admin.register(FiveLeadActivity)
class FiveLeadActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "member", "kind", "date"]
    list_filter = ["kind", "member__branch"]
    search_fields = ["title", "member__name"]
    autocomplete_fields = ["member"]
    date_hierarchy = "date"
    exclude = ["evidence"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "period", "email_state", "created_at"]
    list_filter = ["kind", "email_state"]
    search_fields = ["recipient__username", "period"]
    raw_id_fields = ["recipient"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only and searchable: the log is append-only."""

    list_display = ["at", "actor_username", "action", "object_type", "object_repr", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_id", "object_repr", "request_id", "ip"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
