"""Reads of the members app that views share: account lockouts and passwords."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone

from .models import Member


def locked_usernames(usernames) -> set[str]:
    """Which of these usernames are locked out now from at least one address."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


def has_own_password(member: Member) -> bool:
    return not member.user.password.startswith(UNUSABLE_PASSWORD_PREFIX)
