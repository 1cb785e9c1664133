from django.contrib import admin

from .models import (
    Assessment,
    AssessmentExport,
    ExemplaryCase,
    Inspection,
    Semester,
    SemesterReport,
)


@admin.register(Semester)
class SemesterAdmin(admin.ModelAdmin):
    list_display = ["name", "start_on", "end_on"]
    search_fields = ["name"]


@admin.register(SemesterReport)
class SemesterReportAdmin(admin.ModelAdmin):
    list_display = ["member", "semester", "status", "submitted_at", "is_late"]
    list_filter = ["status", "is_late", "semester", "member__branch"]
    search_fields = ["member__name"]
    autocomplete_fields = ["member"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["branch", "half", "version", "trigger", "generated_at"]
    list_filter = ["half", "branch"]
    readonly_fields = ["data"]


@admin.register(ExemplaryCase)
class ExemplaryCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "branch", "kind", "occurred_on", "published"]
    list_filter = ["kind", "published", "branch"]
    search_fields = ["title", "person_name"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["member", "semester", "score", "grade", "basic_condition_met"]
    list_filter = ["grade", "basic_condition_met", "semester", "member__branch"]
    search_fields = ["member__name"]
    autocomplete_fields = ["member"]


@admin.register(AssessmentExport)
class AssessmentExportAdmin(admin.ModelAdmin):
    list_display = ["semester", "branch", "status", "progress", "total", "created_at"]
    list_filter = ["status"]
