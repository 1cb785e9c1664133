from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from inspections.urls import help_urlpatterns
from members.forms import LoginForm
from members.views import accounts, home
from talks.urls import public_urlpatterns

urlpatterns = [
    path("", home.home, name="home"),
    path("no-role/", home.no_role, name="no_role"),
    path("healthz", home.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Finding 8: one's own password; a one-time link (issued or mailed) sets a new one.
    path(
        "accounts/password/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/reset/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/set/<uidb64>/<token>/",
        accounts.SetPasswordView.as_view(),
        name="password_set",
    ),
    path(
        "accounts/set/done/",
        accounts.SetPasswordDoneView.as_view(),
        name="password_set_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("members/", include("members.urls")),
    path("contacts/", include("contacts.urls")),
    path("talks/", include("talks.urls")),
    # R42/R43: the pages without login (a contact confirming a talk, the opinion box).
    path("", include((public_urlpatterns, "public"))),
    path("semester/", include("inspections.urls")),
    path("help/", include((help_urlpatterns, "help"))),
    path("admin/", admin.site.urls),
]
# Finding 7: the app's own Chinese error pages, also under DEBUG=0 (members/views/errors.py).
handler400 = "members.views.errors.bad_request"
handler403 = "members.views.errors.permission_denied"
handler404 = "members.views.errors.page_not_found"
handler500 = "members.views.errors.server_error"
