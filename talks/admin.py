from django.contrib import admin

from .models import (
    Briefing,
    LeaderVisit,
    MustTalkEvent,
    Opinion,
    OpinionStatusChange,
    Symposium,
    TalkLog,
)


@admin.register(TalkLog)
class TalkLogAdmin(admin.ModelAdmin):
    # Content may be confidential (R32, R51 category 4): lists show who, whom and when only.
    list_display = ["date", "member", "contact", "is_talk", "is_work_report"]
    list_filter = ["is_talk", "is_work_report", "member__branch"]
    search_fields = ["member__name", "contact__name"]
    date_hierarchy = "date"
    fields = ["member", "contact", "date", "place", "is_talk", "is_work_report"]
    readonly_fields = fields
    list_select_related = ["member", "contact"]

    def has_add_permission(self, request):
        return False


@admin.register(MustTalkEvent)
class MustTalkEventAdmin(admin.ModelAdmin):
    list_display = [
        "contact",
        "member",
        "category",
        "sub_kind",
        "occurred_on",
        "due_on",
        "closed_on",
    ]
    list_filter = ["category", "branch"]
    search_fields = ["contact__name", "member__name"]
    exclude = ["note"]
    autocomplete_fields = ["contact", "member", "branch"]
    list_select_related = ["contact", "member"]


class StatusChangeInline(admin.TabularInline):
    model = OpinionStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "note"]


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = ["received_on", "branch", "source", "status", "due_on"]
    list_filter = ["status", "source", "branch"]
    search_fields = ["content", "raised_by_name"]
    raw_id_fields = ["talk", "symposium", "contact", "conveyed_by"]
    inlines = [StatusChangeInline]


@admin.register(Symposium)
class SymposiumAdmin(admin.ModelAdmin):
    list_display = ["held_on", "branch", "topic"]
    list_filter = ["branch"]
    search_fields = ["topic"]


@admin.register(LeaderVisit)
class LeaderVisitAdmin(admin.ModelAdmin):
    list_display = ["date", "leader", "branch", "kind"]
    list_filter = ["kind", "branch"]
    autocomplete_fields = ["leader", "branch"]


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["date", "branch", "subject", "audience"]
    list_filter = ["branch"]
    search_fields = ["subject"]
