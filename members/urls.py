from django.urls import path

from .views import accounts, channels, home, leads, notifications

app_name = "members"

urlpatterns = [
    path("me/", home.whoami, name="whoami"),
    # Issue 17: WeCom and DingTalk channels.
    path("me/channels/", channels.my_channels, name="my_channels"),
    path("school/channels/", channels.school_channels, name="school_channels"),
    path("branch/<int:branch_id>/channels/", channels.branch_channels, name="branch_channels"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/",
        notifications.notification_detail,
        name="notification_detail",
    ),
    # Finding 7 and 8: members' accounts (secretary: own branch; admin: everyone).
    path("accounts/", accounts.account_list, name="account_list"),
    path("accounts/<int:pk>/", accounts.account_detail, name="account_detail"),
    path("accounts/<int:pk>/link/", accounts.account_link, name="account_link"),
    path("accounts/<int:pk>/unlock/", accounts.account_unlock, name="account_unlock"),
    path("leads/", leads.leads, name="leads"),
    path("leads/new/", leads.lead_create, name="lead_create"),
    path("leads/<int:pk>/edit/", leads.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/delete/", leads.lead_delete, name="lead_delete"),
    path("leads/<int:pk>/evidence/", leads.lead_evidence, name="lead_evidence"),
]
