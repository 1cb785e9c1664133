from django.urls import path

from .views import box, confirmation, contacts, events, handbook, opinions, records, talks

app_name = "talks"

urlpatterns = [
    path("", talks.my_page, name="my_page"),
    path("log/", talks.talk_create, name="talk_create"),
    path("records/", talks.my_records, name="my_records"),
    path("log/<int:pk>/", talks.talk_detail, name="talk_detail"),
    path("log/<int:pk>/edit/", talks.talk_edit, name="talk_edit"),
    path("log/<int:pk>/delete/", talks.talk_delete, name="talk_delete"),
    path(
        "log/<int:pk>/confirmation/",
        confirmation.talk_confirmation,
        name="talk_confirmation",
    ),
    path("opinions/mine/", box.my_opinions, name="my_opinions"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:contact_pk>/events/new/", events.event_create, name="event_create"),
    path("handbook/", handbook.handbook, name="handbook"),
    path("handbook/pdf/", handbook.handbook_pdf, name="handbook_pdf"),
    path("handbook/<int:member_pk>/", handbook.handbook, name="member_handbook"),
    path("handbook/<int:member_pk>/pdf/", handbook.handbook_pdf, name="member_handbook_pdf"),
    # Secretary's and leader's side: R43 queue, R51 events, R52, R54.
    path("branch/opinions/", opinions.opinion_queue, name="opinion_queue"),
    path("branch/opinions/new/", opinions.opinion_box_create, name="opinion_box_create"),
    path("branch/opinions/<int:pk>/", opinions.opinion_detail, name="opinion_detail"),
    path("branch/opinion-box/", box.box_page, name="box_page"),
    path("branch/opinion-box/poster.pdf", box.box_poster, name="box_poster"),
    path("branch/events/", events.event_list, name="branch_events"),
    path(
        "branch/contacts/<int:contact_pk>/events/new/",
        events.branch_event_create,
        name="branch_event_create",
    ),
    path("branch/symposiums/", records.symposium_list, name="symposium_list"),
    path("branch/symposiums/new/", records.symposium_create, name="symposium_create"),
    path("branch/symposiums/<int:pk>/", records.symposium_detail, name="symposium_detail"),
    path("branch/symposiums/<int:pk>/edit/", records.symposium_edit, name="symposium_edit"),
    path("branch/symposiums/<int:pk>/minutes.pdf", records.symposium_pdf, name="symposium_pdf"),
    path(
        "branch/symposium-files/<int:pk>/",
        records.symposium_attachment,
        name="symposium_attachment",
    ),
    path(
        "branch/symposium-files/<int:pk>/delete/",
        records.symposium_attachment_delete,
        name="symposium_attachment_delete",
    ),
    path("leader/visits/new/", records.leader_visit_create, name="leader_visit_create"),
    path("leader/visits/<int:pk>/edit/", records.leader_visit_edit, name="leader_visit_edit"),
    path("branch/briefings/", records.briefing_list, name="briefing_list"),
    path("branch/briefings/new/", records.briefing_create, name="briefing_create"),
    path("branch/briefings/<int:pk>/edit/", records.briefing_edit, name="briefing_edit"),
]

# R42/R43: the pages without login (a contact confirming a talk, the opinion box), namespace
# "public", at the site's root: short paths, since they are typed from posters and QR codes.
public_urlpatterns = [
    path("c/<str:token>/", confirmation.confirm, name="confirm"),
    path("box/", box.opinion_box, name="school_box"),
    path("box/<int:branch_id>/", box.opinion_box, name="branch_box"),
    path("box/status/", box.box_status, name="box_status"),
]
