from django.contrib import admin

from .models import ActivistStageChange, Assignment, AssistanceRecord, Contact


class StageInline(admin.TabularInline):
    model = ActivistStageChange
    extra = 0
    fields = ["stage", "changed_on"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    # The hardship description is confidential (R32): not shown in the admin.
    list_display = ["name", "branch", "category", "department", "active"]
    list_filter = ["category", "active", "branch"]
    search_fields = ["name", "staff_no"]
    autocomplete_fields = ["branch", "department"]
    exclude = ["hardship_description"]
    inlines = [StageInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["member", "contact", "contact_category", "started_on", "ended_on"]
    list_filter = ["contact_category", "member__branch"]
    search_fields = ["member__name", "contact__name"]
    autocomplete_fields = ["member", "contact"]
    list_select_related = ["member", "contact"]


@admin.register(AssistanceRecord)
class AssistanceRecordAdmin(admin.ModelAdmin):
    # Counts and dates only: what and result are confidential (R32).
    list_display = ["contact", "author", "date"]
    list_filter = ["contact__branch"]
    search_fields = ["contact__name"]
    fields = ["contact", "author", "date"]
    readonly_fields = ["contact", "author", "date"]

    def has_add_permission(self, request):
        return False
