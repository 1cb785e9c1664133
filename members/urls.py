from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("me/", views.whoami, name="whoami"),
]
