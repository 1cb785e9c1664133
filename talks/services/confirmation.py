"""R42: the contact confirms a talk without an account.

The member asks for a link (shown as a QR code or copied); it carries the id of a
TalkConfirmation row, the talk and the talk's version, signed with its own salt, so nothing in it
can be guessed or changed. The row says until when it is valid and holds the one answer: a second
visit shows that answer. Editing the talk counts its version up (services.talk_log_update), which
voids every link made for the old text and the answer given to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.audit import audit, request_context
from members.models import AuditAction, Branch, Member, NotificationKind, Role
from members.notify import notify

from ..models import ConfirmationState, Opinion, OpinionSource, TalkConfirmation, TalkLog
from ..selectors import latest_answer, live_request
from .opinions import opinion_enqueue

SALT = "talks.confirmation.r42"


WORD_MAX = 500


OPINION_MAX = 2000


def token_for(confirmation: TalkConfirmation) -> str:
    """The signed part of the link (deterministic: the member can show it again)."""
    return signing.Signer(salt=SALT).sign_object(
        {"c": confirmation.pk, "t": confirmation.talk_id, "v": confirmation.version}
    )


def link_for(confirmation: TalkConfirmation) -> str:
    return reverse("public:confirm", args=[token_for(confirmation)])


@dataclass
class Opened:
    """What a link leads to: `state` is one of "answered", "open", or None (unknown, tampered,
    expired or voided by an edit: one plain page for all of them)."""

    state: str | None
    confirmation: TalkConfirmation | None = None


def open_link(token: str, now=None) -> Opened:
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        pk, talk_id, version = int(data["c"]), int(data["t"]), int(data["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Opened(None)
    confirmation = (
        TalkConfirmation.objects.select_related("talk__member", "talk__contact")
        .filter(pk=pk, talk_id=talk_id, version=version, talk__version=version)
        .first()
    )
    if confirmation is None:
        return Opened(None)
    if confirmation.answered_at is not None:
        return Opened("answered", confirmation)
    if confirmation.expires_at <= (now or timezone.now()):
        return Opened(None)
    return Opened("open", confirmation)


def _branch(talk: TalkLog) -> Branch:
    """The talk's branch: talks are recorded by members of a branch."""
    return cast(Branch, talk.member.branch)


@transaction.atomic
def confirmation_request(*, talk: TalkLog, by) -> TalkConfirmation:
    """The author asks the contact to confirm this version of the talk: the live request of
    this version if there is one (the same link again), else a new one valid for the branch's
    number of days."""
    if talk.member.user_id != by.pk:
        raise PermissionDenied
    if latest_answer(talk) is not None:
        raise ValidationError(_("The contact has already answered for this record."))
    now = timezone.now()
    live = live_request(talk)
    if live is not None:
        return live
    confirmation = TalkConfirmation.objects.create(
        talk=talk,
        version=talk.version,
        created_at=now,
        expires_at=now + timedelta(days=_branch(talk).confirmation_valid_days),
    )
    # A denial of an earlier version stays shown until this one is answered.
    if (
        TalkLog.objects.filter(pk=talk.pk, version=talk.version)
        .exclude(confirmation_state=ConfirmationState.DENIED)
        .update(confirmation_state=ConfirmationState.PENDING)
    ):
        talk.confirmation_state = ConfirmationState.PENDING
    audit(
        AuditAction.CREATE,
        actor=by,
        obj=confirmation,
        branch_id=talk.member.branch_id,
        contact_id=talk.contact_id,
    )
    return confirmation


@transaction.atomic
def confirmation_answer(
    *, confirmation: TalkConfirmation, confirmed: bool, word: str = "", opinion: str = ""
) -> TalkConfirmation:
    """The contact's one answer. The conditional UPDATEs make it count once (two taps at once,
    or an answer racing an edit of the talk: the edit wins and the answer is refused)."""
    word, opinion = word.strip(), opinion.strip()
    if len(word) > WORD_MAX or len(opinion) > OPINION_MAX:
        raise ValidationError(_("The text is too long."))
    answer = ConfirmationState.CONFIRMED if confirmed else ConfirmationState.DENIED
    now = timezone.now()
    talk = confirmation.talk
    claimed = TalkConfirmation.objects.filter(
        pk=confirmation.pk, answered_at__isnull=True, expires_at__gt=now
    ).update(answer=answer, word=word, answered_at=now, answered_ip=_ip())
    if not claimed or not TalkLog.objects.filter(pk=talk.pk, version=confirmation.version).update(
        confirmation_state=answer
    ):
        raise ValidationError(_("This link can no longer be answered."))
    confirmation.refresh_from_db()
    branch = _branch(talk)
    audit(
        AuditAction.UPDATE,
        obj=confirmation,
        branch_id=branch.pk,
        contact_id=talk.contact_id,
        details={"answer": answer, "talk": talk.pk, "version": confirmation.version},
    )
    if opinion:
        today = timezone.localdate()
        opinion_enqueue(
            opinion=Opinion(
                branch=branch,
                source=OpinionSource.CONFIRMATION,
                talk=talk,
                contact=talk.contact,
                content=opinion,
                received_on=today,
                due_on=today + timedelta(days=branch.opinion_deadline_days),
            ),
            by=None,
        )
    if not confirmed:
        _flag_denial(confirmation, branch)
    return confirmation


def _ip() -> str | None:
    return (request_context.get() or {}).get("ip")


def _flag_denial(confirmation: TalkConfirmation, branch) -> None:
    """R42: the branch secretary hears at once (the notification names no contact: its email
    and channel copies leave the app)."""
    talk = confirmation.talk
    for secretary in Member.objects.active().filter(branch=branch, role=Role.SECRETARY):
        notify(
            recipient=secretary.user,
            kind=NotificationKind.TALK_DENIED,
            period=f"confirmation-{confirmation.pk}",
            subject=_("A contact answered that a talk did not take place"),
            body=_(
                "A talk recorded by %(member)s on %(date)s was denied by the contact. "
                "See the branch page."
            )
            % {"member": talk.member.name, "date": talk.date.isoformat()},
            link=reverse("inspections:branch_home"),
        )
