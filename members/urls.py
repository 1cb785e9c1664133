from django.urls import path

from . import lead_views, notification_views, views

app_name = "members"

urlpatterns = [
    path("me/", views.whoami, name="whoami"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/",
        notification_views.notification_detail,
        name="notification_detail",
    ),
    path("leads/", lead_views.leads, name="leads"),
    path("leads/new/", lead_views.lead_create, name="lead_create"),
    path("leads/<int:pk>/edit/", lead_views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/evidence/", lead_views.lead_evidence, name="lead_evidence"),
]
