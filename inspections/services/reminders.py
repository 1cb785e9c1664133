"""The scheduled reminders (R45, R51, R61, R62). Each is a function of the day it runs for, used
by the Celery tasks (inspections/tasks.py) and by `manage.py send_reminders`.

Exactly once: each reminder is a Notification row unique on (recipient, kind, period); a run
inserts the rows it needs (existing ones are skipped by the database), then sends the rows of
that kind and period still pending, in batches (members.notify.send_pending): each batch is
claimed by one conditional UPDATE, sent over one mail connection, and each email's outcome is
recorded right after it is sent. Two runs at once, or a run killed halfway and run again, send
every reminder once (the rows a killed run still held are sent by the sweep after
members.notify.STALE_SENDING). The texts carry counts, dates and a link, never a contact's
name or any note.

Every send is "on or after its day, within its period, not yet sent" (DESIGN.md "Writes and
jobs"): a run on any day of the period inserts what is still missing, so a day the worker, beat
or broker was down is caught up by the next run, and the unique rows keep it to one per period.

Reminding now (issue 14): the secretary picks members who are behind and reminds them at once
(month: this month not complete, R45; report: the semester report not started, R61; event: a
must-talk overdue, R51). At most one such reminder per person and kind a day: the row's period
is the day (members.models.now_period), and the unique (recipient, kind, period) row refuses a
second one whoever sends it. Every sending is audited with who was reminded of what and who was
skipped.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import cast

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from inspections.selectors import inspections as inspection_selectors
from inspections.services import inspections as inspection_services
from inspections.services import reports as report_services
from members import access, notify
from members.audit import audit
from members.models import (
    AuditAction,
    Branch,
    Member,
    Notification,
    NotificationKind,
    Role,
    now_period,
)
from talks import obligations
from talks.models import MustTalkEvent

from ..models import Inspection, ReportStatus, Semester, SemesterReport, half_label
from ..selectors.dashboard import INCOMPLETE, NOW_KINDS

# R61: members are reminded in two windows before the report deadline, from 7 days and from 1
# day before it: (window start, window end) in days left, each window one reminder.
REPORT_REMINDER_WINDOWS = ((7, 2), (1, 0))


def _send_pending(kind: str, periods: list[str]) -> int:
    """Send the pending rows of these reminders (those this or an earlier run inserted)."""
    return notify.send_pending(Notification.objects.filter(kind=kind, period__in=periods))


def _insert(rows: list[Notification]) -> None:
    if rows:
        notify.notify_many(rows)


def _secretaries(branch_ids) -> dict[int, Member]:
    return {
        m.branch_id: m
        for m in Member.objects.active()
        .filter(branch_id__in=branch_ids, role=Role.SECRETARY)
        .select_related("user")
    }


def _already(kind: str, period: str):
    """Recipients (user ids) who have this reminder already: the run skips them."""
    return Notification.objects.filter(kind=kind, period=period).values("recipient_id")


def monthly_member_reminders(day: date) -> int:
    """R45: from each branch's reminder day to the month's end, members whose month is not
    complete yet and who were not reminded this month."""
    branches = Branch.objects.filter(reminder_day__lte=day.day)
    month = obligations.Month.of(day)
    members = (
        Member.objects.active()
        .filter(branch__in=branches)
        .exclude(user_id__in=_already(NotificationKind.MONTHLY, str(month)))
    )
    states = obligations.month_states(members, month)
    waiting = {member_id for member_id, state in states.items() if state in INCOMPLETE}
    link = reverse("talks:my_page")
    rows = []
    with translation.override("zh-hans"):
        for member in members.filter(pk__in=waiting).select_related("user"):
            rows.append(
                Notification(
                    recipient=member.user,
                    kind=NotificationKind.MONTHLY,
                    period=str(month),
                    subject=_("Reminder: this month's talks (%(month)s)") % {"month": month},
                    body=_(
                        "Your talks and work reports of %(month)s are not complete yet. "
                        "The month ends on %(last)s."
                    )
                    % {"month": month, "last": month.last.isoformat()},
                    link=link,
                )
            )
    _insert(rows)
    return _send_pending(NotificationKind.MONTHLY, [str(month)])


def secretary_gaps_summary(day: date) -> int:
    """From the 1st through the month: each secretary not yet told gets the count of last
    month's incomplete members."""
    month = obligations.Month.of(day).previous()
    waiting = (
        Member.objects.active()
        .filter(role=Role.SECRETARY, branch__isnull=False)
        .exclude(user_id__in=_already(NotificationKind.GAPS_SUMMARY, str(month)))
        .values("branch_id")
    )
    members = Member.objects.active().filter(branch_id__in=waiting)
    counts = obligations.month_state_counts_by_branch(members, month)
    rows = []
    with translation.override("zh-hans"):
        for branch_id, secretary in _secretaries(list(counts)).items():
            count = counts[branch_id]
            rows.append(
                Notification(
                    recipient=secretary.user,
                    kind=NotificationKind.GAPS_SUMMARY,
                    period=str(month),
                    subject=_("Last month's gaps (%(month)s)") % {"month": month},
                    body=_(
                        "%(month)s: %(missing)s members with no talk and no work report, "
                        "%(partial)s members with only one of the two."
                    )
                    % {"month": month, "missing": count["missing"], "partial": count["partial"]},
                    link=reverse("inspections:branch_home"),
                )
            )
    _insert(rows)
    return _send_pending(NotificationKind.GAPS_SUMMARY, [str(month)])


