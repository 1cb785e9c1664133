from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalksConfig(AppConfig):
    name = "talks"
    verbose_name = _("Talks, events and opinions")

    def ready(self) -> None:
        # R51: a contact's open must-talk events follow them to their new member; contacts
        # cannot import this app, so it calls what is registered here.
        from contacts.services import contacts as contact_services

        from .services.talks import must_talk_events_pass_on

        if must_talk_events_pass_on not in contact_services.ON_ASSIGNED:
            contact_services.ON_ASSIGNED.append(must_talk_events_pass_on)
