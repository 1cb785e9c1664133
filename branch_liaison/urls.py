from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from members import account_views
from members import views as member_views

urlpatterns = [
    path("", member_views.home, name="home"),
    path("no-role/", member_views.no_role, name="no_role"),
    path("healthz", member_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=member_views.LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Finding 8: one's own password; a one-time link (issued or mailed) sets a new one.
    path(
        "accounts/password/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        account_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/set/<uidb64>/<token>/",
        account_views.SetPasswordView.as_view(),
        name="password_set",
    ),
    path(
        "accounts/set/done/",
        account_views.SetPasswordDoneView.as_view(),
        name="password_set_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("members/", include("members.urls")),
    path("contacts/", include("contacts.urls")),
    path("talks/", include("talks.urls")),
    # R42/R43: the pages without login (a contact confirming a talk, the opinion box).
    path("", include("talks.public_urls")),
    path("semester/", include("inspections.urls")),
    path("help/", include("inspections.help_urls")),
    path("admin/", admin.site.urls),
]
# Finding 7: the app's own Chinese error pages, also under DEBUG=0 (members/error_views.py).
handler400 = "members.error_views.bad_request"
handler403 = "members.error_views.permission_denied"
handler404 = "members.error_views.page_not_found"
handler500 = "members.error_views.server_error"
