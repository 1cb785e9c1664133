from django.urls import path

from . import audit_views, views

app_name = "contacts"

urlpatterns: list = [
    path("<int:pk>/assistance/new/", views.assistance_create, name="assistance_create"),
    path("<int:pk>/audit/", audit_views.contact_audit, name="contact_audit"),
]
