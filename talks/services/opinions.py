"""Writes of opinions (R43): from a talk, a symposium or the box into the branch's queue, their
status changes, and who hears about them.

The box, without login, gives a receipt code: 12 characters of Crockford's base32 (60 random
bits), shown in three groups of four for reading aloud. Only its SHA-256 is stored: the code is
shown once, to the submitter. A lookup (selectors.lookup) always hashes what was typed and asks
the database once, so a malformed code, an unknown one and a wrong one take the same path and
get the same answer.

Who hears: the secretary of every new opinion; the member who relayed it (from a talk, or who
recorded the symposium) of each change of its status. The notifications carry dates and the
status, never the opinion's text: their email and channel copies leave the app, and an opinion
raised in a hardship talk may be confidential.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.audit import audit
from members.models import AuditAction, Branch, Member, NotificationKind, Role
from members.notify import notify

from ..models import Opinion, OpinionSource, OpinionStatus, OpinionStatusChange, Symposium, TalkLog

# R43: received → forwarded to the administration / handled → answered to the person.
NEXT_STATUSES: dict[str, list[str]] = {
    OpinionStatus.RECEIVED: [
        OpinionStatus.FORWARDED,
        OpinionStatus.HANDLED,
        OpinionStatus.ANSWERED,
    ],
    OpinionStatus.FORWARDED: [OpinionStatus.HANDLED, OpinionStatus.ANSWERED],
    OpinionStatus.HANDLED: [OpinionStatus.ANSWERED],
    OpinionStatus.ANSWERED: [],
}


def opinions_from_talk(*, talk: TalkLog, lines: list[str], by) -> list[Opinion]:
    """R43: each opinion raised in a talk goes to the branch queue at once."""
    branch = cast(Branch, talk.member.branch)  # talks are recorded by members of a branch
    today = timezone.localdate()
    created = []
    for line in lines:
        opinion = Opinion(
            branch=branch,
            source=OpinionSource.TALK,
            talk=talk,
            contact=talk.contact,
            conveyed_by=talk.member,
            content=line,
            received_on=today,
            due_on=today + timedelta(days=branch.opinion_deadline_days),
        )
        created.append(opinion_enqueue(opinion=opinion, by=by))
    return created


def opinion_enqueue(*, opinion: Opinion, by) -> Opinion:
    """R43: an opinion (from a talk, a symposium or the box) enters the branch queue received,
    with its first status change and its audit row. Call inside the caller's transaction."""
    opinion.status = OpinionStatus.RECEIVED
    opinion.full_clean()
    opinion.save()
    OpinionStatusChange.objects.create(
        opinion=opinion, from_status="", to_status=OpinionStatus.RECEIVED, by=by
    )
    audit(
        AuditAction.CREATE,
        actor=by,
        obj=opinion,
        branch_id=opinion.branch_id,
        contact_id=opinion.contact_id,
    )
    new_opinion(opinion, by=by)
    return opinion


@transaction.atomic
def opinion_box_record(
    *, branch: Branch, received_on: date, raised_by_name: str, content: str, by
) -> Opinion:
    """R43: an opinion from the opinion box goes to the queue; the deadline runs from receipt."""
    return opinion_enqueue(
        opinion=Opinion(
            branch=branch,
            source=OpinionSource.BOX,
            raised_by_name=raised_by_name,
            content=content,
            received_on=received_on,
            due_on=received_on + timedelta(days=branch.opinion_deadline_days),
        ),
        by=by,
    )


@transaction.atomic
def opinion_status_change(
    *, opinion: Opinion, to_status: str, note: str = "", answer: str = "", by
) -> Opinion:
    """R43: move an opinion along received → forwarded / handled → answered, recording who and
    when. The conditional UPDATE makes two secretaries' clicks at once count once."""
    from_status = opinion.status
    if to_status not in NEXT_STATUSES[from_status]:
        raise ValidationError(
            {
                "to_status": _("An opinion that is %(status)s cannot become that.")
                % {"status": OpinionStatus(from_status).label}
            }
        )
    changes: dict[str, object] = {"status": to_status}
    if to_status == OpinionStatus.ANSWERED:
        if not answer.strip():
            raise ValidationError(
                {"answer": _("Write the answer given to the person who raised it.")}
            )
        changes.update(answer=answer.strip(), answered_at=timezone.now())
    if not Opinion.objects.filter(pk=opinion.pk, status=from_status).update(**changes):
        raise ValidationError(_("Someone changed this opinion meanwhile: look at it again."))
    OpinionStatusChange.objects.create(
        opinion=opinion, from_status=from_status, to_status=to_status, by=by, note=note
    )
    audit(
        AuditAction.UPDATE,
        actor=by,
        obj=opinion,
        branch_id=opinion.branch_id,
        contact_id=opinion.contact_id,
        details={"from": from_status, "to": to_status},
    )
    opinion.refresh_from_db()
    status_changed(opinion, to_status, by)
    return opinion


ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U


CODE_LENGTH = 12  # 60 bits


# What people misread or mistype, read the way Crockford's base32 reads it.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


TEXT_MAX = 2000


NAME_MAX = 60


CONTACT_WAY_MAX = 100


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize(typed: str) -> str:
    return "".join(ch for ch in typed.upper().translate(_READ_AS) if ch in ALPHABET)[:40]


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize(code).encode()).hexdigest()


@transaction.atomic
def box_submit(
    *, branch: Branch, content: str, category: str = "", name: str = "", contact_way: str = ""
) -> tuple[Opinion, str]:
    """A member of staff's opinion enters the branch queue; returns it and its receipt code.
    Audited with the submitter's address (the audit row names nobody: they may be anonymous)."""
    code = new_code()
    today = timezone.localdate()
    opinion = opinion_enqueue(
        opinion=Opinion(
            branch=branch,
            source=OpinionSource.BOX,
            raised_by_name=name.strip()[:NAME_MAX],
            contact_way=contact_way.strip()[:CONTACT_WAY_MAX],
            category=category,
            content=content.strip(),
            received_on=today,
            due_on=today + timedelta(days=branch.opinion_deadline_days),
            receipt_hash=code_hash(code),
        ),
        by=None,
    )
    return opinion, code


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
        return cast(Symposium, opinion.symposium).recorded_by  # set: it has a symposium_id
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
