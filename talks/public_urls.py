"""The pages without login (R42, R43): short paths, since they are typed from posters and QR."""

from django.urls import path

from . import public_views

app_name = "public"

urlpatterns = [
    path("c/<str:token>/", public_views.confirm, name="confirm"),
    path("box/", public_views.opinion_box, name="school_box"),
    path("box/<int:branch_id>/", public_views.opinion_box, name="branch_box"),
    path("box/status/", public_views.box_status, name="box_status"),
]
