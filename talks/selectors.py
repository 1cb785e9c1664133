"""The filters of the branch's growing lists (issue 14): the opinion queue (R43) and the
must-talk events (R51). The page and its Excel export read the same filters from the same GET
parameters, so the export holds what the secretary is looking at.

Unknown values fall back to the default (never an error): the parameters come from links and a
GET form, and anyone can edit a URL.

Also the reads pages share: a member's page (my_page_context), the handbook's records (R410),
a live or answered confirmation (R42) and the branch's confirmation rate, a box opinion by its
receipt code (R43), and a leader's visits counted against the branch's target (R54: counts and
dates only, never text).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Assignment, AssistanceRecord, Contact, can_read_record_text
from members import access
from members.models import FiveLeadActivity, LeaderContactPoint, Member, Notification
from members.web import id_param, search_text
from talks import obligations

from .models import (
    ConfirmationState,
    LeaderVisit,
    MustTalkEvent,
    MustTalkQuerySet,
    Opinion,
    OpinionQuerySet,
    OpinionSource,
    OpinionStatus,
    Symposium,
    TalkConfirmation,
    TalkLog,
)
from .services.opinions import code_hash

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RECENT_TALKS = 5


def lookup(typed: str) -> Opinion | None:
    """The opinion of this receipt code, or None (one query whatever was typed)."""
    return (
        Opinion.objects.filter(receipt_hash=code_hash(typed), source=OpinionSource.BOX)
        .only("status", "answer", "answered_at", "received_on", "branch_id")
        .first()
    )


def live_request(talk: TalkLog) -> TalkConfirmation | None:
    """The request of the talk's current version that can still be answered, if any."""
    return talk.confirmations.filter(
        version=talk.version, answered_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def latest_answer(talk: TalkLog) -> TalkConfirmation | None:
    return talk.confirmations.filter(version=talk.version, answered_at__isnull=False).first()


def confirmation_rate(confirmed: int, records: int) -> float | None:
    """R42: the share of the period's records the contact confirmed; None with no record."""
    return round(confirmed / records, 4) if records else None


def state_counts(talks) -> dict[int, dict[str, int]]:
    """Member id → {state: number of records} for these records, in one query."""
    counts: dict[int, dict[str, int]] = {}
    rows = talks.order_by().values("member_id", "confirmation_state").annotate(n=Count("pk"))
    for row in rows:
        counts.setdefault(row["member_id"], dict.fromkeys(ConfirmationState.values, 0))[
            row["confirmation_state"]
        ] = row["n"]
    return counts


def branch_summary(*, branch, members, start, end, user=None) -> dict:
    """The branch dashboard's R42 part: per member the states of the period's records and the
    rate, and the denials with the contact's word (to the branch secretary only: an admin sees
    that a denial happened, not what the contact wrote). Two queries, whatever the numbers."""
    talks = TalkLog.objects.filter(member__branch=branch, date__range=(start, end))
    counts = state_counts(talks)
    rows = []
    for member in members:
        by_state = counts.get(member.pk, dict.fromkeys(ConfirmationState.values, 0))
        records = sum(by_state.values())
        rows.append(
            {
                "member": member,
                **by_state,
                "records": records,
                "rate": confirmation_rate(by_state[ConfirmationState.CONFIRMED], records),
            }
        )
    denials = list(
        # Every denial of a talk still denied (an edit after it does not hide it).
        TalkConfirmation.objects.filter(
            answer=ConfirmationState.DENIED,
            talk__in=talks.filter(confirmation_state=ConfirmationState.DENIED),
        )
        .select_related("talk__member", "talk__contact")
        .order_by("-answered_at")
    )
    return {
        "rows": rows,
        "denials": denials,
        "show_words": user is not None and access.is_secretary_of(user, branch.pk),
    }


def opinion_statuses() -> list[tuple[str, StrOrPromise]]:
    return [("open", _("Open")), *OpinionStatus.choices, ("all", _("All"))]


def opinion_filters(params) -> dict:
    """status (open, one status, all), source, q (text, who raised it, the contact)."""
    status = params.get("status", "open")
    if status != "open" and status not in OpinionStatus.values:
        status = "all"
    source = params.get("source", "")
    return {
        "status": status,
        "source": source if source in OpinionSource.values else "",
        "q": search_text(params),
    }


def filter_opinions(opinions: OpinionQuerySet, filters: dict) -> OpinionQuerySet:
    if filters["status"] == "open":
        opinions = opinions.open()
    elif filters["status"] != "all":
        opinions = opinions.filter(status=filters["status"])
    if filters["source"]:
        opinions = opinions.filter(source=filters["source"])
    if filters["q"]:
        q = filters["q"]
        opinions = opinions.filter(
            Q(content__icontains=q)
            | Q(raised_by_name__icontains=q)
            | Q(contact__name__icontains=q)
            | Q(conveyed_by__name__icontains=q)
        )
    return opinions


def event_states() -> list[tuple[str, str]]:
    states = [("pending", _("Waiting for a talk"))]
    return states + [(s.value, s.label) for s in obligations.EventState] + [("all", _("All"))]


def event_filters(params) -> dict:
    """state (pending, an R51 state, all), member (id), q (the contact's or member's name)."""
    state = params.get("state", "pending")
    if state != "pending" and state not in obligations.EventState._value2member_map_:
        state = "all"
    return {
        "state": state,
        "member": id_param(params.get("member")),
        "q": search_text(params),
    }


def filter_events(events: MustTalkQuerySet, filters: dict, today: date) -> MustTalkQuerySet:
    state = filters["state"]
    if state == "pending":
        events = events.open()
    elif state != "all":
        events = events.filter(obligations.event_state_filter(obligations.EventState(state), today))
    if filters["member"] is not None:
        events = events.filter(member_id=filters["member"])
    if filters["q"]:
        q = filters["q"]
        events = events.filter(Q(contact__name__icontains=q) | Q(member__name__icontains=q))
    return events


def _date_param(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def record_filters(params) -> dict:
    """A member's own records: contact (id), from / to (dates), q (content, place, contact)."""
    return {
        "contact": id_param(params.get("contact")),
        "start": _date_param(params.get("from")),
        "end": _date_param(params.get("to")),
        "q": search_text(params),
    }


def filter_records(talks: QuerySet, filters: dict) -> QuerySet:
    if filters["contact"] is not None:
        talks = talks.filter(contact_id=filters["contact"])
    if filters["start"]:
        talks = talks.filter(date__gte=filters["start"])
    if filters["end"]:
        talks = talks.filter(date__lte=filters["end"])
    if filters["q"]:
        q = filters["q"]
        talks = talks.filter(
            Q(content__icontains=q) | Q(place__icontains=q) | Q(contact__name__icontains=q)
        )
    return talks


TIMELINE_KINDS = ("talk", "event", "stage", "assistance")


def timeline_kinds() -> list[tuple[str, str]]:
    return [
        ("all", _("All")),
        ("talk", _("Talks")),
        ("event", _("Must-talk events")),
        ("stage", _("Stage changes")),
        ("assistance", _("Assistance")),
    ]


def timeline_kind(params) -> str:
    kind = params.get("kind", "all")
    return kind if kind in TIMELINE_KINDS else "all"


def leader_visit_rows(branch_ids, start: date, end: date, semesters: int = 1) -> list[dict]:
    """One row per active leader whose contact point is one of the branches: their visits there
    from start to end, the target (per semester × the semesters the range covers) and whether
    they are below it. Two queries whatever the number of leaders."""
    points = list(
        LeaderContactPoint.objects.filter(branch_id__in=branch_ids, leader__user__is_active=True)
        .select_related("leader", "branch")
        .order_by("branch__name", "leader__name", "pk")
    )
    counts = {
        (row["leader_id"], row["branch_id"]): row["n"]
        for row in LeaderVisit.objects.filter(branch_id__in=branch_ids, date__range=(start, end))
        .values("leader_id", "branch_id")
        .annotate(n=Count("pk"))
    }
    rows = []
    for point in points:
        visits = counts.get((point.leader_id, point.branch_id), 0)
        target = point.branch.leader_visit_target * max(1, semesters)
        rows.append(
            {
                "leader": point.leader,
                "name": point.leader.name,
                "branch": point.branch,
                "branch_id": point.branch_id,
                "visits": visits,
                "target": target,
                "short": visits < target,
            }
        )
    return rows


def handbook_context(user, member: Member, start: date, end: date) -> dict:
    """Sections per assignment (contact), months in order with their R45 state and entries,
    then every other liaison record of the period (R410): assistance to hardship contacts,
    must-talk events and how each closed, opinions relayed and their outcome, five-leads
    activities, symposiums attended. Confidential text only for those RULES.md allows.

    Eight queries whatever the number of contacts and records.
    """
    today = timezone.localdate()
    months = [m for m in obligations.months_between(start, end) if m <= obligations.Month.of(today)]
    states = obligations.assignment_month_states(Assignment.objects.filter(member=member), months)
    by_month: dict[tuple[int, obligations.Month], list] = defaultdict(list)
    confidential_contacts: set[int] = set()  # whose confidential text this page shows
    for talk in (
        TalkLog.objects.visible_to(user)
        .filter(member=member, date__range=(start, end))
        .select_related("contact", "must_talk_event")
        .order_by("date", "pk")
    ):
        talk.member = member
        talk.text_visible = can_read_record_text(user, talk)
        if talk.text_visible and talk.confidential:
            confidential_contacts.add(talk.contact_id)
        by_month[(talk.assignment_id, obligations.Month.of(talk.date))].append(talk)
    sections = []
    for assignment, month_states in sorted(
        states.items(), key=lambda item: (item[0].contact.name, item[0].started_on)
    ):
        sections.append(
            {
                "assignment": assignment,
                "contact": assignment.contact,
                "months": [
                    {
                        "month": month,
                        "state": obligations.decided(month, state, today),
                        "talks": by_month.get((assignment.pk, month), []),
                    }
                    for month, state in sorted(month_states.items())
                ],
            }
        )
    records = _other_records(user, member, start, end, today)
    return {
        "member": member,
        "start": start,
        "end": end,
        "sections": sections,
        **records,
        "confidential_shown": bool(confidential_contacts | records["confidential_records"]),
        # Each read is audited with its contact, for the secretary's per-contact audit page.
        "confidential_contacts": sorted(confidential_contacts | records["confidential_records"]),
        "own": member.user_id == user.pk,
    }


def _other_records(user, member: Member, start: date, end: date, today: date) -> dict:
    """R410's records besides talks, each list in one query."""
    shown: set[int] = set()  # contacts whose confidential text is shown
    assistance = list(
        AssistanceRecord.objects.visible_to(user)
        .filter(author=member, date__range=(start, end))
        .select_related("contact")
        .order_by("date", "pk")
    )
    for row in assistance:  # R32: what was given and its result are confidential
        row.author = member
        row.text_visible = can_read_record_text(user, row)
        if row.text_visible:
            shown.add(row.contact_id)
    events = list(
        MustTalkEvent.objects.visible_to(user)
        .filter(member=member, occurred_on__range=(start, end))
        .select_related("contact", "closing_talk")
        .order_by("occurred_on", "pk")
    )
    for event in events:
        event.state = obligations.event_state(event, today)
        event.text_visible = can_read_record_text(user, event)
        if event.note and event.text_visible and event.confidential:
            shown.add(event.contact_id)
    return {
        "assistance": assistance,
        "events": events,
        "opinions": list(
            Opinion.objects.visible_to(user)
            .filter(conveyed_by=member, received_on__range=(start, end))
            .order_by("received_on", "pk")
        ),
        "leads": list(
            FiveLeadActivity.objects.visible_to(user)
            .filter(member=member, date__range=(start, end))
            .order_by("date", "pk")
        ),
        "symposiums": list(
            Symposium.objects.visible_to(user)
            .filter(members_attended=member, held_on__range=(start, end))
            .order_by("held_on", "pk")
        ),
        "confidential_records": shown,
    }


def my_page_context(user) -> dict:
    """My contacts with this month's R45 state, my open R51 events, my unread notifications.

    A fixed number of queries. Exposed so the semester pages can add the R61 report status
    (inspections sits above talks) by rendering a template that extends talks/my_page.html.
    """
    member = access.member_or_404(user)
    today = timezone.localdate()
    month = obligations.Month.of(today)
    states = obligations.assignment_month_states(
        Assignment.objects.current(today).filter(member=member), [month]
    )
    contacts = sorted(
        (
            {
                "assignment": a,
                "contact": a.contact,
                "state": obligations.decided(month, s.get(month), today),
            }
            for a, s in states.items()
        ),
        key=lambda row: (row["contact"].name, row["contact"].pk),
    )
    events = [
        {
            "event": event,
            "state": obligations.event_state(event, today),
            "days_left": obligations.event_days_left(event, today),
        }
        # The member's own events: theirs to see by definition (visible_to would add a query
        # for the events of their contacts recorded by others, which this list does not show).
        for event in MustTalkEvent.objects.open().filter(member=member).select_related("contact")
    ]
    for row in events:
        row["days_overdue"] = -row["days_left"]
    notifications = list(Notification.objects.visible_to(user).unread()[:10])
    # R42: the latest records with the contacts' confirmation (the member's own: one query).
    recent = list(
        TalkLog.objects.filter(member=member)
        .select_related("contact")
        .order_by("-date", "-pk")[:RECENT_TALKS]
    )
    return {
        "member": member,
        "month": month,
        "contacts": contacts,
        "events": events,
        "notifications": notifications,
        "recent_talks": recent,
    }


@dataclass
class Entry:
    """One line of the timeline; `text_visible` is False where the reader may see only the date."""

    date: date
    kind: str
    obj: object
    text_visible: bool = True
    state: obligations.EventState | None = None
    days_left: int | None = None


def contact_timeline(user, contact: Contact, today: date) -> list[Entry]:
    """A contact's page (R31, R32, R51): the talks, must-talk events, stage changes and
    assistance the user may open, newest first; the text only where the user may read it."""
    entries: list[Entry] = []
    for talk in (
        TalkLog.objects.visible_to(user)
        .filter(contact=contact)
        .select_related("member", "must_talk_event")
    ):
        talk.contact = contact
        entries.append(Entry(talk.date, "talk", talk, can_read_record_text(user, talk)))
    for event in (
        MustTalkEvent.objects.visible_to(user).filter(contact=contact).select_related("member")
    ):
        event.contact = contact
        entries.append(
            Entry(
                event.occurred_on,
                "event",
                event,
                can_read_record_text(user, event),
                state=obligations.event_state(event, today),
                days_left=obligations.event_days_left(event, today),
            )
        )
    for change in contact.stage_changes.all():
        entries.append(Entry(change.changed_on, "stage", change))
    for record in (
        AssistanceRecord.objects.visible_to(user).filter(contact=contact).select_related("author")
    ):
        record.contact = contact
        entries.append(Entry(record.date, "assistance", record, can_read_record_text(user, record)))
    entries.sort(key=lambda e: (e.date, e.kind), reverse=True)
    return entries
