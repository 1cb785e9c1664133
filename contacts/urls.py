from django.urls import path

from . import audit_views, manage_views, roster_views, views

app_name = "contacts"

urlpatterns: list = [
    path("<int:pk>/assistance/new/", views.assistance_create, name="assistance_create"),
    # Secretary's side (manage_views): contacts, assignments (R44), pairing (R53).
    path("manage/", manage_views.manage_list, name="manage_list"),
    path("manage/new/", manage_views.contact_create, name="manage_create"),
    path("manage/<int:pk>/", manage_views.manage_detail, name="manage_detail"),
    path("manage/<int:pk>/edit/", manage_views.contact_edit, name="manage_edit"),
    path(
        "manage/assignments/<int:pk>/reassign/",
        manage_views.assignment_reassign,
        name="manage_reassign",
    ),
    path("manage/assignments/<int:pk>/end/", manage_views.assignment_end, name="manage_end"),
    path("manage/pairing/", manage_views.pairing_view, name="pairing"),
    path("<int:pk>/audit/", audit_views.contact_audit, name="contact_audit"),
    # Roster import (roster_views): upload, preview, apply; the template file.
    path("manage/roster/", roster_views.roster_import, name="roster_import"),
    path("manage/roster/preview/", roster_views.roster_preview, name="roster_preview"),
    path("manage/roster/apply/", roster_views.roster_apply, name="roster_apply"),
    path("manage/roster/template.<str:fmt>", roster_views.roster_template, name="roster_template"),
]
