from django.urls import path

from . import account_views, channel_views, lead_views, notification_views, views

app_name = "members"

urlpatterns = [
    path("me/", views.whoami, name="whoami"),
    # Issue 17: WeCom and DingTalk channels.
    path("me/channels/", channel_views.my_channels, name="my_channels"),
    path("school/channels/", channel_views.school_channels, name="school_channels"),
    path(
        "branch/<int:branch_id>/channels/", channel_views.branch_channels, name="branch_channels"
    ),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/",
        notification_views.notification_detail,
        name="notification_detail",
    ),
    # Finding 7 and 8: members' accounts (secretary: own branch; admin: everyone).
    path("accounts/", account_views.account_list, name="account_list"),
    path("accounts/<int:pk>/", account_views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/link/", account_views.account_link, name="account_link"),
    path("accounts/<int:pk>/unlock/", account_views.account_unlock, name="account_unlock"),
    path("leads/", lead_views.leads, name="leads"),
    path("leads/new/", lead_views.lead_create, name="lead_create"),
    path("leads/<int:pk>/edit/", lead_views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/delete/", lead_views.lead_delete, name="lead_delete"),
    path("leads/<int:pk>/evidence/", lead_views.lead_evidence, name="lead_evidence"),
]
