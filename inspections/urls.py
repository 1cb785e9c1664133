from django.urls import path

from . import cycle_views, ethics, export_views, views

app_name = "inspections"

urlpatterns = [
    path("branch/", views.branch_home, name="branch_home"),
    path("school/", views.school_home, name="school_home"),
    path("school/overview.xlsx", export_views.school_export, name="school_export"),
    path("leader/", views.leader_home, name="leader_home"),
    path("branch/<int:branch_id>/", views.branch_dashboard, name="branch_dashboard"),
    path("branch/<int:branch_id>/settings/", views.branch_settings, name="branch_settings"),
    path("branch/<int:branch_id>/matrix.xlsx", views.matrix_export, name="matrix_export"),
    path("branch/<int:branch_id>/opinions.xlsx", views.opinion_export, name="opinion_export"),
    path("exemplary/", views.exemplary_list, name="exemplary_list"),
    path("exemplary/new/", views.exemplary_edit, name="exemplary_create"),
    path("exemplary/<int:pk>/", views.exemplary_detail, name="exemplary_detail"),
    path("exemplary/<int:pk>/edit/", views.exemplary_edit, name="exemplary_edit"),
    # Semester cycle (cycle_views): R61 reports, R62 inspections, R64 assessments and exports.
    path("reports/<int:semester_id>/mine/", cycle_views.report_mine, name="report_mine"),
    path("reports/", cycle_views.report_list, name="report_list"),
    path("reports/<int:pk>/review/", cycle_views.report_review, name="report_review"),
    path("inspections/", cycle_views.inspection_list, name="inspection_list"),
    path("inspections/<int:pk>/", cycle_views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/pdf/", cycle_views.inspection_pdf, name="inspection_pdf"),
    path("assessments/", cycle_views.assessment_list, name="assessment_list"),
    path("assessments/<int:pk>/grade/", cycle_views.assessment_grade, name="assessment_grade"),
    path("assessments/pdf/", cycle_views.assessment_branch_pdf, name="assessment_branch_pdf"),
    path("assessments/export.xlsx", export_views.assessment_export, name="assessment_export"),
    path(
        "assessments/school.xlsx",
        export_views.assessment_school_export,
        name="assessment_school_export",
    ),
    # R48: the secretary's 师德 commendations and concerns (confidential).
    path("ethics/", ethics.ethics_list, name="ethics_list"),
    path("ethics/<int:pk>/lift/", ethics.ethics_lift, name="ethics_lift"),
    path("exports/", cycle_views.export_list, name="export_list"),
    path("exports/<int:pk>/", cycle_views.export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", cycle_views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", cycle_views.export_download, name="export_download"),
]
