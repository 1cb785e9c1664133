"""R43: who hears about an opinion. The secretary of every new one; the member who relayed it
(from a talk, or who recorded the symposium) of each change of its status.

The notifications carry dates and the status, never the opinion's text: their email and channel
copies leave the app, and an opinion raised in a hardship talk may be confidential.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from members.models import Member, NotificationKind, Role
from members.notify import notify

from .models import Opinion, OpinionSource, OpinionStatus


def new_opinion(opinion: Opinion, by=None) -> None:
    """Every active secretary of the branch, except the one who entered it."""
    secretaries = Member.objects.active().filter(branch_id=opinion.branch_id, role=Role.SECRETARY)
    for secretary in secretaries.select_related("user"):
        if by is not None and secretary.user_id == getattr(by, "pk", None):
            continue
        notify(
            recipient=secretary.user,
            kind=NotificationKind.OPINION,
            period=f"opinion-{opinion.pk}",
            subject=_("A new opinion is in the queue (%(source)s)")
            % {"source": OpinionSource(opinion.source).label},
            body=_("Received on %(date)s; to be acted on by %(due)s.")
            % {"date": opinion.received_on.isoformat(), "due": opinion.due_on.isoformat()},
            link=reverse("talks:opinion_detail", args=[opinion.pk]),
        )


def relayed_by(opinion: Opinion):
    """The user who relayed the opinion: the talk's member, or who recorded the symposium."""
    if opinion.conveyed_by_id:
        return Member.objects.select_related("user").get(pk=opinion.conveyed_by_id).user
    if opinion.symposium_id:
        return opinion.symposium.recorded_by
    return None


def status_changed(opinion: Opinion, to_status: str, by) -> None:
    recipient = relayed_by(opinion)
    if recipient is None or recipient.pk == getattr(by, "pk", None) or not recipient.is_active:
        return
    notify(
        recipient=recipient,
        kind=NotificationKind.OPINION_STATUS,
        period=f"opinion-{opinion.pk}-{to_status}",
        subject=_("An opinion you relayed is now: %(status)s")
        % {"status": OpinionStatus(to_status).label},
        body=_("The opinion received on %(date)s is now: %(status)s. See your opinions page.")
        % {"date": opinion.received_on.isoformat(), "status": OpinionStatus(to_status).label},
        link=reverse("talks:my_opinions"),
    )
