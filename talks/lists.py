"""The filters of the branch's growing lists (issue 14): the opinion queue (R43) and the
must-talk events (R51). The page and its Excel export read the same filters from the same GET
parameters, so the export holds what the secretary is looking at.

Unknown values fall back to the default (never an error): the parameters come from links and a
GET form, and anyone can edit a URL.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from members.params import id_param

from . import obligations
from .models import OpinionSource, OpinionStatus

SEARCH_LIMIT = 100


def _search(params) -> str:
    return (params.get("q") or "").replace("\x00", "").strip()[:SEARCH_LIMIT]


def opinion_statuses() -> list[tuple[str, str]]:
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
        "q": _search(params),
    }


def filter_opinions(opinions: QuerySet, filters: dict) -> QuerySet:
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
    return {"state": state, "member": id_param(params.get("member")), "q": _search(params)}


def filter_events(events: QuerySet, filters: dict, today: date) -> QuerySet:
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
        "q": _search(params),
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
