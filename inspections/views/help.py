"""The in-app help (使用说明): the regulation in full, what the states and figures on the pages
mean, the score formula with the viewer's branch's own weights, and what each role does.

The regulation is shipped with the app (inspections/data/regulation.txt), read once and split
into its headings and clauses so each clause has an anchor. The figures' and states' names come
from the code that shows them (MonthState, EventState, ReportStatus, ConfirmationState, the
school overview's columns), so the help cannot drift from the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from inspections import scoring
from members import access
from members.models import Branch
from members.pinyin import sorted_by_pinyin
from talks.models import ConfirmationState
from talks.obligations import EventState, MonthState

from ..models import ReportStatus
from .dashboard import school_columns

REGULATION = Path(__file__).resolve().parents[1] / "data" / "regulation.txt"


SECTION = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")


CLAUSE = re.compile(r"^(\d+)、(.+)$")


@dataclass
class Section:
    number: int
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    clauses: list[tuple[str, str]] = field(default_factory=list)  # (anchor, text)

    @property
    def anchor(self) -> str:
        return f"regulation-{self.number}"


@dataclass
class Regulation:
    title: str
    preamble: list[str]
    sections: list[Section]


@cache
def regulation() -> Regulation:
    """The regulation's text split into title, preamble, sections (一、…) and clauses (1、…),
    word for word (only the lines' surrounding spaces dropped)."""
    lines = [line.strip() for line in REGULATION.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    title, preamble, sections = lines[0], [], []
    for line in lines[1:]:
        if match := SECTION.match(line):
            sections.append(Section(number=len(sections) + 1, heading=line))
        elif sections and (match := CLAUSE.match(line)):
            section = sections[-1]
            section.clauses.append((f"{section.anchor}-{match.group(1)}", line))
        elif sections:
            sections[-1].paragraphs.append(line)
        else:
            preamble.append(line)
    return Regulation(title=title, preamble=preamble, sections=sections)


def months_text(months) -> str:
    """Month numbers as the reader writes them (「二月、八月」), or "" for none."""
    return pgettext("list separator", ", ").join(str(MONTHS[m]) for m in sorted(months or []))


def viewer_branch(request) -> tuple[Branch | None, list[Branch]]:
    """The branch whose settings the help shows: the viewer's own (a member or secretary), a
    leader's contact point, or for an admin the branch they pick (the first by default). The
    second value is the list an admin picks from (empty for everyone else)."""
    user = request.user
    member = access.branch_member(user)
    if member is not None:
        return member.branch, []
    leader_branch_id = access.leader_branch_id(user)
    if leader_branch_id is not None:
        return Branch.objects.get(pk=leader_branch_id), []
    if access.is_admin(user):
        branches = sorted_by_pinyin(Branch.objects.visible_to(user))
        wanted = request.GET.get("branch", "")
        chosen = next((b for b in branches if str(b.pk) == wanted), None)
        return chosen or (branches[0] if branches else None), branches
    return None, []


def _roles(request) -> set[str]:
    user = request.user
    roles = set()
    member = access.branch_member(user)
    if member is not None:
        roles.add("member")
        if access.secretary_branch_id(user) is not None or member.is_committee:
            roles.add("secretary")
    if access.leader_branch_id(user) is not None:
        roles.add("leader")
    if access.is_admin(user):
        roles.add("admin")
    return roles


def _states() -> dict:
    """Every state a page shows, with its own label (and symbol), keyed for the template."""
    month = {
        MonthState.COMPLETE: _(
            "The month has both a talk and a work report heard (one record may count for both)."
        ),
        MonthState.PARTIAL: _(
            "Only one of the two: a talk or a work report heard. In rates it counts half a month."
        ),
        MonthState.MISSING: _(
            "The month is over with neither a talk nor a work report heard. "
            "It counts as a month missed."
        ),
        MonthState.EXEMPT: _(
            "A month the branch exempts (its settings): nothing is due and it is left out of "
            "every rate."
        ),
        MonthState.IN_PROGRESS: _(
            "The current month while it is not complete yet, or a later month: not counted as "
            "missed and left out of every rate until the month is over."
        ),
    }
    events = {
        EventState.OPEN: _("Waiting for a talk, still within the deadline."),
        EventState.OVERDUE: _("The deadline has passed and no talk has closed the event yet."),
        EventState.ON_TIME: _("A talk naming the event was held by the deadline."),
        EventState.LATE: _("A talk naming the event was held, but after the deadline."),
    }
    reports = {
        ReportStatus.DRAFT: _("Written but not submitted yet."),
        ReportStatus.SUBMITTED: _("Submitted to the secretary, waiting for review."),
        ReportStatus.RETURNED: _(
            "The secretary returned it with a comment; change it and submit it again."
        ),
        ReportStatus.ACCEPTED: _("Accepted by the secretary."),
    }
    confirmations = {
        ConfirmationState.NONE: _("The member has not asked the contact to confirm the record."),
        ConfirmationState.PENDING: _(
            "A confirmation link was shown or sent; the contact has not answered yet."
        ),
        ConfirmationState.CONFIRMED: _("The contact confirmed that the talk took place."),
        ConfirmationState.DENIED: _(
            "The contact says the talk did not take place; the secretary sees it on the "
            "branch page."
        ),
    }
    return {
        "month": [{"state": s, "text": month[s]} for s in MonthState],
        "events": [{"label": s.label, "value": s.value, "text": events[s]} for s in EventState],
        "reports": [{"label": s.label, "value": s.value, "text": reports[s]} for s in ReportStatus],
        "confirmations": [{"value": s.value, "text": confirmations[s]} for s in ConfirmationState],
    }


def _school_figures() -> list[dict]:
    """The school overview's columns by their own headers, with what each counts."""
    how = {
        "name": _("The branch; click it for the branch's page."),
        "members": _("Active members of the branch."),
        "completion": _(
            "The month's completion rate over the members with a contact that month (a partial "
            "month counts half); the current month shows “not yet decided” until it is over."
        ),
        "missing": _("Members with neither a talk nor a work report heard in the month."),
        "without_teacher": _("Active members with no current teacher contact."),
        "overdue": _("Must-talk events past their deadline without a talk, as of today."),
        "opinions_open": _("Opinions and requests not yet answered, as of today."),
        "opinions_late": _("Open opinions past the branch's deadline for acting on them."),
        "symposiums": _("Symposiums held in the period, against the branch's target."),
        "reports_in": _(
            "Semester reports submitted or accepted, against the members (only when a semester "
            "is chosen)."
        ),
    }
    return [{"key": key, "label": label, "text": how[key]} for key, label in school_columns()]


@login_required
def help_page(request):
    branch, branches = viewer_branch(request)
    # Without a branch (a person with no role yet) the settings' defaults are shown.
    numbers = branch if branch is not None else Branch()
    return render(
        request,
        "inspections/help.html",
        {
            "branch": branch,
            "branches": branches,
            "numbers": numbers,
            "exempt_months": months_text(numbers.exempt_months),
            "formula": scoring.formula(numbers.weights),
            "regulation": regulation(),
            "roles": _roles(request),
            "states": _states(),
            "school_figures": _school_figures(),
            "opinion_target": scoring.OPINION_TARGET,
            "leads_target": scoring.LEADS_TARGET,
        },
    )