def musttalk_reminders(day: date) -> int:
    """R51, daily: one message per member listing all their open events due within the branch's
    days or overdue (counts and dates only: the contacts' names and the notes stay out)."""
    events = (
        MustTalkEvent.objects.open()
        .filter(
            member__active=True,
            member__user__is_active=True,
            due_on__lte=day + timedelta(days=30),
        )
        .exclude(member__user_id__in=_already(NotificationKind.MUSTTALK, day.isoformat()))
        .select_related("branch", "member__user")
        .order_by("member_id", "due_on", "pk")
    )
    by_member: dict[int, list] = defaultdict(list)
    for event in events:
        if obligations.event_days_left(event, day) <= event.branch.musttalk_due_soon_days:
            by_member[event.member_id].append(event)
    rows = []
    with translation.override("zh-hans"):
        for items in by_member.values():
            overdue = [e for e in items if obligations.event_days_left(e, day) < 0]
            lines = []
            for event in items:
                left = obligations.event_days_left(event, day)
                if left < 0:
                    lines.append(
                        _("Due on %(due)s, %(days)s days overdue")
                        % {"due": event.due_on.isoformat(), "days": -left}
                    )
                else:
                    lines.append(
                        _("Due on %(due)s, %(days)s days left")
                        % {"due": event.due_on.isoformat(), "days": left}
                    )
            summary = _(
                "%(count)s must-talks are waiting for your talk: %(overdue)s overdue, "
                "%(soon)s due soon."
            ) % {"count": len(items), "overdue": len(overdue), "soon": len(items) - len(overdue)}
            rows.append(
                Notification(
                    recipient=items[0].member.user,
                    kind=NotificationKind.MUSTTALK,
                    period=day.isoformat(),
                    subject=_("Must-talks due (%(count)s)") % {"count": len(items)},
                    body="\n".join([summary, *lines]),
                    link=reverse("talks:my_page"),
                )
            )
    _insert(rows)
    return _send_pending(NotificationKind.MUSTTALK, [day.isoformat()])


def report_reminders(day: date) -> int:
    """R61: members whose report is not submitted, 7 days and 1 day before the deadline.

    Four queries whatever the number of branches (semesters, branches, reports in, members),
    then the sending of each reminder.
    """
    semesters = list(
        Semester.objects.filter(end_on__gte=day - timedelta(days=100), start_on__lte=day)
    )
    due: dict[int, list[tuple[Semester, date, int, int]]] = defaultdict(list)
    for branch in Branch.objects.only("pk", "report_deadline_days"):
        for semester in semesters:
            deadline = report_services.report_deadline(semester=semester, branch=branch)
            left = (deadline - day).days
            for first, last in REPORT_REMINDER_WINDOWS:
                if last <= left <= first:
                    due[branch.pk].append((semester, deadline, left, first))
    if not due:
        return 0
    done = set(
        SemesterReport.objects.filter(
            semester__in={s.pk for items in due.values() for s, *_rest in items},
            member__branch_id__in=list(due),
            status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
        ).values_list("member_id", "semester_id")
    )
    members = Member.objects.active().filter(branch_id__in=list(due)).select_related("user")
    # The period names the window (not the day): a later day of the same window finds the row.
    periods = sorted({f"s{s.pk}:{w}d" for items in due.values() for s, _d, _l, w in items})
    rows = []
    with translation.override("zh-hans"):
        for member in members:
            for semester, deadline, left, window in due[member.branch_id]:
                if (member.pk, semester.pk) in done:
                    continue
                rows.append(
                    Notification(
                        recipient=member.user,
                        kind=NotificationKind.REPORT,
                        period=f"s{semester.pk}:{window}d",
                        subject=_("Semester report due on %(deadline)s")
                        % {"deadline": deadline.isoformat()},
                        body=_(
                            "Your report on semester %(semester)s is not submitted yet; "
                            "the deadline is %(deadline)s (%(days)s days left)."
                        )
                        % {
                            "semester": semester.name,
                            "deadline": deadline.isoformat(),
                            "days": left,
                        },
                        link=reverse("inspections:report_mine", args=[semester.pk]),
                    )
                )
    _insert(rows)
    return _send_pending(NotificationKind.REPORT, periods)


