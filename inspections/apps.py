from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Semester cycle")

    def ready(self) -> None:
        # The inspection email carries its PDF; members/notify.py cannot import this app.
        from members import notify
        from members.models import NotificationKind

        from .services.reminders import inspection_attachment

        notify.ATTACHMENTS[NotificationKind.INSPECTION] = inspection_attachment

        from . import tasks  # noqa: F401  (its jobs, queued by name: members/jobs.py)
