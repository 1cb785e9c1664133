from django.urls import path

from . import branch_views, contact_views, handbook, public_views, symposium_pdf, views

app_name = "talks"

urlpatterns = [
    path("", views.my_page, name="my_page"),
    path("log/", views.talk_create, name="talk_create"),
    path("records/", views.my_records, name="my_records"),
    path("log/<int:pk>/", views.talk_detail, name="talk_detail"),
    path("log/<int:pk>/edit/", views.talk_edit, name="talk_edit"),
    path("log/<int:pk>/delete/", views.talk_delete, name="talk_delete"),
    path(
        "log/<int:pk>/confirmation/",
        public_views.talk_confirmation,
        name="talk_confirmation",
    ),
    path("opinions/mine/", public_views.my_opinions, name="my_opinions"),
    path("contacts/<int:pk>/", contact_views.contact_detail, name="contact_detail"),
    path("contacts/<int:contact_pk>/events/new/", views.event_create, name="event_create"),
    path("handbook/", handbook.handbook, name="handbook"),
    path("handbook/pdf/", handbook.handbook_pdf, name="handbook_pdf"),
    path("handbook/<int:member_pk>/", handbook.handbook, name="member_handbook"),
    path("handbook/<int:member_pk>/pdf/", handbook.handbook_pdf, name="member_handbook_pdf"),
    # Secretary's and leader's side (branch_views): R43 queue, R51 events, R52, R54.
    path("branch/opinions/", branch_views.opinion_queue, name="opinion_queue"),
    path("branch/opinions/new/", branch_views.opinion_box_create, name="opinion_box_create"),
    path("branch/opinions/<int:pk>/", branch_views.opinion_detail, name="opinion_detail"),
    path("branch/opinion-box/", public_views.box_page, name="box_page"),
    path("branch/opinion-box/poster.pdf", public_views.box_poster, name="box_poster"),
    path("branch/events/", branch_views.event_list, name="branch_events"),
    path(
        "branch/contacts/<int:contact_pk>/events/new/",
        branch_views.branch_event_create,
        name="branch_event_create",
    ),
    path("branch/symposiums/", branch_views.symposium_list, name="symposium_list"),
    path("branch/symposiums/new/", branch_views.symposium_create, name="symposium_create"),
    path("branch/symposiums/<int:pk>/", branch_views.symposium_detail, name="symposium_detail"),
    path("branch/symposiums/<int:pk>/edit/", branch_views.symposium_edit, name="symposium_edit"),
    path(
        "branch/symposiums/<int:pk>/minutes.pdf", symposium_pdf.symposium_pdf, name="symposium_pdf"
    ),
    path(
        "branch/symposium-files/<int:pk>/",
        branch_views.symposium_attachment,
        name="symposium_attachment",
    ),
    path(
        "branch/symposium-files/<int:pk>/delete/",
        branch_views.symposium_attachment_delete,
        name="symposium_attachment_delete",
    ),
    path("leader/visits/new/", branch_views.leader_visit_create, name="leader_visit_create"),
    path("leader/visits/<int:pk>/edit/", branch_views.leader_visit_edit, name="leader_visit_edit"),
    path("branch/briefings/", branch_views.briefing_list, name="briefing_list"),
    path("branch/briefings/new/", branch_views.briefing_create, name="briefing_create"),
    path("branch/briefings/<int:pk>/edit/", branch_views.briefing_edit, name="briefing_edit"),
]