def scheduled_inspections(day: date) -> int:
    """R62: on or after the 1st of a branch's inspection month (within that month), the half
    just ended is generated once and its PDF emailed to the secretary (attached)."""
    half = inspection_selectors.half_before(day)
    told = set(
        Notification.objects.filter(
            kind=NotificationKind.INSPECTION, period__startswith=f"{half}:b"
        ).values_list("period", flat=True)
    )
    branches = [
        b
        for b in Branch.objects.all()
        if day.month in (b.inspection_months or []) and f"{half}:b{b.pk}" not in told
    ]
    secretaries = _secretaries([b.pk for b in branches])
    for branch in branches:
        inspection_services.inspection_scheduled(branch=branch, half=half, today=day)
        inspection = (
            Inspection.objects.filter(branch=branch, half=half).order_by("-version").first()
        )
        secretary = secretaries.get(branch.pk)
        if inspection is None or secretary is None:
            continue
        with translation.override("zh-hans"):
            _insert(
                [
                    Notification(
                        recipient=secretary.user,
                        kind=NotificationKind.INSPECTION,
                        period=f"{half}:b{branch.pk}",
                        subject=_("Half-yearly inspection %(half)s") % {"half": half_label(half)},
                        body=_(
                            "The inspection of %(half)s (%(start)s to %(end)s) is ready: "
                            "%(members)s members, completion rate %(rate)s. The PDF is attached."
                        )
                        % {
                            "half": half_label(half),
                            "start": inspection.data["start"],
                            "end": inspection.data["end"],
                            "members": len(inspection.data["members"]),
                            "rate": _percent(inspection.data["totals"]["completion_rate"]),
                        },
                        link=reverse("inspections:inspection_detail", args=[inspection.pk]),
                    )
                ]
            )
    return notify.send_pending(
        Notification.objects.filter(
            kind=NotificationKind.INSPECTION, period__startswith=f"{half}:b"
        )
    )


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def inspection_attachment(notification: Notification) -> list[tuple[str, bytes, str]]:
    """The latest inspection PDF of the branch and half named in the notification's period."""
    half, _sep, branch = notification.period.partition(":b")
    inspection = (
        Inspection.objects.filter(branch_id=branch, half=half)
        .select_related("branch")
        .order_by("-version")
        .first()
    )
    if inspection is None:
        return []
    if inspection.pdf:
        with inspection.pdf.open("rb") as handle:
            content = handle.read()
    else:
        content = inspection_services.inspection_pdf(inspection=inspection)
    with translation.override("zh-hans"):
        filename = inspection.file_name()
    return [(filename, content, "application/pdf")]


KINDS = {
    "monthly": monthly_member_reminders,
    "gaps": secretary_gaps_summary,
    "musttalk": musttalk_reminders,
    "report": report_reminders,
    "inspection": scheduled_inspections,
}


def _message(kind: str, member: Member, by, semester: Semester | None, today: date) -> dict:
    sender = access.profile(by)
    who = sender.name if sender else _("Your branch secretary")
    if kind == "month":
        month = obligations.Month.of(today)
        return {
            "subject": _("Reminder: this month's talks (%(month)s)") % {"month": month},
            "body": _(
                "%(who)s reminds you: your talks and work reports of %(month)s are not complete "
                "yet. The month ends on %(last)s."
            )
            % {"who": who, "month": month, "last": month.last.isoformat()},
            "link": reverse("talks:my_page"),
        }
    if kind == "report":
        semester = cast(Semester, semester)  # reports are picked only in a semester
        return {
            "subject": _("Reminder: your semester report (%(semester)s)")
            % {"semester": semester.name},
            "body": _(
                "%(who)s reminds you: your report on semester %(semester)s is not started yet."
            )
            % {"who": who, "semester": semester.name},
            "link": reverse("inspections:report_mine", args=[semester.pk]),
        }
    return {
        "subject": _("Reminder: a must-talk is overdue"),
        "body": _(
            "%(who)s reminds you: a must-talk event is past its deadline; talk with the "
            "contact and record the talk."
        )
        % {"who": who},
        "link": reverse("talks:my_page"),
    }


def reminders_send_now(
    *,
    branch: Branch,
    picks: list[tuple[str, Member]],
    semester: Semester | None,
    by,
    today: date,
) -> dict[str, list[tuple[str, Member]]]:
    """Write one notification per (kind, member) not reminded now today, audit, send after the
    commit. Returns what was sent and what was skipped (already reminded today)."""
    period = now_period(today)
    with transaction.atomic():
        users = [member.user_id for _kind, member in picks]
        existing = set(
            Notification.objects.filter(
                recipient_id__in=users, kind__in=list(NOW_KINDS.values()), period=period
            ).values_list("recipient_id", "kind")
        )
        sent: list[tuple[str, Member]] = []
        skipped: list[tuple[str, Member]] = []
        with translation.override("zh-hans"):
            for kind, member in picks:
                if (member.user_id, NOW_KINDS[kind]) in existing:
                    skipped.append((kind, member))
                    continue
                row = notify.notify(
                    recipient=member.user,
                    kind=NOW_KINDS[kind],
                    period=period,
                    **_message(kind, member, by, semester, today),
                )
                (sent if row is not None else skipped).append((kind, member))
        audit(
            AuditAction.CREATE,
            actor=by,
            obj=branch,
            branch_id=branch.pk,
            object_repr="reminders sent now",
            details={
                "sent": [[kind, member.pk] for kind, member in sent],
                "skipped": [[kind, member.pk] for kind, member in skipped],
            },
        )
    return {"sent": sent, "skipped": skipped}
