"""Reminding now (issue 14): the secretary picks members who are behind and reminds them at once.

Who is behind comes from what the page already holds (the dashboard's member × month states,
its overdue must-talks and the members' R61 report status; the reports list's rows), so the
form costs no query per member. Three kinds, each sent through the notification outbox with the
scheduled reminders' kinds (members.notify):

- month:  this month's talks or work reports not complete (R45);
- report: the running semester's report not started (R61);
- event:  a must-talk event overdue (R51).

At most one such reminder per person and kind a day: the row's period is the day
(members.notify.now_period), and the unique (recipient, kind, period) row refuses a second one
whoever sends it. Every sending is audited with who was reminded of what and who was skipped.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from members import access, notify
from members.audit import audit
from members.models import AuditAction, Branch, Member, Notification, NotificationKind
from talks import obligations

from .models import Semester

KINDS = {
    "month": NotificationKind.MONTHLY,
    "report": NotificationKind.REPORT,
    "event": NotificationKind.MUSTTALK,
}
INCOMPLETE = (obligations.MonthState.PARTIAL, obligations.MonthState.MISSING)


def kind_labels() -> dict[str, str]:
    return {
        "month": _("This month not complete"),
        "report": _("Semester report not started"),
        "event": _("Must-talk overdue"),
    }


def reminded_today_annotations(today: date) -> dict:
    """Exists() per kind, for a members query: reminded now today (no query of its own)."""
    period = notify.now_period(today)
    return {
        f"reminded_{code}": Exists(
            Notification.objects.filter(recipient_id=OuterRef("user_id"), kind=kind, period=period)
        )
        for code, kind in KINDS.items()
    }


def reminded_from_annotations(members) -> set[tuple[int, str]]:
    return {(m.pk, code) for m in members for code in KINDS if getattr(m, f"reminded_{code}")}


def reminded_today(members: list[Member], today: date) -> set[tuple[int, str]]:
    """(member id, kind) already reminded now today: one query for the whole list."""
    by_user = {m.user_id: m.pk for m in members}
    codes = {v: k for k, v in KINDS.items()}
    return {
        (by_user[user_id], codes[kind])
        for user_id, kind in Notification.objects.filter(
            recipient_id__in=list(by_user), kind__in=list(codes), period=notify.now_period(today)
        ).values_list("recipient_id", "kind")
    }


def behind_on_dashboard(
    *, members, month_states: dict, events: list[dict], semester: Semester | None, today: date
) -> list[dict]:
    """The members of the dashboard who are behind, with what they are behind on (no query)."""
    current = obligations.Month.of(today)
    overdue: dict[int, int] = {}
    for row in events:
        if row["state"] == obligations.EventState.OVERDUE:
            overdue[row["event"].member_id] = overdue.get(row["event"].member_id, 0) + 1
    report_due = semester is not None and semester.start_on <= today
    rows = []
    for member in members:
        kinds = []
        if month_states.get(member.pk, {}).get(current) in INCOMPLETE:
            kinds.append("month")
        if report_due and not member.report_status:
            kinds.append("report")
        if overdue.get(member.pk):
            kinds.append("event")
        if kinds:
            rows.append({"member": member, "kinds": kinds, "overdue": overdue.get(member.pk, 0)})
    return rows


def behind_on_reports(rows: list[dict], semester: Semester, today: date) -> list[dict]:
    """The reports list's members whose report is not started (the semester has begun)."""
    if semester.start_on > today:
        return []
    return [
        {"member": row["member"], "kinds": ["report"], "overdue": 0}
        for row in rows
        if row["report"] is None
    ]


class RemindForm(forms.Form):
    """Checkboxes "kind:member id" of the members behind; nothing else is accepted."""

    picks = forms.MultipleChoiceField(
        label=gettext_lazy("Remind"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Tick at least one member to remind."),
            "invalid_choice": gettext_lazy(
                "%(value)s is no longer behind (the page was out of date): look at the list "
                "again and tick whom to remind."
            ),
        },
    )

    def __init__(self, *args, behind: list[dict], done: set[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        labels = kind_labels()
        colon = pgettext("separator", ": ")
        self.members = {row["member"].pk: row["member"] for row in behind}
        self.fields["picks"].choices = [
            (f"{kind}:{row['member'].pk}", f"{row['member'].name}{colon}{labels[kind]}")
            for row in behind
            for kind in row["kinds"]
        ]
        self.rows = [
            {
                **row,
                "items": [
                    {
                        "value": f"{kind}:{row['member'].pk}",
                        "kind": kind,
                        "label": labels[kind],
                        "done": (row["member"].pk, kind) in done,
                    }
                    for kind in row["kinds"]
                ],
            }
            for row in behind
        ]
        self.checked = set(self.data.getlist("picks")) if self.is_bound else set()

    def clean_picks(self) -> list[tuple[str, Member]]:
        picks = []
        for value in self.cleaned_data["picks"]:
            kind, member_id = value.split(":", 1)
            picks.append((kind, self.members[int(member_id)]))
        return picks


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
    period = notify.now_period(today)
    with transaction.atomic():
        users = [member.user_id for _kind, member in picks]
        existing = set(
            Notification.objects.filter(
                recipient_id__in=users, kind__in=list(KINDS.values()), period=period
            ).values_list("recipient_id", "kind")
        )
        sent, skipped = [], []
        with translation.override("zh-hans"):
            for kind, member in picks:
                if (member.user_id, KINDS[kind]) in existing:
                    skipped.append((kind, member))
                    continue
                row = notify.notify(
                    recipient=member.user,
                    kind=KINDS[kind],
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


def report_result(request, result: dict) -> None:
    """Say on the next page whom the reminder went to and whom it skipped (once a day)."""
    from django.contrib import messages

    labels = kind_labels()

    def names(items):
        return "、".join(f"{member.name}（{labels[kind]}）" for kind, member in items)

    if result["sent"]:
        messages.success(
            request,
            _("Reminded now: %(names)s.") % {"names": names(result["sent"])},
        )
    if result["skipped"]:
        messages.warning(
            request,
            _("Already reminded today, not sent again: %(names)s.")
            % {"names": names(result["skipped"])},
        )
