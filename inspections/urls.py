from django.urls import path

from .views import assessments, dashboard, ethics, exemplary, help, inspections, reports

app_name = "inspections"

urlpatterns = [
    path("branch/", dashboard.branch_home, name="branch_home"),
    path("school/", dashboard.school_home, name="school_home"),
    path("school/overview.xlsx", assessments.school_export, name="school_export"),
    path("leader/", dashboard.leader_home, name="leader_home"),
    path("branch/<int:branch_id>/", dashboard.branch_dashboard, name="branch_dashboard"),
    path("branch/<int:branch_id>/settings/", dashboard.branch_settings, name="branch_settings"),
    path("branch/<int:branch_id>/matrix.xlsx", dashboard.matrix_export, name="matrix_export"),
    path("branch/<int:branch_id>/opinions.xlsx", dashboard.opinion_export, name="opinion_export"),
    path("exemplary/", exemplary.exemplary_list, name="exemplary_list"),
    path("exemplary/new/", exemplary.exemplary_edit, name="exemplary_create"),
    path("exemplary/<int:pk>/", exemplary.exemplary_detail, name="exemplary_detail"),
    path("exemplary/<int:pk>/edit/", exemplary.exemplary_edit, name="exemplary_edit"),
    # Semester cycle: R61 reports, R62 inspections, R64 assessments and exports.
    path("reports/<int:semester_id>/mine/", reports.report_mine, name="report_mine"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/review/", reports.report_review, name="report_review"),
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/pdf/", inspections.inspection_pdf, name="inspection_pdf"),
    path("assessments/", assessments.assessment_list, name="assessment_list"),
    path("assessments/<int:pk>/grade/", assessments.assessment_grade, name="assessment_grade"),
    path("assessments/pdf/", assessments.assessment_branch_pdf, name="assessment_branch_pdf"),
    path("assessments/export.xlsx", assessments.assessment_export, name="assessment_export"),
    path(
        "assessments/school.xlsx",
        assessments.assessment_school_export,
        name="assessment_school_export",
    ),
    # R48: the secretary's 师德 commendations and concerns (confidential).
    path("ethics/", ethics.ethics_list, name="ethics_list"),
    path("ethics/<int:pk>/lift/", ethics.ethics_lift, name="ethics_lift"),
    path("exports/", assessments.export_list, name="export_list"),
    path("exports/<int:pk>/", assessments.export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", assessments.export_status, name="export_status"),
    path("exports/<int:pk>/download/", assessments.export_download, name="export_download"),
]

# Issue 18: the in-app help (使用说明), namespace "help", at /help/ for every signed-in person.
help_urlpatterns = [
    path("", help.help_page, name="index"),
]
