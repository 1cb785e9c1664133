from django.urls import path

from . import contact_views, handbook, views

app_name = "talks"

urlpatterns = [
    path("", views.my_page, name="my_page"),
    path("log/", views.talk_create, name="talk_create"),
    path("log/<int:pk>/", views.talk_detail, name="talk_detail"),
    path("log/<int:pk>/edit/", views.talk_edit, name="talk_edit"),
    path("log/<int:pk>/delete/", views.talk_delete, name="talk_delete"),
    path("contacts/<int:pk>/", contact_views.contact_detail, name="contact_detail"),
    path("contacts/<int:contact_pk>/events/new/", views.event_create, name="event_create"),
    path("handbook/", handbook.handbook, name="handbook"),
    path("handbook/pdf/", handbook.handbook_pdf, name="handbook_pdf"),
    path("handbook/<int:member_pk>/", handbook.handbook, name="member_handbook"),
    path("handbook/<int:member_pk>/pdf/", handbook.handbook_pdf, name="member_handbook_pdf"),
]
