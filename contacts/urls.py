from django.urls import path

from . import views

app_name = "contacts"

urlpatterns: list = [
    path("<int:pk>/assistance/new/", views.assistance_create, name="assistance_create"),
]
