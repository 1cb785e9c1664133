"""Authentication events go to the audit log (infrastructure, not domain logic)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import audit
from .models import AuditAction


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    audit(AuditAction.LOGIN, actor=user, object_repr=user.get_username())


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit(AuditAction.LOGOUT, actor=user, object_repr=user.get_username())


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The username typed is kept (it may not exist); the password never is.
    audit(AuditAction.LOGIN_FAILED, object_repr=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    audit(AuditAction.LOCKOUT, object_repr=str(username or "")[:150])
