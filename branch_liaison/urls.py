from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

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
    path("i18n/", include("django.conf.urls.i18n")),
    path("members/", include("members.urls")),
    path("contacts/", include("contacts.urls")),
    path("talks/", include("talks.urls")),
    # R42/R43: the pages without login (a contact confirming a talk, the opinion box).
    path("", include("talks.public_urls")),
    path("semester/", include("inspections.urls")),
    path("admin/", admin.site.urls),
]
handler500 = "members.views.server_error"
