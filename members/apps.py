from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Branches and members")
    default = True  # the app's config: this module also holds the admin's (below)

    def ready(self) -> None:
        # The login/logout audit (signals) and the Celery jobs, queued by name (members/jobs.py).
        from . import signals, tasks  # noqa: F401


class LiaisonAdminConfig(admin_apps.AdminConfig):
    """In INSTALLED_APPS instead of django.contrib.admin: makes LiaisonAdminSite the default.
    Here, not in admin_site.py: INSTALLED_APPS imports this class before the models are loaded,
    and the site (imported when first used) audits through them."""

    default = False
    default_site = "members.admin_site.LiaisonAdminSite"
