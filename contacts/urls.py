from django.urls import path

from .views import audit, contacts, roster

app_name = "contacts"

urlpatterns: list = [
    path("<int:pk>/assistance/new/", contacts.assistance_create, name="assistance_create"),
    # Secretary's side (views/contacts.py): contacts, assignments (R44), pairing (R53).
    path("manage/", contacts.manage_list, name="manage_list"),
    path("manage/new/", contacts.contact_create, name="manage_create"),
    path("manage/<int:pk>/", contacts.manage_detail, name="manage_detail"),
    path("manage/<int:pk>/edit/", contacts.contact_edit, name="manage_edit"),
    path(
        "manage/assignments/<int:pk>/reassign/",
        contacts.assignment_reassign,
        name="manage_reassign",
    ),
    path("manage/assignments/<int:pk>/end/", contacts.assignment_end, name="manage_end"),
    path("manage/pairing/", contacts.pairing_view, name="pairing"),
    path("<int:pk>/audit/", audit.contact_audit, name="contact_audit"),
    # Roster import (views/roster.py): upload, preview, apply; the template file.
    path("manage/roster/", roster.roster_import, name="roster_import"),
    path("manage/roster/preview/", roster.roster_preview, name="roster_preview"),
    path("manage/roster/apply/", roster.roster_apply, name="roster_apply"),
    path("manage/roster/template.<str:fmt>", roster.roster_template, name="roster_template"),
]
