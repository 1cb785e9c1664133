from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("branch/", views.branch_home, name="branch_home"),
    path("school/", views.school_home, name="school_home"),
    path("leader/", views.leader_home, name="leader_home"),
]
