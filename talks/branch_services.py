"""Writes of the secretary's and leader's side of talks: the opinion queue (R43), symposiums
(R52), leaders' visits and briefings (R54). (Events the secretary records use
services.must_talk_event_record, the same as the member's.)"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.audit import audit
from members.models import AuditAction, Branch, Member

from . import opinion_notify
from .models import (
    Briefing,
    LeaderVisit,
    Opinion,
    OpinionSource,
    OpinionStatus,
    OpinionStatusChange,
    Symposium,
)
from .services import opinion_enqueue

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
    changes = {"status": to_status}
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
    opinion_notify.status_changed(opinion, to_status, by)
    return opinion


@transaction.atomic
def symposium_record(
    *,
    branch: Branch,
    held_on: date,
    topic: str,
    party_representatives: int,
    masses_representatives: int,
    members_present: int,
    participants: str,
    minutes: str,
    opinions: list[str],
    by,
    members_attended=(),
) -> Symposium:
    """R52: a symposium; each opinion raised goes to the R43 queue at once. The members who
    attended find it in their handbook (R410)."""
    symposium = Symposium(
        branch=branch,
        held_on=held_on,
        topic=topic,
        party_representatives=party_representatives,
        masses_representatives=masses_representatives,
        members_present=members_present,
        participants=participants,
        minutes=minutes,
        recorded_by=by,
    )
    symposium.full_clean()
    symposium.save()
    symposium.members_attended.set(members_attended)
    for line in opinions:
        # R43: raised at the symposium, so its age (and deadline) starts on the symposium's
        # date, however many days later the minutes are recorded.
        opinion_enqueue(
            opinion=Opinion(
                branch=branch,
                source=OpinionSource.SYMPOSIUM,
                symposium=symposium,
                content=line,
                received_on=held_on,
                due_on=held_on + timedelta(days=branch.opinion_deadline_days),
            ),
            by=by,
        )
    audit(AuditAction.CREATE, actor=by, obj=symposium, branch_id=branch.pk)
    return symposium


@transaction.atomic
def leader_visit_record(
    *, leader: Member, branch: Branch, date: date, kind: str, people_met: str, summary: str, by
) -> LeaderVisit:
    """R54: a leader's visit or reception at their contact point."""
    visit = LeaderVisit(
        leader=leader, branch=branch, date=date, kind=kind, people_met=people_met, summary=summary
    )
    visit.full_clean()
    visit.save()
    audit(AuditAction.CREATE, actor=by, obj=visit, branch_id=branch.pk)
    return visit


@transaction.atomic
def briefing_record(
    *,
    branch: Branch,
    given_by: Member | None,
    date: date,
    subject: str,
    audience: str,
    content: str,
    by,
) -> Briefing:
    """R54: a briefing of a major decision to the masses."""
    briefing = Briefing(
        branch=branch,
        given_by=given_by,
        date=date,
        subject=subject,
        audience=audience,
        content=content,
    )
    briefing.full_clean()
    briefing.save()
    audit(AuditAction.CREATE, actor=by, obj=briefing, branch_id=branch.pk)
    return briefing
